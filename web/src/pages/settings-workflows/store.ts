// A value outside React state that components subscribe to one by one: the editor's
// hovered row, its tab and whether it has changes. Setting one renders what shows it,
// not the whole form (every input of a workflow is a few hundred components).
import { useSyncExternalStore } from "react";

export interface Store<T> {
  get: () => T;
  set: (value: T) => void;
  subscribe: (listener: () => void) => () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set: (next) => {
      if (Object.is(next, value)) return;
      value = next;
      listeners.forEach((l) => l());
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The store's value through `select` (a component renders again when that changes). */
export function useStore<T, S = T>(store: Store<T>, select?: (value: T) => S): S {
  return useSyncExternalStore(store.subscribe, () =>
    select ? select(store.get()) : (store.get() as unknown as S),
  );
}
