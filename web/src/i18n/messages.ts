// Texts live beside the page that shows them: each page folder has a messages.ts with a
// Chinese dictionary and an English one of the same shape (the compiler checks it).
import { useLanguage } from "./language";

export interface Messages<T extends Record<string, string>> {
  zh: T;
  en: { [K in keyof T]: string };
}

export function defineMessages<T extends Record<string, string>>(m: Messages<T>): Messages<T> {
  return m;
}

/** t("key", {n: 3}) fills "{n}" placeholders. */
export function useT<T extends Record<string, string>>(
  messages: Messages<T>,
): (key: keyof T, params?: Record<string, string | number>) => string {
  const language = useLanguage();
  const dict = messages[language] as Record<keyof T, string>;
  return (key, params) => {
    let text = dict[key] ?? String(key);
    if (params) {
      for (const [name, value] of Object.entries(params)) {
        text = text.split(`{${name}}`).join(String(value));
      }
    }
    return text;
  };
}
