// Photos of a work order. Downloading one needs the Authorization header, so an <img>
// cannot point at the API: each photo is fetched into a blob: URL (revoked when it leaves
// the screen) and shown as a thumbnail that opens full size.
import { PictureOutlined } from "@ant-design/icons";
import { Image, Space, Tooltip } from "antd";
import { useEffect, useState } from "react";
import { api, client } from "../../api/client";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";
import type { Attachment } from "./model";

/** Uploads a photo (the raw file is the body) and answers its attachment. */
export async function uploadAttachment(file: File): Promise<Attachment> {
  return api(() =>
    client.POST("/v1/attachments", {
      params: { query: { fileName: file.name } },
      // The body is the file itself, not JSON.
      body: file as unknown as string,
      bodySerializer: (body: unknown) => body as BodyInit,
      headers: { "Content-Type": file.type || "application/octet-stream" },
    }),
  );
}

function useAttachmentUrl(id: string): { url?: string; failed: boolean } {
  const [state, setState] = useState<{ id: string; url?: string; failed: boolean } | null>(null);
  useEffect(() => {
    let cancelled = false;
    let url: string | undefined;
    api(() =>
      client.GET("/v1/attachments/{id}", { params: { path: { id } }, parseAs: "blob" }),
    ).then(
      (blob) => {
        if (cancelled) return;
        url = URL.createObjectURL(blob as Blob);
        setState({ id, url, failed: false });
      },
      () => {
        if (!cancelled) setState({ id, failed: true });
      },
    );
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [id]);
  if (!state || state.id !== id) return { failed: false };
  return state;
}

const SIZE = 72;

function Thumb({ id }: { id: string }) {
  const t = useT(messages);
  const { url, failed } = useAttachmentUrl(id);
  if (failed || !url) {
    return (
      <Tooltip title={failed ? t("photoFailed") : t("loading")}>
        <div
          data-testid="wo-photo-placeholder"
          style={{
            width: SIZE,
            height: SIZE,
            display: "flex",
            alignItems: "center",
            justifyContent: "center",
            background: "#fafafa",
            border: "1px dashed #d9d9d9",
            borderRadius: 4,
            color: failed ? "#ff4d4f" : "#bfbfbf",
          }}
        >
          <PictureOutlined />
        </div>
      </Tooltip>
    );
  }
  return (
    <Image
      src={url}
      width={SIZE}
      height={SIZE}
      alt={t("photo")}
      data-testid="wo-photo"
      style={{ objectFit: "cover", borderRadius: 4 }}
    />
  );
}

/** Thumbnails of `ids`; a click shows the photo full size, with the others a swipe away. */
export function AttachmentThumbs({ ids }: { ids: readonly string[] | undefined }) {
  if (!ids?.length) return null;
  return (
    <Image.PreviewGroup>
      <Space wrap size={8}>
        {ids.map((id) => (
          <Thumb key={id} id={id} />
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}
