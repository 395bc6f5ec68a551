// Photos: uploaded as the raw request body (the gateway streams it to the order service)
// and fetched with the token into blob: URLs, since an <img src> cannot carry it.
import { useEffect, useState } from "react";
import { getSession } from "../auth/session";
import { ApiError, type Schemas } from "./client";

export type Attachment = Schemas["qingquan.order.v1.Attachment"];

function authHeaders(): Record<string, string> {
  const session = getSession();
  return session ? { Authorization: `Bearer ${session.token}` } : {};
}

async function errorOf(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { error?: Record<string, string> };
  const e = body.error ?? {};
  return new ApiError(
    res.status,
    e.code ?? `HTTP_${res.status}`,
    e.message ?? res.statusText,
    e.field,
  );
}

export async function uploadAttachment(file: File, idempotencyKey: string): Promise<Attachment> {
  const res = await fetch(`/v1/attachments?fileName=${encodeURIComponent(file.name)}`, {
    method: "POST",
    headers: {
      ...authHeaders(),
      "Content-Type": file.type || "application/octet-stream",
      "Idempotency-Key": idempotencyKey,
    },
    body: file,
  });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as Attachment;
}

/** A blob: URL of the attachment while the component lives; null until loaded. */
export function useAttachmentUrl(id: string | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!id) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    void fetch(`/v1/attachments/${encodeURIComponent(id)}`, { headers: authHeaders() })
      .then((res) => (res.ok ? res.blob() : null))
      .then((blob) => {
        if (!blob || cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [id]);
  return url;
}
