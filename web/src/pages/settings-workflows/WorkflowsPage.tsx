// Workflows (流程): per kind, an editor of the states and transitions with a live diagram
// of the state machine. Saving stores the kind's next version (PUT /v1/workflows/{kind});
// orders in flight keep theirs. The server validates the whole definition and names the
// field it refuses ("transitions[2].to"), which shows next to that row's input.
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Flex,
  Form,
  Input,
  InputNumber,
  Result,
  Segmented,
  Select,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
  type FormInstance,
  type SelectProps,
} from "antd";
import dayjs from "dayjs";
import { memo, useCallback, useMemo, useState, type CSSProperties } from "react";
import { useSearchParams } from "react-router-dom";
import { api, client, type Schemas } from "../../api/client";
import type { Role } from "../../auth/session";
import { labelOf, workOrderTypes } from "../../components/labels";
import { useRemote } from "../../components/remote";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { roleNames } from "../../layout/roleNames";
import { invalidateWorkflows } from "../work-orders/workflows";
import { WorkflowDiagram } from "./WorkflowDiagram";
import { messages } from "./messages";
import { putServerError, serverErrorText, type Path } from "../../api/serverError";
import { createStore, useStore, type Store } from "./store";
import { whoSaved } from "../../components/who";

type Workflow = Schemas["qingquan.order.v1.Workflow"];
type WorkflowState = Schemas["qingquan.order.v1.WorkflowState"];
type WorkflowTransition = Schemas["qingquan.order.v1.WorkflowTransition"];
type Routing = NonNullable<Workflow["routing"]>;

interface FormValues {
  initialState?: string;
  routing?: Routing;
  states: WorkflowState[];
  transitions: WorkflowTransition[];
}

type TabKey = "states" | "transitions";
type CustomTagProps = Parameters<NonNullable<SelectProps["tagRender"]>>[0];

const ROLES = Object.keys(roleNames) as Role[];
const REQUIRED_FIELDS = ["comment", "result", "assignee_id"] as const;
const FLAGS = ["assigneeOnly", "assigns", "resolves", "reopens", "cancels"] as const;
const STATE_NAME = /^[A-Z][A-Z0-9_]*$/;
const TRANSITION_NAME = /^[a-z][a-z0-9_]*$/;

function toForm(wf: Workflow): FormValues {
  return {
    initialState: wf.initialState,
    routing: wf.routing === "ROUTING_UNSPECIFIED" ? undefined : wf.routing,
    states: (wf.states ?? []).map((s) => ({
      name: s.name ?? "",
      label: s.label ?? "",
      terminal: !!s.terminal,
      pausesSla: !!s.pausesSla,
    })),
    transitions: (wf.transitions ?? []).map((t) => ({
      name: t.name ?? "",
      label: t.label ?? "",
      from: t.from ?? [],
      to: t.to ?? "",
      roles: t.roles ?? [],
      requiredFields: t.requiredFields ?? [],
      minAttachments: t.minAttachments ?? 0,
      assigneeOnly: !!t.assigneeOnly,
      assigns: !!t.assigns,
      resolves: !!t.resolves,
      reopens: !!t.reopens,
      cancels: !!t.cancels,
      event: t.event ?? "",
    })),
  };
}

function fromForm(kind: string, v: FormValues): Workflow {
  const trim = (s: string | undefined) => (s ?? "").trim();
  return {
    kind,
    initialState: trim(v.initialState),
    routing: kind === "DELIVERY" ? undefined : v.routing,
    states: (v.states ?? []).map((s) => ({
      name: trim(s.name),
      label: trim(s.label),
      terminal: !!s.terminal,
      pausesSla: !!s.pausesSla,
    })),
    transitions: (v.transitions ?? []).map((t) => ({
      name: trim(t.name),
      label: trim(t.label),
      from: t.from ?? [],
      to: trim(t.to),
      roles: t.roles ?? [],
      requiredFields: t.requiredFields ?? [],
      minAttachments: t.minAttachments ?? 0,
      assigneeOnly: !!t.assigneeOnly,
      assigns: !!t.assigns,
      resolves: !!t.resolves,
      reopens: !!t.reopens,
      cancels: !!t.cancels,
      event: trim(t.event),
    })),
  };
}

