// The built web console (web/dist: index.html, assets/<name>-<hash>.js|css, ...), read
// into memory once at start-up and served from there: a request never touches the disk,
// so no path a client sends can reach a file outside the site. Paths that are not files
// and look like the console's own routes (/work-orders, /hotline/c123) get index.html,
// where the browser-side router takes over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "gateway/http_handler.h"

namespace qq::gateway {

struct StaticSiteOptions {
  // Another origin images may come from (the map's tile server, see TileOrigin), added
  // to the Content-Security-Policy's img-src; empty for none.
  std::string extra_img_origin;
  // A site larger than this is refused: reading it all into memory means a web_root
  // pointing at the wrong directory must not read half the disk.
  uint64_t max_total_bytes = 256 * 1024 * 1024;
};

class StaticSite {
 public:
  // Reads every regular file under `dir` (symlinks only when they resolve inside it;
  // names starting with '.' are skipped, except .well-known) and makes a gzip copy of
  // each compressible one over 1 KiB. NOT_FOUND when `dir` does not exist,
  // FAILED_PRECONDITION when it is not a directory, cannot be read, or has no
  // index.html, RESOURCE_EXHAUSTED when it holds more than options.max_total_bytes.
  static absl::StatusOr<StaticSite> Load(const std::string& dir, StaticSiteOptions options = {});

  // Answers GET and HEAD (405 with Allow otherwise; the server drops a HEAD answer's
  // body): the file at the percent-decoded path, else index.html for a path outside
  // /assets/ whose last segment has no file extension, else 404. A path with a "." or
  // ".." segment, a NUL or a backslash is 404. Gzip when Accept-Encoding allows it; 304
  // when If-None-Match names the ETag. Every answer carries the security headers
  // (Content-Security-Policy, X-Frame-Options, ...) and the route label "static".
  HttpResponse Serve(const HttpRequest& request) const;

  size_t file_count() const { return files_.size(); }
  uint64_t total_bytes() const { return total_bytes_; }

 private:
  struct File {
    std::string body;
    std::string gzip;  // empty when not worth compressing
    std::string content_type;
    std::string etag;       // strong, from the content: "\"<hash>\""
    std::string gzip_etag;  // of the gzip copy, a representation of its own
    bool compressible = false;
  };

  StaticSite() = default;
  const File* Find(const std::string& path) const;
  void AddSecurityHeaders(HttpResponse& response) const;
  HttpResponse Error(const absl::Status& status, int http_status = 0) const;

  std::unordered_map<std::string, File> files_;  // by URL path: "/assets/index-1a2b.js"
  uint64_t total_bytes_ = 0;
  std::string content_security_policy_;
};

}  // namespace qq::gateway
