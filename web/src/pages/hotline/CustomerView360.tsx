// The whole customer on one screen: archive, addresses on a small map, tags, custom
// fields, ticket and deposit balances, meters, contracts, payments, communications and
// recent orders, the messages sent to the customer and whether they take them, with the
// three things an agent does from here one click away.
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Skeleton,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from "antd";
import dayjs from "dayjs";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { api, client, type Schemas } from "../../api/client";
import {
  channels,
  communicationKinds,
  customerStatuses,
  labelOf,
  ledgerKinds,
  workOrderTypes,
  yuan,
} from "../../components/labels";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { OrderDrawer } from "../delivery-orders/OrderDrawer";
import { useWorkflows } from "../work-orders/workflows";
import { CallRecordModal } from "./CallRecordModal";
import { CreateWorkOrderDrawer } from "./CreateWorkOrderDrawer";
import { CustomerMessages } from "./CustomerMessages";
import { CustomerRuleFirings } from "./CustomerRuleFirings";
import { messages } from "./messages";

const MapView = lazy(() => import("../../components/map/MapView"));

type View = Schemas["qingquan.customer.v1.CustomerView"];
type ViewOrder = Schemas["qingquan.customer.v1.ViewOrder"];

function time(ts: string | undefined): string {
  return ts ? dayjs(ts).format("YYYY-MM-DD HH:mm") : "";
}

function customValue(value: unknown): string {
  if (Array.isArray(value)) return value.join("、");
  if (typeof value === "boolean") return value ? "✓" : "✗";
  if (value && typeof value === "object") return JSON.stringify(value);
  return value === undefined || value === null ? "" : String(value);
}