/** The server names a state or transition as a whole ("states[7]"): show it on the name. */
function editorPath(path: Path): Path {
  if ((path[0] === "states" || path[0] === "transitions") && path.length === 2) {
    return [...path, "name"];
  }
  // "transitions[1].roles[0]" belongs to the row's roles select.
  if (path.length === 4 && typeof path[3] === "number") return path.slice(0, 3);
  return path;
}

async function loadWorkflows(): Promise<Workflow[]> {
  const r = await api(() => client.GET("/v1/workflows"));
  return r.workflows ?? [];
}

export default function WorkflowsPage() {
  const t = useT(messages);
  const language = useLanguage();
  const { modal } = AntApp.useApp();
  const [params, setParams] = useSearchParams();
  const list = useRemote("workflows", loadWorkflows);
  // Saved versions, newer than the list until it is loaded again.
  const [savedByKind, setSavedByKind] = useState<Record<string, Workflow>>({});
  const [loaded, setLoaded] = useState<{ kind: string; workflow: Workflow; seq: number } | null>(
    null,
  );
  // Whether the editor has changes, asked when leaving the kind.
  const [dirty] = useState(() => createStore(false));

  const kinds = (list.data ?? []).map((w) => w.kind ?? "").filter(Boolean);
  const wanted = params.get("kind") ?? "";
  const kind = kinds.includes(wanted) ? wanted : kinds.includes("REPAIR") ? "REPAIR" : kinds[0];
  const listed = list.data?.find((w) => w.kind === kind);
  const saved = kind ? savedByKind[kind] : undefined;
  const current =
    saved && (saved.version ?? 0) >= (listed?.version ?? 0) ? saved : (listed ?? saved);
  const kindLabel = (k: string) =>
    k === "DELIVERY" ? t("delivery") : labelOf(workOrderTypes, k, language);

  const whenClean = (then: () => void) => {
    if (!dirty.get()) return then();
    modal.confirm({ title: t("discardTitle"), onOk: then });
  };
  const selectKind = (k: string) =>
    whenClean(() => {
      dirty.set(false);
      setLoaded(null);
      setParams({ kind: k }, { replace: true });
    });

  if (list.error && !list.data) {
    return (
      <Result
        status="warning"
        title={t("loadFailed", { message: serverErrorText(list.error) })}
        extra={<Button onClick={list.reload}>{t("retry")}</Button>}
      />
    );
  }
  if (!list.data) return <Spin style={{ margin: 48 }} />;
  if (!kind || !current) return <Result status="info" title={t("noKind")} />;

  const base = loaded && loaded.kind === kind ? loaded.workflow : current;
  return (
    <Flex vertical gap={12} data-testid="workflows-page">
      <Flex align="center" gap={16} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
        <Segmented
          data-testid="workflow-kind"
          value={kind}
          onChange={(k) => selectKind(String(k))}
          options={kinds.map((k) => ({ value: k, label: kindLabel(k) }))}
        />
      </Flex>
      <WorkflowEditor
        key={`${kind}:${current.version ?? 0}:${loaded?.kind === kind ? loaded.seq : 0}`}
        kind={kind}
        current={current}
        base={base}
        loadedVersion={loaded?.kind === kind ? loaded.workflow.version : undefined}
        dirty={dirty}
        onLoadVersion={(workflow) =>
          whenClean(() => {
            setLoaded((prev) => ({ kind, workflow, seq: (prev?.seq ?? 0) + 1 }));
            dirty.set(true);
          })
        }
        onSaved={(wf) => {
          setSavedByKind((m) => ({ ...m, [kind]: wf }));
          setLoaded(null);
          dirty.set(false);
        }}
      />
    </Flex>
  );
}

interface EditorProps {
  kind: string;
  /** The kind's current version. */
  current: Workflow;
  /** What the editor starts from: the current version or an earlier one loaded. */
  base: Workflow;
  loadedVersion?: number;
  dirty: Store<boolean>;
  onLoadVersion: (wf: Workflow) => void;
  onSaved: (wf: Workflow) => void;
}

