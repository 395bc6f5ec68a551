// The import upload and the error list download. The upload goes through XMLHttpRequest,
// not fetch, because only XHR reports upload progress; it carries the same headers the
// typed client adds (token, language) and the form's Idempotency-Key.
import { ApiError, type Schemas } from "../../api/client";
import { getSession, setSession } from "../../auth/session";
import { currentLanguage } from "../../i18n/language";

export type ImportResult = Schemas["qingquan.customer.v1.ImportCustomersResponse"];
export type ImportRowError = Schemas["qingquan.customer.v1.ImportRowError"];
export type DuplicatePolicy = "SKIP" | "UPDATE";

export interface ImportOptions {
  onDuplicate: DuplicatePolicy;
  createMissingTags: boolean;
}

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

function contentTypeOf(file: File): string {
  if (file.type) return file.type;
  return /\.csv$/i.test(file.name) ? "text/csv" : XLSX;
}

function errorOf(xhr: XMLHttpRequest): ApiError {
  try {
    const body = JSON.parse(xhr.responseText) as { error?: Record<string, string> };
    const e = body.error;
    if (e) return new ApiError(xhr.status, e.code ?? "", e.message ?? "", e.field, e.detail);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(xhr.status, `HTTP_${xhr.status}`, xhr.statusText || `HTTP ${xhr.status}`);
}

/**
 * Sends the file as the raw body of POST /v1/customers:import; `onProgress` gets the
 * share of the body sent (0..1). Resolves with the server's row-by-row report.
 */
export function uploadImport(
  file: File,
  options: ImportOptions,
  idempotencyKey: string,
  onProgress: (share: number) => void,
  signal?: AbortSignal,
): Promise<ImportResult> {
  const query = new URLSearchParams({
    onDuplicate: options.onDuplicate,
    fileName: file.name,
    createMissingTags: String(options.createMissingTags),
  });
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/v1/customers:import?${query.toString()}`);
    const session = getSession();
    if (session) xhr.setRequestHeader("Authorization", `Bearer ${session.token}`);
    xhr.setRequestHeader("Accept-Language", currentLanguage() === "en" ? "en" : "zh-CN");
    xhr.setRequestHeader("Content-Type", contentTypeOf(file));
    xhr.setRequestHeader("Idempotency-Key", idempotencyKey);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as ImportResult);
        } catch {
          reject(new ApiError(xhr.status, "BAD_RESPONSE", "the server's answer is not JSON"));
        }
        return;
      }
      if (xhr.status === 401 && getSession()) setSession(null);
      reject(errorOf(xhr));
    };
    xhr.onerror = () => reject(new ApiError(0, "NETWORK", "network error"));
    xhr.onabort = () => reject(new ApiError(0, "ABORTED", "aborted"));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(file);
  });
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV of the bad rows, with a UTF-8 BOM so that Excel reads the Chinese right. */
export function errorsCsv(errors: ImportRowError[], header: [string, string, string]): Blob {
  const lines = [header.map(csvCell).join(",")];
  for (const e of errors)
    lines.push([e.row ?? "", e.column ?? "", e.reason ?? ""].map(csvCell).join(","));
  return new Blob(["\uFEFF" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
}

/** Offers a blob to the browser as a download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file name of `Content-Disposition: attachment; filename*=UTF-8''…`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // a malformed name: use the plain one
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  return plain ? plain[1].trim() : fallback;
}
