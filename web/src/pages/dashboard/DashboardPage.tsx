// 数据看板: the KPIs the analytics service computes (GET /v1/analytics/kpis) for a period
// of days in the tenant's time zone: work orders created and resolved, handling times
// against the seeds' target (< 12 h), and per type as charts.
import { ReloadOutlined } from "@ant-design/icons";
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Row,
  Space,
  Spin,
  Statistic,
  Tag,
  Typography,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { api, client, type Schemas } from "../../api/client";
import { useT } from "../../i18n/messages";
import { tenantToday } from "../../components/time";
import { EChart, type ChartOption } from "./EChart";
import { messages } from "./messages";

type Kpis = Schemas["qingquan.analytics.v1.Kpis"];
type Period = [string, string] | null;

const HANDLING_TARGET_SECONDS = 12 * 3600;
const TYPE_ORDER = [
  "REPAIR",
  "NEW_CONNECTION",
  "COMPLAINT",
  "ENQUIRY",
  "FOLLOW_UP",
  "WATER_CHANGE",
  "DISPENSER_REPAIR",
] as const;

function daysBack(n: number): Period {
  const today = tenantToday();
  return [
    dayjs(today)
      .subtract(n - 1, "day")
      .format("YYYY-MM-DD"),
    today,
  ];
}