function WorkflowEditor({
  kind,
  current,
  base,
  loadedVersion,
  dirty,
  onLoadVersion,
  onSaved,
}: EditorProps) {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const [initial] = useState(() => toForm(base));
  const [tab] = useState(() => createStore<TabKey>("transitions"));
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  // The transition row under the pointer or in focus, shown on the diagram: kept outside
  // React state so that hovering renders two rows and the diagram, not the whole form.
  const [active] = useState(() => createStore<number | undefined>(undefined));
  const [loadingVersion, setLoadingVersion] = useState(false);

  const markDirty = useCallback(() => dirty.set(true), [dirty]);
  const reveal = (tabKey: TabKey, id: string, path?: Path) => {
    tab.set(tabKey);
    // After the tab shows its pane.
    setTimeout(() => {
      if (path) form.scrollToField(path, { block: "center" });
      else document.getElementById(id)?.scrollIntoView({ block: "center", behavior: "smooth" });
    }, 60);
  };

  const save = async () => {
    setFormError(null);
    try {
      await form.validateFields();
    } catch (e) {
      const first = (e as { errorFields?: { name: Path }[] }).errorFields?.[0]?.name;
      if (first && (first[0] === "states" || first[0] === "transitions")) {
        reveal(first[0], "", first);
      }
      return;
    }
    const values = form.getFieldsValue(true) as FormValues;
    setSaving(true);
    try {
      const wf = await api(() =>
        client.PUT("/v1/workflows/{workflow.kind}", {
          params: { path: { "workflow.kind": kind } },
          body: fromForm(kind, values),
        }),
      );
      invalidateWorkflows();
      message.success(t("saved", { n: wf.version ?? 0 }));
      onSaved(wf);
    } catch (err) {
      const path = putServerError(form, err, { prefixes: ["workflow"], map: editorPath });
      if (path && (path[0] === "states" || path[0] === "transitions")) {
        reveal(path[0], "", path);
      } else if (path) {
        form.scrollToField(path);
      } else {
        setFormError(serverErrorText(err));
      }
    } finally {
      setSaving(false);
    }
  };

  const loadVersion = async (version: number) => {
    setLoadingVersion(true);
    try {
      const wf = await api(() =>
        client.GET("/v1/workflows/{kind}", { params: { path: { kind }, query: { version } } }),
      );
      onLoadVersion(wf);
    } catch (err) {
      setFormError(serverErrorText(err));
    } finally {
      setLoadingVersion(false);
    }
  };

  const version = current.version ?? 0;
  const earlier = Array.from({ length: Math.max(0, version - 1) }, (_, i) => version - 1 - i);
  return (
    <Form
      form={form}
      initialValues={initial}
      onValuesChange={markDirty}
      size="small"
      data-testid="workflow-editor"
    >
      <Flex vertical gap={12}>
        <Card size="small">
          <Flex align="center" gap={12} wrap>
            <Tag color={version === 0 ? "default" : "blue"} data-testid="workflow-version">
              {version === 0 ? t("defaultVersion") : t("version", { n: version })}
            </Tag>
            {version > 0 && (
              <Typography.Text
                type="secondary"
                data-testid="workflow-saved-by"
                title={whoSaved(current.createdBy).title}
              >
                {t("savedBy", {
                  who: whoSaved(current.createdBy).text,
                  when: current.createTime
                    ? dayjs(current.createTime).format("YYYY-MM-DD HH:mm")
                    : "—",
                })}
              </Typography.Text>
            )}
            {earlier.length > 0 && (
              <Select
                size="small"
                style={{ width: 150 }}
                placeholder={t("loadVersion")}
                loading={loadingVersion}
                value={null}
                onChange={(v) => v !== null && loadVersion(v)}
                options={earlier.map((v) => ({ value: v, label: t("version", { n: v }) }))}
                data-testid="workflow-load-version"
              />
            )}
            <div style={{ flex: 1 }} />
            <DirtyControls
              dirty={dirty}
              onReset={() => {
                form.resetFields();
                setFormError(null);
                dirty.set(loadedVersion !== undefined);
              }}
            />
            <Button type="primary" onClick={save} loading={saving} data-testid="workflow-save">
              {t("save")}
            </Button>
          </Flex>
          <Flex align="start" gap={16} wrap style={{ marginTop: 12 }}>
            <InitialStateSelect />
            {kind !== "DELIVERY" && (
              <Form.Item name="routing" label={t("routing")} style={{ marginBottom: 0 }}>
                <Select
                  style={{ width: 200 }}
                  data-testid="workflow-routing"
                  options={(["FIELD_TEAM", "SERVICE_DESK"] as const).map((r) => ({
                    value: r,
                    label: t(r),
                  }))}
                />
              </Form.Item>
            )}
          </Flex>
          {loadedVersion !== undefined && (
            <Alert
              style={{ marginTop: 12 }}
              type="info"
              showIcon
              title={t("loadedVersion", { n: loadedVersion })}
            />
          )}
          {formError && (
            <Alert
              style={{ marginTop: 12 }}
              type="error"
              showIcon
              title={t("saveFailed")}
              description={formError}
              data-testid="workflow-error"
            />
          )}
        </Card>
        <Card
          size="small"
          title={t("diagram")}
          extra={<Legend />}
          styles={{ body: { padding: "8px 12px" } }}
        >
          <WatchedDiagram
            active={active}
            tab={tab}
            onStateClick={(i) => reveal("states", `wf-state-${i}`)}
            onTransitionClick={(i) => {
              active.set(i);
              reveal("transitions", `wf-transition-${i}`);
            }}
          />
        </Card>
        <Card size="small" styles={{ body: { paddingTop: 0 } }}>
          <EditorTabs tab={tab} kind={kind} active={active} />
        </Card>
      </Flex>
    </Form>
  );
}

