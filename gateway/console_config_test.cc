#include "gateway/console_config.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "services/common/status.h"

namespace qq::gateway {
namespace {

ConsoleConfig WithTileUrl(std::string url) {
  ConsoleConfig config;
  config.map_tile_url = std::move(url);
  return config;
}

TEST(CheckConsoleConfig, TakesNoTileServerAndEitherCoordinateSystemInAnyCase) {
  absl::StatusOr<ConsoleConfig> config = CheckConsoleConfig({});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->map_coord_system, "WGS84");

  config = CheckConsoleConfig({.map_coord_system = "gcj02"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->map_coord_system, "GCJ02");
}

TEST(CheckConsoleConfig, RejectsAnUnknownCoordinateSystemNamingTheFlag) {
  absl::StatusOr<ConsoleConfig> config = CheckConsoleConfig({.map_coord_system = "BD09"});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(config.status()), "map_coord_system");
}

TEST(CheckConsoleConfig, TakesHttpAndHttpsTileTemplates) {
  for (const char* url :
       {"https://tiles.example.com/{z}/{x}/{y}.png",
        "http://10.0.0.5:8081/tiles/{z}/{x}/{y}.png?style=light",
        "https://{s}.tile.example.org/{z}/{x}/{y}.png", "HTTPS://tiles.example.com/{z}/{y}/{x}"}) {
    EXPECT_TRUE(CheckConsoleConfig(WithTileUrl(url)).ok()) << url;
  }
}

TEST(CheckConsoleConfig, RejectsTileUrlsThatAreNotHttpTemplatesWithAPlainHost) {
  for (const char* url : {
           "tiles.example.com/{z}/{x}/{y}.png",              // no scheme
           "ftp://tiles.example.com/{z}/{x}/{y}.png",        // not http(s)
           "javascript:alert(1)//{z}/{x}/{y}",               // not http(s)
           "https:///{z}/{x}/{y}.png",                       // no host
           "https://tiles.example.com/{z}/{x}.png",          // no {y}
           "https://tiles.example.com/tile.png",             // no placeholders
           "https://user:pw@tiles.example.com/{z}/{x}/{y}",  // user info
           "https://tiles.example.com;x/{z}/{x}/{y}",        // would break the CSP header
           "https://tiles.example.com/{z}/{x}/{y} x",        // a space
           "https://{z}x/{z}/{x}/{y}",                       // a placeholder inside the host
       }) {
    absl::StatusOr<ConsoleConfig> config = CheckConsoleConfig(WithTileUrl(url));
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_EQ(FieldOf(config.status()), "map_tile_url") << url;
  }
}

TEST(TileOrigin, IsSchemeHostAndPortWithASubdomainPlaceholderAsAWildcard) {
  EXPECT_EQ(TileOrigin(""), "");
  EXPECT_EQ(TileOrigin("https://tiles.example.com/{z}/{x}/{y}.png"), "https://tiles.example.com");
  EXPECT_EQ(TileOrigin("http://10.0.0.5:8081/t/{z}/{x}/{y}.png?k=v"), "http://10.0.0.5:8081");
  EXPECT_EQ(TileOrigin("HTTPS://{s}.tile.example.org/{z}/{x}/{y}.png"),
            "https://*.tile.example.org");
}

TEST(ConsoleConfigJson, HasTheMapSettingsUnderMap) {
  ConsoleConfig config{"https://t.example.com/{z}/{x}/{y}.png", "GCJ02", "© \"Tiles\" 2024"};
  boost::json::value json = boost::json::parse(ConsoleConfigJson(config));
  const boost::json::object& map = json.at("map").as_object();
  EXPECT_EQ(map.at("tileUrl").as_string(), "https://t.example.com/{z}/{x}/{y}.png");
  EXPECT_EQ(map.at("coordSystem").as_string(), "GCJ02");
  EXPECT_EQ(map.at("attribution").as_string(), "© \"Tiles\" 2024");
  EXPECT_EQ(ConsoleConfigJson({}),
            R"({"map":{"tileUrl":"","coordSystem":"WGS84","attribution":""}})");
}

}  // namespace
}  // namespace qq::gateway
