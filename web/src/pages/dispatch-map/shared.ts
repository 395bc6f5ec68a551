// What the dispatch map's parts share: the board's types, names of its enums, colours and
// small helpers over the board.
import type { Schemas } from "../../api/client";
import type { Labels } from "../../components/labels";
import type { LatLng } from "../../components/map/coords";
import { formatTime } from "../../components/time";

export type Board = Schemas["qingquan.dispatch.v1.DispatchBoard"];
export type BoardArea = Schemas["qingquan.dispatch.v1.DispatchBoard.Area"];
export type WaitingDelivery = Schemas["qingquan.dispatch.v1.DispatchBoard.WaitingDelivery"];
export type WaitingWorkOrder = Schemas["qingquan.dispatch.v1.DispatchBoard.WaitingWorkOrder"];
export type Person = Schemas["qingquan.dispatch.v1.DispatchBoard.Person"];
export type BoardStop = Schemas["qingquan.dispatch.v1.DispatchBoard.RouteStop"];
export type Route = Schemas["qingquan.dispatch.v1.Route"];
export type RouteStop = Schemas["qingquan.dispatch.v1.RouteStop"];
export type Area = Schemas["qingquan.dispatch.v1.Area"];
export type Replan = Schemas["qingquan.dispatch.v1.ReplanRoutesResponse"];
export type Tracking = Schemas["qingquan.dispatch.v1.Tracking"];
export type Workflow = Schemas["qingquan.order.v1.Workflow"];
export type Transition = Schemas["qingquan.order.v1.WorkflowTransition"];

/** Why a delivery waits (the board's `reason`, also a re-plan's unserved reason). */
export const waitReasons: Labels = {
  "": { zh: "待分配", en: "Not yet placed" },
  TIME_WINDOW: { zh: "时间窗赶不上", en: "Time window" },
  CAPACITY: { zh: "超出车辆载量", en: "Over capacity" },
  SHIFT_END: { zh: "超出班次", en: "After shift end" },
  NO_VEHICLE: { zh: "没有在岗送水工", en: "No courier on duty" },
  NO_LOCATION: { zh: "地址无坐标", en: "No location" },
  FAILED_DELIVERY: { zh: "配送失败待重派", en: "Failed delivery" },
};

export const reasonColors: Record<string, string> = {
  "": "default",
  TIME_WINDOW: "orange",
  CAPACITY: "red",
  SHIFT_END: "gold",
  NO_VEHICLE: "volcano",
  NO_LOCATION: "purple",
  FAILED_DELIVERY: "magenta",
};

export const vehicles: Labels = {
  ON_FOOT: { zh: "步行", en: "On foot" },
  BICYCLE: { zh: "自行车", en: "Bicycle" },
  TRICYCLE: { zh: "三轮车", en: "Tricycle" },
  E_BIKE: { zh: "电动车", en: "E-bike" },
  VAN: { zh: "货车", en: "Van" },
};

export const stopStates: Labels = {
  ASSIGNED: { zh: "待出发", en: "Assigned" },
  DELIVERING: { zh: "配送中", en: "Delivering" },
  ARRIVED: { zh: "已到达", en: "At the door" },
};

export const COLORS = {
  order: "#fa541c",
  workOrder: "#eb2f96",
  courierOff: "#8c8c8c",
  worker: "#1677ff",
};

/** One colour per courier's route (and its marker while on duty). */
const ROUTE_COLORS = ["#52c41a", "#d48806", "#13a8a8", "#7cb305", "#c41d7f", "#08979c"];
export function routeColor(index: number): string {
  return ROUTE_COLORS[index % ROUTE_COLORS.length];
}

const AREA_COLORS = ["#1677ff", "#9254de", "#2f54eb", "#597ef7", "#531dab", "#40a9ff"];
export function areaColor(index: number): string {
  return AREA_COLORS[index % AREA_COLORS.length];
}

/** A point the map can draw, or null for none (proto3 leaves an unset point out). */
export function located(p: { lat?: number; lng?: number } | undefined): LatLng | null {
  if (!p || typeof p.lat !== "number" || typeof p.lng !== "number") return null;
  if (p.lat === 0 && p.lng === 0) return null;
  return { lat: p.lat, lng: p.lng };
}

/** "15:40" in the tenant's zone. */
export function clock(ts: string | undefined): string {
  return formatTime(ts).slice(11);
}

/** "15:00–18:00", or "" without a window. */
export function windowText(start?: string, end?: string): string {
  if (!start && !end) return "";
  return `${clock(start) || "…"}–${clock(end) || "…"}`;
}

/** The board's orders in no area, as an area of their own in the list's filter. */
export const OUTSIDE = "__outside__";

export interface Listed extends WaitingDelivery {
  areaId: string;
  areaName: string;
}

/** Every waiting delivery on the board, longest waiting first. */
export function waitingList(board: Board | undefined): Listed[] {
  if (!board) return [];
  const all: Listed[] = [];
  for (const a of board.areas ?? []) {
    for (const d of a.waitingDeliveries ?? []) {
      all.push({ ...d, areaId: a.areaId ?? "", areaName: a.areaName ?? "" });
    }
  }
  for (const d of board.unzonedDeliveries ?? []) all.push({ ...d, areaId: OUTSIDE, areaName: "" });
  return all.sort((x, y) => (x.createTime ?? "").localeCompare(y.createTime ?? ""));
}

export function couriersOf(board: Board | undefined): Person[] {
  return (board?.people ?? []).filter((p) => p.kind === "COURIER");
}

/** The transition that gives a waiting delivery to a courier, if `roles` may take it. */
export function assigningTransition(
  workflow: Workflow | undefined,
  roles: readonly string[],
): { transition: Transition | null; allowed: boolean } {
  // The shipped workflow's, until the tenant's is loaded (or when it cannot be read).
  const fallback: Transition = { name: "assign", roles: ["dispatcher", "manager"] };
  const from = workflow?.initialState ?? "PENDING";
  const transition = workflow
    ? ((workflow.transitions ?? []).find((tr) => tr.assigns && (tr.from ?? []).includes(from)) ??
      null)
    : fallback;
  if (!transition) return { transition: null, allowed: false };
  const allowed =
    roles.includes("admin") ||
    !transition.roles?.length ||
    transition.roles.some((r) => roles.includes(r));
  return { transition, allowed };
}
