#include "services/notification/rule_action_worker.h"

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/client.h"
#include "services/common/log.h"
#include "services/common/metadata.h"

namespace qq::notification {
namespace {

namespace customer_v1 = qingquan::customer::v1;
namespace order_v1 = qingquan::order::v1;
namespace json = boost::json;

constexpr int kMaxAttempts = 8;

std::string Text(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

int64_t Number(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_int64() ? it->value().as_int64() : 0;
}

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::ABORTED ||
         code == grpc::StatusCode::UNKNOWN;
}

std::string Yuan(int64_t fen) {
  return absl::StrCat(fen / 100, ".", fen % 100 < 10 ? "0" : "", fen % 100);
}

}  // namespace

RuleActionWorker::RuleActionWorker(RuleStore& store, const TokenIssuer& issuer,
                                   const std::string& customer_addr, const std::string& order_addr,
                                   std::chrono::milliseconds timeout)
    : store_(store),
      issuer_(issuer),
      ledger_(customer_v1::LedgerService::NewStub(MakeChannel(customer_addr))),
      customers_(customer_v1::CustomerService::NewStub(MakeChannel(customer_addr))),
      work_orders_(order_v1::WorkOrderService::NewStub(MakeChannel(order_addr))),
      timeout_(timeout) {}

RuleActionWorker::~RuleActionWorker() { Stop(); }

void RuleActionWorker::Start(std::chrono::milliseconds interval) {
  loop_.Start(interval, [this] {
    while (RunDue() > 0) {
    }
  });
}

void RuleActionWorker::Stop() { loop_.Stop(); }

int RuleActionWorker::RunDue() {
  auto claimed = store_.ClaimActions(50, absl::Seconds(60));
  if (!claimed.ok()) {
    LogWarn("rule actions: claim failed", {{"error", claimed.status().ToString()}});
    return 0;
  }
  for (const ActionRow& action : *claimed) {
    Outcome outcome = Perform(action);
    absl::Status recorded;
    if (!outcome.status.empty()) {
      recorded = store_.FinishAction(action.id, outcome.status, outcome.detail, outcome.reference);
    } else if (action.attempts >= kMaxAttempts) {
      recorded = store_.FinishAction(
          action.id, "FAILED",
          absl::StrCat("gave up after ", action.attempts, " attempts: ", outcome.detail), "");
    } else {
      recorded = store_.RetryAction(action.id, absl::Now() + absl::Seconds(10) * action.attempts,
                                    outcome.detail);
    }
    if (!recorded.ok()) {
      LogWarn("rule actions: outcome not recorded",
              {{"action", action.id}, {"error", recorded.ToString()}});
    }
  }
  return static_cast<int>(claimed->size());
}

RuleActionWorker::Outcome RuleActionWorker::Perform(const ActionRow& action) {
  boost::system::error_code ec;
  json::value parsed = json::parse(action.payload, ec);
  if (ec || !parsed.is_object()) return {"FAILED", "the action's payload does not parse", ""};
  const json::object& p = parsed.as_object();
  const std::string customer_id = Text(p, "customer_id");
  const std::string rule_name = Text(p, "rule_name");

  Identity identity{
      action.tenant, "service:notification", "notification-svc", {std::string(roles::kService)}};
  auto token = issuer_.Issue(identity, std::chrono::seconds(300));
  if (!token.ok()) return {"", std::string(token.status().message()), ""};
  grpc::ClientContext ctx;
  PrepareServiceCall(ctx, *token, timeout_);
  ctx.AddMetadata(kIdempotencyKeyHeader, "rule-action-" + action.id);

  grpc::Status status;
  Outcome done;
  if (action.type == "issue_coupon") {
    customer_v1::PostLedgerEntryRequest request;
    request.set_customer_id(customer_id);
    auto* entry = request.mutable_entry();
    entry->set_kind(customer_v1::LedgerEntry::ADJUSTMENT);
    entry->mutable_asset()->set_kind(customer_v1::LedgerAsset::COUPON);
    entry->mutable_asset()->set_product(Text(p, "coupon"));
    entry->set_quantity_delta(1);
    entry->set_reason(absl::StrCat("规则「", rule_name, "」赠券：面值 ",
                                   Yuan(Number(p, "amount_fen")), " 元，", Number(p, "valid_days"),
                                   " 天内有效"));
    entry->set_caused_by_rule(Text(p, "rule_id"));
    customer_v1::LedgerEntry posted;
    status = ledger_->PostLedgerEntry(&ctx, request, &posted);
    done = {"DONE", absl::StrCat("coupon ", Text(p, "coupon"), " issued"), posted.id()};
  } else if (action.type == "create_task") {
    order_v1::CreateWorkOrderRequest request;
    auto* wo = request.mutable_work_order();
    wo->set_type(order_v1::WorkOrder::FOLLOW_UP);
    wo->set_channel(order_v1::PHONE);
    wo->set_customer_id(customer_id);
    const std::string note = Text(p, "note");
    wo->set_description(note.empty() ? absl::StrCat("规则「", rule_name, "」：客户关怀回访")
                                     : absl::StrCat("规则「", rule_name, "」：", note));
    order_v1::WorkOrder created;
    status = work_orders_->CreateWorkOrder(&ctx, request, &created);
    done = {"DONE", absl::StrCat("回访工单 ", created.number(), " created"), created.id()};
  } else if (action.type == "add_tag") {
    customer_v1::UpdateCustomerRequest request;
    auto* c = request.mutable_customer();
    c->set_id(customer_id);
    const std::string tag = Text(p, "tag");
    bool has = false;
    if (auto it = p.find("tags"); it != p.end() && it->value().is_array()) {
      for (const auto& t : it->value().as_array()) {
        if (!t.is_string()) continue;
        c->add_tags(std::string(t.as_string()));
        has |= t.as_string() == tag;
      }
    }
    if (has) return {"DONE", absl::StrCat("tag ", tag, " already there"), ""};
    c->add_tags(tag);
    request.mutable_update_mask()->add_paths("tags");
    customer_v1::Customer updated;
    status = customers_->UpdateCustomer(&ctx, request, &updated);
    done = {"DONE", absl::StrCat("tag ", tag, " added"), ""};
  } else {
    return {"FAILED", "unknown action " + action.type, ""};
  }
  if (status.ok()) return done;
  const std::string reason =
      absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
                   ": ", status.error_message());
  if (Retryable(status.error_code())) return {"", reason, ""};
  return {"FAILED", reason, ""};
}

}  // namespace qq::notification
