// A condition's outcome leaf by leaf (a firing's, or a dry run's for one subject): each
// leaf with what it expected, what the subject had, and whether it held.
import { Table, Tag, Typography } from "antd";
import type { HTMLAttributes } from "react";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { factLabel, valueText, type Catalog, type Evaluation, type Leaf } from "./catalog";
import { messages } from "./messages";

type T = ReturnType<typeof useT<(typeof messages)["zh"]>>;

/** An operator in words ("小于等于"), or as the server names it when the console does not know it. */
export function opLabel(op: string, t: T): string {
  const key = `op_${op}`;
  return key in messages.zh ? t(key as keyof (typeof messages)["zh"]) : op;
}

export const NO_VALUE_OPS = new Set(["is_set", "is_not_set", "is_empty", "is_not_empty"]);

export function LeavesTable({
  evaluation,
  catalog,
  testId = "evaluation-leaves",
}: {
  evaluation: Evaluation | undefined;
  catalog: Catalog | undefined;
  testId?: string;
}) {
  const t = useT(messages);
  const language = useLanguage();
  const facts = new Map((catalog?.facts ?? []).map((f) => [f.name, f]));
  const show = (leaf: Leaf, v: unknown) =>
    valueText(leaf.field ?? "", v, language, t("unset"), [t("yes"), t("no")], t("emptyList"));
  const leaves = (evaluation?.leaves ?? []).map((l, i) => ({ ...l, index: i }));
  return (
    <Table<Leaf & { index: number }>
      size="small"
      rowKey="index"
      pagination={false}
      dataSource={leaves}
      data-testid={testId}
      onRow={(l) =>
        ({
          "data-testid": `${testId}-row`,
          "data-outcome": String(!!l.outcome),
        }) as HTMLAttributes<HTMLElement>
      }
      columns={[
        {
          title: t("leafCondition"),
          key: "condition",
          render: (_: unknown, l) => (
            <span>
              {factLabel(facts.get(l.field ?? ""), l.field ?? "", language)}
              {l.key ? `[${l.key}]` : ""}{" "}
              <Typography.Text type="secondary">{opLabel(l.op ?? "", t)}</Typography.Text>
              {l.path && (
                <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>
                  <code>{l.path}</code>
                </Typography.Text>
              )}
            </span>
          ),
        },
        {
          title: t("leafExpected"),
          key: "expected",
          width: 140,
          render: (_: unknown, l) => (NO_VALUE_OPS.has(l.op ?? "") ? "—" : show(l, l.expected)),
        },
        {
          title: t("leafActual"),
          key: "actual",
          width: 140,
          render: (_: unknown, l) => show(l, l.actual),
        },
        {
          title: t("leafOutcome"),
          key: "outcome",
          width: 90,
          render: (_: unknown, l) => (
            <Tag color={l.outcome ? "green" : "red"}>
              {l.outcome ? t("outcomeTrue") : t("outcomeFalse")}
            </Tag>
          ),
        },
      ]}
    />
  );
}
