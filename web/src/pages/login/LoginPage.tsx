// Tenant, user, password. The tenant is remembered; after logging in the user goes back
// to the page they were on (its form draft is restored there) or to their role's home.
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { ApiError, api, client } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import { lastTenant, sessionFromToken, setSession } from "../../auth/session";
import { setLanguage, useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { pagesFor } from "../registry";
import { messages } from "./messages";

interface Values {
  tenant: string;
  username: string;
  password: string;
}

export default function LoginPage() {
  const t = useT(messages);
  const language = useLanguage();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const [params] = useSearchParams();

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      const data = await api(() =>
        client.POST("/v1/auth/login", {
          body: {
            tenant: values.tenant.trim(),
            username: values.username.trim(),
            password: values.password,
          },
        }),
      );
      const session = data.accessToken ? sessionFromToken(data.accessToken) : null;
      if (!session) throw new ApiError(500, "BAD_TOKEN", "the server sent no usable token");
      setSession(session);
      const next = params.get("next");
      const allowed = pagesFor(session.roles).filter((p) => p.menu);
      const target =
        next && next.startsWith("/") && !next.startsWith("//") && next !== "/login"
          ? next
          : (allowed[0]?.path ?? "/");
      navigate(target, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t("wrongPassword"));
      else if (err instanceof ApiError && err.status === 429) setError(t("throttled"));
      else if (!showFieldError(form, err)) {
        setError(t("failed", { message: err instanceof Error ? err.message : String(err) }));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="qq-login">
      <Card style={{ width: 380 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          <img src="/favicon.svg" alt="" width={24} height={24} style={{ verticalAlign: -4 }} />{" "}
          {t("title")}
        </Typography.Title>
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Form
          form={form}
          layout="vertical"
          initialValues={{ tenant: lastTenant() }}
          onFinish={submit}
          requiredMark={false}
        >
          <Form.Item
            name="tenant"
            label={t("tenant")}
            rules={[
              { required: true, whitespace: true, message: t("required", { field: t("tenant") }) },
            ]}
          >
            <Input placeholder={t("tenantHint")} autoComplete="organization" />
          </Form.Item>
          <Form.Item
            name="username"
            label={t("username")}
            rules={[
              {
                required: true,
                whitespace: true,
                message: t("required", { field: t("username") }),
              },
            ]}
          >
            <Input autoComplete="username" autoFocus={!!lastTenant()} />
          </Form.Item>
          <Form.Item
            name="password"
            label={t("password")}
            rules={[{ required: true, message: t("required", { field: t("password") }) }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t("submit")}
          </Button>
        </Form>
        <Button
          type="link"
          style={{ padding: 0, marginTop: 12 }}
          onClick={() => setLanguage(language === "zh" ? "en" : "zh")}
        >
          {t("language")}
        </Button>
      </Card>
    </div>
  );
}
