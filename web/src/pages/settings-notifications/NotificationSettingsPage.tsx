// 通知设置: the tenant's rules for every message to customers — quiet hours, the urgent
// categories that pass them, daily caps per channel, the SMS signature and the time zone
// of the tenant's day — as one form, each server error next to its field.
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Spin,
  Switch,
  TimePicker,
  Typography,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useState } from "react";
import { api, client, type Schemas } from "../../api/client";
import { putServerError, serverErrorText } from "../../api/serverError";
import { labelOf, notificationCategories, notificationChannels } from "../../components/labels";
import { useRemote } from "../../components/remote";
import { countChars } from "../../components/text";
import { formatTime } from "../../components/time";
import { whoSaved } from "../../components/who";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { hasRole } from "../settings-teams/data";
import { messages } from "./messages";

type Settings = Schemas["qingquan.notification.v1.NotificationSettings"];
type Channel = Schemas["qingquan.notification.v1.Channel"];

/** The caps in the form, in this order: dailyCaps[i] of an error is CAP_CHANNELS[i]. */
const CAP_CHANNELS: Channel[] = ["SMS", "WECHAT"];
const TIME_ZONES: { zone: string; offset: string }[] = [
  { zone: "Asia/Shanghai", offset: "UTC+8" },
  { zone: "Asia/Urumqi", offset: "UTC+6" },
  { zone: "Asia/Hong_Kong", offset: "UTC+8" },
  { zone: "Asia/Macau", offset: "UTC+8" },
  { zone: "Asia/Taipei", offset: "UTC+8" },
  { zone: "Asia/Singapore", offset: "UTC+8" },
  { zone: "Asia/Tokyo", offset: "UTC+9" },
  { zone: "UTC", offset: "UTC+0" },
];
const FORMAT = "HH:mm";

interface FormValues {
  quietHours: { enabled: boolean; start: Dayjs | null; end: Dayjs | null };
  urgentCategories: string[];
  dailyCaps: { maxPerDay: number | null }[];
  smsSignature: string;
  timeZone: string;
}

function clock(hhmm: string | undefined, fallback: string): Dayjs {
  const [h, m] = (hhmm || fallback).split(":").map(Number);
  return dayjs()
    .hour(h || 0)
    .minute(m || 0)
    .second(0)
    .millisecond(0);
}

function toForm(s: Settings | undefined): FormValues {
  return {
    quietHours: {
      enabled: !!s?.quietHours?.enabled,
      start: clock(s?.quietHours?.start, "21:00"),
      end: clock(s?.quietHours?.end, "08:00"),
    },
    urgentCategories: [...(s?.urgentCategories ?? [])],
    dailyCaps: CAP_CHANNELS.map((channel) => ({
      maxPerDay: s?.dailyCaps?.find((c) => c.channel === channel)?.maxPerDay ?? 0,
    })),
    smsSignature: s?.smsSignature ?? "",
    timeZone: s?.timeZone || "Asia/Shanghai",
  };
}

function fromForm(v: FormValues): Settings {
  return {
    quietHours: {
      enabled: !!v.quietHours.enabled,
      start: v.quietHours.start?.format(FORMAT) ?? "",
      end: v.quietHours.end?.format(FORMAT) ?? "",
    },
    urgentCategories: v.urgentCategories ?? [],
    dailyCaps: CAP_CHANNELS.map((channel, i) => ({
      channel,
      maxPerDay: v.dailyCaps?.[i]?.maxPerDay ?? 0,
    })),
    smsSignature: (v.smsSignature ?? "").trim(),
    timeZone: v.timeZone,
  };
}

