// 新建工单 from the 360 view: type, urgency, the customer's address, description and
// photos. The channel is the phone (this is the hotline). The order service routes it:
// a field type to the team of the address's area, a desk type to the agents.
import { PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Drawer,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Upload,
  type UploadFile,
} from "antd";
import { useEffect, useState } from "react";
import { uploadAttachment } from "../../api/attachments";
import { api, client, idempotent, type Schemas } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import { newIdempotencyKey, useIdempotencyKey } from "../../api/idempotency";
import { labelOf, urgencies, workOrderTypes } from "../../components/labels";
import { countChars } from "../../components/text";
import { useFormDraft } from "../../components/useFormDraft";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";

type Customer = Schemas["qingquan.customer.v1.Customer"];
type WorkOrderType = Schemas["qingquan.order.v1.WorkOrder.Type"];
type Urgency = Schemas["qingquan.order.v1.WorkOrder.Urgency"];

interface Values {
  type: WorkOrderType;
  urgency: Urgency;
  addressId?: string;
  description: string;
}

export function CreateWorkOrderDrawer({
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
  const draft = useFormDraft(form, `workOrder.${customer.id}`);
  const idem = useIdempotencyKey();
  const [kinds, setKinds] = useState<string[]>([]);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open || kinds.length) return;
    api(() => client.GET("/v1/workflows"))
      .then((r) =>
        setKinds((r.workflows ?? []).map((w) => w.kind ?? "").filter((k) => k && k !== "DELIVERY")),
      )
      .catch(() => setKinds(Object.keys(workOrderTypes)));
  }, [open, kinds.length]);

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      const attachmentIds = files
        .map((f) => (f.response as { id?: string } | undefined)?.id)
        .filter((id): id is string => !!id);
      const created = await api(() =>
        client.POST("/v1/work-orders", {
          body: {
            type: values.type,
            urgency: values.urgency,
            channel: "PHONE",
            customerId: customer.id,
            addressId: values.addressId,
            description: values.description,
            attachmentIds,
          },
          ...idempotent(idem.key()),
        }),
      );
      idem.done();
      draft.clear();
      form.resetFields();
      setFiles([]);
      message.success(
        t("workOrderCreated", {
          number: created.number ?? "",
          routing: created.teamName || t("routingPending"),
        }),
      );
      onCreated(created.id ?? "");
    } catch (err) {
      if (!showFieldError(form, err, ["workOrder"])) {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={open}
      title={`${t("createWorkOrder")} · ${customer.name ?? ""}`}
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
            data-testid="work-order-submit"
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
        initialValues={{ urgency: "NORMAL", addressId: customer.addresses?.[0]?.id }}
        onFinish={submit}
        onValuesChange={draft.save}
        data-testid="work-order-form"
      >
        <Form.Item
          name="type"
          label={t("woType")}
          rules={[{ required: true, message: t("woTypeRequired") }]}
        >
          <Radio.Group
            optionType="button"
            options={kinds.map((k) => ({ value: k, label: labelOf(workOrderTypes, k, language) }))}
          />
        </Form.Item>
        <Form.Item name="urgency" label={t("urgency")}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={["NORMAL", "URGENT", "CRITICAL"].map((u) => ({
              value: u,
              label: urgencies[u][language],
            }))}
          />
        </Form.Item>
        <Form.Item name="addressId" label={t("address")}>
          <Select
            options={(customer.addresses ?? []).map((a) => ({
              value: a.id,
              label: `${a.text}${a.areaName ? ` (${a.areaName})` : ""}`,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="description"
          label={t("description")}
          rules={[{ required: true, whitespace: true, message: t("descriptionRequired") }]}
        >
          <Input.TextArea rows={5} count={{ show: true, max: 4000, strategy: countChars }} />
        </Form.Item>
        <Form.Item label={t("photos")} name="attachmentIds">
          <Upload
            listType="picture-card"
            accept="image/*"
            fileList={files}
            onChange={({ fileList }) => setFiles(fileList)}
            customRequest={({ file, onSuccess, onError }) => {
              uploadAttachment(file as File, newIdempotencyKey())
                .then((a) => onSuccess?.(a))
                .catch((e: Error) => onError?.(e));
            }}
          >
            <div>
              <PlusOutlined />
              <div style={{ marginTop: 4 }}>{t("upload")}</div>
            </div>
          </Upload>
        </Form.Item>
      </Form>
    </Drawer>
  );
}
