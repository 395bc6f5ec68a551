// How a field definition will look on the form, with its rules working: the admin can try
// a value and see what the form will say about it before saving the definition.
import { UploadOutlined } from "@ant-design/icons";
import {
  Button,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Typography,
  type FormRule,
} from "antd";
import { useEffect } from "react";
import type { Schemas } from "../../api/client";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";

export type FieldDefinition = Schemas["qingquan.customer.v1.FieldDefinition"];

function decimalPlaces(n: number): number {
  const text = String(n);
  const exp = /e-(\d+)$/i.exec(text);
  if (exp) return Number(exp[1]);
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

function blank(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") {
    const g = value as { lat?: unknown; lng?: unknown };
    return (g.lat ?? null) === null && (g.lng ?? null) === null;
  }
  return false;
}

export function FieldPreview({ def }: { def: FieldDefinition }) {
  const t = useT(messages);
  const [form] = Form.useForm();
  const field = def.label?.trim() || def.key || "";
  const { min, max, decimals } = def;
  const rulesKey = JSON.stringify([def.type, def.required, min, max, decimals, def.options]);

  // New rules: the value tried so far is checked again.
  useEffect(() => {
    if (form.isFieldTouched("value")) form.validateFields(["value"]).catch(() => undefined);
  }, [rulesKey, form]);

  if (!field || !def.type || def.type === "TYPE_UNSPECIFIED") {
    return (
      <Form form={form} data-testid="field-preview">
        <Typography.Text type="secondary">{t("previewEmpty")}</Typography.Text>
      </Form>
    );
  }
  const has = (n: number | undefined): n is number => n !== undefined && n !== null;
  const rules: FormRule[] = [
    {
      validator: async (_r, value: unknown) => {
        if (blank(value)) {
          if (def.required) throw new Error(t("pvRequired", { field }));
          return;
        }
        if (def.type === "NUMBER" && typeof value === "number") {
          if (has(min) && value < min) throw new Error(t("pvTooSmall", { field, min }));
          if (has(max) && value > max) throw new Error(t("pvTooLarge", { field, max }));
          if (has(decimals) && decimalPlaces(value) > decimals) {
            throw new Error(
              decimals === 0 ? t("pvWhole", { field }) : t("pvDecimals", { field, n: decimals }),
            );
          }
        }
        if (def.type === "TEXT" && typeof value === "string") {
          const n = [...value.trim()].length;
          if (has(max) && n > max) throw new Error(t("pvTooLong", { field, max }));
          if (has(min) && n < min) throw new Error(t("pvTooShort", { field, min }));
        }
        if (def.type === "MULTI_SELECT" && Array.isArray(value)) {
          if (has(min) && value.length < min) throw new Error(t("pvFewChoices", { field, min }));
          if (has(max) && value.length > max) throw new Error(t("pvManyChoices", { field, max }));
        }
      },
    },
  ];
  const options = (def.options ?? [])
    .filter((o) => o?.value)
    .map((o) => ({ value: o.value!, label: o.label || o.value! }));

  let input;
  switch (def.type) {
    case "NUMBER":
      input = (
        <InputNumber
          style={{ width: "100%" }}
          placeholder={
            has(min) || has(max) ? t("range", { min: min ?? "", max: max ?? "" }) : undefined
          }
        />
      );
      break;
    case "DATE":
      input = <DatePicker style={{ width: "100%" }} />;
      break;
    case "SINGLE_SELECT":
      input = <Select allowClear options={options} placeholder={t("pleaseSelect")} />;
      break;
    case "MULTI_SELECT":
      input = <Select mode="multiple" options={options} placeholder={t("pleaseSelect")} />;
      break;
    case "GEO_POINT":
      input = <GeoInput />;
      break;
    case "IMAGE":
      input = <Button icon={<UploadOutlined />}>{t("upload")}</Button>;
      break;
    default:
      input = (
        <Input
          placeholder={t("pleaseEnter")}
          showCount={has(max) ? { formatter: ({ count }) => `${count} / ${max}` } : false}
        />
      );
  }
  return (
    <Form form={form} layout="vertical" data-testid="field-preview">
      <Form.Item
        name="value"
        label={field}
        required={!!def.required}
        rules={rules}
        style={{ marginBottom: 0 }}
      >
        {input}
      </Form.Item>
    </Form>
  );
}

interface Geo {
  lat?: number | null;
  lng?: number | null;
}

function GeoInput({ value, onChange }: { value?: Geo; onChange?: (v: Geo) => void }) {
  const t = useT(messages);
  return (
    <Space.Compact style={{ width: "100%" }}>
      <InputNumber
        style={{ width: "50%" }}
        min={-90}
        max={90}
        placeholder={t("lat")}
        value={value?.lat ?? null}
        onChange={(lat) => onChange?.({ ...value, lat })}
      />
      <InputNumber
        style={{ width: "50%" }}
        min={-180}
        max={180}
        placeholder={t("lng")}
        value={value?.lng ?? null}
        onChange={(lng) => onChange?.({ ...value, lng })}
      />
    </Space.Compact>
  );
}
