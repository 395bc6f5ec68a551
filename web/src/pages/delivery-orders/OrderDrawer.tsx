// Create or change a delivery order. A create picks the customer by search, then one of
// their addresses, items, a wanted time window (tenant time, Asia/Shanghai), payment and
// notes, and sends an Idempotency-Key kept until it succeeds, so a double click creates
// one order. A change PATCHes items, window, notes and address with an updateMask.
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App as AntApp,
  AutoComplete,
  Button,
  Col,
  DatePicker,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Typography,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api, client, idempotent, type Schemas } from "../../api/client";
import { useIdempotencyKey } from "../../api/idempotency";
import { useFormDraft } from "../../components/useFormDraft";
import { useT } from "../../i18n/messages";
import { formatTime, wallToRfc3339 } from "../../components/time";
import { countChars } from "../../components/text";
import { readableError } from "../../api/fieldErrors";
import { messages } from "./messages";
import { showNearestFieldError, type DeliveryOrder, type Item, type Payment } from "./shared";

type Customer = Schemas["qingquan.customer.v1.Customer"];
type Balance = Schemas["qingquan.customer.v1.LedgerBalance"];
type Channel = Schemas["qingquan.order.v1.Channel"];

const FORM_ID = "order-form";

/** Enter confirms a picker or a choice; it does not send a half-filled order. */
function noEnterSubmit(e: KeyboardEvent<HTMLFormElement>) {
  if (e.key === "Enter" && (e.target as HTMLElement).tagName === "INPUT") e.preventDefault();
}

/** A new order (for a known customer when the hotline opens it) or an existing one. */
export type OrderTarget = { mode: "create"; customerId?: string } | { mode: "edit"; id: string };

interface Values {
  channel: Channel;
  customerId?: string;
  addressId?: string;
  items: Item[];
  /** Wall-clock "YYYY-MM-DD HH:mm" in the tenant's zone; either end may be empty. */
  window?: [string | null, string | null] | null;
  payment: Payment;
  notes?: string;
}

const CHANNELS = [
  "PHONE",
  "WECHAT_OFFICIAL_ACCOUNT",
  "WECHAT_MINI_PROGRAM",
  "WEB",
  "COUNTER",
] as const;
const PRODUCTS = ["18.9L", "11.3L", "5L"];
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function toWall(ts: string | undefined): string | null {
  return ts ? formatTime(ts) : null;
}

function windowOut(w: Values["window"]) {
  const [start, end] = w ?? [null, null];
  if (!start && !end) return undefined;
  return {
    startTime: start ? wallToRfc3339(start) : undefined,
    endTime: end ? wallToRfc3339(end) : undefined,
  };
}

function itemsOut(items: Item[] | undefined): Item[] {
  return (items ?? []).map((i) => ({ product: (i.product ?? "").trim(), quantity: i.quantity }));
}

function rangeProps(value: unknown) {
  const v = (value as Values["window"]) ?? null;
  return { value: v ? ([v[0] ? dayjs(v[0]) : null, v[1] ? dayjs(v[1]) : null] as const) : null };
}
function rangeValue(range: [Dayjs | null, Dayjs | null] | null) {
  if (!range) return null;
  return range.map((d) => (d ? d.format("YYYY-MM-DD HH:mm") : null));
}

interface CustomerInfo {
  customer: Customer;
  balances: Balance[];
}

async function loadCustomerInfo(id: string): Promise<CustomerInfo> {
  const [customer, ledger] = await Promise.all([
    api(() => client.GET("/v1/customers/{id}", { params: { path: { id } } })),
    api(() =>
      client.GET("/v1/customers/{customerId}/ledger", { params: { path: { customerId: id } } }),
    ).catch(() => ({ balances: [] as Balance[] })),
  ]);
  return { customer, balances: ledger.balances ?? [] };
}

