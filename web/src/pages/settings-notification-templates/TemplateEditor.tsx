// One template (an event on a channel): its text with the event's variables one click
// away, a live preview as the customer reads it with its SMS parts, on/off, the provider's
// template code, and back to the shipped default.
import {
  App as AntApp,
  Alert,
  Button,
  Col,
  Form,
  Input,
  Popconfirm,
  Row,
  Space,
  Switch,
  Tag,
  Tooltip,
  Typography,
  type GetRef,
} from "antd";
import { useEffect, useRef, useState } from "react";
import { ApiError, api, client, type Schemas } from "../../api/client";
import { putServerError, serverErrorText } from "../../api/serverError";
import { countChars } from "../../components/text";
import { formatTime } from "../../components/time";
import { whoSaved } from "../../components/who";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";
import type { Template, TemplateEvent } from "./NotificationTemplatesPage";

type TextAreaRef = GetRef<typeof Input.TextArea>;
type Preview = Schemas["qingquan.notification.v1.PreviewTemplateResponse"];

interface FormValues {
  body: string;
  providerTemplateCode: string;
  enabled: boolean;
}

const PREVIEW_DELAY_MS = 300;
const MAX_BODY = 500;

function toForm(tpl: Template): FormValues {
  return {
    body: tpl.body ?? "",
    providerTemplateCode: tpl.providerTemplateCode ?? "",
    enabled: !!tpl.enabled,
  };
}

