// SLA settings (时限): the business calendar the clocks count in, the targets per work-order
// type and urgency, and the escalation chain. One document (GET/PUT /v1/sla-settings);
// orders created afterwards use it, orders already open keep their deadlines. The server
// names a refused field ("calendar.weekdays[1].periods[0].start", "targets[2].kind"),
// which shows next to that input.
import { CopyOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Flex,
  Form,
  Input,
  InputNumber,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Switch,
  Table,
  Tag,
  Typography,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { api, client, type Schemas } from "../../api/client";
import type { Role } from "../../auth/session";
import { labelOf, urgencies, workOrderTypes } from "../../components/labels";
import { useRemote } from "../../components/remote";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { roleNames } from "../../layout/roleNames";
import { putServerError, serverErrorText, type Path } from "../../api/serverError";
import { whoSaved } from "../../components/who";
import { messages } from "./messages";

type SlaSettings = Schemas["qingquan.order.v1.SlaSettings"];
type Urgency = NonNullable<Schemas["qingquan.order.v1.SlaTarget"]["urgency"]>;

interface Period {
  start?: string;
  end?: string;
}
interface TargetRow {
  kind?: string;
  urgency?: Urgency;
  responseMinutes?: number | null;
  resolveMinutes?: number | null;
  aroundTheClock?: boolean;
}
interface StepRow {
  level?: number | null;
  notifyRole?: string;
  /** Percent in the form, a share in the API. */
  targetShare?: number | null;
  afterMinutes?: number | null;
}
interface FormValues {
  calendar: {
    timeZone?: string;
    weekdays: { periods: Period[] }[];
    holidays: Dayjs[];
    makeUpDays: Dayjs[];
  };
  targets: TargetRow[];
  escalation: StepRow[];
  /** Percent. */
  warningShare?: number | null;
  followUpAfterResolve?: boolean;
}

const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const KINDS = Object.keys(workOrderTypes);
const URGENCIES: Urgency[] = ["URGENCY_UNSPECIFIED", "NORMAL", "URGENT", "CRITICAL"];
const ROLES = Object.keys(roleNames) as Role[];

const percent = (share: number | undefined) =>
  share === undefined ? undefined : Math.round(share * 1000) / 10;

function toForm(s: SlaSettings): FormValues {
  const days = s.calendar?.weekdays ?? [];
  return {
    calendar: {
      timeZone: s.calendar?.timeZone || "Asia/Shanghai",
      weekdays: Array.from({ length: 7 }, (_, i) => ({
        periods: (days[i]?.periods ?? []).map((p) => ({ start: p.start, end: p.end })),
      })),
      holidays: (s.calendar?.holidays ?? []).map((d) => dayjs(d)),
      makeUpDays: (s.calendar?.makeUpDays ?? []).map((d) => dayjs(d)),
    },
    targets: (s.targets ?? []).map((t) => ({
      kind: t.kind,
      urgency: t.urgency ?? "URGENCY_UNSPECIFIED",
      responseMinutes: t.responseMinutes ?? 0,
      resolveMinutes: t.resolveMinutes ?? 0,
      aroundTheClock: !!t.aroundTheClock,
    })),
    escalation: (s.escalation ?? []).map((e) => ({
      level: e.level,
      notifyRole: e.notifyRole,
      targetShare: percent(e.targetShare ?? 1),
      afterMinutes: e.afterMinutes ?? 0,
    })),
    warningShare: percent(s.warningShare),
    followUpAfterResolve: !!s.followUpAfterResolve,
  };
}

function fromForm(v: FormValues): SlaSettings {
  const date = (d: Dayjs) => d.format("YYYY-MM-DD");
  const sortedDates = (ds: Dayjs[] | undefined) => [...new Set((ds ?? []).map(date))].sort();
  return {
    calendar: {
      timeZone: v.calendar.timeZone?.trim(),
      weekdays: v.calendar.weekdays.map((d) => ({
        periods: (d.periods ?? []).map((p) => ({
          start: (p.start ?? "").trim(),
          end: (p.end ?? "").trim(),
        })),
      })),
      holidays: sortedDates(v.calendar.holidays),
      makeUpDays: sortedDates(v.calendar.makeUpDays),
    },
    targets: (v.targets ?? []).map((t) => ({
      kind: t.kind,
      urgency: t.urgency,
      responseMinutes: t.responseMinutes ?? 0,
      resolveMinutes: t.resolveMinutes ?? 0,
      aroundTheClock: !!t.aroundTheClock,
    })),
    escalation: (v.escalation ?? []).map((e) => ({
      level: e.level ?? 0,
      notifyRole: e.notifyRole,
      targetShare: (e.targetShare ?? 0) / 100,
      afterMinutes: e.afterMinutes ?? 0,
    })),
    warningShare: (v.warningShare ?? 0) / 100,
    followUpAfterResolve: !!v.followUpAfterResolve,
  };
}

/** A server error on "calendar.weekdays[0].periods[1]" (an overlap) goes to that start. */
function formPath(path: Path): Path {
  const last = path[path.length - 1];
  if (path[path.length - 2] === "periods" && typeof last === "number") return [...path, "start"];
  if ((path[0] === "targets" || path[0] === "escalation") && path.length === 2) {
    return [...path, path[0] === "targets" ? "kind" : "notifyRole"];
  }
  return path;
}

function timeZones(current: string | undefined): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.("timeZone") ?? ["Asia/Shanghai", "UTC"];
  return current && !zones.includes(current) ? [current, ...zones] : zones;
}

