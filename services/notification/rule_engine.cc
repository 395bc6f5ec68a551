#include "services/notification/rule_engine.h"

#include <google/protobuf/util/time_util.h>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/log.h"
#include "services/common/outbox.h"
#include "services/common/status.h"
#include "services/notification/domain/template_catalog.h"
#include "services/notification/message_queue.h"
#include "services/notification/notification_store.h"

namespace qq::notification {
namespace {

namespace events = qingquan::common::v1;
using rules::FactId;
namespace json = boost::json;

constexpr int kSweepPage = 2000;

long long Micros(const google::protobuf::Timestamp& t) {
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(t);
}

int64_t DaysBetween(long long from_micros, absl::Time now) {
  return static_cast<int64_t>((now - absl::FromUnixMicros(from_micros)) / absl::Hours(24));
}

// Today is the birthday in the tenant's zone; 29 February counts on 28 February in other
// years.
bool BirthdayToday(const std::string& birthday, absl::Time now, const absl::TimeZone& zone) {
  absl::CivilDay day;
  if (birthday.empty() || !absl::ParseCivilTime(birthday, &day)) return false;
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  if (day.month() == 2 && day.day() == 29) {
    const bool leap = absl::CivilDay(today.year(), 2, 29).month() == 2;
    return today.month() == 2 && today.day() == (leap ? 29 : 28);
  }
  return today.month() == day.month() && today.day() == day.day();
}

// The ticket product a message about a low balance is about: the lowest balance.
std::pair<std::string, long long> LowestTicket(const CustomerFactsRow& c) {
  std::pair<std::string, long long> lowest{"", 0};
  for (const auto& [product, balance] : c.tickets) {
    if (lowest.first.empty() || balance < lowest.second) lowest = {product, balance};
  }
  return lowest;
}

rules::Facts WorkOrderFacts(const WorkOrderFactsRow& w, const CustomerFactsRow* customer,
                            absl::Time now, const absl::TimeZone& zone) {
  rules::Facts facts = customer != nullptr ? CustomerFacts(*customer, now, zone) : rules::Facts();
  if (!w.type.empty()) facts.SetEnum(FactId::kWorkOrderType, w.type);
  if (!w.urgency.empty()) facts.SetEnum(FactId::kWorkOrderUrgency, w.urgency);
  if (!w.state.empty()) facts.SetString(FactId::kWorkOrderState, w.state);
  if (!w.channel.empty()) facts.SetEnum(FactId::kWorkOrderChannel, w.channel);
  if (!w.area_id.empty()) facts.SetString(FactId::kWorkOrderAreaId, w.area_id);
  if (!w.team_id.empty()) facts.SetString(FactId::kWorkOrderTeamId, w.team_id);
  if (w.created_micros != 0) {
    facts.SetInt(FactId::kWorkOrderMinutesSinceCreated,
                 (now - absl::FromUnixMicros(w.created_micros)) / absl::Minutes(1));
  }
  const long long last = w.last_step_micros != 0 ? w.last_step_micros : w.created_micros;
  if (last != 0) {
    facts.SetInt(FactId::kWorkOrderMinutesSinceLastStep,
                 (now - absl::FromUnixMicros(last)) / absl::Minutes(1));
  }
  return facts;
}

json::object WorkOrderJson(const WorkOrderFactsRow& w, absl::Time now) {
  json::object o{{"work_order.number", w.number},   {"work_order.type", w.type},
                 {"work_order.urgency", w.urgency}, {"work_order.state", w.state},
                 {"work_order.channel", w.channel}, {"work_order.area_id", w.area_id},
                 {"work_order.team_id", w.team_id}};
  if (w.created_micros != 0) {
    o["work_order.minutes_since_created"] =
        (now - absl::FromUnixMicros(w.created_micros)) / absl::Minutes(1);
  }
  const long long last = w.last_step_micros != 0 ? w.last_step_micros : w.created_micros;
  if (last != 0) {
    o["work_order.minutes_since_last_step"] = (now - absl::FromUnixMicros(last)) / absl::Minutes(1);
  }
  return o;
}

// A work order's facts for the audit log, with its customer's when known.
std::string WorkOrderFactsJson(const WorkOrderFactsRow& w, const CustomerFactsRow* customer,
                               absl::Time now, const absl::TimeZone& zone) {
  json::object o = WorkOrderJson(w, now);
  if (customer != nullptr) {
    const json::value customer_facts = json::parse(CustomerFactsJson(*customer, now, zone));
    for (const auto& [k, v] : customer_facts.as_object()) o[k] = v;
  }
  return json::serialize(o);
}

// What the rule's messages say, from the facts and the rule's other actions.
std::map<std::string, std::string> MessageValues(const rules::Rule& rule, const CustomerFactsRow* c,
                                                 const WorkOrderFactsRow* w, absl::Time now) {
  std::map<std::string, std::string> values;
  if (c != nullptr) {
    values["customer_name"] = c->name.empty() ? "客户" : c->name;
    auto [product, balance] = LowestTicket(*c);
    if (!product.empty()) {
      values["product"] = product;
      values["tickets_left"] = absl::StrCat(balance);
    }
    const long long since = c->last_order_micros != 0 ? c->last_order_micros : c->created_micros;
    if (since != 0) values["days_since_last_order"] = absl::StrCat(DaysBetween(since, now));
  }
  if (w != nullptr) {
    values["order_number"] = w->number;
    values["order_type"] = WorkOrderTypeLabel(w->type);
    values["state"] = w->state;
    const long long last = w->last_step_micros != 0 ? w->last_step_micros : w->created_micros;
    if (last != 0) {
      values["minutes"] = absl::StrCat((now - absl::FromUnixMicros(last)) / absl::Minutes(1));
    }
  }
  for (const auto& a : rule.actions) {
    if (a.type == rules::ActionType::kIssueCoupon) values["coupon"] = a.coupon;
  }
  return values;
}

std::string EscalationRole(const rules::Rule& rule) {
  for (const auto& a : rule.actions) {
    if (a.type == rules::ActionType::kEscalate) return a.role;
  }
  return "manager";
}

// Which subject an event is about, for rules it triggers.
const char* SubjectOfEvent(const std::string& type) {
  if (type.rfind("customer.", 0) == 0 || type == "ledger.posted") return "customer";
  if (type.rfind("workorder.", 0) == 0) return "work_order";
  if (type.rfind("order.", 0) == 0) return "delivery_order";
  return "";
}

}  // namespace

rules::Facts CustomerFacts(const CustomerFactsRow& c, absl::Time now, const absl::TimeZone& zone) {
  rules::Facts facts;
  if (!c.status.empty()) facts.SetEnum(FactId::kCustomerStatus, c.status);
  facts.SetList(FactId::kCustomerTags, c.tags);
  if (!c.area_id.empty()) facts.SetString(FactId::kCustomerAreaId, c.area_id);
  if (!c.channel.empty()) facts.SetEnum(FactId::kCustomerChannel, c.channel);
  // A customer who never bought tickets has no balance to be low.
  for (const auto& [product, balance] : c.tickets) facts.AddTicketBalance(product, balance);
  // Never ordered: counted from when the customer was created.
  const long long since = c.last_order_micros != 0 ? c.last_order_micros : c.created_micros;
  if (since != 0) facts.SetInt(FactId::kCustomerDaysSinceLastOrder, DaysBetween(since, now));
  facts.SetBool(FactId::kCustomerBirthdayToday, BirthdayToday(c.birthday, now, zone));
  if (c.created_micros != 0) {
    facts.SetInt(FactId::kCustomerDaysSinceCreated, DaysBetween(c.created_micros, now));
  }
  return facts;
}

std::string CustomerFactsJson(const CustomerFactsRow& c, absl::Time now,
                              const absl::TimeZone& zone) {
  json::object o{{"customer.name", c.name},
                 {"customer.status", c.status},
                 {"customer.area_id", c.area_id},
                 {"customer.channel", c.channel},
                 {"customer.birthday_today", BirthdayToday(c.birthday, now, zone)}};
  json::array tags;
  for (const auto& t : c.tags) tags.push_back(json::string(t));
  o["customer.tags"] = std::move(tags);
  json::object tickets;
  for (const auto& [product, balance] : c.tickets) tickets[product] = balance;
  o["customer.ticket_balance"] = std::move(tickets);
  const long long since = c.last_order_micros != 0 ? c.last_order_micros : c.created_micros;
  if (since != 0) o["customer.days_since_last_order"] = DaysBetween(since, now);
  if (c.created_micros != 0) o["customer.days_since_created"] = DaysBetween(c.created_micros, now);
  return json::serialize(o);
}

absl::StatusOr<LoadedRule> RuleEngine::Load(const RuleRow& row) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = compiled_.find(row.id);
    if (it != compiled_.end() && it->second.first == row.version) {
      return LoadedRule{row, it->second.second};
    }
  }
  auto parsed = rules::ParseRule(row.definition);
  if (!parsed.ok()) return parsed.status();
  auto compiled = std::make_shared<const rules::CompiledRule>(*std::move(parsed));
  std::lock_guard<std::mutex> lock(mu_);
  compiled_[row.id] = {row.version, compiled};
  return LoadedRule{row, compiled};
}

