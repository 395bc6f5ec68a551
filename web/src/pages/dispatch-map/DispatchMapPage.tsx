// 调度地图 (dispatcher, leader): the dispatch board's counts per area, the deliveries
// waiting for a courier, and a map of the areas, the waiting orders, the people at their
// last positions and each courier's route with its numbered stops and ETAs. A dispatcher
// picks an order and a courier and assigns it; re-planning shows a dry run first.
//
// Live: the board is read again every 10 s while the tab is visible. The gateway's only
// server-sent events are per order (tracking:watch), so the map follows one courier live
// (the selected one, else the first on duty with stops) through the tracking of the first
// stop on their route: each event moves their marker, and a change of the route or of
// the order reloads the board at once.
import { ReloadOutlined, ScheduleOutlined } from "@ant-design/icons";
import {
  Alert,
  App as AntApp,
  Badge,
  Button,
  Select,
  Skeleton,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { api, client, idempotent } from "../../api/client";
import { newIdempotencyKey } from "../../api/idempotency";
import { getSession, hasAnyRole } from "../../auth/session";
import { useRemote } from "../../components/remote";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { BoardSummary } from "./BoardSummary";
import "./dispatchMap.css";
import { useTrackingWatch } from "./live";
import { buildLayers, type LiveFix } from "./mapLayers";
import { messages } from "./messages";
import { OrderList } from "./OrderList";
import { ReplanModal } from "./ReplanModal";
import { RoutePanel } from "./RoutePanel";
import {
  assigningTransition,
  clock,
  COLORS,
  couriersOf,
  located,
  waitingList,
  type Tracking,
} from "./shared";

const MapView = lazy(() => import("../../components/map/MapView"));

const POLL_SECONDS = 10;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default function DispatchMapPage() {
  const t = useT(messages);
  const language = useLanguage();
  const { message } = AntApp.useApp();
  const session = getSession();
  const roles: string[] = session?.roles ?? [];
  // GET /v1/routes/{courierId} and the re-plan: dispatchers and managers (admins always).
  const planner = hasAnyRole(session, ["dispatcher", "manager", "admin"]);

  const board = useRemote("board", () => api(() => client.GET("/v1/dispatch-board")));
  const areas = useRemote("areas", () =>
    api(() => client.GET("/v1/areas")).then((r) => r.areas ?? []),
  );
  const workflow = useRemote("workflow", () =>
    api(() => client.GET("/v1/workflows/{kind}", { params: { path: { kind: "DELIVERY" } } })),
  );

  const reloadBoard = board.reload;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") reloadBoard();
    }, POLL_SECONDS * 1000);
    return () => clearInterval(timer);
  }, [reloadBoard]);

  const [selectedOrderId, setSelectedOrderId] = useState<string | null>(null);
  const [selectedCourierId, setSelectedCourierId] = useState<string | null>(null);
  const [areaFilter, setAreaFilter] = useState<string | null>(null);
  const [replanOpen, setReplanOpen] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const [routeTick, setRouteTick] = useState(0);

  const all = waitingList(board.data);
  const orders = areaFilter ? all.filter((o) => o.areaId === areaFilter) : all;
  const selectedOrder = all.find((o) => o.orderId === selectedOrderId) ?? null;
  const couriers = couriersOf(board.data);
  const selectedCourier = couriers.find((c) => c.userId === selectedCourierId) ?? null;

  // The selected courier's route with names and addresses (dispatchers and managers).
  const route = useRemote(
    planner && selectedCourierId
      ? `route|${selectedCourierId}|${board.data?.asOf ?? ""}|${routeTick}`
      : null,
    () =>
      api(() =>
        client.GET("/v1/routes/{courierId}", {
          params: { path: { courierId: selectedCourierId ?? "" } },
        }),
      ),
  );
  const routeStops =
    route.data && route.data.courierId === selectedCourierId ? (route.data.stops ?? []) : null;

  // Live: one courier followed through the tracking of the first stop on their route.
  const watched =
    (selectedCourier && (selectedCourier.route ?? []).length > 0 ? selectedCourier : null) ??
    couriers.find((c) => c.onDuty && (c.route ?? []).length > 0) ??
    null;
  const watchedCourierId = watched?.userId ?? null;
  const watchedOrderId = watched?.route?.[0]?.orderId ?? null;
  const [liveFix, setLiveFix] = useState<LiveFix | null>(null);
  const lastTracking = useRef<Tracking | null>(null);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(refreshTimer.current), []);
  const liveState = useTrackingWatch(watchedOrderId, (tracking) => {
    const position = located(tracking.courierPosition);
    if (position && watchedCourierId) {
      setLiveFix({ courierId: watchedCourierId, position, time: tracking.positionTime });
    }
    const previous = lastTracking.current;
    lastTracking.current = tracking;
    const etaMoved =
      Math.abs(new Date(previous?.eta ?? 0).getTime() - new Date(tracking.eta ?? 0).getTime()) >=
      60_000;
    if (
      previous &&
      previous.orderId === tracking.orderId &&
      (previous.state !== tracking.state ||
        previous.stopsBefore !== tracking.stopsBefore ||
        etaMoved)
    ) {
      clearTimeout(refreshTimer.current);
      refreshTimer.current = setTimeout(() => {
        reloadBoard();
        setRouteTick((n) => n + 1);
      }, 500);
    }
  });
  // A live position only while it is newer than the board's.
  const boardTimeOfLive = couriers.find((c) => c.userId === liveFix?.courierId)?.positionTime;
  const live =
    liveFix &&
    (!boardTimeOfLive ||
      new Date(liveFix.time ?? 0).getTime() >= new Date(boardTimeOfLive).getTime())
      ? liveFix
      : null;

  const layers = buildLayers({
    board: board.data,
    areas: areas.data,
    orders,
    selectedOrderId,
    selectedCourierId,
    route: routeStops,
    live,
    t,
    language,
  });

  const onPointClick = (id: string) => {
    const [kind, rest] = [id.slice(0, id.indexOf(":")), id.slice(id.indexOf(":") + 1)];
    if (kind === "order") setSelectedOrderId((current) => (current === rest ? null : rest));
    else if (kind === "person" && couriers.some((c) => c.userId === rest))
      setSelectedCourierId(rest);
    else if (kind === "stop") setSelectedCourierId(rest.split("/")[0]);
  };

  // Assigning: the workflow's transition that gives a waiting order to a courier.
  const { transition, allowed } = assigningTransition(workflow.data, roles);
  const keys = useRef(new Map<string, string>());
  const assign = async () => {
    if (!selectedOrder?.orderId || !selectedCourier?.userId || !transition?.name) return;
    const orderId = selectedOrder.orderId;
    const courierId = selectedCourier.userId;
    const k = `${orderId}|${courierId}`;
    const key = keys.current.get(k) ?? newIdempotencyKey();
    keys.current.set(k, key);
    setAssigning(true);
    try {
      await api(() =>
        client.POST("/v1/delivery-orders/{id}:transition", {
          params: { path: { id: orderId } },
          body: { transition: transition.name, courierId },
          ...idempotent(key),
        }),
      );
      keys.current.delete(k);
      message.success(
        t("assigned", { number: selectedOrder.number ?? "", name: selectedCourier.name ?? "" }),
      );
      setSelectedOrderId(null);
      setSelectedCourierId(courierId);
      // Dispatch moves the stop onto the route when the order's event reaches it (well
      // under a second): wait for that so the route shown includes it.
      if (planner) {
        for (let i = 0; i < 12; i++) {
          const r = await api(() =>
            client.GET("/v1/routes/{courierId}", { params: { path: { courierId } } }),
          ).catch(() => null);
          if (r?.stops?.some((s) => s.orderId === orderId)) break;
          await sleep(500);
        }
      }
      reloadBoard();
      setRouteTick((n) => n + 1);
    } catch (err) {
      message.error(t("assignFailed", { message: errorText(err) }));
      reloadBoard();
    } finally {
      setAssigning(false);
    }
  };

  const numbers = new Map<string, string>();
  for (const o of all) numbers.set(o.orderId ?? "", o.number ?? "");
  for (const c of couriers)
    for (const s of c.route ?? []) numbers.set(s.orderId ?? "", s.number ?? "");

  const firstLoad = board.loading && !board.data;
  const liveBadge =
    liveState === "live" && watched ? (
      <Badge
        status="processing"
        color="green"
        text={t("liveWatching", { name: watched.name ?? "" })}
      />
    ) : liveState === "retrying" ? (
      <Badge status="warning" text={t("liveReconnecting")} />
    ) : (
      <Badge status="default" text={t("livePolling", { s: POLL_SECONDS })} />
    );

  return (
    <div className="qq-dm" data-testid="dispatch-map-page">
      <div className="qq-dm-toolbar">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
        <span data-testid="live-state">{liveBadge}</span>
        {board.data?.asOf && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("updatedAt", { time: clock(board.data.asOf) })}
          </Typography.Text>
        )}
        {board.error != null && board.data != null && (
          <Tag color="warning">{t("loadFailed", { message: errorText(board.error) })}</Tag>
        )}
        <span style={{ flex: 1 }} />
        <Button icon={<ReloadOutlined />} onClick={reloadBoard} loading={board.loading}>
          {t("refresh")}
        </Button>
        <Tooltip title={planner ? undefined : t("replanNotAllowed")}>
          <Button
            type="primary"
            icon={<ScheduleOutlined />}
            disabled={!planner}
            onClick={() => setReplanOpen(true)}
            data-testid="replan-button"
          >
            {t("replan")}
          </Button>
        </Tooltip>
      </div>

      {board.error != null && board.data == null && (
        <Alert
          type="error"
          showIcon
          title={t("loadFailed", { message: errorText(board.error) })}
          action={
            <Button size="small" onClick={reloadBoard}>
              {t("retry")}
            </Button>
          }
        />
      )}

      <div className="qq-dm-body">
        <div className="qq-dm-side">
          <div className="qq-dm-section">
            {firstLoad ? (
              <Skeleton active paragraph={{ rows: 3 }} />
            ) : (
              <BoardSummary
                board={board.data}
                areaFilter={areaFilter}
                areaColors={layers.areaColors}
                onAreaFilter={setAreaFilter}
                t={t}
              />
            )}
          </div>
          <div className="qq-dm-section qq-dm-section-title" style={{ marginBottom: 0 }}>
            <span className="qq-dm-swatch" style={{ background: COLORS.order }} />
            {t("unassigned")}
            <Tag style={{ marginInlineStart: "auto", marginInlineEnd: 0 }}>{orders.length}</Tag>
          </div>
          <div className="qq-dm-orders">
            {!firstLoad && (
              <OrderList
                orders={orders}
                selectedId={selectedOrderId}
                onSelect={setSelectedOrderId}
                notListed={
                  areaFilter
                    ? 0
                    : Math.max(0, (board.data?.waitingDeliveriesTotal ?? 0) - all.length)
                }
                t={t}
              />
            )}
          </div>
          <div className="qq-dm-assign" data-testid="assign-bar">
            <Typography.Text
              type={selectedOrder ? undefined : "secondary"}
              ellipsis
              data-testid="assign-order"
            >
              {!allowed && !workflow.loading
                ? t("assignNotAllowed")
                : selectedOrder
                  ? t("selectedOrder", {
                      number: selectedOrder.number ?? "",
                      name: selectedOrder.customerName ?? "",
                    })
                  : t("selectOrderHint")}
            </Typography.Text>
            <Select
              data-testid="courier-select"
              placeholder={t("courierPlaceholder")}
              value={selectedCourierId ?? undefined}
              onChange={(v: string | undefined) => setSelectedCourierId(v ?? null)}
              allowClear
              showSearch={{ optionFilterProp: "title" }}
              options={couriers.map((c) => ({
                value: c.userId ?? "",
                title: c.name ?? "",
                label: (
                  <span>
                    <Badge status={c.onDuty ? "success" : "default"} /> {c.name}{" "}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {c.onDuty ? t("onDutyTag") : t("offDuty")} ·{" "}
                      {t("load", { load: c.loadBarrels ?? 0, cap: c.capacityBarrels ?? 0 })} ·{" "}
                      {t("stops", { n: (c.route ?? []).length })}
                    </Typography.Text>
                  </span>
                ),
              }))}
            />
            {selectedOrder && selectedCourier && !selectedCourier.onDuty && (
              <Typography.Text type="warning" style={{ fontSize: 12 }}>
                {t("offDutyWarning", { name: selectedCourier.name ?? "" })}
              </Typography.Text>
            )}
            <Tooltip title={allowed ? undefined : t("assignNotAllowed")}>
              <Button
                type="primary"
                block
                data-testid="assign-button"
                disabled={!allowed || !selectedOrder || !selectedCourier}
                loading={assigning}
                onClick={() => void assign()}
              >
                {t("assign")}
              </Button>
            </Tooltip>
          </div>
        </div>

        <div className="qq-dm-map">
          <Suspense fallback={<div style={{ height: "100%", background: "#eef3f8" }} />}>
            <MapView
              height="100%"
              testId="dispatch-map"
              fitKey="dispatch"
              areas={layers.areas}
              points={layers.points}
              lines={layers.lines}
              onPointClick={onPointClick}
            />
          </Suspense>
          {selectedCourier && (
            <RoutePanel
              courier={selectedCourier}
              color={layers.colors.get(selectedCourier.userId ?? "") ?? COLORS.courierOff}
              stops={routeStops ?? selectedCourier.route ?? []}
              loading={route.loading}
              positionTime={
                live && live.courierId === selectedCourier.userId
                  ? live.time
                  : selectedCourier.positionTime
              }
              onClose={() => setSelectedCourierId(null)}
              t={t}
            />
          )}
          <div className="qq-dm-legend">
            <span>
              <span
                className="qq-dm-swatch"
                style={{ background: COLORS.order, borderRadius: 2 }}
              />
              {t("legendOrder")}
            </span>
            <span>
              <span className="qq-dm-swatch" style={{ background: "#52c41a" }} />
              {t("legendCourier")} / {t("legendStop")}
            </span>
            <span>
              <span className="qq-dm-swatch" style={{ background: COLORS.courierOff }} />
              {t("legendCourierOff")}
            </span>
            <span>
              <span className="qq-dm-swatch" style={{ background: COLORS.worker }} />
              {t("legendWorker")}
            </span>
            <span>
              <span className="qq-dm-swatch" style={{ background: COLORS.workOrder }} />
              {t("legendWorkOrder")}
            </span>
          </div>
        </div>
      </div>

      <ReplanModal
        open={replanOpen}
        onClose={() => setReplanOpen(false)}
        onApplied={() => {
          reloadBoard();
          setRouteTick((n) => n + 1);
        }}
        numbers={numbers}
        t={t}
      />
    </div>
  );
}