export default function NotificationSettingsPage() {
  const t = useT(messages);
  const language = useLanguage();
  const { message } = AntApp.useApp();
  const remote = useRemote("notification-settings", () =>
    api(() => client.GET("/v1/notification-settings")),
  );
  const canEdit = hasRole(["manager", "admin"]);
  const [form] = Form.useForm<FormValues>();
  const [saved, setSaved] = useState<Settings | undefined>(undefined);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const current = saved ?? remote.data;

  const quietEnabled = Form.useWatch(["quietHours", "enabled"], form);
  const quietStart = Form.useWatch(["quietHours", "start"], form) as Dayjs | null | undefined;
  const quietEnd = Form.useWatch(["quietHours", "end"], form) as Dayjs | null | undefined;
  const signature = (Form.useWatch("smsSignature", form) as string | undefined) ?? "";

  useEffect(() => {
    if (remote.data) form.setFieldsValue(toForm(remote.data));
  }, [remote.data, form]);

  const save = async (values: FormValues) => {
    setFormError(null);
    setSaving(true);
    try {
      const answer = await api(() =>
        client.PUT("/v1/notification-settings", { body: fromForm(values) }),
      );
      setSaved(answer);
      form.setFieldsValue(toForm(answer));
      message.success(t("saved"));
    } catch (err) {
      if (!putServerError(form, err, { prefixes: ["settings"] })) {
        setFormError(t("saveFailed", { message: serverErrorText(err) }));
      }
    } finally {
      setSaving(false);
    }
  };

  const categoryOptions = [
    ...new Set([...Object.keys(notificationCategories), ...(current?.urgentCategories ?? [])]),
  ].map((c) => ({ value: c, label: labelOf(notificationCategories, c, language) }));
  const zoneOptions = [
    ...TIME_ZONES,
    ...(current?.timeZone && !TIME_ZONES.some((z) => z.zone === current.timeZone)
      ? [{ zone: current.timeZone, offset: "" }]
      : []),
  ].map(({ zone, offset }) => {
    const key = `tz_${zone.replace(/\//g, "_")}` as keyof typeof messages.zh;
    const name = key in messages.zh ? t(key) : "";
    return {
      value: zone,
      label: [zone, name && `${name}${offset ? ` ${offset}` : ""}`].filter(Boolean).join(" · "),
    };
  });
  const spansMidnight =
    !!quietStart && !!quietEnd && quietEnd.format(FORMAT) <= quietStart.format(FORMAT);
  const who = whoSaved(current?.updatedBy);

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
      }
      styles={{ body: { paddingTop: 12, maxWidth: 880 } }}
    >
      {remote.loading && !current && <Spin style={{ margin: 24 }} />}
      {!!remote.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("loadFailed", { message: serverErrorText(remote.error) })}
        />
      )}
      <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
      {!canEdit && (
        <Alert type="info" showIcon title={t("readOnly")} style={{ marginBottom: 12 }} />
      )}
      {formError && (
        <Alert
          type="error"
          showIcon
          title={formError}
          style={{ marginBottom: 12 }}
          data-testid="notification-settings-error"
        />
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={toForm(undefined)}
        onFinish={save}
        disabled={!canEdit || !current}
        onValuesChange={() => setFormError(null)}
        data-testid="notification-settings-form"
      >
        <Form.Item
          label={t("quietHours")}
          extra={
            quietEnabled && quietStart && quietEnd
              ? t("quietSummary", {
                  start: quietStart.format(FORMAT),
                  end: quietEnd.format(FORMAT),
                  nextDay: spansMidnight ? t("nextDay") : "",
                })
              : t("quietDisabled")
          }
        >
          <Space size={12} wrap align="start">
            <Form.Item name={["quietHours", "enabled"]} valuePropName="checked" noStyle>
              <Switch
                checkedChildren={t("quietOn")}
                unCheckedChildren={t("quietOff")}
                data-testid="quiet-enabled"
              />
            </Form.Item>
            <Form.Item
              name={["quietHours", "start"]}
              rules={[{ required: true, message: t("quietRequired") }]}
              style={{ marginBottom: 0 }}
            >
              <TimePicker
                format={FORMAT}
                minuteStep={5}
                needConfirm={false}
                allowClear={false}
                prefix={t("quietStart")}
                disabled={!quietEnabled}
                data-testid="quiet-start"
              />
            </Form.Item>
            <Form.Item
              name={["quietHours", "end"]}
              dependencies={[["quietHours", "start"]]}
              rules={[
                { required: true, message: t("quietRequired") },
                ({ getFieldValue }) => ({
                  validator: (_, value: Dayjs | null) => {
                    const start = getFieldValue(["quietHours", "start"]) as Dayjs | null;
                    if (value && start && value.format(FORMAT) === start.format(FORMAT)) {
                      return Promise.reject(new Error(t("quietSame")));
                    }
                    return Promise.resolve();
                  },
                }),
              ]}
              style={{ marginBottom: 0 }}
            >
              <TimePicker
                format={FORMAT}
                minuteStep={5}
                needConfirm={false}
                allowClear={false}
                prefix={t("quietEnd")}
                disabled={!quietEnabled}
                data-testid="quiet-end"
              />
            </Form.Item>
          </Space>
        </Form.Item>

        <Form.Item name="urgentCategories" label={t("urgentCategories")} extra={t("urgentHelp")}>
          <Select
            mode="tags"
            options={categoryOptions}
            placeholder={t("urgentPlaceholder")}
            style={{ maxWidth: 480 }}
            data-testid="urgent-categories"
          />
        </Form.Item>

        <Form.Item label={t("dailyCaps")} extra={t("dailyCapsHelp")} style={{ marginBottom: 16 }}>
          <Space size={24} wrap align="start">
            {CAP_CHANNELS.map((channel, i) => (
              <Form.Item
                key={channel}
                name={["dailyCaps", i, "maxPerDay"]}
                style={{ marginBottom: 0 }}
              >
                <InputNumber
                  min={0}
                  max={100}
                  precision={0}
                  prefix={labelOf(notificationChannels, channel, language)}
                  suffix={t("perDay")}
                  style={{ width: 180 }}
                  data-testid={`daily-cap-${channel}`}
                />
              </Form.Item>
            ))}
          </Space>
        </Form.Item>

        <Form.Item
          name="smsSignature"
          label={t("smsSignature")}
          extra={
            <>
              <div>{t("smsSignatureHelp")}</div>
              <div data-testid="sms-signature-sample">
                {t("smsStarts")}
                <Typography.Text strong>【{signature.trim() || "…"}】</Typography.Text>
                <Typography.Text type="secondary">{t("smsSample")}</Typography.Text>
              </div>
            </>
          }
          rules={[{ required: true, whitespace: true, message: t("smsSignatureRequired") }]}
        >
          <Input
            style={{ width: 240 }}
            count={{ show: true, max: 12, strategy: countChars }}
            data-testid="sms-signature"
          />
        </Form.Item>

        <Form.Item name="timeZone" label={t("timeZone")} extra={t("timeZoneHelp")}>
          <Select
            showSearch
            options={zoneOptions}
            style={{ maxWidth: 360 }}
            data-testid="time-zone"
          />
        </Form.Item>

        <Space align="center" size={12} wrap>
          <Button
            type="primary"
            htmlType="submit"
            loading={saving}
            data-testid="notification-settings-save"
          >
            {t("save")}
          </Button>
          <Button onClick={() => form.setFieldsValue(toForm(current))}>{t("revert")}</Button>
          <Typography.Text type="secondary" data-testid="notification-settings-updated">
            {current?.updateTime ? (
              <span title={who.title}>
                {t("updated", { who: who.text, time: formatTime(current.updateTime) })}
              </span>
            ) : (
              t("neverUpdated")
            )}
          </Typography.Text>
        </Space>
      </Form>
    </Card>
  );
}
