#include "services/order/service_desk.h"

#include <algorithm>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/ids.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/page_token.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"

namespace qq::order {

namespace v1 = qingquan::order::v1;

namespace {

constexpr int kMaxPageSize = 100;
constexpr size_t kMaxCommentChars = 2000;
constexpr int kSlaChecksPerPass = 200;
constexpr size_t kMaxTodoTitleChars = 200;
constexpr size_t kMaxUserIdChars = 128;

// Who a reminder may be for: the roles that see to-dos (ListTodos), people all.
constexpr std::initializer_list<absl::string_view> kTodoRoles = {
    roles::kAgent,  roles::kDispatcher, roles::kLeader,
    roles::kWorker, roles::kCourier,    roles::kManager};

constexpr std::initializer_list<absl::string_view> kStaff = {
    roles::kAgent,   roles::kDispatcher, roles::kLeader, roles::kWorker,
    roles::kCourier, roles::kManager,    roles::kService};

// PERMISSION_DENIED unless the caller is a service. Unlike RequireRole an admin does not
// pass: reminders come from other services' rules, a person's to-do list is not a
// message board.
absl::Status RequireServiceRole(const CallContext& call) {
  if (call.identity.HasRole(roles::kService)) return absl::OkStatus();
  return absl::PermissionDeniedError("only services may add to-dos (role service)");
}

// The reminder `request` asks for, checked; INVALID_ARGUMENT naming the field, NOT_FOUND
// (field "orderId") for an id that cannot be an order.
absl::StatusOr<NewTodo> ReminderOf(const CallContext& call, const v1::CreateTodoRequest& request) {
  NewTodo todo{.tenant = call.identity.tenant, .kind = Todo::REMINDER};
  todo.order_kind = request.order_kind().empty() ? "WORK_ORDER" : request.order_kind();
  if (todo.order_kind != "WORK_ORDER" && todo.order_kind != "DELIVERY") {
    return InvalidField("orderKind", "must be WORK_ORDER or DELIVERY");
  }
  if (request.order_id().empty()) return InvalidField("orderId", "is required");
  if (!LooksLikeUuid(request.order_id())) {
    return WithField(absl::NotFoundError("no such order"), "orderId");
  }
  todo.order_id = request.order_id();
  todo.title = std::string(text::TrimSpaces(request.title()));
  if (todo.title.empty()) return InvalidField("title", "is required");
  QQ_RETURN_IF_ERROR(CheckTextLength("title", todo.title, kMaxTodoTitleChars));
  if (text::HasControlCharacters(todo.title)) {
    return InvalidField("title", "must not hold control characters");
  }
  todo.assignee_role = std::string(absl::StripAsciiWhitespace(request.assignee_role()));
  todo.assignee_id = std::string(absl::StripAsciiWhitespace(request.assignee_id()));
  if (todo.assignee_role.empty() && todo.assignee_id.empty()) {
    return InvalidField("assigneeRole", "a staff role or an assigneeId is required");
  }
  if (!todo.assignee_role.empty() &&
      std::find(kTodoRoles.begin(), kTodoRoles.end(), todo.assignee_role) == kTodoRoles.end()) {
    return InvalidField("assigneeRole",
                        "must be one of agent, dispatcher, leader, worker, courier, manager");
  }
  QQ_RETURN_IF_ERROR(CheckTextLength("assigneeId", todo.assignee_id, kMaxUserIdChars));
  if (request.has_due_time()) {
    using google::protobuf::util::TimeUtil;
    const auto& due = request.due_time();
    if (due.seconds() < TimeUtil::kTimestampMinSeconds ||
        due.seconds() > TimeUtil::kTimestampMaxSeconds || due.nanos() < 0 ||
        due.nanos() > 999999999) {
      return InvalidField("dueTime", "is not a valid time");
    }
    todo.due = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(due));
  }
  // A retry after the idempotency record expired still finds the first to-do.
  todo.dedupe_key = absl::StrCat("reminder:", call.identity.user_id, ":", call.idempotency_key);
  return todo;
}

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

grpc::ServerUnaryReactor* TodoServiceImpl::CreateTodo(grpc::CallbackServerContext* ctx,
                                                      const v1::CreateTodoRequest* request,
                                                      Todo* response) {
  return guard_.Offloaded(
      ctx, "CreateTodo", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireServiceRole(call));
        if (call.idempotency_key.empty()) {
          return InvalidField("Idempotency-Key",
                              "is required for to-dos, so a retry never adds a second one");
        }
        QQ_ASSIGN_OR_RETURN(NewTodo todo, ReminderOf(call, *request));
        QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                            IdempotencyScopeOf(call, "CreateTodo", *request));
        QQ_ASSIGN_OR_RETURN(*response, store_.Create(std::move(todo), idempotency));
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
