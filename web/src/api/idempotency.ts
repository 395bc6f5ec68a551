// Every create sends an Idempotency-Key. A form keeps one key until its create succeeds,
// so a double click or a retry after a lost answer creates one order, not two.
import { useCallback, useRef } from "react";

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** The key for the form's next create; `done()` after a success starts a new one. */
export function useIdempotencyKey(): { key: () => string; done: () => void } {
  const ref = useRef<string | null>(null);
  const key = useCallback(() => {
    if (!ref.current) ref.current = newIdempotencyKey();
    return ref.current;
  }, []);
  const done = useCallback(() => {
    ref.current = null;
  }, []);
  return { key, done };
}
