#include "services/order/todo_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::order {
namespace {

using google::protobuf::util::TimeUtil;

// Page tokens are offsets into the (short) list of one person's to-dos.
constexpr int kMaxOffset = 10000;

#define QQ_TODO_COLUMNS                                                                      \
  "id, kind, order_id, order_kind, number, type, state, title, assignee_role, assignee_id, " \
  "(extract(epoch FROM due_at) * 1000000)::bigint, "                                         \
  "(extract(epoch FROM created_at) * 1000000)::bigint, customer_name, address_text"

#define QQ_TASK_COLUMNS                                                                       \
  "id::text AS id, kind, order_id::text AS order_id, order_kind, number, type, '' AS state, " \
  "title, assignee_role, assignee_id, due_at, created_at, customer_name, address_text"

// One row of todos as FromRow reads it (a to-do of the table has no state of its own).
#define QQ_TODO_ROW_COLUMNS                                                        \
  "id::text, kind, order_id::text, order_kind, number, type, '' AS state, title, " \
  "assignee_role, assignee_id, (extract(epoch FROM due_at) * 1000000)::bigint, "   \
  "(extract(epoch FROM created_at) * 1000000)::bigint, customer_name, address_text"

const NamedQuery kListTodos{
    "ListTodos",
    "WITH mine AS ("
    "  SELECT id::text AS id, 'WORK_ORDER' AS kind, id::text AS order_id, "
    "    'WORK_ORDER' AS order_kind, number, type, state, "
    "    left(CASE WHEN description = '' THEN number ELSE description END, 80) AS title, "
    "    '' AS assignee_role, assignee_id, resolve_due_at AS due_at, created_at, "
    "    customer_name, address_text "
    "  FROM work_orders WHERE tenant_id = $1 AND open AND assignee_id <> '' "
    "    AND assignee_id = $2 "
    "  ORDER BY coalesce(resolve_due_at, 'infinity'), created_at, id LIMIT $4), "
    // Mine and my roles' each from its own partial index (the predicates stated
    // literally), so a leader's long list of team to-dos never slows a worker's.
    "tasks AS ("
    "  (SELECT " QQ_TASK_COLUMNS
    " FROM todos WHERE tenant_id = $1 AND done_at IS NULL "
    "    AND assignee_id <> '' AND assignee_id = $2 "
    "  ORDER BY coalesce(due_at, 'infinity'), created_at LIMIT $4) "
    "  UNION ALL "
    "  (SELECT " QQ_TASK_COLUMNS
    " FROM todos WHERE tenant_id = $1 AND done_at IS NULL "
    "    AND assignee_id = '' AND assignee_role = ANY($3::text[]) "
    "  ORDER BY coalesce(due_at, 'infinity'), created_at LIMIT $4)) "
    "SELECT " QQ_TODO_COLUMNS
    " FROM (SELECT * FROM mine UNION ALL SELECT * FROM tasks) t "
    "ORDER BY coalesce(due_at, 'infinity'), created_at, id OFFSET $5 LIMIT $6"};

// The order a new to-do is about, as the to-do shows it.
const NamedQuery kWorkOrderForTodo{
    "WorkOrderForTodo",
    "SELECT number, type, customer_name, address_text FROM work_orders "
    "WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kDeliveryForTodo{
    "DeliveryForTodo",
    "SELECT number, 'DELIVERY', customer_name, address_text FROM delivery_orders "
    "WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kCreateTodo{
    "CreateTodo",
    "INSERT INTO todos (tenant_id, kind, order_id, order_kind, number, type, title, "
    "  assignee_role, assignee_id, customer_name, address_text, due_at, dedupe_key) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
    "  to_timestamp($12::float8 / 1000000), $13) "
    "ON CONFLICT (tenant_id, dedupe_key) DO NOTHING "
    "RETURNING " QQ_TODO_ROW_COLUMNS};
const NamedQuery kTodoByDedupeKey{"TodoByDedupeKey",
                                  "SELECT " QQ_TODO_ROW_COLUMNS
                                  " FROM todos WHERE tenant_id = $1 AND dedupe_key = $2"};
const NamedQuery kCompleteTodo{
    "CompleteTodo",
    "UPDATE todos SET done_at = now(), done_by = $3, done_comment = $5 "
    "WHERE tenant_id = $1 AND id = $2 AND done_at IS NULL "
    "  AND (assignee_id = $3 OR (assignee_id = '' AND assignee_role = ANY($4::text[]))) "
    "RETURNING " QQ_TODO_ROW_COLUMNS};

Todo FromRow(const pqxx::row& r, absl::Time now) {
  Todo t;
  t.set_id(r[0].as<std::string>());
  Todo::Kind kind = Todo::KIND_UNSPECIFIED;
  Todo::Kind_Parse(r[1].as<std::string>(), &kind);
  t.set_kind(kind);
  t.set_order_id(r[2].as<std::string>());
  t.set_order_kind(r[3].as<std::string>());
  t.set_number(r[4].as<std::string>());
  t.set_type(r[5].as<std::string>());
  t.set_state(r[6].as<std::string>());
  t.set_title(r[7].as<std::string>());
  t.set_assignee_role(r[8].as<std::string>());
  t.set_assignee_id(r[9].as<std::string>());
  if (!r[10].is_null()) {
    const long long due = r[10].as<long long>();
    *t.mutable_due_time() = TimeUtil::MicrosecondsToTimestamp(due);
    t.set_overdue(absl::FromUnixMicros(due) < now);
  }
  *t.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[11].as<long long>());
  t.set_customer_name(r[12].as<std::string>());
  t.set_address_text(r[13].as<std::string>());
  return t;
}

}  // namespace