std::string RuleEngine::Fire(pqxx::work& txn, const std::string& tenant, const LoadedRule& rule,
                             const std::string& subject_id, const CustomerFactsRow* customer,
                             const WorkOrderFactsRow* work_order, const std::string& trigger,
                             const std::string& occasion, const std::string& facts_json,
                             const std::string& evaluation_json, absl::Time now) {
  const rules::Rule& r = rule.compiled->rule;
  if (rules::InCooldown(RuleStore::LastFiredIn(txn, tenant, rule.row.id, subject_id), now,
                        r.cooldown())) {
    return "";
  }
  NewFiring firing{.tenant = tenant,
                   .rule_id = rule.row.id,
                   .rule_version = rule.row.version,
                   .rule_name = rule.row.name,
                   .subject = std::string(rules::SubjectName(r.subject)),
                   .subject_id = subject_id,
                   .customer_id = customer != nullptr ? customer->customer_id : "",
                   .trigger = trigger,
                   .occasion = occasion,
                   .facts = facts_json,
                   .evaluation = evaluation_json};
  const std::string firing_id = RuleStore::InsertFiringIn(txn, firing);
  if (firing_id.empty()) return "";  // fired for this occasion already
  RuleStore::SetLastFiredIn(txn, tenant, rule.row.id, subject_id, now);

  const auto values = MessageValues(r, customer, work_order, now);
  for (size_t i = 0; i < r.actions.size(); ++i) {
    const rules::Action& a = r.actions[i];
    ActionRow row{.tenant = tenant,
                  .firing_id = firing_id,
                  .idx = static_cast<int>(i),
                  .type = std::string(rules::ActionTypeName(a.type))};
    json::object payload{{"rule_id", rule.row.id}, {"rule_name", rule.row.name}};
    if (customer != nullptr) payload["customer_id"] = customer->customer_id;
    if (work_order != nullptr) payload["work_order_id"] = work_order->work_order_id;
    const bool send = a.type == rules::ActionType::kSend;
    const bool escalate = a.type == rules::ActionType::kEscalate;
    if (send || escalate) {
      // Both an IN_APP send and an escalation become the same to-do for the role: one
      // message (the dedupe key is the firing, channel, recipient and template).
      const std::string channel = escalate ? kInApp : a.channel;
      const std::string event = escalate ? kWorkOrderEscalated : a.template_name;
      MessageRequest request{
          .tenant = tenant,
          .event = event,
          .source = firing_id,
          .customer_id = customer != nullptr ? customer->customer_id : "",
          .work_order_id = work_order != nullptr ? work_order->work_order_id : "",
          .rule_id = rule.row.id,
          .values = values};
      if (channel == kSms && customer != nullptr) request.recipients[kSms] = customer->phone;
      if (channel == kInApp) request.recipients[kInApp] = "role:" + EscalationRole(r);
      if (channel == kInApp && work_order == nullptr) {
        row.status = "SKIPPED";
        row.detail = "a staff to-do needs a work order";
      } else {
        QueueOutcome queued = QueueMessages(txn, request, now, {channel});
        row.status = "DONE";
        row.detail = queued.queued > 0       ? absl::StrCat(channel, " message queued")
                     : queued.suppressed > 0 ? absl::StrCat(channel, " message suppressed")
                                             : absl::StrCat("no ", channel, " message");
      }
    } else {
      if (customer == nullptr) {
        row.status = "SKIPPED";
        row.detail = "needs a customer";
      } else {
        row.status = "PENDING";
        payload["coupon"] = a.coupon;
        payload["amount_fen"] = a.amount_fen;
        payload["valid_days"] = a.valid_days;
        payload["task"] = a.task;
        payload["note"] = a.note;
        payload["tag"] = a.tag;
        json::array tags;
        for (const auto& t : customer->tags) tags.push_back(json::string(t));
        payload["tags"] = std::move(tags);
      }
    }
    row.payload = json::serialize(payload);
    RuleStore::InsertActionIn(txn, row);
  }
  return firing_id;
}

