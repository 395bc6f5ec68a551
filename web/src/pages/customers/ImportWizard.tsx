// The import wizard: choose an .xlsx / .csv file and what to do with phones that already
// exist, watch the upload, then read every bad row (row, column, reason) and download
// them as a CSV to fix in Excel.
import { DownloadOutlined, InboxOutlined } from "@ant-design/icons";
import {
  Alert,
  Button,
  Checkbox,
  Col,
  Modal,
  Progress,
  Radio,
  Row,
  Space,
  Spin,
  Statistic,
  Steps,
  Table,
  Typography,
  Upload,
} from "antd";
import { useState } from "react";
import { useIdempotencyKey } from "../../api/idempotency";
import { useT } from "../../i18n/messages";
import { tenantToday } from "../../components/time";
import {
  errorsCsv,
  saveBlob,
  uploadImport,
  type DuplicatePolicy,
  type ImportResult,
  type ImportRowError,
} from "./importCustomers";
import { messages } from "./messages";

const MAX_BYTES = 64 * 1024 * 1024;

type Phase =
  { step: "file" } | { step: "upload"; share: number } | { step: "result"; result: ImportResult };

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function ImportWizard({
  open,
  onClose,
  onImported,
}: {
  open: boolean;
  onClose: () => void;
  onImported: () => void;
}) {
  const t = useT(messages);
  const [file, setFile] = useState<File | null>(null);
  const [policy, setPolicy] = useState<DuplicatePolicy>("SKIP");
  const [createMissingTags, setCreateMissingTags] = useState(true);
  const [phase, setPhase] = useState<Phase>({ step: "file" });
  const [error, setError] = useState<string | null>(null);
  const idem = useIdempotencyKey();

  const reset = () => {
    setFile(null);
    setPhase({ step: "file" });
    setError(null);
    idem.done();
  };

  const start = async () => {
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setError(t("fileTooBig"));
      return;
    }
    setError(null);
    setPhase({ step: "upload", share: 0 });
    try {
      const result = await uploadImport(
        file,
        { onDuplicate: policy, createMissingTags },
        idem.key(),
        (share) => setPhase({ step: "upload", share }),
      );
      idem.done();
      setPhase({ step: "result", result });
      if ((result.created ?? 0) + (result.updated ?? 0) > 0) onImported();
    } catch (err) {
      setPhase({ step: "file" });
      setError(t("importFailed", { message: err instanceof Error ? err.message : String(err) }));
    }
  };

  const current = phase.step === "file" ? 0 : phase.step === "upload" ? 1 : 2;
  const busy = phase.step === "upload";

  const footer =
    phase.step === "result" ? (
      <Space>
        <Button onClick={reset} data-testid="import-again">
          {t("again")}
        </Button>
        <Button type="primary" onClick={onClose} data-testid="import-done">
          {t("done")}
        </Button>
      </Space>
    ) : (
      <Space>
        <Button onClick={onClose} disabled={busy}>
          {t("cancel")}
        </Button>
        <Button
          type="primary"
          onClick={start}
          disabled={!file}
          loading={busy}
          data-testid="import-start"
        >
          {t("start")}
        </Button>
      </Space>
    );

  return (
    <Modal
      open={open}
      title={t("importTitle")}
      width={820}
      onCancel={busy ? undefined : onClose}
      closable={!busy}
      mask={{ closable: !busy }}
      footer={footer}
      destroyOnHidden
      afterClose={reset}
    >
      <div data-testid="import-wizard">
        <Steps
          size="small"
          current={current}
          style={{ marginBottom: 20 }}
          items={[{ title: t("stepFile") }, { title: t("stepUpload") }, { title: t("stepResult") }]}
        />
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 12 }}
            data-testid="import-error"
          />
        )}
        {phase.step === "file" && (
          <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
            <Upload.Dragger
              accept=".xlsx,.csv"
              multiple={false}
              showUploadList={false}
              beforeUpload={(f) => {
                setFile(f);
                setError(null);
                idem.done();
                return false;
              }}
              data-testid="import-file"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t("dropHint")}</p>
              <p className="ant-upload-hint">{t("dropSub")}</p>
            </Upload.Dragger>
            {file && (
              <Typography.Text strong data-testid="import-chosen">
                {t("chosenFile", { name: file.name, size: sizeOf(file.size) })}
              </Typography.Text>
            )}
            <div>
              <Typography.Text>{t("duplicatePolicy")}</Typography.Text>
              <Radio.Group
                value={policy}
                onChange={(e) => {
                  setPolicy(e.target.value as DuplicatePolicy);
                  idem.done();
                }}
                style={{ display: "flex", flexDirection: "column", marginTop: 4 }}
                data-testid="import-policy"
                options={[
                  { value: "SKIP", label: t("policySkip") },
                  { value: "UPDATE", label: t("policyUpdate") },
                ]}
              />
            </div>
            <Checkbox
              checked={createMissingTags}
              onChange={(e) => {
                setCreateMissingTags(e.target.checked);
                idem.done();
              }}
              data-testid="import-create-tags"
            >
              {t("createMissingTags")}
            </Checkbox>
          </Space>
        )}
        {phase.step === "upload" && (
          <div style={{ textAlign: "center", padding: "24px 0" }} data-testid="import-progress">
            <Progress
              type="circle"
              percent={Math.round(phase.share * 100)}
              status={phase.share < 1 ? "active" : "normal"}
            />
            <div style={{ marginTop: 16 }}>
              {phase.share < 1 ? (
                <Typography.Text>
                  {t("uploading", { percent: Math.round(phase.share * 100) })}
                </Typography.Text>
              ) : (
                <Space>
                  <Spin size="small" />
                  <Typography.Text>{t("processing")}</Typography.Text>
                </Space>
              )}
            </div>
          </div>
        )}
        {phase.step === "result" && <ImportReport result={phase.result} />}
      </div>
    </Modal>
  );
}

