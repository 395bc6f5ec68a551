// The 360 view's 消息 card: whether the customer takes SMS and WeChat notifications (an
// agent switches them when the caller asks), and the messages sent to them.
import { App as AntApp, Alert, Card, Space, Switch, Typography } from "antd";
import { useState } from "react";
import { api, client, type Schemas } from "../../api/client";
import { hasRole } from "../settings-teams/data";
import { labelOf, notificationChannels } from "../../components/labels";
import { MessageList } from "../../components/notifications/MessageList";
import { useRemote } from "../../components/remote";
import { formatTime } from "../../components/time";
import { whoSaved } from "../../components/who";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";

type Preferences = Schemas["qingquan.notification.v1.CustomerPreferences"];
type Channel = Schemas["qingquan.notification.v1.Channel"];

const CUSTOMER_CHANNELS: Channel[] = ["SMS", "WECHAT"];
// Who may see the list and who the preferences (the services check again).
const MESSAGE_ROLES = ["agent", "dispatcher", "leader", "manager", "admin"] as const;
const PREFERENCE_ROLES = ["agent", "manager", "admin"] as const;

export function CustomerMessages({ customerId }: { customerId: string }) {
  const t = useT(messages);
  if (!hasRole(MESSAGE_ROLES)) return null;
  return (
    <Card
      size="small"
      title={
        <Space size={8}>
          {t("messages")}
          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: "normal" }}>
            {t("messagesHelp")}
          </Typography.Text>
        </Space>
      }
      data-testid="customer-messages"
    >
      {hasRole(PREFERENCE_ROLES) && <PreferenceSwitches customerId={customerId} />}
      <MessageList filter={{ customerId }} testId="customer-message-list" />
    </Card>
  );
}

function PreferenceSwitches({ customerId }: { customerId: string }) {
  const t = useT(messages);
  const language = useLanguage();
  const { message } = AntApp.useApp();
  const remote = useRemote(`prefs:${customerId}`, () =>
    api(() =>
      client.GET("/v1/customers/{customerId}/notification-preferences", {
        params: { path: { customerId } },
      }),
    ),
  );
  const [saved, setSaved] = useState<Preferences | null>(null);
  const [saving, setSaving] = useState<Channel | null>(null);
  const prefs = saved ?? remote.data;

  if (remote.error) {
    return (
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 8 }}
        title={t("prefLoadFailed", {
          message: remote.error instanceof Error ? remote.error.message : String(remote.error),
        })}
      />
    );
  }

  const change = async (channel: Channel, receive: boolean) => {
    setSaving(channel);
    try {
      const answer = await api(() =>
        client.PUT("/v1/customers/{preferences.customerId}/notification-preferences", {
          params: { path: { "preferences.customerId": customerId } },
          body: { customerId, channels: [{ channel, optedOut: !receive }] },
        }),
      );
      setSaved(answer);
      message.success(
        t("prefSaved", {
          channel: labelOf(notificationChannels, channel, language),
          state: receive ? t("prefReceive") : t("prefOptedOut"),
        }),
      );
    } catch (err) {
      message.error(t("prefFailed", { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setSaving(null);
    }
  };

  return (
    <Space size={24} wrap style={{ marginBottom: 8 }} data-testid="customer-preferences">
      <Typography.Text type="secondary">{t("preferences")}</Typography.Text>
      {CUSTOMER_CHANNELS.map((channel) => {
        const pref = prefs?.channels?.find((c) => c.channel === channel);
        const who = whoSaved(pref?.updatedBy);
        const source = pref?.source ?? "";
        const reply = /^sms-reply\s*(.*)$/.exec(source);
        const changed = pref?.updateTime
          ? reply
            ? t("prefChangedSource", {
                who: who.text,
                time: formatTime(pref.updateTime),
                source: t("prefSourceSmsReply", { text: reply[1] }),
              })
            : t("prefChanged", { who: who.text, time: formatTime(pref.updateTime) })
          : "";
        return (
          <Space key={channel} size={6} data-testid={`pref-${channel}`}>
            <span>{labelOf(notificationChannels, channel, language)}</span>
            <Switch
              size="small"
              checked={!!prefs && !pref?.optedOut}
              disabled={!prefs}
              loading={saving === channel}
              checkedChildren={t("prefReceive")}
              unCheckedChildren={t("prefOptedOut")}
              onChange={(on) => change(channel, on)}
              data-testid={`pref-switch-${channel}`}
            />
            {changed && (
              <Typography.Text
                type="secondary"
                style={{ fontSize: 12 }}
                data-testid={`pref-changed-${channel}`}
              >
                {changed}
              </Typography.Text>
            )}
          </Space>
        );
      })}
    </Space>
  );
}