async function loadSettings(): Promise<SlaSettings> {
  return api(() => client.GET("/v1/sla-settings"));
}

export default function SlaSettingsPage() {
  const t = useT(messages);
  const remote = useRemote("sla-settings", loadSettings);
  const [saved, setSaved] = useState<SlaSettings | null>(null);
  const settings = saved ?? remote.data;

  if (remote.error && !settings) {
    return (
      <Result
        status="warning"
        title={t("loadFailed", { message: serverErrorText(remote.error) })}
        extra={<Button onClick={remote.reload}>{t("retry")}</Button>}
      />
    );
  }
  if (!settings) return <Spin style={{ margin: 48 }} />;
  return (
    <SlaEditor
      key={settings.updateTime ?? "default"}
      settings={settings}
      onSaved={(s) => setSaved(s)}
    />
  );
}

function SlaEditor({
  settings,
  onSaved,
}: {
  settings: SlaSettings;
  onSaved: (s: SlaSettings) => void;
}) {
  const t = useT(messages);
  const language = useLanguage();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const [initial] = useState(() => toForm(settings));
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const zones = timeZones(initial.calendar.timeZone);

  const save = async () => {
    setFormError(null);
    try {
      await form.validateFields();
    } catch (e) {
      const first = (e as { errorFields?: { name: Path }[] }).errorFields?.[0]?.name;
      if (first) form.scrollToField(first, { block: "center" });
      return;
    }
    setSaving(true);
    try {
      const values = form.getFieldsValue(true) as FormValues;
      const res = await api(() => client.PUT("/v1/sla-settings", { body: fromForm(values) }));
      message.success(t("saved"));
      onSaved(res);
    } catch (err) {
      const path = putServerError(form, err, { prefixes: ["settings"], map: formPath });
      if (path) form.scrollToField(path, { block: "center" });
      else setFormError(serverErrorText(err));
    } finally {
      setSaving(false);
    }
  };

  const who = whoSaved(settings.updatedBy);
  const minutesHint = (name: ["targets", number, "responseMinutes" | "resolveMinutes"]) => (
    <Form.Item noStyle dependencies={[name]}>
      {() => {
        const n = form.getFieldValue(name) as number | null;
        if (!n) return <Typography.Text type="secondary">{t("noTarget")}</Typography.Text>;
        if (n < 60) return null;
        return (
          <Typography.Text type="secondary">
            {t("hours", { n: Math.round((n / 60) * 10) / 10 })}
          </Typography.Text>
        );
      }}
    </Form.Item>
  );

  return (
    <Form
      form={form}
      initialValues={initial}
      onValuesChange={() => setDirty(true)}
      size="small"
      data-testid="sla-page"
    >
      <Flex vertical gap={12}>
        <Flex align="center" gap={12} wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t("title")}
          </Typography.Title>
          <Typography.Text type="secondary" title={who.title} data-testid="sla-updated">
            {settings.updateTime
              ? t("updated", {
                  who: who.text,
                  when: dayjs(settings.updateTime).format("YYYY-MM-DD HH:mm"),
                })
              : t("defaults")}
          </Typography.Text>
          <div style={{ flex: 1 }} />
          {dirty && <Tag color="orange">{t("unsaved")}</Tag>}
          <Button
            disabled={!dirty}
            onClick={() => {
              form.resetFields();
              setDirty(false);
              setFormError(null);
            }}
          >
            {t("reset")}
          </Button>
          <Button type="primary" loading={saving} onClick={save} data-testid="sla-save">
            {t("save")}
          </Button>
        </Flex>
        {formError && (
          <Alert
            type="error"
            showIcon
            title={t("saveFailed")}
            description={formError}
            data-testid="sla-error"
          />
        )}
        <Row gutter={12}>
          <Col span={13}>
            <Card size="small" title={t("calendar")} style={{ height: "100%" }}>
              <Form.Item
                name={["calendar", "timeZone"]}
                label={t("timeZone")}
                rules={[{ required: true, message: t("required") }]}
              >
                <Select
                  showSearch
                  style={{ width: 240 }}
                  options={zones.map((z) => ({ value: z, label: z }))}
                  data-testid="sla-timezone"
                />
              </Form.Item>
              <Flex align="center" gap={8}>
                <Typography.Text strong>{t("weekdays")}</Typography.Text>
                <Button
                  type="link"
                  size="small"
                  icon={<CopyOutlined />}
                  onClick={() => {
                    const path: ["calendar", "weekdays"] = ["calendar", "weekdays"];
                    const days = form.getFieldValue(path) as { periods: Period[] }[];
                    form.setFieldValue(
                      path,
                      days.map((d, i) =>
                        i >= 1 && i <= 4 ? { periods: days[0].periods.map((m) => ({ ...m })) } : d,
                      ),
                    );
                    setDirty(true);
                  }}
                >
                  {t("copyMonday")}
                </Button>
              </Flex>
              <Form.List name={["calendar", "weekdays"]}>
                {(days) => days.map((day) => <WeekdayRow key={day.key} index={day.name} />)}
              </Form.List>
              <Row gutter={12} style={{ marginTop: 12 }}>
                <Col span={12}>
                  <Form.Item
                    name={["calendar", "holidays"]}
                    label={t("holidays")}
                    tooltip={t("holidaysHint")}
                    layout="vertical"
                  >
                    <DatePicker
                      multiple
                      maxTagCount="responsive"
                      style={{ width: "100%" }}
                      placeholder={t("pickDates")}
                      data-testid="sla-holidays"
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name={["calendar", "makeUpDays"]}
                    label={t("makeUpDays")}
                    tooltip={t("makeUpHint")}
                    layout="vertical"
                  >
                    <DatePicker
                      multiple
                      maxTagCount="responsive"
                      style={{ width: "100%" }}
                      placeholder={t("pickDates")}
                      data-testid="sla-makeup"
                    />
                  </Form.Item>
                </Col>
              </Row>
            </Card>
          </Col>
          <Col span={11}>
            <Flex vertical gap={12} style={{ height: "100%" }}>
              <Card size="small" title={t("escalation")}>
                <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                  {t("escalationHint")}
                </Typography.Paragraph>
                <Form.List name="escalation">
                  {(steps, { add, remove }) => (
                    <Flex vertical gap={6} data-testid="sla-escalation">
                      {steps.map((step) => (
                        <Flex key={step.key} gap={6} align="start" wrap>
                          <Form.Item
                            name={[step.name, "level"]}
                            style={{ marginBottom: 0 }}
                            rules={[{ required: true, message: t("required") }]}
                          >
                            <InputNumber
                              min={1}
                              max={9}
                              precision={0}
                              prefix={t("level")}
                              style={{ width: 76 }}
                            />
                          </Form.Item>
                          <Form.Item
                            name={[step.name, "notifyRole"]}
                            style={{ marginBottom: 0 }}
                            rules={[{ required: true, message: t("required") }]}
                          >
                            <Select
                              style={{ width: 128 }}
                              prefix={t("notifyRole")}
                              options={ROLES.map((r) => ({
                                value: r,
                                label: roleNames[r][language],
                              }))}
                              data-testid={`escalation-${step.name}-role`}
                            />
                          </Form.Item>
                          <Form.Item
                            name={[step.name, "targetShare"]}
                            style={{ marginBottom: 0 }}
                            tooltip={t("targetShare")}
                          >
                            <InputNumber
                              min={0}
                              max={1000}
                              suffix="%"
                              style={{ width: 80 }}
                              aria-label={t("targetShare")}
                            />
                          </Form.Item>
                          <Form.Item name={[step.name, "afterMinutes"]} style={{ marginBottom: 0 }}>
                            <InputNumber
                              min={0}
                              precision={0}
                              prefix="+"
                              suffix={t("minutes")}
                              style={{ width: 104 }}
                              aria-label={t("afterMinutes")}
                              data-testid={`escalation-${step.name}-after`}
                            />
                          </Form.Item>
                          <Button
                            type="text"
                            danger
                            icon={<DeleteOutlined />}
                            aria-label={t("remove")}
                            onClick={() => remove(step.name)}
                          />
                        </Flex>
                      ))}
                      <Button
                        type="dashed"
                        icon={<PlusOutlined />}
                        onClick={() =>
                          add({
                            level: steps.length + 1,
                            notifyRole: "manager",
                            targetShare: 100,
                            afterMinutes: 120,
                          })
                        }
                      >
                        {t("addStep")}
                      </Button>
                    </Flex>
                  )}
                </Form.List>
              </Card>
              <Card size="small" title={t("warning")} style={{ flex: 1 }}>
                <Form.Item
                  name="warningShare"
                  label={t("warningShare")}
                  rules={[{ required: true, message: t("required") }]}
                >
                  <InputNumber
                    min={1}
                    max={99}
                    suffix="%"
                    style={{ width: 100 }}
                    data-testid="sla-warning-share"
                  />
                </Form.Item>
                <Form.Item
                  name="followUpAfterResolve"
                  label={t("followUp")}
                  valuePropName="checked"
                  style={{ marginBottom: 0 }}
                >
                  <Switch data-testid="sla-follow-up" />
                </Form.Item>
              </Card>
            </Flex>
          </Col>
        </Row>
        <Card
          size="small"
          title={t("targets")}
          extra={<Typography.Text type="secondary">{t("targetsHint")}</Typography.Text>}
        >
          <Form.List name="targets">
            {(rows, { add, remove }) => (
              <>
                <Table
                  size="small"
                  pagination={false}
                  rowKey="key"
                  dataSource={rows}
                  data-testid="sla-targets"
                  columns={[
                    {
                      title: t("kind"),
                      width: 170,
                      render: (_, row) => (
                        <Form.Item
                          name={[row.name, "kind"]}
                          style={{ marginBottom: 0 }}
                          dependencies={[["targets", row.name, "urgency"]]}
                          rules={[
                            { required: true, message: t("required") },
                            {
                              validator: async () => {
                                const all = (form.getFieldValue("targets") ?? []) as TargetRow[];
                                const me = all[row.name];
                                const j = all.findIndex(
                                  (o, k) =>
                                    k < row.name &&
                                    o?.kind === me?.kind &&
                                    o?.urgency === me?.urgency,
                                );
                                if (j >= 0) throw new Error(t("dup", { n: j + 1 }));
                              },
                            },
                          ]}
                        >
                          <Select
                            data-testid={`target-${row.name}-kind`}
                            options={[
                              { value: "*", label: t("anyKind") },
                              ...KINDS.map((k) => ({
                                value: k,
                                label: labelOf(workOrderTypes, k, language),
                              })),
                            ]}
                          />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t("urgency"),
                      width: 120,
                      render: (_, row) => (
                        <Form.Item name={[row.name, "urgency"]} style={{ marginBottom: 0 }}>
                          <Select
                            data-testid={`target-${row.name}-urgency`}
                            options={URGENCIES.map((u) => ({
                              value: u,
                              label:
                                u === "URGENCY_UNSPECIFIED"
                                  ? t("anyUrgency")
                                  : labelOf(urgencies, u, language),
                            }))}
                          />
                        </Form.Item>
                      ),
                    },
                    ...(["responseMinutes", "resolveMinutes"] as const).map((field) => ({
                      title: field === "responseMinutes" ? t("response") : t("resolve"),
                      width: 230,
                      render: (_: unknown, row: { name: number }) => (
                        <Space size={6} align="start">
                          <Form.Item
                            name={[row.name, field]}
                            style={{ marginBottom: 0 }}
                            rules={[{ required: true, message: t("required") }]}
                          >
                            <InputNumber
                              min={0}
                              precision={0}
                              suffix={t("minutes")}
                              style={{ width: 116 }}
                              data-testid={`target-${row.name}-${field === "responseMinutes" ? "response" : "resolve"}`}
                            />
                          </Form.Item>
                          <div style={{ paddingTop: 2, whiteSpace: "nowrap" }}>
                            {minutesHint(["targets", row.name, field])}
                          </div>
                        </Space>
                      ),
                    })),
                    {
                      title: t("clock"),
                      render: (_, row) => (
                        <Form.Item
                          name={[row.name, "aroundTheClock"]}
                          valuePropName="checked"
                          style={{ marginBottom: 0 }}
                        >
                          <Checkbox data-testid={`target-${row.name}-clock`}>
                            {t("aroundTheClock")}
                          </Checkbox>
                        </Form.Item>
                      ),
                    },
                    {
                      title: "",
                      width: 48,
                      render: (_, row) => (
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t("remove")}
                          onClick={() => remove(row.name)}
                        />
                      ),
                    },
                  ]}
                />
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  style={{ marginTop: 8 }}
                  onClick={() =>
                    add({
                      kind: "*",
                      urgency: "URGENCY_UNSPECIFIED",
                      responseMinutes: 60,
                      resolveMinutes: 480,
                      aroundTheClock: false,
                    })
                  }
                  data-testid="sla-add-target"
                >
                  {t("addTarget")}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
      </Flex>
    </Form>
  );
}

function WeekdayRow({ index }: { index: number }) {
  const t = useT(messages);
  const form = Form.useFormInstance<FormValues>();
  const dayName = t(`weekday${index}` as "weekday0");
  return (
    <Flex
      align="start"
      gap={8}
      style={{ padding: "6px 0", borderBottom: "1px solid #f5f5f5" }}
      data-testid={`sla-weekday-${index}`}
    >
      <span style={{ width: 36, paddingTop: 2 }}>{dayName}</span>
      <Form.List name={[index, "periods"]}>
        {(periods, { add, remove }) => (
          <Flex gap={8} wrap align="start" style={{ flex: 1 }}>
            {periods.length === 0 && (
              <Typography.Text type="secondary" style={{ paddingTop: 2 }}>
                {t("dayOff")}
              </Typography.Text>
            )}
            {periods.map((p) => (
              // One item shows the errors of both times under the pair.
              <Form.Item key={p.key} style={{ marginBottom: 0, maxWidth: 200 }}>
                <Space.Compact size="small">
                  <Form.Item
                    name={[p.name, "start"]}
                    noStyle
                    rules={[
                      { required: true, message: t("required") },
                      { pattern: TIME, message: t("timeRule") },
                    ]}
                  >
                    <Input
                      style={{ width: 62 }}
                      placeholder={t("start")}
                      data-testid={`sla-weekday-${index}-period-${p.name}-start`}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[p.name, "end"]}
                    noStyle
                    rules={[
                      { required: true, message: t("required") },
                      { pattern: TIME, message: t("timeRule") },
                    ]}
                  >
                    <Input
                      style={{ width: 62 }}
                      placeholder={t("end")}
                      data-testid={`sla-weekday-${index}-period-${p.name}-end`}
                    />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t("remove")}
                    onClick={() => remove(p.name)}
                  />
                </Space.Compact>
              </Form.Item>
            ))}
            <Button
              type="link"
              size="small"
              icon={<PlusOutlined />}
              onClick={() => {
                const last = periods.length
                  ? (form.getFieldValue(["calendar", "weekdays", index, "periods"]) as Period[])[
                      periods.length - 1
                    ]
                  : undefined;
                add(
                  last?.end && last.end < "18:00"
                    ? { start: "18:00", end: "20:00" }
                    : {
                        start: "08:30",
                        end: "17:30",
                      },
                );
              }}
            >
              {t("addPeriod")}
            </Button>
          </Flex>
        )}
      </Form.List>
    </Flex>
  );
}
