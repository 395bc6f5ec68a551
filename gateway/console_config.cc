// Checking and printing the console's deployment settings.
#include "gateway/console_config.h"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace qq::gateway {
namespace {

struct SplitUrl {
  std::string scheme;           // "http" or "https", lower case
  absl::string_view authority;  // "{s}.tiles.example.com:8443"
};

// Scheme and authority of an http(s) URL; nullopt for any other scheme or an empty
// authority.
std::optional<SplitUrl> Split(absl::string_view url) {
  SplitUrl split;
  for (const char* scheme : {"https", "http"}) {
    if (absl::StartsWithIgnoreCase(url, absl::StrCat(scheme, "://"))) {
      split.scheme = scheme;
      break;
    }
  }
  if (split.scheme.empty()) return std::nullopt;
  absl::string_view rest = url.substr(split.scheme.size() + 3);
  split.authority = rest.substr(0, rest.find_first_of("/?#"));
  if (split.authority.empty()) return std::nullopt;
  return split;
}

// The authority without a leading subdomain placeholder ("{s}." as Leaflet writes it,
// "{a-c}." as OpenLayers does); `placeholder` tells whether there was one.
absl::string_view WithoutPlaceholder(absl::string_view authority, bool* placeholder) {
  *placeholder = false;
  if (!absl::StartsWith(authority, "{")) return authority;
  size_t close = authority.find('}');
  if (close == absl::string_view::npos || close + 1 >= authority.size() ||
      authority[close + 1] != '.') {
    return authority;
  }
  absl::string_view name = authority.substr(1, close - 1);
  bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
  if (!plain) return authority;
  *placeholder = true;
  return authority.substr(close + 2);
}

// Host (name, IPv4, or bracketed IPv6) and port only: the origin goes into a header
// verbatim, so no user info, spaces, quotes or semicolons.
bool IsPlainHostPort(absl::string_view host_port) {
  return !host_port.empty() && std::all_of(host_port.begin(), host_port.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

}  // namespace

absl::StatusOr<ConsoleConfig> CheckConsoleConfig(ConsoleConfig config) {
  std::string coord = absl::AsciiStrToUpper(config.map_coord_system);
  if (coord != "WGS84" && coord != "GCJ02") {
    return InvalidField("map_coord_system", absl::StrCat("must be WGS84 or GCJ02, not '",
                                                         config.map_coord_system, "'"));
  }
  config.map_coord_system = coord;
  const std::string& url = config.map_tile_url;
  if (url.empty()) return config;
  auto bad_url = [&](absl::string_view why) {
    return InvalidField("map_tile_url", absl::StrCat(why,
                                                     ", e.g. https://tiles.example.com/{z}/"
                                                     "{x}/{y}.png; got '",
                                                     url, "'"));
  };
  bool printable = std::all_of(url.begin(), url.end(), [](char c) { return c > 0x20 && c < 0x7F; });
  if (!printable) return bad_url("must be printable ASCII without spaces");
  std::optional<SplitUrl> split = Split(url);
  if (!split) return bad_url("must be an http:// or https:// URL with a host");
  bool placeholder = false;
  if (!IsPlainHostPort(WithoutPlaceholder(split->authority, &placeholder))) {
    return bad_url("must have a plain host[:port] (a leading {s}. subdomain is allowed)");
  }
  for (const char* part : {"{z}", "{x}", "{y}"}) {
    if (!absl::StrContains(url, part)) return bad_url(absl::StrCat("must contain ", part));
  }
  return config;
}

std::string ConsoleConfigJson(const ConsoleConfig& config) {
  boost::json::object map{{"tileUrl", config.map_tile_url},
                          {"coordSystem", config.map_coord_system},
                          {"attribution", config.map_attribution}};
  return boost::json::serialize(boost::json::object{{"map", std::move(map)}});
}

std::string TileOrigin(absl::string_view tile_url) {
  std::optional<SplitUrl> split = Split(tile_url);
  if (!split) return "";
  bool placeholder = false;
  absl::string_view host_port = WithoutPlaceholder(split->authority, &placeholder);
  return absl::StrCat(split->scheme, "://", placeholder ? "*." : "", host_port);
}

}  // namespace qq::gateway
