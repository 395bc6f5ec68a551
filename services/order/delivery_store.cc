#include "services/order/delivery_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/civil_text.h"
#include "services/common/forms/form_messages.h"
#include "services/common/outbox.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/order/customer_directory.h"
#include "services/order/order_numbers.h"
#include "services/order/sla_store.h"
#include "services/order/todo_store.h"
#include "services/order/work_order_events.h"
#include "services/order/workflow_store.h"

namespace qq::order {
namespace {

namespace v1 = qingquan::order::v1;
using google::protobuf::util::TimeUtil;

constexpr char kSep[] = "\x1f";

// chr(31) joins arrays so product names may hold commas.
#define QQ_DELIVERY_COLUMNS                                                                \
  "id, number, channel, state, workflow_version, customer_id, customer_name, address_id, " \
  "address_text, lat, lng, array_to_string(customer_tags, chr(31)), delivery_notes, "      \
  "array_to_string(item_products, chr(31)), array_to_string(item_quantities, chr(31)), "   \
  "payment, (extract(epoch FROM window_start) * 1000000)::bigint, "                        \
  "(extract(epoch FROM window_end) * 1000000)::bigint, notes, courier_id, ticket_status, " \
  "collect_cash, (extract(epoch FROM created_at) * 1000000)::bigint, "                     \
  "(extract(epoch FROM updated_at) * 1000000)::bigint, "                                   \
  "(extract(epoch FROM delivered_at) * 1000000)::bigint, custom_fields::text, "            \
  "standing_order_id, occurrence_date::text, customer_phone_masked, courier_name"
constexpr int kCreatedMicrosColumn = 22;

const NamedQuery kInsertDelivery{
    "InsertDeliveryOrder",
    "INSERT INTO delivery_orders (tenant_id, number, channel, state, workflow_version, "
    "  customer_id, customer_name, address_id, address_text, lat, lng, customer_tags, "
    "  delivery_notes, item_products, item_quantities, payment, window_start, window_end, notes, "
    "  ticket_status, custom_fields, standing_order_id, occurrence_date, customer_phone_masked, "
    "  contact_phone) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::float8, $11::float8, $12::text[], $13, "
    "  $14::text[], $15::int[], $16, to_timestamp($17::float8 / 1000000), "
    "  to_timestamp($18::float8 / 1000000), $19, $20, $21::jsonb, $22::uuid, $23::date, $24, $25) "
    "RETURNING " QQ_DELIVERY_COLUMNS};
const NamedQuery kSelectDelivery{"SelectDeliveryOrder",
                                 "SELECT " QQ_DELIVERY_COLUMNS
                                 " FROM delivery_orders WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kLockDelivery{"LockDeliveryOrder",
                               "SELECT " QQ_DELIVERY_COLUMNS
                               ", contact_phone"
                               " FROM delivery_orders WHERE tenant_id = $1 AND id = $2 FOR UPDATE"};
// After the delivery columns in kLockDelivery's rows.
constexpr int kContactPhoneColumn = 30;
const NamedQuery kListDeliveries{
    "ListDeliveryOrders",
    "SELECT " QQ_DELIVERY_COLUMNS
    " FROM delivery_orders WHERE tenant_id = $1 "
    "  AND ($2 = '' OR customer_id = $2::uuid) AND ($3 = '' OR state = $3) "
    "  AND ($4 = '' OR courier_id = $4) "
    "  AND ($8 = '' OR standing_order_id = $8::uuid) "
    "  AND ($9::jsonb = '{}'::jsonb OR custom_fields @> $9::jsonb) "
    "  AND ($10 = '' OR number = $10) "
    "  AND ($11::text IS NULL OR customer_id = ANY($11::uuid[])) "
    "  AND ($5::bigint = 0 OR (created_at, id) < (to_timestamp($5 / 1000000.0), $6::uuid)) "
    "ORDER BY created_at DESC, id DESC LIMIT $7"};
const NamedQuery kUpdateDelivery{
    "UpdateDeliveryOrder",
    "UPDATE delivery_orders SET state = $3, courier_id = $4, ticket_status = $5, "
    "  collect_cash = $6, courier_name = $8, updated_at = now(), "
    "  delivered_at = CASE WHEN $7::boolean THEN now() ELSE delivered_at END "
    "WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kEditDelivery{
    "EditDeliveryOrder",
    "UPDATE delivery_orders SET "
    "  item_products = CASE WHEN $3 THEN $4::text[] ELSE item_products END, "
    "  item_quantities = CASE WHEN $3 THEN $5::int[] ELSE item_quantities END, "
    "  window_start = CASE WHEN $6 THEN to_timestamp($7::float8 / 1000000) ELSE window_start END, "
    "  window_end = CASE WHEN $6 THEN to_timestamp($8::float8 / 1000000) ELSE window_end END, "
    "  notes = CASE WHEN $9 THEN $10 ELSE notes END, "
    "  address_id = CASE WHEN $11 THEN $12::uuid ELSE address_id END, "
    "  address_text = CASE WHEN $11 THEN $13 ELSE address_text END, "
    "  lat = CASE WHEN $11 THEN $14::float8 ELSE lat END, "
    "  lng = CASE WHEN $11 THEN $15::float8 ELSE lng END, "
    "  delivery_notes = CASE WHEN $11 THEN $16 ELSE delivery_notes END, updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kInsertDeliveryTimeline{
    "InsertDeliveryTimeline",
    "INSERT INTO delivery_order_timeline (tenant_id, order_id, actor, from_state, to_state, "
    "  transition, comment, attachment_ids, actor_name) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9) "
    "RETURNING (extract(epoch FROM at) * 1000000)::bigint"};
const NamedQuery kSelectDeliveryTimeline{
    "SelectDeliveryTimeline",
    "SELECT (extract(epoch FROM at) * 1000000)::bigint, actor, from_state, to_state, comment, "
    "  transition, array_to_string(attachment_ids, ','), actor_name "
    "FROM delivery_order_timeline WHERE tenant_id = $1 AND order_id = $2 ORDER BY id"};
const NamedQuery kInsertTicketStep{
    "InsertTicketStep",
    "INSERT INTO ticket_saga_steps (tenant_id, order_id, action) VALUES ($1, $2, $3)"};
// The oldest due step whose order has no earlier unfinished step (a refund never runs
// before the deduction it undoes).
const NamedQuery kClaimTicketStep{
    "ClaimTicketStep",
    "SELECT s.id, s.tenant_id, s.order_id, s.action, s.attempts FROM ticket_saga_steps s "
    "WHERE NOT s.done AND s.next_attempt_at <= now() "
    "  AND NOT EXISTS (SELECT 1 FROM ticket_saga_steps p "
    "                  WHERE p.order_id = s.order_id AND NOT p.done AND p.id < s.id) "
    "ORDER BY s.next_attempt_at, s.id LIMIT 1 FOR UPDATE OF s SKIP LOCKED"};
const NamedQuery kFinishTicketStep{
    "FinishTicketStep",
    "UPDATE ticket_saga_steps SET done = true, done_at = now(), attempts = attempts + 1 "
    "WHERE id = $1"};
const NamedQuery kPostponeTicketStep{
    "PostponeTicketStep",
    "UPDATE ticket_saga_steps SET attempts = attempts + 1, last_error = $2, "
    "  next_attempt_at = now() + least(interval '300 seconds', "
    "                                  interval '1 second' * power(2, least(attempts, 9))) "
    "WHERE id = $1"};

std::vector<std::string> SplitJoined(const std::string& joined, absl::string_view sep) {
  if (joined.empty()) return {};
  return absl::StrSplit(joined, sep);
}

google::protobuf::Timestamp FromMicros(const pqxx::field& f) {
  return TimeUtil::MicrosecondsToTimestamp(f.as<long long>());
}

void FillDelivery(const pqxx::row& row, DeliveryOrder& o) {
  o.set_id(row[0].as<std::string>());
  o.set_number(row[1].as<std::string>());
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  v1::Channel_Parse(row[2].as<std::string>(), &channel);
  o.set_channel(channel);
  o.set_state(row[3].as<std::string>());
  o.set_workflow_version(row[4].as<int>());
  o.set_customer_id(row[5].as<std::string>());
  o.set_customer_name(row[6].as<std::string>());
  if (!row[7].is_null()) o.set_address_id(row[7].as<std::string>());
  o.set_address_text(row[8].as<std::string>());
  if (!row[9].is_null() && !row[10].is_null()) {
    o.mutable_location()->set_lat(row[9].as<double>());
    o.mutable_location()->set_lng(row[10].as<double>());
  }
  for (auto& tag : SplitJoined(row[11].as<std::string>(), kSep)) {
    o.add_customer_tags(std::move(tag));
  }
  o.set_delivery_notes(row[12].as<std::string>());
  std::vector<std::string> products = SplitJoined(row[13].as<std::string>(), kSep);
  std::vector<std::string> quantities = SplitJoined(row[14].as<std::string>(), kSep);
  for (size_t i = 0; i < products.size() && i < quantities.size(); ++i) {
    auto* item = o.add_items();
    item->set_product(products[i]);
    int quantity = 0;
    if (absl::SimpleAtoi(quantities[i], &quantity)) item->set_quantity(quantity);
  }
  DeliveryOrder::Payment payment = DeliveryOrder::PAYMENT_UNSPECIFIED;
  DeliveryOrder::Payment_Parse(row[15].as<std::string>(), &payment);
  o.set_payment(payment);
  if (!row[16].is_null()) *o.mutable_window()->mutable_start_time() = FromMicros(row[16]);
  if (!row[17].is_null()) *o.mutable_window()->mutable_end_time() = FromMicros(row[17]);
  o.set_notes(row[18].as<std::string>());
  o.set_courier_id(row[19].as<std::string>());
  DeliveryOrder::TicketStatus ticket = DeliveryOrder::TICKET_STATUS_UNSPECIFIED;
  DeliveryOrder::TicketStatus_Parse(row[20].as<std::string>(), &ticket);
  o.set_ticket_status(ticket);
  o.set_collect_cash(row[21].as<bool>());
  *o.mutable_create_time() = FromMicros(row[22]);
  *o.mutable_update_time() = FromMicros(row[23]);
  if (!row[24].is_null()) *o.mutable_deliver_time() = FromMicros(row[24]);
  forms::JsonToStruct(row[25].as<std::string>(), o.mutable_custom_fields());
  if (!row[26].is_null()) o.set_standing_order_id(row[26].as<std::string>());
  if (!row[27].is_null()) o.set_occurrence_date(row[27].as<std::string>());
  o.set_customer_phone_masked(row[28].as<std::string>());
  o.set_courier_name(row[29].as<std::string>());
}

void LoadDeliveryTimeline(pqxx::work& txn, const std::string& tenant, DeliveryOrder& o) {
  o.clear_timeline();
  for (const auto& r : txn.exec_prepared(kSelectDeliveryTimeline.name, tenant, o.id())) {
    auto* entry = o.add_timeline();
    *entry->mutable_time() = FromMicros(r[0]);
    entry->set_actor(r[1].as<std::string>());
    entry->set_actor_name(ShownActorName(entry->actor(), r[7].as<std::string>()));
    entry->set_from_state(r[2].as<std::string>());
    entry->set_to_state(r[3].as<std::string>());
    entry->set_comment(r[4].as<std::string>());
    entry->set_transition(r[5].as<std::string>());
    for (auto& id : SplitJoined(r[6].as<std::string>(), ",")) {
      entry->add_attachment_ids(std::move(id));
    }
  }
}

// Reads the order (with timeline) as it is now in `txn`.
DeliveryOrder Reload(pqxx::work& txn, const std::string& tenant, const std::string& id) {
  DeliveryOrder o;
  FillDelivery(txn.exec_prepared(kSelectDelivery.name, tenant, id)[0], o);
  LoadDeliveryTimeline(txn, tenant, o);
  return o;
}

OutgoingEvent DeliveryEvent(
    const std::string& tenant, const std::string& type, const DeliveryOrder& o,
    const std::string& transition, const std::string& from, const std::string& actor,
    qingquan::common::v1::StepKind step_kind = qingquan::common::v1::STEP_KIND_UNSPECIFIED,
    const std::string& contact_phone = "") {
  qingquan::common::v1::DeliveryOrderChanged e;
  e.set_step_kind(step_kind);
  e.set_contact_phone(contact_phone);
  e.set_courier_name(o.courier_name());
  e.set_order_id(o.id());
  e.set_number(o.number());
  e.set_transition(transition);
  e.set_from_state(from);
  e.set_to_state(o.state());
  e.set_actor(actor);
  *e.mutable_time() = o.update_time();
  e.set_customer_id(o.customer_id());
  e.set_address_text(o.address_text());
  if (o.has_location()) *e.mutable_location() = o.location();
  for (const auto& item : o.items()) {
    auto* out = e.add_items();
    out->set_product(item.product());
    out->set_quantity(item.quantity());
  }
  e.set_payment(DeliveryOrder::Payment_Name(o.payment()));
  if (o.window().has_start_time()) *e.mutable_window_start() = o.window().start_time();
  if (o.window().has_end_time()) *e.mutable_window_end() = o.window().end_time();
  for (const auto& tag : o.customer_tags()) e.add_customer_tags(tag);
  e.set_courier_id(o.courier_id());
  e.set_channel(v1::Channel_Name(o.channel()));
  e.set_ticket_status(DeliveryOrder::TicketStatus_Name(o.ticket_status()));
  e.set_collect_cash(o.collect_cash());
  *e.mutable_create_time() = o.create_time();
  e.set_customer_name(o.customer_name());
  e.set_customer_phone_masked(o.customer_phone_masked());
  e.set_delivery_notes(o.delivery_notes());
  e.set_notes(o.notes());
  return OutgoingEvent{EventStreamName("order"), tenant, type, o.id(), e.SerializeAsString()};
}

// The items as the two parallel text[] literals the table keeps (products, quantities).
std::pair<std::string, std::string> ItemColumns(const std::vector<DeliveryLine>& items) {
  std::vector<std::string> products, quantities;
  for (const auto& line : items) {
    products.push_back(line.product);
    quantities.push_back(std::to_string(line.quantity));
  }
  return {PgTextArray(products), PgTextArray(quantities)};
}

std::string TicketStatusName(DeliveryOrder::TicketStatus status) {
  return DeliveryOrder::TicketStatus_Name(status);
}

// The ticket status after a change, and the saga step it needs ("" for none).
std::pair<DeliveryOrder::TicketStatus, std::string> TicketEffect(const DeliveryOrder& current,
                                                                 const DeliveryChange& change) {
  const auto status = current.ticket_status();
  if (current.payment() != DeliveryOrder::TICKETS) return {status, ""};
  if (change.mark_delivered && status == DeliveryOrder::PENDING) {
    return {DeliveryOrder::DEDUCTING, "deduct"};
  }
  if (change.cancels && (status == DeliveryOrder::DEDUCTING || status == DeliveryOrder::DEDUCTED)) {
    return {DeliveryOrder::REFUNDING, "refund"};
  }
  return {status, ""};
}

}  // namespace

std::string MaskPhone(const std::string& phone) {
  if (phone.size() < 7) return std::string(phone.size(), '*');
  return phone.substr(0, 3) + "****" + phone.substr(phone.size() - 4);
}

std::optional<PreferredWindow> PreferredWindowOfCustomer(
    const qingquan::customer::v1::Customer& customer) {
  const auto& p = customer.delivery_preferences();
  return PreferredWindowOf(p.window_start_local(), p.window_end_local(),
                           {p.weekdays().begin(), p.weekdays().end()});
}

absl::StatusOr<DeliveryCustomer> CourierView(const qingquan::customer::v1::Customer& c,
                                             const std::string& address_id) {
  DeliveryCustomer out;
  out.name = c.name();
  if (c.phones_size() > 0) {
    out.phone_masked = MaskPhone(c.phones(0));
    out.phone = c.phones(0);
  }
  out.tags.assign(c.tags().begin(), c.tags().end());
  // The standing wishes in words travel with every stop too (下午3点后送, 需带小推车).
  for (const auto& tag : c.preference_tags()) {
    if (std::find(out.tags.begin(), out.tags.end(), tag) == out.tags.end()) out.tags.push_back(tag);
  }
  QQ_ASSIGN_OR_RETURN(const qingquan::customer::v1::Address* chosen, ChooseAddress(c, address_id));
  if (chosen == nullptr) {
    return InvalidField("addressId", "the customer has no address to deliver to; add one first");
  }
  out.address_id = chosen->id();
  out.address_text = chosen->text();
  out.delivery_notes = chosen->delivery_notes();
  if (chosen->has_location()) {
    out.lat = chosen->location().lat();
    out.lng = chosen->location().lng();
  }
  return out;
}

DeliveryStore::DeliveryStore(PgPool& pool, WorkflowStore& workflows, SlaSettingsStore& settings,
                             OrderNumbers& numbers)
    : pool_(pool), workflows_(workflows), settings_(settings), numbers_(numbers) {
  pool_.Prepare({kInsertDelivery, kSelectDelivery, kLockDelivery, kListDeliveries, kUpdateDelivery,
                 kEditDelivery, kInsertDeliveryTimeline, kSelectDeliveryTimeline, kInsertTicketStep,
                 kClaimTicketStep, kFinishTicketStep, kPostponeTicketStep});
}

absl::StatusOr<DeliveryOrder> DeliveryStore::Create(const std::string& tenant, const Actor& actor,
                                                    const DeliveryOrderDraft& draft,
                                                    const DeliveryCustomer& customer,
                                                    const IdempotencyScope& idempotency,
                                                    const AlsoInCreate& also) {
  // A number handed out twice (after a crash) fails the unique index: heal and retry once.
  auto created = CreateNumbered(tenant, actor, draft, customer, idempotency, also, false);
  if (created.status().code() == absl::StatusCode::kAlreadyExists) {
    created = CreateNumbered(tenant, actor, draft, customer, idempotency, also, true);
  }
  return created;
}

absl::StatusOr<DeliveryOrder> DeliveryStore::CreateNumbered(
    const std::string& tenant, const Actor& actor, const DeliveryOrderDraft& draft,
    const DeliveryCustomer& customer, const IdempotencyScope& idempotency, const AlsoInCreate& also,
    bool heal_counter) {
  QQ_ASSIGN_OR_RETURN(std::string number_text,
                      numbers_.Next(OrderSeries::kDeliveryOrder, tenant, heal_counter));
  DeliveryOrder created;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    created.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, created));
    if (replayed) return absl::OkStatus();
    QQ_ASSIGN_OR_RETURN(Workflow workflow, workflows_.Current(txn, tenant, kDeliveryKind));
    const auto [products, quantities] = ItemColumns(draft.items);
    auto micros = [](const std::optional<absl::Time>& t) {
      return t ? std::optional<double>(absl::ToUnixMicros(*t)) : std::nullopt;
    };
    NullableParam address_id = NullIfEmpty(customer.address_id);
    NullableParam lat = NullableNumber(customer.lat), lng = NullableNumber(customer.lng);
    NullableParam window_start = NullableNumber(micros(draft.window_start));
    NullableParam window_end = NullableNumber(micros(draft.window_end));
    const auto ticket_status = draft.payment == DeliveryOrder::TICKETS
                                   ? DeliveryOrder::PENDING
                                   : DeliveryOrder::NOT_APPLICABLE;
    NullableParam standing_order_id = NullIfEmpty(draft.standing_order_id);
    NullableParam occurrence_date = NullIfEmpty(draft.occurrence_date);
    pqxx::row row = txn.exec_prepared(
        kInsertDelivery.name, tenant, number_text, v1::Channel_Name(draft.channel),
        workflow.initial_state(), workflow.version(), draft.customer_id, customer.name,
        address_id.get(), customer.address_text, lat.get(), lng.get(), PgTextArray(customer.tags),
        customer.delivery_notes, products, quantities, DeliveryOrder::Payment_Name(draft.payment),
        window_start.get(), window_end.get(), draft.notes, TicketStatusName(ticket_status),
        forms::StructToJson(draft.custom_fields), standing_order_id.get(), occurrence_date.get(),
        customer.phone_masked, customer.phone)[0];
    FillDelivery(row, created);
    pqxx::row entry =
        txn.exec_prepared(kInsertDeliveryTimeline.name, tenant, created.id(), actor.id, "",
                          workflow.initial_state(), "", "", "{}", actor.name)[0];
    auto* first = created.add_timeline();
    *first->mutable_time() = FromMicros(entry[0]);
    first->set_actor(actor.id);
    first->set_actor_name(ShownActorName(actor.id, actor.name));
    first->set_to_state(workflow.initial_state());
    if (also) QQ_RETURN_IF_ERROR(also(txn, created));
    AppendToOutbox(txn, DeliveryEvent(tenant, "order.created", created, "", "", actor.id));
    RecordIdempotentResponse(txn, idempotency, created);
    return absl::OkStatus();
  }));
  return created;
}

