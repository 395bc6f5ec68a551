// Custom fields (表单引擎): the tenant's extra fields per entity (customer, address, work
// order, delivery order). A field is added with its type and rules (POST with an
// Idempotency-Key), changed (PATCH with an updateMask: label, rules, options), retired
// (active=false: values stay, no new ones) and moved (position). Key, entity and type
// never change. The editor shows the field live as the form will.
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  EditOutlined,
  EyeOutlined,
  PlusOutlined,
} from "@ant-design/icons";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Flex,
  Form,
  Input,
  InputNumber,
  Result,
  Row,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, client, idempotent, type Schemas } from "../../api/client";
import { useIdempotencyKey } from "../../api/idempotency";
import { getSession } from "../../auth/session";
import { useRemote } from "../../components/remote";
import { useT } from "../../i18n/messages";
import { putServerError, serverErrorText } from "../../api/serverError";
import { FieldPreview, type FieldDefinition } from "./FieldPreview";
import { messages } from "./messages";

type Entity = Exclude<Schemas["qingquan.customer.v1.FieldDefinition.Entity"], "ENTITY_UNSPECIFIED">;
type FieldType = Exclude<Schemas["qingquan.customer.v1.FieldDefinition.Type"], "TYPE_UNSPECIFIED">;

const ENTITIES: Entity[] = ["CUSTOMER", "ADDRESS", "WORK_ORDER", "ORDER"];
const TYPES: FieldType[] = [
  "TEXT",
  "NUMBER",
  "DATE",
  "SINGLE_SELECT",
  "MULTI_SELECT",
  "GEO_POINT",
  "IMAGE",
];
const TYPE_COLORS: Record<FieldType, string> = {
  TEXT: "default",
  NUMBER: "blue",
  DATE: "cyan",
  SINGLE_SELECT: "purple",
  MULTI_SELECT: "magenta",
  GEO_POINT: "green",
  IMAGE: "gold",
};
const KEY = /^[a-z][a-z0-9_]{0,39}$/;
const OPTION_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

const hasBounds = (type?: string) =>
  type === "NUMBER" || type === "TEXT" || type === "MULTI_SELECT";
const hasOptions = (type?: string) => type === "SINGLE_SELECT" || type === "MULTI_SELECT";

/** Fields in form order: by position, then as the server listed them. */
function ordered(defs: FieldDefinition[]): FieldDefinition[] {
  return defs
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.position ?? 0) - (b.d.position ?? 0) || a.i - b.i)
    .map((x) => x.d);
}

async function loadDefinitions(entity: Entity): Promise<FieldDefinition[]> {
  const r = await api(() => client.GET("/v1/field-definitions", { params: { query: { entity } } }));
  return ordered(r.definitions ?? []);
}

async function patchDefinition(
  id: string,
  definition: FieldDefinition,
  mask: string[],
): Promise<FieldDefinition> {
  return api(() =>
    client.PATCH("/v1/field-definitions/{definition.id}", {
      params: { path: { "definition.id": id }, query: { updateMask: mask.join(",") } },
      body: definition,
    }),
  );
}

type EditorTarget = { mode: "create" } | { mode: "edit"; id: string };

