// Internal to qq_notification_rules: the Boost.JSON plumbing its .cc files share, kept out of
// the public headers so that their includers do not compile Boost.JSON.
#pragma once

#include <boost/json.hpp>
#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/notification/domain/rules/condition.h"

namespace qq::notification::rules::internal {

inline constexpr size_t kMaxJsonBytes = 64 * 1024;

// Parses JSON text (at most kMaxJsonBytes). INVALID_ARGUMENT "<what> is not valid JSON: …"
// otherwise (no field: the whole text is at fault).
absl::StatusOr<boost::json::value> ParseJsonText(absl::string_view text, absl::string_view what);

// Debian's absl::string_view is its own type, which Boost.JSON does not take: these convert.
inline boost::json::string_view Js(absl::string_view s) { return {s.data(), s.size()}; }
inline absl::string_view Sv(const boost::json::string& s) { return {s.data(), s.size()}; }
inline absl::string_view Sv(boost::json::string_view s) { return {s.data(), s.size()}; }

// "an object", "a string", ... for messages.
absl::string_view JsonKindName(const boost::json::value& value);

// INVALID_ARGUMENT naming "<path>.<member>" for the first member not in `known`.
absl::Status RejectUnknownMembers(const boost::json::object& object,
                                  std::initializer_list<absl::string_view> known,
                                  const std::string& path);

// `parent` + "." + `member`, or `member` alone at the root.
std::string Child(const std::string& parent, absl::string_view member);
// `parent` + "[i]".
std::string Index(const std::string& parent, size_t i);

// A JSON integer that fits int64_t (not 2.0, not "2").
bool AsInt64(const boost::json::value& value, int64_t* out);

// The condition at `path` (see ParseCondition).
absl::StatusOr<Condition> ParseConditionJson(const boost::json::value& value, Subject subject,
                                             const std::string& path);
boost::json::value ConditionJson(const Condition& condition);

}  // namespace qq::notification::rules::internal
