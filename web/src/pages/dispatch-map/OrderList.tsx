// The deliveries waiting for a courier, longest waiting first: a click selects one (its pin
// grows on the map), another click lets it go.
import { EnvironmentOutlined } from "@ant-design/icons";
import { Empty, Tag, Typography } from "antd";
import { labelOf } from "../../components/labels";
import { useNow } from "../../components/remote";
import { useLanguage } from "../../i18n/language";
import type { T } from "./messages";
import { located, reasonColors, waitReasons, windowText, type Listed } from "./shared";

interface Props {
  orders: Listed[];
  selectedId: string | null;
  onSelect: (orderId: string | null) => void;
  /** Waiting in the board's scope but beyond its list (it stops at 2,000). */
  notListed: number;
  t: T;
}

function waited(createTime: string | undefined, now: number, t: T): string {
  if (!createTime) return "";
  const minutes = Math.max(0, Math.floor((now - new Date(createTime).getTime()) / 60_000));
  if (minutes < 60) return t("waitedMinutes", { n: minutes });
  return t("waitedHours", { h: Math.floor(minutes / 60), m: minutes % 60 });
}

export function OrderList({ orders, selectedId, onSelect, notListed, t }: Props) {
  const language = useLanguage();
  const now = useNow(30_000);
  if (orders.length === 0) {
    return (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={t("noUnassigned")}
        data-testid="do-empty"
      />
    );
  }
  return (
    <div data-testid="do-list">
      {orders.map((o) => {
        const selected = o.orderId === selectedId;
        const range = windowText(o.windowStart, o.windowEnd);
        return (
          <div
            key={o.orderId}
            role="button"
            tabIndex={0}
            aria-pressed={selected}
            data-testid={`do-item-${o.number}`}
            className={`qq-dm-order${selected ? " qq-dm-order-selected" : ""}`}
            onClick={() => onSelect(selected ? null : (o.orderId ?? null))}
            onKeyDown={(e) => {
              if (e.key === "Enter" || e.key === " ") {
                e.preventDefault();
                onSelect(selected ? null : (o.orderId ?? null));
              }
            }}
          >
            <div className="qq-dm-order-head">
              <Typography.Text strong>{o.number}</Typography.Text>
              <Tag color={reasonColors[o.reason ?? ""] ?? "default"} style={{ marginInlineEnd: 0 }}>
                {labelOf(waitReasons, o.reason || "", language) || waitReasons[""][language]}
              </Tag>
            </div>
            <div>
              {o.customerName} · {t("barrels", { n: o.demandBarrels ?? 0 })}
              {o.areaName ? ` · ${o.areaName}` : ""}
            </div>
            <Typography.Text type="secondary" ellipsis className="qq-dm-order-line">
              {located(o.location) ? (
                <EnvironmentOutlined />
              ) : (
                <Tag color="purple" variant="filled">
                  {t("noLocation")}
                </Tag>
              )}{" "}
              {o.addressText}
            </Typography.Text>
            <Typography.Text type="secondary" className="qq-dm-order-line">
              {waited(o.createTime, now, t)}
              {range ? ` · ${t("window", { range })}` : ""}
            </Typography.Text>
          </div>
        );
      })}
      {notListed > 0 && (
        <Typography.Text type="secondary" style={{ display: "block", padding: 8 }}>
          {t("moreNotListed", { n: notListed })}
        </Typography.Text>
      )}
    </div>
  );
}
