// Loading the console's files and answering from memory. Everything that can be worked
// out once (content type, ETag, gzip copy, security policy) is worked out at load, so a
// request costs a lookup and a copy.
#include "gateway/static_site.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/path_template.h"
#include "services/common/log.h"
#include "services/common/sha256.h"

namespace qq::gateway {
namespace {

namespace fs = std::filesystem;

constexpr char kRoute[] = "static";  // one metrics label for every file: bounded cardinality
constexpr char kIndexPath[] = "/index.html";
// Vite names everything here after its content: a changed file gets a new name, so a
// cached copy never needs checking again.
constexpr char kAssetsPrefix[] = "/assets/";
constexpr char kImmutable[] = "public, max-age=31536000, immutable";
// index.html and the like keep their names across releases: check before every use.
constexpr char kNoCache[] = "no-cache";
// Below this, gzip saves less than the round of bookkeeping it costs.
constexpr size_t kGzipMinBytes = 1024;

struct FileType {
  const char* extension;
  const char* content_type;
  bool compressible;
};

constexpr FileType kFileTypes[] = {
    {"html", "text/html; charset=utf-8", true},
    {"js", "text/javascript; charset=utf-8", true},
    {"mjs", "text/javascript; charset=utf-8", true},
    {"css", "text/css; charset=utf-8", true},
    {"svg", "image/svg+xml", true},
    {"json", "application/json; charset=utf-8", true},
    {"txt", "text/plain; charset=utf-8", true},
    {"map", "application/json; charset=utf-8", true},
    {"png", "image/png", false},
    {"jpg", "image/jpeg", false},
    {"jpeg", "image/jpeg", false},
    {"webp", "image/webp", false},
    {"ico", "image/x-icon", false},
    {"woff2", "font/woff2", false},
    {"woff", "font/woff", false},
};
constexpr FileType kUnknownType = {"", "application/octet-stream", false};

// "js" of "index-1a2b.js"; empty when the name has no extension (a leading dot, as in
// ".well-known", does not start one).
absl::string_view ExtensionOf(absl::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == absl::string_view::npos || dot == 0) return {};
  return name.substr(dot + 1);
}

const FileType& TypeOf(absl::string_view name) {
  absl::string_view extension = ExtensionOf(name);
  for (const FileType& type : kFileTypes) {
    if (absl::EqualsIgnoreCase(extension, type.extension)) return type;
  }
  return kUnknownType;
}

// The last segment names a file ("logo.png"), as opposed to a console route
// ("c123", "work-orders"): a short alphanumeric extension.
bool HasFileExtension(absl::string_view segment) {
  absl::string_view extension = ExtensionOf(segment);
  return !extension.empty() && extension.size() <= 8 &&
         std::all_of(extension.begin(), extension.end(),
                     [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); });
}

// The request path decoded, or nullopt for one no file of the site can have: not
// absolute, a "." or ".." segment, a NUL or a backslash. Files are looked up in memory,
// so this keeps odd paths from reaching index.html rather than guarding the disk.
std::optional<std::string> SitePath(absl::string_view raw) {
  std::string path = PercentDecode(raw);
  if (path.empty() || path.front() != '/') return std::nullopt;
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos) {
    return std::nullopt;
  }
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment == "." || segment == "..") return std::nullopt;
  }
  return path;
}

// A console route: index.html answers it and the browser-side router shows the page.
bool IsClientRoute(absl::string_view path) {
  if (absl::StartsWith(path, kAssetsPrefix)) return false;
  return !HasFileExtension(path.substr(path.rfind('/') + 1));
}

// Whether Accept-Encoding allows gzip: "gzip" (or the old "x-gzip"), else "*", with a
// q-value above 0. An unreadable q-value counts as 0: plain bytes always work.
bool AcceptsGzip(absl::string_view accept_encoding) {
  double gzip_q = -1;
  double any_q = -1;
  for (absl::string_view item : absl::StrSplit(accept_encoding, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    absl::string_view coding = absl::StripAsciiWhitespace(parts[0]);
    double q = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      std::pair<absl::string_view, absl::string_view> param = absl::StrSplit(parts[i], '=');
      if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(param.first), "q") &&
          !absl::SimpleAtod(absl::StripAsciiWhitespace(param.second), &q)) {
        q = 0;
      }
    }
    if (absl::EqualsIgnoreCase(coding, "gzip") || absl::EqualsIgnoreCase(coding, "x-gzip")) {
      gzip_q = std::max(gzip_q, q);
    } else if (coding == "*") {
      any_q = q;
    }
  }
  return gzip_q >= 0 ? gzip_q > 0 : any_q > 0;
}

// If-None-Match lists `etag` (compared weakly, as RFC 9110 says for this header) or is "*".
bool NoneMatchHits(absl::string_view if_none_match, absl::string_view etag) {
  for (absl::string_view item : absl::StrSplit(if_none_match, ',')) {
    absl::string_view tag = absl::StripAsciiWhitespace(item);
    if (tag == "*") return true;
    absl::ConsumePrefix(&tag, "W/");
    if (tag == etag) return true;
  }
  return false;
}

// `data` as a gzip file (not a bare deflate stream: that is what Content-Encoding: gzip
// names), at the best compression; it is done once per file. Empty on failure.
std::string Gzip(absl::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return "";
  }
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return result == Z_STREAM_END ? out : "";
}

// `path` lies under `root`; both canonical.
bool IsInside(const fs::path& root, const fs::path& path) {
  return std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first == root.end();
}

