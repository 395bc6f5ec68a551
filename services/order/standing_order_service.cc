#include "services/order/standing_order_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/field_mask.pb.h"
#include "services/common/ids.h"
#include "services/common/log.h"
#include "services/common/page_token.h"
#include "services/common/status.h"
#include "services/common/text_limits.h"

namespace qq::order {

namespace v1 = qingquan::order::v1;
using qingquan::customer::v1::FieldDefinition;

namespace {

constexpr int kMaxPageSize = 100;
constexpr size_t kMaxReasonChars = 500;
constexpr int kClaimBatch = 20;
constexpr absl::Duration kLease = absl::Minutes(2);
constexpr absl::Duration kRetryAfter = absl::Minutes(1);
constexpr char kGeneratorActor[] = "system:standing-order";

constexpr std::initializer_list<absl::string_view> kWriters = {roles::kAgent, roles::kDispatcher,
                                                               roles::kManager};
constexpr std::initializer_list<absl::string_view> kReaders = {
    roles::kAgent,   roles::kDispatcher, roles::kManager, roles::kLeader,
    roles::kCourier, roles::kFinance,    roles::kService};

// Fields a PATCH may change (update_mask paths).
constexpr std::initializer_list<absl::string_view> kUpdatable = {
    "address_id",       "items",     "payment",      "notes", "recurrence", "window_start_local",
    "window_end_local", "lead_days", "custom_fields"};

absl::Status CheckId(const std::string& id) {
  if (!LooksLikeUuid(id)) return WithField(absl::NotFoundError("no such standing order"), "id");
  return absl::OkStatus();
}

// The first delivery day the generator may still create: never one it already did.
absl::CivilDay FirstOpenDay(const StandingOrder& order, absl::CivilDay today) {
  if (auto last = ParseIsoDay(order.last_delivery_date())) return std::max(today, *last + 1);
  return today;
}

// The schedule of a stored standing order as of `day`; nullopt when it is over by then.
absl::StatusOr<std::optional<StandingSchedule>> StoredScheduleOf(const StandingOrder& order,
                                                                 absl::CivilDay day) {
  if (auto end = ParseIsoDay(order.recurrence().end_date()); end && *end < day) {
    return std::optional<StandingSchedule>();
  }
  auto schedule = CheckStandingSchedule(order, day);
  if (!schedule.ok() && FieldOf(schedule.status()) == "recurrence") {
    return std::optional<StandingSchedule>();  // no day left to deliver
  }
  QQ_RETURN_IF_ERROR(schedule.status());
  return std::optional<StandingSchedule>(*std::move(schedule));
}

}  // namespace

absl::StatusOr<TenantClock> TenantClockOf(SlaSettingsStore& settings, const std::string& tenant,
                                          absl::Time now) {
  QQ_ASSIGN_OR_RETURN(SlaSettings sla, settings.Get(tenant));
  TenantClock clock{.now = now};
  if (!absl::LoadTimeZone(sla.calendar().time_zone(), &clock.zone)) {
    return absl::InternalError(
        absl::StrCat("the tenant's time zone ", sla.calendar().time_zone(), " is unknown"));
  }
  clock.today = absl::ToCivilDay(now, clock.zone);
  return clock;
}

// ---------------------------------------------------------------------------------------
// Generator

void StandingOrderGenerator::Start(std::chrono::milliseconds interval) {
  loop_.Start(interval, [this] {
    auto created = RunOnce();
    if (!created.ok()) {
      LogWarn("standing order pass failed", {{"error", created.status().ToString()}});
    }
  });
}

absl::StatusOr<int> StandingOrderGenerator::RunOnce() {
  int created = 0;
  for (;;) {
    QQ_ASSIGN_OR_RETURN(std::vector<DueStandingOrder> due, store_.ClaimDue(kClaimBatch, kLease));
    for (const auto& one : due) {
      auto made = CreateOccurrence(one);
      if (!made.ok()) {
        LogWarn("standing order occurrence failed",
                {{"standingOrder", one.order.id()}, {"error", made.status().ToString()}});
      } else if (*made) {
        ++created;
      }
    }
    if (static_cast<int>(due.size()) < kClaimBatch) break;
  }
  if (created > 0) relay_.Wake();
  return created;
}

absl::StatusOr<bool> StandingOrderGenerator::CreateOccurrence(const DueStandingOrder& due) {
  const std::string& tenant = due.tenant;
  const StandingOrder& order = due.order;
  auto pause = [&](absl::string_view reason) -> absl::StatusOr<bool> {
    QQ_RETURN_IF_ERROR(store_.PauseForProblem(tenant, order.id(), std::string(reason)));
    LogInfo("standing order paused",
            {{"standingOrder", order.id()}, {"reason", std::string(reason)}});
    return false;
  };
  QQ_ASSIGN_OR_RETURN(TenantClock clock, TenantClockOf(settings_, tenant, absl::Now()));
  std::optional<absl::CivilDay> day = ParseIsoDay(order.next_delivery_date());
  if (!day) return pause("no next delivery day is stored");
  auto schedule = StoredScheduleOf(order, *day);
  if (!schedule.ok()) return pause(schedule.status().message());
  if (!*schedule) {
    QQ_RETURN_IF_ERROR(store_.Skip(tenant, order.id(), *day, std::nullopt, ""));
    return false;
  }
  const Occurrence occurrence = OccurrenceOn(**schedule, *day, clock.zone);
  const NextOccurrence next = NextOpenOccurrence(**schedule, *day + 1, clock.now, clock.zone);
  if (occurrence.window_end <= clock.now) {
    QQ_RETURN_IF_ERROR(store_.Skip(tenant, order.id(), *day, next,
                                   absl::StrCat("skipped ", IsoDay(*day),
                                                ": its window had passed before its order could "
                                                "be created")));
    return false;
  }

  auto customer = customers_.GetCustomerAsService(tenant, order.customer_id());
  if (customer.status().code() == absl::StatusCode::kNotFound) {
    return pause("客户已不存在 (the customer no longer exists)");
  }
  if (!customer.ok()) {
    QQ_RETURN_IF_ERROR(
        store_.Postpone(tenant, order.id(), std::string(customer.status().message()), kRetryAfter));
    return false;
  }
  auto courier_view = CourierView(*customer, order.address_id());
  if (!courier_view.ok()) {
    return pause(absl::StrCat("地址不可用 (", FieldOf(courier_view.status()), ": ",
                              courier_view.status().message(), ")"));
  }
  auto draft = CheckStandingOrderTemplate(order);
  if (!draft.ok()) return pause(draft.status().message());
  draft->window_start = occurrence.window_start;
  draft->window_end = occurrence.window_end;
  // A schedule without its own times takes the customer's preferred hours on its day.
  if (!(*schedule)->has_window_start && !(*schedule)->has_window_end) {
    if (auto preferred = PreferredWindowOfCustomer(*customer)) {
      auto window = PreferredWindowOn(*preferred, *day, clock.zone);
      if (window.second > clock.now) {
        draft->window_start = window.first;
        draft->window_end = window.second;
      }
    }
  }
  draft->custom_fields = order.custom_fields();
  draft->standing_order_id = order.id();
  draft->occurrence_date = IsoDay(*day);

  auto created =
      deliveries_.Create(tenant, kGeneratorActor, *draft, *courier_view, IdempotencyScope{},
                         [&](pqxx::work& txn, const DeliveryOrder& made) {
                           return StandingOrderStore::RecordOccurrenceIn(txn, tenant, order.id(),
                                                                         *day, next, made.id());
                         });
  switch (created.status().code()) {
    case absl::StatusCode::kOk:
      return true;
    case absl::StatusCode::kAlreadyExists:  // the day has its order: just move on
      QQ_RETURN_IF_ERROR(store_.Skip(tenant, order.id(), *day, next, ""));
      return false;
    case absl::StatusCode::kAborted:  // paused, rescheduled or done by another replica
      return false;
    default:
      QQ_RETURN_IF_ERROR(store_.Postpone(tenant, order.id(),
                                         std::string(created.status().message()), kRetryAfter));
      return created.status();
  }
}

// ---------------------------------------------------------------------------------------
// Handlers

absl::StatusOr<StandingSchedule> StandingOrderServiceImpl::CheckSpec(
    const CallContext& call, StandingOrder& spec, const TenantClock& clock,
    const google::protobuf::Struct* current_fields) {
  QQ_ASSIGN_OR_RETURN(DeliveryOrderDraft draft, CheckStandingOrderTemplate(spec));
  spec.clear_items();
  for (const auto& line : draft.items) {
    auto* item = spec.add_items();
    item->set_product(line.product);
    item->set_quantity(line.quantity);
  }
  spec.set_notes(draft.notes);
  QQ_ASSIGN_OR_RETURN(StandingSchedule schedule, CheckStandingSchedule(spec, clock.today));
  // Intervals count from the start, so it is kept as a date.
  spec.mutable_recurrence()->set_start_date(IsoDay(schedule.start));
  QQ_RETURN_IF_ERROR(customers_.CheckCustomFields(
      call.identity.tenant, FieldDefinition::ORDER, spec.mutable_custom_fields(),
      current_fields ? forms::WriteMode::kReplace : forms::WriteMode::kCreate, current_fields,
      "customFields"));
  QQ_ASSIGN_OR_RETURN(auto customer, customers_.GetCustomer(call, spec.customer_id()));
  QQ_RETURN_IF_ERROR(CourierView(customer, spec.address_id()).status());
  return schedule;
}

grpc::ServerUnaryReactor* StandingOrderServiceImpl::CreateStandingOrder(
    grpc::CallbackServerContext* ctx, const v1::CreateStandingOrderRequest* request,
    StandingOrder* response) {
  return guard_.Offloaded(
      ctx, "CreateStandingOrder",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kWriters));
        const std::string& tenant = call.identity.tenant;
        QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                            IdempotencyScopeOf(call, "CreateStandingOrder", *request));
        StandingOrder spec = SpecOf(request->standing_order());
        QQ_ASSIGN_OR_RETURN(TenantClock clock, TenantClockOf(settings_, tenant, absl::Now()));
        QQ_ASSIGN_OR_RETURN(StandingSchedule schedule, CheckSpec(call, spec, clock, nullptr));
        NextOccurrence first = NextOpenOccurrence(schedule, clock.today, clock.now, clock.zone);
        if (!first) {
          return InvalidField("recurrence", "has no delivery day left whose window is still open");
        }
        QQ_ASSIGN_OR_RETURN(
            *response, store_.Create(tenant, call.identity.user_id, spec, *first, idempotency));
        generator_.Wake();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StandingOrderServiceImpl::GetStandingOrder(
    grpc::CallbackServerContext* ctx, const v1::GetStandingOrderRequest* request,
    StandingOrder* response) {
  return guard_.Offloaded(
      ctx, "GetStandingOrder", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kReaders));
        QQ_RETURN_IF_ERROR(CheckId(request->id()));
        QQ_ASSIGN_OR_RETURN(*response, store_.Get(call.identity.tenant, request->id()));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StandingOrderServiceImpl::ListStandingOrders(
    grpc::CallbackServerContext* ctx, const v1::ListStandingOrdersRequest* request,
    v1::ListStandingOrdersResponse* response) {
  return guard_.Offloaded(
      ctx, "ListStandingOrders",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kReaders));
        QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), kMaxPageSize));
        if (!request->customer_id().empty() && !LooksLikeUuid(request->customer_id())) {
          return absl::OkStatus();  // matches nothing
        }
        const std::string state = request->state() == StandingOrder::STATE_UNSPECIFIED
                                      ? ""
                                      : StandingOrder::State_Name(request->state());
        QQ_ASSIGN_OR_RETURN(StandingOrderPage page,
                            store_.List(call.identity.tenant, request->customer_id(), state,
                                        page_size, request->page_token()));
        for (auto& o : page.standing_orders) *response->add_standing_orders() = std::move(o);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StandingOrderServiceImpl::UpdateStandingOrder(
    grpc::CallbackServerContext* ctx, const v1::UpdateStandingOrderRequest* request,
    StandingOrder* response) {
  return guard_.Offloaded(
      ctx, "UpdateStandingOrder",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kWriters));
        const StandingOrder& patch = request->standing_order();
        QQ_RETURN_IF_ERROR(CheckId(patch.id()));
        if (request->update_mask().paths_size() == 0) {
          return InvalidField("updateMask", absl::StrCat("is required; fields that may change: ",
                                                         absl::StrJoin(kUpdatable, ", ")));
        }
        for (const std::string& path : request->update_mask().paths()) {
          if (std::find(kUpdatable.begin(), kUpdatable.end(), path) == kUpdatable.end()) {
            return InvalidField("updateMask",
                                absl::StrCat("'", path, "' cannot change; fields that may: ",
                                             absl::StrJoin(kUpdatable, ", ")));
          }
        }
        QQ_ASSIGN_OR_RETURN(TenantClock clock,
                            TenantClockOf(settings_, call.identity.tenant, absl::Now()));
        auto decide = [&](const StandingOrder& current) -> absl::StatusOr<StandingOrderChange> {
          if (current.state() == StandingOrder::ENDED) {
            return WithField(absl::FailedPreconditionError("the standing order has ended"), "id");
          }
          StandingOrder spec = SpecOf(current);
          for (const std::string& path : request->update_mask().paths()) {
            if (path == "address_id") spec.set_address_id(patch.address_id());
            if (path == "items") *spec.mutable_items() = patch.items();
            if (path == "payment") spec.set_payment(patch.payment());
            if (path == "notes") spec.set_notes(patch.notes());
            if (path == "recurrence") *spec.mutable_recurrence() = patch.recurrence();
            if (path == "window_start_local")
              spec.set_window_start_local(patch.window_start_local());
            if (path == "window_end_local") spec.set_window_end_local(patch.window_end_local());
            if (path == "lead_days") {
              if (patch.has_lead_days()) {
                spec.set_lead_days(patch.lead_days());
              } else {
                spec.clear_lead_days();
              }
            }
            if (path == "custom_fields") *spec.mutable_custom_fields() = patch.custom_fields();
          }
          QQ_ASSIGN_OR_RETURN(StandingSchedule schedule,
                              CheckSpec(call, spec, clock, &current.custom_fields()));
          StandingOrderChange change{
              .spec = spec, .state = current.state(), .state_reason = current.state_reason()};
          change.next = NextOpenOccurrence(schedule, FirstOpenDay(current, clock.today), clock.now,
                                           clock.zone);
          return change;
        };
        QQ_ASSIGN_OR_RETURN(*response, store_.Change(call.identity.tenant, patch.id(), decide));
        generator_.Wake();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StandingOrderServiceImpl::ChangeStandingOrderState(
    grpc::CallbackServerContext* ctx, const v1::ChangeStandingOrderStateRequest* request,
    StandingOrder* response) {
  return guard_.Offloaded(
      ctx, "ChangeStandingOrderState",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kWriters));
        QQ_RETURN_IF_ERROR(CheckId(request->id()));
        const auto action = request->action();
        if (action == v1::ChangeStandingOrderStateRequest::ACTION_UNSPECIFIED) {
          return InvalidField("action", "is required: PAUSE, RESUME or END");
        }
        std::string reason(absl::StripAsciiWhitespace(request->reason()));
        QQ_RETURN_IF_ERROR(CheckTextLength("reason", reason, kMaxReasonChars));
        QQ_ASSIGN_OR_RETURN(TenantClock clock,
                            TenantClockOf(settings_, call.identity.tenant, absl::Now()));
        auto decide = [&](const StandingOrder& current) -> absl::StatusOr<StandingOrderChange> {
          const auto state = current.state();
          auto refuse = [&](absl::string_view what) {
            return WithField(absl::FailedPreconditionError(
                                 absl::StrCat("cannot ", what, " a standing order that is ",
                                              StandingOrder::State_Name(state))),
                             "action");
          };
          StandingOrderChange change{.spec = SpecOf(current)};
          const std::string by = absl::StrCat(" (", call.identity.user_id, ")");
          switch (action) {
            case v1::ChangeStandingOrderStateRequest::PAUSE:
              if (state != StandingOrder::ACTIVE) return refuse("pause");
              change.state = StandingOrder::PAUSED;
              change.state_reason = (reason.empty() ? "暂停" : reason) + by;
              return change;
            case v1::ChangeStandingOrderStateRequest::END:
              if (state == StandingOrder::ENDED) return refuse("end");
              change.state = StandingOrder::ENDED;
              change.state_reason = (reason.empty() ? "终止" : reason) + by;
              return change;
            default: {  // RESUME
              if (state != StandingOrder::PAUSED) return refuse("resume");
              const absl::CivilDay from = FirstOpenDay(current, clock.today);
              QQ_ASSIGN_OR_RETURN(auto schedule, StoredScheduleOf(current, from));
              change.state = StandingOrder::ACTIVE;
              change.state_reason = reason;
              if (schedule) {
                change.next = NextOpenOccurrence(*schedule, from, clock.now, clock.zone);
              }
              return change;
            }
          }
        };
        QQ_ASSIGN_OR_RETURN(*response, store_.Change(call.identity.tenant, request->id(), decide));
        generator_.Wake();
        return absl::OkStatus();
      });
}

}  // namespace qq::order