function DirtyControls({ dirty, onReset }: { dirty: Store<boolean>; onReset: () => void }) {
  const t = useT(messages);
  const changed = useStore(dirty);
  return (
    <>
      {changed && <Tag color="orange">{t("unsaved")}</Tag>}
      <Button onClick={onReset} disabled={!changed} data-testid="workflow-reset">
        {t("reset")}
      </Button>
    </>
  );
}

const EditorTabs = memo(function EditorTabs({
  tab,
  kind,
  active,
}: {
  tab: Store<TabKey>;
  kind: string;
  active: ActiveStore;
}) {
  const t = useT(messages);
  const current = useStore(tab);
  return (
    <Tabs
      activeKey={current}
      onChange={(k) => tab.set(k as TabKey)}
      items={[
        {
          key: "states",
          label: <ListCount name="states" text={(n) => t("states", { n })} />,
          forceRender: true,
          children: <StatesEditor />,
        },
        {
          key: "transitions",
          label: <ListCount name="transitions" text={(n) => t("transitions", { n })} />,
          forceRender: true,
          children: <TransitionsEditor kind={kind} active={active} />,
        },
      ]}
    />
  );
});

function Legend() {
  const t = useT(messages);
  const line = (color: string) => (
    <span
      style={{
        display: "inline-block",
        width: 18,
        borderTop: `2px solid ${color}`,
        marginRight: 4,
      }}
    />
  );
  const box = (style: CSSProperties) => (
    <span
      style={{
        display: "inline-block",
        width: 14,
        height: 10,
        borderRadius: 2,
        marginRight: 4,
        verticalAlign: "middle",
        ...style,
      }}
    />
  );
  return (
    <Space size={12} style={{ fontSize: 12, color: "#8c8c8c" }}>
      <span>{t("diagramHint")}</span>
      <span>
        {box({ border: "2px solid #1677ff" })}
        {t("legendInitial")}
      </span>
      <span>
        {box({ border: "3px double #91caff", background: "#f5f5f5" })}
        {t("legendTerminal")}
      </span>
      <span>
        {box({ border: "1px dashed #91caff" })}
        {t("legendPause")}
      </span>
      <span>
        {line("#52c41a")}
        {t("legendResolve")}
      </span>
      <span>
        {line("#fa8c16")}
        {t("legendReopen")}
      </span>
      <span>
        {line("#ff7875")}
        {t("legendCancel")}
      </span>
    </Space>
  );
}

/** No two rows of a list with the same name. */
function uniqueName(
  form: FormInstance,
  list: "states" | "transitions",
  index: number,
  message: string,
) {
  return {
    validator: async (_: unknown, value: string | undefined) => {
      const name = value?.trim();
      if (!name) return;
      const rows = (form.getFieldValue(list) ?? []) as { name?: string }[];
      if (rows.some((r, i) => i !== index && r?.name?.trim() === name)) {
        throw new Error(message);
      }
    },
  };
}

type ActiveStore = Store<number | undefined>;