export function OrderDrawer({
  target,
  onClose,
  onSaved,
}: {
  target: OrderTarget | null;
  onClose: () => void;
  onSaved: (order: DeliveryOrder) => void;
}) {
  const t = useT(messages);
  const key = target
    ? target.mode === "edit"
      ? `edit.${target.id}`
      : `create${target.customerId ? `.${target.customerId}` : ""}`
    : null;
  const editId = target?.mode === "edit" ? target.id : null;
  const [loaded, setLoaded] = useState<{
    id: string;
    order: DeliveryOrder | null;
    error: string | null;
  } | null>(null);
  useEffect(() => {
    if (!editId) return;
    let live = true;
    api(() => client.GET("/v1/delivery-orders/{id}", { params: { path: { id: editId } } })).then(
      (order) => live && setLoaded({ id: editId, order, error: null }),
      (err: unknown) => live && setLoaded({ id: editId, order: null, error: messageOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [editId]);
  const ready = editId
    ? loaded?.id === editId
      ? loaded
      : null
    : { id: "", order: null, error: null };
  const [busy, setBusy] = useState(false);

  return (
    <Drawer
      open={!!target}
      title={
        target?.mode === "edit"
          ? t("editTitle", { number: ready?.order?.number ?? "" })
          : t("createTitle")
      }
      size={640}
      onClose={onClose}
      destroyOnHidden
      afterOpenChange={(open) => !open && setBusy(false)}
      footer={
        ready && !ready.error ? (
          <Space style={{ display: "flex", justifyContent: "flex-end" }}>
            <Button onClick={onClose}>{t("cancel")}</Button>
            <Button
              type="primary"
              htmlType="submit"
              form={FORM_ID}
              loading={busy}
              data-testid="order-submit"
            >
              {target?.mode === "edit" ? t("saveChanges") : t("save")}
            </Button>
          </Space>
        ) : null
      }
    >
      {!ready && <Spin style={{ display: "block", margin: 48 }} description={t("loading")} />}
      {ready?.error && (
        <Alert type="error" showIcon title={t("loadFailed", { message: ready.error })} />
      )}
      {ready && !ready.error && key && (
        <OrderForm
          key={key}
          draftKey={`delivery-orders.${key}`}
          order={ready.order}
          customerId={target?.mode === "create" ? target.customerId : undefined}
          onSaved={onSaved}
          onCancel={onClose}
          onBusy={setBusy}
        />
      )}
    </Drawer>
  );
}

function OrderForm({
  order,
  customerId: forCustomer,
  draftKey,
  onSaved,
  onCancel,
  onBusy,
}: {
  order: DeliveryOrder | null;
  customerId?: string;
  draftKey: string;
  onSaved: (order: DeliveryOrder) => void;
  onCancel: () => void;
  onBusy: (busy: boolean) => void;
}) {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [initialValues] = useState<Values>(() =>
    order
      ? {
          channel: order.channel ?? "PHONE",
          customerId: order.customerId,
          addressId: order.addressId,
          items: order.items?.length ? order.items : [{ product: "18.9L", quantity: 1 }],
          window:
            order.window?.startTime || order.window?.endTime
              ? [toWall(order.window?.startTime), toWall(order.window?.endTime)]
              : null,
          payment: order.payment ?? "TICKETS",
          notes: order.notes ?? "",
        }
      : {
          channel: "PHONE",
          customerId: forCustomer,
          items: [{ product: "18.9L", quantity: 1 }],
          payment: "TICKETS",
          notes: "",
        },
  );
  const draft = useFormDraft(form, draftKey);
  const idem = useIdempotencyKey();
  const [error, setError] = useState<string | null>(null);
  const busyRef = useRef(false);

  const customerId = Form.useWatch("customerId", form) ?? initialValues.customerId;
  const payment = Form.useWatch("payment", form) ?? initialValues.payment;
  const items = Form.useWatch("items", form) ?? initialValues.items;
  const [info, setInfo] = useState<CustomerInfo | null>(null);
  const [hits, setHits] = useState<Customer[]>([]);
  const [searching, setSearching] = useState(false);
  const searchSeq = useRef(0);

  useEffect(() => {
    if (!customerId) return;
    let live = true;
    loadCustomerInfo(customerId).then(
      (data) => live && setInfo(data),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [customerId]);
  const current = info && info.customer.id === customerId ? info : null;

  const search = (q: string) => {
    const seq = ++searchSeq.current;
    if (!q.trim()) {
      setHits([]);
      return;
    }
    setSearching(true);
    api(() =>
      client.GET("/v1/customers:search", { params: { query: { q: q.trim(), pageSize: 20 } } }),
    )
      .then((res) => {
        if (seq === searchSeq.current)
          setHits((res.hits ?? []).map((h) => h.customer ?? {}).filter((c) => c.id));
      })
      .catch(() => undefined)
      .finally(() => {
        if (seq === searchSeq.current) setSearching(false);
      });
  };

  const customerOptions = [...hits];
  if (current && !customerOptions.some((c) => c.id === current.customer.id))
    customerOptions.unshift(current.customer);
  const addresses = current?.customer.addresses ?? [];
  const tickets = (current?.balances ?? []).filter((b) => b.asset?.kind === "TICKET");
  const wanted = (items ?? []).reduce((n, i) => n + (i?.quantity ?? 0), 0);
  const held = tickets.reduce((n, b) => n + (b.quantity ?? 0), 0);

  const submit = async (values: Values) => {
    if (busyRef.current) return;
    busyRef.current = true;
    onBusy(true);
    setError(null);
    // After a success the drawer closes: the form stays busy, so that a click during the
    // closing animation sends nothing more.
    let finished = false;
    try {
      if (!order) {
        const created = await api(() =>
          client.POST("/v1/delivery-orders", {
            body: {
              channel: values.channel,
              customerId: values.customerId,
              addressId: values.addressId || undefined,
              items: itemsOut(values.items),
              payment: values.payment,
              window: windowOut(values.window),
              notes: (values.notes ?? "").trim() || undefined,
            },
            ...idempotent(idem.key()),
          }),
        );
        idem.done();
        draft.clear();
        message.success(t("created", { number: created.number ?? "" }));
        finished = true;
        onSaved(created);
        return;
      }
      const mask: string[] = [];
      const body: DeliveryOrder = { id: order.id };
      const nextItems = itemsOut(values.items);
      if (JSON.stringify(nextItems) !== JSON.stringify(itemsOut(order.items))) {
        mask.push("items");
        body.items = nextItems;
      }
      const nextWindow = windowOut(values.window);
      const before = windowOut(initialValues.window);
      if (JSON.stringify(nextWindow ?? null) !== JSON.stringify(before ?? null)) {
        mask.push("window");
        body.window = nextWindow ?? {};
      }
      if ((values.notes ?? "").trim() !== (order.notes ?? "")) {
        mask.push("notes");
        body.notes = (values.notes ?? "").trim();
      }
      if ((values.addressId ?? "") !== (order.addressId ?? "")) {
        mask.push("addressId");
        body.addressId = values.addressId;
      }
      if (!mask.length) {
        message.info(t("nothingChanged"));
        draft.clear();
        finished = true;
        onCancel();
        return;
      }
      const saved = await api(() =>
        client.PATCH("/v1/delivery-orders/{deliveryOrder.id}", {
          params: {
            path: { "deliveryOrder.id": order.id ?? "" },
            query: { updateMask: mask.join(",") },
          },
          body,
        }),
      );
      draft.clear();
      message.success(t("saved"));
      finished = true;
      onSaved(saved);
    } catch (err) {
      if (!showNearestFieldError(form, readableError(err), ["deliveryOrder"]))
        setError(t("saveFailed", { message: messageOf(err) }));
    } finally {
      if (!finished) {
        busyRef.current = false;
        onBusy(false);
      }
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onFinish={submit}
      onValuesChange={() => draft.save()}
      name={FORM_ID}
      data-testid="order-form"
      onKeyDown={noEnterSubmit}
      scrollToFirstError
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 12 }}
          data-testid="order-form-error"
        />
      )}
      <Row gutter={12}>
        <Col span={16}>
          <Form.Item
            name="customerId"
            label={t("customer")}
            rules={[{ required: true, message: t("required", { field: t("customer") }) }]}
          >
            <Select
              showSearch={{ filterOption: false, onSearch: search }}
              disabled={!!order}
              placeholder={t("customerSearch")}
              loading={searching}
              notFoundContent={searching ? <Spin size="small" /> : t("noCustomer")}
              onChange={() => form.setFieldValue("addressId", undefined)}
              options={customerOptions.map((c) => ({
                value: c.id,
                label: [c.name, c.phones?.[0], c.addresses?.[0]?.text].filter(Boolean).join(" · "),
              }))}
              data-testid="order-customer"
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="channel" label={t("channel")}>
            <Select
              disabled={!!order}
              options={CHANNELS.map((c) => ({ value: c, label: t(`channel_${c}`) }))}
            />
          </Form.Item>
        </Col>
      </Row>
      {current && (current.customer.preferenceTags?.length ?? 0) > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          {t("preferences", { list: (current.customer.preferenceTags ?? []).join("、") })}
        </Typography.Paragraph>
      )}
      <Form.Item name="addressId" label={t("address")}>
        <Select
          allowClear
          placeholder={t("addressDefault")}
          options={addresses.map((a) => ({
            value: a.id,
            label: [a.areaName, a.text, a.deliveryNotes].filter(Boolean).join(" · "),
          }))}
          data-testid="order-address"
        />
      </Form.Item>

      <Form.List name="items">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <Row gutter={12} key={field.key}>
                <Col span={14}>
                  <Form.Item
                    name={[field.name, "product"]}
                    label={i === 0 ? t("product") : undefined}
                    rules={[
                      {
                        required: true,
                        whitespace: true,
                        message: t("required", { field: t("product") }),
                      },
                      {
                        validator: async (_, v: string | undefined) => {
                          const n = countChars((v ?? "").trim());
                          if (n > 40)
                            throw new Error(t("tooLong", { field: t("product"), max: 40, n }));
                        },
                      },
                    ]}
                  >
                    <AutoComplete
                      options={[
                        ...new Set([...tickets.map((b) => b.asset?.product ?? ""), ...PRODUCTS]),
                      ]
                        .filter(Boolean)
                        .map((p) => ({ value: p }))}
                      placeholder={t("productHint")}
                      data-testid={`order-product-${i}`}
                    />
                  </Form.Item>
                </Col>
                <Col span={fields.length > 1 ? 8 : 10}>
                  <Form.Item
                    name={[field.name, "quantity"]}
                    label={i === 0 ? t("quantity") : undefined}
                    rules={[
                      { required: true, message: t("required", { field: t("quantity") }) },
                      {
                        validator: async (_, v: number | null | undefined) => {
                          if (v === null || v === undefined) return;
                          if (!Number.isInteger(v) || v < 1 || v > 999)
                            throw new Error(t("quantityRange"));
                        },
                      },
                    ]}
                  >
                    <InputNumber style={{ width: "100%" }} data-testid={`order-quantity-${i}`} />
                  </Form.Item>
                </Col>
                {fields.length > 1 && (
                  <Col span={2}>
                    <Form.Item label={i === 0 ? " " : undefined}>
                      <Button
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                        title={t("remove")}
                      />
                    </Form.Item>
                  </Col>
                )}
              </Row>
            ))}
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add({ product: "18.9L", quantity: 1 })}
              style={{ marginBottom: 16 }}
            >
              {t("addItem")}
            </Button>
          </>
        )}
      </Form.List>

      <Form.Item
        name="window"
        label={t("window")}
        extra={t("windowHint")}
        getValueProps={rangeProps}
        normalize={rangeValue}
        rules={[
          {
            validator: async (_, v: Values["window"]) => {
              if (v?.[0] && v?.[1] && v[1] <= v[0]) throw new Error(t("windowOrder"));
            },
          },
        ]}
      >
        <DatePicker.RangePicker
          showTime={{ format: "HH:mm", minuteStep: 15 }}
          format="YYYY-MM-DD HH:mm"
          allowEmpty={[true, true]}
          placeholder={[t("windowStart"), t("windowEnd")]}
          style={{ width: "100%" }}
          data-testid="order-window"
        />
      </Form.Item>

      <Form.Item name="payment" label={t("payment")}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          disabled={!!order}
          options={(["TICKETS", "CASH", "ONLINE"] as const).map((p) => ({
            value: p,
            label: t(`payment_${p}`),
          }))}
          data-testid="order-payment"
        />
      </Form.Item>
      {payment === "TICKETS" && current && (
        <Alert
          type={held >= wanted ? "info" : "warning"}
          showIcon
          style={{ marginTop: -8, marginBottom: 16 }}
          title={
            tickets.length
              ? t("balance", {
                  list: tickets.map((b) => `${b.asset?.product} × ${b.quantity}`).join("，"),
                })
              : t("noTickets")
          }
          description={held < wanted ? t("shortTickets") : undefined}
          data-testid="order-ticket-balance"
        />
      )}

      <Form.Item
        name="notes"
        label={t("notes")}
        rules={[
          {
            validator: async (_, v: string | undefined) => {
              const n = countChars((v ?? "").trim());
              if (n > 1000) throw new Error(t("tooLong", { field: t("notes"), max: 1000, n }));
            },
          },
        ]}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} data-testid="order-notes" />
      </Form.Item>
    </Form>
  );
}
