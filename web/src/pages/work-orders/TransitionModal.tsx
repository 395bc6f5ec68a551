// Taking one step of a work order's workflow. The dialog asks exactly what the step
// requires (a comment, the result, a worker, so many photos) and sends the transition
// with an Idempotency-Key; the server's objection appears next to the field it names.
import { PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  Button,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Tag,
  Typography,
  Upload,
  type UploadFile,
} from "antd";
import { useState } from "react";
import { ApiError, api, client, idempotent } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import { useIdempotencyKey } from "../../api/idempotency";
import { useFormDraft } from "../../components/useFormDraft";
import { useT } from "../../i18n/messages";
import { uploadAttachment } from "./attachments";
import { OfferBreakdown, useAssignment } from "./AssignmentCard";
import { messages } from "./messages";
import type {
  Attachment,
  Staff,
  WorkOrder,
  Workflow,
  WorkflowTransition,
  WorkerOffer,
} from "./model";
import { useRemote } from "../../components/remote";
import { labelOfState } from "./workflows";

interface Values {
  comment?: string;
  result?: string;
  assigneeId?: string;
}

function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message || err.code;
  return err instanceof Error ? err.message : String(err);
}

/** Workers to choose from: the order's team first, then on duty, with dispatch's score. */
function WorkerSelect({
  order,
  offers,
  value,
  onChange,
}: {
  order: WorkOrder;
  offers: WorkerOffer[];
  value?: string;
  onChange?: (v: string) => void;
}) {
  const t = useT(messages);
  const staff = useRemote("staff|WORKER", () =>
    api(() => client.GET("/v1/staff", { params: { query: { kind: "WORKER" } } })).then(
      (r) => r.staff ?? [],
    ),
  );
  const teams = useRemote("teams", () =>
    api(() => client.GET("/v1/teams")).then((r) => r.teams ?? []),
  );
  const members = new Set(teams.data?.find((tm) => tm.id === order.teamId)?.memberIds ?? []);
  const inTeam = (s: Staff) =>
    members.has(s.userId ?? "") || (!!order.teamId && s.teamId === order.teamId);
  const sorted = [...(staff.data ?? [])].sort(
    (a, b) => Number(inTeam(b)) - Number(inTeam(a)) || Number(!!b.onDuty) - Number(!!a.onDuty),
  );
  const scoreOf = (userId: string | undefined) =>
    offers.filter((o) => o.workerId === userId).at(-1)?.score;
  return (
    <>
      <Select
        showSearch={{ optionFilterProp: "search" }}
        value={value}
        onChange={onChange}
        loading={staff.loading}
        placeholder={t("pickWorker")}
        data-testid="wo-assignee-select"
        notFoundContent={t("noWorkers")}
        options={sorted.map((s) => {
          const name = s.name || s.userId || "";
          const score = scoreOf(s.userId);
          return {
            value: s.userId ?? "",
            search: `${name} ${(s.skills ?? []).join(" ")}`,
            label: (
              <Space size={4}>
                <span>{name}</span>
                {inTeam(s) && <Tag color="blue">{t("ownTeam")}</Tag>}
                <Tag color={s.onDuty ? "green" : "default"}>
                  {s.onDuty ? t("onDuty") : t("offDuty")}
                </Tag>
                {score !== undefined && (
                  <Typography.Text type="secondary">
                    {t("scoreShort", { s: score.toFixed(2) })}
                  </Typography.Text>
                )}
              </Space>
            ),
          };
        })}
      />
      {staff.error ? (
        <Typography.Text type="danger">
          {t("workersFailed", { message: errorText(staff.error) })}
        </Typography.Text>
      ) : null}
    </>
  );
}

