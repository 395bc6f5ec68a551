// Create or change a delivery order. A create picks the customer by search, then one of
// their addresses, items, a wanted time window (tenant time, Asia/Shanghai), payment and
// notes, and sends an Idempotency-Key kept until it succeeds, so a double click creates
// one order. A change PATCHes items, window, notes and address with an updateMask.
import { App as AntApp, DatePicker, Form } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { api, client, idempotent } from "../../api/client";
import { useIdempotencyKey } from "../../api/idempotency";
import { useFormDraft } from "../../components/useFormDraft";
import { useT } from "../../i18n/messages";
import { formatTime, wallToRfc3339 } from "../../components/time";
import { readableError, showFieldError } from "../../api/fieldErrors";
import { messages } from "./messages";
import {
  CustomerFields,
  DEFAULT_ITEM,
  FormDrawer,
  FormError,
  ItemsField,
  messageOf,
  noEnterSubmit,
  NotesField,
  PaymentField,
  itemsOut,
  useCustomerPicker,
  useEditTarget,
  useSubmitOnce,
  type Channel,
} from "./formParts";
import { type DeliveryOrder, type Item, type Payment } from "./shared";

const FORM_ID = "order-form";

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

function rangeProps(value: unknown) {
  const v = (value as Values["window"]) ?? null;
  return { value: v ? ([v[0] ? dayjs(v[0]) : null, v[1] ? dayjs(v[1]) : null] as const) : null };
}
function rangeValue(range: [Dayjs | null, Dayjs | null] | null) {
  if (!range) return null;
  return range.map((d) => (d ? d.format("YYYY-MM-DD HH:mm") : null));
}

const loadOrder = (id: string) =>
  api(() => client.GET("/v1/delivery-orders/{id}", { params: { path: { id } } }));

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
  const ready = useEditTarget(target?.mode === "edit" ? target.id : null, loadOrder);
  const [busy, setBusy] = useState(false);

  return (
    <FormDrawer
      open={!!target}
      title={
        target?.mode === "edit"
          ? t("editTitle", { number: ready?.record?.number ?? "" })
          : t("createTitle")
      }
      ready={ready}
      formId={FORM_ID}
      submitLabel={target?.mode === "edit" ? t("saveChanges") : t("save")}
      submitTestId="order-submit"
      busy={busy}
      onBusy={setBusy}
      onClose={onClose}
    >
      {ready && key && (
        <OrderForm
          key={key}
          draftKey={`delivery-orders.${key}`}
          order={ready.record}
          customerId={target?.mode === "create" ? target.customerId : undefined}
          onSaved={onSaved}
          onCancel={onClose}
          onBusy={setBusy}
        />
      )}
    </FormDrawer>
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
          items: order.items?.length ? order.items : [{ ...DEFAULT_ITEM }],
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
          items: [{ ...DEFAULT_ITEM }],
          payment: "TICKETS",
          notes: "",
        },
  );
  const draft = useFormDraft(form, draftKey);
  const idem = useIdempotencyKey();
  const [error, setError] = useState<string | null>(null);
  const picker = useCustomerPicker(form, initialValues.customerId);
  const once = useSubmitOnce(onBusy);

  const save = async (values: Values): Promise<boolean> => {
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
      onSaved(created);
      return true;
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
      onCancel();
      return true;
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
    onSaved(saved);
    return true;
  };

  const submit = (values: Values) => {
    setError(null);
    return once(
      () => save(values),
      (err) => {
        if (!showFieldError(form, readableError(err), ["deliveryOrder"]))
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
      data-testid="order-form"
      onKeyDown={noEnterSubmit}
      scrollToFirstError
    >
      <FormError error={error} testId="order-form-error" />
      <CustomerFields form={form} picker={picker} locked={!!order} testId="order" />
      <ItemsField picker={picker} testId="order" />

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

      <PaymentField form={form} picker={picker} locked={!!order} testId="order" />
      <NotesField testId="order" />
    </Form>
  );
}
