#include "services/dispatch/domain/vrptw/problem.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/dispatch/domain/vrptw/plan.h"

namespace qq::dispatch::vrptw {
namespace {

absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

bool ValidWindow(double from, double to) {
  return !std::isnan(from) && !std::isnan(to) && std::isfinite(from) && from <= to;
}

}  // namespace

std::string_view UnservedReasonName(UnservedReason reason) {
  switch (reason) {
    case UnservedReason::kTimeWindow:
      return "TIME_WINDOW";
    case UnservedReason::kCapacity:
      return "CAPACITY";
    case UnservedReason::kShiftEnd:
      return "SHIFT_END";
    case UnservedReason::kNoVehicle:
      return "NO_VEHICLE";
  }
  return "UNKNOWN";
}

absl::Status ValidateProblem(const Problem& problem) {
  if (problem.travel == nullptr) return Invalid("travel", "no travel model");
  const int locations = problem.travel->LocationCount();
  const int profiles = problem.travel->ProfileCount();
  const int stops = static_cast<int>(problem.stops.size());
  for (int i = 0; i < stops; ++i) {
    const Stop& s = problem.stops[i];
    const std::string field = absl::StrCat("stops[", i, "]");
    if (s.location < 0 || s.location >= locations) {
      return Invalid(field + ".location", "outside the travel model");
    }
    if (s.demand < 0) return Invalid(field + ".demand", "negative");
    if (!(s.service_time >= 0) || !std::isfinite(s.service_time)) {
      return Invalid(field + ".service_time", "negative or not finite");
    }
    if (!ValidWindow(s.earliest, s.latest)) {
      return Invalid(field + ".latest", "window ends before it starts or is not a number");
    }
  }
  std::vector<int> prefix_owner(stops, -1);
  for (int k = 0; k < static_cast<int>(problem.vehicles.size()); ++k) {
    const Vehicle& v = problem.vehicles[k];
    const std::string field = absl::StrCat("vehicles[", k, "]");
    if (v.start_location < 0 || v.start_location >= locations) {
      return Invalid(field + ".start_location", "outside the travel model");
    }
    if (v.end_location < 0 || v.end_location >= locations) {
      return Invalid(field + ".end_location", "outside the travel model");
    }
    if (v.capacity < 0) return Invalid(field + ".capacity", "negative");
    if (!ValidWindow(v.shift_start, v.shift_end)) {
      return Invalid(field + ".shift_end", "shift ends before it starts or is not a number");
    }
    if (v.travel_profile < 0 || v.travel_profile >= profiles) {
      return Invalid(field + ".travel_profile", "outside the travel model's profiles");
    }
    for (int stop : v.fixed_prefix) {
      if (stop < 0 || stop >= stops) return Invalid(field + ".fixed_prefix", "no such stop");
      if (prefix_owner[stop] != -1) {
        return Invalid(
            field + ".fixed_prefix",
            absl::StrCat("stop ", stop, " is already fixed on vehicle ", prefix_owner[stop]));
      }
      prefix_owner[stop] = k;
    }
  }
  return absl::OkStatus();
}

}  // namespace qq::dispatch::vrptw
