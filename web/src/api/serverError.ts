// The settings pages' server errors in words next to the field they name. The gateway's
// message is short ("名称填写有误", or with the raw path "transitions[2].to填写有误") and its
// detail says why ("transitions[2].to: is not a state: X"); a field's error shows both,
// without the path, since it sits next to the field.
import type { FormInstance } from "antd";
import { ApiError } from "./client";
import { fieldPath } from "./fieldErrors";

export type Path = (string | number)[];

/** The reason the detail gives after "<field>:", if any. */
function reasonOf(err: ApiError): string {
  const detail = err.detail?.trim() ?? "";
  if (!detail) return "";
  if (err.field && detail.startsWith(err.field + ":")) {
    return detail.slice(err.field.length + 1).trim();
  }
  return detail;
}

/** The error as one line, for a field (`atField`) or for an alert above the form. */
export function serverErrorText(err: unknown, atField = false): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  let message = err.message || err.code;
  if (atField && err.field) {
    // "transitions[2].to填写有误" → "填写有误"; "name: may not …" → "may not …".
    message = message
      .split(err.field + ":")
      .join("")
      .split(err.field)
      .join("")
      .trim();
  }
  const reason = reasonOf(err);
  if (!reason || message.includes(reason)) return message || reason;
  const sep = /[\u2e80-\uffff]$/.test(message) ? "：" : ": ";
  return message ? `${message}${sep}${reason}` : reason;
}

/**
 * Puts `err` on the form field it names (after dropping a resource prefix such as
 * "workflow." and applying `map`), and scrolls to it. Returns the form path it used, or
 * null when no field of the form took it (show it above the form then).
 */
export function putServerError(
  form: FormInstance,
  err: unknown,
  options: { prefixes?: string[]; map?: (path: Path) => Path | null } = {},
): Path | null {
  if (!(err instanceof ApiError) || !err.field) return null;
  let path: Path = fieldPath(err.field);
  if (typeof path[0] === "string" && options.prefixes?.includes(path[0])) path = path.slice(1);
  const candidates: Path[] = [];
  const mapped = options.map ? options.map(path) : path;
  if (mapped) candidates.push(mapped);
  candidates.push(path);
  // "phones[0]" on a form with one "phones" field.
  if (typeof path[path.length - 1] === "number") candidates.push(path.slice(0, -1));
  const registered = new Set(form.getFieldsError().map((f) => JSON.stringify(f.name)));
  for (const candidate of candidates) {
    if (registered.has(JSON.stringify(candidate))) {
      form.setFields([{ name: candidate, errors: [serverErrorText(err, true)] }]);
      return candidate;
    }
  }
  return null;
}