absl::Status RuleEngine::OnEvent(pqxx::work& txn, const StreamEvent& event, absl::Time now) {
  const std::string& tenant = event.tenant;
  std::string subject_id, customer_id, caused_by_rule;
  std::optional<WorkOrderFactsRow> work_order;
  std::optional<events::DeliveryOrderChanged> delivery;
  if (event.type.rfind("customer.", 0) == 0) {
    events::CustomerChanged c;
    if (!c.ParseFromString(event.payload)) return absl::InvalidArgumentError("bad " + event.type);
    CustomerFactsRow row{.customer_id = c.customer_id(),
                         .name = c.name(),
                         .phone = c.phones_size() > 0 ? c.phones(0) : "",
                         .birthday = c.birthday(),
                         .status = c.status(),
                         .tags = {c.tags().begin(), c.tags().end()},
                         .area_id = c.area_id(),
                         .channel = c.channel(),
                         .created_micros = c.has_create_time() ? Micros(c.create_time()) : 0};
    RuleStore::UpsertCustomerIn(txn, tenant, row, c.version(), c.deleted());
    subject_id = customer_id = c.customer_id();
  } else if (event.type == "ledger.posted") {
    events::LedgerPosted l;
    if (!l.ParseFromString(event.payload)) return absl::InvalidArgumentError("bad ledger.posted");
    if (l.asset_kind() == "TICKET") {
      RuleStore::SetTicketBalanceIn(txn, tenant, l.customer_id(), l.product(), l.quantity_after());
    }
    subject_id = customer_id = l.customer_id();
    caused_by_rule = l.caused_by_rule();
  } else if (event.type.rfind("order.", 0) == 0) {
    events::DeliveryOrderChanged& o = delivery.emplace();
    if (!o.ParseFromString(event.payload)) return absl::InvalidArgumentError("bad " + event.type);
    if (event.type == "order.created" && !o.customer_id().empty()) {
      RuleStore::TouchLastOrderIn(
          txn, tenant, o.customer_id(),
          o.has_create_time() ? absl::FromUnixMicros(Micros(o.create_time())) : now);
    }
    subject_id = o.order_id();
    customer_id = o.customer_id();
  } else if (event.type == "workorder.assigned" && event.stream == EventStreamName("dispatch")) {
    // Dispatch routed it: the area and team rules may test. No rule runs on this event.
    events::WorkOrderAssigned a;
    if (!a.ParseFromString(event.payload)) return absl::InvalidArgumentError("bad " + event.type);
    RuleStore::SetWorkOrderRoutingIn(txn, tenant, a.work_order_id(), a.area_id(), a.team_id());
    return absl::OkStatus();
  } else if (event.type == "workorder.created") {
    events::WorkOrderCreated w;
    if (!w.ParseFromString(event.payload)) return absl::InvalidArgumentError("bad " + event.type);
    const long long created =
        w.has_create_time() ? Micros(w.create_time()) : absl::ToUnixMicros(now);
    work_order = WorkOrderFactsRow{.work_order_id = w.work_order_id(),
                                   .number = w.number(),
                                   .customer_id = w.customer_id(),
                                   .type = w.type(),
                                   .state = "CREATED",
                                   .channel = w.channel(),
                                   .created_micros = created,
                                   .last_step_micros = created};
    RuleStore::UpsertWorkOrderIn(txn, tenant, *work_order);
    subject_id = w.work_order_id();
    customer_id = w.customer_id();
  } else if (event.type.rfind("workorder.", 0) == 0 && event.type != "workorder.assigned" &&
             event.type != "workorder.worker_offered") {
    events::WorkOrderTransitioned w;
    if (!w.ParseFromString(event.payload)) return absl::InvalidArgumentError("bad " + event.type);
    const auto kind = w.step_kind();
    const bool closed = kind == events::STEP_RESOLVED || kind == events::STEP_CLOSED ||
                        kind == events::STEP_CANCELLED;
    const long long at = w.has_time() ? Micros(w.time()) : absl::ToUnixMicros(now);
    work_order =
        WorkOrderFactsRow{.work_order_id = w.work_order_id(),
                          .number = w.number(),
                          .customer_id = w.customer_id(),
                          .type = w.type(),
                          .urgency = w.urgency(),
                          .state = w.to_state(),
                          .channel = w.channel(),
                          .team_id = w.team_id(),
                          .created_micros = w.has_create_time() ? Micros(w.create_time()) : at,
                          .last_step_micros = at,
                          // An edit (workorder.updated) is no step: it leaves open as is.
                          .open = !closed};
    if (event.type == "workorder.updated") {
      if (auto known = RuleStore::WorkOrderIn(txn, tenant, w.work_order_id())) {
        work_order->open = known->open;
        work_order->last_step_micros = known->last_step_micros;
      }
    }
    RuleStore::UpsertWorkOrderIn(txn, tenant, *work_order);
    subject_id = w.work_order_id();
    customer_id = w.customer_id();
  } else {
    return absl::OkStatus();
  }

  const std::string subject = SubjectOfEvent(event.type);
  std::vector<RuleRow> active;
  for (auto& row : RuleStore::ActiveRulesIn(txn, tenant)) {
    if (row.trigger_kind == "event" && row.trigger == event.type) active.push_back(std::move(row));
  }
  if (active.empty() || subject_id.empty()) return absl::OkStatus();

  const absl::TimeZone zone = TenantZone(NotificationStore::PolicyIn(txn, tenant).policy);
  std::optional<CustomerFactsRow> customer;
  if (!customer_id.empty()) customer = RuleStore::CustomerIn(txn, tenant, customer_id);
  for (const RuleRow& row : active) {
    auto loaded = Load(row);
    if (!loaded.ok()) {
      LogWarn("rule does not load", {{"rule", row.id}, {"error", loaded.status().ToString()}});
      continue;
    }
    const rules::Rule& r = loaded->compiled->rule;
    if (rules::SubjectName(r.subject) != subject) continue;
    if (rules::ShouldSkipForLoop(row.id, subject_id, caused_by_rule, subject_id)) continue;
    rules::Facts facts;
    std::string facts_json = "{}";
    if (r.subject == rules::Subject::kWorkOrder && work_order) {
      const CustomerFactsRow* of = customer ? &*customer : nullptr;
      facts = WorkOrderFacts(*work_order, of, now, zone);
      facts_json = WorkOrderFactsJson(*work_order, of, now, zone);
    } else if (customer) {
      facts = CustomerFacts(*customer, now, zone);
      facts_json = CustomerFactsJson(*customer, now, zone);
    } else {
      continue;  // nothing known about the subject yet
    }
    if (r.subject == rules::Subject::kDeliveryOrder && delivery) {
      for (const auto& item : delivery->items()) {
        facts.AddOrderItem(item.product(), item.quantity());
      }
      if (!delivery->payment().empty()) facts.SetEnum(FactId::kOrderPayment, delivery->payment());
    }
    const rules::Evaluation evaluation = loaded->compiled->condition.Explain(facts);
    if (!evaluation.matched) continue;
    Fire(txn, tenant, *loaded, subject_id, customer ? &*customer : nullptr,
         work_order ? &*work_order : nullptr, event.type, event.event_id, facts_json,
         evaluation.ToJson(), now);
  }
  return absl::OkStatus();
}

