// The one typed client of the gateway's REST API. Paths, parameters and bodies are typed
// from src/api/schema.d.ts, which `npm run gen:api` generates from the snapshot of the
// gateway's /openapi.json in src/api/openapi.json; the browser tests fail when the live
// gateway's document differs from the snapshot, so a renamed field breaks the build.
import createClient, { type Middleware } from "openapi-fetch";
import { getSession, setSession } from "../auth/session";
import { currentLanguage } from "../i18n/language";
import { setConnectionLost } from "./connection";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

/** The gateway's error body: {"error":{"code","message","detail","field"}}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type SessionExpiredListener = () => void;
const expiredListeners = new Set<SessionExpiredListener>();
/** Called when the server refuses the token mid-session (expired, revoked). */
export function onSessionExpired(listener: SessionExpiredListener): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

const auth: Middleware = {
  onRequest({ request }) {
    const session = getSession();
    if (session) request.headers.set("Authorization", `Bearer ${session.token}`);
    request.headers.set("Accept-Language", currentLanguage() === "en" ? "en" : "zh-CN");
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && getSession()) {
      expiredListeners.forEach((l) => l());
      setSession(null);
    }
    return response;
  },
};

export const client = createClient<paths>({ baseUrl: "" });
client.use(auth);

async function toApiError(response: Response, error: unknown): Promise<ApiError> {
  const body = (error ?? {}) as { error?: Record<string, string> };
  const e = body.error;
  if (e && typeof e === "object") {
    return new ApiError(response.status, e.code ?? "", e.message ?? "", e.field, e.detail);
  }
  return new ApiError(response.status, "HTTP_" + response.status, response.statusText);
}

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Runs one request, throws ApiError for an error answer, and retries while the network
 * is down (a banner says so). `request` is called again on each retry, so a create must
 * carry its Idempotency-Key for a retry to be safe — every create in the console does.
 */
export async function api<T>(
  request: () => Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let result: { data?: T; error?: unknown; response: Response };
    try {
      result = await request();
    } catch (err) {
      // fetch rejects with a TypeError only when no answer came: offline, refused, reset.
      // Anything else (an aborted request) is the caller's business.
      if (!(err instanceof TypeError)) throw err;
      if (attempt >= RETRY_DELAYS_MS.length) {
        setConnectionLost(false);
        throw new ApiError(0, "NETWORK", String(err));
      }
      setConnectionLost(true);
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
      continue;
    }
    setConnectionLost(false);
    if (result.response.ok) return result.data as T;
    // A gateway that cannot reach a service answers 503: worth the same retries.
    if (result.response.status === 503 && attempt < 2) {
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
      continue;
    }
    throw await toApiError(result.response, result.error);
  }
}

/** Headers for a create: the Idempotency-Key the form keeps until it succeeds. */
export function idempotent(key: string): { headers: Record<string, string> } {
  return { headers: { "Idempotency-Key": key } };
}