export default function DashboardPage() {
  const t = useT(messages);
  const [period, setPeriod] = useState<Period>(() => daysBack(30));
  const [tick, setTick] = useState(0);
  const [loaded, setLoaded] = useState<{
    key: string;
    kpis: Kpis | null;
    error: string | null;
  } | null>(null);
  const key = `${period?.join("~") ?? "all"}#${tick}`;

  useEffect(() => {
    let live = true;
    const query = period ? { fromDate: period[0], toDate: period[1] } : {};
    api(() => client.GET("/v1/analytics/kpis", { params: { query } })).then(
      (kpis) => live && setLoaded({ key, kpis, error: null }),
      (err: unknown) =>
        live &&
        setLoaded({ key, kpis: null, error: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
    // `key` stands for period and tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const loading = loaded?.key !== key;
  const kpis = loaded?.kpis ?? null;

  const duration = (seconds: number | undefined) => {
    if (!seconds) return t("none");
    if (seconds < 60) return t("seconds", { n: Math.round(seconds) });
    if (seconds < 3600) return t("minutes", { n: Math.round(seconds / 60) });
    if (seconds < 48 * 3600) return t("hoursN", { n: (seconds / 3600).toFixed(1) });
    return t("days", { n: (seconds / 86400).toFixed(1) });
  };
  const typeLabel = (type: string | undefined) =>
    t(
      `type_${(TYPE_ORDER as readonly string[]).includes(type ?? "") ? type : "TYPE_UNSPECIFIED"}` as "type_REPAIR",
    );

  const byType = useMemo(
    () =>
      [...(kpis?.byType ?? [])].sort(
        (a, b) =>
          TYPE_ORDER.indexOf(a.type as (typeof TYPE_ORDER)[number]) -
          TYPE_ORDER.indexOf(b.type as (typeof TYPE_ORDER)[number]),
      ),
    [kpis],
  );

  const createdResolved: ChartOption = {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: byType.map((b) => typeLabel(b.type)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      {
        name: t("created"),
        type: "bar",
        data: byType.map((b) => b.created ?? 0),
        itemStyle: { color: "#1677ff" },
        barMaxWidth: 36,
      },
      {
        name: t("resolved"),
        type: "bar",
        data: byType.map((b) => b.resolved ?? 0),
        itemStyle: { color: "#52c41a" },
        barMaxWidth: 36,
      },
    ],
  };

  // The unit follows the longest average, so that short times do not vanish at the axis
  // foot; the 12 h target line shows when it falls within sight of the bars.
  const longest = Math.max(0, ...byType.map((b) => b.averageHandlingSeconds ?? 0));
  const unit =
    longest < 120
      ? { seconds: 1, name: t("unitSeconds") }
      : longest < 2 * 3600
        ? { seconds: 60, name: t("unitMinutes") }
        : { seconds: 3600, name: t("unitHours") };
  const target = HANDLING_TARGET_SECONDS / unit.seconds;
  const handling: ChartOption = {
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v) => `${Number(v).toFixed(1)} ${unit.name}`,
    },
    grid: { left: 48, right: 24, top: 28, bottom: 28 },
    xAxis: { type: "category", data: byType.map((b) => typeLabel(b.type)) },
    yAxis: { type: "value", name: unit.name, nameTextStyle: { align: "left" } },
    series: [
      {
        name: t("avgHandling"),
        type: "bar",
        data: byType.map((b) =>
          Number(((b.averageHandlingSeconds ?? 0) / unit.seconds).toFixed(2)),
        ),
        itemStyle: { color: "#fa8c16" },
        barMaxWidth: 36,
        markLine:
          target <= (longest / unit.seconds) * 1.5
            ? {
                silent: true,
                symbol: "none",
                lineStyle: { color: "#cf1322", type: "dashed" },
                label: { formatter: t("target", { value: "12 h" }), position: "insideEndTop" },
                data: [{ yAxis: target }],
              }
            : undefined,
      },
    ],
  };

  const created = kpis?.workOrdersCreated ?? 0;
  const resolved = kpis?.workOrdersResolved ?? 0;
  const rate = created ? Math.round((resolved / created) * 1000) / 10 : null;
  const onTarget = (s: number | undefined) =>
    s ? (
      <Tag color={s < HANDLING_TARGET_SECONDS ? "success" : "error"}>
        {s < HANDLING_TARGET_SECONDS ? t("meetsTarget") : t("missesTarget")}
      </Tag>
    ) : null;

  const presets: { label: string; value: [Dayjs, Dayjs] }[] = [
    { label: t("today"), value: [dayjs(tenantToday()), dayjs(tenantToday())] },
    { label: t("last7"), value: daysBack(7)!.map((d) => dayjs(d)) as [Dayjs, Dayjs] },
    { label: t("last30"), value: daysBack(30)!.map((d) => dayjs(d)) as [Dayjs, Dayjs] },
    { label: t("thisMonth"), value: [dayjs(tenantToday()).startOf("month"), dayjs(tenantToday())] },
  ];

  const cards: {
    key: string;
    title: string;
    value: string | number;
    suffix?: string;
    extra?: ReactNode;
  }[] = [
    { key: "created", title: t("created"), value: created },
    { key: "resolved", title: t("resolved"), value: resolved },
    {
      key: "rate",
      title: t("resolveRate"),
      value: rate ?? t("none"),
      suffix: rate === null ? undefined : "%",
    },
    {
      key: "avg",
      title: t("avgHandling"),
      value: duration(kpis?.averageHandlingSeconds),
      extra: onTarget(kpis?.averageHandlingSeconds),
    },
    { key: "repairs", title: t("repairsResolved"), value: kpis?.repairsResolved ?? 0 },
    {
      key: "repairAvg",
      title: t("avgRepairHandling"),
      value: duration(kpis?.averageRepairHandlingSeconds),
      extra: onTarget(kpis?.averageRepairHandlingSeconds),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }} data-testid="dashboard">
      <Card styles={{ body: { padding: "12px 16px" } }}>
        <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t("title")}
          </Typography.Title>
          <Space wrap>
            <Typography.Text type="secondary">{t("timeZone")}</Typography.Text>
            <DatePicker.RangePicker
              value={period ? [dayjs(period[0]), dayjs(period[1])] : null}
              presets={presets}
              allowClear
              placeholder={[t("allTime"), t("allTime")]}
              disabledDate={(d) => d.format("YYYY-MM-DD") > tenantToday()}
              onChange={(range) =>
                setPeriod(
                  range?.[0] && range?.[1]
                    ? [range[0].format("YYYY-MM-DD"), range[1].format("YYYY-MM-DD")]
                    : null,
                )
              }
              data-testid="dashboard-period"
            />
            <Button
              onClick={() => setPeriod(null)}
              type={period ? "default" : "primary"}
              data-testid="dashboard-all-time"
            >
              {t("allTime")}
            </Button>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => setTick((n) => n + 1)}
              loading={loading}
              title={t("refresh")}
            />
          </Space>
        </Space>
      </Card>
      {loaded?.error && !loading && (
        <Alert type="error" showIcon title={t("loadFailed", { message: loaded.error })} />
      )}
      <Spin spinning={loading && !!kpis}>
        <Row gutter={[16, 16]}>
          {cards.map((c) => (
            <Col xs={12} md={8} xl={4} key={c.key}>
              <Card size="small" data-testid={`kpi-${c.key}`} style={{ height: "100%" }}>
                <Statistic
                  title={c.title}
                  value={c.value}
                  suffix={c.suffix}
                  loading={!kpis && loading}
                />
                {c.extra}
              </Card>
            </Col>
          ))}
          <Col xs={24} lg={12}>
            <Card size="small" title={t("createdVsResolved")}>
              {byType.length ? (
                <EChart option={createdResolved} testId="chart-created-resolved" />
              ) : (
                <Empty description={t("noData")} style={{ height: 268, paddingTop: 60 }} />
              )}
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t("handlingByType")}>
              {byType.length ? (
                <EChart option={handling} testId="chart-handling" />
              ) : (
                <Empty description={t("noData")} style={{ height: 268, paddingTop: 60 }} />
              )}
            </Card>
          </Col>
        </Row>
      </Spin>
    </Space>
  );
}
