// How dispatch routed a work order (area, team) and, for automatic assignment, every
// worker it offered the order to with the score breakdown: skill match, open load,
// nearness (each 0..1), distance, open orders and shift.
import { Alert, Button, Card, Descriptions, Empty, Progress, Space, Tag, Typography } from "antd";
import dayjs from "dayjs";
import { ApiError, api, client } from "../../api/client";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";
import { offerStateLabel, type WorkOrder, type WorkerOffer } from "./model";
import { useRemote } from "../../components/remote";

const offerColors: Record<string, string | undefined> = {
  OFFERED: "processing",
  ACCEPTED: "success",
  DONE: "success",
  REJECTED: "error",
  EXPIRED: "warning",
  OVERRIDDEN: "default",
};

const score = (v: number | undefined) => (v ?? 0).toFixed(2);

/** One offer: who, how it went, and why the system chose them. */
export function OfferBreakdown({ offer }: { offer: WorkerOffer }) {
  const t = useT(messages);
  const language = useLanguage();
  const total = Math.round((offer.score ?? 0) * 100);
  return (
    <div data-testid="wo-offer" style={{ padding: "8px 0", borderBottom: "1px solid #f0f0f0" }}>
      <Space wrap size={6} style={{ marginBottom: 4 }}>
        <Typography.Text strong>{offer.workerName || offer.workerId}</Typography.Text>
        {offer.state && (
          <Tag color={offerColors[offer.state]}>{offerStateLabel(offer.state, language)}</Tag>
        )}
        {offer.attempt ? (
          <Typography.Text type="secondary">
            {t("offerAttempt", { n: offer.attempt })}
          </Typography.Text>
        ) : null}
      </Space>
      <div style={{ display: "flex", alignItems: "center", gap: 8 }}>
        <Typography.Text type="secondary" style={{ whiteSpace: "nowrap" }}>
          {t("scoreTotal")}
        </Typography.Text>
        <Progress percent={total} size="small" format={() => score(offer.score)} />
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="wo-offer-scores">
        {t("scoreSkill")} {score(offer.skillScore)} · {t("scoreLoad")} {score(offer.loadScore)} ·{" "}
        {t("scoreDistance")} {score(offer.distanceScore)}
        {offer.distanceKm !== undefined && offer.distanceKm >= 0
          ? ` (${offer.distanceKm.toFixed(1)} km)`
          : ` (${t("distanceUnknown")})`}
        {" · "}
        {t("openOrders", { n: offer.openOrders ?? 0 })}
        {" · "}
        {offer.inShift ? t("inShift") : t("offShift")}
      </Typography.Text>
      {offer.reason || offer.decisionComment ? (
        <div>
          <Typography.Text style={{ fontSize: 12 }}>
            {[offer.reason, offer.decisionComment].filter(Boolean).join(" · ")}
          </Typography.Text>
        </div>
      ) : null}
    </div>
  );
}

/** Offers of the automatic assignment for `workOrderId` (null while none). */
export function useAssignment(workOrderId: string | null, refresh: string | number) {
  return useRemote(workOrderId ? `assignment|${workOrderId}|${refresh}` : null, () =>
    api(() =>
      client.GET("/v1/assignments/{workOrderId}", {
        params: { path: { workOrderId: workOrderId ?? "" } },
      }),
    ).catch((err: unknown) => {
      // No routing yet (or none recorded): nothing to show, not an error.
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }),
  );
}

export function AssignmentCard({
  order,
  refresh,
  canAssign,
  onAssign,
}: {
  order: WorkOrder;
  refresh: number;
  canAssign: boolean;
  onAssign: () => void;
}) {
  const t = useT(messages);
  const assignment = useAssignment(order.id ?? "", `${refresh}|${order.state}|${order.assigneeId}`);
  const a = assignment.data;
  return (
    <Card
      size="small"
      title={t("assignment")}
      style={{ marginBottom: 12 }}
      data-testid="wo-assignment"
      extra={
        canAssign ? (
          <Button size="small" type="link" onClick={onAssign} data-testid="wo-assign-open">
            {order.assigneeId ? t("reassign") : t("assignWorker")}
          </Button>
        ) : null
      }
    >
      {assignment.error ? (
        <Alert
          type="warning"
          showIcon
          title={t("assignmentFailed")}
          description={
            assignment.error instanceof Error ? assignment.error.message : String(assignment.error)
          }
        />
      ) : !a ? (
        assignment.loading ? null : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("notRoutedYet")} />
        )
      ) : (
        <>
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: "area",
                label: t("area"),
                children: a.outsideAreas ? (
                  <Tag color="warning">{t("outsideAreas")}</Tag>
                ) : (
                  a.areaName || "—"
                ),
              },
              { key: "team", label: t("colTeam"), children: a.teamName || "—" },
              {
                key: "time",
                label: t("routedAt"),
                children: a.assignTime ? dayjs(a.assignTime).format("MM-DD HH:mm") : "—",
              },
            ]}
          />
          <Typography.Text strong>{t("autoAssignment")}</Typography.Text>
          {a.offers?.length ? (
            a.offers.map((o, i) => <OfferBreakdown key={`${o.workerId}-${i}`} offer={o} />)
          ) : (
            <div>
              <Typography.Text type="secondary">{t("noOffers")}</Typography.Text>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
