// The structured condition editor: groups (全部满足 / 任一满足 / 不满足) nest groups and
// leaves; a leaf picks a fact of the rule's subject (by its Chinese label), its key when it
// takes one (the product of a ticket balance), an operator the fact allows and a value
// input that fits the fact's type and the operator. The server's error on a node is shown
// on that node.
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Input, InputNumber, Select, Space, Switch, Tooltip, Typography } from "antd";
import type { ReactNode } from "react";
import { enumValueLabel, factLabel, type Fact } from "../../components/rules/catalog";
import { opLabel } from "../../components/rules/Evaluation";
import { messages as ruleMessages } from "../../components/rules/messages";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import {
  defaultOp,
  defaultValue,
  emptyGroup,
  LIST_OPS,
  newLeaf,
  update,
  VALUELESS,
  type CondNode,
  type GroupNode,
  type GroupOp,
  type LeafNode,
} from "./condition";
import { messages } from "./messages";

const MAX_DEPTH = 8;

export interface NodeError {
  id: number;
  /** What in the node: "value", "field", "op", "key", or "" for the node itself. */
  rest: string;
  message: string;
}

interface Props {
  value: CondNode;
  onChange: (root: CondNode) => void;
  facts: Fact[];
  factsByName: Map<string, Fact>;
  disabled?: boolean;
  error?: NodeError | null;
}

export function ConditionEditor(props: Props) {
  return (
    <div data-testid="condition-editor">
      <NodeView {...props} node={props.value} depth={1} root />
    </div>
  );
}

function NodeView(props: Props & { node: CondNode; depth: number; root?: boolean }) {
  return props.node.kind === "group" ? (
    <GroupView {...props} node={props.node} />
  ) : (
    <LeafView {...props} node={props.node} />
  );
}

function ErrorLine({ error, id }: { error?: NodeError | null; id: number }) {
  if (!error || error.id !== id) return null;
  return (
    <div>
      <Typography.Text type="danger" data-testid="condition-error">
        {error.message}
      </Typography.Text>
    </div>
  );
}

function GroupView(props: Props & { node: GroupNode; depth: number; root?: boolean }) {
  const t = useT(messages);
  const { node, value: root, onChange, facts, disabled, depth } = props;
  const change = (f: (n: CondNode) => CondNode | null) => {
    const next = update(root, node.id, f);
    onChange(next ?? emptyGroup());
  };
  const setOp = (op: GroupOp) => change((n) => ({ ...(n as GroupNode), op }));
  const addLeaf = () =>
    change((n) => ({
      ...(n as GroupNode),
      children: [...(n as GroupNode).children, newLeaf(facts[0])],
    }));
  const addGroup = () =>
    change((n) => {
      const g = emptyGroup("any");
      g.children.push(newLeaf(facts[0]));
      return { ...(n as GroupNode), children: [...(n as GroupNode).children, g] };
    });
  const colour = node.op === "not" ? "#ff7875" : node.op === "any" ? "#faad14" : "#1677ff";
  return (
    <div
      data-testid="cond-group"
      data-op={node.op}
      style={{
        borderInlineStart: `3px solid ${colour}`,
        background: props.root ? undefined : "rgba(0,0,0,0.02)",
        padding: "6px 0 6px 10px",
        borderRadius: 4,
      }}
    >
      <Space size={8} wrap>
        <Select<GroupOp>
          value={node.op}
          onChange={setOp}
          disabled={disabled}
          style={{ width: 150 }}
          data-testid="cond-group-op"
          options={[
            { value: "all", label: t("groupAll") },
            { value: "any", label: t("groupAny") },
            { value: "not", label: t("groupNot") },
          ]}
        />
        <Typography.Text type="secondary">{t(`groupHint_${node.op}`)}</Typography.Text>
        {!disabled && (
          <>
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={addLeaf}
              data-testid="cond-add-leaf"
            >
              {t("addLeaf")}
            </Button>
            {depth < MAX_DEPTH - 1 && (
              <Button
                size="small"
                icon={<PlusOutlined />}
                onClick={addGroup}
                data-testid="cond-add-group"
              >
                {t("addGroup")}
              </Button>
            )}
            {!props.root && (
              <Tooltip title={t("removeGroup")}>
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  onClick={() => change(() => null)}
                  data-testid="cond-remove"
                  aria-label={t("removeGroup")}
                />
              </Tooltip>
            )}
          </>
        )}
      </Space>
      <ErrorLine error={props.error} id={node.id} />
      <div style={{ display: "grid", gap: 6, marginTop: node.children.length ? 6 : 0 }}>
        {node.children.length === 0 && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {props.root ? t("emptyRoot") : t("emptyGroup")}
          </Typography.Text>
        )}
        {node.children.map((c) => (
          <NodeView key={c.id} {...props} node={c} depth={depth + 1} root={false} />
        ))}
      </div>
    </div>
  );
}

