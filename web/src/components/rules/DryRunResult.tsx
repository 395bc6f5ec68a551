// A dry run's answer: how many subjects were looked at, how many match, how many a
// cool-down would hold back, and a sample of the matches with each leaf's expected and
// actual value.
import { Alert, Col, Row, Statistic, Table, Tag } from "antd";
import type { HTMLAttributes } from "react";
import type { Schemas } from "../../api/client";
import { useT } from "../../i18n/messages";
import type { Catalog, Evaluation } from "./catalog";
import { LeavesTable } from "./Evaluation";
import { messages } from "./messages";

export type DryRun = Schemas["qingquan.notification.v1.DryRunRuleResponse"];
type Hit = Schemas["qingquan.notification.v1.DryRunHit"];

export function DryRunResult({ result, catalog }: { result: DryRun; catalog?: Catalog }) {
  const t = useT(messages);
  const matched = result.matched ?? 0;
  const cooling = result.coolingDown ?? 0;
  return (
    <div data-testid="dry-run-result">
      <Alert type="info" showIcon title={t("dryRunNote")} style={{ marginBottom: 12 }} />
      <Row gutter={16} style={{ marginBottom: 12 }}>
        <Col span={6}>
          <Statistic
            title={t("evaluated")}
            value={result.evaluated ?? 0}
            data-testid="dry-run-evaluated"
          />
        </Col>
        <Col span={6}>
          <Statistic title={t("matchedCount")} value={matched} data-testid="dry-run-matched" />
        </Col>
        <Col span={6}>
          <Statistic title={t("coolingDown")} value={cooling} data-testid="dry-run-cooling" />
        </Col>
        <Col span={6}>
          <Statistic
            title={t("willFire")}
            value={Math.max(0, matched - cooling)}
            data-testid="dry-run-fire"
          />
        </Col>
      </Row>
      <Table<Hit>
        size="small"
        rowKey="subjectId"
        pagination={false}
        title={() => t("sample")}
        dataSource={result.sample ?? []}
        locale={{ emptyText: t("noSample") }}
        onRow={() => ({ "data-testid": "dry-run-hit" }) as HTMLAttributes<HTMLElement>}
        expandable={{
          expandRowByClick: true,
          expandedRowRender: (h) => (
            <LeavesTable evaluation={h.evaluation as Evaluation | undefined} catalog={catalog} />
          ),
        }}
        columns={[
          { title: t("who"), dataIndex: "label", render: (v: string, h) => v || h.subjectId },
          {
            title: t("leafOutcome"),
            key: "matched",
            width: 110,
            render: (_: unknown, h) =>
              (h.evaluation as Evaluation | undefined)?.matched ? (
                <Tag color="green">{t("matched")}</Tag>
              ) : (
                <Tag>{t("notMatched")}</Tag>
              ),
          },
        ]}
      />
    </div>
  );
}
