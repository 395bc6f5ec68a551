// What the order drawer and the standing-order drawer share: the drawer around the form
// (loading the record to change, the footer's submit button), the customer picker with the
// customer's addresses, the item lines, payment with the ticket balance, and notes.
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  AutoComplete,
  Button,
  Col,
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
  type FormInstance,
} from "antd";
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { api, client, type Schemas } from "../../api/client";
import { countChars } from "../../components/text";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";
import type { Item } from "./shared";

type Customer = Schemas["qingquan.customer.v1.Customer"];
type Balance = Schemas["qingquan.customer.v1.LedgerBalance"];
export type Channel = Schemas["qingquan.order.v1.Channel"];

export const CHANNELS = [
  "PHONE",
  "WECHAT_OFFICIAL_ACCOUNT",
  "WECHAT_MINI_PROGRAM",
  "WEB",
  "COUNTER",
] as const;
const PRODUCTS = ["18.9L", "11.3L", "5L"];
export const DEFAULT_ITEM: Item = { product: "18.9L", quantity: 1 };

export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Enter confirms a picker or a choice; it does not send a half-filled form. */
export function noEnterSubmit(e: KeyboardEvent<HTMLFormElement>) {
  if (e.key === "Enter" && (e.target as HTMLElement).tagName === "INPUT") e.preventDefault();
}

export function itemsOut(items: Item[] | undefined): Item[] {
  return (items ?? []).map((i) => ({ product: (i.product ?? "").trim(), quantity: i.quantity }));
}

