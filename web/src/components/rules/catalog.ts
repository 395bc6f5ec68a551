// The rule engine's vocabulary as the console shows it: the catalog (facts and templates)
// from GET /v1/rule-catalog, the events a rule can wait for, a trigger and a condition
// leaf in words.
import { api, client } from "../../api/client";
import type { Language } from "../../i18n/language";
import type { useT } from "../../i18n/messages";
import {
  channels,
  customerStatuses,
  labelOf,
  payments,
  urgencies,
  workOrderTypes,
  type Labels,
} from "../labels";
import { useRemote, type Remote } from "../remote";
import type { messages } from "./messages";

export type FactType = "int" | "bool" | "string" | "enum" | "string_list";
export type Subject = "customer" | "work_order" | "delivery_order";

export interface Fact {
  name: string;
  subject: string;
  type: FactType;
  description?: string;
  label_zh?: string;
  takes_key?: boolean;
  key_description?: string;
  enum_values?: string[];
  operators: string[];
}

export interface TemplateParam {
  name: string;
  label_zh?: string;
  type: "int" | "string" | "string_list" | "choice";
  default?: unknown;
  min?: number;
  max?: number;
  choices?: string[];
}

export interface RuleTemplate {
  id: string;
  name_zh?: string;
  description_zh?: string;
  params: TemplateParam[];
}

export interface Catalog {
  subjects: string[];
  facts: Fact[];
  templates: RuleTemplate[];
}

/** A condition node as the API writes it. */
export type ConditionJson =
  | { all: ConditionJson[] }
  | { any: ConditionJson[] }
  | { not: ConditionJson }
  | { field: string; op: string; value?: unknown; key?: string };

export interface Leaf {
  path?: string;
  field?: string;
  key?: string;
  op?: string;
  expected?: unknown;
  actual?: unknown;
  outcome?: boolean;
}

export interface Evaluation {
  matched?: boolean;
  leaves?: Leaf[];
}

// The catalog is the server's code, not tenant data: loaded once a session.
let cached: Promise<Catalog> | null = null;

