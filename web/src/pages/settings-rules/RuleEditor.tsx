// A rule made or changed: from one of the ready-made templates (its parameters as a form)
// or written by hand ("自定义": subject, trigger, the condition in the structured editor,
// actions, cool-down), with the definition it makes as JSON and a dry run of the unsaved
// rule over today's data. The server's refusals sit at the field — or at the condition
// node — they name.
import { DeleteOutlined, ExperimentOutlined, PlusOutlined } from "@ant-design/icons";
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  Col,
  Collapse,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from "antd";
import { useMemo, useState } from "react";
import { ApiError, api, client, idempotent, type Schemas } from "../../api/client";
import { useIdempotencyKey } from "../../api/idempotency";
import { putServerError, serverErrorText } from "../../api/serverError";
import { labelOf, notificationChannels, notificationEvents } from "../../components/labels";
import {
  factsFor,
  ruleEvents,
  type Catalog,
  type RuleTemplate,
  type TemplateParam,
} from "../../components/rules/catalog";
import { DryRunResult, type DryRun } from "../../components/rules/DryRunResult";
import { messages as ruleMessages } from "../../components/rules/messages";
import { forgetRuleNames } from "../../components/rules/ruleNames";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { emptyGroup, fromJson, locate, toJson, type CondNode } from "./condition";
import { ConditionEditor, type NodeError } from "./ConditionEditor";
import { messages } from "./messages";
import { ScheduleInput } from "./ScheduleInput";

export type Rule = Schemas["qingquan.notification.v1.Rule"];

type Mode = "template" | "custom";

interface ActionValues {
  type?: string;
  template?: string;
  channel?: string;
  coupon?: string;
  amount_fen?: number;
  valid_days?: number;
  task?: string;
  note?: string;
  role?: string;
  tag?: string;
}

interface FormValues {
  name?: string;
  params?: Record<string, unknown>;
  triggerKind?: "event" | "schedule";
  definition?: {
    subject?: string;
    trigger?: { event?: string; schedule?: string };
    actions?: ActionValues[];
    cooldown_hours?: number;
  };
}

const ACTION_TYPES = ["send", "issue_coupon", "create_task", "escalate", "add_tag"];
const ACTION_FIELDS: Record<string, (keyof ActionValues)[]> = {
  send: ["template", "channel"],
  issue_coupon: ["coupon", "amount_fen", "valid_days"],
  create_task: ["task", "note"],
  escalate: ["role"],
  add_tag: ["tag"],
};
const ESCALATION_ROLES = ["manager", "agent", "dispatcher", "leader", "admin"];

function templateValues(tpl: RuleTemplate, rule?: Rule): FormValues {
  const params: Record<string, unknown> = {};
  for (const p of tpl.params) params[p.name] = p.default;
  Object.assign(params, (rule?.params ?? {}) as Record<string, unknown>);
  return { name: rule?.name ?? tpl.name_zh ?? tpl.id, params };
}

function customValues(definition: Record<string, unknown> | undefined, name?: string): FormValues {
  const d = (definition ?? {}) as {
    subject?: string;
    trigger?: { event?: string; schedule?: string };
    actions?: ActionValues[];
    cooldown_hours?: number;
  };
  const trigger = d.trigger ?? { event: "ledger.posted" };
  return {
    name: name ?? "",
    triggerKind: trigger.schedule !== undefined ? "schedule" : "event",
    definition: {
      subject: d.subject ?? "customer",
      trigger: {
        event: trigger.event ?? "ledger.posted",
        schedule: trigger.schedule ?? "daily 09:00",
      },
      actions: d.actions ?? [{ type: "send", template: "ticket_balance_low", channel: "SMS" }],
      cooldown_hours: d.cooldown_hours ?? 24,
    },
  };
}

/** The paths of the leaves of a form's changed values ({a: {b: 1}} → [["a", "b"]]). */
function changedPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => changedPaths(v, [...prefix, k]));
  }
  if (Array.isArray(value) && prefix.length && prefix[prefix.length - 1] === "actions") {
    return value.flatMap((v, i) => (v === undefined ? [] : changedPaths(v, [...prefix, i])));
  }
  return [prefix];
}

