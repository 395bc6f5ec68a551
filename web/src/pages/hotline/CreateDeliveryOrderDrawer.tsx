// 新建配送单 from the 360 view: items, the customer's address, a desired window and how
// it is paid. Without a window the order service applies the customer's standing wishes.
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  DatePicker,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
} from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { api, client, idempotent, type Schemas } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import { useIdempotencyKey } from "../../api/idempotency";
import { payments } from "../../components/labels";
import { countChars } from "../../components/text";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";

type Customer = Schemas["qingquan.customer.v1.Customer"];
type Payment = Schemas["qingquan.order.v1.DeliveryOrder.Payment"];

interface Values {
  items: { product: string; quantity: number }[];
  addressId?: string;
  window?: [Dayjs | null, Dayjs | null];
  payment: Payment;
  notes?: string;
}

const PRODUCTS = ["18.9L", "11.3L", "7.5L", "5L"];

export function CreateDeliveryOrderDrawer({
  open,
  customer,
  onClose,
  onCreated,
}: {
  open: boolean;
  customer: Customer;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const t = useT(messages);
  const language = useLanguage();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const idem = useIdempotencyKey();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      const [start, end] = values.window ?? [null, null];
      const created = await api(() =>
        client.POST("/v1/delivery-orders", {
          body: {
            channel: "PHONE",
            customerId: customer.id,
            addressId: values.addressId,
            items: values.items,
            payment: values.payment,
            notes: values.notes,
            window:
              start || end
                ? { startTime: start?.toISOString(), endTime: end?.toISOString() }
                : undefined,
          },
          ...idempotent(idem.key()),
        }),
      );
      idem.done();
      form.resetFields();
      message.success(t("deliveryCreated", { number: created.number ?? "" }));
      onCreated(created.id ?? "");
    } catch (err) {
      if (!showFieldError(form, err, ["deliveryOrder"])) {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={open}
      title={`${t("createDeliveryOrder")} · ${customer.name ?? ""}`}
      size={520}
      onClose={onClose}
      forceRender
      extra={
        <Space>
          <Button onClick={onClose}>{t("cancel")}</Button>
          <Button
            type="primary"
            loading={busy}
            onClick={() => form.submit()}
            data-testid="delivery-submit"
          >
            {t("create")}
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          items: [{ product: "18.9L", quantity: 2 }],
          payment: "TICKETS",
          addressId: customer.addresses?.[0]?.id,
        }}
      >
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline">
                  <Form.Item
                    name={[field.name, "product"]}
                    label={t("product")}
                    rules={[{ required: true }]}
                  >
                    <Select
                      style={{ width: 160 }}
                      options={PRODUCTS.map((p) => ({ value: p, label: p }))}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, "quantity"]}
                    label={t("quantity")}
                    rules={[{ required: true }]}
                  >
                    <InputNumber min={1} max={999} />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(field.name)} />}
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ product: "18.9L", quantity: 1 })}
              >
                {t("addItem")}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="addressId" label={t("address")} style={{ marginTop: 16 }}>
          <Select
            options={(customer.addresses ?? []).map((a) => ({ value: a.id, label: a.text }))}
          />
        </Form.Item>
        <Form.Item name="window" label={t("window")}>
          <DatePicker.RangePicker
            showTime={{ format: "HH:mm" }}
            format="YYYY-MM-DD HH:mm"
            allowEmpty={[true, true]}
          />
        </Form.Item>
        <Form.Item name="payment" label={t("payment")}>
          <Radio.Group
            optionType="button"
            options={["TICKETS", "CASH", "ONLINE"].map((p) => ({
              value: p,
              label: payments[p][language],
            }))}
          />
        </Form.Item>
        <Form.Item name="notes" label={t("notes")}>
          <Input.TextArea rows={2} count={{ show: true, max: 1000, strategy: countChars }} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
