// SLA countdowns: time left to the response deadline (until a worker accepts) or to the
// resolution deadline, green with more than an hour left, orange within the hour, red
// once overdue ("超时 2小时"), grey while the clock is paused.
import { Tag, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import { useLanguage, type Language } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";
import type { WorkOrder } from "./model";
import { useNow } from "../../components/remote";

export type SlaStatus = "overdue" | "soon" | "ok" | "paused" | "done" | "none";

export interface SlaInfo {
  status: SlaStatus;
  /** Which deadline counts now. */
  which?: "response" | "resolve";
  due?: string;
  /** Milliseconds left (negative: overdue). */
  left?: number;
}

const HOUR = 3600_000;

export function statusOfDue(due: string | undefined, now: number): SlaInfo {
  if (!due) return { status: "none" };
  const left = dayjs(due).valueOf() - now;
  return { status: left < 0 ? "overdue" : left < HOUR ? "soon" : "ok", due, left };
}

/** The deadline that counts for `order` at `now`. */
export function slaOf(order: WorkOrder, now: number, finished: boolean): SlaInfo {
  if (order.resolveTime) {
    // Resolved: on time or late, measured against the resolution deadline.
    const due = order.resolveDueTime;
    if (!due) return { status: "done" };
    return { status: "done", due, left: dayjs(due).valueOf() - dayjs(order.resolveTime).valueOf() };
  }
  if (finished) return { status: "none" };
  if (order.slaPaused) return { status: "paused" };
  if (!order.acceptTime && order.responseDueTime) {
    return { ...statusOfDue(order.responseDueTime, now), which: "response" };
  }
  if (order.resolveDueTime) return { ...statusOfDue(order.resolveDueTime, now), which: "resolve" };
  return { status: "none" };
}

/** 2小时5分 / 2h 5m; seconds only within the last hour. */
export function formatDuration(ms: number, language: Language): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const zh = language === "zh";
  const parts: string[] = [];
  if (d) parts.push(zh ? `${d}天` : `${d}d`);
  if (h) parts.push(zh ? `${h}小时` : `${h}h`);
  if (!d && (m || h)) parts.push(zh ? `${m}分` : `${m}m`);
  if (!d && !h) parts.push(zh ? `${s}秒` : `${s}s`);
  return parts.join(zh ? "" : " ");
}

const colors: Record<SlaStatus, string | undefined> = {
  overdue: "error",
  soon: "warning",
  ok: "success",
  paused: "default",
  done: undefined,
  none: undefined,
};

export function SlaTag({ info, showWhich }: { info: SlaInfo; showWhich?: boolean }) {
  const t = useT(messages);
  const language = useLanguage();
  if (info.status === "done" && info.left !== undefined) {
    const late = info.left < 0;
    return (
      <Tooltip title={t("slaDueAt", { time: dayjs(info.due).format("YYYY-MM-DD HH:mm") })}>
        <Tag color={late ? "error" : "success"} data-testid="sla-countdown" data-sla="done">
          {late ? t("slaDoneLate", { d: formatDuration(info.left, language) }) : t("slaDoneOnTime")}
        </Tag>
      </Tooltip>
    );
  }
  if (info.status === "none" || info.status === "done") {
    return (
      <Typography.Text type="secondary" data-testid="sla-countdown" data-sla={info.status}>
        {info.status === "done" ? t("slaDone") : "—"}
      </Typography.Text>
    );
  }
  if (info.status === "paused") {
    return (
      <Tag color="default" data-testid="sla-countdown" data-sla="paused">
        {t("slaPaused")}
      </Tag>
    );
  }
  const left = info.left ?? 0;
  const text =
    info.status === "overdue"
      ? t("slaOverdue", { d: formatDuration(left, language) })
      : t("slaLeft", { d: formatDuration(left, language) });
  const which = info.which === "response" ? t("slaResponse") : info.which ? t("slaResolve") : "";
  return (
    <Tooltip
      title={`${which ? which + " · " : ""}${t("slaDueAt", {
        time: dayjs(info.due).format("YYYY-MM-DD HH:mm"),
      })}`}
    >
      <Tag color={colors[info.status]} data-testid="sla-countdown" data-sla={info.status}>
        {showWhich && which ? `${which} ` : ""}
        {text}
      </Tag>
    </Tooltip>
  );
}

/** A live countdown for `order` (ticks every second). */
export function SlaCountdown({
  order,
  finished,
  showWhich,
}: {
  order: WorkOrder;
  finished: boolean;
  showWhich?: boolean;
}) {
  const now = useNow(1000);
  return <SlaTag info={slaOf(order, now, finished)} showWhich={showWhich} />;
}

/** A live countdown to a bare deadline (a to-do's). */
export function DueCountdown({ due }: { due: string | undefined }) {
  const now = useNow(1000);
  return <SlaTag info={statusOfDue(due, now)} />;
}
