#include "services/dispatch/domain/vrptw/solomon_instance.h"

#include <cmath>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace qq::dispatch::vrptw {
namespace {

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t begin = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > begin) out.push_back(line.substr(begin, i - begin));
  }
  return out;
}

bool Number(std::string_view field, double& value) {
  const std::string copy(field);
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size() && std::isfinite(value);
}

}  // namespace

absl::StatusOr<SolomonInstance> ParseSolomon(std::string_view text) {
  SolomonInstance out;
  bool have_fleet = false;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    const std::vector<std::string_view> fields = Fields(line);
    if (fields.empty()) continue;
    if (out.name.empty()) {
      out.name = std::string(fields[0]);
      continue;
    }
    std::vector<double> values;
    for (std::string_view f : fields) {
      double v;
      if (!Number(f, v)) break;
      values.push_back(v);
    }
    if (values.size() != fields.size()) continue;  // a header line
    if (values.size() == 2 && !have_fleet) {
      out.vehicles = static_cast<int>(values[0]);
      out.capacity = static_cast<int>(values[1]);
      have_fleet = true;
      continue;
    }
    if (values.size() != 7) continue;
    if (values[3] < 0 || values[6] < 0 || values[5] < values[4]) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_no, ": negative demand or service, or due before ready"));
    }
    out.points.push_back({values[1], values[2]});
    out.demand.push_back(static_cast<int>(values[3]));
    out.ready.push_back(values[4]);
    out.due.push_back(values[5]);
    out.service.push_back(values[6]);
  }
  if (out.name.empty()) return absl::InvalidArgumentError("no instance name");
  if (!have_fleet) return absl::InvalidArgumentError("no line with vehicle number and capacity");
  if (out.points.empty()) return absl::InvalidArgumentError("no depot row");
  if (out.vehicles <= 0 || out.capacity < 0) {
    return absl::InvalidArgumentError("vehicle number must be positive, capacity not negative");
  }
  return out;
}

Problem SolomonProblem(const SolomonInstance& instance, const TravelModel* travel) {
  Problem problem;
  problem.travel = travel;
  for (size_t i = 1; i < instance.points.size(); ++i) {
    problem.stops.push_back({.id = absl::StrCat(i),
                             .location = static_cast<int>(i),
                             .demand = instance.demand[i],
                             .service_time = instance.service[i],
                             .earliest = instance.ready[i],
                             .latest = instance.due[i]});
  }
  for (int k = 0; k < instance.vehicles; ++k) {
    problem.vehicles.push_back({.id = absl::StrCat("v", k + 1),
                                .start_location = 0,
                                .end_location = 0,
                                .capacity = instance.capacity,
                                .shift_start = instance.ready[0],
                                .shift_end = instance.due[0]});
  }
  return problem;
}

}  // namespace qq::dispatch::vrptw
