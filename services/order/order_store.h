// The only place with SQL for the order service: work orders, their timeline and
// numbers. Every change locks the row, lets the caller's domain decision run on the
// current state, writes the change, a timeline entry and (optionally) an outbox
// event in one transaction.
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/idempotency.h"
#include "services/common/migrations.h"
#include "services/common/outbox.h"
#include "services/order/domain/work_order_draft.h"
#include "services/order/domain/work_order_state_machine.h"

namespace qq {
class PgPool;
// Generated from services/order/migrations/*.sql (cmake/EmbedSql.cmake).
std::vector<Migration> order_migrations();
}  // namespace qq

namespace qq::order {

using qingquan::order::v1::WorkOrder;

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
  WorkOrderState to;
  std::string actor;
  std::string comment;
  std::optional<std::string> assignee_id;
  std::optional<std::string> result;
  std::optional<std::string> team_id;
  std::optional<std::string> team_name;
  std::optional<std::string> area_name;
  bool mark_resolved = false;
  // False: only the fields change, no state step (e.g. a team assigned after the
  // order already moved on). The timeline still records it.
  bool changes_state = true;
};

// Decides the change from the locked current order; an error aborts the transaction.
using DecideChange = std::function<absl::StatusOr<WorkOrderChange>(const WorkOrder& current)>;
// The event to publish for the order as it is after the change, if any. The contact
// phone is passed apart because the API never shows it.
using EventFor = std::function<std::optional<OutgoingEvent>(const WorkOrder& updated,
                                                            const std::string& contact_phone)>;

struct WorkOrderFilter {
  std::string customer_id;
  std::string state;  // empty: any
};

struct WorkOrderPage {
  std::vector<WorkOrder> work_orders;
  std::string next_page_token;
};

class OrderStore {
 public:
  explicit OrderStore(PgPool& pool);

  // With an enabled `idempotency` scope, a repeated request returns the order the first
  // one created and publishes nothing (see services/common/idempotency.h).
  absl::StatusOr<WorkOrder> CreateWorkOrder(const std::string& tenant, const std::string& actor,
                                            const WorkOrderDraft& draft,
                                            const CustomerSnapshot& customer,
                                            const IdempotencyScope& idempotency,
                                            const EventFor& event_for);

  // With its timeline. NOT_FOUND when there is no such order in `tenant`.
  absl::StatusOr<WorkOrder> GetWorkOrder(const std::string& tenant, const std::string& id);

  // Newest first, without timelines.
  absl::StatusOr<WorkOrderPage> ListWorkOrders(const std::string& tenant,
                                               const WorkOrderFilter& filter, int page_size,
                                               const std::string& page_token);

  absl::StatusOr<WorkOrder> ChangeWorkOrder(const std::string& tenant, const std::string& id,
                                            const DecideChange& decide, const EventFor& event_for);

  // Same inside a transaction the caller owns (event handlers).
  absl::StatusOr<WorkOrder> ChangeWorkOrderIn(pqxx::work& txn, const std::string& tenant,
                                              const std::string& id, const DecideChange& decide,
                                              const EventFor& event_for);

 private:
  PgPool& pool_;
};

}  // namespace qq::order