interface StateOption {
  value: string;
  label: string;
}

// The editor's values are watched only where they are shown (the diagram, the counts,
// the state pickers), so typing in one row does not render every other row again.

/** The states as options for pickers, the same array while names and labels stay. */
function useStateOptions(): StateOption[] {
  const form = Form.useFormInstance<FormValues>();
  const states = Form.useWatch("states", form) as WorkflowState[] | undefined;
  const options = (states ?? [])
    .filter((s) => s?.name?.trim())
    .map((s) => ({ value: s.name!.trim(), label: s.label?.trim() || s.name!.trim() }));
  const key = JSON.stringify(options);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => options, [key]);
}

function ListCount({
  name,
  text,
}: {
  name: "states" | "transitions";
  text: (n: number) => string;
}) {
  const rows = Form.useWatch(name) as unknown[] | undefined;
  return <>{text(rows?.length ?? 0)}</>;
}

function InitialStateSelect() {
  const t = useT(messages);
  const options = useStateOptions();
  return (
    <Form.Item
      name="initialState"
      label={t("initialState")}
      rules={[{ required: true, message: t("required") }]}
      style={{ marginBottom: 0 }}
    >
      <Select style={{ width: 180 }} options={options} data-testid="workflow-initial" />
    </Form.Item>
  );
}

function WatchedDiagram(props: {
  active: ActiveStore;
  tab: Store<TabKey>;
  onStateClick: (index: number) => void;
  onTransitionClick: (index: number) => void;
}) {
  const form = Form.useFormInstance<FormValues>();
  const states = (Form.useWatch("states", form) ?? []) as WorkflowState[];
  const transitions = (Form.useWatch("transitions", form) ?? []) as WorkflowTransition[];
  const initialState = Form.useWatch("initialState", form) as string | undefined;
  const activeTransition = useStore(props.active);
  const showActive = useStore(props.tab, (tab) => tab === "transitions");
  return (
    <WorkflowDiagram
      states={states}
      transitions={transitions}
      initialState={initialState}
      activeTransition={showActive ? activeTransition : undefined}
      onStateClick={(name) => {
        const i = states.findIndex((s) => s?.name?.trim() === name);
        if (i >= 0) props.onStateClick(i);
      }}
      onTransitionClick={props.onTransitionClick}
    />
  );
}

const StatesEditor = memo(function StatesEditor() {
  const t = useT(messages);
  const form = Form.useFormInstance<FormValues>();
  const initialState = Form.useWatch("initialState", form) as string | undefined;
  return (
    <Form.List name="states">
      {(fields, { add, remove }) => (
        <>
          <Table
            size="small"
            pagination={false}
            rowKey="key"
            dataSource={fields}
            data-testid="workflow-states"
            onRow={(field) => ({ id: `wf-state-${field.name}` })}
            columns={[
              {
                title: "#",
                width: 40,
                render: (_, field) => field.name + 1,
              },
              {
                title: t("name"),
                width: 240,
                render: (_, field) => (
                  <Form.Item
                    name={[field.name, "name"]}
                    style={{ marginBottom: 0 }}
                    rules={[
                      { required: true, message: t("required") },
                      { pattern: STATE_NAME, message: t("stateNameRule") },
                      uniqueName(form, "states", field.name, t("duplicate")),
                    ]}
                  >
                    <Input data-testid={`state-${field.name}-name`} />
                  </Form.Item>
                ),
              },
              {
                title: t("label"),
                width: 220,
                render: (_, field) => (
                  <Form.Item
                    name={[field.name, "label"]}
                    style={{ marginBottom: 0 }}
                    rules={[{ max: 100 }]}
                  >
                    <Input data-testid={`state-${field.name}-label`} />
                  </Form.Item>
                ),
              },
              {
                title: t("terminal"),
                width: 100,
                render: (_, field) => (
                  <Form.Item
                    name={[field.name, "terminal"]}
                    valuePropName="checked"
                    style={{ marginBottom: 0 }}
                  >
                    <Checkbox data-testid={`state-${field.name}-terminal`} />
                  </Form.Item>
                ),
              },
              {
                title: t("pausesSla"),
                width: 100,
                render: (_, field) => (
                  <Form.Item
                    name={[field.name, "pausesSla"]}
                    valuePropName="checked"
                    style={{ marginBottom: 0 }}
                  >
                    <Checkbox data-testid={`state-${field.name}-pauses`} />
                  </Form.Item>
                ),
              },
              {
                title: "",
                render: (_, field) => (
                  <Form.Item noStyle dependencies={[["states", field.name, "name"]]}>
                    {() => {
                      const name = (
                        form.getFieldValue(["states", field.name, "name"]) as string | undefined
                      )?.trim();
                      return name && name === initialState ? (
                        <Tag color="blue">{t("initialState")}</Tag>
                      ) : null;
                    }}
                  </Form.Item>
                ),
              },
              {
                title: "",
                width: 48,
                render: (_, field) => (
                  <Tooltip title={t("remove")}>
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() => remove(field.name)}
                      aria-label={t("remove")}
                    />
                  </Tooltip>
                ),
              },
            ]}
          />
          <Button
            type="dashed"
            icon={<PlusOutlined />}
            style={{ marginTop: 8 }}
            onClick={() => add({ name: "", label: "", terminal: false, pausesSla: false })}
            data-testid="workflow-add-state"
          >
            {t("addState")}
          </Button>
        </>
      )}
    </Form.List>
  );
});