export function TransitionModal({
  order,
  workflow,
  transition,
  onClose,
  onDone,
}: {
  order: WorkOrder;
  workflow: Workflow | undefined;
  transition: WorkflowTransition;
  onClose: () => void;
  onDone: (updated: WorkOrder) => void;
}) {
  const t = useT(messages);
  const [form] = Form.useForm<Values>();
  const idempotency = useIdempotencyKey();
  const draft = useFormDraft(form, `wo-transition-${order.id}-${transition.name}`);
  const [photos, setPhotos] = useState<UploadFile[]>([]);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const required = new Set(transition.requiredFields ?? []);
  const minPhotos = transition.minAttachments ?? 0;
  const asksWorker = required.has("assignee_id");
  const assignment = useAssignment(asksWorker && order.id ? order.id : null, "modal");
  const offers = asksWorker ? (assignment.data?.offers ?? []) : [];
  const uploading = photos.some((f) => f.status === "uploading");

  const submit = async (values: Values) => {
    const ids = photos
      .filter((f) => f.status === "done")
      .map((f) => (f.response as Attachment | undefined)?.id)
      .filter((x): x is string => !!x);
    if (ids.length < minPhotos) {
      setPhotoError(t("photosNeeded", { n: minPhotos }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await api(() =>
        client.POST("/v1/work-orders/{id}:transition", {
          params: { path: { id: order.id! } },
          body: {
            transition: transition.name,
            comment: values.comment?.trim() || undefined,
            result: values.result?.trim() || undefined,
            assigneeId: values.assigneeId || undefined,
            attachmentIds: ids.length ? ids : undefined,
          },
          ...idempotent(idempotency.key()),
        }),
      );
      idempotency.done();
      draft.clear();
      onDone(updated);
    } catch (err) {
      if (err instanceof ApiError && err.field === "attachmentIds") setPhotoError(err.message);
      else if (!showFieldError(form, err, ["workOrder"])) setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const nothingAsked = required.size === 0 && minPhotos === 0;
  const to = labelOfState(workflow, transition.to);
  return (
    <Modal
      open
      title={transition.label || transition.name}
      onCancel={onClose}
      width={asksWorker ? 560 : 520}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t("cancel")}
        </Button>,
        <Button
          key="submit"
          type="primary"
          danger={!!transition.cancels}
          loading={busy}
          disabled={uploading}
          onClick={() => form.submit()}
          data-testid="wo-transition-submit"
        >
          {t("confirmStep", { step: transition.label || transition.name || "" })}
        </Button>,
      ]}
    >
      <div data-testid="wo-transition-modal">
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 12 }}
            data-testid="wo-transition-error"
          />
        )}
        <Typography.Paragraph type="secondary">
          {nothingAsked
            ? t("stepConfirm", { number: order.number ?? "", state: to })
            : t("stepLeadsTo", { state: to })}
        </Typography.Paragraph>
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={submit}
          onValuesChange={() => draft.save()}
          requiredMark
        >
          {asksWorker && (
            <Form.Item
              name="assigneeId"
              label={t("worker")}
              rules={[{ required: true, message: t("required", { field: t("worker") }) }]}
            >
              <WorkerSelect order={order} offers={offers} />
            </Form.Item>
          )}
          {asksWorker && offers.length > 0 && (
            <div style={{ marginBottom: 16 }} data-testid="wo-transition-offers">
              <Typography.Text strong>{t("autoAssignment")}</Typography.Text>
              {offers.map((o, i) => (
                <OfferBreakdown key={`${o.workerId}-${i}`} offer={o} />
              ))}
            </div>
          )}
          {required.has("result") && (
            <Form.Item
              name="result"
              label={t("result")}
              rules={[
                {
                  required: true,
                  whitespace: true,
                  message: t("required", { field: t("result") }),
                },
              ]}
            >
              <Input.TextArea rows={3} maxLength={4000} showCount placeholder={t("resultHint")} />
            </Form.Item>
          )}
          {required.has("comment") && (
            <Form.Item
              name="comment"
              label={t("comment")}
              rules={[
                {
                  required: true,
                  whitespace: true,
                  message: t("required", { field: t("comment") }),
                },
              ]}
            >
              <Input.TextArea rows={3} maxLength={4000} showCount />
            </Form.Item>
          )}
          {minPhotos > 0 && (
            <Form.Item
              label={t("photosLabel", { n: minPhotos })}
              required
              validateStatus={photoError ? "error" : undefined}
              help={photoError ?? undefined}
            >
              <Upload
                listType="picture-card"
                accept="image/jpeg,image/png,image/webp,image/heic"
                multiple
                fileList={photos}
                onChange={({ fileList }) => {
                  setPhotos(fileList);
                  if (fileList.some((f) => f.status === "done")) setPhotoError(null);
                }}
                customRequest={({ file, onSuccess, onError }) => {
                  uploadAttachment(file as File).then(
                    (attachment) => onSuccess?.(attachment),
                    (err: unknown) => {
                      setPhotoError(t("uploadFailed", { message: errorText(err) }));
                      onError?.(err instanceof Error ? err : new Error(String(err)));
                    },
                  );
                }}
                data-testid="wo-photo-upload"
              >
                <div>
                  <PlusOutlined />
                  <div style={{ marginTop: 4 }}>{t("addPhoto")}</div>
                </div>
              </Upload>
            </Form.Item>
          )}
        </Form>
      </div>
    </Modal>
  );
}
