// The delivery order list: filters (state, courier, number, phone), server paging, the
// ticket saga's outcome per order, and change / cancel.
import { PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App as AntApp,
  Button,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { useEffect, useState, type HTMLAttributes } from "react";
import { useSearchParams } from "react-router-dom";
import { api, client } from "../../api/client";
import { getSession } from "../../auth/session";
import { useT } from "../../i18n/messages";
import { formatTime } from "../../components/time";
import { PagerBar, useCursorPager, type Page } from "../../components/QueryPager";
import { messages, type T } from "./messages";
import { OrderDrawer, type OrderTarget } from "./OrderDrawer";
import {
  cancellingTransition,
  editable,
  itemsText,
  stateLabel,
  type DeliveryOrder,
  type TicketStatus,
  type Transition,
  type Workflow,
} from "./shared";

interface Query {
  state?: string;
  courierId?: string;
  number?: string;
  phone?: string;
}

async function loadOrders(
  q: Query,
  pageToken: string,
  pageSize: number,
): Promise<Page<DeliveryOrder>> {
  const res = await api(() =>
    client.GET("/v1/delivery-orders", {
      params: {
        query: {
          pageSize,
          pageToken: pageToken || undefined,
          state: q.state || undefined,
          courierId: q.courierId || undefined,
          number: q.number?.trim() || undefined,
          phone: q.phone?.trim() || undefined,
        },
      },
    }),
  );
  return { items: res.deliveryOrders ?? [], next: res.nextPageToken ?? "" };
}

const TICKET_COLOR: Partial<Record<TicketStatus, string>> = {
  PENDING: "default",
  DEDUCTING: "processing",
  DEDUCTED: "success",
  INSUFFICIENT: "error",
  REFUNDING: "processing",
  REFUNDED: "warning",
};

const STATE_COLOR: Record<string, string> = {
  PENDING: "default",
  ASSIGNED: "blue",
  DELIVERING: "processing",
  ARRIVED: "cyan",
  DELIVERED: "success",
  CANCELLED: "default",
};

export function TicketCell({ order, ended, t }: { order: DeliveryOrder; ended: boolean; t: T }) {
  const status = order.ticketStatus;
  // An order that ended before delivery never deducts: "to deduct" would mislead.
  const shown =
    status &&
    status !== "TICKET_STATUS_UNSPECIFIED" &&
    status !== "NOT_APPLICABLE" &&
    !(ended && status === "PENDING");
  return (
    <Space size={4} wrap data-testid="order-ticket-status">
      {order.payment && order.payment !== "PAYMENT_UNSPECIFIED" && (
        <span>{t(`payment_${order.payment}`)}</span>
      )}
      {shown && <Tag color={TICKET_COLOR[status]}>{t(`ticket_${status}`)}</Tag>}
      {order.collectCash && (
        <Tooltip title={t("collectCashHint")}>
          <Tag color="red" data-testid="order-collect-cash">
            {t("collectCash")}
          </Tag>
        </Tooltip>
      )}
    </Space>
  );
}

function windowText(order: DeliveryOrder, t: T): string {
  const start = formatTime(order.window?.startTime);
  const end = formatTime(order.window?.endTime);
  if (!start && !end) return t("anyTime");
  if (start && end && start.slice(0, 10) === end.slice(0, 10)) return `${start} – ${end.slice(11)}`;
  return `${start || "…"} – ${end || "…"}`;
}

export function OrdersTab({ workflow }: { workflow: Workflow | null }) {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const pager = useCursorPager(loadOrders, {} as Query);
  const [filterForm] = Form.useForm<Query>();
  const [couriers, setCouriers] = useState<{ id: string; name: string }[]>([]);
  const [params, setParams] = useSearchParams();
  const [cancelling, setCancelling] = useState<{
    order: DeliveryOrder;
    transition: Transition;
  } | null>(null);
  const session = getSession();

  useEffect(() => {
    let live = true;
    // Only roles that may read dispatch profiles get the courier filter.
    api(() => client.GET("/v1/staff", { params: { query: { kind: "COURIER" } } })).then(
      (res) =>
        live &&
        setCouriers(
          (res.staff ?? []).map((s) => ({ id: s.userId ?? "", name: s.name || s.userId || "" })),
        ),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  const editId = params.get("edit");
  const target: OrderTarget | null = editId
    ? { mode: "edit", id: editId }
    : params.get("create")
      ? { mode: "create" }
      : null;
  const openDrawer = (next: OrderTarget | null) =>
    setParams(
      (p) => {
        const out = new URLSearchParams(p);
        out.delete("edit");
        out.delete("create");
        if (next?.mode === "edit") out.set("edit", next.id);
        if (next?.mode === "create") out.set("create", "1");
        return out;
      },
      { replace: true },
    );

  return (
    <>
      <Space style={{ width: "100%", justifyContent: "space-between", alignItems: "flex-start" }}>
        <Form<Query>
          form={filterForm}
          layout="inline"
          onFinish={(v) => pager.setQuery(v)}
          style={{ rowGap: 8, marginBottom: 12 }}
          data-testid="order-filters"
        >
          <Form.Item name="number">
            <Input
              allowClear
              placeholder={t("number")}
              style={{ width: 170 }}
              data-testid="filter-number"
            />
          </Form.Item>
          <Form.Item name="phone">
            <Input
              allowClear
              placeholder={t("phone")}
              style={{ width: 150 }}
              data-testid="filter-phone"
            />
          </Form.Item>
          <Form.Item name="state">
            <Select
              allowClear
              placeholder={t("state")}
              style={{ width: 110 }}
              options={(workflow?.states ?? []).map((s) => ({
                value: s.name,
                label: s.label || s.name,
              }))}
              data-testid="filter-state"
            />
          </Form.Item>
          {couriers.length > 0 && (
            <Form.Item name="courierId">
              <Select
                allowClear
                showSearch={{ optionFilterProp: "label" }}
                placeholder={t("courier")}
                style={{ width: 120 }}
                options={couriers.map((c) => ({ value: c.id, label: c.name }))}
              />
            </Form.Item>
          )}
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" data-testid="order-apply">
                {t("apply")}
              </Button>
              <Button
                onClick={() => {
                  filterForm.resetFields();
                  pager.setQuery({});
                }}
              >
                {t("reset")}
              </Button>
            </Space>
          </Form.Item>
        </Form>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => openDrawer({ mode: "create" })}
          data-testid="order-create"
        >
          {t("create")}
        </Button>
      </Space>
      {!!pager.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("loadFailed", {
            message: pager.error instanceof Error ? pager.error.message : String(pager.error),
          })}
        />
      )}
      <Table<DeliveryOrder>
        rowKey="id"
        size="middle"
        loading={pager.loading}
        dataSource={pager.items}
        pagination={false}
        scroll={{ x: 1100 }}
        locale={{ emptyText: t("empty") }}
        data-testid="order-table"
        onRow={(o) => ({ "data-testid": `order-row-${o.number}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t("number"),
            dataIndex: "number",
            width: 165,
            render: (n: string, o) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text copyable={{ text: n }} data-testid="order-number">
                  {n}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {o.standingOrderId
                    ? t("standingOccurrence", { date: o.occurrenceDate ?? "" })
                    : formatTime(o.createTime)}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t("customer"),
            key: "customer",
            width: 120,
            render: (_, o) => (
              <Space orientation="vertical" size={0}>
                <span>{o.customerName}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {o.customerPhoneMasked}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t("address"),
            key: "address",
            ellipsis: { showTitle: false },
            render: (_, o) => (
              <Tooltip
                title={[o.addressText, o.deliveryNotes, o.notes].filter(Boolean).join(" · ")}
              >
                <span>{o.addressText}</span>
              </Tooltip>
            ),
          },
          { title: t("items"), key: "items", width: 100, render: (_, o) => itemsText(o.items) },
          { title: t("window"), key: "window", width: 150, render: (_, o) => windowText(o, t) },
          {
            title: t("state"),
            dataIndex: "state",
            width: 80,
            render: (s: string) => (
              <Tag color={STATE_COLOR[s] ?? "default"} data-testid="order-state">
                {stateLabel(workflow, s)}
              </Tag>
            ),
          },
          {
            title: t("payment"),
            key: "payment",
            width: 160,
            render: (_, o) => (
              <TicketCell
                order={o}
                ended={!!workflow?.states?.find((st) => st.name === o.state)?.terminal}
                t={t}
              />
            ),
          },
          { title: t("courier"), dataIndex: "courierName", width: 80 },
          {
            title: t("actions"),
            key: "actions",
            width: 100,
            fixed: "right",
            render: (_, o) => {
              const cancel = cancellingTransition(workflow, o, session);
              return (
                <Space size={0}>
                  {editable(workflow, o) && (
                    <Button
                      type="link"
                      size="small"
                      onClick={() => openDrawer({ mode: "edit", id: o.id ?? "" })}
                      data-testid="order-edit"
                    >
                      {t("edit")}
                    </Button>
                  )}
                  {cancel && (
                    <Button
                      type="link"
                      size="small"
                      danger
                      onClick={() => setCancelling({ order: o, transition: cancel })}
                      data-testid="order-cancel"
                    >
                      {cancel.label || t("cancelOrder")}
                    </Button>
                  )}
                </Space>
              );
            },
          },
        ]}
      />
      <PagerBar
        pager={pager}
        testId="order-pager"
        labels={{
          prev: t("prev"),
          next: t("next"),
          page: t("page", { n: pager.page }),
          perPage: t("perPage"),
        }}
      />
      <OrderDrawer
        target={target}
        onClose={() => openDrawer(null)}
        onSaved={() => {
          openDrawer(null);
          pager.reload();
        }}
      />
      <CancelDialog
        value={cancelling}
        onClose={() => setCancelling(null)}
        onDone={(o) => {
          setCancelling(null);
          message.success(t("cancelled", { number: o.number ?? "" }));
          pager.reload();
        }}
      />
    </>
  );
}

function CancelDialog({
  value,
  onClose,
  onDone,
}: {
  value: { order: DeliveryOrder; transition: Transition } | null;
  onClose: () => void;
  onDone: (order: DeliveryOrder) => void;
}) {
  const t = useT(messages);
  const [form] = Form.useForm<{ comment: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const needsComment = value?.transition.requiredFields?.includes("comment") ?? false;
  const deducted =
    value?.order.ticketStatus === "DEDUCTED" || value?.order.ticketStatus === "DEDUCTING";

  const submit = async ({ comment }: { comment: string }) => {
    if (!value) return;
    setBusy(true);
    setError(null);
    try {
      const order = await api(() =>
        client.POST("/v1/delivery-orders/{id}:transition", {
          params: { path: { id: value.order.id ?? "" } },
          body: {
            id: value.order.id,
            transition: value.transition.name,
            comment: (comment ?? "").trim() || undefined,
          },
        }),
      );
      onDone(order);
    } catch (err) {
      setError(t("cancelFailed", { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!value}
      title={t("cancelTitle", { number: value?.order.number ?? "" })}
      onCancel={onClose}
      okText={t("cancelConfirm")}
      okButtonProps={{ danger: true, loading: busy, ...{ "data-testid": "cancel-confirm" } }}
      cancelText={t("cancel")}
      onOk={() => form.submit()}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        preserve={false}
        data-testid="cancel-form"
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        {deducted && (
          <Alert type="info" showIcon title={t("cancelRefund")} style={{ marginBottom: 12 }} />
        )}
        <Form.Item
          name="comment"
          label={t("cancelReason")}
          rules={[
            {
              required: needsComment,
              whitespace: true,
              message: t("required", { field: t("cancelReason") }),
            },
            { max: 4000 },
          ]}
        >
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 5 }}
            placeholder={t("cancelReasonHint")}
            data-testid="cancel-reason"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