const NEW_TRANSITION: WorkflowTransition = {
  name: "",
  label: "",
  from: [],
  to: undefined,
  roles: [],
  requiredFields: [],
  minAttachments: 0,
  assigneeOnly: false,
  assigns: false,
  resolves: false,
  reopens: false,
  cancels: false,
  event: "",
};

const TransitionsEditor = memo(function TransitionsEditor({
  kind,
  active,
}: {
  kind: string;
  active: ActiveStore;
}) {
  const t = useT(messages);
  const stateOptions = useStateOptions();
  return (
    <Form.List name="transitions">
      {(fields, { add, remove }) => (
        <Flex vertical gap={8} data-testid="workflow-transitions">
          {fields.map((field) => (
            <TransitionRow
              key={field.key}
              index={field.name}
              kind={kind}
              active={active}
              stateOptions={stateOptions}
              onRemove={remove}
            />
          ))}
          <Button
            type="dashed"
            icon={<PlusOutlined />}
            onClick={() => add({ ...NEW_TRANSITION })}
            data-testid="workflow-add-transition"
          >
            {t("addTransition")}
          </Button>
        </Flex>
      )}
    </Form.List>
  );
});

interface TransitionRowProps {
  index: number;
  kind: string;
  active: ActiveStore;
  stateOptions: StateOption[];
  /** Form.List's remove: a new function on each render that always acts on the latest list. */
  onRemove: (i: number) => void;
}

/** A row renders again when what it shows changes, not for each new `onRemove`. */
const sameRow = (a: TransitionRowProps, b: TransitionRowProps) =>
  a.index === b.index &&
  a.kind === b.kind &&
  a.active === b.active &&
  a.stateOptions === b.stateOptions;