export default function FieldDefinitionsPage() {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const [params, setParams] = useSearchParams();
  const wanted = params.get("entity") as Entity | null;
  const entity: Entity = wanted && ENTITIES.includes(wanted) ? wanted : "CUSTOMER";
  const remote = useRemote(`fields:${entity}`, () => loadDefinitions(entity));
  const [target, setTarget] = useState<EditorTarget>({ mode: "create" });
  const [editorSeq, setEditorSeq] = useState(0);
  const [showRetired, setShowRetired] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Definitions are the admin's (the server refuses anyone else).
  const canEdit = !!getSession()?.roles.includes("admin");

  const all = remote.data ?? [];
  const retired = all.filter((d) => d.active === false);
  const rows = showRetired ? all : all.filter((d) => d.active !== false);
  const editing = target.mode === "edit" ? all.find((d) => d.id === target.id) : undefined;

  const openEditor = (next: EditorTarget) => {
    setTarget(next);
    setEditorSeq((n) => n + 1);
  };
  const selectEntity = (e: Entity) => {
    setParams({ entity: e }, { replace: true });
    openEditor({ mode: "create" });
    setError(null);
  };

  const setActive = async (def: FieldDefinition, active: boolean) => {
    setBusy(def.id ?? "");
    setError(null);
    try {
      await patchDefinition(def.id!, { active }, ["active"]);
      message.success(t(active ? "activated" : "deactivated", { label: def.label ?? "" }));
      remote.reload();
    } catch (err) {
      setError(serverErrorText(err));
    } finally {
      setBusy(null);
    }
  };

  /** Moves the row at `index` of the shown rows by `delta`, renumbering what changed. */
  const move = async (index: number, delta: number) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    next.splice(index + delta, 0, row);
    const changes = next
      .map((d, i) => ({ d, position: (i + 1) * 10 }))
      .filter((x) => x.d.position !== x.position);
    setBusy(row.id ?? "");
    setError(null);
    try {
      for (const c of changes) {
        await patchDefinition(c.d.id!, { position: c.position }, ["position"]);
      }
      message.success(t("moved"));
    } catch (err) {
      setError(serverErrorText(err));
    } finally {
      setBusy(null);
      remote.reload();
    }
  };

  const rulesOf = (d: FieldDefinition) => {
    const parts: string[] = [];
    const min = d.min ?? "";
    const max = d.max ?? "";
    if (hasBounds(d.type) && (d.min !== undefined || d.max !== undefined)) {
      parts.push(
        d.type === "TEXT"
          ? t("length", { min, max })
          : d.type === "MULTI_SELECT"
            ? t("choices", { min, max })
            : t("range", { min, max }),
      );
    }
    if (d.type === "NUMBER" && d.decimals !== undefined) {
      parts.push(d.decimals === 0 ? t("wholeNumber") : t("decimalsN", { n: d.decimals }));
    }
    if (hasOptions(d.type)) {
      const labels = (d.options ?? []).map((o) => o.label || o.value).join("、");
      parts.push(`${t("optionsN", { n: d.options?.length ?? 0 })}: ${labels}`);
    }
    return parts;
  };

  if (remote.error && !remote.data) {
    return (
      <Result
        status="warning"
        title={t("loadFailed", { message: serverErrorText(remote.error) })}
        extra={<Button onClick={remote.reload}>{t("retry")}</Button>}
      />
    );
  }

  return (
    <Flex vertical gap={12} data-testid="fields-page">
      <Flex align="center" gap={16} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
        <Segmented
          value={entity}
          onChange={(e) => selectEntity(e as Entity)}
          options={ENTITIES.map((e) => ({ value: e, label: t(e) }))}
          data-testid="fields-entity"
        />
        <div style={{ flex: 1 }} />
        {retired.length > 0 && (
          <Checkbox checked={showRetired} onChange={(e) => setShowRetired(e.target.checked)}>
            {t("showRetired", { n: retired.length })}
          </Checkbox>
        )}
        {canEdit && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => openEditor({ mode: "create" })}
            data-testid="field-add"
          >
            {t("add")}
          </Button>
        )}
      </Flex>
      {!canEdit && <Alert type="info" showIcon title={t("adminOnly")} />}
      {error && <Alert type="error" showIcon closable title={t("failed")} description={error} />}
      <Row gutter={12} align="top">
        <Col span={14}>
          <Card size="small" styles={{ body: { padding: 0 } }}>
            <Table<FieldDefinition>
              size="small"
              rowKey={(d) => d.id ?? d.key ?? ""}
              loading={remote.loading}
              dataSource={rows}
              pagination={false}
              scroll={{ y: 560 }}
              locale={{ emptyText: t("empty") }}
              data-testid="fields-table"
              onRow={(d) => ({
                "data-testid": `field-row-${d.key}`,
                style: {
                  opacity: d.active === false ? 0.55 : 1,
                  background: editing?.id === d.id ? "#e6f4ff" : undefined,
                },
              })}
              columns={[
                {
                  title: t("order"),
                  width: 68,
                  render: (_, _d, i) => (
                    <Space size={0}>
                      <Tooltip title={t("up")}>
                        <Button
                          type="text"
                          size="small"
                          icon={<ArrowUpOutlined />}
                          disabled={!canEdit || i === 0 || !!busy}
                          onClick={() => move(i, -1)}
                          aria-label={t("up")}
                        />
                      </Tooltip>
                      <Tooltip title={t("down")}>
                        <Button
                          type="text"
                          size="small"
                          icon={<ArrowDownOutlined />}
                          disabled={!canEdit || i === rows.length - 1 || !!busy}
                          onClick={() => move(i, 1)}
                          aria-label={t("down")}
                        />
                      </Tooltip>
                    </Space>
                  ),
                },
                {
                  title: t("field"),
                  render: (_, d) => (
                    <div>
                      <Typography.Text strong>{d.label}</Typography.Text>
                      {d.required && (
                        <Tag color="red" variant="filled" style={{ marginInlineStart: 6 }}>
                          {t("requiredTag")}
                        </Tag>
                      )}
                      <div>
                        <Typography.Text type="secondary" code style={{ fontSize: 12 }}>
                          {d.key}
                        </Typography.Text>
                      </div>
                    </div>
                  ),
                },
                {
                  title: t("type"),
                  width: 96,
                  render: (_, d) =>
                    d.type && d.type !== "TYPE_UNSPECIFIED" ? (
                      <Tag color={TYPE_COLORS[d.type]}>{t(d.type)}</Tag>
                    ) : (
                      d.type
                    ),
                },
                {
                  title: t("rules"),
                  render: (_, d) => {
                    const parts = rulesOf(d);
                    return parts.length ? (
                      <Typography.Text
                        style={{ fontSize: 12 }}
                        ellipsis={{ tooltip: parts.join("；") }}
                      >
                        {parts.join("；")}
                      </Typography.Text>
                    ) : (
                      <Typography.Text type="secondary">—</Typography.Text>
                    );
                  },
                },
                {
                  title: t("active"),
                  width: 64,
                  render: (_, d) => (
                    <Switch
                      size="small"
                      checked={d.active !== false}
                      loading={busy === d.id}
                      disabled={!canEdit || (!!busy && busy !== d.id)}
                      onChange={(on) => setActive(d, on)}
                      data-testid={`field-active-${d.key}`}
                    />
                  ),
                },
                {
                  title: "",
                  width: 48,
                  render: (_, d) => (
                    <Tooltip title={t(canEdit ? "edit" : "view")}>
                      <Button
                        type="text"
                        size="small"
                        icon={canEdit ? <EditOutlined /> : <EyeOutlined />}
                        onClick={() => openEditor({ mode: "edit", id: d.id ?? "" })}
                        aria-label={t(canEdit ? "edit" : "view")}
                        data-testid={`field-edit-${d.key}`}
                      />
                    </Tooltip>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col span={10}>
          {canEdit || editing ? (
            <FieldEditor
              key={`${entity}:${editorSeq}`}
              entity={entity}
              definition={editing}
              readOnly={!canEdit}
              nextPosition={
                (Math.max(0, ...all.map((d) => d.position ?? 0)) || all.length * 10) + 10
              }
              onDone={(def, created) => {
                remote.reload();
                if (created) openEditor({ mode: "create" });
                else if (def.id) openEditor({ mode: "edit", id: def.id });
              }}
              onCancel={() => openEditor({ mode: "create" })}
            />
          ) : (
            <Card size="small">
              <Typography.Text type="secondary">{t("pickOne")}</Typography.Text>
            </Card>
          )}
        </Col>
      </Row>
    </Flex>
  );
}

interface EditorValues {
  key?: string;
  label?: string;
  type?: FieldType;
  required?: boolean;
  min?: number | null;
  max?: number | null;
  decimals?: number | null;
  options?: { value?: string; label?: string }[];
  active?: boolean;
  position?: number | null;
}

function toValues(d: FieldDefinition | undefined): EditorValues {
  if (!d) return { type: "TEXT", required: false, options: [], active: true };
  return {
    key: d.key,
    label: d.label,
    type: d.type === "TYPE_UNSPECIFIED" ? undefined : d.type,
    required: !!d.required,
    min: d.min ?? null,
    max: d.max ?? null,
    decimals: d.decimals ?? null,
    options: (d.options ?? []).map((o) => ({ value: o.value, label: o.label })),
    active: d.active !== false,
    position: d.position ?? 0,
  };
}

/** The definition the values describe (only what applies to the type). */
function toDefinition(v: EditorValues): FieldDefinition {
  const num = (n: number | null | undefined) => (n === null || n === undefined ? undefined : n);
  return {
    key: v.key?.trim(),
    label: v.label?.trim(),
    type: v.type,
    required: !!v.required,
    min: hasBounds(v.type) ? num(v.min) : undefined,
    max: hasBounds(v.type) ? num(v.max) : undefined,
    decimals: v.type === "NUMBER" ? num(v.decimals) : undefined,
    options: hasOptions(v.type)
      ? (v.options ?? []).map((o) => ({
          value: o.value?.trim(),
          label: o.label?.trim() || o.value?.trim(),
        }))
      : [],
    active: v.active !== false,
    position: num(v.position) ?? 0,
  };
}

function FieldEditor({
  entity,
  definition,
  readOnly,
  nextPosition,
  onDone,
  onCancel,
}: {
  entity: Entity;
  definition?: FieldDefinition;
  readOnly: boolean;
  nextPosition: number;
  onDone: (def: FieldDefinition, created: boolean) => void;
  onCancel: () => void;
}) {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<EditorValues>();
  const [initial] = useState(() => toValues(definition));
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const idem = useIdempotencyKey();
  const editing = !!definition?.id;

  const values = (Form.useWatch([], { form, preserve: true }) ?? initial) as EditorValues;
  const type = values.type ?? initial.type;
  const preview = toDefinition({ ...initial, ...values });

  const submit = async () => {
    setFormError(null);
    try {
      await form.validateFields();
    } catch {
      return;
    }
    const def = toDefinition(form.getFieldsValue(true) as EditorValues);
    setSaving(true);
    try {
      if (!editing) {
        const body: FieldDefinition = { ...def, entity, position: nextPosition, active: true };
        const created = await api(() =>
          client.POST("/v1/field-definitions", { body, ...idempotent(idem.key()) }),
        );
        idem.done();
        message.success(t("created", { label: created.label ?? "" }));
        onDone(created, true);
      } else {
        const before = toDefinition(toValues(definition));
        const mask = (
          ["label", "required", "min", "max", "decimals", "options", "active", "position"] as const
        ).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(def[k]));
        if (mask.length === 0) {
          onDone(definition!, false);
          return;
        }
        const updated = await patchDefinition(definition!.id!, def, [...mask]);
        message.success(t("savedOk"));
        onDone(updated, false);
      }
    } catch (err) {
      const path = putServerError(form, err, { prefixes: ["definition"] });
      if (path) form.scrollToField(path, { block: "center" });
      else setFormError(serverErrorText(err));
    } finally {
      setSaving(false);
    }
  };

  const bounds =
    type === "TEXT"
      ? [t("minLength"), t("maxLength")]
      : type === "MULTI_SELECT"
        ? [t("minChoices"), t("maxChoices")]
        : [t("min"), t("max")];

  return (
    <Flex vertical gap={12}>
      <Card
        size="small"
        title={
          editing
            ? t("editTitle", { label: definition?.label ?? "" })
            : t("createTitle", { entity: t(entity) })
        }
        data-testid="field-editor"
      >
        <Form
          form={form}
          initialValues={initial}
          layout="vertical"
          size="small"
          requiredMark
          disabled={readOnly}
          onFinish={submit}
        >
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item
                name="label"
                label={t("label")}
                tooltip={t("labelHelp")}
                rules={[{ required: true, whitespace: true, message: t("label") }]}
              >
                <Input maxLength={100} data-testid="field-label" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                name="key"
                label={t("key")}
                tooltip={t("keyHelp")}
                rules={[
                  { required: true, message: t("keyRule") },
                  { pattern: KEY, message: t("keyRule") },
                ]}
              >
                <Input disabled={editing} data-testid="field-key" />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item
                name="type"
                label={t("type")}
                tooltip={t("typeHelp")}
                rules={[{ required: true }]}
              >
                <Select
                  disabled={editing}
                  options={TYPES.map((ty) => ({ value: ty, label: t(ty) }))}
                  data-testid="field-type"
                />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="required" label={t("required")} valuePropName="checked">
                <Switch data-testid="field-required" />
              </Form.Item>
            </Col>
            {editing && (
              <Col span={6}>
                <Form.Item
                  name="active"
                  label={t("active")}
                  valuePropName="checked"
                  tooltip={t("activeHelp")}
                >
                  <Switch data-testid="field-active" />
                </Form.Item>
              </Col>
            )}
          </Row>
          {hasBounds(type) && (
            <Row gutter={12}>
              <Col span={type === "NUMBER" ? 8 : 12}>
                <Form.Item name="min" label={bounds[0]}>
                  <InputNumber
                    style={{ width: "100%" }}
                    min={type === "NUMBER" ? undefined : 0}
                    precision={type === "NUMBER" ? undefined : 0}
                    data-testid="field-min"
                  />
                </Form.Item>
              </Col>
              <Col span={type === "NUMBER" ? 8 : 12}>
                <Form.Item
                  name="max"
                  label={bounds[1]}
                  dependencies={["min"]}
                  rules={[
                    {
                      validator: async (_r, max: number | null) => {
                        const min = form.getFieldValue("min") as number | null;
                        if (
                          max !== null &&
                          max !== undefined &&
                          min !== null &&
                          min !== undefined &&
                          max < min
                        ) {
                          throw new Error(t("minMax"));
                        }
                      },
                    },
                  ]}
                >
                  <InputNumber
                    style={{ width: "100%" }}
                    min={type === "NUMBER" ? undefined : 0}
                    precision={type === "NUMBER" ? undefined : 0}
                    data-testid="field-max"
                  />
                </Form.Item>
              </Col>
              {type === "NUMBER" && (
                <Col span={8}>
                  <Form.Item name="decimals" label={t("decimals")}>
                    <InputNumber
                      style={{ width: "100%" }}
                      min={0}
                      max={9}
                      precision={0}
                      placeholder={t("decimalsAny")}
                      data-testid="field-decimals"
                    />
                  </Form.Item>
                </Col>
              )}
            </Row>
          )}
          {hasOptions(type) && (
            <Form.List
              name="options"
              rules={[
                {
                  validator: async (_r, options: unknown[]) => {
                    if (!options?.length) throw new Error(t("noOptions"));
                  },
                },
              ]}
            >
              {(fields, { add, remove }, { errors }) => (
                <Form.Item label={t("options")} required>
                  <Flex vertical gap={6} data-testid="field-options">
                    {fields.map((f) => (
                      <Flex key={f.key} gap={6} align="start">
                        <Form.Item
                          name={[f.name, "value"]}
                          style={{ marginBottom: 0, flex: 1 }}
                          rules={[
                            { required: true, message: t("optionValueRule") },
                            { pattern: OPTION_VALUE, message: t("optionValueRule") },
                          ]}
                        >
                          <Input
                            placeholder={t("optionValue")}
                            disabled={editing && f.name < (initial.options?.length ?? 0)}
                            data-testid={`field-option-${f.name}-value`}
                          />
                        </Form.Item>
                        <Form.Item name={[f.name, "label"]} style={{ marginBottom: 0, flex: 1 }}>
                          <Input
                            placeholder={t("optionLabel")}
                            data-testid={`field-option-${f.name}-label`}
                          />
                        </Form.Item>
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t("cancel")}
                          onClick={() => remove(f.name)}
                        />
                      </Flex>
                    ))}
                    <Button
                      type="dashed"
                      icon={<PlusOutlined />}
                      onClick={() => add({ value: `opt${fields.length + 1}`, label: "" })}
                      data-testid="field-add-option"
                    >
                      {t("addOption")}
                    </Button>
                    <Form.ErrorList errors={errors} />
                  </Flex>
                </Form.Item>
              )}
            </Form.List>
          )}
          {editing && (
            <Form.Item name="position" label={t("position")}>
              <InputNumber precision={0} style={{ width: 120 }} />
            </Form.Item>
          )}
          {formError && (
            <Alert
              type="error"
              showIcon
              title={t("failed")}
              description={formError}
              style={{ marginBottom: 12 }}
              data-testid="field-error"
            />
          )}
          {!readOnly && (
            <Flex gap={8} justify="end">
              {editing && <Button onClick={onCancel}>{t("cancel")}</Button>}
              <Button type="primary" htmlType="submit" loading={saving} data-testid="field-save">
                {editing ? t("save") : t("create")}
              </Button>
            </Flex>
          )}
        </Form>
      </Card>
      <Card
        size="small"
        title={t("preview")}
        extra={
          entity === "CUSTOMER" ? <Link to="/customers?create=1">{t("seeOnForm")}</Link> : null
        }
      >
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t("previewHint")}
        </Typography.Paragraph>
        <FieldPreview def={preview} />
      </Card>
    </Flex>
  );
}