/** The record a drawer changes, loaded by id (null while loading; no id: nothing to load). */
export function useEditTarget<R>(
  editId: string | null,
  load: (id: string) => Promise<R>,
): { record: R | null; error: string | null } | null {
  const [loaded, setLoaded] = useState<{
    id: string;
    record: R | null;
    error: string | null;
  } | null>(null);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    if (!editId) return;
    let live = true;
    loadRef.current(editId).then(
      (record) => live && setLoaded({ id: editId, record, error: null }),
      (err: unknown) => live && setLoaded({ id: editId, record: null, error: messageOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [editId]);
  if (!editId) return { record: null, error: null };
  return loaded?.id === editId ? loaded : null;
}

/** The drawer around a create-or-change form: a spinner while loading, submit in the footer. */
export function FormDrawer({
  open,
  title,
  ready,
  formId,
  submitLabel,
  submitTestId,
  busy,
  onBusy,
  onClose,
  children,
}: {
  open: boolean;
  title: ReactNode;
  ready: { error: string | null } | null;
  formId: string;
  submitLabel: string;
  submitTestId: string;
  busy: boolean;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const t = useT(messages);
  return (
    <Drawer
      open={open}
      title={title}
      size={640}
      onClose={onClose}
      destroyOnHidden
      afterOpenChange={(o) => !o && onBusy(false)}
      footer={
        ready && !ready.error ? (
          <Space style={{ display: "flex", justifyContent: "flex-end" }}>
            <Button onClick={onClose}>{t("cancel")}</Button>
            <Button
              type="primary"
              htmlType="submit"
              form={formId}
              loading={busy}
              data-testid={submitTestId}
            >
              {submitLabel}
            </Button>
          </Space>
        ) : null
      }
    >
      {!ready && <Spin style={{ display: "block", margin: 48 }} description={t("loading")} />}
      {ready?.error && (
        <Alert type="error" showIcon title={t("loadFailed", { message: ready.error })} />
      )}
      {ready && !ready.error && children}
    </Drawer>
  );
}

export interface CustomerInfo {
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

/** The customer chosen on a form (field "customerId"), its tickets, and the search for one. */
export function useCustomerPicker(form: FormInstance, initialId: string | undefined) {
  const customerId: string | undefined = Form.useWatch("customerId", form) ?? initialId;
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

  const options = [...hits];
  if (current && !options.some((c) => c.id === current.customer.id))
    options.unshift(current.customer);
  const tickets = (current?.balances ?? []).filter((b) => b.asset?.kind === "TICKET");
  return { current, options, search, searching, tickets };
}

export type CustomerPicker = ReturnType<typeof useCustomerPicker>;

/** Customer and channel (fixed once created), the customer's preferences, the address. */
export function CustomerFields({
  form,
  picker,
  locked,
  testId,
}: {
  form: FormInstance;
  picker: CustomerPicker;
  locked: boolean;
  testId: string;
}) {
  const t = useT(messages);
  const { current } = picker;
  return (
    <>
      <Row gutter={12}>
        <Col span={16}>
          <Form.Item
            name="customerId"
            label={t("customer")}
            rules={[{ required: true, message: t("required", { field: t("customer") }) }]}
          >
            <Select
              showSearch={{ filterOption: false, onSearch: picker.search }}
              disabled={locked}
              placeholder={t("customerSearch")}
              loading={picker.searching}
              notFoundContent={picker.searching ? <Spin size="small" /> : t("noCustomer")}
              onChange={() => form.setFieldValue("addressId", undefined)}
              options={picker.options.map((c) => ({
                value: c.id,
                label: [c.name, c.phones?.[0], c.addresses?.[0]?.text].filter(Boolean).join(" · "),
              }))}
              data-testid={`${testId}-customer`}
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="channel" label={t("channel")}>
            <Select
              disabled={locked}
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
          options={(current?.customer.addresses ?? []).map((a) => ({
            value: a.id,
            label: [a.areaName, a.text, a.deliveryNotes].filter(Boolean).join(" · "),
          }))}
          data-testid={`${testId}-address`}
        />
      </Form.Item>
    </>
  );
}

/** The item lines (Form.List "items"): product and quantity, add and remove. */
export function ItemsField({ picker, testId }: { picker: CustomerPicker; testId: string }) {
  const t = useT(messages);
  const products = [...new Set([...picker.tickets.map((b) => b.asset?.product ?? ""), ...PRODUCTS])]
    .filter(Boolean)
    .map((p) => ({ value: p }));
  return (
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
                    options={products}
                    placeholder={t("productHint")}
                    data-testid={`${testId}-product-${i}`}
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
                  <InputNumber style={{ width: "100%" }} data-testid={`${testId}-quantity-${i}`} />
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
            onClick={() => add({ ...DEFAULT_ITEM })}
            style={{ marginBottom: 16 }}
          >
            {t("addItem")}
          </Button>
        </>
      )}
    </Form.List>
  );
}

/** Payment, and with tickets the customer's balance against what the items want. */
export function PaymentField({
  form,
  picker,
  locked,
  testId,
  extra,
}: {
  form: FormInstance;
  picker: CustomerPicker;
  locked: boolean;
  testId: string;
  extra?: ReactNode;
}) {
  const t = useT(messages);
  const payment = Form.useWatch("payment", form);
  const items: Item[] | undefined = Form.useWatch("items", form);
  const { current, tickets } = picker;
  const wanted = (items ?? []).reduce((n, i) => n + (i?.quantity ?? 0), 0);
  const held = tickets.reduce((n, b) => n + (b.quantity ?? 0), 0);
  return (
    <>
      <Form.Item name="payment" label={t("payment")} extra={extra}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          disabled={locked}
          options={(["TICKETS", "CASH", "ONLINE"] as const).map((p) => ({
            value: p,
            label: t(`payment_${p}`),
          }))}
          data-testid={`${testId}-payment`}
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
          data-testid={`${testId}-ticket-balance`}
        />
      )}
    </>
  );
}

export function NotesField({ testId }: { testId: string }) {
  const t = useT(messages);
  return (
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
      <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} data-testid={`${testId}-notes`} />
    </Form.Item>
  );
}

/** A form error no field took, above the form. */
export function FormError({ error, testId }: { error: string | null; testId: string }) {
  return error ? (
    <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid={testId} />
  ) : null;
}

/**
 * One submit at a time. `work` resolves true when it is done with the form (the drawer
 * closes): the form then stays busy, so a click during the closing animation sends nothing.
 */
export function useSubmitOnce(onBusy: (busy: boolean) => void) {
  const busyRef = useRef(false);
  // The drawer's button is busy for this form only: another one (reopened on another
  // record before the closing animation ended) starts idle.
  useEffect(() => () => onBusy(false), [onBusy]);
  return async (work: () => Promise<boolean>, onError: (err: unknown) => void) => {
    if (busyRef.current) return;
    busyRef.current = true;
    onBusy(true);
    let finished = false;
    try {
      finished = await work();
    } catch (err) {
      onError(err);
    } finally {
      if (!finished) {
        busyRef.current = false;
        onBusy(false);
      }
    }
  };
}
