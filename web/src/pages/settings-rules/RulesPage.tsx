// 规则: the tenant's automatic rules — what runs them, whether they are on, their version,
// when a scheduled one runs next and who changed it last. Managers create and change them
// (from a template or by hand), pause and resume them, run a scheduled one now and dry-run
// any; agents read them and their firing log.
import { PlusOutlined } from "@ant-design/icons";
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  Drawer,
  Modal,
  Popconfirm,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from "antd";
import { useMemo, useState, type HTMLAttributes } from "react";
import { useSearchParams } from "react-router-dom";
import { api, client, type Schemas } from "../../api/client";
import { serverErrorText } from "../../api/serverError";
import { triggerText, useRuleCatalog } from "../../components/rules/catalog";
import { DryRunResult, type DryRun } from "../../components/rules/DryRunResult";
import { FiringList } from "../../components/rules/FiringList";
import { messages as ruleMessages } from "../../components/rules/messages";
import { useRemote } from "../../components/remote";
import { formatTime } from "../../components/time";
import { whoSaved } from "../../components/who";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { hasRole } from "../settings-teams/data";
import { messages } from "./messages";
import { RuleEditor, type Rule } from "./RuleEditor";

type RunResult = Schemas["qingquan.notification.v1.RunRuleResponse"];
type Definition = { trigger?: { event?: string; schedule?: string } };

