#include "services/notification/domain/rules/rule.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/auth.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"
#include "services/notification/domain/rules/json_support.h"

namespace qq::notification::rules {
namespace {

namespace json = boost::json;
using internal::Child;
using internal::Index;
using internal::JsonKindName;

constexpr size_t kMaxEventChars = 64;
constexpr size_t kMaxNameChars = 64;
constexpr size_t kMaxCouponChars = 40;
constexpr size_t kMaxNoteChars = 500;
constexpr size_t kMaxTagChars = 60;  // as customer tags

// qingquan.notification.v1.Channel.
constexpr absl::string_view kChannels[] = {"SMS", "WECHAT", "IN_APP"};
// Staff who can be told; customers cannot be escalated to.
constexpr absl::string_view kEscalationRoles[] = {
    roles::kAdmin,  roles::kAgent,   roles::kDispatcher, roles::kLeader,
    roles::kWorker, roles::kCourier, roles::kManager,    roles::kFinance};
constexpr absl::string_view kActionNames[] = {"send", "issue_coupon", "create_task", "escalate",
                                              "add_tag"};

absl::string_view View(const json::string& s) { return {s.data(), s.size()}; }

// Event kinds are words of lower-case letters, digits and '_' joined by dots
// (ledger.posted, workorder.resolved); tenants' workflows may name new ones, so the
// shape is checked, not a list.
bool IsEventKind(absl::string_view text) {
  if (text.empty() || text.size() > kMaxEventChars) return false;
  bool dot = false, word_start = true;
  for (char c : text) {
    if (c == '.') {
      if (word_start) return false;
      dot = word_start = true;
      continue;
    }
    const bool letter = c >= 'a' && c <= 'z';
    if (word_start && !letter) return false;
    if (!letter && !(c >= '0' && c <= '9') && c != '_') return false;
    word_start = false;
  }
  return dot && !word_start;
}

// Template and task names: snake_case identifiers.
bool IsIdentifier(absl::string_view text) {
  if (text.empty() || text.size() > kMaxNameChars || !(text[0] >= 'a' && text[0] <= 'z')) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

absl::StatusOr<absl::string_view> RequireString(const json::object& object,
                                                absl::string_view member, const std::string& path) {
  const std::string member_path = Child(path, member);
  const json::value* value = object.if_contains(internal::Js(member));
  if (value == nullptr) return InvalidField(member_path, "is required");
  if (!value->is_string()) {
    return InvalidField(member_path, absl::StrCat("must be a string, not ", JsonKindName(*value)));
  }
  return View(value->get_string());
}

// Free text people read (coupon names, tags, notes): trimmed, no control characters,
// limited in characters.
absl::StatusOr<std::string> RequireText(const json::object& object, absl::string_view member,
                                        const std::string& path, size_t max_chars) {
  auto raw = RequireString(object, member, path);
  if (!raw.ok()) return raw.status();
  const std::string member_path = Child(path, member);
  std::string text(text::TrimSpaces(*raw));
  if (text.empty()) return InvalidField(member_path, "must not be empty");
  if (text::HasControlCharacters(text)) return InvalidField(member_path, "has control characters");
  QQ_RETURN_IF_ERROR(CheckTextLength(member_path, text, max_chars));
  return text;
}

absl::StatusOr<std::string> RequireIdentifier(const json::object& object, absl::string_view member,
                                              const std::string& path) {
  auto raw = RequireString(object, member, path);
  if (!raw.ok()) return raw.status();
  if (!IsIdentifier(*raw)) {
    return InvalidField(Child(path, member),
                        absl::StrCat("'", *raw,
                                     "' is not a name of lower-case letters, digits "
                                     "and '_' (e.g. ticket_low)"));
  }
  return std::string(*raw);
}

absl::StatusOr<int64_t> RequireInt(const json::object& object, absl::string_view member,
                                   const std::string& path, int64_t min, int64_t max) {
  const std::string member_path = Child(path, member);
  const json::value* value = object.if_contains(internal::Js(member));
  if (value == nullptr) return InvalidField(member_path, "is required");
  int64_t n = 0;
  if (!internal::AsInt64(*value, &n)) {
    return InvalidField(member_path,
                        absl::StrCat("must be an integer, not ", JsonKindName(*value)));
  }
  if (n < min || n > max) {
    return InvalidField(member_path, absl::StrCat("must be between ", min, " and ", max));
  }
  return n;
}

absl::StatusOr<Trigger> ParseTrigger(const json::object& root) {
  const json::value* value = root.if_contains("trigger");
  if (value == nullptr) return InvalidField("trigger", "is required");
  if (!value->is_object()) {
    return InvalidField("trigger", absl::StrCat("must be an object, not ", JsonKindName(*value)));
  }
  const json::object& trigger = value->get_object();
  QQ_RETURN_IF_ERROR(internal::RejectUnknownMembers(trigger, {"event", "schedule"}, "trigger"));
  const bool event = trigger.contains("event"), schedule = trigger.contains("schedule");
  if (event == schedule) {
    return InvalidField("trigger", event ? "has both 'event' and 'schedule'; choose one"
                                         : "needs an 'event' or a 'schedule'");
  }
  Trigger out;
  if (event) {
    auto kind = RequireString(trigger, "event", "trigger");
    if (!kind.ok()) return kind.status();
    if (!IsEventKind(*kind)) {
      return InvalidField("trigger.event",
                          absl::StrCat("'", *kind, "' is not an event kind (e.g. ledger.posted)"));
    }
    out.event = std::string(*kind);
    return out;
  }
  auto text = RequireString(trigger, "schedule", "trigger");
  if (!text.ok()) return text.status();
  auto parsed = ParseSchedule(*text);
  if (!parsed.ok()) {
    return InvalidField("trigger.schedule",
                        absl::StrCat("does not parse: ", parsed.status().message()));
  }
  out.schedule = *parsed;
  return out;
}

absl::StatusOr<Action> ParseAction(const json::value& value, const std::string& path) {
  if (!value.is_object()) {
    return InvalidField(path, absl::StrCat("must be an object, not ", JsonKindName(value)));
  }
  const json::object& object = value.get_object();
  auto type = RequireString(object, "type", path);
  if (!type.ok()) return type.status();
  Action action;
  const auto* known = std::find(std::begin(kActionNames), std::end(kActionNames), *type);
  if (known == std::end(kActionNames)) {
    return InvalidField(Child(path, "type"), absl::StrCat("unknown action '", *type, "' (",
                                                          absl::StrJoin(kActionNames, ", "), ")"));
  }
  action.type = static_cast<ActionType>(known - std::begin(kActionNames));
  switch (action.type) {
    case ActionType::kSend: {
      QQ_RETURN_IF_ERROR(
          internal::RejectUnknownMembers(object, {"type", "template", "channel"}, path));
      auto name = RequireIdentifier(object, "template", path);
      if (!name.ok()) return name.status();
      action.template_name = std::move(*name);
      auto channel = RequireString(object, "channel", path);
      if (!channel.ok()) return channel.status();
      if (std::find(std::begin(kChannels), std::end(kChannels), *channel) == std::end(kChannels)) {
        return InvalidField(Child(path, "channel"),
                            absl::StrCat("'", *channel, "' is not a channel (",
                                         absl::StrJoin(kChannels, ", "), ")"));
      }
      action.channel = std::string(*channel);
      break;
    }
    case ActionType::kIssueCoupon: {
      QQ_RETURN_IF_ERROR(internal::RejectUnknownMembers(
          object, {"type", "coupon", "amount_fen", "valid_days"}, path));
      auto coupon = RequireText(object, "coupon", path, kMaxCouponChars);
      if (!coupon.ok()) return coupon.status();
      action.coupon = std::move(*coupon);
      auto amount = RequireInt(object, "amount_fen", path, 1, kMaxCouponFen);
      if (!amount.ok()) return amount.status();
      action.amount_fen = *amount;
      action.valid_days = kDefaultCouponValidDays;
      if (object.contains("valid_days")) {
        auto days = RequireInt(object, "valid_days", path, 1, kMaxCouponValidDays);
        if (!days.ok()) return days.status();
        action.valid_days = static_cast<int>(*days);
      }
      break;
    }
    case ActionType::kCreateTask: {
      QQ_RETURN_IF_ERROR(internal::RejectUnknownMembers(object, {"type", "task", "note"}, path));
      auto task = RequireIdentifier(object, "task", path);
      if (!task.ok()) return task.status();
      action.task = std::move(*task);
      if (object.contains("note")) {
        auto note = RequireText(object, "note", path, kMaxNoteChars);
        if (!note.ok()) return note.status();
        action.note = std::move(*note);
      }
      break;
    }
    case ActionType::kEscalate: {
      QQ_RETURN_IF_ERROR(internal::RejectUnknownMembers(object, {"type", "role"}, path));
      auto role = RequireString(object, "role", path);
      if (!role.ok()) return role.status();
      if (std::find(std::begin(kEscalationRoles), std::end(kEscalationRoles), *role) ==
          std::end(kEscalationRoles)) {
        return InvalidField(Child(path, "role"),
                            absl::StrCat("'", *role, "' is not a staff role (",
                                         absl::StrJoin(kEscalationRoles, ", "), ")"));
      }
      action.role = std::string(*role);
      break;
    }
    case ActionType::kAddTag: {
      QQ_RETURN_IF_ERROR(internal::RejectUnknownMembers(object, {"type", "tag"}, path));
      auto tag = RequireText(object, "tag", path, kMaxTagChars);
      if (!tag.ok()) return tag.status();
      action.tag = std::move(*tag);
      break;
    }
  }
  return action;
}

}  // namespace

absl::string_view ActionTypeName(ActionType type) { return kActionNames[static_cast<int>(type)]; }

absl::StatusOr<Rule> ParseRule(absl::string_view json_text) {
  auto parsed = internal::ParseJsonText(json_text, "rule");
  if (!parsed.ok()) return parsed.status();
  if (!parsed->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("rule must be a JSON object, not ", JsonKindName(*parsed)));
  }
  const json::object& root = parsed->get_object();
  QQ_RETURN_IF_ERROR(internal::RejectUnknownMembers(
      root, {"trigger", "subject", "condition", "actions", "cooldown_hours"}, ""));

