#include "gateway/static_site.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <zlib.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "absl/strings/match.h"
#include "gateway/fake_backends.h"
#include "gateway/gateway_handler.h"
#include "gateway/http_server.h"
#include "gateway/linked_services.h"
#include "gateway/route_table.h"
#include "services/common/auth.h"

namespace qq::gateway {
namespace {

namespace fs = std::filesystem;

constexpr char kIndex[] = "<!doctype html><title>Qingquan</title><div id=root></div>";
constexpr char kScriptPath[] = "/assets/index-3f2a9c1b.js";
constexpr char kStylePath[] = "/assets/index-77e0d4aa.css";
constexpr char kStyle[] = "body{margin:0}";  // under 1 KiB: no gzip copy
constexpr char kTileUrl[] = "https://tiles.example.com:8443/{z}/{x}/{y}.png";

// Compressible and well over 1 KiB, like a real bundle.
std::string Script() {
  std::string script;
  for (int i = 0; i < 400; ++i) script += "export const s" + std::to_string(i) + " = 'qingquan';\n";
  return script;
}

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

std::string Header(const HttpResponse& response, absl::string_view name) {
  for (const auto& [k, v] : response.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

HttpRequest Request(std::string method, std::string path, std::string accept_encoding = "",
                    std::string if_none_match = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.accept_encoding = std::move(accept_encoding);
  request.if_none_match = std::move(if_none_match);
  request.request_id = "req-1";
  return request;
}

boost::json::value Json(const HttpResponse& response) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(response.body, ec);
  EXPECT_FALSE(ec) << response.body;
  return v;
}

// A built console in a fresh temporary directory, as Vite lays it out.
class ConsoleDir {
 public:
  ConsoleDir() {
    std::string pattern = ::testing::TempDir() + "static_site_XXXXXX";
    EXPECT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    Write("/index.html", kIndex);
    Write(kScriptPath, Script());
    Write(kStylePath, kStyle);
    Write("/favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
    Write("/logo.png", std::string("\x89PNG\r\n\x1a\n\0\0", 10));
  }
  ~ConsoleDir() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void Write(const std::string& path, const std::string& bytes) {
    fs::path file = root_ / path.substr(1);
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
  }

  std::string path() const { return root_.string(); }

 private:
  fs::path root_;
};

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override { Load(); }

  void Load(StaticSiteOptions options = {}) {
    absl::StatusOr<StaticSite> site = StaticSite::Load(dir_.path(), std::move(options));
    ASSERT_TRUE(site.ok()) << site.status();
    site_.emplace(*std::move(site));
  }

  HttpResponse Get(std::string path, std::string accept_encoding = "",
                   std::string if_none_match = "") {
    return site_->Serve(
        Request("GET", std::move(path), std::move(accept_encoding), std::move(if_none_match)));
  }

  ConsoleDir dir_;
  std::optional<StaticSite> site_;
};

TEST_F(StaticSiteTest, ServesAFileWithItsType) {
  for (auto [path, type] : std::vector<std::pair<std::string, std::string>>{
           {"/index.html", "text/html; charset=utf-8"},
           {kScriptPath, "text/javascript; charset=utf-8"},
           {kStylePath, "text/css; charset=utf-8"},
           {"/favicon.svg", "image/svg+xml"},
           {"/logo.png", "image/png"}}) {
    HttpResponse response = Get(path);
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.content_type, type) << path;
    EXPECT_EQ(response.route, "static") << path;
  }
  EXPECT_EQ(Get("/logo.png").body, std::string("\x89PNG\r\n\x1a\n\0\0", 10));
  EXPECT_EQ(site_->file_count(), 5u);
}

TEST_F(StaticSiteTest, AnswersConsoleRoutesWithIndex) {
  for (const char* path : {"/", "/hotline/c123", "/work-orders", "/work-orders/", "/assets",
                           "/customers/%E5%AE%A2%E6%88%B7"}) {
    HttpResponse response = Get(path);
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.body, kIndex) << path;
    EXPECT_EQ(response.content_type, "text/html; charset=utf-8") << path;
    EXPECT_EQ(Header(response, "Cache-Control"), "no-cache") << path;
  }
}

TEST_F(StaticSiteTest, MissingFilesAndAssetsAre404Json) {
  for (const char* path : {"/assets/index-00000000.js", "/assets/", "/foo.png", "/robots.txt",
                           "/work-orders/export.xlsx"}) {
    HttpResponse response = Get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(Json(response).at("error").at("code").as_string(), "NOT_FOUND") << path;
    EXPECT_EQ(response.route, "static") << path;  // never the raw path: bounded metrics
  }
}

TEST_F(StaticSiteTest, RefusesDotSegmentsNulAndBackslashesInsteadOfFallingBackToIndex) {
  for (const char* path :
       {"/../etc/passwd", "/assets/../index.html", "/%2e%2e/index.html", "/assets/%2E%2E/%2e%2e/x",
        "/./index.html", "/work-orders/..", "/index.html%00", "/a%00b",
        "/assets\\index-3f2a9c1b.js", "/%5cindex.html"}) {
    HttpResponse response = Get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_NE(response.body, kIndex) << path;
  }
}

TEST_F(StaticSiteTest, PercentEncodedNamesFindTheirFiles) {
  dir_.Write("/assets/客户-1a2b.svg", "<svg/>");
  Load();
  EXPECT_EQ(Get("/assets/%E5%AE%A2%E6%88%B7-1a2b.svg").body, "<svg/>");
  EXPECT_EQ(Get("/%61ssets/index-77e0d4aa.css").body, kStyle);
}

TEST_F(StaticSiteTest, HashedAssetsAreCachedForeverAndTheRestIsRevalidated) {
  EXPECT_EQ(Header(Get(kScriptPath), "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Header(Get(kStylePath), "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Header(Get("/index.html"), "Cache-Control"), "no-cache");
  EXPECT_EQ(Header(Get("/favicon.svg"), "Cache-Control"), "no-cache");
}

TEST_F(StaticSiteTest, GzipIsServedOnlyWhenAcceptedAndUnpacksToTheFile) {
  HttpResponse gzip = Get(kScriptPath, "deflate, gzip, br");
  EXPECT_EQ(gzip.status, 200);
  EXPECT_EQ(Header(gzip, "Content-Encoding"), "gzip");
  EXPECT_EQ(Header(gzip, "Vary"), "Accept-Encoding");
  EXPECT_LT(gzip.body.size(), Script().size() / 4);
  EXPECT_EQ(Gunzip(gzip.body), Script());

  for (const char* accepted : {"gzip;q=0.5", "*", "x-gzip", "GZIP ; q=1"}) {
    EXPECT_EQ(Header(Get(kScriptPath, accepted), "Content-Encoding"), "gzip") << accepted;
  }
  for (const char* refused :
       {"", "br", "identity", "gzip;q=0", "gzip; q=0.000", "*;q=0", "gzip;q=0, *", "gzip;q=x"}) {
    HttpResponse plain = Get(kScriptPath, refused);
    EXPECT_EQ(Header(plain, "Content-Encoding"), "<absent>") << refused;
    EXPECT_EQ(plain.body, Script()) << refused;
    EXPECT_EQ(Header(plain, "Vary"), "Accept-Encoding") << refused;
  }
}

TEST_F(StaticSiteTest, SmallAndIncompressibleFilesGoAsTheyAre) {
  HttpResponse style = Get(kStylePath, "gzip");
  EXPECT_EQ(Header(style, "Content-Encoding"), "<absent>");
  EXPECT_EQ(style.body, kStyle);
  EXPECT_EQ(Header(style, "Vary"), "Accept-Encoding");  // a compressible type all the same

  std::string picture(4096, '\0');  // compresses well, but a PNG is compressed already
  dir_.Write("/photo.png", picture);
  Load();
  HttpResponse png = Get("/photo.png", "gzip");
  EXPECT_EQ(Header(png, "Content-Encoding"), "<absent>");
  EXPECT_EQ(Header(png, "Vary"), "<absent>");
  EXPECT_EQ(png.body, picture);
}

TEST_F(StaticSiteTest, IfNoneMatchWithTheETagIs304WithoutABody) {
  HttpResponse first = Get(kScriptPath);
  std::string etag = Header(first, "ETag");
  ASSERT_TRUE(absl::StartsWith(etag, "\"") && absl::EndsWith(etag, "\"")) << etag;

  for (std::string if_none_match : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    HttpResponse again = Get(kScriptPath, "", if_none_match);
    EXPECT_EQ(again.status, 304) << if_none_match;
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(Header(again, "ETag"), etag);
    EXPECT_EQ(Header(again, "Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(Header(again, "X-Content-Type-Options"), "nosniff");
  }
  EXPECT_EQ(Get(kScriptPath, "", "\"other\"").status, 200);

  // The gzip copy is a representation of its own, with its own tag.
  std::string gzip_etag = Header(Get(kScriptPath, "gzip"), "ETag");
  EXPECT_NE(gzip_etag, etag);
  EXPECT_EQ(Get(kScriptPath, "gzip", gzip_etag).status, 304);
  EXPECT_EQ(Get(kScriptPath, "gzip", etag).status, 200);
}

TEST_F(StaticSiteTest, TheETagFollowsTheContent) {
  std::string before = Header(Get("/index.html"), "ETag");
  EXPECT_EQ(Header(Get("/work-orders"), "ETag"), before);  // the same index.html
  dir_.Write("/index.html", "<!doctype html><title>v2</title>");
  Load();
  EXPECT_NE(Header(Get("/index.html"), "ETag"), before);
}

TEST_F(StaticSiteTest, HeadAnswersLikeGet) {
  HttpResponse head = site_->Serve(Request("HEAD", kScriptPath, "gzip"));
  HttpResponse get = Get(kScriptPath, "gzip");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers, get.headers);
  // The body stays for its length; the server does not send it (HttpServerWithSiteTest).
  EXPECT_EQ(head.body.size(), get.body.size());
  EXPECT_EQ(site_->Serve(Request("HEAD", "/hotline/c1")).status, 200);
}

TEST_F(StaticSiteTest, OtherMethodsAre405NamingGetAndHead) {
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    HttpResponse response = site_->Serve(Request(method, "/"));
    EXPECT_EQ(response.status, 405) << method;
    EXPECT_EQ(Header(response, "Allow"), "GET, HEAD");
    EXPECT_EQ(response.route, "static");
  }
}

TEST_F(StaticSiteTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const HttpResponse& response :
       {Get("/"), Get(kScriptPath, "gzip"), Get("/missing.png"),
        Get("/", "", Header(Get("/"), "ETag")), site_->Serve(Request("POST", "/"))}) {
    EXPECT_EQ(Header(response, "Content-Security-Policy"),
              "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
              "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
              "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
        << response.status;
    EXPECT_EQ(Header(response, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(Header(response, "Referrer-Policy"), "same-origin");
    EXPECT_EQ(Header(response, "X-Frame-Options"), "DENY");
  }
}

TEST_F(StaticSiteTest, TheMapTileOriginMayServeImages) {
  Load({.extra_img_origin = TileOrigin(kTileUrl)});
  std::string policy = Header(Get("/"), "Content-Security-Policy");
  EXPECT_TRUE(
      absl::StrContains(policy, "; img-src 'self' data: blob: https://tiles.example.com:8443; "))
      << policy;
  EXPECT_TRUE(absl::StrContains(policy, "connect-src 'self';")) << policy;
}

TEST_F(StaticSiteTest, SkipsDotFilesButKeepsWellKnown) {
  dir_.Write("/.env", "SECRET=1");
  dir_.Write("/.git/config", "[core]");
  dir_.Write("/.well-known/security.txt", "Contact: mailto:security@example.com");
  Load();
  // Not files of the site: /.env and /.git/config look like console routes (no
  // extension), so they get index.html, never the file.
  EXPECT_EQ(Get("/.env").body, kIndex);
  EXPECT_EQ(Get("/.git/config").body, kIndex);
  EXPECT_EQ(site_->file_count(), 6u);
  EXPECT_EQ(Get("/.well-known/security.txt").body, "Contact: mailto:security@example.com");
}

TEST_F(StaticSiteTest, FollowsSymlinksOnlyWhenTheyStayInside) {
  ConsoleDir outside;
  outside.Write("/secret.txt", "not for the web");
  fs::create_symlink(fs::path(outside.path()) / "secret.txt", fs::path(dir_.path()) / "leak.txt");
  fs::create_symlink(fs::path(outside.path()), fs::path(dir_.path()) / "elsewhere");
  fs::create_symlink(fs::path(dir_.path()) / "favicon.svg", fs::path(dir_.path()) / "icon.svg");
  Load();
  EXPECT_EQ(Get("/leak.txt").status, 404);
  EXPECT_EQ(Get("/elsewhere/secret.txt").status, 404);
  EXPECT_EQ(Get("/icon.svg").body, Get("/favicon.svg").body);
}

TEST(StaticSiteLoad, RefusesAMissingDirectoryOneWithoutIndexAndOneTooLarge) {
  EXPECT_EQ(StaticSite::Load("/nonexistent/qq-web").status().code(), absl::StatusCode::kNotFound);

  ConsoleDir dir;
  EXPECT_EQ(StaticSite::Load(dir.path() + "/index.html").status().code(),
            absl::StatusCode::kFailedPrecondition);  // not a directory
  EXPECT_EQ(StaticSite::Load(dir.path(), {.max_total_bytes = 1000}).status().code(),
            absl::StatusCode::kResourceExhausted);

  fs::remove(fs::path(dir.path()) / "index.html");
  absl::StatusOr<StaticSite> site = StaticSite::Load(dir.path());
  EXPECT_EQ(site.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(site.status().message(), "index.html")) << site.status();
}

// --- Through GatewayHandler: the site takes what is not the API's.

const JwtKey kKey{"k1", "0123456789abcdef0123456789abcdef"};

class GatewayWithSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<RouteTable> table = RouteTable::Build(
        LinkedServices(ApiPackages()), {std::begin(kPublicMethods), std::end(kPublicMethods)});
    ASSERT_TRUE(table.ok()) << table.status();
    routes_.emplace(*std::move(table));
    absl::StatusOr<StaticSite> site = StaticSite::Load(dir_.path());
    ASSERT_TRUE(site.ok()) << site.status();
    site_.emplace(*std::move(site));
    GatewayOptions options;
    options.console = {kTileUrl, "GCJ02", "© Tiles"};
    handler_.emplace(*routes_, backends_, verifier_, options, &*site_);
    bare_handler_.emplace(*routes_, backends_, verifier_, GatewayOptions{});
  }

  static HttpResponse Run(GatewayHandler& handler, HttpRequest request) {
    int calls = 0;
    HttpResponse out;
    handler.Handle(std::move(request), [&](HttpResponse response) {
      ++calls;
      out = std::move(response);
    });
    EXPECT_EQ(calls, 1);
    return out;
  }

  ConsoleDir dir_;
  FakeBackends backends_;
  TokenVerifier verifier_{std::vector<JwtKey>{kKey}};
  std::optional<RouteTable> routes_;
  std::optional<StaticSite> site_;
  std::optional<GatewayHandler> handler_;       // with the console
  std::optional<GatewayHandler> bare_handler_;  // without
};

TEST_F(GatewayWithSiteTest, EveryApiRouteIsUnderV1) {
  // GatewayHandler sends everything else to the site.
  ASSERT_FALSE(routes_->routes().empty());
  for (const Route& route : routes_->routes()) {
    EXPECT_TRUE(absl::StartsWith(route.path.text(), "/v1/")) << route.path.text();
  }
}

TEST_F(GatewayWithSiteTest, ApiPathsKeepTheirAnswers) {
  for (GatewayHandler* handler : {&*handler_, &*bare_handler_}) {
    for (const char* path : {"/v1/unknown", "/v1", "/v1/"}) {
      HttpResponse response = Run(*handler, Request("GET", path));
      EXPECT_EQ(response.status, 404) << path;
      EXPECT_EQ(Json(response).at("error").at("code").as_string(), "NOT_FOUND") << path;
      EXPECT_EQ(response.route, "unmatched") << path;
      EXPECT_EQ(Header(response, "Content-Security-Policy"), "<absent>") << path;
    }
    // A real route still wants its token.
    EXPECT_EQ(Run(*handler, Request("GET", "/v1/customers/c1")).status, 401);
    EXPECT_EQ(Run(*handler, Request("GET", "/healthz")).status, 200);
  }
  EXPECT_TRUE(backends_.calls.empty());
}

TEST_F(GatewayWithSiteTest, TheRestGoesToTheSite) {
  HttpResponse route = Run(*handler_, Request("GET", "/hotline/c123"));
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, kIndex);
  EXPECT_EQ(route.route, "static");
  EXPECT_EQ(Run(*handler_, Request("HEAD", "/")).status, 200);
  EXPECT_EQ(Run(*handler_, Request("GET", "/assets/missing-1234.js")).status, 404);

  HttpResponse post = Run(*handler_, Request("POST", "/"));
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(Header(post, "Allow"), "GET, HEAD");
}

TEST_F(GatewayWithSiteTest, WithoutTheConsoleTheRootSaysSo) {
  HttpResponse response = Run(*bare_handler_, Request("GET", "/"));
  EXPECT_EQ(response.status, 404);
  EXPECT_TRUE(absl::StrContains(std::string(Json(response).at("error").at("detail").as_string()),
                                "web console is not served"))
      << response.body;
  EXPECT_EQ(Run(*bare_handler_, Request("GET", "/work-orders")).status, 404);
}

TEST_F(GatewayWithSiteTest, ConsoleConfigIsPublicAndNeverCached) {
  HttpResponse response = Run(*handler_, Request("GET", "/console-config.json"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(Header(response, "Cache-Control"), "no-cache");
  EXPECT_EQ(response.route, "/console-config.json");
  boost::json::value config = Json(response);
  const boost::json::object& map = config.at("map").as_object();
  EXPECT_EQ(map.at("tileUrl").as_string(), kTileUrl);
  EXPECT_EQ(map.at("coordSystem").as_string(), "GCJ02");
  EXPECT_EQ(map.at("attribution").as_string(), "© Tiles");

  // Also without the console: a console on Vite's dev server asks the gateway.
  HttpResponse bare = Run(*bare_handler_, Request("GET", "/console-config.json"));
  EXPECT_EQ(bare.status, 200);
  EXPECT_EQ(Json(bare).at("map").at("coordSystem").as_string(), "WGS84");
  EXPECT_EQ(Run(*handler_, Request("POST", "/console-config.json")).status, 405);
}

// --- Over the wire: what the server makes of the site's answers.

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class HttpServerWithSiteTest : public GatewayWithSiteTest {
 protected:
  void SetUp() override {
    GatewayWithSiteTest::SetUp();
    server_ = std::make_unique<HttpServer>(HttpServerOptions{.listen = "127.0.0.1:0"}, *handler_,
                                           nullptr);
    ASSERT_TRUE(server_->Start().ok());
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
  }
  void TearDown() override { server_->Shutdown(std::chrono::seconds(1)); }

  http::response<http::string_body> Send(
      http::verb method, const std::string& target,
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::request<http::empty_body> request(method, target, 11);
    request.set(http::field::host, "localhost");
    for (const auto& [name, value] : headers) request.set(name, value);
    http::write(socket_, request);
    http::response_parser<http::string_body> parser;
    parser.skip(method == http::verb::head);  // the parser cannot know: no body follows
    beast::error_code ec;
    http::read(socket_, buffer_, parser, ec);
    EXPECT_FALSE(ec) << ec.message();
    return parser.release();
  }

  std::unique_ptr<HttpServer> server_;
  net::io_context io_;
  tcp::socket socket_{io_};
  beast::flat_buffer buffer_;
};

TEST_F(HttpServerWithSiteTest, PassesTheSitesHeadersAndGzipBodyThrough) {
  http::response<http::string_body> response =
      Send(http::verb::get, kScriptPath, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(response[http::field::content_encoding], "gzip");
  EXPECT_EQ(response[http::field::vary], "Accept-Encoding");
  EXPECT_EQ(response[http::field::cache_control], "public, max-age=31536000, immutable");
  EXPECT_FALSE(response[http::field::etag].empty());
  EXPECT_TRUE(
      absl::StartsWith(std::string(response["Content-Security-Policy"]), "default-src 'self';"));
  EXPECT_EQ(response["X-Frame-Options"], "DENY");
  EXPECT_EQ(Gunzip(response.body()), Script());
}

TEST_F(HttpServerWithSiteTest, HeadTellsTheLengthSendsNoBodyAndKeepsTheConnection) {
  http::response<http::string_body> head = Send(http::verb::head, "/work-orders");
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[http::field::content_length], std::to_string(std::string(kIndex).size()));
  EXPECT_EQ(head[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_TRUE(head.body().empty());
  // Had a body been sent, it would be read here as the next answer.
  http::response<http::string_body> get = Send(http::verb::get, "/index.html");
  EXPECT_EQ(get.result_int(), 200);
  EXPECT_EQ(get.body(), kIndex);

  EXPECT_EQ(Send(http::verb::head, "/missing.png").result_int(), 404);
  EXPECT_EQ(Send(http::verb::get, "/favicon.svg").result_int(), 200);
}

TEST_F(HttpServerWithSiteTest, NotModifiedHasNoBodyAndKeepsTheConnection) {
  std::string etag(Send(http::verb::get, "/")[http::field::etag]);
  http::response<http::string_body> again = Send(http::verb::get, "/", {{"If-None-Match", etag}});
  EXPECT_EQ(again.result_int(), 304);
  EXPECT_TRUE(again.body().empty());
  EXPECT_EQ(again[http::field::etag], etag);
  EXPECT_EQ(again.count(http::field::content_length), 0u);
  EXPECT_EQ(again.count(http::field::content_type), 0u);
  EXPECT_EQ(Send(http::verb::get, "/index.html").body(), kIndex);
}

}  // namespace
}  // namespace qq::gateway