/** The "<field>: " the service puts before its reason, dropped. */
function reasonOf(err: ApiError, field: string): string {
  const detail = (err.detail ?? "").trim();
  const m = /^([\w.[\]]+):\s*(.*)$/s.exec(detail);
  if (m && field.endsWith(m[1])) return m[2];
  return detail;
}

export function RuleEditor({
  open,
  rule,
  catalog,
  canEdit,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** The rule to change; null for a new one. */
  rule: Rule | null;
  catalog: Catalog | undefined;
  canEdit: boolean;
  onClose: () => void;
  onSaved: (rule: Rule) => void;
}) {
  const t = useT(messages);
  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={1000}
      destroyOnHidden
      title={
        rule ? (canEdit ? t("editTitle", { name: rule.name ?? "" }) : rule.name) : t("newTitle")
      }
      data-testid="rule-editor"
    >
      {open && catalog && (
        <EditorBody rule={rule} catalog={catalog} canEdit={canEdit} onSaved={onSaved} />
      )}
    </Drawer>
  );
}

function EditorBody({
  rule,
  catalog,
  canEdit,
  onSaved,
}: {
  rule: Rule | null;
  catalog: Catalog;
  canEdit: boolean;
  onSaved: (rule: Rule) => void;
}) {
  const t = useT(messages);
  const rt = useT(ruleMessages);
  const language = useLanguage();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const idem = useIdempotencyKey();
  const initialMode: Mode | null = rule ? (rule.templateId ? "template" : "custom") : null;
  const [mode, setMode] = useState<Mode | null>(initialMode);
  const [templateId, setTemplateId] = useState(rule?.templateId ?? "");
  const [tree, setTree] = useState<CondNode>(() =>
    rule && !rule.templateId
      ? fromJson((rule.definition as Record<string, unknown> | undefined)?.condition)
      : emptyGroup(),
  );
  const [formError, setFormError] = useState<string | null>(null);
  const [nodeError, setNodeError] = useState<NodeError | null>(null);
  const [saving, setSaving] = useState(false);
  const [dryRunning, setDryRunning] = useState(false);
  const [dryRun, setDryRun] = useState<DryRun | null>(null);
  const template = catalog.templates.find((x) => x.id === templateId);
  const values = Form.useWatch([], { form, preserve: true }) as FormValues | undefined;
  const factsByName = useMemo(
    () => new Map(catalog.facts.map((f) => [f.name, f])),
    [catalog.facts],
  );
  const subject = values?.definition?.subject ?? "customer";
  const subjectFacts = useMemo(() => factsFor(catalog, subject), [catalog, subject]);

  // The form starts anew (remounted with these values) when a template is chosen.
  const [initial, setInitial] = useState<FormValues>(() => {
    if (!rule) return {};
    const tpl = catalog.templates.find((x) => x.id === rule.templateId);
    return tpl
      ? templateValues(tpl, rule)
      : customValues(rule.definition as Record<string, unknown> | undefined, rule.name);
  });
  const [formKey, setFormKey] = useState(0);

  const choose = (id: string) => {
    setFormError(null);
    setNodeError(null);
    setDryRun(null);
    if (id === "custom") {
      setMode("custom");
      setTemplateId("");
      setTree(emptyGroup());
      setInitial(customValues(undefined, ""));
    } else {
      const tpl = catalog.templates.find((x) => x.id === id);
      if (!tpl) return;
      setMode("template");
      setTemplateId(id);
      setInitial(templateValues(tpl));
    }
    setFormKey((k) => k + 1);
  };

  /** A template rule written out, to change it by hand. */
  const toCustom = () => {
    const definition = rule?.definition as Record<string, unknown> | undefined;
    setMode("custom");
    setTemplateId("");
    setTree(fromJson(definition?.condition));
    setInitial(customValues(definition, form.getFieldValue("name")));
    setFormKey((k) => k + 1);
    setDryRun(null);
  };

  /** The rule as the API takes it, from the form. */
  const build = (v: FormValues | undefined): Rule => {
    const name = v?.name?.trim() || undefined;
    if (mode === "template") {
      const params: Record<string, unknown> = {};
      for (const p of template?.params ?? []) {
        // Sent as typed, an emptied field too: the server says what it needs.
        const value = v?.params?.[p.name];
        if (value !== undefined) params[p.name] = value;
      }
      return { name, templateId, params };
    }
    const d = v?.definition ?? {};
    const trigger =
      v?.triggerKind === "schedule"
        ? { schedule: d.trigger?.schedule ?? "" }
        : { event: d.trigger?.event ?? "" };
    const actions = (d.actions ?? []).map((a) => {
      const out: Record<string, unknown> = { type: a?.type };
      for (const f of ACTION_FIELDS[a?.type ?? ""] ?? []) {
        const value = a?.[f];
        if (value !== undefined && value !== null && value !== "") out[f] = value;
      }
      return out;
    });
    return {
      name,
      definition: {
        trigger,
        subject: d.subject,
        condition: toJson(tree, factsByName),
        actions,
        cooldown_hours: d.cooldown_hours ?? 0,
      },
    };
  };

  const showError = (err: unknown, failed: "saveFailed" | "dryRunFailed") => {
    if (!(err instanceof ApiError) || !err.field) {
      setFormError(t(failed, { message: serverErrorText(err) }));
      return;
    }
    const field = err.field.replace(/^rule\./, "");
    const reason = reasonOf(err, field);
    const plain = new ApiError(
      err.status,
      err.code,
      err.message.split(err.field).join(field),
      field,
      reason,
    );
    if (field.startsWith("definition.condition") && mode === "custom") {
      const rel = field.slice("definition.condition".length).replace(/^\./, "");
      const hit = locate(tree, rel);
      if (hit) {
        setNodeError({ id: hit.id, rest: hit.rest, message: serverErrorText(plain, true) });
        requestAnimationFrame(() =>
          document
            .querySelector('[data-testid="condition-error"]')
            ?.scrollIntoView({ block: "center" }),
        );
        return;
      }
    }
    const at = putServerError(form, plain);
    if (at) {
      form.scrollToField(at);
      return;
    }
    setFormError(t("fieldError", { field, reason: reason || serverErrorText(plain, true) }));
  };

  const clearErrors = () => {
    setFormError(null);
    setNodeError(null);
  };

  const save = async () => {
    clearErrors();
    try {
      await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      const body = build(form.getFieldsValue(true) as FormValues);
      const saved = rule?.id
        ? await api(() =>
            client.PUT("/v1/rules/{rule.id}", {
              params: { path: { "rule.id": rule.id! } },
              body: { ...body, id: rule.id },
            }),
          )
        : await api(() => client.POST("/v1/rules", { body, ...idempotent(idem.key()) }));
      idem.done();
      forgetRuleNames();
      message.success(rule ? t("savedVersion", { n: saved.version ?? 1 }) : t("created"));
      onSaved(saved);
    } catch (err) {
      showError(err, "saveFailed");
    } finally {
      setSaving(false);
    }
  };

  const runDry = async () => {
    clearErrors();
    setDryRunning(true);
    try {
      const res = await api(() =>
        client.POST("/v1/rules:dryRun", {
          body: { rule: build(form.getFieldsValue(true) as FormValues), sampleSize: 20 },
        }),
      );
      setDryRun(res);
      requestAnimationFrame(() =>
        document
          .querySelector('[data-testid="dry-run-result"]')
          ?.scrollIntoView({ behavior: "smooth", block: "start" }),
      );
    } catch (err) {
      setDryRun(null);
      showError(err, "dryRunFailed");
    } finally {
      setDryRunning(false);
    }
  };

  if (!mode) {
    return <TemplateChooser catalog={catalog} onChoose={choose} />;
  }

  const json = JSON.stringify(build(values), null, 2);
  const triggerKind = values?.triggerKind ?? "event";
  const eventOptions = Object.entries(ruleEvents[subject] ?? {}).map(([value, label]) => ({
    value,
    label: `${label[language]}（${value}）`,
  }));

  return (
    <Form<FormValues>
      key={formKey}
      form={form}
      layout="vertical"
      initialValues={initial}
      disabled={!canEdit}
      onValuesChange={(changed) => {
        setFormError(null);
        // A server error on a field goes once the field is changed.
        const stale = changedPaths(changed).filter((p) => form.getFieldError(p).length > 0);
        if (stale.length) form.setFields(stale.map((name) => ({ name, errors: [] })));
      }}
      data-testid="rule-form"
    >
      <Space size={8} style={{ marginBottom: 12 }} wrap>
        {mode === "template" ? (
          <Tag color="blue" data-testid="rule-kind">
            {t("fromTemplate", { name: template?.name_zh ?? templateId })}
          </Tag>
        ) : (
          <Tag color="purple" data-testid="rule-kind">
            {t("custom")}
          </Tag>
        )}
        {!rule && canEdit && (
          <Button
            size="small"
            type="link"
            onClick={() => setMode(null)}
            data-testid="rule-rechoose"
          >
            {t("rechoose")}
          </Button>
        )}
        {rule && mode === "template" && canEdit && (
          <Button size="small" type="link" onClick={toCustom} data-testid="rule-to-custom">
            {t("toCustom")}
          </Button>
        )}
      </Space>
      {mode === "template" && template?.description_zh && (
        <Typography.Paragraph type="secondary">{template.description_zh}</Typography.Paragraph>
      )}
      {formError && (
        <Alert
          type="error"
          showIcon
          title={formError}
          style={{ marginBottom: 12 }}
          data-testid="rule-error"
        />
      )}
      <Form.Item
        name="name"
        label={t("name")}
        rules={[{ max: 100, message: t("nameTooLong") }]}
        extra={mode === "template" ? t("nameHelp") : undefined}
      >
        <Input maxLength={100} data-testid="rule-name" placeholder={template?.name_zh} />
      </Form.Item>

      {mode === "template" && template && (
        <Row gutter={16}>
          {template.params.map((p) => (
            <Col key={p.name} xs={24} md={12}>
              <ParamItem param={p} />
            </Col>
          ))}
        </Row>
      )}

      {mode === "custom" && (
        <>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name={["definition", "subject"]} label={t("subject")}>
                <Select
                  data-testid="rule-subject"
                  onChange={(s: string) => {
                    // An event about another subject does not fit: the new subject's first.
                    const events = Object.keys(ruleEvents[s] ?? {});
                    const current = form.getFieldValue(["definition", "trigger", "event"]);
                    if (!events.includes(current)) {
                      form.setFieldValue(["definition", "trigger", "event"], events[0]);
                    }
                  }}
                  options={catalog.subjects.map((s) => ({
                    value: s,
                    label: rt(`subject_${s}` as "subject_customer"),
                  }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item name="triggerKind" label={t("trigger")}>
                <Radio.Group
                  data-testid="rule-trigger-kind"
                  options={[
                    { value: "event", label: t("triggerEvent") },
                    { value: "schedule", label: t("triggerSchedule") },
                  ]}
                />
              </Form.Item>
            </Col>
          </Row>
          {triggerKind === "event" ? (
            <Form.Item name={["definition", "trigger", "event"]} label={t("event")}>
              <Select
                data-testid="rule-event"
                options={eventOptions}
                showSearch={{ optionFilterProp: "label" }}
                style={{ maxWidth: 420 }}
              />
            </Form.Item>
          ) : (
            <Form.Item
              name={["definition", "trigger", "schedule"]}
              label={t("schedule")}
              extra={t("scheduleHelp")}
            >
              <ScheduleInput />
            </Form.Item>
          )}

          <Form.Item label={t("condition")} extra={t("conditionHelp")}>
            <ConditionEditor
              value={tree}
              onChange={(next) => {
                setTree(next);
                setNodeError(null);
              }}
              facts={subjectFacts}
              factsByName={factsByName}
              disabled={!canEdit}
              error={nodeError}
            />
          </Form.Item>

          <ActionsEditor canEdit={canEdit} />

          <Form.Item
            name={["definition", "cooldown_hours"]}
            label={t("cooldown")}
            extra={t("cooldownHelp")}
          >
            <InputNumber min={0} precision={0} style={{ width: 160 }} data-testid="rule-cooldown" />
          </Form.Item>
        </>
      )}

      <Collapse
        size="small"
        style={{ marginBottom: 16 }}
        data-testid="rule-json-panel"
        items={[
          {
            key: "json",
            label: mode === "custom" ? t("jsonCustom") : t("jsonTemplate"),
            children: (
              <div>
                <pre
                  data-testid="rule-json"
                  style={{ margin: 0, fontSize: 12, maxHeight: 360, overflow: "auto" }}
                >
                  {json}
                </pre>
                {mode === "template" && rule?.definition && (
                  <>
                    <Divider style={{ margin: "8px 0" }} />
                    <Typography.Text type="secondary">{t("jsonMade")}</Typography.Text>
                    <pre style={{ margin: 0, fontSize: 12 }}>
                      {JSON.stringify(rule.definition, null, 2)}
                    </pre>
                  </>
                )}
              </div>
            ),
          },
        ]}
      />

      {canEdit && (
        <Space style={{ marginBottom: 16 }}>
          <Button type="primary" onClick={save} loading={saving} data-testid="rule-save">
            {rule ? t("saveNewVersion") : t("create")}
          </Button>
          <Button
            icon={<ExperimentOutlined />}
            onClick={runDry}
            loading={dryRunning}
            data-testid="rule-dry-run"
          >
            {t("dryRun")}
          </Button>
        </Space>
      )}
      {dryRun && <DryRunResult result={dryRun} catalog={catalog} />}
    </Form>
  );
}

function TemplateChooser({
  catalog,
  onChoose,
}: {
  catalog: Catalog;
  onChoose: (id: string) => void;
}) {
  const t = useT(messages);
  return (
    <div>
      <Typography.Paragraph type="secondary">{t("chooseIntro")}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {catalog.templates.map((tpl) => (
          <Col key={tpl.id} xs={24} md={12}>
            <Card
              hoverable
              size="small"
              title={tpl.name_zh ?? tpl.id}
              onClick={() => onChoose(tpl.id)}
              data-testid={`template-card-${tpl.id}`}
              style={{ height: "100%" }}
            >
              <Typography.Text type="secondary">{tpl.description_zh}</Typography.Text>
            </Card>
          </Col>
        ))}
        <Col xs={24} md={12}>
          <Card
            hoverable
            size="small"
            title={t("custom")}
            onClick={() => onChoose("custom")}
            data-testid="template-card-custom"
            style={{ height: "100%", borderStyle: "dashed" }}
          >
            <Typography.Text type="secondary">{t("customIntro")}</Typography.Text>
          </Card>
        </Col>
      </Row>
    </div>
  );
}

/** One template parameter as a form item that fits its type. */
function ParamItem({ param: p }: { param: TemplateParam }) {
  const t = useT(messages);
  const label = p.label_zh || p.name;
  const name = ["params", p.name];
  const range =
    p.type === "int" && p.min !== undefined && p.max !== undefined
      ? t("range", { min: p.min, max: p.max })
      : undefined;
  const testId = `param-${p.name}`;
  if (p.type === "int") {
    return (
      <Form.Item name={name} label={label} extra={range}>
        <InputNumber
          min={p.min}
          max={p.max}
          precision={0}
          style={{ width: "100%" }}
          data-testid={testId}
        />
      </Form.Item>
    );
  }
  if (p.type === "choice") {
    return (
      <Form.Item name={name} label={label}>
        <Select
          data-testid={testId}
          options={(p.choices ?? []).map((c) => ({
            value: c,
            label:
              `choice_${p.name}_${c}` in messages.zh ? t(`choice_${p.name}_${c}` as "custom") : c,
          }))}
        />
      </Form.Item>
    );
  }
  if (p.type === "string_list") {
    return (
      <Form.Item name={name} label={label}>
        <Select
          mode="tags"
          open={false}
          suffixIcon={null}
          tokenSeparators={[",", "，", " "]}
          data-testid={testId}
        />
      </Form.Item>
    );
  }
  return (
    <Form.Item name={name} label={label}>
      <Input maxLength={p.max} data-testid={testId} />
    </Form.Item>
  );
}

function ActionsEditor({ canEdit }: { canEdit: boolean }) {
  const t = useT(messages);
  const rt = useT(ruleMessages);
  const language = useLanguage();
  const actions = Form.useWatch(["definition", "actions"]) as ActionValues[] | undefined;
  return (
    <Form.Item label={t("actions")} required>
      <Form.List name={["definition", "actions"]}>
        {(fields, { add, remove }) => (
          <div style={{ display: "grid", gap: 8 }} data-testid="rule-actions">
            {fields.map((field, i) => {
              const type = actions?.[i]?.type ?? "";
              return (
                <Card size="small" key={field.key} data-testid="rule-action">
                  <Row gutter={8} align="top" wrap>
                    <Col flex="170px">
                      <Form.Item name={[field.name, "type"]} style={{ marginBottom: 0 }}>
                        <Select
                          data-testid={`action-type-${i}`}
                          options={ACTION_TYPES.map((a) => ({
                            value: a,
                            label: rt(`action_${a}` as "action_send"),
                          }))}
                        />
                      </Form.Item>
                    </Col>
                    {type === "send" && (
                      <>
                        <Col flex="220px">
                          <Form.Item name={[field.name, "template"]} style={{ marginBottom: 0 }}>
                            <Select
                              placeholder={t("actionTemplate")}
                              data-testid={`action-template-${i}`}
                              options={Object.keys(notificationEvents).map((e) => ({
                                value: e,
                                label: labelOf(notificationEvents, e, language),
                              }))}
                            />
                          </Form.Item>
                        </Col>
                        <Col flex="120px">
                          <Form.Item name={[field.name, "channel"]} style={{ marginBottom: 0 }}>
                            <Select
                              placeholder={t("actionChannel")}
                              options={Object.keys(notificationChannels).map((c) => ({
                                value: c,
                                label: labelOf(notificationChannels, c, language),
                              }))}
                            />
                          </Form.Item>
                        </Col>
                      </>
                    )}
                    {type === "issue_coupon" && (
                      <>
                        <Col flex="180px">
                          <Form.Item name={[field.name, "coupon"]} style={{ marginBottom: 0 }}>
                            <Input placeholder={t("actionCoupon")} maxLength={40} />
                          </Form.Item>
                        </Col>
                        <Col flex="150px">
                          <Form.Item name={[field.name, "amount_fen"]} style={{ marginBottom: 0 }}>
                            <InputNumber
                              min={1}
                              precision={0}
                              placeholder={t("actionAmount")}
                              style={{ width: "100%" }}
                            />
                          </Form.Item>
                        </Col>
                        <Col flex="150px">
                          <Form.Item name={[field.name, "valid_days"]} style={{ marginBottom: 0 }}>
                            <InputNumber
                              min={1}
                              precision={0}
                              placeholder={t("actionValidDays")}
                              style={{ width: "100%" }}
                            />
                          </Form.Item>
                        </Col>
                      </>
                    )}
                    {type === "create_task" && (
                      <>
                        <Col flex="180px">
                          <Form.Item name={[field.name, "task"]} style={{ marginBottom: 0 }}>
                            <Input placeholder={t("actionTask")} />
                          </Form.Item>
                        </Col>
                        <Col flex="auto">
                          <Form.Item name={[field.name, "note"]} style={{ marginBottom: 0 }}>
                            <Input placeholder={t("actionNote")} />
                          </Form.Item>
                        </Col>
                      </>
                    )}
                    {type === "escalate" && (
                      <Col flex="180px">
                        <Form.Item name={[field.name, "role"]} style={{ marginBottom: 0 }}>
                          <Select
                            placeholder={t("actionRole")}
                            options={ESCALATION_ROLES.map((r) => ({
                              value: r,
                              label: t(`role_${r}` as "role_manager"),
                            }))}
                          />
                        </Form.Item>
                      </Col>
                    )}
                    {type === "add_tag" && (
                      <Col flex="180px">
                        <Form.Item name={[field.name, "tag"]} style={{ marginBottom: 0 }}>
                          <Input placeholder={t("actionTag")} />
                        </Form.Item>
                      </Col>
                    )}
                    {canEdit && (
                      <Col flex="none" style={{ marginInlineStart: "auto" }}>
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          onClick={() => remove(field.name)}
                          aria-label={t("removeAction")}
                        />
                      </Col>
                    )}
                  </Row>
                </Card>
              );
            })}
            {canEdit && (
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() =>
                  add({ type: "send", template: "ticket_balance_low", channel: "SMS" })
                }
                data-testid="rule-add-action"
                style={{ justifySelf: "start" }}
              >
                {t("addAction")}
              </Button>
            )}
          </div>
        )}
      </Form.List>
    </Form.Item>
  );
}
