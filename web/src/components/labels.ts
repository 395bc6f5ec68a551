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

/** The notification service's channels (not the order channels above). */
export const notificationChannels: Labels = {
  SMS: { zh: "短信", en: "SMS" },
  WECHAT: { zh: "微信", en: "WeChat" },
  IN_APP: { zh: "站内", en: "In-app" },
};

export const messageStatuses: Labels = {
  QUEUED: { zh: "待发送", en: "Queued" },
  SENT: { zh: "已发送", en: "Sent" },
  DELIVERED: { zh: "已送达", en: "Delivered" },
  FAILED: { zh: "发送失败", en: "Failed" },
  SUPPRESSED: { zh: "未发送", en: "Not sent" },
};

/** A message's status as a tag colour. */
export const messageStatusColors: Record<string, string> = {
  QUEUED: "processing",
  SENT: "blue",
  DELIVERED: "green",
  FAILED: "red",
  SUPPRESSED: "default",
};

/**
 * The template events, for a message list that does not load the templates (the
 * templates page names them by the server's labels).
 */
export const notificationEvents: Labels = {
  work_order_accepted: { zh: "工单已受理", en: "Work order accepted" },
  worker_on_the_way: { zh: "师傅已出发", en: "Worker on the way" },
  work_order_resolved: { zh: "工单已处理完成", en: "Work order resolved" },
  work_order_survey: { zh: "工单满意度回访", en: "Work-order survey" },
  delivery_assigned: { zh: "订单已派送", en: "Delivery assigned" },
  courier_on_the_way: { zh: "送水员在路上", en: "Courier on the way" },
  delivery_delivered: { zh: "订单已送达", en: "Delivered" },
  delivery_survey: { zh: "送水满意度回访", en: "Delivery survey" },
  ticket_balance_low: { zh: "水票余额不足", en: "Few tickets left" },
  care: { zh: "客户关怀", en: "Customer care" },
  birthday: { zh: "生日祝福", en: "Birthday greeting" },
  work_order_escalated: { zh: "工单超时升级（员工）", en: "Work order escalated (staff)" },
};

/** Message categories: quiet hours and daily caps let the urgent ones through. */
export const notificationCategories: Labels = {
  service: { zh: "服务进度", en: "Service progress" },
  survey: { zh: "回访", en: "Surveys" },
  marketing: { zh: "营销", en: "Marketing" },
  care: { zh: "关怀", en: "Care" },
  outage: { zh: "停水通知", en: "Outages" },
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
