// Create and edit a customer in a drawer: basics, phones, addresses, tags, delivery
// preferences and the tenant's custom fields (form engine). A create sends an
// Idempotency-Key kept until it succeeds; an edit PATCHes only what changed (updateMask)
// and saves addresses through their own routes. The server's field errors land next to
// the field they name ("phones[0]", "addresses[1].text", "customFields.meter_no").
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App as AntApp,
  Button,
  Checkbox,
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
  Switch,
  TimePicker,
  Typography,
} from "antd";
import dayjs from "dayjs";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { ApiError, api, client, idempotent, type Schemas } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import { useIdempotencyKey } from "../../api/idempotency";
import { useFormDraft } from "../../components/useFormDraft";
import { useT } from "../../i18n/messages";
import { CustomFieldItem, customFieldOut, sameValue, type FieldDefinition } from "./customFields";
import { countChars } from "../../components/text";
import { messages, type T } from "./messages";
import { readableError } from "../../api/fieldErrors";

type Customer = Schemas["qingquan.customer.v1.Customer"];
type Address = Schemas["qingquan.customer.v1.Address"];
type Tag = Schemas["qingquan.customer.v1.Tag"];
type Kind = Schemas["qingquan.customer.v1.Customer.Kind"];
type Channel = Schemas["qingquan.customer.v1.Customer.Channel"];
type Preferences = Schemas["qingquan.customer.v1.DeliveryPreferences"];

export const CHANNELS: Channel[] = [
  "PHONE",
  "WECHAT_OFFICIAL_ACCOUNT",
  "WECHAT_MINI_PROGRAM",
  "WEB",
  "COUNTER",
  "IMPORT",
];

const FORM_ID = "customer-form";

/** Enter confirms a picker or a choice; it does not send a half-filled form. */
function noEnterSubmit(e: KeyboardEvent<HTMLFormElement>) {
  if (e.key === "Enter" && (e.target as HTMLElement).tagName === "INPUT") e.preventDefault();
}

export type DrawerTarget = { mode: "create" } | { mode: "edit"; id: string };

interface AddressValues {
  id?: string;
  text?: string;
  deliveryNotes?: string;
}

interface FormValues {
  kind: Kind;
  name: string;
  phones: string[];
  idNumber?: string;
  birthday?: string;
  channel?: Channel;
  tags: string[];
  notes?: string;
  addresses: AddressValues[];
  deliveryPreferences: Preferences;
  customFields: Record<string, unknown>;
}

interface Loaded {
  key: string;
  tags: Tag[];
  definitions: FieldDefinition[];
  customer: Customer | null;
  error: string | null;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function loadForm(target: DrawerTarget): Promise<Omit<Loaded, "key" | "error">> {
  const [tags, defs, customer] = await Promise.all([
    api(() => client.GET("/v1/tags")),
    api(() => client.GET("/v1/field-definitions", { params: { query: { entity: "CUSTOMER" } } })),
    target.mode === "edit"
      ? api(() => client.GET("/v1/customers/{id}", { params: { path: { id: target.id } } }))
      : Promise.resolve(null),
  ]);
  const definitions = [...(defs.definitions ?? [])].sort(
    (a, b) => (a.position ?? 0) - (b.position ?? 0),
  );
  return { tags: tags.tags ?? [], definitions, customer };
}

export function targetKey(target: DrawerTarget | null): string | null {
  if (!target) return null;
  return target.mode === "edit" ? `edit.${target.id}` : "create";
}

export function CustomerDrawer({
  target,
  onClose,
  onSaved,
}: {
  target: DrawerTarget | null;
  onClose: () => void;
  onSaved: (customer: Customer) => void;
}) {
  const t = useT(messages);
  const key = targetKey(target);
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    if (!target || !key) return;
    let live = true;
    loadForm(target).then(
      (data) => live && setLoaded({ key, ...data, error: null }),
      (err: unknown) =>
        live &&
        setLoaded({ key, tags: [], definitions: [], customer: null, error: messageOf(err) }),
    );
    return () => {
      live = false;
    };
    // `key` names the target; the object itself changes identity on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const ready = loaded && loaded.key === key ? loaded : null;
  const [busy, setBusy] = useState(false);
  const title =
    target?.mode === "edit"
      ? t("editTitle", { name: ready?.customer?.name ?? "" })
      : t("createTitle");

  return (
    <Drawer
      open={!!target}
      title={title}
      size={720}
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
              data-testid="customer-save"
            >
              {t("save")}
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
        <CustomerForm
          key={key}
          draftKey={`customers.${key}`}
          customer={ready.customer}
          tags={ready.tags}
          definitions={ready.definitions}
          onSaved={onSaved}
          onBusy={setBusy}
        />
      )}
    </Drawer>
  );
}

