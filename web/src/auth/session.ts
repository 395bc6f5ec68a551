// The signed-in user: the access token from /v1/auth/login and what its claims say.
// The token lives in localStorage so a reload keeps the session; the claims are read
// for the menus only — every service checks the token itself.

export type Role =
  "admin" | "agent" | "dispatcher" | "leader" | "worker" | "courier" | "manager" | "finance";

export interface Session {
  token: string;
  tenant: string;
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  expiresAt: number; // ms since epoch
}

const TOKEN_KEY = "qq.token";
const TENANT_KEY = "qq.lastTenant";

function decodeClaims(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function sessionFromToken(token: string): Session | null {
  const claims = decodeClaims(token);
  if (!claims || typeof claims.exp !== "number") return null;
  const roles = Array.isArray(claims.roles) ? (claims.roles as Role[]) : [];
  const username = String(claims.name ?? claims.sub ?? "");
  return {
    token,
    tenant: String(claims.tid ?? ""),
    userId: String(claims.sub ?? ""),
    username,
    displayName: String(claims.display_name ?? username),
    roles,
    expiresAt: claims.exp * 1000,
  };
}

type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();
let current: Session | null = (() => {
  const token = localStorage.getItem(TOKEN_KEY);
  const session = token ? sessionFromToken(token) : null;
  return session && session.expiresAt > Date.now() ? session : null;
})();

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  if (session) {
    localStorage.setItem(TOKEN_KEY, session.token);
    localStorage.setItem(TENANT_KEY, session.tenant);
  } else {
    localStorage.removeItem(TOKEN_KEY);
  }
  listeners.forEach((l) => l(session));
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function lastTenant(): string {
  return localStorage.getItem(TENANT_KEY) ?? "";
}

export function hasAnyRole(session: Session | null, roles: readonly Role[]): boolean {
  if (!session) return false;
  return roles.some((r) => session.roles.includes(r));
}
