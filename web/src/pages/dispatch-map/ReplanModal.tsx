// Re-planning the day's routes: a dry run first (distance before and after, what moves,
// what cannot be served), then the same search applied.
import {
  Alert,
  App as AntApp,
  Button,
  Flex,
  Modal,
  Progress,
  Segmented,
  Tag,
  Typography,
} from "antd";
import { useRef, useState } from "react";
import { api, ApiError, client } from "../../api/client";
import { useLanguage } from "../../i18n/language";
import { labelOf } from "../../components/labels";
import { useNow } from "../../components/remote";
import type { T } from "./messages";
import { waitReasons, type Replan } from "./shared";

// The gateway gives a call 10 s (its --request_timeout_ms) before it answers 504, so the
// search must end well inside that, whatever ReplanRoutes itself would accept (up to 60 s).
const BUDGETS = [2, 5, 8];

interface Props {
  open: boolean;
  onClose: () => void;
  /** After an apply: the board and routes changed. */
  onApplied: () => void;
  /** Order numbers by id, for the unserved list. */
  numbers: Map<string, string>;
  t: T;
}

type Phase =
  | { kind: "idle" }
  | { kind: "running"; dryRun: boolean; started: number; budget: number }
  | { kind: "preview"; result: Replan; budget: number }
  | { kind: "error"; message: string; conflict: boolean };

function km(n: number | undefined): string {
  return (n ?? 0).toFixed(1);
}

