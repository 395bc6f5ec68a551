// A customer's standing delivery wishes (下午3点后送, 工作日派送, 高层无电梯需带小推车) as
// data: checked and brought into the stored form, and said back in words (the preference
// tags couriers and agents read). Pure: no I/O. Field paths are those of the JSON body.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace qingquan::customer::v1 {
class DeliveryPreferences;
}  // namespace qingquan::customer::v1

namespace qq::customer {

// The stored form: times as "HH:MM" in ASCII, weekdays ascending and each once.
struct DeliveryPreferencesDraft {
  std::string window_start_local;  // "00:00".."23:59"; empty = from the start of the day
  std::string window_end_local;    // "00:01".."24:00"; empty = until the end of the day
  std::vector<int> weekdays;       // ISO 1 (Monday)..7 (Sunday); empty = any day
  bool no_lift = false;
  bool needs_cart = false;
  int floor = 0;  // 0 = unknown

  bool operator==(const DeliveryPreferencesDraft&) const = default;
};

inline constexpr int kMaxFloor = 200;

// INVALID_ARGUMENT naming the first offending field under `prefix` (e.g.
// "deliveryPreferences"): ".windowStartLocal" (HH:MM, 00:00..23:59), ".windowEndLocal"
// (HH:MM, 00:01..24:00, after the start), ".weekdays[i]" (1..7, each once), ".floor"
// (0..200). Times typed with full-width digits or colon (１５：００) are accepted.
absl::StatusOr<DeliveryPreferencesDraft> CheckDeliveryPreferences(
    const qingquan::customer::v1::DeliveryPreferences& in, const std::string& prefix);

// The message form of a checked draft (what is stored and answered).
qingquan::customer::v1::DeliveryPreferences DeliveryPreferencesMessageOf(
    const DeliveryPreferencesDraft& draft);

// The preferences in words, in a fixed order: the window ("15:00后送", "11:00前送",
// "15:00-18:00送"), the days ("仅工作日送", "仅周末送", "仅周一、周三送"), the stairs
// ("6楼无电梯", or "高层无电梯" when the floor is unknown) and the cart ("需带小推车").
// A window of the whole day or all seven days say nothing; no preferences, no tags.
std::vector<std::string> PreferenceTagsOf(
    const qingquan::customer::v1::DeliveryPreferences& preferences);

}  // namespace qq::customer
