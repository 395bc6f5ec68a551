// SQL for work orders, their timeline and numbers. Every change locks the row, lets the
// caller's domain decision run on the current state and the order's own workflow
// version, writes the change, a timeline entry and (optionally) an outbox event in one
// transaction.
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/idempotency.h"
#include "services/common/migrations.h"
#include "services/common/outbox.h"
#include "services/order/domain/actor.h"
#include "services/order/domain/sla_policy.h"
#include "services/order/domain/work_order_draft.h"
#include "services/order/domain/workflow.h"

namespace qq {
class PgPool;
// Generated from services/order/migrations/*.sql (cmake/EmbedSql.cmake).
std::vector<Migration> order_migrations();
}  // namespace qq

namespace qq::order {

class OrderNumbers;
class SlaSettingsStore;
class WorkflowStore;
using qingquan::order::v1::WorkOrder;

// A tenant's SLA settings with the calendar and chain they describe.
struct SlaRules {
  SlaSettings settings;
  sla::BusinessCalendar calendar;
  sla::EscalationChain chain;
};
absl::StatusOr<SlaRules> SlaRulesOf(SlaSettings settings);

// What the order keeps of the customer as it was when the order was made.
struct CustomerSnapshot {
  std::string name;
  std::string contact_phone;
  std::string address_id;
  std::string address_text;
  std::optional<double> lat;
  std::optional<double> lng;
};

struct WorkOrderChange {
  // The state after the change; ignored when changes_state is false.
  std::string to;
  // The workflow transition taken; empty for steps outside the workflow.
  std::string transition;
  std::string actor;
  std::string actor_name;  // as people know them; "" for the system (labelled when shown)
  std::string comment;
  std::vector<std::string> attachment_ids;
  std::optional<std::string> assignee_id;
  // The new assignee's name, with assignee_id ("" when unknown or nobody).
  std::string assignee_name;
  std::optional<std::string> result;
  std::optional<std::string> team_id;
  std::optional<std::string> team_name;
  std::optional<std::string> area_name;
  bool mark_resolved = false;
  bool reopen = false;
  // The order leaves the pool for good (a cancel): its SLA clocks stop.
  bool closes = false;
  // False: only the fields change, no state step (e.g. a team assigned after the
  // order already moved on). The timeline still records it.
  bool changes_state = true;
  // The event to publish (payload WorkOrderTransitioned); empty: none.
  std::string event_type;
  // What the step means (events carry it for notification and analytics).
  qingquan::common::v1::StepKind step_kind = qingquan::common::v1::STEP_KIND_UNSPECIFIED;
  // Custom field values set (null: removed) by this step, already checked.
  std::optional<google::protobuf::Struct> custom_fields_patch;
};

// Decides the change from the locked current order and the workflow version it follows;
// an error aborts the transaction.
using DecideChange = std::function<absl::StatusOr<WorkOrderChange>(const WorkOrder& current,
                                                                   const Workflow& workflow)>;

struct WorkOrderFilter {  // empty: any
  std::string customer_id;
  std::string number;
  // Orders of these customers only (a phone's customers); nullopt: any customer.
  std::optional<std::vector<std::string>> customer_ids;
  std::string state;
  std::string type;
  std::string channel;
  // Custom field filters as one JSON object for containment; "{}" for none.
  std::string custom_fields_json = "{}";
};

struct PoolFilter {  // empty: any
  std::string area_name;
  std::string team_id;
  std::string type;
  std::string channel;
  std::optional<absl::Time> created_after;
  std::optional<absl::Time> created_before;
};

struct WorkOrderPage {
  std::vector<WorkOrder> work_orders;
  std::string next_page_token;
};

class OrderStore {
 public:
  OrderStore(PgPool& pool, WorkflowStore& workflows, SlaSettingsStore& sla, OrderNumbers& numbers);

  // Starts the order in the initial state of its type's current workflow with the SLA
  // targets of its type and urgency, and publishes workorder.created. With an enabled `idempotency`
  // scope, a repeated request returns the order the first one created and publishes nothing
  // (services/common/idempotency.h).
  absl::StatusOr<WorkOrder> CreateWorkOrder(const std::string& tenant, const Actor& actor,
                                            const WorkOrderDraft& draft,
                                            const CustomerSnapshot& customer,
                                            const IdempotencyScope& idempotency);

  // With its timeline. NOT_FOUND when there is no such order in `tenant`.
  absl::StatusOr<WorkOrder> GetWorkOrder(const std::string& tenant, const std::string& id);

  // Newest first, without timelines.
  absl::StatusOr<WorkOrderPage> ListWorkOrders(const std::string& tenant,
                                               const WorkOrderFilter& filter, int page_size,
                                               const std::string& page_token);

  // Attachment ids of the change must be this tenant's (INVALID_ARGUMENT otherwise).
  absl::StatusOr<WorkOrder> ChangeWorkOrder(const std::string& tenant, const std::string& id,
                                            const DecideChange& decide);

  // Without its timeline, inside the caller's transaction.
  absl::StatusOr<WorkOrder> GetWorkOrderIn(pqxx::work& txn, const std::string& tenant,
                                           const std::string& id);
  // The workflow version the order follows.
  absl::StatusOr<Workflow> WorkflowOf(pqxx::work& txn, const std::string& tenant,
                                      const WorkOrder& order);

  // Applies an edit to an open order: the columns, the SLA targets of a new urgency (the
  // deadlines move with them), the timeline entry and workorder.updated. `address` is the
  // snapshot of the new address when the edit changes it. NOT_FOUND (field "id");
  // FAILED_PRECONDITION when the order is resolved, closed or cancelled.
  absl::StatusOr<WorkOrder> EditWorkOrder(const std::string& tenant, const std::string& id,
                                          const Actor& actor, const WorkOrderEdit& edit,
                                          const std::optional<CustomerSnapshot>& address);

  // Same inside a transaction the caller owns (event handlers).
  absl::StatusOr<WorkOrder> ChangeWorkOrderIn(pqxx::work& txn, const std::string& tenant,
                                              const std::string& id, const DecideChange& decide);

  // Open orders nobody has taken, most urgent deadline first, then the oldest.
  absl::StatusOr<WorkOrderPage> ListPool(const std::string& tenant, const PoolFilter& filter,
                                         int page_size, const std::string& page_token);

  // One pass of the SLA scheduler over up to `limit` orders whose next check is due:
  // sends the warnings, breaches and escalations that fell due. Each order is checked
  // alone (a savepoint): one that fails is rolled back, its next check postponed with a
  // growing delay and the error kept on the row (sla_check_failures, sla_check_error),
  // and the pass goes on with the others, of every tenant. Counts nothing when another
  // replica holds the scheduler lock.
  struct SlaPass {
    int looked_at = 0;  // handled and failed
    int failed = 0;
  };
  absl::StatusOr<SlaPass> RunSlaChecks(int limit);

 private:
  absl::StatusOr<WorkOrder> CreateNumbered(const std::string& tenant, const Actor& actor,
                                           const WorkOrderDraft& draft,
                                           const CustomerSnapshot& customer,
                                           const IdempotencyScope& idempotency, bool heal_counter);

  PgPool& pool_;
  WorkflowStore& workflows_;
  SlaSettingsStore& sla_;
  OrderNumbers& numbers_;
};

// INVALID_ARGUMENT naming `field` when an id is not an attachment of `tenant`.
absl::Status CheckAttachmentsExist(pqxx::work& txn, const std::string& tenant,
                                   const std::vector<std::string>& ids, const std::string& field);

}  // namespace qq::order
