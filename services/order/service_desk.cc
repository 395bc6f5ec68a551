#include "services/order/service_desk.h"

#include "absl/strings/ascii.h"
#include "services/common/ids.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/page_token.h"
#include "services/common/status.h"
#include "services/common/text_limits.h"

namespace qq::order {

namespace v1 = qingquan::order::v1;

namespace {

constexpr int kMaxPageSize = 100;
constexpr size_t kMaxCommentChars = 2000;
constexpr int kSlaChecksPerPass = 200;

constexpr std::initializer_list<absl::string_view> kStaff = {
    roles::kAgent,   roles::kDispatcher, roles::kLeader, roles::kWorker,
    roles::kCourier, roles::kManager,    roles::kService};

}  // namespace

grpc::ServerUnaryReactor* SlaServiceImpl::GetSlaSettings(grpc::CallbackServerContext* ctx,
                                                         const v1::GetSlaSettingsRequest* request,
                                                         SlaSettings* response) {
  return guard_.Offloaded(ctx, "GetSlaSettings",
                          [this, request, response](const CallContext& call) -> absl::Status {
                            QQ_RETURN_IF_ERROR(RequireRole(call, kStaff));
                            QQ_ASSIGN_OR_RETURN(*response, store_.Get(call.identity.tenant));
                            return absl::OkStatus();
                          });
}

grpc::ServerUnaryReactor* SlaServiceImpl::UpdateSlaSettings(
    grpc::CallbackServerContext* ctx, const v1::UpdateSlaSettingsRequest* request,
    SlaSettings* response) {
  return guard_.Offloaded(
      ctx, "UpdateSlaSettings", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
        QQ_RETURN_IF_ERROR(ValidateSlaSettings(request->settings()));
        QQ_ASSIGN_OR_RETURN(*response, store_.Save(call.identity.tenant, call.identity.user_id,
                                                   request->settings()));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* TodoServiceImpl::ListTodos(grpc::CallbackServerContext* ctx,
                                                     const v1::ListTodosRequest* request,
                                                     v1::ListTodosResponse* response) {
  return guard_.Offloaded(
      ctx, "ListTodos", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kStaff));
        QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), kMaxPageSize));
        QQ_ASSIGN_OR_RETURN(TodoPage page,
                            store_.ListFor(call.identity.tenant, call.identity.user_id,
                                           call.identity.roles, page_size, request->page_token()));
        for (auto& t : page.todos) *response->add_todos() = std::move(t);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* TodoServiceImpl::CompleteTodo(grpc::CallbackServerContext* ctx,
                                                        const v1::CompleteTodoRequest* request,
                                                        Todo* response) {
  return guard_.Offloaded(
      ctx, "CompleteTodo", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kStaff));
        if (!LooksLikeUuid(request->id())) {
          return WithField(absl::NotFoundError("no such open to-do"), "id");
        }
        std::string comment(absl::StripAsciiWhitespace(request->comment()));
        QQ_RETURN_IF_ERROR(CheckTextLength("comment", comment, kMaxCommentChars));
        QQ_ASSIGN_OR_RETURN(
            *response, store_.Complete(call.identity.tenant, request->id(), call.identity.user_id,
                                       call.identity.roles, comment));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* FeedbackServiceImpl::SubmitFeedback(
    grpc::CallbackServerContext* ctx, const v1::SubmitFeedbackRequest* request,
    Feedback* response) {
  return guard_.Offloaded(
      ctx, "SubmitFeedback", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager, roles::kService}));
        Feedback feedback = request->feedback();
        if (feedback.order_kind().empty()) feedback.set_order_kind("WORK_ORDER");
        if (feedback.order_kind() != "WORK_ORDER" && feedback.order_kind() != "DELIVERY") {
          return InvalidField("orderKind", "must be WORK_ORDER or DELIVERY");
        }
        if (!LooksLikeUuid(feedback.order_id())) {
          return WithField(absl::NotFoundError("no such order"), "orderId");
        }
        if (feedback.score() < 1 || feedback.score() > 5) {
          return InvalidField("score", "must be between 1 (very unhappy) and 5 (very happy)");
        }
        feedback.set_comment(std::string(absl::StripAsciiWhitespace(feedback.comment())));
        QQ_RETURN_IF_ERROR(CheckTextLength("comment", feedback.comment(), kMaxCommentChars));
        QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                            IdempotencyScopeOf(call, "SubmitFeedback", *request));
        QQ_ASSIGN_OR_RETURN(*response, store_.Submit(call.identity.tenant, call.identity.user_id,
                                                     feedback, idempotency));
        relay_.Wake();
        return absl::OkStatus();
      });
}

void SlaScheduler::Start(std::chrono::milliseconds interval) {
  loop_.Start(interval, [this] {
    auto ran = RunOnce();
    if (!ran.ok()) LogWarn("SLA checks failed", {{"error", ran.status().ToString()}});
  });
}

absl::StatusOr<int> SlaScheduler::RunOnce() {
  int total = 0;
  while (true) {
    QQ_ASSIGN_OR_RETURN(OrderStore::SlaPass pass, store_.RunSlaChecks(kSlaChecksPerPass));
    total += pass.looked_at;
    if (pass.failed > 0 && metrics_ != nullptr) {
      metrics_->Increment("qq_sla_check_failures_total",
                          "Work orders whose SLA check failed (postponed, the pass went on).", {},
                          pass.failed);
    }
    if (pass.looked_at < kSlaChecksPerPass) break;
  }
  if (total > 0) relay_.Wake();
  return total;
}

}  // namespace qq::order
