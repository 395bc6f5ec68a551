// The work-order pages' vocabulary: the API's types under short names and the labels of
// the enums the API sends as strings (type, channel, urgency, to-do kind).
import type { Schemas } from "../../api/client";
import { channels, labelOf, urgencies, workOrderTypes, type Labels } from "../../components/labels";
import type { Language } from "../../i18n/language";

export type WorkOrder = Schemas["qingquan.order.v1.WorkOrder"];
export type WorkOrderType = Schemas["qingquan.order.v1.WorkOrder.Type"];
export type Channel = Schemas["qingquan.order.v1.Channel"];
export type Urgency = Schemas["qingquan.order.v1.WorkOrder.Urgency"];
export type TimelineEntry = Schemas["qingquan.order.v1.TimelineEntry"];
export type Workflow = Schemas["qingquan.order.v1.Workflow"];
export type WorkflowTransition = Schemas["qingquan.order.v1.WorkflowTransition"];
export type Todo = Schemas["qingquan.order.v1.Todo"];
export type TodoKind = Schemas["qingquan.order.v1.Todo.Kind"];
export type Attachment = Schemas["qingquan.order.v1.Attachment"];
export type Assignment = Schemas["qingquan.dispatch.v1.Assignment"];
export type WorkerOffer = Schemas["qingquan.dispatch.v1.WorkerOffer"];
export type Staff = Schemas["qingquan.dispatch.v1.Staff"];
export type Team = Schemas["qingquan.dispatch.v1.Team"];
export type Area = Schemas["qingquan.dispatch.v1.Area"];
export type FieldDefinition = Schemas["qingquan.customer.v1.FieldDefinition"];

export const WORK_ORDER_TYPES: WorkOrderType[] = [
  "REPAIR",
  "NEW_CONNECTION",
  "COMPLAINT",
  "ENQUIRY",
  "FOLLOW_UP",
  "WATER_CHANGE",
  "DISPENSER_REPAIR",
];

export const CHANNELS: Channel[] = [
  "PHONE",
  "WECHAT_OFFICIAL_ACCOUNT",
  "WECHAT_MINI_PROGRAM",
  "WEB",
  "COUNTER",
];

/** Tag colours: NORMAL plain, URGENT orange, CRITICAL red. */
export const urgencyColors: Record<string, string | undefined> = {
  NORMAL: undefined,
  URGENT: "orange",
  CRITICAL: "red",
};

/** Most urgent first when sorting. */
export const urgencyRank: Record<string, number> = { CRITICAL: 3, URGENT: 2, NORMAL: 1 };

const todoKindLabels: Labels = {
  WORK_ORDER: { zh: "工单", en: "Work order" },
  ESCALATION: { zh: "超时升级", en: "Escalation" },
  FOLLOW_UP: { zh: "回访", en: "Follow-up" },
  DISPATCH: { zh: "待派工", en: "To dispatch" },
};

export const todoKindColors: Record<string, string | undefined> = {
  WORK_ORDER: "blue",
  ESCALATION: "red",
  FOLLOW_UP: "green",
  DISPATCH: "purple",
};

const offerStateLabels: Labels = {
  OFFERED: { zh: "待接受", en: "Offered" },
  ACCEPTED: { zh: "已接受", en: "Accepted" },
  REJECTED: { zh: "已拒绝", en: "Rejected" },
  EXPIRED: { zh: "已超时", en: "Expired" },
  OVERRIDDEN: { zh: "已改派", en: "Overridden" },
  DONE: { zh: "已完成", en: "Done" },
};

export const typeLabel = (v: string | undefined, l: Language) => labelOf(workOrderTypes, v, l);
export const channelLabel = (v: string | undefined, l: Language) => labelOf(channels, v, l);
export const urgencyLabel = (v: string | undefined, l: Language) => labelOf(urgencies, v, l);
export const todoKindLabel = (v: string | undefined, l: Language) => labelOf(todoKindLabels, v, l);
export const offerStateLabel = (v: string | undefined, l: Language) =>
  labelOf(offerStateLabels, v, l);
