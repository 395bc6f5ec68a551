// The form engine's fields in a form: one input per FieldDefinition, checked in the
// browser by the definition's own rules (required, min/max, decimals, options) before the
// server checks them again. Values are kept in the form in their stored JSON forms (a
// date as "YYYY-MM-DD", a geo point as {lat, lng}), so a draft survives as JSON.
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
import dayjs from "dayjs";
import { useRef, useState, type ReactNode } from "react";
import { newIdempotencyKey } from "../../api/idempotency";
import { uploadAttachment } from "../../api/attachments";
import type { Schemas } from "../../api/client";
import { countChars } from "../../components/text";
import type { T } from "./messages";

export type FieldDefinition = Schemas["qingquan.customer.v1.FieldDefinition"];
export interface GeoValue {
  lat?: number | null;
  lng?: number | null;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") {
    const g = value as GeoValue;
    return (g.lat === undefined || g.lat === null) && (g.lng === undefined || g.lng === null);
  }
  return false;
}

function decimalsOf(n: number): number {
  const text = String(n);
  if (/e-/i.test(text)) return Number(text.split(/e-/i)[1]);
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** The browser-side rules of one definition, in the server's order of checks. */
export function customFieldRules(def: FieldDefinition, t: T): FormRule[] {
  const field = def.label ?? def.key ?? "";
  const { min, max } = def;
  return [
    {
      validator: async (_rule, value: unknown) => {
        if (isEmpty(value)) {
          if (def.required) throw new Error(t("required", { field }));
          return;
        }
        switch (def.type) {
          case "TEXT": {
            const n = countChars(String(value).trim());
            if (max !== undefined && n > max) throw new Error(t("tooLong", { field, max, n }));
            if (min !== undefined && n < min) throw new Error(t("tooShort", { field, min }));
            return;
          }
          case "NUMBER": {
            const n = typeof value === "number" ? value : Number(value);
            if (!Number.isFinite(n)) throw new Error(t("notNumber", { field }));
            if (min !== undefined && n < min) throw new Error(t("tooSmall", { field, min }));
            if (max !== undefined && n > max) throw new Error(t("tooLarge", { field, max }));
            if (def.decimals !== undefined && decimalsOf(n) > def.decimals) {
              throw new Error(
                def.decimals === 0
                  ? t("notWhole", { field })
                  : t("tooManyDecimals", { field, n: def.decimals }),
              );
            }
            return;
          }
          case "MULTI_SELECT": {
            const n = (value as unknown[]).length;
            if (min !== undefined && n < min) throw new Error(t("tooFewChoices", { field, min }));
            if (max !== undefined && n > max) throw new Error(t("tooManyChoices", { field, max }));
            return;
          }
          case "GEO_POINT": {
            const g = value as GeoValue;
            const ok =
              typeof g.lat === "number" &&
              typeof g.lng === "number" &&
              Math.abs(g.lat) <= 90 &&
              Math.abs(g.lng) <= 180;
            if (!ok) throw new Error(t("badGeo"));
            return;
          }
          default:
            return;
        }
      },
    },
  ];
}

function GeoInput({
  value,
  onChange,
  disabled,
  t,
}: {
  value?: GeoValue | null;
  onChange?: (v: GeoValue | null) => void;
  disabled?: boolean;
  t: T;
}) {
  const set = (part: keyof GeoValue, n: number | null) => {
    const next = { ...(value ?? {}), [part]: n };
    onChange?.(isEmpty(next) ? null : next);
  };
  return (
    <Space.Compact block>
      <InputNumber
        style={{ width: "50%" }}
        placeholder={t("lat")}
        value={value?.lat ?? null}
        disabled={disabled}
        onChange={(n) => set("lat", typeof n === "number" ? n : null)}
      />
      <InputNumber
        style={{ width: "50%" }}
        placeholder={t("lng")}
        value={value?.lng ?? null}
        disabled={disabled}
        onChange={(n) => set("lng", typeof n === "number" ? n : null)}
      />
    </Space.Compact>
  );
}

function ImageInput({
  value,
  onChange,
  disabled,
  t,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  disabled?: boolean;
  t: T;
}) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  return (
    <Space wrap>
      <input
        ref={input}
        type="file"
        accept="image/*"
        hidden
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (!file) return;
          setBusy(true);
          try {
            const att = await uploadAttachment(file, newIdempotencyKey());
            onChange?.(att.id ?? null);
            setNote(t("uploaded", { name: file.name }));
          } catch (err) {
            setNote(
              t("uploadFailed", { message: err instanceof Error ? err.message : String(err) }),
            );
          } finally {
            setBusy(false);
          }
        }}
      />
      <Button
        icon={<UploadOutlined />}
        loading={busy}
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        {t("uploadImage")}
      </Button>
      {value && !note && <Typography.Text type="secondary">{value}</Typography.Text>}
      {note && <Typography.Text type="secondary">{note}</Typography.Text>}
      {value && !disabled && (
        <Button
          type="link"
          size="small"
          onClick={() => {
            onChange?.(null);
            setNote(null);
          }}
        >
          {t("remove")}
        </Button>
      )}
    </Space>
  );
}

function dateProps(value: unknown) {
  return { value: typeof value === "string" && value ? dayjs(value) : undefined };
}

function dateValue(d: dayjs.Dayjs | null): string | null {
  return d ? d.format("YYYY-MM-DD") : null;
}

/** One custom field of the form, named ["customFields", key]. */
export function CustomFieldItem({ def, t }: { def: FieldDefinition; t: T }) {
  const key = def.key ?? "";
  const retired = def.active === false;
  const label = `${def.label ?? key}${retired ? t("retired") : ""}`;
  const common = {
    name: ["customFields", key],
    label,
    rules: retired ? [] : customFieldRules(def, t),
    required: def.required && !retired,
  };
  const options = (def.options ?? []).map((o) => ({
    value: o.value ?? "",
    label: o.label ?? o.value,
  }));
  let input: ReactNode;
  let extra: Record<string, unknown> = {};
  switch (def.type) {
    case "NUMBER":
      input = <InputNumber style={{ width: "100%" }} disabled={retired} />;
      break;
    case "DATE":
      input = <DatePicker style={{ width: "100%" }} disabled={retired} />;
      extra = { getValueProps: dateProps, normalize: dateValue };
      break;
    case "SINGLE_SELECT":
      input = (
        <Select
          allowClear
          options={options}
          disabled={retired}
          placeholder={t("selectPlaceholder")}
        />
      );
      break;
    case "MULTI_SELECT":
      input = (
        <Select
          mode="multiple"
          allowClear
          options={options}
          disabled={retired}
          placeholder={t("selectPlaceholder")}
        />
      );
      break;
    case "GEO_POINT":
      input = <GeoInput disabled={retired} t={t} />;
      break;
    case "IMAGE":
      input = <ImageInput disabled={retired} t={t} />;
      break;
    default:
      input =
        def.max !== undefined && def.max > 200 ? (
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} disabled={retired} />
        ) : (
          <Input disabled={retired} />
        );
  }
  return (
    <div data-testid={`custom-field-${key}`}>
      <Form.Item {...common} {...extra}>
        {input}
      </Form.Item>
    </div>
  );
}

/** The value as the API takes it: trimmed text, null for "no value". */
export function customFieldOut(def: FieldDefinition, value: unknown): unknown {
  if (isEmpty(value)) return null;
  if (def.type === "TEXT" && typeof value === "string") return value.trim();
  return value;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