absl::TimeZone RuleEngine::ZoneOfTenant(const std::string& tenant) {
  absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  (void)store_.Transact([&](pqxx::work& txn) {
    zone = TenantZone(NotificationStore::PolicyIn(txn, tenant).policy);
    return absl::OkStatus();
  });
  return zone;
}

absl::Status RuleEngine::ForEachSubject(
    const std::string& tenant, const LoadedRule& rule, absl::Time now,
    const std::function<absl::Status(std::vector<Subject>&)>& on_page) {
  const rules::Rule& r = rule.compiled->rule;
  const absl::TimeZone zone = ZoneOfTenant(tenant);
  std::string after;
  while (true) {
    std::vector<Subject> page;
    if (r.subject == rules::Subject::kCustomer) {
      QQ_ASSIGN_OR_RETURN(auto customers, store_.CustomersAfter(tenant, after, kSweepPage));
      if (customers.empty()) break;
      after = customers.back().customer_id;
      for (auto& c : customers) {
        Subject s;
        s.customer = std::move(c);
        s.facts = CustomerFacts(*s.customer, now, zone);
        page.push_back(std::move(s));
      }
    } else if (r.subject == rules::Subject::kWorkOrder) {
      QQ_ASSIGN_OR_RETURN(auto orders, store_.OpenWorkOrdersAfter(tenant, after, kSweepPage));
      if (orders.empty()) break;
      after = orders.back().work_order_id;
      for (auto& w : orders) {
        Subject s;
        s.work_order = std::move(w);
        page.push_back(std::move(s));
      }
      // The customers of the page's orders, for facts about them.
      QQ_RETURN_IF_ERROR(store_.Transact([&](pqxx::work& txn) {
        for (auto& s : page) {
          if (!s.work_order->customer_id.empty()) {
            s.customer = RuleStore::CustomerIn(txn, tenant, s.work_order->customer_id);
          }
          s.facts = WorkOrderFacts(*s.work_order, s.customer ? &*s.customer : nullptr, now, zone);
        }
        return absl::OkStatus();
      }));
    } else {
      return absl::FailedPreconditionError(
          "delivery-order rules run on events only (order.created …), not on a schedule");
    }
    for (auto& s : page) {
      s.zone = zone;
      if (s.work_order) {
        s.id = s.work_order->work_order_id;
      } else {
        s.id = s.customer->customer_id;
      }
    }
    QQ_RETURN_IF_ERROR(on_page(page));
  }
  return absl::OkStatus();
}

