// 定期送水: the standing orders, paged on the server, with pause and resume; a drawer
// (its state in the URL) creates one or changes one.
import {
  App as AntApp,
  Alert,
  Button,
  Form,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { useEffect, useState, type HTMLAttributes } from "react";
import { useSearchParams } from "react-router-dom";
import { api, client, type Schemas } from "../../api/client";
import { useT } from "../../i18n/messages";
import { formatTime } from "../../components/time";
import { PagerBar, useCursorPager, type Page } from "../../components/QueryPager";
import { messages } from "./messages";
import { itemsText, recurrenceText } from "./shared";
import { StandingOrderDrawer, type StandingTarget } from "./StandingOrderDrawer";

type StandingOrder = Schemas["qingquan.order.v1.StandingOrder"];
type State = Schemas["qingquan.order.v1.StandingOrder.State"];

interface Query {
  state?: State;
}

async function loadStanding(
  q: Query,
  pageToken: string,
  pageSize: number,
): Promise<Page<StandingOrder>> {
  const res = await api(() =>
    client.GET("/v1/standing-orders", {
      params: { query: { pageSize, pageToken: pageToken || undefined, state: q.state } },
    }),
  );
  return { items: res.standingOrders ?? [], next: res.nextPageToken ?? "" };
}

const STATE_COLOR: Record<string, string> = { ACTIVE: "green", PAUSED: "orange", ENDED: "default" };

export function StandingOrdersTab() {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const pager = useCursorPager(loadStanding, {} as Query);
  const [names, setNames] = useState<Record<string, string>>({});
  const [busyId, setBusyId] = useState<string | null>(null);
  const [params, setParams] = useSearchParams();

  const editId = params.get("standingEdit");
  const target: StandingTarget | null = editId
    ? { mode: "edit", id: editId }
    : params.get("standingCreate")
      ? { mode: "create" }
      : null;
  const openDrawer = (next: StandingTarget | null) =>
    setParams(
      (p) => {
        const out = new URLSearchParams(p);
        out.delete("standingEdit");
        out.delete("standingCreate");
        if (next?.mode === "edit") out.set("standingEdit", next.id);
        if (next?.mode === "create") out.set("standingCreate", "1");
        return out;
      },
      { replace: true },
    );

  // The list carries customer ids only: names of the page's customers, asked once each.
  const missing = [...new Set(pager.items.map((s) => s.customerId ?? ""))].filter(
    (id) => id && !(id in names),
  );
  const missingKey = missing.join(",");
  useEffect(() => {
    if (!missingKey) return;
    let live = true;
    void Promise.allSettled(
      missingKey
        .split(",")
        .map((id) => api(() => client.GET("/v1/customers/{id}", { params: { path: { id } } }))),
    ).then((results) => {
      if (!live) return;
      const found: Record<string, string> = {};
      missingKey.split(",").forEach((id, i) => {
        const r = results[i];
        found[id] = r.status === "fulfilled" ? (r.value.name ?? "") : "";
      });
      setNames((old) => ({ ...old, ...found }));
    });
    return () => {
      live = false;
    };
  }, [missingKey]);

  const change = async (s: StandingOrder, action: "PAUSE" | "RESUME") => {
    setBusyId(s.id ?? null);
    try {
      await api(() =>
        client.POST("/v1/standing-orders/{id}:changeState", {
          params: { path: { id: s.id ?? "" } },
          body: { id: s.id, action },
        }),
      );
      message.success(action === "PAUSE" ? t("paused") : t("resumed"));
      pager.reload();
    } catch (err) {
      message.error(
        t("changeFailed", { message: err instanceof Error ? err.message : String(err) }),
      );
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      <Form layout="inline" style={{ marginBottom: 12 }}>
        <Form.Item>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => openDrawer({ mode: "create" })}
            data-testid="standing-create"
          >
            {t("standingCreate")}
          </Button>
        </Form.Item>
        <Form.Item label={t("standingState")}>
          <Select
            allowClear
            style={{ width: 120 }}
            value={pager.query.state}
            onChange={(state?: State) => pager.setQuery({ state })}
            options={(["ACTIVE", "PAUSED", "ENDED"] as const).map((s) => ({
              value: s,
              label: t(`standing_${s}`),
            }))}
            data-testid="standing-filter-state"
          />
        </Form.Item>
      </Form>
      {!!pager.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("loadFailed", {
            message: pager.error instanceof Error ? pager.error.message : String(pager.error),
          })}
        />
      )}
      <Table<StandingOrder>
        rowKey="id"
        size="middle"
        loading={pager.loading}
        dataSource={pager.items}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t("noStanding") }}
        data-testid="standing-table"
        onRow={(s) => ({ "data-testid": `standing-row-${s.id}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t("customer"),
            key: "customer",
            width: 140,
            render: (_, s) => names[s.customerId ?? ""] || "…",
          },
          { title: t("items"), key: "items", width: 120, render: (_, s) => itemsText(s.items) },
          {
            title: t("recurrence"),
            key: "recurrence",
            render: (_, s) => recurrenceText(s.recurrence, t),
          },
          {
            title: t("dailyWindow"),
            key: "window",
            width: 110,
            render: (_, s) =>
              s.windowStartLocal || s.windowEndLocal
                ? `${s.windowStartLocal || "…"} – ${s.windowEndLocal || "…"}`
                : t("anyTime"),
          },
          {
            title: t("payment"),
            dataIndex: "payment",
            width: 80,
            render: (p: StandingOrder["payment"]) => (p ? t(`payment_${p}`) : ""),
          },
          {
            title: t("nextDelivery"),
            key: "next",
            width: 120,
            render: (_, s) =>
              s.state === "ACTIVE" ? (
                <Tooltip title={formatTime(s.nextCreateTime)}>
                  <span>{s.nextDeliveryDate}</span>
                </Tooltip>
              ) : null,
          },
          { title: t("createdCount"), dataIndex: "createdCount", width: 70 },
          {
            title: t("standingState"),
            key: "state",
            width: 150,
            render: (_, s) => (
              <Space orientation="vertical" size={0}>
                <Tag color={STATE_COLOR[s.state ?? ""] ?? "default"} data-testid="standing-state">
                  {t(`standing_${s.state ?? "STATE_UNSPECIFIED"}`)}
                </Tag>
                {s.stateReason && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {s.stateReason}
                  </Typography.Text>
                )}
                {s.lastError && (
                  <Typography.Text type="danger" style={{ fontSize: 12 }}>
                    {t("lastError", { message: s.lastError })}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t("actions"),
            key: "actions",
            width: 130,
            fixed: "right",
            render: (_, s) =>
              s.state === "ENDED" ? null : (
                <Space size={0}>
                  <Button
                    type="link"
                    size="small"
                    onClick={() => openDrawer({ mode: "edit", id: s.id ?? "" })}
                    data-testid="standing-edit"
                  >
                    {t("standingEdit")}
                  </Button>
                  {s.state === "ACTIVE" ? (
                    <Popconfirm title={t("pauseConfirm")} onConfirm={() => change(s, "PAUSE")}>
                      <Button
                        type="link"
                        size="small"
                        loading={busyId === s.id}
                        data-testid="standing-pause"
                      >
                        {t("pause")}
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Popconfirm title={t("resumeConfirm")} onConfirm={() => change(s, "RESUME")}>
                      <Button
                        type="link"
                        size="small"
                        loading={busyId === s.id}
                        data-testid="standing-resume"
                      >
                        {t("resume")}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
          },
        ]}
      />
      <PagerBar
        pager={pager}
        testId="standing-pager"
        labels={{
          prev: t("prev"),
          next: t("next"),
          page: t("page", { n: pager.page }),
          perPage: t("perPage"),
        }}
      />
      <StandingOrderDrawer
        target={target}
        onClose={() => openDrawer(null)}
        onSaved={() => {
          openDrawer(null);
          pager.reload();
        }}
      />
    </>
  );
}
