// What the dispatch settings pages (areas, teams, staff profiles, dispatch settings) share:
// loading teams, areas and staff profiles, the server's error as one readable line, who
// may change what, and how a user id reads when no profile names it.
import { ApiError, api, client, type Schemas } from "../../api/client";
import { readableError } from "../../api/fieldErrors";
import { getSession, type Role } from "../../auth/session";

export type Team = Schemas["qingquan.dispatch.v1.Team"];
export type Area = Schemas["qingquan.dispatch.v1.Area"];
export type Staff = Schemas["qingquan.dispatch.v1.Staff"];

export async function loadTeams(): Promise<Team[]> {
  const res = await api(() => client.GET("/v1/teams"));
  return res.teams ?? [];
}

export async function loadAreas(): Promise<Area[]> {
  const res = await api(() => client.GET("/v1/areas"));
  return res.areas ?? [];
}

export async function loadStaff(): Promise<Staff[]> {
  const res = await api(() => client.GET("/v1/staff"));
  return res.staff ?? [];
}

/** The error as a line for a person: field paths named by `labels`, the service's reason. */
export function errorText(err: unknown, labels: Record<string, string> = {}): string {
  const shown = readableError(err, labels);
  if (shown instanceof ApiError) return shown.message || shown.code;
  return shown instanceof Error ? shown.message : String(shown);
}

/** Whether the signed-in user has one of `roles` (the server checks again). */
export function hasRole(roles: readonly Role[]): boolean {
  const session = getSession();
  return !!session && session.roles.some((r) => roles.includes(r));
}

/** A user as the pages show them: the profile's name, else the start of the id. */
export function userLabel(id: string, names: Map<string, string>): string {
  return names.get(id) || (id.length > 13 ? `${id.slice(0, 8)}…` : id);
}

/** user id → name, from the staff profiles. */
export function staffNames(staff: Staff[] | undefined): Map<string, string> {
  return new Map((staff ?? []).map((s) => [s.userId ?? "", s.name ?? ""]));
}