function ImportReport({ result }: { result: ImportResult }) {
  const t = useT(messages);
  const errors = result.errors ?? [];
  const download = () =>
    saveBlob(
      errorsCsv(errors, [t("row"), t("column"), t("reason")]),
      `${t("errorsFileName")}-${tenantToday()}.csv`,
    );
  return (
    <div data-testid="import-result">
      <Row gutter={12} style={{ marginBottom: 16 }}>
        {(
          [
            ["rows", result.rows],
            ["createdCount", result.created],
            ["updatedCount", result.updated],
            ["skippedCount", result.skipped],
            ["failedCount", result.failed],
          ] as const
        ).map(([key, value]) => (
          <Col span={key === "rows" ? 4 : 5} key={key}>
            <Statistic
              title={t(key)}
              value={value ?? 0}
              styles={
                key === "failedCount" && value ? { content: { color: "#cf1322" } } : undefined
              }
              data-testid={`import-${key}`}
            />
          </Col>
        ))}
      </Row>
      {(result.warnings ?? []).length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t("warnings")}
          description={
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {(result.warnings ?? []).map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          }
          style={{ marginBottom: 12 }}
        />
      )}
      {errors.length === 0 ? (
        <Alert type="success" showIcon title={t("noErrors")} />
      ) : (
        <>
          <Space style={{ justifyContent: "space-between", width: "100%", marginBottom: 8 }}>
            <Typography.Text strong>{t("errorsTitle", { n: errors.length })}</Typography.Text>
            <Button
              icon={<DownloadOutlined />}
              onClick={download}
              data-testid="import-download-errors"
            >
              {t("downloadErrors")}
            </Button>
          </Space>
          <Table<ImportRowError>
            size="small"
            rowKey={(e) => `${e.row}|${e.column}|${e.reason}`}
            dataSource={errors}
            pagination={errors.length > 8 ? { pageSize: 8, showSizeChanger: false } : false}
            data-testid="import-errors"
            columns={[
              { title: t("row"), dataIndex: "row", width: 70 },
              {
                title: t("column"),
                dataIndex: "column",
                width: 150,
                render: (c: string | undefined) =>
                  c || <Typography.Text type="secondary">{t("wholeRow")}</Typography.Text>,
              },
              { title: t("reason"), dataIndex: "reason" },
            ]}
          />
        </>
      )}
    </div>
  );
}
