#include "services/notification/rule_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/common/forms/form_messages.h"
#include "services/common/page_token.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/notification/domain/rules/fact_schema.h"
#include "services/notification/domain/rules/rule_templates.h"
#include "services/notification/domain/template_catalog.h"

namespace qq::notification {

namespace v1 = qingquan::notification::v1;
using google::protobuf::util::TimeUtil;

namespace {

constexpr size_t kMaxRuleNameChars = 100;

google::protobuf::Struct StructOf(const std::string& json) {
  google::protobuf::Struct out;
  forms::JsonToStruct(json, &out);
  return out;
}

v1::Rule RuleProto(const RuleRow& row) {
  v1::Rule r;
  r.set_id(row.id);
  r.set_name(row.name);
  r.set_template_id(row.template_id);
  *r.mutable_params() = StructOf(row.params);
  *r.mutable_definition() = StructOf(row.definition);
  r.set_version(row.version);
  r.set_paused(row.paused);
  if (row.next_fire_micros != 0) {
    *r.mutable_next_fire_time() = TimeUtil::MicrosecondsToTimestamp(row.next_fire_micros);
  }
  *r.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row.created_micros);
  *r.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row.updated_micros);
  r.set_updated_by(row.updated_by);
  return r;
}

// The same error with its field under `prefix` ("condition.all[0]" → "definition.condition…").
absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  const std::string field = FieldOf(status);
  absl::Status out(status.code(), status.message());
  return WithField(out, field.empty() ? std::string(absl::StripSuffix(prefix, "."))
                                      : absl::StrCat(prefix, field));
}

// Events the service keeps facts from, and the subject each is about.
const char* SubjectOfTrigger(const std::string& event) {
  if (event == "customer.created" || event == "customer.updated" ||
      event == "customer.status_changed" || event == "ledger.posted") {
    return "customer";
  }
  if (absl::StartsWith(event, "workorder.") && event != "workorder.assigned" &&
      event != "workorder.worker_offered") {
    return "work_order";
  }
  if (absl::StartsWith(event, "order.")) return "delivery_order";
  return nullptr;
}

}  // namespace