  Rule rule;
  auto trigger = ParseTrigger(root);
  if (!trigger.ok()) return trigger.status();
  rule.trigger = std::move(*trigger);

  auto subject_name = RequireString(root, "subject", "");
  if (!subject_name.ok()) return subject_name.status();
  const std::optional<Subject> subject = ParseSubject(*subject_name);
  if (!subject) {
    return InvalidField("subject", absl::StrCat("'", *subject_name,
                                                "' is not customer, work_order or delivery_order"));
  }
  rule.subject = *subject;

  if (const json::value* condition = root.if_contains("condition")) {
    auto parsed_condition = internal::ParseConditionJson(*condition, rule.subject, "condition");
    if (!parsed_condition.ok()) return parsed_condition.status();
    rule.condition = std::move(*parsed_condition);
  }

  const json::value* actions = root.if_contains("actions");
  if (actions == nullptr) return InvalidField("actions", "is required");
  if (!actions->is_array()) {
    return InvalidField("actions", absl::StrCat("must be an array, not ", JsonKindName(*actions)));
  }
  const json::array& items = actions->get_array();
  if (items.empty()) return InvalidField("actions", "needs at least one action");
  if (items.size() > kMaxActions) {
    return InvalidField("actions", absl::StrCat("at most ", kMaxActions, " actions"));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    auto action = ParseAction(items[i], Index("actions", i));
    if (!action.ok()) return action.status();
    rule.actions.push_back(std::move(*action));
  }

