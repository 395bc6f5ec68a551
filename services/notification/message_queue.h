// Turns "tell this customer about this event" into queued messages, one per channel the
// tenant has a template on for the event, inside the caller's transaction: the tenant's
// template (or the shipped default), the customer's opt-outs, the daily cap, quiet hours
// (the message waits for the morning) and a dedupe key per (source, channel, recipient,
// event), so a redelivered event or a repeated firing never queues twice.
#pragma once

#include <pqxx/pqxx>

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace qq::notification {

struct MessageRequest {
  std::string tenant;
  std::string event;   // a template event, e.g. "work_order_resolved"
  std::string source;  // what asked: an event id, a rule firing id
  std::string customer_id;
  std::string work_order_id;
  std::string delivery_order_id;
  std::string rule_id;
  // Where to, per channel: "SMS" → phone, "WECHAT" → openid, "IN_APP" → staff role/user.
  std::map<std::string, std::string> recipients;
  std::map<std::string, std::string> values;
};

struct QueueOutcome {
  int queued = 0;      // new messages waiting for the sender
  int suppressed = 0;  // recorded but not to be sent (opted out, cap, no address)
  int existing = 0;    // already queued by an earlier delivery of the same request
};

// `only_channels`: the channels to use (a rule's send names one); empty: every channel
// the tenant has a template on for the event.
QueueOutcome QueueMessages(pqxx::work& txn, const MessageRequest& request, absl::Time now,
                           const std::vector<std::string>& only_channels = {});

}  // namespace qq::notification
