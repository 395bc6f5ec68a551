// Names of the API's enums as people read them, in both languages.
import type { Language } from "../i18n/language";

/** An enum's values with their names in both languages. */
export type Labels = Record<string, Record<Language, string>>;

export const workOrderTypes: Labels = {
  NEW_CONNECTION: { zh: "报装", en: "New connection" },
  REPAIR: { zh: "报修", en: "Repair" },
  COMPLAINT: { zh: "投诉", en: "Complaint" },
  ENQUIRY: { zh: "咨询", en: "Enquiry" },
  FOLLOW_UP: { zh: "回访", en: "Follow-up" },
  WATER_CHANGE: { zh: "换水", en: "Water change" },
  DISPENSER_REPAIR: { zh: "饮水机报修", en: "Dispenser repair" },
  // Not a work-order type, but a workflow kind beside them.
  DELIVERY: { zh: "送水", en: "Delivery" },
};

export const urgencies: Labels = {
  NORMAL: { zh: "一般", en: "Normal" },
  URGENT: { zh: "紧急", en: "Urgent" },
  CRITICAL: { zh: "特急", en: "Critical" },
};

export const channels: Labels = {
  PHONE: { zh: "电话", en: "Phone" },
  WECHAT_OFFICIAL_ACCOUNT: { zh: "公众号", en: "WeChat account" },
  WECHAT_MINI_PROGRAM: { zh: "小程序", en: "Mini-program" },
  WEB: { zh: "网页", en: "Web" },
  COUNTER: { zh: "营业厅", en: "Counter" },
  IMPORT: { zh: "导入", en: "Import" },
};

export const customerStatuses: Labels = {
  ACTIVE: { zh: "活跃", en: "Active" },
  SILENT: { zh: "沉默", en: "Silent" },
  CHURNED: { zh: "流失", en: "Churned" },
};

export const communicationKinds: Labels = {
  CALL_IN: { zh: "来电", en: "Call in" },
  CALL_OUT: { zh: "去电", en: "Call out" },
  WECHAT: { zh: "微信", en: "WeChat" },
  VISIT: { zh: "上门", en: "Visit" },
  FOLLOW_UP: { zh: "回访", en: "Follow-up" },
  SMS: { zh: "短信", en: "SMS" },
};

export const payments: Labels = {
  TICKETS: { zh: "水票", en: "Tickets" },
  CASH: { zh: "货到付款", en: "Cash on delivery" },
  ONLINE: { zh: "在线支付", en: "Online" },
};

export const ledgerKinds: Labels = {
  TICKET: { zh: "水票", en: "Tickets" },
  DEPOSIT: { zh: "押金", en: "Deposit" },
  COUPON: { zh: "优惠券", en: "Coupons" },
};

/** The label of `value` in `labels`, or the value itself for one the console does not know. */
export function labelOf(labels: Labels, value: string | undefined, language: Language): string {
  if (!value) return "";
  return labels[value]?.[language] ?? value;
}

/** Fen as yuan: 12345 → "¥123.45". */
export function yuan(fen: string | number | undefined): string {
  const n = Number(fen ?? 0);
  return `¥${(n / 100).toFixed(2)}`;
}
