// 回访: once a work order is resolved, the agent calls the customer and records how
// satisfied they are (1–5) with a comment. One record per order: the server refuses a
// second one and the card says so.
import { Alert, Button, Card, Form, Input, Rate, Result } from "antd";
import { useState } from "react";
import { ApiError, api, client, idempotent } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import { useIdempotencyKey } from "../../api/idempotency";
import { getSession, hasAnyRole } from "../../auth/session";
import { useFormDraft } from "../../components/useFormDraft";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";
import type { WorkOrder } from "./model";

interface Values {
  score?: number;
  comment?: string;
}

export function FeedbackCard({ order }: { order: WorkOrder }) {
  if (!order.resolveTime || !hasAnyRole(getSession(), ["agent", "manager", "admin"])) return null;
  return <FeedbackForm order={order} />;
}

function FeedbackForm({ order }: { order: WorkOrder }) {
  const t = useT(messages);
  const [form] = Form.useForm<Values>();
  const idempotency = useIdempotencyKey();
  const draft = useFormDraft(form, `wo-feedback-${order.id}`);
  const [saved, setSaved] = useState<number | null>(null);
  const [already, setAlready] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      const feedback = await api(() =>
        client.POST("/v1/feedback", {
          body: {
            orderId: order.id,
            orderKind: "WORK_ORDER",
            score: values.score,
            comment: values.comment?.trim() || undefined,
          },
          ...idempotent(idempotency.key()),
        }),
      );
      idempotency.done();
      draft.clear();
      setSaved(feedback.score ?? values.score ?? 0);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 409 || err.code === "ALREADY_EXISTS")) {
        setAlready(err.message);
      } else if (!showFieldError(form, err, ["feedback"])) {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t("feedback")} data-testid="wo-feedback">
      {saved !== null ? (
        <Result
          status="success"
          title={t("feedbackSaved", { score: saved })}
          style={{ padding: 8 }}
          data-testid="wo-feedback-saved"
        />
      ) : already !== null ? (
        <Alert
          type="info"
          showIcon
          title={t("feedbackExists")}
          description={already || undefined}
        />
      ) : (
        <>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
          <Form<Values>
            form={form}
            layout="vertical"
            onFinish={submit}
            onValuesChange={() => draft.save()}
          >
            <Form.Item
              name="score"
              label={t("satisfaction")}
              rules={[{ required: true, message: t("required", { field: t("satisfaction") }) }]}
            >
              <Rate
                tooltips={[t("score1"), t("score2"), t("score3"), t("score4"), t("score5")]}
                data-testid="wo-feedback-score"
              />
            </Form.Item>
            <Form.Item name="comment" label={t("feedbackComment")}>
              <Input.TextArea rows={2} maxLength={2000} showCount />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              loading={busy}
              data-testid="wo-feedback-submit"
            >
              {t("feedbackSubmit")}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}