/** The variables a body uses, as the server reads them ({{ is a brace). */
function usedVariables(body: string): Set<string> {
  const used = new Set<string>();
  for (const m of body.replace(/\{\{/g, "").matchAll(/\{([a-z0-9_]+)\}/g)) used.add(m[1]);
  return used;
}

export function TemplateEditor({
  event,
  template,
  signature,
  canEdit,
  onSaved,
}: {
  event: TemplateEvent;
  template: Template;
  signature: string;
  canEdit: boolean;
  onSaved: (template: Template) => void;
}) {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const body = Form.useWatch("body", form) ?? template.body ?? "";
  const values = Form.useWatch([], form) as FormValues | undefined;
  const textArea = useRef<TextAreaRef>(null);
  const [saving, setSaving] = useState(false);
  const [resetting, setResetting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const preview = usePreview(event.event ?? "", template.channel ?? "SMS", body);
  const sms = template.channel === "SMS";
  const variables = event.variables ?? [];
  const used = usedVariables(body);
  const dirty =
    !!values &&
    (values.body !== (template.body ?? "") ||
      (values.providerTemplateCode ?? "") !== (template.providerTemplateCode ?? "") ||
      !!values.enabled !== !!template.enabled);

  /** The server's word on the body, in the console's words when it names a variable. */
  const bodyError = (err: unknown): string => {
    const detail = err instanceof ApiError ? (err.detail ?? "") : "";
    const unknown = /unknown variable \{([^}]*)\}/.exec(detail);
    if (unknown) {
      return t("unknownVariable", {
        name: `{${unknown[1]}}`,
        allowed: variables.map((v) => `{${v.name}}`).join(" "),
      });
    }
    if (/starts no \{variable\}/.test(detail)) return t("badBrace");
    return serverErrorText(err, true);
  };

  const insert = (name: string) => {
    const el = textArea.current?.resizableTextArea?.textArea;
    const current: string = form.getFieldValue("body") ?? "";
    const start = el?.selectionStart ?? current.length;
    const end = el?.selectionEnd ?? current.length;
    const token = `{${name}}`;
    form.setFieldValue("body", current.slice(0, start) + token + current.slice(end));
    form.setFields([{ name: "body", errors: [] }]);
    // Back to the text, the cursor after what was inserted.
    requestAnimationFrame(() => {
      const area = textArea.current?.resizableTextArea?.textArea;
      if (!area) return;
      area.focus();
      area.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const save = async (v: FormValues) => {
    setFormError(null);
    setSaving(true);
    try {
      const answer = await api(() =>
        client.PUT("/v1/notification-templates/{template.event}/{template.channel}", {
          params: {
            path: { "template.event": event.event ?? "", "template.channel": template.channel! },
          },
          body: {
            event: event.event,
            channel: template.channel,
            body: v.body,
            providerTemplateCode: v.providerTemplateCode?.trim() ?? "",
            enabled: !!v.enabled,
          },
        }),
      );
      onSaved(answer);
      form.setFieldsValue(toForm(answer));
      message.success(t("saved"));
    } catch (err) {
      if (err instanceof ApiError && err.field && /^(template\.)?body$/.test(err.field)) {
        form.setFields([{ name: "body", errors: [bodyError(err)] }]);
        form.scrollToField("body");
      } else if (!putServerError(form, err, { prefixes: ["template"] })) {
        setFormError(t("saveFailed", { message: serverErrorText(err) }));
      }
    } finally {
      setSaving(false);
    }
  };

  const reset = async () => {
    setFormError(null);
    setResetting(true);
    try {
      const answer = await api(() =>
        client.POST("/v1/notification-templates/{event}/{channel}:reset", {
          params: { path: { event: event.event ?? "", channel: template.channel! } },
          body: {},
        }),
      );
      onSaved(answer);
      form.setFieldsValue(toForm(answer));
      form.setFields([{ name: "body", errors: [] }]);
      message.success(t("resetDone"));
    } catch (err) {
      setFormError(t("saveFailed", { message: serverErrorText(err) }));
    } finally {
      setResetting(false);
    }
  };

  const who = whoSaved(template.updatedBy);
  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      initialValues={toForm(template)}
      onFinish={save}
      disabled={!canEdit}
      onValuesChange={() => setFormError(null)}
      data-testid={`template-form-${template.channel}`}
    >
      <Space size={12} wrap style={{ marginBottom: 12 }}>
        {template.isDefault ? (
          <Tag data-testid="template-state">{t("isDefault")}</Tag>
        ) : (
          <Tag color="blue" data-testid="template-state">
            {t("modified")}
          </Tag>
        )}
        <Typography.Text type="secondary" data-testid="template-changed">
          {!template.isDefault && template.updateTime ? (
            <span title={who.title}>
              {t("lastChanged", { who: who.text, time: formatTime(template.updateTime) })}
            </span>
          ) : (
            t("neverChanged")
          )}
        </Typography.Text>
        {dirty && canEdit && <Typography.Text type="warning">{t("unsaved")}</Typography.Text>}
      </Space>
      {formError && (
        <Alert
          type="error"
          showIcon
          title={formError}
          style={{ marginBottom: 12 }}
          data-testid="template-error"
        />
      )}
      <Row gutter={24}>
        <Col xs={24} xl={13}>
          <Form.Item label={t("variables")} style={{ marginBottom: 8 }}>
            <Space size={[6, 6]} wrap data-testid="template-variables">
              {variables.map((v) => (
                <Tooltip key={v.name} title={v.sample ? t("sample", { sample: v.sample }) : ""}>
                  <Tag
                    color={used.has(v.name ?? "") ? "blue" : undefined}
                    style={{ cursor: canEdit ? "pointer" : "default", marginInlineEnd: 0 }}
                    onClick={canEdit ? () => insert(v.name ?? "") : undefined}
                    onMouseDown={(e) => e.preventDefault()}
                    role={canEdit ? "button" : undefined}
                    data-testid={`template-var-${v.name}`}
                  >
                    {`{${v.name}}`} {v.label}
                  </Tag>
                </Tooltip>
              ))}
            </Space>
          </Form.Item>
          <Form.Item
            name="body"
            label={t("body")}
            extra={sms && signature ? t("smsHint", { signature }) : undefined}
            rules={[{ required: true, whitespace: true, message: t("bodyRequired") }]}
          >
            <Input.TextArea
              ref={textArea}
              autoSize={{ minRows: 4, maxRows: 10 }}
              count={{ show: true, max: MAX_BODY, strategy: countChars }}
              data-testid="template-body"
            />
          </Form.Item>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item
                name="enabled"
                label={t("enabled")}
                valuePropName="checked"
                tooltip={t("enabledHelp")}
              >
                <Switch
                  checkedChildren={t("enabled")}
                  unCheckedChildren={t("disabled")}
                  data-testid="template-enabled"
                />
              </Form.Item>
            </Col>
            <Col span={16}>
              <Form.Item
                name="providerTemplateCode"
                label={t("providerTemplateCode")}
                tooltip={t("providerTemplateCodeHelp")}
              >
                <Input
                  maxLength={64}
                  placeholder="SMS_123456789"
                  data-testid="template-provider-code"
                />
              </Form.Item>
            </Col>
          </Row>
          {canEdit && (
            <Space>
              <Button type="primary" htmlType="submit" loading={saving} data-testid="template-save">
                {t("save")}
              </Button>
              <Button
                disabled={!dirty}
                onClick={() => {
                  form.setFieldsValue(toForm(template));
                  form.setFields([{ name: "body", errors: [] }]);
                }}
              >
                {t("revert")}
              </Button>
              <Popconfirm
                title={t("resetConfirm")}
                okText={t("ok")}
                cancelText={t("cancel")}
                onConfirm={reset}
                disabled={template.isDefault}
              >
                <Button
                  danger
                  loading={resetting}
                  disabled={template.isDefault}
                  data-testid="template-reset"
                >
                  {t("reset")}
                </Button>
              </Popconfirm>
            </Space>
          )}
        </Col>
        <Col xs={24} xl={11}>
          <PreviewPane preview={preview} sms={sms} errorText={bodyError} />
        </Col>
      </Row>
    </Form>
  );
}

interface PreviewState {
  data?: Preview;
  error?: unknown;
  loading: boolean;
}

/** The preview of `body`, asked again ~300 ms after the typing stops. */
function usePreview(event: string, channel: string, body: string): PreviewState {
  const [state, setState] = useState<{ body: string; data?: Preview; error?: unknown } | null>(
    null,
  );
  useEffect(() => {
    if (!body.trim()) return;
    let live = true;
    const timer = setTimeout(() => {
      api(() =>
        client.POST("/v1/notification-templates:preview", {
          body: {
            event,
            channel: channel as Schemas["qingquan.notification.v1.Channel"],
            body,
          },
        }),
      ).then(
        (data) => {
          if (live) setState({ body, data });
        },
        (error: unknown) => {
          if (live) setState({ body, error });
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [event, channel, body]);
  if (!body.trim()) return { loading: false };
  // The last answer stays on screen while the next one is asked for.
  return { data: state?.data, error: state?.error, loading: state?.body !== body };
}

function PreviewPane({
  preview,
  sms,
  errorText,
}: {
  preview: PreviewState;
  sms: boolean;
  errorText: (err: unknown) => string;
}) {
  const t = useT(messages);
  const data = preview.data;
  const parts = data?.smsSegments ?? 0;
  return (
    <div data-testid="template-preview">
      <Typography.Text type="secondary">{t("preview")}</Typography.Text>
      <div
        style={{
          marginTop: 8,
          padding: 16,
          background: "#f0f2f5",
          borderRadius: 12,
          minHeight: 120,
          opacity: preview.loading ? 0.6 : 1,
          transition: "opacity 0.2s",
        }}
      >
        {preview.error ? (
          <Alert
            type="warning"
            showIcon
            title={t("previewFailed", { message: errorText(preview.error) })}
            data-testid="template-preview-error"
          />
        ) : data ? (
          <div
            style={{
              background: sms ? "#ffffff" : "#e7f8e9",
              borderRadius: 10,
              padding: "10px 12px",
              maxWidth: 360,
              whiteSpace: "pre-wrap",
              wordBreak: "break-word",
              boxShadow: "0 1px 2px rgba(0,0,0,0.08)",
              lineHeight: 1.6,
            }}
            data-testid="template-preview-text"
          >
            {data.text}
          </div>
        ) : (
          <Typography.Text type="secondary">
            {preview.loading ? "…" : t("previewEmpty")}
          </Typography.Text>
        )}
      </div>
      {data && !preview.error && (
        <div style={{ marginTop: 8 }}>
          <Space size={8} wrap>
            <Typography.Text
              type={sms && parts > 1 ? "warning" : "secondary"}
              strong={sms && parts > 1}
              data-testid="template-preview-count"
              data-parts={sms ? parts : undefined}
            >
              {sms
                ? t("smsCount", { chars: data.characters ?? 0, parts })
                : t("charCount", { chars: data.characters ?? 0 })}
            </Typography.Text>
            {sms && parts > 1 && (
              <Tag color="warning" data-testid="template-preview-parts">
                {t("smsParts", { parts })}
              </Tag>
            )}
          </Space>
          {(data.missingValues ?? []).length > 0 && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t("missingValues", {
                  names: (data.missingValues ?? []).map((n) => `{${n}}`).join(" "),
                })}
              </Typography.Text>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