absl::StatusOr<std::string> ReadWhole(const fs::path& path, uint64_t size) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    return absl::FailedPreconditionError(absl::StrCat("web_root: cannot read ", path.string()));
  }
  return bytes;
}

}  // namespace

absl::StatusOr<StaticSite> StaticSite::Load(const std::string& dir, StaticSiteOptions options) {
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) {
    return absl::NotFoundError(absl::StrCat("web_root ", dir, " does not exist"));
  }
  if (ec) return absl::FailedPreconditionError(absl::StrCat("web_root ", dir, ": ", ec.message()));
  if (!fs::is_directory(root, ec)) {
    return absl::FailedPreconditionError(absl::StrCat("web_root ", dir, " is not a directory"));
  }

  StaticSite site;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const fs::path& path = entry.path();
    // Editor and VCS litter (.DS_Store, .git) is no part of the site; .well-known is.
    std::string name = path.filename().string();
    if (absl::StartsWith(name, ".") && name != ".well-known") {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code entry_ec;
    if (entry.is_symlink(entry_ec)) {
      fs::path target = fs::canonical(path, entry_ec);
      if (entry_ec || !IsInside(root, target)) {
        LogWarn("web_root: skipping a symlink that leads out of it or nowhere",
                {{"path", path.string()}});
        continue;
      }
    }
    // Symlinked directories are not walked (the iterator does not follow them).
    fs::file_status status = entry.status(entry_ec);
    if (entry_ec || !fs::is_regular_file(status)) continue;
    uint64_t size = fs::file_size(path, entry_ec);
    if (entry_ec) {
      return absl::FailedPreconditionError(
          absl::StrCat("web_root: cannot read ", path.string(), ": ", entry_ec.message()));
    }
    if (size > options.max_total_bytes - site.total_bytes_) {
      return absl::ResourceExhaustedError(
          absl::StrCat("web_root ", dir, " holds more than ", options.max_total_bytes,
                       " bytes; is it the built console (web/dist)?"));
    }
    absl::StatusOr<std::string> body = ReadWhole(path, size);
    if (!body.ok()) return body.status();
    site.total_bytes_ += size;

    const FileType& type = TypeOf(name);
    File file;
    file.content_type = type.content_type;
    file.compressible = type.compressible;
    std::string hash = Sha256Hex(*body).substr(0, 32);
    file.etag = absl::StrCat("\"", hash, "\"");
    if (type.compressible && body->size() > kGzipMinBytes) {
      std::string gzip = Gzip(*body);
      if (!gzip.empty() && gzip.size() < body->size()) {
        file.gzip = std::move(gzip);
        file.gzip_etag = absl::StrCat("\"", hash, "-gzip\"");
      }
    }
    file.body = *std::move(body);
    site.files_.emplace(absl::StrCat("/", path.lexically_relative(root).generic_string()),
                        std::move(file));
  }
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("web_root ", dir, " cannot be read: ", ec.message()));
  }
  if (site.Find(kIndexPath) == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "web_root ", dir, " has no index.html; is the console built (npm run build in web/)?"));
  }

  // antd injects <style> elements at run time, hence 'unsafe-inline' for styles (never
  // for scripts); map tiles may come from the configured tile server.
  site.content_security_policy_ = absl::StrCat(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data: blob:",
      options.extra_img_origin.empty() ? "" : " ", options.extra_img_origin,
      "; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
      "form-action 'self'; frame-ancestors 'none'");
  return site;
}

HttpResponse StaticSite::Serve(const HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response =
        Error(absl::UnimplementedError(absl::StrCat(request.method, " is not allowed on ",
                                                    request.path, "; use GET, HEAD")),
              405);
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  std::optional<std::string> path = SitePath(request.path);
  const File* file = path ? Find(*path) : nullptr;
  if (file == nullptr && path && IsClientRoute(*path)) file = Find(kIndexPath);
  if (file == nullptr) {
    return Error(absl::NotFoundError(absl::StrCat("no file at ", request.path)));
  }

  bool gzip = !file->gzip.empty() && AcceptsGzip(request.accept_encoding);
  const std::string& etag = gzip ? file->gzip_etag : file->etag;
  HttpResponse response;
  response.route = kRoute;
  response.content_type = file->content_type;
  response.headers.emplace_back("ETag", etag);
  // index.html standing in for a console route is never under /assets/.
  response.headers.emplace_back("Cache-Control",
                                absl::StartsWith(*path, kAssetsPrefix) ? kImmutable : kNoCache);
  // Caches must keep the gzip and the plain copy apart.
  if (file->compressible) response.headers.emplace_back("Vary", "Accept-Encoding");
  AddSecurityHeaders(response);
  if (NoneMatchHits(request.if_none_match, etag)) {
    response.status = 304;  // the client's copy is current: no body
    return response;
  }
  if (gzip) response.headers.emplace_back("Content-Encoding", "gzip");
  response.body = gzip ? file->gzip : file->body;
  return response;
}

const StaticSite::File* StaticSite::Find(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

void StaticSite::AddSecurityHeaders(HttpResponse& response) const {
  response.headers.emplace_back("Content-Security-Policy", content_security_policy_);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  response.headers.emplace_back("X-Frame-Options", "DENY");
}

HttpResponse StaticSite::Error(const absl::Status& status, int http_status) const {
  HttpResponse response = ErrorResponse(status, http_status);
  response.route = kRoute;
  AddSecurityHeaders(response);
  return response;
}

}  // namespace qq::gateway