std::string RuleEngine::FactsJsonOf(const Subject& s, absl::Time now) {
  if (!s.work_order) return CustomerFactsJson(*s.customer, now, s.zone);
  return WorkOrderFactsJson(*s.work_order, s.customer ? &*s.customer : nullptr, now, s.zone);
}

absl::StatusOr<SweepResult> RuleEngine::Sweep(const std::string& tenant, const LoadedRule& rule,
                                              absl::Time occasion, absl::Time now) {
  SweepResult result;
  const std::string occasion_text =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", occasion, absl::UTCTimeZone());
  QQ_RETURN_IF_ERROR(ForEachSubject(tenant, rule, now, [&](std::vector<Subject>& page) {
    result.evaluated += static_cast<int>(page.size());
    std::vector<const Subject*> hits;
    for (const auto& s : page) {
      if (rule.compiled->condition.Matches(s.facts)) hits.push_back(&s);
    }
    result.matched += static_cast<int>(hits.size());
    if (hits.empty()) return absl::OkStatus();
    return store_.Transact([&](pqxx::work& txn) {
      for (const Subject* s : hits) {
        const std::string fired =
            Fire(txn, tenant, rule, s->id, s->customer ? &*s->customer : nullptr,
                 s->work_order ? &*s->work_order : nullptr, "schedule", occasion_text,
                 FactsJsonOf(*s, now), rule.compiled->condition.Explain(s->facts).ToJson(), now);
        if (!fired.empty()) ++result.fired;
      }
      return absl::OkStatus();
    });
  }));
  return result;
}

