// Live tracking over the gateway's server-sent events. EventSource cannot send the
// Authorization header (and the gateway never takes tokens from URLs), so the stream is
// read with fetch and a stream reader; it reconnects with backoff when it ends (the
// gateway closes streams after its time limit) and stops when the order is finished or
// the component unmounts.
import { useEffect, useRef, useState } from "react";
import { getSession, setSession } from "../../auth/session";
import { currentLanguage } from "../../i18n/language";
import type { Tracking } from "./shared";

export type LiveState = "off" | "connecting" | "live" | "retrying";

interface SseEvent {
  event: string;
  data: string;
}

/** Splits text/event-stream text into events; returns them and the unfinished rest. */
export function parseEvents(buffer: string): { events: SseEvent[]; rest: string } {
  // A CR at the very end may be the first half of a CRLF split across two reads: keep it.
  const held = buffer.endsWith("\r") ? "\r" : "";
  const normalized = buffer.slice(0, buffer.length - held.length).replace(/\r\n?/g, "\n");
  const blocks = normalized.split("\n\n");
  const rest = (blocks.pop() ?? "") + held;
  const events: SseEvent[] = [];
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join("\n") });
  }
  return { events, rest };
}

const FINAL_STATES = new Set(["DELIVERED", "CANCELLED"]);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Follows `/v1/delivery-orders/{orderId}/tracking:watch` (null: nothing) and calls
 * `onTracking` with each event. Returns how the stream stands.
 */
export function useTrackingWatch(
  orderId: string | null,
  onTracking: (t: Tracking) => void,
): LiveState {
  const callback = useRef(onTracking);
  useEffect(() => {
    callback.current = onTracking;
  });
  const [state, setState] = useState<{ key: string | null; live: LiveState }>({
    key: null,
    live: "off",
  });

  useEffect(() => {
    if (!orderId) return;
    const abort = new AbortController();
    const signal = abort.signal;
    const report = (live: LiveState) => {
      if (!signal.aborted) setState({ key: orderId, live });
    };
    void (async () => {
      let failures = 0;
      while (!signal.aborted) {
        let finished = false;
        try {
          const session = getSession();
          if (!session) return;
          const res = await fetch(
            `/v1/delivery-orders/${encodeURIComponent(orderId)}/tracking:watch`,
            {
              headers: {
                Authorization: `Bearer ${session.token}`,
                Accept: "text/event-stream",
                "Accept-Language": currentLanguage() === "en" ? "en" : "zh-CN",
              },
              signal,
            },
          );
          if (res.status === 401) {
            if (getSession()) setSession(null);
            return;
          }
          // Gone or not ours to watch: nothing to retry; the board shows what is known.
          if (res.status === 403 || res.status === 404) {
            report("off");
            return;
          }
          if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          let buffer = "";
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            const parsed = parseEvents(buffer);
            buffer = parsed.rest;
            for (const e of parsed.events) {
              if (e.event !== "tracking") continue;
              let tracking: Tracking;
              try {
                tracking = JSON.parse(e.data) as Tracking;
              } catch {
                continue;
              }
              failures = 0;
              report("live");
              callback.current(tracking);
              if (FINAL_STATES.has(tracking.state ?? "")) finished = true;
            }
          }
        } catch {
          if (signal.aborted) return;
        }
        if (finished) {
          report("off");
          return;
        }
        // The stream ended (time limit, a restart, the network): come back, slower each
        // time it fails in a row, with some jitter so many consoles do not return at once.
        report("retrying");
        const delay = Math.min(30_000, 1000 * 2 ** failures) * (0.75 + Math.random() * 0.5);
        failures++;
        await sleep(delay, signal);
      }
    })();
    return () => abort.abort();
  }, [orderId]);

  if (!orderId) return "off";
  return state.key === orderId ? state.live : "connecting";
}