const TransitionRow = memo(function TransitionRow({
  index: i,
  kind,
  active,
  stateOptions,
  onRemove,
}: TransitionRowProps) {
  const t = useT(messages);
  const isActive = useStore(active, (index) => index === i);
  const language = useLanguage();
  const form = Form.useFormInstance<FormValues>();
  const name = Form.useWatch(["transitions", i, "name"], form) as string | undefined;
  const roleOptions = ROLES.map((r) => ({ value: r, label: roleNames[r][language] }));
  const fieldOptions = REQUIRED_FIELDS.map((f) => ({ value: f, label: t(`field_${f}`) }));
  const eventPrefix = kind === "DELIVERY" ? "order" : "workorder";
  // A state name no state has any more (renamed, removed) shows as itself, in red.
  const known = new Map(stateOptions.map((o) => [o.value, o.label]));
  const stateLabel = (value: unknown) => {
    const v = String(value ?? "");
    return known.has(v) ? known.get(v) : <span style={{ color: "#ff4d4f" }}>{v}</span>;
  };
  const stateTag = (p: CustomTagProps) =>
    p.isMaxTag ? (
      <Tag style={{ marginInlineEnd: 4 }}>{p.label}</Tag>
    ) : (
      <Tag
        closable={p.closable}
        onClose={p.onClose}
        color={known.has(String(p.value)) ? undefined : "error"}
        style={{ marginInlineEnd: 4 }}
        onMouseDown={(e) => {
          e.preventDefault();
          e.stopPropagation();
        }}
      >
        {known.get(String(p.value)) ?? String(p.value)}
      </Tag>
    );
  const compact = { marginBottom: 0 };
  const second = { marginBottom: 4 };
  return (
    <div
      id={`wf-transition-${i}`}
      data-testid={`transition-${i}`}
      onFocusCapture={() => active.set(i)}
      onMouseEnter={() => active.set(i)}
      onMouseLeave={() => active.set(undefined)}
      style={{
        border: `1px solid ${isActive ? "#91caff" : "#f0f0f0"}`,
        background: isActive ? "#f0f7ff" : "#fff",
        borderRadius: 6,
        padding: "8px 8px 4px",
      }}
    >
      <Flex gap={8} align="start">
        <Typography.Text type="secondary" style={{ width: 22, paddingTop: 2 }}>
          {i + 1}
        </Typography.Text>
        <Form.Item
          style={compact}
          name={[i, "name"]}
          rules={[
            { required: true, message: t("required") },
            { pattern: TRANSITION_NAME, message: t("transitionNameRule") },
            uniqueName(form, "transitions", i, t("duplicate")),
          ]}
        >
          <Input
            placeholder={t("name")}
            style={{ width: 130 }}
            data-testid={`transition-${i}-name`}
          />
        </Form.Item>
        <Form.Item style={compact} name={[i, "label"]} rules={[{ max: 100 }]}>
          <Input
            placeholder={t("label")}
            style={{ width: 120 }}
            data-testid={`transition-${i}-label`}
          />
        </Form.Item>
        <Form.Item
          name={[i, "from"]}
          style={{ ...compact, flex: 1, minWidth: 160 }}
          rules={[{ required: true, message: t("required") }]}
        >
          <Select
            mode="multiple"
            placeholder={t("from")}
            options={stateOptions}
            maxTagCount="responsive"
            tagRender={stateTag}
            data-testid={`transition-${i}-from`}
          />
        </Form.Item>
        <span style={{ paddingTop: 2 }}>→</span>
        <Form.Item
          name={[i, "to"]}
          rules={[{ required: true, message: t("required") }]}
          style={{ ...compact, width: 130 }}
        >
          <Select
            placeholder={t("to")}
            options={stateOptions}
            labelRender={({ value }) => stateLabel(value)}
            data-testid={`transition-${i}-to`}
          />
        </Form.Item>
        <Form.Item name={[i, "roles"]} style={{ ...compact, width: 230 }}>
          <Select
            mode="multiple"
            placeholder={t("rolesAny")}
            options={roleOptions}
            maxTagCount="responsive"
            data-testid={`transition-${i}-roles`}
          />
        </Form.Item>
        <Tooltip title={t("remove")}>
          <Button
            type="text"
            danger
            icon={<DeleteOutlined />}
            onClick={() => {
              active.set(undefined);
              onRemove(i);
            }}
            aria-label={t("remove")}
          />
        </Tooltip>
      </Flex>
      <Flex gap={8} align="start" wrap style={{ marginTop: 6, paddingLeft: 30 }}>
        <Form.Item name={[i, "requiredFields"]} label={t("requiredFields")} style={second}>
          <Select
            mode="multiple"
            style={{ width: 210 }}
            options={fieldOptions}
            data-testid={`transition-${i}-required`}
          />
        </Form.Item>
        <Form.Item name={[i, "minAttachments"]} label={t("minAttachments")} style={second}>
          <InputNumber min={0} max={20} precision={0} style={{ width: 56 }} />
        </Form.Item>
        {FLAGS.map((flag) => (
          <Form.Item key={flag} name={[i, flag]} valuePropName="checked" style={second}>
            <Checkbox data-testid={`transition-${i}-${flag}`}>{t(flag)}</Checkbox>
          </Form.Item>
        ))}
        <Form.Item name={[i, "event"]} label={t("event")} style={second}>
          <Input
            style={{ width: 180 }}
            placeholder={`${t("eventDefault")}: ${eventPrefix}.${name?.trim() || "…"}`}
          />
        </Form.Item>
      </Flex>
    </div>
  );
}, sameRow);
