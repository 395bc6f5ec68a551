// The rule firings log, newest first and paged on the server: for a rule (its 记录) or for
// a customer (the 360 view's 规则记录). Each firing opens to the facts the rule saw, the
// condition leaf by leaf, and what became of each action — so an agent can answer "why did
// this customer get that SMS?".
import { Alert, Descriptions, Space, Table, Tag, Typography } from "antd";
import { useCallback, type HTMLAttributes } from "react";
import { api, client, type Schemas } from "../../api/client";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { PagerBar, useCursorPager, type Page } from "../QueryPager";
import { formatTime } from "../time";
import {
  factLabel,
  firingTriggerText,
  useRuleCatalog,
  valueText,
  type Catalog,
  type Evaluation,
} from "./catalog";
import { LeavesTable } from "./Evaluation";
import { messages } from "./messages";

export type Firing = Schemas["qingquan.notification.v1.RuleFiring"];
type ActionResult = Schemas["qingquan.notification.v1.RuleActionResult"];

export interface FiringFilter {
  ruleId?: string;
  customerId?: string;
}

async function loadFirings(
  filter: FiringFilter,
  pageToken: string,
  pageSize: number,
): Promise<Page<Firing>> {
  const res = await api(() =>
    client.GET("/v1/rule-firings", {
      params: { query: { ...filter, pageSize, pageToken: pageToken || undefined } },
    }),
  );
  return { items: res.firings ?? [], next: res.nextPageToken ?? "" };
}

export const actionStatusColors: Record<string, string> = {
  DONE: "green",
  PENDING: "processing",
  FAILED: "red",
  SKIPPED: "default",
};

type T = ReturnType<typeof useT<(typeof messages)["zh"]>>;

function known(key: string, t: T, fallback: string): string {
  return key in messages.zh ? t(key as keyof (typeof messages)["zh"]) : fallback;
}

export function actionName(type: string | undefined, t: T): string {
  return known(`action_${type}`, t, type ?? "");
}

export function actionStatusName(status: string | undefined, t: T): string {
  return known(`actionStatus_${status}`, t, status ?? "");
}

/** Whom a firing was about: the customer's name from its facts, else the id's start. */
function subjectLabel(f: Firing): string {
  const facts = (f.facts ?? {}) as Record<string, unknown>;
  const name = facts["customer.name"];
  if (typeof name === "string" && name) return name;
  const id = f.subjectId ?? "";
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

export function FiringList({
  filter,
  testId = "firing-list",
  showRule = true,
  showWho = true,
  pageSize = 10,
}: {
  filter: FiringFilter;
  testId?: string;
  showRule?: boolean;
  showWho?: boolean;
  pageSize?: number;
}) {
  // Another rule or customer starts again from the first page.
  return (
    <FiringTable
      key={JSON.stringify(filter)}
      filter={filter}
      testId={testId}
      showRule={showRule}
      showWho={showWho}
      pageSize={pageSize}
    />
  );
}

function FiringTable({
  filter,
  testId,
  showRule,
  showWho,
  pageSize,
}: {
  filter: FiringFilter;
  testId: string;
  showRule: boolean;
  showWho: boolean;
  pageSize: number;
}) {
  const t = useT(messages);
  const language = useLanguage();
  const catalog = useRuleCatalog();
  const pager = useCursorPager(loadFirings, filter, pageSize);

  const columns = [
    {
      title: t("fireTime"),
      dataIndex: "fireTime",
      width: 150,
      render: (v: string) => formatTime(v),
    },
    ...(showWho
      ? [
          {
            title: t("who"),
            key: "who",
            render: (_: unknown, f: Firing) => (
              <span data-testid="firing-who" title={f.subjectId}>
                {subjectLabel(f)}
              </span>
            ),
          },
        ]
      : []),
    ...(showRule
      ? [
          {
            title: t("rule"),
            key: "rule",
            render: (_: unknown, f: Firing) => (
              <span data-testid="firing-rule">
                {f.ruleName}{" "}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t("version", { n: f.ruleVersion ?? 0 })}
                </Typography.Text>
              </span>
            ),
          },
        ]
      : []),
    {
      title: t("trigger"),
      dataIndex: "trigger",
      width: 130,
      render: (v: string) => firingTriggerText(v, t, language),
    },
    {
      title: t("actions"),
      key: "actions",
      render: (_: unknown, f: Firing) => (
        <Space size={[4, 4]} wrap>
          {(f.actions ?? []).map((a, i) => (
            <Tag key={i} color={actionStatusColors[a.status ?? ""] ?? "default"}>
              {actionName(a.type, t)} · {actionStatusName(a.status, t)}
            </Tag>
          ))}
        </Space>
      ),
    },
  ];

  return (
    <div data-testid={testId}>
      {!!pager.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 8 }}
          title={t("loadFailed", {
            message: pager.error instanceof Error ? pager.error.message : String(pager.error),
          })}
        />
      )}
      <Table<Firing>
        size="small"
        rowKey="id"
        loading={pager.loading}
        dataSource={pager.items}
        columns={columns}
        pagination={false}
        locale={{ emptyText: filter.customerId ? t("noFiringsCustomer") : t("noFirings") }}
        onRow={() => ({ "data-testid": `${testId}-row` }) as HTMLAttributes<HTMLElement>}
        expandable={{
          expandRowByClick: true,
          expandedRowRender: (f) => <FiringDetail firing={f} catalog={catalog.data} />,
        }}
      />
      {(pager.hasPrev || pager.hasNext) && (
        <PagerBar
          pager={pager}
          testId={`${testId}-pager`}
          labels={{
            prev: t("prev"),
            next: t("next"),
            page: t("page", { n: pager.page }),
            perPage: t("perPage"),
          }}
        />
      )}
    </div>
  );
}