absl::StatusOr<DeliveryOrder> DeliveryStore::Get(const std::string& tenant, const std::string& id) {
  DeliveryOrder order;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kSelectDelivery.name, tenant, id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such delivery order"), "id");
    order.Clear();
    FillDelivery(rows[0], order);
    LoadDeliveryTimeline(txn, tenant, order);
    return absl::OkStatus();
  }));
  return order;
}

absl::StatusOr<DeliveryPage> DeliveryStore::List(const std::string& tenant,
                                                 const DeliveryFilter& filter, int page_size,
                                                 const std::string& page_token) {
  QQ_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(page_token));
  DeliveryPage page;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    page = {};
    NullableParam customer_ids;
    if (filter.customer_ids) customer_ids = NullableParam{PgTextArray(*filter.customer_ids)};
    pqxx::result rows = txn.exec_prepared(
        kListDeliveries.name, tenant, filter.customer_id, filter.state, filter.courier_id,
        cursor.after_micros, cursor.after_id, page_size + 1, filter.standing_order_id,
        filter.custom_fields_json, filter.number, customer_ids.get());
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      DeliveryOrder o;
      FillDelivery(rows[i], o);
      page.orders.push_back(std::move(o));
    }
    page.next_page_token = NextPageTokenOf(rows, page_size, kCreatedMicrosColumn);
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<DeliveryOrder> DeliveryStore::Change(const std::string& tenant,
                                                    const std::string& id,
                                                    const DecideDeliveryChange& decide) {
  DeliveryOrder updated;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    QQ_ASSIGN_OR_RETURN(updated, ChangeIn(txn, tenant, id, decide));
    return absl::OkStatus();
  }));
  return updated;
}

