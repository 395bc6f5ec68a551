// A caller the archive does not know: a new customer, prefilled with the number typed.
import { Alert, App, Form, Input, Modal } from "antd";
import { useEffect, useState } from "react";
import { ApiError, api, client, idempotent } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import { useIdempotencyKey } from "../../api/idempotency";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";

interface Values {
  name: string;
  phone: string;
  address?: string;
}

export function NewCustomerModal({
  open,
  phone,
  name,
  onClose,
  onCreated,
}: {
  open: boolean;
  phone: string;
  name: string;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const t = useT(messages);
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const idem = useIdempotencyKey();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (open) form.setFieldsValue({ phone: phone.trim(), name: name.trim() });
  }, [open, phone, name, form]);

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      const created = await api(() =>
        client.POST("/v1/customers", {
          body: {
            kind: "PERSON",
            name: values.name,
            phones: [values.phone],
            channel: "PHONE",
            addresses: values.address ? [{ text: values.address }] : [],
          },
          ...idempotent(idem.key()),
        }),
      );
      idem.done();
      form.resetFields();
      message.success(t("customerCreated"));
      onCreated(created.id ?? "");
    } catch (err) {
      // The server names phones[0] and addresses[0].text; the form has one of each.
      const field = err instanceof ApiError ? (err.field ?? "") : "";
      const shown =
        field.startsWith("phones") || field.startsWith("addresses")
          ? new ApiError(
              (err as ApiError).status,
              (err as ApiError).code,
              (err as ApiError).message,
              field.startsWith("phones") ? "phone" : "address",
            )
          : err;
      if (!showFieldError(form, shown, ["customer"])) {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t("newCustomer")}
      okText={t("create")}
      cancelText={t("cancel")}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={submit} data-testid="new-customer-form">
        <Form.Item
          name="name"
          label={t("name")}
          rules={[{ required: true, whitespace: true, message: t("nameRequired") }]}
        >
          <Input autoFocus />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t("phone")}
          rules={[{ required: true, message: t("phoneRequired") }]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="address" label={t("addressText")}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
