// 记录来电: what the call was about, on the customer's communication record.
import { Alert, Form, Input, InputNumber, Modal, Radio, App } from "antd";
import { useState } from "react";
import { api, client, idempotent } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import { useIdempotencyKey } from "../../api/idempotency";
import { communicationKinds } from "../../components/labels";
import { countChars } from "../../components/text";
import { useFormDraft } from "../../components/useFormDraft";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";

interface Values {
  kind: string;
  summary: string;
  durationSeconds?: number;
}

export function CallRecordModal({
  open,
  customerId,
  onClose,
  onSaved,
}: {
  open: boolean;
  customerId: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT(messages);
  const language = useLanguage();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const draft = useFormDraft(form, `call.${customerId}`);
  const idem = useIdempotencyKey();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      await api(() =>
        client.POST("/v1/customers/{customerId}/communications", {
          params: { path: { customerId } },
          body: {
            kind: values.kind as "CALL_IN",
            summary: values.summary,
            durationSeconds: values.durationSeconds,
          },
          ...idempotent(idem.key()),
        }),
      );
      idem.done();
      draft.clear();
      form.resetFields();
      message.success(t("saved"));
      onSaved();
    } catch (err) {
      if (!showFieldError(form, err, ["communication"])) {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t("recordCall")}
      okText={t("save")}
      cancelText={t("cancel")}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden={false}
      forceRender
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: "CALL_IN" }}
        onFinish={submit}
        onValuesChange={draft.save}
        data-testid="call-record-form"
      >
        <Form.Item name="kind" label={t("callKind")}>
          <Radio.Group
            optionType="button"
            options={["CALL_IN", "CALL_OUT", "WECHAT", "VISIT", "FOLLOW_UP", "SMS"].map((k) => ({
              value: k,
              label: communicationKinds[k][language],
            }))}
          />
        </Form.Item>
        <Form.Item
          name="summary"
          label={t("summary")}
          rules={[{ required: true, whitespace: true, message: t("summaryRequired") }]}
        >
          <Input.TextArea
            rows={4}
            autoFocus
            count={{ show: true, max: 4000, strategy: countChars }}
          />
        </Form.Item>
        <Form.Item name="durationSeconds" label={t("duration")}>
          <InputNumber min={0} max={86400} style={{ width: 160 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
