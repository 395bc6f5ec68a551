// Create or change a standing order (定期送水): the customer, address, items and payment as
// on a delivery order, then when it delivers (每天 / 每周几 / 每月几号, every N), the daily
// window in the tenant's local time ("15:00" alone: after three) and how many days ahead
// its orders are created. A create sends an Idempotency-Key kept until it succeeds; a
// change PATCHes what differs with an updateMask. A preview line says it in words.
import {
  App as AntApp,
  Alert,
  Checkbox,
  Col,
  DatePicker,
  Form,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  TimePicker,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { readableError, showFieldError } from "../../api/fieldErrors";
import { api, client, idempotent } from "../../api/client";
import { useIdempotencyKey } from "../../api/idempotency";
import { useFormDraft } from "../../components/useFormDraft";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";
import {
  CustomerFields,
  DEFAULT_ITEM,
  FormDrawer,
  FormError,
  ItemsField,
  itemsOut,
  messageOf,
  noEnterSubmit,
  NotesField,
  PaymentField,
  useCustomerPicker,
  useEditTarget,
  useSubmitOnce,
  type Channel,
} from "./formParts";
import {
  standingPreview,
  type Item,
  type Payment,
  type Recurrence,
  type StandingOrder,
} from "./shared";

const FORM_ID = "standing-order-form";
const FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY"] as const;
type Frequency = (typeof FREQUENCIES)[number];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export type StandingTarget = { mode: "create" } | { mode: "edit"; id: string };

interface Values {
  channel: Channel;
  customerId?: string;
  addressId?: string;
  items: Item[];
  payment: Payment;
  notes?: string;
  recurrence: {
    frequency: Frequency;
    interval?: number | null;
    weekdays?: number[];
    monthDays?: number[];
    /** "YYYY-MM-DD", the tenant's calendar. */
    startDate?: string | null;
    endDate?: string | null;
  };
  /** "HH:mm", the tenant's local time; either may be empty. */
  windowStartLocal?: string | null;
  windowEndLocal?: string | null;
  leadDays?: number | null;
}

function recurrenceOut(r: Values["recurrence"], skipDates: string[] | undefined): Recurrence {
  const sorted = (days: number[] | undefined) => [...(days ?? [])].sort((a, b) => a - b);
  return {
    frequency: r.frequency,
    interval: r.interval && r.interval > 1 ? r.interval : undefined,
    weekdays: r.frequency === "WEEKLY" ? sorted(r.weekdays) : undefined,
    monthDays: r.frequency === "MONTHLY" ? sorted(r.monthDays) : undefined,
    startDate: r.startDate || undefined,
    endDate: r.endDate || undefined,
    skipDates: skipDates?.length ? skipDates : undefined,
  };
}

/** What the form's values ask for, as a StandingOrder (the fields a PATCH may change). */
function specOut(v: Values, skipDates: string[] | undefined): StandingOrder {
  return {
    addressId: v.addressId || "",
    items: itemsOut(v.items),
    payment: v.payment,
    notes: (v.notes ?? "").trim(),
    recurrence: recurrenceOut(v.recurrence, skipDates),
    windowStartLocal: v.windowStartLocal || "",
    windowEndLocal: v.windowEndLocal || "",
    leadDays: v.leadDays ?? undefined,
  };
}

/** Form value "HH:mm" / "YYYY-MM-DD" ⇄ the picker's dayjs. */
function pickerProps(format: string) {
  return {
    getValueProps: (v: unknown) => ({ value: v ? dayjs(v as string, format) : null }),
    normalize: (d: Dayjs | null) => (d ? d.format(format) : null),
  };
}
const timeProps = pickerProps("HH:mm");
const dateProps = pickerProps("YYYY-MM-DD");

const loadStanding = (id: string) =>
  api(() => client.GET("/v1/standing-orders/{id}", { params: { path: { id } } }));

export function StandingOrderDrawer({
  target,
  onClose,
  onSaved,
}: {
  target: StandingTarget | null;
  onClose: () => void;
  onSaved: (s: StandingOrder) => void;
}) {
  const t = useT(messages);
  const ready = useEditTarget(target?.mode === "edit" ? target.id : null, loadStanding);
  const [busy, setBusy] = useState(false);
  const key = target ? (target.mode === "edit" ? `edit.${target.id}` : "create") : null;
  return (
    <FormDrawer
      open={!!target}
      title={target?.mode === "edit" ? t("standingEditTitle") : t("standingCreateTitle")}
      ready={ready}
      formId={FORM_ID}
      submitLabel={target?.mode === "edit" ? t("saveChanges") : t("save")}
      submitTestId="standing-submit"
      busy={busy}
      onBusy={setBusy}
      onClose={onClose}
    >
      {ready && key && (
        <StandingForm
          key={key}
          draftKey={`standing-orders.${key}`}
          standing={ready.record}
          onSaved={onSaved}
          onCancel={onClose}
          onBusy={setBusy}
        />
      )}
    </FormDrawer>
  );
}

function StandingForm({
  standing,
  draftKey,
  onSaved,
  onCancel,
  onBusy,
}: {
  standing: StandingOrder | null;
  draftKey: string;
  onSaved: (s: StandingOrder) => void;
  onCancel: () => void;
  onBusy: (busy: boolean) => void;
}) {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [initialValues] = useState<Values>(() => {
    const r = standing?.recurrence;
    return {
      channel: standing?.channel ?? "PHONE",
      customerId: standing?.customerId,
      addressId: standing?.addressId || undefined,
      items: standing?.items?.length ? standing.items : [{ ...DEFAULT_ITEM }],
      payment: standing?.payment ?? "TICKETS",
      notes: standing?.notes ?? "",
      recurrence: {
        frequency: FREQUENCIES.find((f) => f === r?.frequency) ?? "WEEKLY",
        interval: r?.interval || 1,
        weekdays: r?.weekdays ?? [],
        monthDays: r?.monthDays ?? [],
        startDate: r?.startDate || null,
        endDate: r?.endDate || null,
      },
      windowStartLocal: standing?.windowStartLocal || null,
      windowEndLocal: standing?.windowEndLocal || null,
      leadDays: standing?.leadDays ?? null,
    };
  });
  const draft = useFormDraft(form, draftKey);
  const idem = useIdempotencyKey();
  const [error, setError] = useState<string | null>(null);
  const picker = useCustomerPicker(form, initialValues.customerId);
  const once = useSubmitOnce(onBusy);
  const skipDates = standing?.recurrence?.skipDates;

  const watched = Form.useWatch([], form) as Values | undefined;
  const frequency: Frequency = watched?.recurrence?.frequency ?? initialValues.recurrence.frequency;
  const preview = standingPreview(specOut({ ...initialValues, ...watched }, skipDates), t);

  const labels: Record<string, string> = {
    "recurrence.frequency": t("frequency"),
    "recurrence.interval": t("interval"),
    "recurrence.weekdays": t("weekdays"),
    "recurrence.monthDays": t("monthDays"),
    "recurrence.startDate": t("startDate"),
    "recurrence.endDate": t("endDate"),
    recurrence: t("frequency"),
    windowStartLocal: t("dailyFrom"),
    windowEndLocal: t("dailyUntil"),
    leadDays: t("leadDays"),
  };
  for (const [k, v] of Object.entries(labels)) labels[`standingOrder.${k}`] = v;

  const save = async (values: Values): Promise<boolean> => {
    const spec = specOut(values, skipDates);
    if (!standing) {
      const created = await api(() =>
        client.POST("/v1/standing-orders", {
          body: {
            ...spec,
            channel: values.channel,
            customerId: values.customerId,
            addressId: spec.addressId || undefined,
            notes: spec.notes || undefined,
            windowStartLocal: spec.windowStartLocal || undefined,
            windowEndLocal: spec.windowEndLocal || undefined,
          },
          ...idempotent(idem.key()),
        }),
      );
      idem.done();
      draft.clear();
      message.success(t("standingCreated"));
      onSaved(created);
      return true;
    }
    const before = specOut(initialValues, skipDates);
    const mask = (Object.keys(spec) as (keyof StandingOrder)[]).filter(
      (k) => JSON.stringify(spec[k] ?? null) !== JSON.stringify(before[k] ?? null),
    );
    if (!mask.length) {
      message.info(t("nothingChanged"));
      draft.clear();
      onCancel();
      return true;
    }
    const body: StandingOrder = { id: standing.id };
    for (const k of mask) Object.assign(body, { [k]: spec[k] });
    const saved = await api(() =>
      client.PATCH("/v1/standing-orders/{standingOrder.id}", {
        params: {
          path: { "standingOrder.id": standing.id ?? "" },
          query: { updateMask: mask.join(",") },
        },
        body,
      }),
    );
    draft.clear();
    message.success(t("saved"));
    onSaved(saved);
    return true;
  };

  const submit = (values: Values) => {
    setError(null);
    return once(
      () => save(values),
      (err) => {
        if (!showFieldError(form, readableError(err, labels), ["standingOrder"]))
          setError(t("saveFailed", { message: messageOf(err) }));
      },
    );
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onFinish={submit}
      onValuesChange={() => draft.save()}
      name={FORM_ID}
      data-testid="standing-form"
      onKeyDown={noEnterSubmit}
      scrollToFirstError
    >
      <FormError error={error} testId="standing-form-error" />
      <CustomerFields form={form} picker={picker} locked={!!standing} testId="standing" />
      <ItemsField picker={picker} testId="standing" />

      <Form.Item name={["recurrence", "frequency"]} label={t("frequency")}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={FREQUENCIES.map((f) => ({ value: f, label: t(`frequency_${f}`) }))}
          data-testid="standing-frequency"
        />
      </Form.Item>
      {frequency === "WEEKLY" && (
        <Form.Item name={["recurrence", "weekdays"]} label={t("weekdays")}>
          <Checkbox.Group
            options={WEEKDAYS.map((d) => ({ value: d, label: t(`weekday_${d}`) }))}
            data-testid="standing-weekdays"
          />
        </Form.Item>
      )}
      {frequency === "MONTHLY" && (
        <Form.Item name={["recurrence", "monthDays"]} label={t("monthDays")}>
          <Select
            mode="multiple"
            options={[
              ...Array.from({ length: 31 }, (_, i) => ({ value: i + 1, label: String(i + 1) })),
              { value: -1, label: t("lastDay") },
            ]}
            data-testid="standing-month-days"
          />
        </Form.Item>
      )}
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item label={t("interval")} extra={t("intervalHint")}>
            <Space.Compact>
              <Space.Addon>{t("intervalPrefix")}</Space.Addon>
              <Form.Item name={["recurrence", "interval"]} noStyle>
                <InputNumber min={1} precision={0} style={{ width: 70 }} />
              </Form.Item>
              <Space.Addon>{t(`intervalUnit_${frequency}`)}</Space.Addon>
            </Space.Compact>
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            name={["recurrence", "startDate"]}
            label={t("startDate")}
            extra={t("startDateHint")}
            {...dateProps}
          >
            <DatePicker style={{ width: "100%" }} data-testid="standing-start-date" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={["recurrence", "endDate"]} label={t("endDate")} {...dateProps}>
            <DatePicker
              style={{ width: "100%" }}
              placeholder={t("noEnd")}
              data-testid="standing-end-date"
            />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name="windowStartLocal" label={t("dailyFrom")} {...timeProps}>
            <TimePicker
              format="HH:mm"
              minuteStep={15}
              needConfirm={false}
              style={{ width: "100%" }}
              data-testid="standing-window-start"
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            name="windowEndLocal"
            label={t("dailyUntil")}
            {...timeProps}
            rules={[
              {
                validator: async (_, v: string | null | undefined) => {
                  const from = form.getFieldValue("windowStartLocal") as string | null;
                  if (v && from && v <= from) throw new Error(t("windowOrder"));
                },
              },
            ]}
          >
            <TimePicker
              format="HH:mm"
              minuteStep={15}
              needConfirm={false}
              style={{ width: "100%" }}
              data-testid="standing-window-end"
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="leadDays" label={t("leadDays")}>
            <InputNumber
              min={0}
              max={7}
              precision={0}
              placeholder="1"
              suffix={t("days")}
              style={{ width: "100%" }}
              data-testid="standing-lead-days"
            />
          </Form.Item>
        </Col>
      </Row>
      <Alert
        type="info"
        style={{ marginTop: -8, marginBottom: 16 }}
        title={t("previewLabel")}
        description={preview}
        data-testid="standing-preview"
      />
      <PaymentField
        form={form}
        picker={picker}
        locked={false}
        testId="standing"
        extra={t("standingPaymentHint")}
      />
      <NotesField testId="standing" />
    </Form>
  );
}
