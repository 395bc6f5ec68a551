// What the delivery pages share: the order types, the delivery workflow (states, and
// which transition cancels from where), and a field error placed on the nearest field.
import type { Schemas } from "../../api/client";
import type { Session } from "../../auth/session";
import type { T } from "./messages";

export type DeliveryOrder = Schemas["qingquan.order.v1.DeliveryOrder"];
export type Workflow = Schemas["qingquan.order.v1.Workflow"];
export type Transition = Schemas["qingquan.order.v1.WorkflowTransition"];
export type Payment = Schemas["qingquan.order.v1.DeliveryOrder.Payment"];
export type TicketStatus = Schemas["qingquan.order.v1.DeliveryOrder.TicketStatus"];
export type Item = Schemas["qingquan.order.v1.DeliveryItem"];
export type StandingOrder = Schemas["qingquan.order.v1.StandingOrder"];
export type Recurrence = Schemas["qingquan.order.v1.Recurrence"];

/** The transition that cancels `order` from its state and that `session` may take. */
export function cancellingTransition(
  workflow: Workflow | null,
  order: DeliveryOrder,
  session: Session | null,
): Transition | null {
  if (!workflow || !session) return null;
  const admin = session.roles.includes("admin");
  return (
    (workflow.transitions ?? []).find(
      (tr) =>
        tr.cancels &&
        (tr.from ?? []).includes(order.state ?? "") &&
        (admin ||
          !tr.roles?.length ||
          tr.roles.some((r) => (session.roles as string[]).includes(r))),
    ) ?? null
  );
}

/** Items, window, notes and address change only before the courier sets out. */
export function editable(workflow: Workflow | null, order: DeliveryOrder): boolean {
  if (!workflow) return false;
  const assigned = (workflow.transitions ?? []).find((tr) => tr.name === "assign")?.to;
  return order.state === workflow.initialState || (!!assigned && order.state === assigned);
}

export function stateLabel(workflow: Workflow | null, state: string | undefined): string {
  return workflow?.states?.find((s) => s.name === state)?.label || state || "";
}

export function itemsText(items: Item[] | undefined): string {
  return (items ?? []).map((i) => `${i.product} × ${i.quantity}`).join("，");
}

/** "每周一、四": when a standing order delivers, in words. */
export function recurrenceText(r: Recurrence | undefined, t: T): string {
  if (!r) return "";
  const n = r.interval && r.interval > 1 ? r.interval : 1;
  switch (r.frequency) {
    case "DAILY":
      return n > 1 ? t("everyDays", { n }) : t("everyDay");
    case "WEEKLY": {
      const days = (r.weekdays ?? []).map((d) => t(`weekday_${d}` as "weekday_1")).join("、");
      return n > 1 ? t("everyWeeks", { n, days }) : t("everyWeek", { days });
    }
    case "MONTHLY": {
      const days = (r.monthDays ?? []).map((d) => (d === -1 ? t("lastDay") : String(d))).join("、");
      return n > 1 ? t("everyMonths", { n, days }) : t("everyMonth", { days });
    }
    default:
      return "";
  }
}

/** "每周一、四 送 2 桶 18.9L，15:00 后": a standing order in one line. */
export function standingPreview(
  s: Pick<StandingOrder, "recurrence" | "items" | "windowStartLocal" | "windowEndLocal">,
  t: T,
): string {
  const when = recurrenceText(s.recurrence, t);
  const items = (s.items ?? [])
    .filter((i) => (i.product ?? "").trim() && i.quantity)
    .map((i) => t("previewItem", { n: i.quantity ?? 0, product: (i.product ?? "").trim() }))
    .join("、");
  const from = s.windowStartLocal;
  const until = s.windowEndLocal;
  const hours =
    from && until
      ? `${from}–${until}`
      : from
        ? t("previewAfter", { time: from })
        : until
          ? t("previewBefore", { time: until })
          : t("previewAllDay");
  return t("preview", { when: when || "…", items: items || "…", hours });
}
