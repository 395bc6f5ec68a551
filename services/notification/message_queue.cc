#include "services/notification/message_queue.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/text/utf8_text.h"
#include "services/notification/domain/template_catalog.h"
#include "services/notification/notification_store.h"

namespace qq::notification {
namespace {

std::string NoAddressReason(const std::string& channel) {
  if (channel == kSms) return "no phone number";
  if (channel == kWeChat) return "not bound to WeChat";
  return "no recipient";
}

}  // namespace

QueueOutcome QueueMessages(pqxx::work& txn, const MessageRequest& request, absl::Time now,
                           const std::vector<std::string>& only_channels) {
  QueueOutcome outcome;
  const TemplateEventSpec* spec = FindTemplateEvent(request.event);
  if (spec == nullptr) return outcome;
  const SendPolicy policy = NotificationStore::PolicyIn(txn, request.tenant).policy;
  for (const auto& [channel, default_body] : spec->defaults) {
    if (!only_channels.empty() &&
        std::find(only_channels.begin(), only_channels.end(), channel) == only_channels.end()) {
      continue;
    }
    std::optional<TemplateRow> own =
        NotificationStore::TemplateIn(txn, request.tenant, request.event, channel);
    const bool enabled =
        own ? own->enabled
            : std::find(spec->enabled_by_default.begin(), spec->enabled_by_default.end(),
                        channel) != spec->enabled_by_default.end();
    if (!enabled) continue;
    auto to = request.recipients.find(channel);
    const std::string recipient = to == request.recipients.end() ? "" : to->second;
    // Staff messages go where the request says; a customer without an address on a
    // channel is recorded (so "why did 张三 get nothing?" has an answer) unless the
    // request does not concern a customer at all.
    if (recipient.empty() && (spec->audience != "customer" || request.customer_id.empty())) {
      continue;
    }
    const std::string body = own ? own->body : default_body;
    RenderedTemplate rendered = RenderTemplate(*spec, body, request.values);

    QueuedMessage m;
    m.tenant = request.tenant;
    m.dedupe_key = absl::StrCat(request.source, "|", channel, "|", recipient, "|", request.event);
    m.source_event = request.source;
    m.channel = channel;
    m.recipient = recipient;
    m.customer_id = request.customer_id;
    m.work_order_id = request.work_order_id;
    m.delivery_order_id = request.delivery_order_id;
    m.template_event = request.event;
    m.category = spec->category;
    m.body =
        channel == kSms ? WithSmsSignature(policy.sms_signature, rendered.text) : rendered.text;
    m.provider_template = own ? own->provider_template_code : "";
    for (const auto& name : rendered.used) {
      const auto value = request.values.find(name);
      const auto var = std::find_if(spec->variables.begin(), spec->variables.end(),
                                    [&](const auto& v) { return v.name == name; });
      const size_t limit = var == spec->variables.end() ? 30 : var->max_chars;
      m.params.emplace_back(
          name, value == request.values.end() ? "" : text::TruncateChars(value->second, limit));
    }
    m.rule_id = request.rule_id;
    m.send_after = EarliestSendTime(policy, spec->category, now);
    m.local_day = TenantDay(policy, m.send_after);

    if (recipient.empty()) {
      m.status = "SUPPRESSED";
      m.reason = NoAddressReason(channel);
    } else if (NotificationStore::OptedOutIn(txn, request.tenant, request.customer_id, channel) &&
               !IsUrgent(policy, spec->category)) {
      m.status = "SUPPRESSED";
      m.reason = absl::StrCat("opted out of ", channel);
    } else if (const int cap = DailyCap(policy, channel, spec->category);
               cap > 0 && !request.customer_id.empty() &&
               NotificationStore::CountForDayIn(txn, request.tenant, request.customer_id, channel,
                                                m.local_day, UncappedCategories(policy)) >= cap) {
      m.status = "SUPPRESSED";
      m.reason = absl::StrCat("daily cap of ", cap, " ", channel, " messages reached");
    }
    std::string id = NotificationStore::InsertMessageIn(txn, m);
    if (id.empty()) {
      ++outcome.existing;
    } else if (m.status == "QUEUED") {
      ++outcome.queued;
    } else {
      ++outcome.suppressed;
    }
  }
  return outcome;
}

}  // namespace qq::notification
