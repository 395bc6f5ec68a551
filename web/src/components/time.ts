// Times are shown in the tenant's time zone (Asia/Shanghai, UTC+8 all year), whatever the
// browser's zone is; dates the user picks are wall-clock times there.
export const TENANT_TIME_ZONE = "Asia/Shanghai";
const OFFSET = "+08:00";

const dateTime = new Intl.DateTimeFormat("sv-SE", {
  timeZone: TENANT_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** "2026-12-08 10:44" in the tenant's zone; "" for no time. */
export function formatTime(ts: string | undefined | null): string {
  if (!ts) return "";
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return dateTime.format(d).replace("T", " ");
}

/** Today in the tenant's zone, "YYYY-MM-DD". */
export function tenantToday(now = new Date()): string {
  return formatTime(now.toISOString()).slice(0, 10);
}

/** A wall-clock "YYYY-MM-DD HH:mm" in the tenant's zone as RFC 3339. */
export function wallToRfc3339(wall: string): string {
  return `${wall.replace(" ", "T")}:00${OFFSET}`;
}
