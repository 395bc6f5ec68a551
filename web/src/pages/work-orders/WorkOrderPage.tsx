// One work order: what it is about, its SLA, the timeline of every step (with photos),
// the steps the caller may take next (each asking what its workflow requires), how
// dispatch chose the worker, the customer's satisfaction (回访) once it is resolved, and
// the messages (SMS, WeChat) sent to the customer about it.
import { ArrowLeftOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Result,
  Row,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
  type DescriptionsProps,
} from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { ApiError, api, client } from "../../api/client";
import { getSession, hasAnyRole, type Role } from "../../auth/session";
import { MessageList } from "../../components/notifications/MessageList";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { AttachmentThumbs } from "./attachments";
import { AssignmentCard } from "./AssignmentCard";
import { FeedbackCard } from "./FeedbackCard";
import { messages } from "./messages";
import {
  channelLabel,
  typeLabel,
  urgencyColors,
  urgencyLabel,
  type FieldDefinition,
  type WorkOrder,
  type Workflow,
  type WorkflowTransition,
} from "./model";
import { useRemote } from "../../components/remote";
import { SlaCountdown } from "./sla";
import { TransitionModal } from "./TransitionModal";
import { availableTransitions, labelOfState, labelOfTransition } from "./workflows";

// The message list is the desk's and the managers' (a worker's token may not list it).
const MESSAGE_ROLES: readonly Role[] = ["agent", "dispatcher", "leader", "manager", "admin"];

function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message || err.code;
  return err instanceof Error ? err.message : String(err);
}

const time = (v: string | undefined) => (v ? dayjs(v).format("YYYY-MM-DD HH:mm") : "—");

export default function WorkOrderPage() {
  const { id = "" } = useParams();
  const t = useT(messages);
  const navigate = useNavigate();
  const order = useRemote(`work-order|${id}`, () =>
    api(() => client.GET("/v1/work-orders/{id}", { params: { path: { id } } })),
  );

  if (order.error && !order.data) {
    const missing = order.error instanceof ApiError && order.error.status === 404;
    return (
      <Result
        status={missing ? "404" : "error"}
        title={missing ? t("notFound") : t("loadFailed")}
        subTitle={missing ? undefined : errorText(order.error)}
        extra={
          <Space>
            <Button onClick={() => navigate("/work-orders")}>{t("backToList")}</Button>
            {!missing && (
              <Button type="primary" onClick={order.reload}>
                {t("retry")}
              </Button>
            )}
          </Space>
        }
      />
    );
  }
  if (!order.data) return <Spin style={{ margin: 48 }} />;
  return <WorkOrderView order={order.data} reload={order.reload} stale={!!order.error} />;
}

