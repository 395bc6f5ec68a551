// SQL for delivery orders (送水订单), their timeline and the ticket saga's steps. Every
// change locks the order, lets the caller's decision run on the current state and the
// order's workflow version, and writes the change, its timeline entry, its saga step and
// its outbox event in one transaction.
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/idempotency.h"
#include "services/order/domain/delivery_order_draft.h"
#include "services/order/domain/workflow.h"
#include "services/order/order_store.h"

namespace qq {
class PgPool;
}

namespace qq::order {

class OrderNumbers;
class SlaSettingsStore;
class WorkflowStore;
using qingquan::order::v1::DeliveryOrder;

// What the courier needs of the customer, copied at creation.
struct DeliveryCustomer {
  std::string name;
  std::string address_id;
  std::string address_text;
  std::optional<double> lat;
  std::optional<double> lng;
  std::vector<std::string> tags;
  std::string delivery_notes;
  std::string phone_masked;  // e.g. 139****5678
  std::string phone;         // in full, for messages to the customer
};

// A phone as people who only need to recognise it see it: 139****5678, 021****4567.
std::string MaskPhone(const std::string& phone);

// The customer's delivery preferences as a window rule (nullopt: none about time or day).
std::optional<PreferredWindow> PreferredWindowOfCustomer(
    const qingquan::customer::v1::Customer& customer);

// The customer as the courier needs them, at the chosen address (the first unless
// `address_id` picks another). INVALID_ARGUMENT (field "addressId") when the customer has
// no address; NOT_FOUND for an address id they lack.
absl::StatusOr<DeliveryCustomer> CourierView(const qingquan::customer::v1::Customer& customer,
                                             const std::string& address_id);

struct DeliveryChange {
  std::string to;
  std::string transition;
  std::string actor;
  std::string actor_name;  // as people know them; "" for the system (labelled when shown)
  std::string comment;
  std::vector<std::string> attachment_ids;
  std::optional<std::string> courier_id;
  // The new courier's name, with courier_id ("" when unknown or nobody).
  std::string courier_name;
  bool mark_delivered = false;
  bool cancels = false;
  std::string event_type;  // empty: none
  // What the step means (events carry it for notification and analytics).
  qingquan::common::v1::StepKind step_kind = qingquan::common::v1::STEP_KIND_UNSPECIFIED;
};

using DecideDeliveryChange = std::function<absl::StatusOr<DeliveryChange>(
    const DeliveryOrder& current, const Workflow& workflow)>;

struct DeliveryFilter {  // empty: any
  std::string customer_id;
  std::string number;
  // Orders of these customers only (a phone's customers); nullopt: any customer.
  std::optional<std::vector<std::string>> customer_ids;
  std::string state;
  std::string courier_id;
  std::string standing_order_id;
  // Custom field filters as one JSON object for containment; "{}" for none.
  std::string custom_fields_json = "{}";
};

// More work for the transaction that creates an order, run after the insert; an error
// rolls the whole creation back.
using AlsoInCreate = std::function<absl::Status(pqxx::work& txn, const DeliveryOrder& created)>;

struct DeliveryPage {
  std::vector<DeliveryOrder> orders;
  std::string next_page_token;
};

// A saga step due for the worker, with what it needs to call the ledger.
struct TicketStep {
  long long id = 0;
  std::string tenant;
  std::string order_id;
  std::string action;  // "deduct" or "refund"
  int attempts = 0;
  DeliveryOrder order;
};

// How a step ended: kDone, or kTicketsShort (a deduction found too few tickets; the
// order is flagged for cash), or a transient failure to retry later.
enum class TicketStepOutcome { kDone, kTicketsShort };

class DeliveryStore {
 public:
  DeliveryStore(PgPool& pool, WorkflowStore& workflows, SlaSettingsStore& settings,
                OrderNumbers& numbers);

  // Starts the order in the delivery workflow's initial state; publishes order.created.
  // An occurrence of a standing order that already has its order: ALREADY_EXISTS.
  absl::StatusOr<DeliveryOrder> Create(const std::string& tenant, const Actor& actor,
                                       const DeliveryOrderDraft& draft,
                                       const DeliveryCustomer& customer,
                                       const IdempotencyScope& idempotency,
                                       const AlsoInCreate& also = nullptr);

  // With its timeline; NOT_FOUND when the tenant has no such order.
  absl::StatusOr<DeliveryOrder> Get(const std::string& tenant, const std::string& id);

  // Newest first, without timelines.
  absl::StatusOr<DeliveryPage> List(const std::string& tenant, const DeliveryFilter& filter,
                                    int page_size, const std::string& page_token);

  // A delivering change of an order paid by tickets queues a deduction; a cancelling
  // change after a deduction (or during one) queues a refund. A delivered order offers
  // the customer a survey and, where the tenant wants one, a follow-up to-do.
  absl::StatusOr<DeliveryOrder> Change(const std::string& tenant, const std::string& id,
                                       const DecideDeliveryChange& decide);
  // Applies an edit to an order not yet on its way (its workflow's initial state, or where
  // "assign" leads): the masked columns from `edited` (checked as a new order would be),
  // the address from `address` when it changes; a timeline entry and order.updated.
  // NOT_FOUND (field "id"); FAILED_PRECONDITION once the courier has started.
  absl::StatusOr<DeliveryOrder> Edit(const std::string& tenant, const std::string& id,
                                     const Actor& actor, const DeliveryOrderDraft& edited,
                                     const std::vector<std::string>& paths,
                                     const std::optional<DeliveryCustomer>& address);

  // Same inside a transaction the caller owns (event handlers).
  absl::StatusOr<DeliveryOrder> ChangeIn(pqxx::work& txn, const std::string& tenant,
                                         const std::string& id, const DecideDeliveryChange& decide);

  // Runs `work` for each due step (oldest first, at most `limit`), one transaction per
  // step holding the step's row lock, so two workers never run the same step. `work`
  // returns the outcome, or an error to retry the step later with backoff.
  absl::StatusOr<int> RunDueTicketSteps(
      int limit, const std::function<absl::StatusOr<TicketStepOutcome>(const TicketStep&)>& work);

 private:
  absl::StatusOr<DeliveryOrder> CreateNumbered(const std::string& tenant, const Actor& actor,
                                               const DeliveryOrderDraft& draft,
                                               const DeliveryCustomer& customer,
                                               const IdempotencyScope& idempotency,
                                               const AlsoInCreate& also, bool heal_counter);

  PgPool& pool_;
  WorkflowStore& workflows_;
  SlaSettingsStore& settings_;
  OrderNumbers& numbers_;
};

}  // namespace qq::order
