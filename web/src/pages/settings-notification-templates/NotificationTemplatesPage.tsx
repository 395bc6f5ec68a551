// 通知模板: every event the notification service sends messages for, grouped by audience
// and category, each with its template per channel (the tenant's own text or the shipped
// default). Managers edit them; agents view and preview.
import { Alert, Card, Col, Empty, Menu, Row, Space, Spin, Tabs, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, client, type Schemas } from "../../api/client";
import { labelOf, notificationCategories, notificationChannels } from "../../components/labels";
import { useRemote } from "../../components/remote";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { errorText, hasRole } from "../settings-teams/data";
import { messages } from "./messages";
import { TemplateEditor } from "./TemplateEditor";

export type TemplateEvent = Schemas["qingquan.notification.v1.TemplateEvent"];
export type Template = Schemas["qingquan.notification.v1.Template"];

const AUDIENCES = ["customer", "staff"];
const CATEGORIES = Object.keys(notificationCategories);

function order(list: string[], value: string | undefined): number {
  const i = list.indexOf(value ?? "");
  return i < 0 ? list.length : i;
}

export default function NotificationTemplatesPage() {
  const t = useT(messages);
  const language = useLanguage();
  const remote = useRemote("notification-templates", () =>
    api(() => client.GET("/v1/notification-templates")),
  );
  // Templates saved or reset here, over what was loaded: "event/channel" → template.
  const [changed, setChanged] = useState<Record<string, Template>>({});
  const [params, setParams] = useSearchParams();
  const canEdit = hasRole(["manager", "admin"]);
  const signature = remote.data?.smsSignature ?? "";

  const events = useMemo(
    () =>
      (remote.data?.events ?? []).map((e) => ({
        ...e,
        templates: (e.templates ?? []).map((tpl) => changed[`${e.event}/${tpl.channel}`] ?? tpl),
      })),
    [remote.data, changed],
  );
  const selected = events.find((e) => e.event === params.get("event")) ?? events[0];

  // Audience, then category (known ones in their order), then as the server lists them.
  const groups = useMemo(() => {
    const byKey = new Map<
      string,
      { audience: string; category: string; events: TemplateEvent[] }
    >();
    for (const e of events) {
      const key = `${e.audience}/${e.category}`;
      if (!byKey.has(key)) {
        byKey.set(key, { audience: e.audience ?? "", category: e.category ?? "", events: [] });
      }
      byKey.get(key)!.events.push(e);
    }
    return [...byKey.values()].sort(
      (a, b) =>
        order(AUDIENCES, a.audience) - order(AUDIENCES, b.audience) ||
        order(CATEGORIES, a.category) - order(CATEGORIES, b.category),
    );
  }, [events]);

  const audienceLabel = (a: string) => (a === "customer" || a === "staff" ? t(`audience_${a}`) : a);

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
      }
      styles={{ body: { paddingTop: 12 } }}
    >
      {remote.loading && !remote.data && <Spin style={{ margin: 24 }} />}
      {!!remote.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("loadFailed", { message: errorText(remote.error) })}
        />
      )}
      <Typography.Paragraph type="secondary" style={{ maxWidth: 960 }}>
        {t("intro", { signature: signature || "【…】" })}
      </Typography.Paragraph>
      {!canEdit && (
        <Alert type="info" showIcon title={t("readOnly")} style={{ marginBottom: 12 }} />
      )}
      {remote.data && events.length === 0 && <Empty description={t("noEvents")} />}
      {selected && (
        <Row gutter={16} wrap={false}>
          <Col flex="260px">
            <Menu
              mode="inline"
              selectedKeys={[selected.event ?? ""]}
              onClick={({ key }) => setParams({ event: key }, { replace: true })}
              style={{ borderInlineEnd: "none" }}
              data-testid="template-events"
              items={groups.map((g) => ({
                type: "group" as const,
                key: `${g.audience}/${g.category}`,
                label: `${audienceLabel(g.audience)} · ${labelOf(
                  notificationCategories,
                  g.category,
                  language,
                )}`,
                children: g.events.map((e) => ({
                  key: e.event ?? "",
                  label: (
                    <span
                      data-testid={`template-event-${e.event}`}
                      style={{ display: "flex", alignItems: "center", gap: 6 }}
                    >
                      <span style={{ flex: 1, overflow: "hidden", textOverflow: "ellipsis" }}>
                        {e.label || e.event}
                      </span>
                      {(e.templates ?? []).some((tpl) => !tpl.isDefault) && (
                        <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                          {t("modified")}
                        </Tag>
                      )}
                      {(e.templates ?? []).every((tpl) => !tpl.enabled) && (
                        <Tag style={{ marginInlineEnd: 0 }}>{t("disabled")}</Tag>
                      )}
                    </span>
                  ),
                })),
              }))}
            />
          </Col>
          <Col flex="auto" style={{ minWidth: 0 }}>
            <Space size={8} style={{ marginBottom: 4 }}>
              <Typography.Title level={5} style={{ margin: 0 }} data-testid="template-title">
                {selected.label}
              </Typography.Title>
              <Typography.Text type="secondary" code>
                {selected.event}
              </Typography.Text>
              <Tag variant="filled">{audienceLabel(selected.audience ?? "")}</Tag>
              <Tag variant="filled">
                {labelOf(notificationCategories, selected.category, language)}
              </Tag>
            </Space>
            <Tabs
              key={selected.event}
              items={(selected.templates ?? []).map((tpl) => ({
                key: tpl.channel ?? "",
                label: (
                  <span data-testid={`template-tab-${tpl.channel}`}>
                    {labelOf(notificationChannels, tpl.channel, language)}
                    {!tpl.enabled && (
                      <Typography.Text type="secondary"> · {t("disabled")}</Typography.Text>
                    )}
                    {!tpl.isDefault && (
                      <Typography.Text type="success"> · {t("modified")}</Typography.Text>
                    )}
                  </span>
                ),
                children: (
                  <TemplateEditor
                    key={`${selected.event}/${tpl.channel}`}
                    event={selected}
                    template={tpl}
                    signature={signature}
                    canEdit={canEdit}
                    onSaved={(saved) =>
                      setChanged((c) => ({ ...c, [`${selected.event}/${tpl.channel}`]: saved }))
                    }
                  />
                ),
              }))}
            />
          </Col>
        </Row>
      )}
    </Card>
  );
}