function LeafView(props: Props & { node: LeafNode; depth: number }) {
  const t = useT(messages);
  const rt = useT(ruleMessages);
  const language = useLanguage();
  const { node, value: root, onChange, facts, factsByName, disabled, error } = props;
  const fact = factsByName.get(node.field);
  const mine = error && error.id === node.id ? error : null;
  const status = (part: string): "error" | undefined =>
    mine && (mine.rest === part || mine.rest.startsWith(part + "[")) ? "error" : undefined;
  const change = (patch: Partial<LeafNode>) =>
    onChange(update(root, node.id, (n) => ({ ...(n as LeafNode), ...patch })) ?? emptyGroup());

  // The facts by subject, the customer's first; an unknown saved fact still shows.
  const bySubject = new Map<string, Fact[]>();
  for (const f of facts) {
    if (!bySubject.has(f.subject)) bySubject.set(f.subject, []);
    bySubject.get(f.subject)!.push(f);
  }
  const factOptions = [...bySubject.entries()].map(([subject, list]) => ({
    label: rt(`subject_${subject}` as "subject_customer") || subject,
    title: subject,
    options: list.map((f) => ({
      value: f.name,
      label: factLabel(f, f.name, language),
      title: f.description,
    })),
  }));
  if (node.field && !fact)
    factOptions.push({
      label: "?",
      title: "?",
      options: [{ value: node.field, label: node.field, title: "" }],
    });

  const pickFact = (name: string) => {
    const f = factsByName.get(name);
    const op = f?.operators.includes(node.op) ? node.op : defaultOp(f);
    const sameType = f && fact && f.type === fact.type;
    change({
      field: name,
      op,
      key: f?.takes_key ? node.key : "",
      value: sameType && op === node.op ? node.value : defaultValue(f, op),
    });
  };
  const pickOp = (op: string) => {
    const wasList = LIST_OPS.has(node.op);
    const isList = LIST_OPS.has(op);
    const keep = !VALUELESS.has(op) && !VALUELESS.has(node.op) && wasList === isList;
    change({ op, value: keep ? node.value : defaultValue(fact, op) });
  };

  return (
    <div data-testid="cond-leaf" data-field={node.field}>
      <Space size={6} wrap align="start">
        <Select
          showSearch={{ optionFilterProp: "label" }}
          value={node.field || undefined}
          placeholder={t("pickFact")}
          onChange={pickFact}
          disabled={disabled}
          status={status("field")}
          style={{ width: 190 }}
          options={factOptions}
          data-testid="cond-field"
        />
        {(fact?.takes_key || (!fact && node.key)) && (
          <Tooltip title={fact?.key_description}>
            <Input
              value={node.key}
              onChange={(e) => change({ key: e.target.value })}
              placeholder={t("keyPlaceholder")}
              disabled={disabled}
              status={status("key")}
              style={{ width: 110 }}
              data-testid="cond-key"
            />
          </Tooltip>
        )}
        <Select
          value={node.op}
          onChange={pickOp}
          disabled={disabled}
          status={status("op")}
          style={{ width: 120 }}
          options={(fact?.operators ?? [node.op]).map((op) => ({
            value: op,
            label: opLabel(op, rt),
          }))}
          data-testid="cond-op"
        />
        <ValueInput
          fact={fact}
          op={node.op}
          value={node.value}
          onChange={(value) => change({ value })}
          disabled={disabled}
          status={status("value")}
        />
        {!disabled && (
          <Tooltip title={t("removeLeaf")}>
            <Button
              type="text"
              danger
              icon={<DeleteOutlined />}
              onClick={() => onChange(update(root, node.id, () => null) ?? emptyGroup())}
              data-testid="cond-remove"
              aria-label={t("removeLeaf")}
            />
          </Tooltip>
        )}
      </Space>
      <ErrorLine error={error} id={node.id} />
    </div>
  );
}

function ValueInput({
  fact,
  op,
  value,
  onChange,
  disabled,
  status,
}: {
  fact: Fact | undefined;
  op: string;
  value: unknown;
  onChange: (v: unknown) => void;
  disabled?: boolean;
  status?: "error";
}): ReactNode {
  const t = useT(messages);
  const language = useLanguage();
  if (VALUELESS.has(op)) return null;
  const common = { disabled, status, "data-testid": "cond-value" };
  const type = fact?.type;
  if (type === "bool") {
    return (
      <Switch
        checked={value === true}
        onChange={(v) => onChange(v)}
        disabled={disabled}
        checkedChildren={t("yes")}
        unCheckedChildren={t("no")}
        style={{ marginTop: 5 }}
        data-testid="cond-value"
      />
    );
  }
  const list = Array.isArray(value) ? value.map(String) : [];
  if (type === "enum") {
    const options = (fact?.enum_values ?? []).map((v) => ({
      value: v,
      label: enumValueLabel(fact?.name ?? "", v, language),
    }));
    return LIST_OPS.has(op) ? (
      <Select
        {...common}
        mode="multiple"
        value={list}
        onChange={onChange}
        options={options}
        style={{ minWidth: 200 }}
        placeholder={t("pickValues")}
      />
    ) : (
      <Select
        {...common}
        value={typeof value === "string" && value ? value : undefined}
        onChange={onChange}
        options={options}
        style={{ width: 160 }}
        placeholder={t("pickValue")}
      />
    );
  }
  if (LIST_OPS.has(op)) {
    return (
      <Select
        {...common}
        mode="tags"
        value={list}
        onChange={onChange}
        open={false}
        suffixIcon={null}
        tokenSeparators={[",", "，", " "]}
        style={{ minWidth: 200 }}
        placeholder={t("typeValues")}
      />
    );
  }
  if (type === "int") {
    return (
      <InputNumber
        {...common}
        value={
          typeof value === "number"
            ? value
            : value === null || value === undefined
              ? null
              : Number(value)
        }
        onChange={(v) => onChange(v)}
        precision={0}
        style={{ width: 120 }}
        placeholder={t("number")}
      />
    );
  }
  return (
    <Input
      {...common}
      value={
        typeof value === "string"
          ? value
          : value === undefined || value === null
            ? ""
            : String(value)
      }
      onChange={(e) => onChange(e.target.value)}
      style={{ width: 180 }}
      placeholder={t("text")}
    />
  );
}