function WorkOrderView({
  order,
  reload,
  stale,
}: {
  order: WorkOrder;
  reload: () => void;
  stale: boolean;
}) {
  const t = useT(messages);
  const language = useLanguage();
  const { message } = App.useApp();
  const session = getSession();
  const [open, setOpen] = useState<WorkflowTransition | null>(null);
  const [assignmentTick, setAssignmentTick] = useState(0);
  const kind = order.type ?? "";
  const version = order.workflowVersion ?? 0;
  const workflow = useRemote(kind ? `workflow|${kind}|${version}` : null, () =>
    api(() =>
      client.GET("/v1/workflows/{kind}", {
        params: { path: { kind }, query: version ? { version } : undefined },
      }),
    ),
  );
  const hasCustomFields = Object.keys(order.customFields ?? {}).length > 0;
  const definitions = useRemote(hasCustomFields ? "field-definitions|WORK_ORDER" : null, () =>
    api(() =>
      client.GET("/v1/field-definitions", { params: { query: { entity: "WORK_ORDER" } } }),
    ).then((r) => r.definitions ?? []),
  );

  const wf: Workflow | undefined = workflow.data;
  const transitions = availableTransitions(wf, order, session);
  const state = wf?.states?.find((s) => s.name === order.state);
  const finished = !!order.resolveTime || !!state?.terminal;
  const desk = order.routing === "SERVICE_DESK";
  const assign = transitions.find((tr) => tr.requiredFields?.includes("assignee_id"));

  const info: DescriptionsProps["items"] = [
    {
      key: "customer",
      label: t("customer"),
      children: order.customerId ? (
        <Link to={`/hotline?customer=${order.customerId}`} data-testid="wo-customer-link">
          {order.customerName || order.customerId}
        </Link>
      ) : (
        order.customerName
      ),
    },
    { key: "channel", label: t("colChannel"), children: channelLabel(order.channel, language) },
    { key: "address", label: t("colAddress"), children: order.addressText || "—", span: "filled" },
    { key: "area", label: t("area"), children: order.areaName || "—" },
    {
      key: "team",
      label: t("colTeam"),
      children: order.teamName || (desk ? t("serviceDesk") : t("notRouted")),
    },
    { key: "assignee", label: t("colAssignee"), children: order.assigneeName || "—" },
    { key: "created", label: t("colCreated"), children: time(order.createTime) },
    { key: "responseDue", label: t("responseDue"), children: time(order.responseDueTime) },
    { key: "resolveDue", label: t("resolveDue"), children: time(order.resolveDueTime) },
    { key: "accepted", label: t("acceptTime"), children: time(order.acceptTime) },
    { key: "resolved", label: t("resolveTime"), children: time(order.resolveTime) },
  ];
  if (order.reopenCount) {
    info.push({ key: "reopen", label: t("reopenCount"), children: order.reopenCount });
  }
  if (order.escalationLevel) {
    info.push({
      key: "escalation",
      label: t("escalationLevel"),
      children: <Tag color="red">{t("escalationStep", { n: order.escalationLevel })}</Tag>,
    });
  }
  info.push({
    key: "description",
    label: t("description"),
    span: "filled",
    children: (
      <Typography.Paragraph style={{ margin: 0, whiteSpace: "pre-wrap" }}>
        {order.description || "—"}
      </Typography.Paragraph>
    ),
  });
  if (order.result) {
    info.push({
      key: "result",
      label: t("result"),
      span: "filled",
      children: (
        <Typography.Paragraph style={{ margin: 0, whiteSpace: "pre-wrap" }} data-testid="wo-result">
          {order.result}
        </Typography.Paragraph>
      ),
    });
  }
  if (order.attachmentIds?.length) {
    info.push({
      key: "photos",
      label: t("reportPhotos"),
      span: "filled",
      children: <AttachmentThumbs ids={order.attachmentIds} />,
    });
  }
  for (const [key, value] of Object.entries(order.customFields ?? {})) {
    const def = definitions.data?.find((d) => d.key === key);
    info.push({
      key: `custom-${key}`,
      label: def?.label || key,
      children: <CustomValue value={value} def={def} />,
    });
  }

  return (
    <div data-testid="work-order-page">
      <Card size="small" style={{ marginBottom: 12 }}>
        <div style={{ display: "flex", flexWrap: "wrap", gap: 12, alignItems: "center" }}>
          <Link to="/work-orders">
            <ArrowLeftOutlined /> {t("backToList")}
          </Link>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="wo-number">
            {order.number}
          </Typography.Title>
          <Tag color="blue">{typeLabel(order.type, language)}</Tag>
          {order.urgency && order.urgency !== "URGENCY_UNSPECIFIED" && (
            <Tag color={urgencyColors[order.urgency]} data-testid="wo-urgency">
              {urgencyLabel(order.urgency, language)}
            </Tag>
          )}
          <Tag color={finished ? "default" : "processing"} data-testid="wo-state">
            {labelOfState(wf, order.state)}
          </Tag>
          <SlaCountdown order={order} finished={finished} showWhich />
          <div style={{ flex: 1 }} />
          <Space wrap>
            {transitions.map((tr, i) => (
              <Button
                key={tr.name}
                type={
                  !tr.cancels && i === transitions.findIndex((x) => !x.cancels)
                    ? "primary"
                    : "default"
                }
                danger={!!tr.cancels}
                onClick={() => setOpen(tr)}
                data-testid={`wo-transition-${tr.name}`}
              >
                {tr.label || tr.name}
              </Button>
            ))}
            <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t("refresh")} />
          </Space>
        </div>
        {stale && <Alert style={{ marginTop: 8 }} type="warning" showIcon title={t("staleData")} />}
        {workflow.error ? (
          <Alert
            style={{ marginTop: 8 }}
            type="warning"
            showIcon
            title={t("workflowFailed", { message: errorText(workflow.error) })}
          />
        ) : null}
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={14}>
          <Card size="small" title={t("details")} style={{ marginBottom: 12 }}>
            <Descriptions size="small" column={{ xs: 1, sm: 2 }} items={info} />
          </Card>
          {!desk && (
            <AssignmentCard
              order={order}
              refresh={assignmentTick}
              canAssign={!!assign}
              onAssign={() => setOpen(assign ?? null)}
            />
          )}
          {hasAnyRole(getSession(), MESSAGE_ROLES) && (
            <Card
              size="small"
              title={t("customerMessages")}
              style={{ marginBottom: 12 }}
              data-testid="wo-messages"
            >
              <MessageList
                filter={{ workOrderId: order.id }}
                testId="wo-message-list"
                pageSize={5}
              />
            </Card>
          )}
          <FeedbackCard order={order} />
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t("timeline")} data-testid="wo-timeline">
            <OrderTimeline order={order} workflow={wf} />
          </Card>
        </Col>
      </Row>
      {open && (
        <TransitionModal
          order={order}
          workflow={wf}
          transition={open}
          onClose={() => setOpen(null)}
          onDone={(updated) => {
            setOpen(null);
            message.success(
              t("transitionDone", {
                step: open.label || open.name || "",
                state: labelOfState(wf, updated.state),
              }),
            );
            reload();
            setAssignmentTick((n) => n + 1);
          }}
        />
      )}
    </div>
  );
}

