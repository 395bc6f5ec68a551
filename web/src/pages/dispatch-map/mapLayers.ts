// What the map draws: areas, waiting orders as pins, people at their last positions and
// each courier's route as a line through its numbered stops.
import type { LatLng } from "../../components/map/coords";
import type { MapArea, MapLine, MapPoint } from "../../components/map/MapView";
import { labelOf, workOrderTypes } from "../../components/labels";
import type { Language } from "../../i18n/language";
import { formatTime } from "../../components/time";
import type { T } from "./messages";
import {
  areaColor,
  clock,
  COLORS,
  located,
  routeColor,
  waitReasons,
  windowText,
  type Area,
  type Board,
  type BoardStop,
  type Listed,
  type RouteStop,
} from "./shared";

export interface LiveFix {
  courierId: string;
  position: LatLng;
  time?: string;
}

export interface LayerInput {
  board: Board | undefined;
  areas: Area[] | undefined;
  orders: Listed[];
  selectedOrderId: string | null;
  selectedCourierId: string | null;
  /** The selected courier's route as GET /v1/routes gives it (fresher, with names). */
  route: RouteStop[] | null;
  live: LiveFix | null;
  t: T;
  language: Language;
}

export interface Layers {
  areas: MapArea[];
  points: MapPoint[];
  lines: MapLine[];
  /** Route colour per courier id. */
  colors: Map<string, string>;
  /** Outline colour per area id. */
  areaColors: Map<string, string>;
}

/** Point ids: "<kind>:<id>", so a click tells what was clicked. */
export function pointId(kind: "order" | "person" | "stop" | "wo", id: string): string {
  return `${kind}:${id}`;
}

export function buildLayers(input: LayerInput): Layers {
  const { board, t, language } = input;
  const areaSource =
    input.areas && input.areas.length > 0
      ? input.areas.map((a) => ({
          id: a.id ?? "",
          name: a.name ?? "",
          team: a.teamName ?? "",
          boundary: a.boundary ?? [],
        }))
      : (board?.areas ?? []).map((a) => ({
          id: a.areaId ?? "",
          name: a.areaName ?? "",
          team: a.teamName ?? "",
          boundary: a.boundary ?? [],
        }));
  const areaColors = new Map(areaSource.map((a, i) => [a.id, areaColor(i)]));
  const areas: MapArea[] = areaSource.map((a, i) => ({
    id: a.id,
    label: a.team ? `${a.name} · ${a.team}` : a.name,
    color: areaColor(i),
    points: a.boundary.map(located).filter((p): p is LatLng => p !== null),
  }));

  const points: MapPoint[] = [];
  const lines: MapLine[] = [];
  const colors = new Map<string, string>();
  const people = board?.people ?? [];
  const couriers = people.filter((p) => p.kind === "COURIER");
  couriers.forEach((c, i) => colors.set(c.userId ?? "", routeColor(i)));

  for (const c of couriers) {
    const id = c.userId ?? "";
    const color = colors.get(id) ?? COLORS.courierOff;
    const selected = id === input.selectedCourierId;
    const fix = input.live?.courierId === id ? input.live : null;
    const position = fix?.position ?? located(c.position);
    const stops: (RouteStop | BoardStop)[] =
      selected && input.route ? input.route : (c.route ?? []);
    const path: LatLng[] = [];
    if (position) path.push(position);
    for (const s of stops) {
      const at = located(s.location);
      if (!at) continue;
      path.push(at);
      const detail = "customerName" in s ? (s as RouteStop) : null;
      const tip = [
        `${c.name} · ${t("stopLabel", { seq: s.sequence ?? 0, number: s.number ?? "" })}`,
      ];
      if (detail) tip.push(`${detail.customerName ?? ""} · ${detail.addressText ?? ""}`);
      if (s.eta) tip.push(t("stopEta", { time: clock(s.eta) }));
      if (s.windowEnd) tip.push(t("stopWindowEnd", { time: clock(s.windowEnd) }));
      points.push({
        id: pointId("stop", `${id}/${s.orderId}`),
        position: at,
        label: tip.join("\n"),
        color,
        text: String(s.sequence ?? ""),
        highlight: selected,
        testId: `stop-pin-${s.number}`,
      });
    }
    if (path.length >= 2) {
      lines.push({
        id: `route:${id}`,
        points: path,
        color,
        label: `${c.name} · ${t("stops", { n: stops.length })}`,
      });
    }
    if (position) {
      const time = fix?.time ?? c.positionTime;
      points.push({
        id: pointId("person", id),
        position,
        label: [
          `${t("legendCourier")} ${c.name} · ${c.onDuty ? t("onDutyTag") : t("offDuty")}`,
          t("load", { load: c.loadBarrels ?? 0, cap: c.capacityBarrels ?? 0 }) +
            ` · ${t("stops", { n: stops.length })}`,
          time ? t("positionAt", { time: formatTime(time).slice(5) }) : "",
        ]
          .filter(Boolean)
          .join("\n"),
        color: c.onDuty ? color : COLORS.courierOff,
        text: (c.name ?? "?").slice(0, 1),
        zIndex: 300,
        highlight: selected,
        testId: `courier-pin-${id}`,
      });
    }
  }

  for (const w of people.filter((p) => p.kind === "WORKER")) {
    const position = located(w.position);
    if (!position) continue;
    points.push({
      id: pointId("person", w.userId ?? ""),
      position,
      label: `${t("legendWorker")} ${w.name} · ${w.onDuty ? t("onDutyTag") : t("offDuty")}`,
      color: w.onDuty ? COLORS.worker : COLORS.courierOff,
      text: (w.name ?? "?").slice(0, 1),
    });
  }

  const workOrders = [
    ...(board?.areas ?? []).flatMap((a) => a.waitingWorkOrders ?? []),
    ...(board?.unzonedWorkOrders ?? []),
  ];
  for (const w of workOrders) {
    const position = located(w.location);
    if (!position) continue;
    points.push({
      id: pointId("wo", w.workOrderId ?? ""),
      position,
      label: [
        t("workOrderPin", {
          number: w.number ?? "",
          type: labelOf(workOrderTypes, w.type, language),
        }),
        w.addressText ?? "",
        w.offeredWorkerName ? t("offeredTo", { name: w.offeredWorkerName }) : "",
      ]
        .filter(Boolean)
        .join("\n"),
      color: COLORS.workOrder,
    });
  }

  for (const o of input.orders) {
    const position = located(o.location);
    if (!position) continue;
    const range = windowText(o.windowStart, o.windowEnd);
    points.push({
      id: pointId("order", o.orderId ?? ""),
      position,
      label: [
        `${o.number} · ${o.customerName} · ${t("barrels", { n: o.demandBarrels ?? 0 })}`,
        o.addressText ?? "",
        [labelOf(waitReasons, o.reason, language), range ? t("window", { range }) : ""]
          .filter(Boolean)
          .join(" · "),
      ]
        .filter(Boolean)
        .join("\n"),
      color: COLORS.order,
      // Square, with the barrels to bring, and over the routes: what the dispatcher acts on.
      text: String(o.demandBarrels ?? ""),
      square: true,
      zIndex: 1500,
      highlight: o.orderId === input.selectedOrderId,
      testId: `do-pin-${o.number}`,
    });
  }

  return { areas, points, lines, colors, areaColors };
}