export default function RulesPage() {
  const t = useT(messages);
  const rt = useT(ruleMessages);
  const language = useLanguage();
  const { message, modal } = AntApp.useApp();
  const canEdit = hasRole(["manager", "admin"]);
  const catalog = useRuleCatalog();
  const remote = useRemote("rules", () => api(() => client.GET("/v1/rules")));
  // Rules changed here, over what was loaded (id → rule).
  const [changed, setChanged] = useState<Record<string, Rule>>({});
  const [editing, setEditing] = useState<Rule | null | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);
  const [dryRun, setDryRun] = useState<{ rule: Rule; result?: DryRun; error?: string } | null>(
    null,
  );
  const [params, setParams] = useSearchParams();
  const firingsFor = params.get("firings");

  const rules = useMemo(() => {
    const list = (remote.data?.rules ?? []).map((r) => changed[r.id ?? ""] ?? r);
    const known = new Set(list.map((r) => r.id));
    for (const r of Object.values(changed)) if (!known.has(r.id)) list.push(r);
    // The last changed first.
    return list.sort((a, b) => (b.updateTime ?? "").localeCompare(a.updateTime ?? ""));
  }, [remote.data, changed]);
  const templates = new Map((catalog.data?.templates ?? []).map((x) => [x.id, x]));
  const firingRule = rules.find((r) => r.id === firingsFor);

  const keep = (r: Rule) => setChanged((c) => ({ ...c, [r.id ?? ""]: r }));

  const pause = async (r: Rule, paused: boolean) => {
    setBusy(r.id ?? "");
    try {
      const path = { path: { id: r.id! } };
      const answer = paused
        ? await api(() => client.POST("/v1/rules/{id}:pause", { params: path, body: {} }))
        : await api(() => client.POST("/v1/rules/{id}:resume", { params: path, body: {} }));
      keep(answer);
      message.success(paused ? t("pausedDone") : t("resumedDone"));
    } catch (err) {
      message.error(t("actionFailed", { message: serverErrorText(err) }));
    } finally {
      setBusy(null);
    }
  };

  const runNow = async (r: Rule) => {
    setBusy(r.id ?? "");
    try {
      const res: RunResult = await api(() =>
        client.POST("/v1/rules/{id}:run", { params: { path: { id: r.id! } }, body: {} }),
      );
      modal.success({
        title: t("runDone", { name: r.name ?? "" }),
        content: (
          <span data-testid="run-result">
            {t("runResult", {
              evaluated: res.evaluated ?? 0,
              matched: res.matched ?? 0,
              fired: res.fired ?? 0,
            })}
          </span>
        ),
      });
    } catch (err) {
      message.error(t("actionFailed", { message: serverErrorText(err) }));
    } finally {
      setBusy(null);
    }
  };

  const openDryRun = async (r: Rule) => {
    setDryRun({ rule: r });
    try {
      const result = await api(() =>
        client.POST("/v1/rules:dryRun", { body: { id: r.id, sampleSize: 20 } }),
      );
      setDryRun((d) => (d?.rule.id === r.id ? { rule: r, result } : d));
    } catch (err) {
      setDryRun((d) => (d?.rule.id === r.id ? { rule: r, error: serverErrorText(err) } : d));
    }
  };

  const columns = [
    {
      title: t("colName"),
      key: "name",
      render: (_: unknown, r: Rule) => (
        <div>
          <Typography.Text strong data-testid="rule-name-cell">
            {r.name}
          </Typography.Text>
          <div>
            {r.templateId ? (
              <Tag variant="filled" color="blue" style={{ marginTop: 2 }}>
                {t("templateTag", { name: templates.get(r.templateId)?.name_zh ?? r.templateId })}
              </Tag>
            ) : (
              <Tag variant="filled" color="purple" style={{ marginTop: 2 }}>
                {t("custom")}
              </Tag>
            )}
          </div>
        </div>
      ),
    },
    {
      title: t("colTrigger"),
      key: "trigger",
      width: 150,
      render: (_: unknown, r: Rule) => (
        <span data-testid="rule-trigger">
          {triggerText((r.definition as Definition | undefined)?.trigger, rt, language)}
        </span>
      ),
    },
    {
      title: t("colStatus"),
      key: "status",
      width: 90,
      render: (_: unknown, r: Rule) =>
        r.paused ? (
          <Tag data-testid="rule-status">{t("paused")}</Tag>
        ) : (
          <Tag color="green" data-testid="rule-status">
            {t("active")}
          </Tag>
        ),
    },
    {
      title: t("colVersion"),
      dataIndex: "version",
      width: 70,
      render: (v: number) => <span data-testid="rule-version">v{v ?? 1}</span>,
    },
    {
      title: t("colNext"),
      key: "next",
      width: 140,
      render: (_: unknown, r: Rule) =>
        r.paused || !r.nextFireTime ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          formatTime(r.nextFireTime)
        ),
    },
    {
      title: t("colChanged"),
      key: "changed",
      width: 170,
      render: (_: unknown, r: Rule) => {
        const who = whoSaved(r.updatedBy);
        return (
          <div title={who.title}>
            <div>{formatTime(r.updateTime)}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {who.text}
            </Typography.Text>
          </div>
        );
      },
    },
    {
      title: t("colActions"),
      key: "actions",
      width: 330,
      render: (_: unknown, r: Rule) => {
        const scheduled = !!(r.definition as Definition | undefined)?.trigger?.schedule;
        return (
          <Space size={0} wrap>
            <Button type="link" size="small" onClick={() => setEditing(r)} data-testid="rule-edit">
              {canEdit ? t("edit") : t("view")}
            </Button>
            {canEdit &&
              (r.paused ? (
                <Button
                  type="link"
                  size="small"
                  loading={busy === r.id}
                  onClick={() => pause(r, false)}
                  data-testid="rule-resume"
                >
                  {t("resume")}
                </Button>
              ) : (
                <Button
                  type="link"
                  size="small"
                  loading={busy === r.id}
                  onClick={() => pause(r, true)}
                  data-testid="rule-pause"
                >
                  {t("pause")}
                </Button>
              ))}
            {canEdit && scheduled && (
              <Popconfirm
                title={t("runConfirm")}
                okText={t("ok")}
                cancelText={t("cancel")}
                onConfirm={() => runNow(r)}
              >
                <Button type="link" size="small" data-testid="rule-run">
                  {t("runNow")}
                </Button>
              </Popconfirm>
            )}
            {canEdit && (
              <Button
                type="link"
                size="small"
                onClick={() => openDryRun(r)}
                data-testid="rule-row-dry-run"
              >
                {t("dryRun")}
              </Button>
            )}
            <Button
              type="link"
              size="small"
              onClick={() => setParams({ firings: r.id ?? "" })}
              data-testid="rule-firings"
            >
              {t("firings")}
            </Button>
          </Space>
        );
      },
    },
  ];

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
      }
      extra={
        canEdit && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing(null)}
            disabled={!catalog.data}
            data-testid="rule-new"
          >
            {t("newRule")}
          </Button>
        )
      }
      styles={{ body: { paddingTop: 12 } }}
    >
      <Typography.Paragraph type="secondary" style={{ maxWidth: 960 }}>
        {t("intro")}
      </Typography.Paragraph>
      {!canEdit && (
        <Alert type="info" showIcon title={t("readOnly")} style={{ marginBottom: 12 }} />
      )}
      {!!(remote.error || catalog.error) && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("loadFailed", { message: serverErrorText(remote.error || catalog.error) })}
        />
      )}
      <Table<Rule>
        rowKey="id"
        size="middle"
        loading={remote.loading && !remote.data}
        dataSource={rules}
        columns={columns}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: t("noRules") }}
        data-testid="rules-table"
        onRow={(r) =>
          ({
            "data-testid": "rule-row",
            "data-rule-id": r.id,
          }) as HTMLAttributes<HTMLElement>
        }
      />

      <RuleEditor
        open={editing !== undefined}
        rule={editing ?? null}
        catalog={catalog.data}
        canEdit={canEdit}
        onClose={() => setEditing(undefined)}
        onSaved={(r) => {
          keep(r);
          setEditing(undefined);
        }}
      />

      <Modal
        open={!!dryRun}
        onCancel={() => setDryRun(null)}
        footer={null}
        width={900}
        destroyOnHidden
        title={t("dryRunTitle", { name: dryRun?.rule.name ?? "" })}
      >
        {dryRun && !dryRun.result && !dryRun.error && <Spin style={{ margin: 24 }} />}
        {dryRun?.error && <Alert type="error" showIcon title={dryRun.error} />}
        {dryRun?.result && <DryRunResult result={dryRun.result} catalog={catalog.data} />}
      </Modal>

      <Drawer
        open={!!firingsFor}
        onClose={() => setParams({})}
        size={1000}
        destroyOnHidden
        title={t("firingsTitle", { name: firingRule?.name ?? "" })}
        data-testid="rule-firings-drawer"
      >
        {firingsFor && (
          <FiringList filter={{ ruleId: firingsFor }} testId="rule-firing-list" showRule={false} />
        )}
      </Drawer>
    </Card>
  );
}