absl::Status CheckRuleFitsCatalog(const rules::Rule& rule, absl::string_view prefix) {
  const std::string subject(rules::SubjectName(rule.subject));
  if (!rule.trigger.event.empty()) {
    const char* fits = SubjectOfTrigger(rule.trigger.event);
    if (fits == nullptr) {
      return InvalidField(absl::StrCat(prefix, "trigger.event"),
                          "is not an event rules can run on: customer.created, customer.updated, "
                          "customer.status_changed, ledger.posted, workorder.*, order.*");
    }
    if (subject != fits) {
      return InvalidField(
          absl::StrCat(prefix, "trigger.event"),
          absl::StrCat(rule.trigger.event, " is about a ", fits, ", not a ", subject));
    }
  } else if (rule.subject == rules::Subject::kDeliveryOrder) {
    return InvalidField(absl::StrCat(prefix, "trigger.schedule"),
                        "delivery-order rules run on order events, not on a schedule");
  }
  for (size_t i = 0; i < rule.actions.size(); ++i) {
    const rules::Action& a = rule.actions[i];
    if (a.type != rules::ActionType::kSend) continue;
    const std::string at = absl::StrCat(prefix, "actions[", i, "].");
    const TemplateEventSpec* spec = FindTemplateEvent(a.template_name);
    if (spec == nullptr) {
      return InvalidField(at + "template",
                          absl::StrCat("is not a message template: ", a.template_name));
    }
    if (!spec->defaults.count(a.channel)) {
      return InvalidField(at + "channel",
                          absl::StrCat(a.template_name, " is not sent on ", a.channel));
    }
    if (a.channel == kInApp && rule.subject != rules::Subject::kWorkOrder) {
      return InvalidField(at + "channel", "staff to-dos (IN_APP) are about work orders");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RuleRow> RuleServiceImpl::Prepare(const std::string& tenant, const v1::Rule& in,
                                                 absl::Time now) {
  RuleRow row;
  rules::Rule rule;
  if (!in.template_id().empty()) {
    auto made = rules::InstantiateRuleTemplate(in.template_id(), forms::StructToJson(in.params()));
    if (!made.ok()) {
      const std::string field = FieldOf(made.status());
      return WithField(absl::Status(made.status().code(), made.status().message()),
                       field == "template" ? "templateId" : field);
    }
    rule = made->rule;
    row.template_id = in.template_id();
    row.params = forms::StructToJson(in.params());
    row.definition = made->json;
    if (in.name().empty()) row.name = rules::FindRuleTemplate(in.template_id())->name_zh;
  } else {
    if (in.definition().fields().empty()) {
      return InvalidField("definition", "is required (or a templateId with params)");
    }
    const std::string json = forms::StructToJson(in.definition());
    auto parsed = rules::ParseRule(json);
    if (!parsed.ok()) return Prefixed(parsed.status(), "definition.");
    rule = *std::move(parsed);
    row.params = "{}";
    row.definition = rules::RuleToJson(rule);
    if (in.name().empty()) row.name = "自定义规则";
  }
  if (!in.name().empty()) {
    if (text::CharCount(in.name()) > kMaxRuleNameChars || text::HasControlCharacters(in.name())) {
      return InvalidField("name", "must be at most 100 characters");
    }
    row.name = in.name();
  }
  QQ_RETURN_IF_ERROR(CheckRuleFitsCatalog(rule, "definition."));
  if (rule.trigger.schedule) {
    row.trigger_kind = "schedule";
    row.trigger = rule.trigger.schedule->ToString();
    row.next_fire_micros = absl::ToUnixMicros(
        rules::NextFireTime(*rule.trigger.schedule, now, engine_.ZoneOfTenant(tenant)));
  } else {
    row.trigger_kind = "event";
    row.trigger = rule.trigger.event;
  }
  return row;
}

absl::StatusOr<v1::Rule> RuleServiceImpl::Saved(const std::string& tenant, const std::string& id) {
  QQ_ASSIGN_OR_RETURN(RuleRow row, store_.GetRule(tenant, id));
  return RuleProto(row);
}

grpc::ServerUnaryReactor* RuleServiceImpl::GetRuleCatalog(grpc::CallbackServerContext* ctx,
                                                          const v1::GetRuleCatalogRequest*,
                                                          v1::RuleCatalog* response) {
  return guard_.Unary(ctx, "GetRuleCatalog", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
    *response->mutable_fact_schema() = StructOf(rules::FactSchemaJson());
    *response->mutable_templates() =
        StructOf(absl::StrCat(R"({"templates":)", rules::RuleTemplatesJson(), "}"));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RuleServiceImpl::ListRules(grpc::CallbackServerContext* ctx,
                                                     const v1::ListRulesRequest*,
                                                     v1::ListRulesResponse* response) {
  return guard_.Unary(ctx, "ListRules", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
    QQ_ASSIGN_OR_RETURN(auto rows, store_.ListRules(call.identity.tenant));
    for (const auto& row : rows) *response->add_rules() = RuleProto(row);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RuleServiceImpl::GetRule(grpc::CallbackServerContext* ctx,
                                                   const v1::GetRuleRequest* request,
                                                   v1::Rule* response) {
  return guard_.Unary(ctx, "GetRule", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
    QQ_ASSIGN_OR_RETURN(*response, Saved(call.identity.tenant, request->id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RuleServiceImpl::CreateRule(grpc::CallbackServerContext* ctx,
                                                      const v1::CreateRuleRequest* request,
                                                      v1::Rule* response) {
  return guard_.Unary(ctx, "CreateRule", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
    QQ_ASSIGN_OR_RETURN(RuleRow row, Prepare(call.identity.tenant, request->rule(), absl::Now()));
    QQ_ASSIGN_OR_RETURN(RuleRow created,
                        store_.CreateRule(call.identity.tenant, row, call.identity.user_id));
    *response = RuleProto(created);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RuleServiceImpl::UpdateRule(grpc::CallbackServerContext* ctx,
                                                      const v1::UpdateRuleRequest* request,
                                                      v1::Rule* response) {
  return guard_.Unary(ctx, "UpdateRule", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
    QQ_ASSIGN_OR_RETURN(RuleRow current,
                        store_.GetRule(call.identity.tenant, request->rule().id()));
    QQ_ASSIGN_OR_RETURN(RuleRow row, Prepare(call.identity.tenant, request->rule(), absl::Now()));
    row.id = current.id;
    if (current.paused) row.next_fire_micros = 0;  // a paused rule is not due
    QQ_ASSIGN_OR_RETURN(RuleRow updated,
                        store_.UpdateRule(call.identity.tenant, row, call.identity.user_id));
    *response = RuleProto(updated);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RuleServiceImpl::PauseRule(grpc::CallbackServerContext* ctx,
                                                     const v1::PauseRuleRequest* request,
                                                     v1::Rule* response) {
  return guard_.Unary(ctx, "PauseRule", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
    QQ_ASSIGN_OR_RETURN(RuleRow row, store_.SetPaused(call.identity.tenant, request->id(), true, 0,
                                                      call.identity.user_id));
    *response = RuleProto(row);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RuleServiceImpl::ResumeRule(grpc::CallbackServerContext* ctx,
                                                      const v1::ResumeRuleRequest* request,
                                                      v1::Rule* response) {
  return guard_.Unary(ctx, "ResumeRule", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
    QQ_ASSIGN_OR_RETURN(RuleRow current, store_.GetRule(call.identity.tenant, request->id()));
    QQ_ASSIGN_OR_RETURN(LoadedRule loaded, engine_.Load(current));
    long long next = 0;
    if (loaded.compiled->rule.trigger.schedule) {
      next = absl::ToUnixMicros(rules::NextFireTime(*loaded.compiled->rule.trigger.schedule,
                                                    absl::Now(),
                                                    engine_.ZoneOfTenant(call.identity.tenant)));
    }
    QQ_ASSIGN_OR_RETURN(RuleRow row, store_.SetPaused(call.identity.tenant, request->id(), false,
                                                      next, call.identity.user_id));
    *response = RuleProto(row);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RuleServiceImpl::RunRule(grpc::CallbackServerContext* ctx,
                                                   const v1::RunRuleRequest* request,
                                                   v1::RunRuleResponse* response) {
  return guard_.Offloaded(ctx, "RunRule", [this, request, response](const CallContext& call) {
    return RunNow(call, request->id(), response);
  });
}

absl::Status RuleServiceImpl::RunNow(const CallContext& call, const std::string& id,
                                     v1::RunRuleResponse* response) {
  QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
  QQ_ASSIGN_OR_RETURN(RuleRow row, store_.GetRule(call.identity.tenant, id));
  QQ_ASSIGN_OR_RETURN(LoadedRule loaded, engine_.Load(row));
  if (!loaded.compiled->rule.trigger.schedule) {
    return WithField(
        absl::FailedPreconditionError("only a scheduled rule runs on demand; this one runs on " +
                                      loaded.compiled->rule.trigger.event),
        "id");
  }
  const absl::Time now = absl::Now();
  // One occasion per minute: pressing the button twice does not fire twice.
  const absl::Time occasion = absl::FromUnixSeconds(absl::ToUnixSeconds(now) / 60 * 60);
  QQ_ASSIGN_OR_RETURN(SweepResult swept,
                      engine_.Sweep(call.identity.tenant, loaded, occasion, now));
  response->set_evaluated(swept.evaluated);
  response->set_matched(swept.matched);
  response->set_fired(swept.fired);
  if (swept.fired > 0 && on_fired_) on_fired_();
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* RuleServiceImpl::DryRunRule(grpc::CallbackServerContext* ctx,
                                                      const v1::DryRunRuleRequest* request,
                                                      v1::DryRunRuleResponse* response) {
  return guard_.Unary(ctx, "DryRunRule", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
    const int sample = request->sample_size() == 0 ? 20 : request->sample_size();
    if (sample < 1 || sample > 100) return InvalidField("sampleSize", "must be between 1 and 100");
    const absl::Time now = absl::Now();
    LoadedRule loaded;
    if (!request->id().empty()) {
      QQ_ASSIGN_OR_RETURN(RuleRow row, store_.GetRule(call.identity.tenant, request->id()));
      QQ_ASSIGN_OR_RETURN(loaded, engine_.Load(row));
    } else {
      auto row = Prepare(call.identity.tenant, request->rule(), now);
      if (!row.ok()) return Prefixed(row.status(), "rule.");
      auto parsed = rules::ParseRule(row->definition);
      if (!parsed.ok()) return parsed.status();
      loaded.row = *row;
      loaded.compiled = std::make_shared<const rules::CompiledRule>(*std::move(parsed));
    }
    auto result = engine_.DryRun(call.identity.tenant, loaded, sample, now);
    if (!result.ok()) {
      return result.status().code() == absl::StatusCode::kFailedPrecondition
                 ? WithField(result.status(), "rule.definition.trigger")
                 : result.status();
    }
    response->set_evaluated(result->evaluated);
    response->set_matched(result->matched);
    response->set_cooling_down(result->cooling_down);
    for (const auto& hit : result->sample) {
      auto* out = response->add_sample();
      out->set_subject_id(hit.subject_id);
      out->set_customer_id(hit.customer_id);
      out->set_label(hit.label);
      *out->mutable_evaluation() = StructOf(hit.evaluation);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RuleServiceImpl::ListRuleFirings(
    grpc::CallbackServerContext* ctx, const v1::ListRuleFiringsRequest* request,
    v1::ListRuleFiringsResponse* response) {
  return guard_.Unary(ctx, "ListRuleFirings", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
    QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), 100, 20));
    QQ_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(request->page_token()));
    QQ_ASSIGN_OR_RETURN(FiringPage page,
                        store_.ListFirings(call.identity.tenant, request->rule_id(),
                                           request->customer_id(), page_size, cursor));
    for (const auto& f : page.firings) {
      auto* out = response->add_firings();
      out->set_id(f.id);
      out->set_rule_id(f.firing.rule_id);
      out->set_rule_version(f.firing.rule_version);
      out->set_rule_name(f.firing.rule_name);
      out->set_subject(f.firing.subject);
      out->set_subject_id(f.firing.subject_id);
      out->set_customer_id(f.firing.customer_id);
      out->set_trigger(f.firing.trigger);
      *out->mutable_facts() = StructOf(f.firing.facts);
      *out->mutable_evaluation() = StructOf(f.firing.evaluation);
      for (const auto& a : f.actions) {
        auto* action = out->add_actions();
        action->set_type(a.type);
        action->set_status(a.status);
        action->set_detail(a.detail);
        action->set_reference(a.reference);
      }
      *out->mutable_fire_time() = TimeUtil::MicrosecondsToTimestamp(f.fired_micros);
    }
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

}  // namespace qq::notification