absl::StatusOr<DryRunResult> RuleEngine::DryRun(const std::string& tenant, const LoadedRule& rule,
                                                int sample_size, absl::Time now) {
  DryRunResult result;
  const rules::Rule& r = rule.compiled->rule;
  QQ_RETURN_IF_ERROR(ForEachSubject(tenant, rule, now, [&](std::vector<Subject>& page) {
    result.evaluated += static_cast<int>(page.size());
    std::vector<const Subject*> hits;
    for (const auto& s : page) {
      if (rule.compiled->condition.Matches(s.facts)) hits.push_back(&s);
    }
    result.matched += static_cast<int>(hits.size());
    if (hits.empty() || rule.row.id.empty()) {
      for (const Subject* s : hits) {
        if (static_cast<int>(result.sample.size()) >= sample_size) break;
        result.sample.push_back(HitOf(*s, rule));
      }
      return absl::OkStatus();
    }
    // A saved rule: who a cool-down would hold back.
    return store_.Transact([&](pqxx::work& txn) {
      for (const Subject* s : hits) {
        if (rules::InCooldown(RuleStore::LastFiredIn(txn, tenant, rule.row.id, s->id), now,
                              r.cooldown())) {
          ++result.cooling_down;
        } else if (static_cast<int>(result.sample.size()) < sample_size) {
          result.sample.push_back(HitOf(*s, rule));
        }
      }
      return absl::OkStatus();
    });
  }));
  return result;
}