function toFormValues(c: Customer | null, defs: FieldDefinition[]): FormValues {
  const customFields: Record<string, unknown> = {};
  for (const d of defs) {
    const v = c?.customFields?.[d.key ?? ""];
    if (v !== undefined) customFields[d.key ?? ""] = v;
  }
  const p = c?.deliveryPreferences ?? {};
  return {
    kind: c?.kind && c.kind !== "KIND_UNSPECIFIED" ? c.kind : "PERSON",
    name: c?.name ?? "",
    phones: c?.phones?.length ? [...c.phones] : [""],
    idNumber: c?.idNumber ?? "",
    birthday: c?.birthday || undefined,
    channel: c ? (c.channel !== "CHANNEL_UNSPECIFIED" ? c.channel : undefined) : "PHONE",
    tags: c?.tags ?? [],
    notes: c?.notes ?? "",
    addresses: c?.addresses?.length
      ? c.addresses.map((a) => ({
          id: a.id,
          text: a.text ?? "",
          deliveryNotes: a.deliveryNotes ?? "",
        }))
      : [{ text: "", deliveryNotes: "" }],
    deliveryPreferences: {
      windowStartLocal: p.windowStartLocal || undefined,
      windowEndLocal: p.windowEndLocal || undefined,
      weekdays: p.weekdays ?? [],
      noLift: !!p.noLift,
      needsCart: !!p.needsCart,
      floor: p.floor || undefined,
    },
    customFields,
  };
}

function trimmed(s: string | undefined | null): string {
  return (s ?? "").trim();
}

function preferencesOut(p: Preferences | undefined): Preferences {
  return {
    windowStartLocal: p?.windowStartLocal ?? "",
    windowEndLocal: p?.windowEndLocal ?? "",
    weekdays: [...(p?.weekdays ?? [])].sort((a, b) => a - b),
    noLift: !!p?.noLift,
    needsCart: !!p?.needsCart,
    floor: p?.floor ?? 0,
  };
}

/** The lone empty row a new form starts with is not sent; other rows must be filled. */
function phonesOut(phones: string[] | undefined): string[] {
  const list = (phones ?? []).map(trimmed);
  return list.length === 1 && list[0] === "" ? [] : list;
}

function addressesOut(addresses: AddressValues[] | undefined): AddressValues[] {
  const list = (addresses ?? []).map((a) => ({
    id: a.id,
    text: trimmed(a.text),
    deliveryNotes: trimmed(a.deliveryNotes),
  }));
  return list.length === 1 && !list[0].id && list[0].text === "" && list[0].deliveryNotes === ""
    ? []
    : list;
}

function customerOut(v: FormValues, defs: FieldDefinition[]): Customer {
  const customFields: Record<string, unknown> = {};
  for (const d of defs) {
    if (d.active === false) continue;
    const out = customFieldOut(d, v.customFields?.[d.key ?? ""]);
    if (out !== null) customFields[d.key ?? ""] = out;
  }
  return {
    kind: v.kind,
    name: trimmed(v.name),
    phones: phonesOut(v.phones),
    idNumber: trimmed(v.idNumber) || undefined,
    birthday: v.birthday || undefined,
    channel: v.channel,
    tags: v.tags ?? [],
    notes: trimmed(v.notes) || undefined,
    addresses: addressesOut(v.addresses).map((a) => ({
      text: a.text,
      deliveryNotes: a.deliveryNotes,
    })),
    deliveryPreferences: preferencesOut(v.deliveryPreferences),
    customFields,
  };
}