function CustomValue({ value, def }: { value: unknown; def: FieldDefinition | undefined }) {
  const optionLabel = (v: unknown) =>
    def?.options?.find((o) => o.value === String(v))?.label ?? String(v);
  if (value === null || value === undefined || value === "") return <>—</>;
  if (def?.type === "IMAGE" && typeof value === "string") return <AttachmentThumbs ids={[value]} />;
  if (Array.isArray(value)) return <>{value.map(optionLabel).join("、")}</>;
  if (typeof value === "object") {
    const p = value as { lat?: number; lng?: number };
    if (typeof p.lat === "number" && typeof p.lng === "number") {
      return <>{`${p.lat.toFixed(5)}, ${p.lng.toFixed(5)}`}</>;
    }
    return <>{JSON.stringify(value)}</>;
  }
  if (typeof value === "boolean") return <>{value ? "✓" : "✗"}</>;
  return <>{optionLabel(value)}</>;
}

function OrderTimeline({ order, workflow }: { order: WorkOrder; workflow: Workflow | undefined }) {
  const t = useT(messages);
  const entries = order.timeline ?? [];
  if (!entries.length) return <Empty description={t("noTimeline")} />;
  const colorOf = (transition: string | undefined) => {
    const tr = workflow?.transitions?.find((x) => x.name === transition);
    if (tr?.cancels) return "red";
    if (tr?.resolves) return "green";
    if (tr?.reopens) return "orange";
    return transition ? "blue" : "gray";
  };
  return (
    <Timeline
      items={entries.map((e, i) => {
        const from = labelOfState(workflow, e.fromState);
        const to = labelOfState(workflow, e.toState);
        return {
          key: i,
          color: colorOf(e.transition),
          content: (
            <div
              data-testid="wo-timeline-entry"
              data-transition={e.transition || ""}
              style={{ paddingBottom: 4 }}
            >
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {e.time ? dayjs(e.time).format("YYYY-MM-DD HH:mm:ss") : ""}
              </Typography.Text>
              <br />
              <Space wrap size={6}>
                <Typography.Text strong>{e.actorName || e.actor || t("system")}</Typography.Text>
                {e.transition && <Tag>{labelOfTransition(workflow, e.transition)}</Tag>}
                {from && to && from !== to ? (
                  <Typography.Text type="secondary">
                    {from} → {to}
                  </Typography.Text>
                ) : to ? (
                  <Typography.Text type="secondary">{to}</Typography.Text>
                ) : null}
              </Space>
              {e.comment && (
                <Typography.Paragraph style={{ margin: "4px 0 0", whiteSpace: "pre-wrap" }}>
                  {e.comment}
                </Typography.Paragraph>
              )}
              {e.attachmentIds?.length ? (
                <div style={{ marginTop: 6 }}>
                  <AttachmentThumbs ids={e.attachmentIds} />
                </div>
              ) : null}
            </div>
          ),
        };
      })}
    />
  );
}
