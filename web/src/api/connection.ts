// Whether the last request found the network down; the layout shows a banner meanwhile.
import { useSyncExternalStore } from "react";

let lost = false;
const listeners = new Set<() => void>();

export function setConnectionLost(value: boolean): void {
  if (lost === value) return;
  lost = value;
  listeners.forEach((l) => l());
}

export function useConnectionLost(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => lost,
  );
}
