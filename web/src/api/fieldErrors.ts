// Puts a server error next to the form field it names. The gateway names fields by their
// JSON path relative to the resource ("addresses[1].deliveryNotes", "phones[0]",
// "customer.name"); a form names them as arrays (["addresses", 1, "deliveryNotes"]).
import type { FormInstance } from "antd";
import { ApiError } from "./client";

export function fieldPath(field: string): (string | number)[] {
  return field
    .split(/\.|\[|\]/)
    .filter((p) => p !== "")
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * Shows `error` on the field it names when the form has that field (also when the path
 * starts with the resource's name, e.g. "workOrder.description"), else on the nearest
 * field that holds it ("phones[0]" on the one "phones" field, "recurrence.weekdays[2]" on
 * "recurrence.weekdays"). Returns false when no field took it, so the caller shows it
 * above the form instead.
 */
export function showFieldError(
  form: FormInstance,
  error: unknown,
  prefixes: string[] = [],
): boolean {
  if (!(error instanceof ApiError) || !error.field) return false;
  const path = fieldPath(error.field);
  const bases = [path];
  for (const prefix of prefixes) {
    if (path[0] === prefix) bases.push(path.slice(1));
  }
  // The named field first, then the enclosing ones, the closest first.
  const candidates = [...bases];
  for (let length = path.length - 1; length > 0; length--) {
    for (const base of bases) {
      if (base.length > length) candidates.push(base.slice(0, length));
    }
  }
  const registered = new Set(form.getFieldsError().map((f) => JSON.stringify(f.name)));
  for (const candidate of candidates) {
    if (registered.has(JSON.stringify(candidate))) {
      form.setFields([{ name: candidate, errors: [error.message] }]);
      form.scrollToField(candidate);
      return true;
    }
  }
  return false;
}

// The gateway words an error it has no phrase for as "<field path>填写有误" and keeps the
// service's own explanation in `detail`. Next to a field that reads badly, so the path is
// replaced by the field's label and the explanation follows.
export function readableError(err: unknown, labels: Record<string, string> = {}): unknown {
  if (!(err instanceof ApiError) || !err.field) return err;
  const label = labels[err.field] ?? err.field;
  let text = err.message.split(err.field).join(label);
  const detail = (err.detail ?? "").replace(new RegExp(`^${escape(err.field)}:\\s*`), "");
  if (detail && !err.message.includes(detail)) text = `${text}：${detail}`;
  return new ApiError(err.status, err.code, text, err.field, err.detail);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