/** One firing opened: the facts, the condition leaf by leaf, the actions. */
export function FiringDetail({ firing, catalog }: { firing: Firing; catalog?: Catalog }) {
  const t = useT(messages);
  const language = useLanguage();
  const facts = Object.entries((firing.facts ?? {}) as Record<string, unknown>).filter(
    ([name]) => name !== "customer.name",
  );
  const byName = new Map((catalog?.facts ?? []).map((f) => [f.name, f]));
  const show = useCallback(
    (name: string, v: unknown) => {
      // A keyed fact (tickets per product) is an object: "18.9L: 1".
      if (v && typeof v === "object" && !Array.isArray(v)) {
        const entries = Object.entries(v as Record<string, unknown>);
        return entries.length === 0 ? t("unset") : entries.map(([k, n]) => `${k}: ${n}`).join(", ");
      }
      return valueText(name, v, language, t("unset"), [t("yes"), t("no")], t("emptyList"));
    },
    [language, t],
  );
  return (
    <div data-testid="firing-detail" style={{ display: "grid", gap: 12 }}>
      <div>
        <Typography.Text strong>{t("evaluation")}</Typography.Text>
        <LeavesTable
          evaluation={firing.evaluation as Evaluation | undefined}
          catalog={catalog}
          testId="firing-leaves"
        />
      </div>
      <div>
        <Typography.Text strong>{t("actionResults")}</Typography.Text>
        <Table<ActionResult & { index: number }>
          size="small"
          rowKey="index"
          pagination={false}
          data-testid="firing-actions"
          dataSource={(firing.actions ?? []).map((a, index) => ({ ...a, index }))}
          onRow={(a) =>
            ({
              "data-testid": "firing-action",
              "data-status": a.status,
            }) as HTMLAttributes<HTMLElement>
          }
          columns={[
            {
              title: t("actions"),
              dataIndex: "type",
              width: 120,
              render: (v: string) => actionName(v, t),
            },
            {
              title: t("leafOutcome"),
              dataIndex: "status",
              width: 90,
              render: (v: string) => (
                <Tag color={actionStatusColors[v] ?? "default"}>{actionStatusName(v, t)}</Tag>
              ),
            },
            {
              title: "",
              key: "detail",
              render: (_: unknown, a) => (
                <span>
                  {a.detail}
                  {a.reference && (
                    <Typography.Text
                      type="secondary"
                      style={{ fontSize: 12, marginInlineStart: 8 }}
                    >
                      {t("reference", { ref: a.reference })}
                    </Typography.Text>
                  )}
                </span>
              ),
            },
          ]}
        />
      </div>
      <div data-testid="firing-facts">
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2, xl: 3 }}
          title={<span style={{ fontSize: 14 }}>{t("facts")}</span>}
          items={facts.map(([name, v]) => ({
            key: name,
            label: factLabel(byName.get(name), name, language),
            children: show(name, v),
          }))}
        />
      </div>
    </div>
  );
}