TodoStore::TodoStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare({kListTodos, kCompleteTodo, kWorkOrderForTodo, kDeliveryForTodo, kCreateTodo,
                 kTodoByDedupeKey});
}

absl::StatusOr<Todo> TodoStore::Create(NewTodo todo, const IdempotencyScope& idempotency) {
  Todo created;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    Todo first;
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, first));
    if (replayed) {  // a retry: the first answer, nothing added twice
      created = std::move(first);
      return absl::OkStatus();
    }
    pqxx::result order = txn.exec_prepared(
        todo.order_kind == "DELIVERY" ? kDeliveryForTodo.name : kWorkOrderForTodo.name, todo.tenant,
        todo.order_id);
    if (order.empty()) return WithField(absl::NotFoundError("no such order"), "orderId");
    todo.number = order[0][0].as<std::string>();
    todo.type = order[0][1].as<std::string>();
    todo.customer_name = order[0][2].as<std::string>();
    todo.address_text = order[0][3].as<std::string>();
    NullableParam due = NullableNumber(
        todo.due ? std::optional<double>(absl::ToUnixMicros(*todo.due)) : std::nullopt);
    pqxx::result rows = txn.exec_prepared(
        kCreateTodo.name, todo.tenant, Todo::Kind_Name(todo.kind), todo.order_id, todo.order_kind,
        todo.number, todo.type, todo.title, todo.assignee_role, todo.assignee_id,
        todo.customer_name, todo.address_text, due.get(), todo.dedupe_key);
    if (rows.empty()) {  // the dedupe key was used: that to-do, as it is now
      rows = txn.exec_prepared(kTodoByDedupeKey.name, todo.tenant, todo.dedupe_key);
    }
    if (rows.empty()) return absl::InternalError("the to-do vanished while being added");
    created = FromRow(rows[0], absl::Now());
    RecordIdempotentResponse(txn, idempotency, created);
    return absl::OkStatus();
  }));
  return created;
}

void TodoStore::InsertIn(pqxx::work& txn, const NewTodo& todo) {
  NullableParam due = NullableNumber(todo.due ? std::optional<double>(absl::ToUnixMicros(*todo.due))
                                              : std::nullopt);
  txn.exec_params(
      "INSERT INTO todos (tenant_id, kind, order_id, order_kind, number, type, title, "
      "  assignee_role, assignee_id, customer_name, address_text, due_at, dedupe_key) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
      "  to_timestamp($12::float8 / 1000000), $13) "
      "ON CONFLICT (tenant_id, dedupe_key) DO NOTHING",
      todo.tenant, Todo::Kind_Name(todo.kind), todo.order_id, todo.order_kind, todo.number,
      todo.type, todo.title, todo.assignee_role, todo.assignee_id, todo.customer_name,
      todo.address_text, due.get(), todo.dedupe_key);
}

void TodoStore::CloseIn(pqxx::work& txn, const std::string& tenant, const std::string& order_id,
                        Todo::Kind kind, const std::string& by, const std::string& comment) {
  txn.exec_params(
      "UPDATE todos SET done_at = now(), done_by = $4, done_comment = $5 "
      "WHERE tenant_id = $1 AND order_id = $2::uuid AND kind = $3 AND done_at IS NULL",
      tenant, order_id, Todo::Kind_Name(kind), by, comment);
}

NewTodo WorkOrderTodo(const std::string& tenant, const qingquan::order::v1::WorkOrder& wo,
                      Todo::Kind kind, std::string title) {
  NewTodo todo{.tenant = tenant,
               .kind = kind,
               .order_id = wo.id(),
               .order_kind = "WORK_ORDER",
               .number = wo.number(),
               .type = qingquan::order::v1::WorkOrder::Type_Name(wo.type()),
               .title = std::move(title),
               .customer_name = wo.customer_name(),
               .address_text = wo.address_text()};
  if (wo.has_response_due_time()) {
    todo.due = absl::FromUnixSeconds(wo.response_due_time().seconds());
  }
  return todo;
}

void TodoStore::CloseAllIn(pqxx::work& txn, const std::string& tenant, const std::string& order_id,
                           const std::string& by, const std::string& comment) {
  txn.exec_params(
      "UPDATE todos SET done_at = now(), done_by = $3, done_comment = $4 "
      "WHERE tenant_id = $1 AND order_id = $2::uuid AND done_at IS NULL",
      tenant, order_id, by, comment);
}

absl::StatusOr<TodoPage> TodoStore::ListFor(const std::string& tenant, const std::string& user_id,
                                            const std::vector<std::string>& roles, int page_size,
                                            const std::string& page_token) {
  QQ_ASSIGN_OR_RETURN(int offset, DecodeOffsetToken(page_token, kMaxOffset));
  TodoPage page;
  const absl::Time now = absl::Now();
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    page = {};
    pqxx::result rows = txn.exec_prepared(kListTodos.name, tenant, user_id, PgTextArray(roles),
                                          offset + page_size + 1, offset, page_size + 1);
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      page.todos.push_back(FromRow(rows[i], now));
    }
    if (static_cast<int>(rows.size()) > page_size && offset + page_size <= kMaxOffset) {
      page.next_page_token = absl::StrCat(offset + page_size);
    }
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<Todo> TodoStore::Complete(const std::string& tenant, const std::string& id,
                                         const std::string& user_id,
                                         const std::vector<std::string>& roles,
                                         const std::string& comment) {
  Todo done;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows =
        txn.exec_prepared(kCompleteTodo.name, tenant, id, user_id, PgTextArray(roles), comment);
    if (rows.empty()) return WithField(absl::NotFoundError("no such open to-do"), "id");
    done = FromRow(rows[0], absl::Now());
    return absl::OkStatus();
  }));
  return done;
}

}  // namespace qq::order