DryRunHitRow RuleEngine::HitOf(const Subject& s, const LoadedRule& rule) {
  DryRunHitRow hit;
  hit.subject_id = s.id;
  hit.customer_id = s.customer ? s.customer->customer_id : "";
  hit.label = s.work_order ? s.work_order->number : (s.customer ? s.customer->name : "");
  hit.evaluation = rule.compiled->condition.Explain(s.facts).ToJson();
  return hit;
}

int RuleEngine::RunDueSchedules(absl::Time now) {
  auto due = store_.DueScheduledRules(20);
  if (!due.ok()) {
    LogWarn("scheduled rules: cannot read", {{"error", due.status().ToString()}});
    return 0;
  }
  int fired = 0;
  for (const auto& [tenant, row] : *due) {
    auto loaded = Load(row);
    const absl::Time occasion = absl::FromUnixMicros(row.next_fire_micros);
    if (loaded.ok()) {
      auto swept = Sweep(tenant, *loaded, occasion, now);
      if (!swept.ok()) {
        // Left due: the next pass tries again; firings already made are not repeated.
        LogWarn("scheduled rule sweep failed",
                {{"tenant", tenant}, {"rule", row.id}, {"error", swept.status().ToString()}});
        continue;
      }
      fired += swept->fired;
      LogInfo("scheduled rule swept", {{"tenant", tenant},
                                       {"rule", row.id},
                                       {"evaluated", absl::StrCat(swept->evaluated)},
                                       {"matched", absl::StrCat(swept->matched)},
                                       {"fired", absl::StrCat(swept->fired)}});
    }
    absl::Time next = now;
    if (loaded.ok() && loaded->compiled->rule.trigger.schedule) {
      next = rules::NextFireTime(*loaded->compiled->rule.trigger.schedule, std::max(now, occasion),
                                 ZoneOfTenant(tenant));
    } else {
      next = now + absl::Hours(24);  // an unloadable rule is not retried in a loop
    }
    (void)store_.SetNextFire(tenant, row.id, absl::ToUnixMicros(next), row.next_fire_micros);
  }
  return fired;
}

}  // namespace qq::notification