absl::StatusOr<DeliveryOrder> DeliveryStore::ChangeIn(pqxx::work& txn, const std::string& tenant,
                                                      const std::string& id,
                                                      const DecideDeliveryChange& decide) {
  DeliveryOrder updated;
  {
    pqxx::result rows = txn.exec_prepared(kLockDelivery.name, tenant, id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such delivery order"), "id");
    DeliveryOrder current;
    FillDelivery(rows[0], current);
    const std::string contact_phone = rows[0][kContactPhoneColumn].as<std::string>();
    QQ_ASSIGN_OR_RETURN(Workflow workflow, workflows_.AtVersion(txn, tenant, kDeliveryKind,
                                                                current.workflow_version()));
    QQ_ASSIGN_OR_RETURN(DeliveryChange change, decide(current, workflow));
    QQ_RETURN_IF_ERROR(CheckAttachmentsExist(txn, tenant, change.attachment_ids, "attachmentIds"));
    auto [ticket_status, step] = TicketEffect(current, change);
    // "Collect cash" tells the courier to act: a cancelled or revoked order asks nothing.
    const bool collect_cash = current.collect_cash() && !change.cancels;
    txn.exec_prepared(kUpdateDelivery.name, tenant, id, change.to,
                      change.courier_id.value_or(current.courier_id()),
                      TicketStatusName(ticket_status), collect_cash, change.mark_delivered,
                      change.courier_id ? change.courier_name : current.courier_name());
    txn.exec_prepared(kInsertDeliveryTimeline.name, tenant, id, change.actor, current.state(),
                      change.to, change.transition, change.comment,
                      PgTextArray(change.attachment_ids), change.actor_name);
    if (!step.empty()) txn.exec_prepared(kInsertTicketStep.name, tenant, id, step);
    if (change.cancels) TodoStore::CloseAllIn(txn, tenant, id, change.actor, "订单已取消");
    updated = Reload(txn, tenant, id);
    if (!change.event_type.empty()) {
      AppendToOutbox(
          txn, DeliveryEvent(tenant, change.event_type, updated, change.transition, current.state(),
                             change.actor, change.step_kind, contact_phone));
    }
    if (change.mark_delivered) {
      AppendToOutbox(
          txn, SurveyOfferedEvent(tenant, id, "DELIVERY", updated.number(), updated.customer_id(),
                                  updated.customer_name(), contact_phone));
      QQ_ASSIGN_OR_RETURN(SlaSettings settings, settings_.Get(txn, tenant));
      if (settings.follow_up_after_resolve()) {
        std::string items;
        for (const auto& item : updated.items()) {
          absl::StrAppend(&items, items.empty() ? "" : ", ", item.product(), "x", item.quantity());
        }
        TodoStore::InsertIn(txn,
                            NewTodo{.tenant = tenant,
                                    .kind = qingquan::order::v1::Todo::FOLLOW_UP,
                                    .order_id = id,
                                    .order_kind = "DELIVERY",
                                    .number = updated.number(),
                                    .type = "DELIVERY",
                                    .title = absl::StrCat("回访: ", updated.number(), " ", items),
                                    .assignee_role = std::string(roles::kAgent),
                                    .customer_name = updated.customer_name(),
                                    .address_text = updated.address_text(),
                                    .dedupe_key = absl::StrCat("follow-up:", id)});
      }
    }
  }
  return updated;
}

absl::StatusOr<DeliveryOrder> DeliveryStore::Edit(const std::string& tenant, const std::string& id,
                                                  const Actor& actor,
                                                  const DeliveryOrderDraft& edited,
                                                  const std::vector<std::string>& paths,
                                                  const std::optional<DeliveryCustomer>& address) {
  auto masked = [&](const char* path) {
    return std::find(paths.begin(), paths.end(), path) != paths.end();
  };
  DeliveryOrder updated;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kLockDelivery.name, tenant, id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such delivery order"), "id");
    DeliveryOrder current;
    FillDelivery(rows[0], current);
    QQ_ASSIGN_OR_RETURN(Workflow workflow, workflows_.AtVersion(txn, tenant, kDeliveryKind,
                                                                current.workflow_version()));
    if (!IsBeforeSetOut(workflow, current.state()) || current.has_deliver_time()) {
      return WithField(absl::FailedPreconditionError(
                           absl::StrCat("the order is ", current.state(),
                                        ": it can only be changed before the courier sets out")),
                       "id");
    }
    const bool address_changes = address && address->address_id != current.address_id();
    const std::string comment = DescribeDeliveryEdit(
        current, edited, address_changes ? address->address_text : "", BeijingTime());
    if (!comment.empty()) {
      const auto [products, quantities] = ItemColumns(edited.items);
      auto micros = [](const std::optional<absl::Time>& t) {
        return NullableNumber(t ? std::optional<double>(absl::ToUnixMicros(*t)) : std::nullopt);
      };
      NullableParam start = micros(edited.window_start), end = micros(edited.window_end);
      NullableParam address_id = NullIfEmpty(address_changes ? address->address_id : "");
      NullableParam lat = NullableNumber(address_changes ? address->lat : std::nullopt);
      NullableParam lng = NullableNumber(address_changes ? address->lng : std::nullopt);
      txn.exec_prepared(kEditDelivery.name, tenant, id, masked("items"), products, quantities,
                        masked("window"), start.get(), end.get(), masked("notes"), edited.notes,
                        address_changes, address_id.get(),
                        address_changes ? address->address_text : "", lat.get(), lng.get(),
                        address_changes ? address->delivery_notes : "");
      txn.exec_prepared(kInsertDeliveryTimeline.name, tenant, id, actor.id, current.state(),
                        current.state(), "", comment, "{}", actor.name);
    }
    updated = Reload(txn, tenant, id);
    if (!comment.empty()) {
      AppendToOutbox(
          txn, DeliveryEvent(tenant, "order.updated", updated, "", current.state(), actor.id));
    }
    return absl::OkStatus();
  }));
  return updated;
}