  auto cooldown = RequireInt(root, "cooldown_hours", "", 0, kMaxCooldownHours);
  if (!cooldown.ok()) return cooldown.status();
  rule.cooldown_hours = static_cast<int>(*cooldown);
  return rule;
}

std::string RuleToJson(const Rule& rule) {
  json::object root;
  json::object trigger;
  if (rule.trigger.schedule) {
    trigger["schedule"] = rule.trigger.schedule->ToString();
  } else {
    trigger["event"] = rule.trigger.event;
  }
  root["trigger"] = std::move(trigger);
  root["subject"] = internal::Js(SubjectName(rule.subject));
  root["condition"] = internal::ConditionJson(rule.condition);
  json::array actions;
  for (const Action& a : rule.actions) {
    json::object action;
    action["type"] = internal::Js(ActionTypeName(a.type));
    switch (a.type) {
      case ActionType::kSend:
        action["template"] = a.template_name;
        action["channel"] = a.channel;
        break;
      case ActionType::kIssueCoupon:
        action["coupon"] = a.coupon;
        action["amount_fen"] = a.amount_fen;
        action["valid_days"] = a.valid_days;
        break;
      case ActionType::kCreateTask:
        action["task"] = a.task;
        if (!a.note.empty()) action["note"] = a.note;
        break;
      case ActionType::kEscalate:
        action["role"] = a.role;
        break;
      case ActionType::kAddTag:
        action["tag"] = a.tag;
        break;
    }
    actions.push_back(std::move(action));
  }
  root["actions"] = std::move(actions);
  root["cooldown_hours"] = rule.cooldown_hours;
  return json::serialize(root);
}

bool InCooldown(std::optional<absl::Time> last_fired, absl::Time now, absl::Duration cooldown) {
  return last_fired.has_value() && now < *last_fired + cooldown;
}

bool ShouldSkipForLoop(absl::string_view rule_id, absl::string_view subject_id,
                       absl::string_view event_caused_by_rule, absl::string_view event_subject) {
  return !event_caused_by_rule.empty() && event_caused_by_rule == rule_id &&
         event_subject == subject_id;
}

}  // namespace qq::notification::rules
