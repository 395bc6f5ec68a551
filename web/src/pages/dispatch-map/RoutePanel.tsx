// The selected courier's route over the map: duty, load and position, then each open stop
// in order with its ETA. Dispatchers and managers see the full route (customer, address,
// tags); a leader sees what the board carries.
import { CloseOutlined } from "@ant-design/icons";
import { Button, Spin, Tag, Typography } from "antd";
import { labelOf } from "../../components/labels";
import { useLanguage } from "../../i18n/language";
import { formatTime } from "../../components/time";
import type { T } from "./messages";
import { clock, stopStates, vehicles, type BoardStop, type Person, type RouteStop } from "./shared";

interface Props {
  courier: Person;
  color: string;
  /** The route from GET /v1/routes/{courierId}, when the caller may read it. */
  stops: (RouteStop | BoardStop)[];
  loading: boolean;
  positionTime: string | undefined;
  onClose: () => void;
  t: T;
}

export function RoutePanel({ courier, color, stops, loading, positionTime, onClose, t }: Props) {
  const language = useLanguage();
  return (
    <div className="qq-dm-route" data-testid="route-panel">
      <div className="qq-dm-route-head">
        <span className="qq-dm-swatch" style={{ background: color }} />
        <Typography.Text strong data-testid="route-courier">
          {courier.name}
        </Typography.Text>
        <Tag color={courier.onDuty ? "green" : "default"} style={{ marginInlineEnd: 0 }}>
          {courier.onDuty ? t("onDutyTag") : t("offDuty")}
        </Tag>
        <Button
          size="small"
          type="text"
          icon={<CloseOutlined />}
          aria-label={t("close")}
          onClick={onClose}
          style={{ marginInlineStart: "auto" }}
        />
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {labelOf(vehicles, courier.vehicle, language)}
        {" · "}
        <span
          className={
            (courier.loadBarrels ?? 0) > (courier.capacityBarrels ?? 0) ? "qq-dm-over" : undefined
          }
        >
          {t("load", { load: courier.loadBarrels ?? 0, cap: courier.capacityBarrels ?? 0 })}
        </span>
        {" · "}
        {t("stops", { n: stops.length })}
        {" · "}
        {positionTime
          ? t("positionAt", { time: formatTime(positionTime).slice(5) })
          : t("noPosition")}
      </Typography.Text>
      <div className="qq-dm-route-stops">
        {loading && stops.length === 0 ? (
          <Spin size="small" description={t("routeLoading")} />
        ) : stops.length === 0 ? (
          <Typography.Text type="secondary">{t("routeEmpty")}</Typography.Text>
        ) : (
          stops.map((s) => {
            const detail = "customerName" in s ? (s as RouteStop) : null;
            return (
              <div key={s.orderId} className="qq-dm-stop" data-testid={`route-stop-${s.number}`}>
                <span className="qq-dm-stop-seq" style={{ background: color }}>
                  {s.sequence}
                </span>
                <div className="qq-dm-stop-body">
                  <div>
                    <Typography.Text strong>{s.number}</Typography.Text>{" "}
                    {s.state && s.state !== "ASSIGNED" && (
                      <Tag color="processing">{labelOf(stopStates, s.state, language)}</Tag>
                    )}
                  </div>
                  {detail && (
                    <Typography.Text ellipsis className="qq-dm-order-line">
                      {detail.customerName} · {detail.addressText}
                    </Typography.Text>
                  )}
                  <Typography.Text type="secondary" className="qq-dm-order-line">
                    <span data-testid="route-stop-eta">
                      {s.eta ? t("stopEta", { time: clock(s.eta) }) : ""}
                    </span>
                    {s.windowEnd ? ` · ${t("stopWindowEnd", { time: clock(s.windowEnd) })}` : ""}
                  </Typography.Text>
                  {detail && (detail.customerTags ?? []).length > 0 && (
                    <div>
                      {(detail.customerTags ?? []).map((tag) => (
                        <Tag key={tag} variant="filled" style={{ fontSize: 11 }}>
                          {tag}
                        </Tag>
                      ))}
                    </div>
                  )}
                </div>
              </div>
            );
          })
        )}
      </div>
    </div>
  );
}