/** FNV-1a, for an idempotency key that changes when the body does. */
function hashOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

/** An address route's error, renamed to the form's address row. */
function atRow(err: unknown, index: number): unknown {
  if (!(err instanceof ApiError)) return err;
  const field = (err.field ?? "").replace(/^address\.?/, "");
  return new ApiError(
    err.status,
    err.code,
    err.message,
    `addresses[${index}]${field ? "." + field : ".text"}`,
    err.detail,
  );
}

const PHONE = /^(1\d{10}|0\d{9,11}|[48]00\d{7}|\d{7,8})$/;

function phoneRules(t: T, count: number) {
  return [
    {
      validator: async (_: unknown, value: string | undefined) => {
        const raw = trimmed(value);
        if (!raw) {
          if (count > 1) throw new Error(t("required", { field: t("phones") }));
          return;
        }
        const digits = raw
          .normalize("NFKC")
          .replace(/[\s\-()（）]/g, "")
          .replace(/^\+?86(?=1\d{10}$)/, "");
        if (!PHONE.test(digits)) throw new Error(t("badPhone"));
      },
    },
  ];
}

function textRule(t: T, field: string, max: number) {
  return {
    validator: async (_: unknown, value: string | undefined) => {
      const n = countChars(trimmed(value));
      if (n > max) throw new Error(t("tooLong", { field, max, n }));
    },
  };
}

function timeProps(value: unknown) {
  return { value: typeof value === "string" && value ? dayjs(`2000-01-01T${value}`) : undefined };
}
const timeValue = (d: dayjs.Dayjs | null) => (d ? d.format("HH:mm") : undefined);
function dateProps(value: unknown) {
  return { value: typeof value === "string" && value ? dayjs(value) : undefined };
}
const dateValue = (d: dayjs.Dayjs | null) => (d ? d.format("YYYY-MM-DD") : undefined);