export function ReplanModal({ open, onClose, onApplied, numbers, t }: Props) {
  const { message } = AntApp.useApp();
  const language = useLanguage();
  const [budget, setBudget] = useState(5);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const run = useRef(0);

  const start = (dryRun: boolean, seconds: number) => {
    const id = ++run.current;
    setPhase({ kind: "running", dryRun, started: Date.now(), budget: seconds });
    api(() =>
      client.POST("/v1/routes:replan", { body: { timeBudgetSeconds: seconds, dryRun } }),
    ).then(
      (result) => {
        if (id !== run.current) return;
        if (dryRun) {
          setPhase({ kind: "preview", result, budget: seconds });
          return;
        }
        message.success(
          t("applied", {
            before: km(result.distanceBeforeKm),
            after: km(result.distanceAfterKm),
            n: result.reassigned ?? 0,
          }),
        );
        setPhase({ kind: "idle" });
        onApplied();
        onClose();
      },
      (err: unknown) => {
        if (id !== run.current) return;
        const conflict = err instanceof ApiError && (err.status === 409 || err.code === "ABORTED");
        const text = conflict
          ? t("replanConflict")
          : err instanceof ApiError && err.status === 403
            ? t("replanNotAllowed")
            : t("replanFailed", { message: err instanceof Error ? err.message : String(err) });
        setPhase({ kind: "error", message: text, conflict });
      },
    );
  };

  const close = () => {
    run.current++; // an answer still coming is for nobody now
    setPhase({ kind: "idle" });
    onClose();
  };

  const running = phase.kind === "running";
  const now = useNow(250);
  const progress =
    phase.kind === "running"
      ? Math.min(99, Math.round(((now - phase.started) / 1000 / (phase.budget + 1)) * 100))
      : 0;

  const result = phase.kind === "preview" ? phase.result : null;
  const before = result?.distanceBeforeKm ?? 0;
  const after = result?.distanceAfterKm ?? 0;
  const saved = Math.max(0, before - after);
  const pct = before > 0 ? ((saved / before) * 100).toFixed(1) : "0";

  return (
    <Modal
      open={open}
      title={t("replanTitle")}
      onCancel={close}
      // Opening the dialog starts a dry run at once.
      afterOpenChange={(visible) => visible && start(true, budget)}
      destroyOnHidden
      width={560}
      mask={{ closable: !running }}
      footer={
        <Flex justify="space-between" align="center">
          <Button onClick={() => start(true, budget)} disabled={running} data-testid="replan-rerun">
            {t("rerun")}
          </Button>
          <Flex gap={8}>
            <Button onClick={close}>{t("cancel")}</Button>
            <Button
              type="primary"
              disabled={!result || (result.stops ?? 0) === 0}
              loading={running && !phase.dryRun}
              onClick={() => phase.kind === "preview" && start(false, phase.budget)}
              data-testid="replan-apply"
            >
              {t("apply")}
            </Button>
          </Flex>
        </Flex>
      }
    >
      <div data-testid="replan-preview">
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          {t("replanIntro")}
        </Typography.Paragraph>
        <Flex align="center" gap={12} style={{ marginBottom: 16 }}>
          <Typography.Text>{t("budget")}</Typography.Text>
          <Segmented
            size="small"
            value={budget}
            disabled={running}
            onChange={(v) => setBudget(Number(v))}
            options={BUDGETS.map((n) => ({ value: n, label: t("seconds", { n }) }))}
            data-testid="replan-budget"
          />
        </Flex>
        {phase.kind === "running" && (
          <div data-testid="replan-running">
            <Progress percent={progress} status="active" showInfo={false} />
            <Typography.Text type="secondary">
              {phase.dryRun ? t("running", { n: phase.budget }) : t("applying")}
            </Typography.Text>
          </div>
        )}
        {phase.kind === "error" && (
          <Alert
            type={phase.conflict ? "warning" : "error"}
            showIcon
            title={phase.message}
            data-testid="replan-error"
          />
        )}
        {result && (
          <div data-testid="replan-result">
            <Flex gap={12} style={{ marginBottom: 12 }}>
              <div className="qq-dm-figure">
                <div className="qq-dm-figure-label">{t("distanceBefore")}</div>
                <div className="qq-dm-figure-value" data-testid="replan-before">
                  {t("km", { km: km(before) })}
                </div>
              </div>
              <div className="qq-dm-figure">
                <div className="qq-dm-figure-label">{t("distanceAfter")}</div>
                <div className="qq-dm-figure-value" data-testid="replan-after">
                  {t("km", { km: km(after) })}
                </div>
              </div>
              <div className={`qq-dm-figure${saved >= 0.05 ? " qq-dm-figure-saved" : ""}`}>
                <div className="qq-dm-figure-label">{t("saved")}</div>
                <div className="qq-dm-figure-value" data-testid="replan-saved">
                  {t("km", { km: km(saved) })}{" "}
                  <span className="qq-dm-figure-pct">{t("savedPct", { pct })}</span>
                </div>
              </div>
            </Flex>
            {(result.unserved ?? []).length > 0 && (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 12 }}
                title={t("unservedWarning", { n: (result.unserved ?? []).length })}
                data-testid="replan-unserved-warning"
              />
            )}
            {saved < 0.05 && (
              <Typography.Paragraph type="secondary">{t("noSaving")}</Typography.Paragraph>
            )}
            <table className="qq-dm-facts">
              <tbody>
                <tr>
                  <th>{t("stopsPlanned")}</th>
                  <td data-testid="replan-stops">{result.stops ?? 0}</td>
                </tr>
                <tr>
                  <th>{t("couriersUsed")}</th>
                  <td>
                    {t("couriersUsedValue", {
                      before: result.couriersUsedBefore ?? 0,
                      after: result.couriersUsedAfter ?? 0,
                      onDuty: result.couriersOnDuty ?? 0,
                    })}
                  </td>
                </tr>
                <tr>
                  <th>{t("reassigned")}</th>
                  <td data-testid="replan-reassigned">
                    {t("reassignedValue", { n: result.reassigned ?? 0 })}
                  </td>
                </tr>
                {(result.unserved ?? []).length > 0 && (
                  <tr>
                    <th>{t("unserved")}</th>
                    <td data-testid="replan-unserved">
                      <Flex wrap gap={4}>
                        {(result.unserved ?? []).map((u) => (
                          <Tag key={u.orderId}>
                            {numbers.get(u.orderId ?? "") ?? u.orderId?.slice(0, 8)} ·{" "}
                            {labelOf(waitReasons, u.reason, language)}
                          </Tag>
                        ))}
                      </Flex>
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12 }}>
              {t("perCourierNote")}
            </Typography.Paragraph>
          </div>
        )}
      </div>
    </Modal>
  );
}
