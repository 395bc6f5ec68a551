// The dispatch board's counts: everything waiting, who is on duty, and per area the
// deliveries and work orders waiting and the team's people on duty. A click on an area
// narrows the order list to it.
import { Typography } from "antd";
import type { T } from "./messages";
import { OUTSIDE, type Board } from "./shared";

interface Props {
  board: Board | undefined;
  areaFilter: string | null;
  /** The areas' colours on the map. */
  areaColors: Map<string, string>;
  onAreaFilter: (areaId: string | null) => void;
  t: T;
}

export function BoardSummary({ board, areaFilter, areaColors, onAreaFilter, t }: Props) {
  const people = board?.people ?? [];
  const couriers = people.filter((p) => p.kind === "COURIER");
  const workers = people.filter((p) => p.kind === "WORKER");
  const onDuty = people.filter((p) => p.onDuty);
  const byId = new Map(people.map((p) => [p.userId ?? "", p]));
  const rows = (board?.areas ?? []).map((a) => ({
    id: a.areaId ?? "",
    name: a.areaName ?? "",
    team: a.teamName ?? "",
    deliveries: a.waitingDeliveries?.length ?? 0,
    workOrders: a.waitingWorkOrders?.length ?? 0,
    onDuty: (a.memberIds ?? []).filter((id) => byId.get(id)?.onDuty).length,
    members: (a.memberIds ?? []).length,
  }));
  const outsideDeliveries = board?.unzonedDeliveries?.length ?? 0;
  const outsideWorkOrders = board?.unzonedWorkOrders?.length ?? 0;
  if (outsideDeliveries + outsideWorkOrders > 0) {
    rows.push({
      id: OUTSIDE,
      name: t("outside"),
      team: "",
      deliveries: outsideDeliveries,
      workOrders: outsideWorkOrders,
      onDuty: 0,
      members: 0,
    });
  }

  return (
    <div data-testid="board-counts">
      <div className="qq-dm-counts">
        <div className="qq-dm-count">
          <div className="qq-dm-count-value qq-dm-warn" data-testid="board-waiting-deliveries">
            {board?.waitingDeliveriesTotal ?? 0}
          </div>
          <div className="qq-dm-count-label">{t("waitingDeliveries")}</div>
        </div>
        <div className="qq-dm-count">
          <div className="qq-dm-count-value" data-testid="board-waiting-work-orders">
            {board?.waitingWorkOrdersTotal ?? 0}
          </div>
          <div className="qq-dm-count-label">{t("waitingWorkOrders")}</div>
        </div>
        <div className="qq-dm-count">
          <div className="qq-dm-count-value qq-dm-ok" data-testid="board-on-duty">
            {onDuty.length}
          </div>
          <div className="qq-dm-count-label">{t("onDuty")}</div>
        </div>
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("couriersOnDuty", {
          on: couriers.filter((p) => p.onDuty).length,
          all: couriers.length,
        })}
        {" · "}
        {t("workersOnDuty", { on: workers.filter((p) => p.onDuty).length, all: workers.length })}
      </Typography.Text>
      <table className="qq-dm-areas">
        <thead>
          <tr>
            <th>{t("area")}</th>
            <th>{t("deliveries")}</th>
            <th>{t("workOrders")}</th>
            <th>{t("people")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.id}
              data-testid={`board-area-${r.name}`}
              className={areaFilter === r.id ? "qq-dm-row-active" : undefined}
              onClick={() => onAreaFilter(areaFilter === r.id ? null : r.id)}
              title={r.team}
            >
              <td>
                <span
                  className="qq-dm-swatch"
                  style={{ background: areaColors.get(r.id) ?? "transparent", marginRight: 6 }}
                />
                {r.name}
              </td>
              <td className={r.deliveries > 0 ? "qq-dm-warn" : undefined}>{r.deliveries}</td>
              <td>{r.workOrders}</td>
              <td>{r.id === OUTSIDE ? "–" : `${r.onDuty}/${r.members}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