function loadCatalog(): Promise<Catalog> {
  if (!cached) {
    cached = fetchCatalog();
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

async function fetchCatalog(): Promise<Catalog> {
  const res = await api(() => client.GET("/v1/rule-catalog"));
  const schema = (res.factSchema ?? {}) as { subjects?: string[]; facts?: Fact[] };
  const templates = (res.templates ?? {}) as { templates?: RuleTemplate[] };
  return {
    subjects: schema.subjects ?? [],
    facts: schema.facts ?? [],
    templates: templates.templates ?? [],
  };
}

export function useRuleCatalog(): Remote<Catalog> {
  return useRemote("rule-catalog", loadCatalog);
}

/** The facts a rule about `subject` may use: its own and the customer's. */
export function factsFor(catalog: Catalog | undefined, subject: string): Fact[] {
  return (catalog?.facts ?? []).filter((f) => f.subject === subject || f.subject === "customer");
}

export function factLabel(fact: Fact | undefined, name: string, language: Language): string {
  if (!fact) return name;
  return language === "zh" ? fact.label_zh || fact.name : fact.name;
}

/** Enum values in words where the console knows the enum. */
const enumLabels: Record<string, Labels> = {
  "customer.status": customerStatuses,
  "customer.channel": channels,
  "work_order.type": workOrderTypes,
  "work_order.urgency": urgencies,
  "work_order.channel": channels,
  "order.payment": payments,
};

export function enumValueLabel(field: string, value: string, language: Language): string {
  const labels = enumLabels[field];
  return labels ? labelOf(labels, value, language) : value;
}

/** The events a rule can wait for, by subject, as people say "when …". */
export const ruleEvents: Record<string, Labels> = {
  customer: {
    "ledger.posted": { zh: "余额变动", en: "a balance changes" },
    "customer.created": { zh: "新建客户", en: "a customer is created" },
    "customer.updated": { zh: "客户资料修改", en: "a customer is updated" },
    "customer.status_changed": { zh: "客户状态变化", en: "a customer's status changes" },
  },
  work_order: {
    "workorder.created": { zh: "新建工单", en: "a work order is created" },
    "workorder.dispatched": { zh: "工单派单", en: "a work order is dispatched" },
    "workorder.accepted": { zh: "师傅接单", en: "a worker accepts" },
    "workorder.resolved": { zh: "工单处理完成", en: "a work order is resolved" },
    "workorder.closed": { zh: "工单关闭", en: "a work order is closed" },
    "workorder.cancelled": { zh: "工单取消", en: "a work order is cancelled" },
  },
  delivery_order: {
    "order.created": { zh: "新建送水订单", en: "a delivery order is created" },
    "order.assigned": { zh: "送水订单派单", en: "a delivery is assigned" },
    "order.delivering": { zh: "开始配送", en: "a delivery starts" },
    "order.arrived": { zh: "送水员到达", en: "the courier arrives" },
    "order.delivered": { zh: "订单送达", en: "an order is delivered" },
    "order.cancelled": { zh: "订单取消", en: "an order is cancelled" },
    "order.failed": { zh: "配送失败", en: "a delivery fails" },
  },
};

export const allRuleEvents: Labels = Object.assign({}, ...Object.values(ruleEvents));

export const WEEKDAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const;
export const weekdayLabels: Labels = {
  MON: { zh: "一", en: "Mon" },
  TUE: { zh: "二", en: "Tue" },
  WED: { zh: "三", en: "Wed" },
  THU: { zh: "四", en: "Thu" },
  FRI: { zh: "五", en: "Fri" },
  SAT: { zh: "六", en: "Sat" },
  SUN: { zh: "日", en: "Sun" },
};

export type Schedule =
  | { kind: "daily"; time: string }
  | { kind: "weekly"; days: string[]; time: string }
  | { kind: "minutes"; n: number }
  | { kind: "hours"; n: number };

/** "daily 09:00", "weekly MON,TUE 09:00", "every 10 minutes", "every 2 hours"; else null. */
export function parseSchedule(text: string): Schedule | null {
  const s = text.trim();
  let m = /^daily (\d{1,2}:\d{2})$/.exec(s);
  if (m) return { kind: "daily", time: m[1] };
  m = /^weekly ([A-Z]{3}(?:,[A-Z]{3})*) (\d{1,2}:\d{2})$/.exec(s);
  if (m) return { kind: "weekly", days: m[1].split(","), time: m[2] };
  m = /^every (\d+) minutes?$/.exec(s);
  if (m) return { kind: "minutes", n: Number(m[1]) };
  m = /^every (\d+) hours?$/.exec(s);
  if (m) return { kind: "hours", n: Number(m[1]) };
  return null;
}

export function formatSchedule(s: Schedule): string {
  switch (s.kind) {
    case "daily":
      return `daily ${s.time}`;
    case "weekly":
      return `weekly ${s.days.join(",")} ${s.time}`;
    case "minutes":
      return `every ${s.n} minutes`;
    case "hours":
      return `every ${s.n} hours`;
  }
}

type T = ReturnType<typeof useT<(typeof messages)["zh"]>>;

export function scheduleText(text: string, t: T, language: Language): string {
  const s = parseSchedule(text);
  if (!s) return text;
  switch (s.kind) {
    case "daily":
      return t("daily", { time: s.time });
    case "weekly": {
      const ordered = WEEKDAYS.filter((d) => s.days.includes(d));
      const days = ordered.map((d) => labelOf(weekdayLabels, d, language)).join(t("weekdaySep"));
      return t("weekly", { days, time: s.time });
    }
    case "minutes":
      return t("everyMinutes", { n: s.n });
    case "hours":
      return t("everyHours", { n: s.n });
  }
}

/** A rule's trigger in words: "余额变动时", "每天 09:00". */
export function triggerText(
  trigger: { event?: string; schedule?: string } | undefined,
  t: T,
  language: Language,
): string {
  if (!trigger) return "";
  if (trigger.schedule) return scheduleText(trigger.schedule, t, language);
  if (trigger.event) {
    const known = allRuleEvents[trigger.event];
    return known
      ? t("onEvent", { event: known[language] })
      : t("unknownEvent", { event: trigger.event });
  }
  return "";
}

/** A firing's trigger ("ledger.posted" or "schedule") in words. */
export function firingTriggerText(trigger: string | undefined, t: T, language: Language): string {
  if (!trigger) return "";
  if (trigger === "schedule") return t("triggerSchedule");
  return triggerText({ event: trigger }, t, language);
}

/** A value as the condition shows it: lists joined, enums named, nothing as "（无值）". */
export function valueText(
  field: string,
  value: unknown,
  language: Language,
  unset: string,
  yesNo: [string, string],
  empty = "—",
): string {
  // Nothing, an empty text and a proto enum's zero value all read as "not set".
  if (value === undefined || value === null || value === "") return unset;
  if (typeof value === "string" && value.endsWith("_UNSPECIFIED")) return unset;
  if (Array.isArray(value)) {
    return value.map((v) => valueText(field, v, language, unset, yesNo, empty)).join(", ") || empty;
  }
  if (typeof value === "boolean") return value ? yesNo[0] : yesNo[1];
  if (typeof value === "object") return JSON.stringify(value);
  return enumValueLabel(field, String(value), language);
}
