// What the web console asks the gateway at start (GET /console-config.json): settings of
// the deployment rather than of a tenant, today the map's tile server. Checked once at
// start-up, so a bad flag stops the gateway instead of leaving the console with a blank map.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qq::gateway {

struct ConsoleConfig {
  // Tile URL template, e.g. "https://tiles.example.com/{z}/{x}/{y}.png"; empty: none
  // configured (the console shows no base map).
  std::string map_tile_url;
  // The datum of the tiles: "WGS84", or "GCJ02" for tiles from Chinese providers, whose
  // coordinates are shifted (points from the services are WGS84 and must be shifted too).
  std::string map_coord_system = "WGS84";
  std::string map_attribution;  // shown on the map, e.g. "© OpenStreetMap contributors"
};

// The config with the coordinate system spelt "WGS84" or "GCJ02" (any case accepted).
// INVALID_ARGUMENT naming the flag (map_tile_url, map_coord_system) for a tile URL that
// is not http(s) with a plain host and {z}, {x} and {y}, or an unknown coordinate system.
absl::StatusOr<ConsoleConfig> CheckConsoleConfig(ConsoleConfig config);

// {"map":{"tileUrl":"…","coordSystem":"WGS84","attribution":"…"}}
std::string ConsoleConfigJson(const ConsoleConfig& config);

// The origin of a tile URL template accepted by CheckConsoleConfig, for the
// Content-Security-Policy: "https://tiles.example.com:8443"; a leading "{s}." subdomain
// placeholder becomes "*." ("https://*.tile.example.org"). Empty for an empty URL.
std::string TileOrigin(absl::string_view tile_url);

}  // namespace qq::gateway
