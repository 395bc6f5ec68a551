// To-dos of people at work: escalations, follow-ups and other services' reminders (table
// todos), listed together with the open work orders assigned to the person, most urgent
// first.
#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/idempotency.h"

namespace qq {
class PgPool;
}

namespace qq::order {

using qingquan::order::v1::Todo;

struct NewTodo {
  std::string tenant;
  Todo::Kind kind;
  std::string order_id;
  std::string order_kind;  // "WORK_ORDER" or "DELIVERY"
  std::string number;
  std::string type;
  std::string title;
  std::string assignee_role;
  std::string assignee_id;
  std::string customer_name;
  std::string address_text;
  std::optional<absl::Time> due;
  // One to-do per key (e.g. "escalation:<order>:<level>"): a repeat is ignored.
  std::string dedupe_key;
};

// A to-do about a work order: its number, type, customer and address filled in, due at
// its response deadline; the caller sets who gets it and the dedupe key.
NewTodo WorkOrderTodo(const std::string& tenant, const qingquan::order::v1::WorkOrder& wo,
                      Todo::Kind kind, std::string title);

struct TodoPage {
  std::vector<Todo> todos;
  std::string next_page_token;
};

class TodoStore {
 public:
  explicit TodoStore(PgPool& pool);

  // Adds the to-do in the caller's transaction unless its dedupe key exists.
  static void InsertIn(pqxx::work& txn, const NewTodo& todo);
  // Marks the order's open to-dos of `kind` done (what they asked for has happened).
  static void CloseIn(pqxx::work& txn, const std::string& tenant, const std::string& order_id,
                      Todo::Kind kind, const std::string& by, const std::string& comment);

  // Marks every open to-do of the order done, whatever its kind (the order was cancelled
  // or closed: nothing about it is left to do).
  static void CloseAllIn(pqxx::work& txn, const std::string& tenant, const std::string& order_id,
                         const std::string& by, const std::string& comment);

  // Adds `todo` (kind, order_id, order_kind "WORK_ORDER" or "DELIVERY", title, assignee,
  // due and dedupe_key already checked) with the order's number, type, customer and address
  // copied from the order, and returns it. A dedupe key that exists returns that to-do
  // unchanged; a retried Idempotency-Key the first answer. NOT_FOUND (field "orderId") for
  // an order the tenant lacks; FAILED_PRECONDITION or ABORTED from the idempotency key.
  absl::StatusOr<Todo> Create(NewTodo todo, const IdempotencyScope& idempotency = {});

  // For `user_id` holding `roles`: open work orders assigned to the user, and open
  // to-dos for the user or (unassigned) one of the roles; due first, then oldest.
  absl::StatusOr<TodoPage> ListFor(const std::string& tenant, const std::string& user_id,
                                   const std::vector<std::string>& roles, int page_size,
                                   const std::string& page_token);

  // NOT_FOUND when the tenant has no such open to-do for the user or their roles.
  absl::StatusOr<Todo> Complete(const std::string& tenant, const std::string& id,
                                const std::string& user_id, const std::vector<std::string>& roles,
                                const std::string& comment);

 private:
  PgPool& pool_;
};

}  // namespace qq::order