export function CustomerView360({ customerId }: { customerId: string }) {
  const t = useT(messages);
  const language = useLanguage();
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [action, setAction] = useState<"call" | "workOrder" | "delivery" | null>(null);
  const workflows = useWorkflows();

  const load = useCallback(() => {
    api(() => client.GET("/v1/customers/{id}/view", { params: { path: { id: customerId } } }))
      .then((v) => {
        setView(v);
        setError(null);
      })
      .catch((err: unknown) =>
        setError(t("viewFailed", { message: err instanceof Error ? err.message : String(err) })),
      );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [customerId]);
  useEffect(load, [load]);

  if (error) return <Alert type="error" showIcon title={error} />;
  if (!view) return <Skeleton active paragraph={{ rows: 12 }} />;
  const c = view.customer ?? {};
  const addresses = c.addresses ?? [];
  const located = addresses.filter((a) => a.location?.lat && a.location?.lng);
  const definitions = view.fieldDefinitions ?? [];
  const custom = (c.customFields ?? {}) as Record<string, unknown>;
  const station = (view.recentDeliveryOrders ?? []).length > 0 || (view.balances ?? []).length > 0;

  const orderColumns = (link: (o: ViewOrder) => string, kind?: string) => [
    {
      title: "#",
      dataIndex: "number",
      width: 150,
      render: (n: string, o: ViewOrder) => <Link to={link(o)}>{n}</Link>,
    },
    {
      title: t("woType"),
      dataIndex: "type",
      width: 90,
      render: (v: string) => labelOf(workOrderTypes, v, language) || v,
    },
    {
      title: t("status"),
      dataIndex: "state",
      width: 90,
      render: (v: string, o: ViewOrder) => <Tag>{workflows.stateLabel(kind ?? o.type, v)}</Tag>,
    },
    { title: t("description"), dataIndex: "description", ellipsis: true },
    { title: "", dataIndex: "createTime", render: time, width: 130 },
  ];

  return (
    <div data-testid="customer-360">
      {(view.missingParts ?? []).length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("partsMissing", { parts: (view.missingParts ?? []).join(", ") })}
        />
      )}
      <Card
        size="small"
        title={
          <Space size={8} wrap>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="customer-name">
              {c.name}
            </Typography.Title>
            {c.status && (
              <Tag
                color={c.status === "ACTIVE" ? "green" : c.status === "SILENT" ? "gold" : "default"}
              >
                {labelOf(customerStatuses, c.status, language)}
              </Tag>
            )}
            {(c.tags ?? []).map((tag) => (
              <Tag key={tag} color="blue">
                {tag}
              </Tag>
            ))}
            {(c.preferenceTags ?? []).map((tag) => (
              <Tag key={tag} color="purple">
                {tag}
              </Tag>
            ))}
          </Space>
        }
        extra={
          <Space>
            <Button onClick={() => setAction("call")} data-testid="action-record-call">
              {t("recordCall")}
            </Button>
            <Button
              type="primary"
              onClick={() => setAction("workOrder")}
              data-testid="action-create-work-order"
            >
              {t("createWorkOrder")}
            </Button>
            <Button onClick={() => setAction("delivery")} data-testid="action-create-delivery">
              {t("createDeliveryOrder")}
            </Button>
          </Space>
        }
      >
        <Descriptions size="small" column={3}>
          <Descriptions.Item label={t("phones")}>{(c.phones ?? []).join("、")}</Descriptions.Item>
          <Descriptions.Item label={t("kind")}>
            {c.kind === "ORGANISATION" ? t("organisation") : t("person")}
          </Descriptions.Item>
          <Descriptions.Item label={t("channel")}>
            {labelOf(channels, c.channel, language)}
          </Descriptions.Item>
          {c.birthday && <Descriptions.Item label={t("birthday")}>{c.birthday}</Descriptions.Item>}
          {c.idNumber && <Descriptions.Item label={t("idNumber")}>{c.idNumber}</Descriptions.Item>}
          {definitions.map((d) =>
            custom[d.key ?? ""] === undefined ? null : (
              <Descriptions.Item key={d.key} label={d.label}>
                {customValue(custom[d.key ?? ""])}
              </Descriptions.Item>
            ),
          )}
          {c.notes && (
            <Descriptions.Item label={t("notes")} span="filled">
              {c.notes}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>

      <Row gutter={12} style={{ marginTop: 12 }}>
        <Col span={14}>
          <Card size="small" title={t("addresses")}>
            {addresses.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("noAddresses")} />
            ) : (
              <Row gutter={12}>
                <Col span={located.length ? 12 : 24}>
                  {addresses.map((a) => (
                    <div key={a.id} style={{ padding: "4px 0" }}>
                      <div>{a.text}</div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {a.areaName || (a.outsideAreas ? t("outsideAreas") : "")}
                        {a.deliveryNotes ? ` · ${a.deliveryNotes}` : ""}
                      </Typography.Text>
                    </div>
                  ))}
                </Col>
                {located.length > 0 && (
                  <Col span={12}>
                    <Suspense
                      fallback={<Skeleton.Node active style={{ width: "100%", height: 160 }} />}
                    >
                      <MapView
                        height={160}
                        testId="customer-map"
                        points={located.map((a) => ({
                          id: a.id ?? "",
                          position: {
                            lat: a.location!.lat!,
                            lng: a.location!.lng!,
                          },
                          label: a.text ?? "",
                        }))}
                      />
                    </Suspense>
                  </Col>
                )}
              </Row>
            )}
          </Card>
        </Col>
        <Col span={10}>
          <Card size="small" title={t("balances")} data-testid="customer-balances">
            {(view.balances ?? []).length === 0 ? (
              <Typography.Text type="secondary">{t("noBalances")}</Typography.Text>
            ) : (
              <Space size={16} wrap>
                {(view.balances ?? []).map((b, i) => (
                  <div key={i}>
                    <Typography.Text type="secondary">
                      {labelOf(ledgerKinds, b.asset?.kind, language)} {b.asset?.product}
                    </Typography.Text>
                    <div style={{ fontSize: 20, fontWeight: 600 }}>
                      {b.asset?.kind === "DEPOSIT" && b.amountFen ? yuan(b.amountFen) : b.quantity}
                    </div>
                  </div>
                ))}
              </Space>
            )}
          </Card>
          {!station && (
            <Card size="small" title={t("meters")} style={{ marginTop: 12 }}>
              {(view.meters ?? []).length === 0 ? (
                <Typography.Text type="secondary">{t("none")}</Typography.Text>
              ) : (
                (view.meters ?? []).map((m) => (
                  <div key={m.id}>
                    {m.number} · DN{m.caliberMm} ·{" "}
                    {t("meterReading", { reading: m.lastReading ?? 0 })} {time(m.lastReadingTime)}
                  </div>
                ))
              )}
              {(view.contracts ?? []).map((k) => (
                <div key={k.id}>
                  <Typography.Text type="secondary">{t("contracts")}:</Typography.Text>{" "}
                  {k.accountNumber} {k.waterUse} {k.startDate}
                </div>
              ))}
              {(view.recentPayments ?? []).slice(0, 3).map((p) => (
                <div key={p.recordId}>
                  <Typography.Text type="secondary">{t("payments")}:</Typography.Text> {p.period}{" "}
                  {yuan(p.amountFen)} {p.method}
                </div>
              ))}
            </Card>
          )}
        </Col>
      </Row>

      <Row gutter={12} style={{ marginTop: 12 }}>
        <Col span={14}>
          <Card size="small" title={t("workOrders")}>
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={view.recentWorkOrders ?? []}
              columns={orderColumns((o) => `/work-orders/${o.id}`)}
              data-testid="customer-work-orders"
              locale={{ emptyText: t("none") }}
            />
          </Card>
          {(view.recentDeliveryOrders ?? []).length > 0 && (
            <Card size="small" title={t("deliveryOrders")} style={{ marginTop: 12 }}>
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={view.recentDeliveryOrders ?? []}
                columns={orderColumns(
                  (o) => `/delivery-orders?number=${encodeURIComponent(o.number ?? "")}`,
                  "DELIVERY",
                )}
              />
            </Card>
          )}
        </Col>
        <Col span={10}>
          <Card size="small" title={t("communications")} data-testid="customer-communications">
            {(view.recentCommunications ?? []).length === 0 ? (
              <Typography.Text type="secondary">{t("noCommunications")}</Typography.Text>
            ) : (
              <Timeline
                items={(view.recentCommunications ?? []).map((m) => ({
                  content: (
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {time(m.time)} · {labelOf(communicationKinds, m.kind, language)} ·{" "}
                        {m.staffName}
                      </Typography.Text>
                      <div style={{ whiteSpace: "pre-wrap" }}>{m.summary}</div>
                    </div>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>

      <div style={{ marginTop: 12 }}>
        <CustomerMessages customerId={customerId} />
      </div>
      <div style={{ marginTop: 12 }}>
        <CustomerRuleFirings customerId={customerId} />
      </div>

      <CallRecordModal
        open={action === "call"}
        customerId={customerId}
        onClose={() => setAction(null)}
        onSaved={() => {
          setAction(null);
          load();
        }}
      />
      <CreateWorkOrderDrawer
        open={action === "workOrder"}
        customer={c}
        onClose={() => setAction(null)}
        onCreated={() => {
          setAction(null);
          load();
        }}
      />
      <OrderDrawer
        target={action === "delivery" ? { mode: "create", customerId } : null}
        onClose={() => setAction(null)}
        onSaved={() => {
          setAction(null);
          load();
        }}
      />
    </div>
  );
}