function CustomerForm({
  customer,
  tags,
  definitions,
  draftKey,
  onSaved,
  onBusy,
}: {
  customer: Customer | null;
  tags: Tag[];
  definitions: FieldDefinition[];
  draftKey: string;
  onSaved: (customer: Customer) => void;
  onBusy: (busy: boolean) => void;
}) {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const [initialValues] = useState(() => toFormValues(customer, definitions));
  const draft = useFormDraft(form, draftKey);
  const idem = useIdempotencyKey();
  const [error, setError] = useState<string | null>(null);
  const busyRef = useRef(false);
  // What the server holds now: an edit that saved part of its changes goes on from there.
  const saved = useRef<Customer | null>(customer);
  const phones = Form.useWatch("phones", form) ?? initialValues.phones;
  const addresses = Form.useWatch("addresses", form) ?? initialValues.addresses;
  const shownDefs = definitions.filter(
    (d) => d.active !== false || customer?.customFields?.[d.key ?? ""] !== undefined,
  );

  const create = async (values: FormValues) => {
    const body = customerOut(values, definitions);
    const created = await api(() =>
      client.POST("/v1/customers", { body, ...idempotent(idem.key()) }),
    );
    idem.done();
    draft.clear();
    message.success(t("createdOk", { name: created.name ?? "" }));
    onSaved(created);
  };

  const update = async (values: FormValues) => {
    const base = saved.current!;
    const id = base.id!;
    const next = customerOut(values, definitions);
    const mask: string[] = [];
    const body: Record<string, unknown> = { id };
    const change = (name: string, now: unknown, before: unknown) => {
      if (sameValue(now, before)) return;
      mask.push(name);
      body[name] = now;
    };
    change("kind", next.kind, base.kind);
    change("name", next.name, base.name);
    change("birthday", next.birthday ?? "", base.birthday ?? "");
    change("channel", next.channel ?? "CHANNEL_UNSPECIFIED", base.channel ?? "CHANNEL_UNSPECIFIED");
    change("notes", next.notes ?? "", base.notes ?? "");
    change("phones", next.phones, base.phones ?? []);
    change("tags", next.tags, base.tags ?? []);
    change(
      "deliveryPreferences",
      next.deliveryPreferences,
      preferencesOut(base.deliveryPreferences),
    );
    // A masked ID number (110105********002X) sent back unchanged is not a change.
    if (trimmed(values.idNumber) !== (base.idNumber ?? ""))
      change("idNumber", trimmed(values.idNumber), null);
    const fields: Record<string, unknown> = {};
    for (const d of definitions) {
      if (d.active === false) continue;
      const key = d.key ?? "";
      const now = customFieldOut(d, values.customFields?.[key]);
      if (!sameValue(now, base.customFields?.[key])) {
        mask.push(`customFields.${key}`);
        fields[key] = now;
      }
    }
    if (Object.keys(fields).length) body.customFields = fields;
    if (mask.length) {
      saved.current = await api(() =>
        client.PATCH("/v1/customers/{customer.id}", {
          params: { path: { "customer.id": id }, query: { updateMask: mask.join(",") } },
          body: body as Customer,
        }),
      );
    }

    const rows = addressesOut(values.addresses);
    let kept: Address[] = [...(saved.current?.addresses ?? [])];
    for (const a of kept) {
      if (rows.some((r) => r.id === a.id)) continue;
      await api(() =>
        client.DELETE("/v1/customers/{customerId}/addresses/{addressId}", {
          params: { path: { customerId: id, addressId: a.id ?? "" } },
        }),
      );
      kept = kept.filter((k) => k.id !== a.id);
      saved.current = { ...saved.current, addresses: kept };
    }
    for (const [i, row] of rows.entries()) {
      const address = { text: row.text, deliveryNotes: row.deliveryNotes };
      try {
        if (row.id) {
          const before = kept.find((k) => k.id === row.id);
          if (
            before &&
            before.text === row.text &&
            (before.deliveryNotes ?? "") === row.deliveryNotes
          )
            continue;
          const changed = await api(() =>
            client.PATCH("/v1/customers/{customerId}/addresses/{address.id}", {
              params: {
                path: { customerId: id, "address.id": row.id ?? "" },
                query: { updateMask: "text,deliveryNotes" },
              },
              body: { id: row.id, ...address },
            }),
          );
          kept = kept.map((k) => (k.id === changed.id ? changed : k));
        } else {
          const added = await api(() =>
            client.POST("/v1/customers/{customerId}/addresses", {
              params: { path: { customerId: id } },
              body: address,
              ...idempotent(`${idem.key()}.${hashOf(JSON.stringify(address))}`),
            }),
          );
          kept = [...kept, added];
          form.setFieldValue(["addresses", i, "id"], added.id);
        }
        saved.current = { ...saved.current, addresses: kept };
      } catch (err) {
        throw atRow(err, i);
      }
    }
    const fresh = await api(() => client.GET("/v1/customers/{id}", { params: { path: { id } } }));
    idem.done();
    draft.clear();
    message.success(t("saved"));
    onSaved(fresh);
  };

  const submit = async (values: FormValues) => {
    if (busyRef.current) return;
    busyRef.current = true;
    onBusy(true);
    setError(null);
    // After a success the drawer closes: the form stays busy, so that a click during the
    // closing animation sends nothing more.
    let finished = false;
    try {
      await (customer ? update(values) : create(values));
      finished = true;
    } catch (err) {
      const labels: Record<string, string> = {};
      for (const d of definitions) labels[`customFields.${d.key}`] = d.label ?? d.key ?? "";
      const shown = readableError(err, labels);
      if (!showFieldError(form, shown, ["customer"])) {
        const partly = customer && saved.current !== customer;
        setError(t(partly ? "partlySaved" : "saveFailed", { message: messageOf(err) }));
      }
    } finally {
      if (!finished) {
        busyRef.current = false;
        onBusy(false);
      }
    }
  };

  const tagOptions = tags.map((tag) => ({ value: tag.name ?? "", label: tag.name }));
  for (const name of initialValues.tags) {
    if (!tagOptions.some((o) => o.value === name)) tagOptions.push({ value: name, label: name });
  }

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onFinish={submit}
      onValuesChange={() => draft.save()}
      scrollToFirstError
      name={FORM_ID}
      data-testid="customer-form"
      onKeyDown={noEnterSubmit}
      requiredMark
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          closable={{ onClose: () => setError(null) }}
          style={{ marginBottom: 12 }}
          data-testid="customer-form-error"
        />
      )}
      <Typography.Title level={5}>{t("basics")}</Typography.Title>
      <Row gutter={12}>
        <Col span={16}>
          <Form.Item
            name="name"
            label={t("name")}
            rules={[
              { required: true, whitespace: true, message: t("required", { field: t("name") }) },
              textRule(t, t("name"), 100),
            ]}
          >
            <Input data-testid="customer-name" autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="kind" label={t("kind")}>
            <Radio.Group
              optionType="button"
              options={(["PERSON", "ORGANISATION"] as const).map((k) => ({
                value: k,
                label: t(`kind_${k}`),
              }))}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="idNumber"
            label={t("idNumber")}
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  const s = trimmed(v);
                  if (s && !s.includes("*") && countChars(s.normalize("NFKC")) !== 18) {
                    throw new Error(t("badIdNumber"));
                  }
                },
              },
            ]}
          >
            <Input placeholder={t("idNumberHint")} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item
            name="birthday"
            label={t("birthday")}
            getValueProps={dateProps}
            normalize={dateValue}
          >
            <DatePicker style={{ width: "100%" }} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="channel" label={t("channel")}>
            <Select
              allowClear
              options={CHANNELS.map((c) => ({ value: c, label: t(`channel_${c}`) }))}
              placeholder={t("selectPlaceholder")}
            />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item
            name="tags"
            label={t("tags")}
            rules={[{ type: "array", max: 30, message: t("tooMany", { max: 30 }) }]}
          >
            <Select
              mode="multiple"
              allowClear
              options={tagOptions}
              placeholder={t("selectPlaceholder")}
              data-testid="customer-tags"
            />
          </Form.Item>
        </Col>
      </Row>

      {shownDefs.length > 0 && (
        <>
          <Typography.Title level={5}>{t("customFields")}</Typography.Title>
          <Row gutter={12}>
            {shownDefs.map((d) => (
              <Col
                span={d.type === "MULTI_SELECT" || d.type === "GEO_POINT" ? 24 : 12}
                key={d.id ?? d.key}
              >
                <CustomFieldItem def={d} t={t} />
              </Col>
            ))}
          </Row>
        </>
      )}

      <Typography.Title level={5}>{t("contact")}</Typography.Title>
      <Form.List name="phones">
        {(fields, { add, remove }) => (
          <Row gutter={12}>
            {fields.map((field, i) => (
              <Col span={12} key={field.key}>
                <Form.Item
                  label={t("phone", { n: i + 1 })}
                  required={i === 0 && fields.length > 1}
                  style={{ marginBottom: 12 }}
                >
                  <Space.Compact block>
                    <Form.Item
                      name={field.name}
                      noStyle
                      rules={[
                        ...phoneRules(t, fields.length),
                        {
                          validator: async (_, v: string | undefined) => {
                            const s = trimmed(v);
                            if (s && (phones ?? []).filter((p) => trimmed(p) === s).length > 1) {
                              throw new Error(t("duplicatePhone"));
                            }
                          },
                        },
                      ]}
                    >
                      <Input
                        inputMode="tel"
                        autoComplete="off"
                        placeholder="139…"
                        data-testid={`customer-phone-${i}`}
                      />
                    </Form.Item>
                    {fields.length > 1 && (
                      <Button
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                        title={t("remove")}
                      />
                    )}
                  </Space.Compact>
                </Form.Item>
              </Col>
            ))}
            {fields.length < 10 && (
              <Col span={24}>
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add("")}
                  style={{ marginBottom: 16 }}
                  data-testid="customer-add-phone"
                >
                  {t("addPhone")}
                </Button>
              </Col>
            )}
          </Row>
        )}
      </Form.List>

      <Form.List name="addresses">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <Row gutter={12} key={field.key} align="top">
                <Form.Item name={[field.name, "id"]} hidden>
                  <Input />
                </Form.Item>
                <Col span={13}>
                  <Form.Item
                    name={[field.name, "text"]}
                    label={t("addressText", { n: i + 1 })}
                    rules={[
                      textRule(t, t("addresses"), 200),
                      {
                        validator: async (_, v: string | undefined) => {
                          const row = addresses?.[i];
                          const lone =
                            fields.length === 1 && !row?.id && !trimmed(row?.deliveryNotes);
                          if (!trimmed(v) && !lone)
                            throw new Error(t("required", { field: t("addresses") }));
                        },
                      },
                    ]}
                  >
                    <Input
                      placeholder={t("addressPlaceholder")}
                      data-testid={`customer-address-${i}`}
                    />
                  </Form.Item>
                </Col>
                <Col span={fields.length > 1 ? 9 : 11}>
                  <Form.Item
                    name={[field.name, "deliveryNotes"]}
                    label={t("deliveryNotes")}
                    rules={[textRule(t, t("deliveryNotes"), 500)]}
                  >
                    <Input placeholder={t("deliveryNotesPlaceholder")} />
                  </Form.Item>
                </Col>
                {fields.length > 1 && (
                  <Col span={2}>
                    <Form.Item label=" ">
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
            {fields.length < 20 && (
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ text: "", deliveryNotes: "" })}
                style={{ marginBottom: 16 }}
              >
                {t("addAddress")}
              </Button>
            )}
          </>
        )}
      </Form.List>

      <Typography.Title level={5}>{t("preferences")}</Typography.Title>
      <Row gutter={12}>
        <Col span={6}>
          <Form.Item
            name={["deliveryPreferences", "windowStartLocal"]}
            label={t("windowStart")}
            getValueProps={timeProps}
            normalize={timeValue}
          >
            <TimePicker format="HH:mm" minuteStep={5} style={{ width: "100%" }} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item
            name={["deliveryPreferences", "windowEndLocal"]}
            label={t("windowEnd")}
            getValueProps={timeProps}
            normalize={timeValue}
            dependencies={[["deliveryPreferences", "windowStartLocal"]]}
            rules={[
              ({ getFieldValue }) => ({
                validator: async (_, v: string | undefined) => {
                  const start = getFieldValue(["deliveryPreferences", "windowStartLocal"]) as
                    string | undefined;
                  if (v && start && v <= start) throw new Error(t("windowOrder"));
                },
              }),
            ]}
          >
            <TimePicker format="HH:mm" minuteStep={5} style={{ width: "100%" }} />
          </Form.Item>
        </Col>
        <Col span={4}>
          <Form.Item name={["deliveryPreferences", "floor"]} label={t("floor")}>
            <InputNumber min={0} max={200} precision={0} style={{ width: "100%" }} />
          </Form.Item>
        </Col>
        <Col span={4}>
          <Form.Item
            name={["deliveryPreferences", "noLift"]}
            label={t("noLift")}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
        </Col>
        <Col span={4}>
          <Form.Item
            name={["deliveryPreferences", "needsCart"]}
            label={t("needsCart")}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name={["deliveryPreferences", "weekdays"]} label={t("weekdays")}>
            <Checkbox.Group
              options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({
                value: d,
                label: t(`weekday_${d}` as "weekday_1"),
              }))}
            />
          </Form.Item>
        </Col>
      </Row>

      <Form.Item name="notes" label={t("notes")} rules={[textRule(t, t("notes"), 2000)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
    </Form>
  );
}
