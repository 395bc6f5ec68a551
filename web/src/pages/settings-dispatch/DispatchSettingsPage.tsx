// 派单设置: the tenant's DispatchSettings (automatic assignment of workers, the time a
// worker has to accept, the skill each work-order type needs) as one form, each field
// with what it does.
import {
  App as AntApp,
  Alert,
  AutoComplete,
  Button,
  Card,
  Descriptions,
  Form,
  InputNumber,
  Space,
  Spin,
  Switch,
  Typography,
} from "antd";
import { useEffect, useMemo, useState } from "react";
import { ApiError, api, client, type Schemas } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import { labelOf, workOrderTypes } from "../../components/labels";
import { useRemote } from "../../components/remote";
import { formatTime } from "../../components/time";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { errorText, hasRole, loadStaff } from "../settings-teams/data";
import { messages } from "./messages";

type Settings = Schemas["qingquan.dispatch.v1.DispatchSettings"];

interface FormValues {
  autoAssignWorkOrders: boolean;
  acceptTimeoutMinutes: number;
  skillByType: Record<string, string>;
}

// Field work first: the types automatic assignment concerns.
const FIELD_TYPES = ["REPAIR", "NEW_CONNECTION", "DISPENSER_REPAIR", "WATER_CHANGE"];
const DEFAULT_SKILLS = ["管网维修", "水表", "饮水机", "送水"];

function toForm(s: Settings | undefined): FormValues {
  return {
    autoAssignWorkOrders: !!s?.autoAssignWorkOrders,
    acceptTimeoutMinutes: s?.acceptTimeoutMinutes || 15,
    skillByType: { ...(s?.skillByType ?? {}) },
  };
}

export default function DispatchSettingsPage() {
  const t = useT(messages);
  const language = useLanguage();
  const { message } = AntApp.useApp();
  const settings = useRemote("dispatch-settings", () =>
    api(() => client.GET("/v1/dispatch-settings")),
  );
  const staff = useRemote("staff", loadStaff);
  const canEdit = hasRole(["admin", "manager"]);
  const [form] = Form.useForm<FormValues>();
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // What the server last said: the answer to the last save, else the loaded settings.
  const [saved, setSaved] = useState<Settings | undefined>(undefined);
  const current = saved ?? settings.data;

  useEffect(() => {
    if (settings.data) form.setFieldsValue(toForm(settings.data));
  }, [settings.data, form]);

  // The types to show: field work, then every other known type, then any the server has
  // that the console does not know.
  const types = useMemo(() => {
    const known = Object.keys(workOrderTypes);
    const rest = known.filter((k) => !FIELD_TYPES.includes(k));
    const extra = Object.keys(current?.skillByType ?? {}).filter((k) => !known.includes(k));
    return [...FIELD_TYPES, ...rest, ...extra];
  }, [current]);
  const skillOptions = useMemo(
    () =>
      [
        ...new Set([
          ...DEFAULT_SKILLS,
          ...(staff.data ?? []).flatMap((s) => s.skills ?? []),
          ...Object.values(current?.skillByType ?? {}),
        ]),
      ]
        .filter(Boolean)
        .map((s) => ({ value: s })),
    [staff.data, current],
  );

  const save = async (values: FormValues) => {
    setFormError(null);
    const skillByType: Record<string, string> = {};
    for (const [type, skill] of Object.entries(values.skillByType ?? {})) {
      const s = (skill ?? "").trim();
      if (s) skillByType[type] = s;
    }
    const body: Settings = {
      autoAssignWorkOrders: !!values.autoAssignWorkOrders,
      acceptTimeoutMinutes: values.acceptTimeoutMinutes,
      skillByType,
    };
    setSaving(true);
    try {
      const answer = await api(() => client.PUT("/v1/dispatch-settings", { body }));
      setSaved(answer);
      form.setFieldsValue(toForm(answer));
      message.success(t("saved"));
    } catch (err) {
      const labels: Record<string, string> = {
        acceptTimeoutMinutes: t("acceptTimeout"),
        "settings.acceptTimeoutMinutes": t("acceptTimeout"),
        autoAssignWorkOrders: t("autoAssign"),
        "settings.autoAssignWorkOrders": t("autoAssign"),
      };
      const field = err instanceof ApiError ? (err.field ?? "") : "";
      const type = /skillByType[.[]"?(\w+)/.exec(field)?.[1];
      if (type) labels[field] = `${t("skill")}（${labelOf(workOrderTypes, type, language)}）`;
      const text = errorText(err, labels);
      const shown = new ApiError(
        err instanceof ApiError ? err.status : 0,
        err instanceof ApiError ? err.code : "",
        text,
        type ? `skillByType.${type}` : field || undefined,
      );
      if (!showFieldError(form, shown, ["settings"])) setFormError(text);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
      }
      styles={{ body: { paddingTop: 12, maxWidth: 880 } }}
    >
      {settings.loading && !current && <Spin style={{ margin: 24 }} />}
      {!!settings.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("loadFailed", { message: errorText(settings.error) })}
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
          data-testid="dispatch-settings-error"
        />
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={toForm(undefined)}
        onFinish={save}
        disabled={!canEdit || !current}
        onValuesChange={() => setFormError(null)}
        data-testid="dispatch-settings-form"
      >
        <Form.Item
          name="autoAssignWorkOrders"
          label={t("autoAssign")}
          valuePropName="checked"
          extra={
            <>
              <div>{t("autoAssignHelp")}</div>
              <Typography.Text code style={{ fontSize: 12 }}>
                {t("formula")}
              </Typography.Text>
            </>
          }
        >
          <Switch
            checkedChildren={t("autoAssignOn")}
            unCheckedChildren={t("autoAssignOff")}
            data-testid="dispatch-auto-assign"
          />
        </Form.Item>
        <Form.Item
          name="acceptTimeoutMinutes"
          label={t("acceptTimeout")}
          extra={t("acceptTimeoutHelp")}
        >
          <InputNumber
            min={1}
            max={240}
            precision={0}
            suffix={t("minutes")}
            style={{ width: 160 }}
            data-testid="dispatch-accept-timeout"
          />
        </Form.Item>
        <Form.Item label={t("skillByType")} extra={t("skillByTypeHelp")}>
          <Descriptions
            bordered
            size="small"
            column={1}
            styles={{ label: { width: 180 } }}
            data-testid="dispatch-skill-by-type"
            items={types.map((type) => ({
              key: type,
              label: labelOf(workOrderTypes, type, language),
              children: (
                <Form.Item name={["skillByType", type]} style={{ marginBottom: 0 }}>
                  <AutoComplete
                    allowClear
                    options={skillOptions}
                    placeholder={t("skillPlaceholder")}
                    style={{ width: 240 }}
                    maxLength={60}
                    filterOption={(input, option) =>
                      String(option?.value ?? "").includes(input.trim())
                    }
                    data-testid={`dispatch-skill-${type}`}
                  />
                </Form.Item>
              ),
            }))}
          />
        </Form.Item>
        <Space align="center" size={12}>
          <Button
            type="primary"
            htmlType="submit"
            loading={saving}
            data-testid="dispatch-settings-save"
          >
            {t("save")}
          </Button>
          <Button onClick={() => form.setFieldsValue(toForm(current))}>{t("reset")}</Button>
          <Typography.Text type="secondary" data-testid="dispatch-settings-updated">
            {current?.updateTime
              ? t("updated", { time: formatTime(current.updateTime) })
              : t("neverUpdated")}
          </Typography.Text>
        </Space>
      </Form>
    </Card>
  );
}