absl::StatusOr<int> DeliveryStore::RunDueTicketSteps(
    int limit, const std::function<absl::StatusOr<TicketStepOutcome>(const TicketStep&)>& work) {
  int ran = 0;
  for (; ran < limit; ++ran) {
    bool claimed = false;
    QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
      claimed = false;
      pqxx::result rows = txn.exec_prepared(kClaimTicketStep.name);
      if (rows.empty()) return absl::OkStatus();
      claimed = true;
      TicketStep step;
      step.id = rows[0][0].as<long long>();
      step.tenant = rows[0][1].as<std::string>();
      step.order_id = rows[0][2].as<std::string>();
      step.action = rows[0][3].as<std::string>();
      step.attempts = rows[0][4].as<int>();
      pqxx::result order_rows = txn.exec_prepared(kLockDelivery.name, step.tenant, step.order_id);
      FillDelivery(order_rows[0], step.order);
      absl::StatusOr<TicketStepOutcome> outcome = work(step);
      if (!outcome.ok()) {
        txn.exec_prepared(kPostponeTicketStep.name, step.id,
                          text::TruncateChars(outcome.status().message(), 500));
        return absl::OkStatus();
      }
      txn.exec_prepared(kFinishTicketStep.name, step.id);
      const DeliveryOrder& o = step.order;
      auto status = o.ticket_status();
      bool collect_cash = o.collect_cash();
      std::string comment;
      std::string event;
      if (step.action == "deduct") {
        if (*outcome == TicketStepOutcome::kTicketsShort) {
          // A cancel that came in meanwhile keeps REFUNDING; its refund step finishes it.
          if (status == DeliveryOrder::DEDUCTING) {
            status = DeliveryOrder::INSUFFICIENT;
            collect_cash = true;
          }
          comment = "水票不足: 本单改收现金";
          event = "order.tickets_short";
        } else {
          if (status == DeliveryOrder::DEDUCTING) status = DeliveryOrder::DEDUCTED;
          comment = "水票已扣";
        }
      } else {
        status = DeliveryOrder::REFUNDED;
        collect_cash = false;
        comment = "水票已退";
      }
      txn.exec_prepared(kUpdateDelivery.name, step.tenant, step.order_id, o.state(), o.courier_id(),
                        TicketStatusName(status), collect_cash, false, o.courier_name());
      txn.exec_prepared(kInsertDeliveryTimeline.name, step.tenant, step.order_id, "system:order",
                        o.state(), o.state(), "", comment, "{}", "");
      if (!event.empty()) {
        DeliveryOrder now = Reload(txn, step.tenant, step.order_id);
        AppendToOutbox(txn, DeliveryEvent(step.tenant, event, now, "", o.state(), "system:order"));
      }
      return absl::OkStatus();
    }));
    if (!claimed) break;
  }
  return ran;
}

}  // namespace qq::order
