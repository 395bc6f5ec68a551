// Keeps what the user typed into a form in sessionStorage until it is sent, so a session
// that expires mid-form returns, after logging in again, to the same form with the same
// text in it.
import type { FormInstance } from "antd";
import { useCallback, useEffect } from "react";

const PREFIX = "qq.draft.";

export function useFormDraft<T extends object>(
  form: FormInstance<T>,
  key: string,
): { save: () => void; clear: () => void } {
  useEffect(() => {
    const saved = sessionStorage.getItem(PREFIX + key);
    if (!saved) return;
    try {
      form.setFieldsValue(JSON.parse(saved));
    } catch {
      sessionStorage.removeItem(PREFIX + key);
    }
  }, [form, key]);
  const save = useCallback(() => {
    sessionStorage.setItem(PREFIX + key, JSON.stringify(form.getFieldsValue(true)));
  }, [form, key]);
  const clear = useCallback(() => sessionStorage.removeItem(PREFIX + key), [key]);
  return { save, clear };
}
