// The console's language: Chinese first, English switchable; remembered per browser.
import { useSyncExternalStore } from "react";

export type Language = "zh" | "en";
const KEY = "qq.language";

let language: Language = localStorage.getItem(KEY) === "en" ? "en" : "zh";
const listeners = new Set<() => void>();

export function currentLanguage(): Language {
  return language;
}

export function setLanguage(next: Language): void {
  language = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
  listeners.forEach((l) => l());
}

export function useLanguage(): Language {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => language,
  );
}
