// gRPC handlers of the rule engine: the catalog (fact schema, rule templates), rules as
// versioned tenant data, dry runs and the firing log.
#pragma once

#include <functional>

#include "qingquan/notification/v1/notification.grpc.pb.h"
#include "services/common/call_guard.h"
#include "services/notification/rule_engine.h"
#include "services/notification/rule_store.h"

namespace qq::notification {

class RuleServiceImpl final : public qingquan::notification::v1::RuleService::CallbackService {
 public:
  // `on_fired` runs after firings were made (wakes the sender and the action worker).
  RuleServiceImpl(CallGuard& guard, RuleStore& store, RuleEngine& engine,
                  std::function<void()> on_fired = nullptr)
      : guard_(guard), store_(store), engine_(engine), on_fired_(std::move(on_fired)) {}

  grpc::ServerUnaryReactor* GetRuleCatalog(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::GetRuleCatalogRequest* request,
      qingquan::notification::v1::RuleCatalog* response) override;
  grpc::ServerUnaryReactor* ListRules(
      grpc::CallbackServerContext* ctx, const qingquan::notification::v1::ListRulesRequest* request,
      qingquan::notification::v1::ListRulesResponse* response) override;
  grpc::ServerUnaryReactor* GetRule(grpc::CallbackServerContext* ctx,
                                    const qingquan::notification::v1::GetRuleRequest* request,
                                    qingquan::notification::v1::Rule* response) override;
  grpc::ServerUnaryReactor* CreateRule(grpc::CallbackServerContext* ctx,
                                       const qingquan::notification::v1::CreateRuleRequest* request,
                                       qingquan::notification::v1::Rule* response) override;
  grpc::ServerUnaryReactor* UpdateRule(grpc::CallbackServerContext* ctx,
                                       const qingquan::notification::v1::UpdateRuleRequest* request,
                                       qingquan::notification::v1::Rule* response) override;
  grpc::ServerUnaryReactor* PauseRule(grpc::CallbackServerContext* ctx,
                                      const qingquan::notification::v1::PauseRuleRequest* request,
                                      qingquan::notification::v1::Rule* response) override;
  grpc::ServerUnaryReactor* ResumeRule(grpc::CallbackServerContext* ctx,
                                       const qingquan::notification::v1::ResumeRuleRequest* request,
                                       qingquan::notification::v1::Rule* response) override;
  grpc::ServerUnaryReactor* RunRule(grpc::CallbackServerContext* ctx,
                                    const qingquan::notification::v1::RunRuleRequest* request,
                                    qingquan::notification::v1::RunRuleResponse* response) override;
  grpc::ServerUnaryReactor* DryRunRule(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::DryRunRuleRequest* request,
      qingquan::notification::v1::DryRunRuleResponse* response) override;
  grpc::ServerUnaryReactor* ListRuleFirings(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::ListRuleFiringsRequest* request,
      qingquan::notification::v1::ListRuleFiringsResponse* response) override;

 private:
  // A rule from a request (template and params, or a definition), checked against the
  // fact schema and the message catalog; fields named as in the request's JSON.
  absl::StatusOr<RuleRow> Prepare(const std::string& tenant,
                                  const qingquan::notification::v1::Rule& rule, absl::Time now);
  absl::StatusOr<qingquan::notification::v1::Rule> Saved(const std::string& tenant,
                                                         const std::string& id);
  absl::Status RunNow(const CallContext& call, const std::string& id,
                      qingquan::notification::v1::RunRuleResponse* response);

  CallGuard& guard_;
  RuleStore& store_;
  RuleEngine& engine_;
  std::function<void()> on_fired_;
};

// A rule's JSON checked beyond the fact schema: its trigger is an event the service sees
// for its subject, its sends name message templates offered on their channels, scheduled
// rules are about customers or work orders. Fields under `prefix`.
absl::Status CheckRuleFitsCatalog(const rules::Rule& rule, absl::string_view prefix);

}  // namespace qq::notification
