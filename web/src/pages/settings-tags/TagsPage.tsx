// Tags (标签): the tenant's dictionary of customer tags. Customers carry tags by name, so a
// rename renames the tag on every customer and a delete takes it off every customer (the
// server does both in one transaction). Names count characters, not bytes (emoji are
// fine), at most 60, without , or ; (imports separate tags with them).
import { DeleteOutlined, EditOutlined, PlusOutlined, SearchOutlined } from "@ant-design/icons";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  ColorPicker,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Result,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type ButtonProps,
} from "antd";
import { useState, type HTMLAttributes } from "react";
import { api, client, idempotent, type Schemas } from "../../api/client";
import { useIdempotencyKey } from "../../api/idempotency";
import { useRemote } from "../../components/remote";
import { useT } from "../../i18n/messages";
import { putServerError, serverErrorText } from "../../api/serverError";
import { messages } from "./messages";

type TagItem = Schemas["qingquan.customer.v1.Tag"];

const MAX_NAME = 60;
const PRESETS = [
  "#1677ff",
  "#13c2c2",
  "#52c41a",
  "#a0d911",
  "#faad14",
  "#fa8c16",
  "#f5222d",
  "#eb2f96",
  "#722ed1",
  "#2f54eb",
  "#8c8c8c",
  "#595959",
];

/** Characters as people count them (an emoji is one). */
const charCount = (s: string) => [...s].length;

async function loadTags(): Promise<TagItem[]> {
  const r = await api(() => client.GET("/v1/tags"));
  return r.tags ?? [];
}

type Target = { mode: "create" } | { mode: "edit"; tag: TagItem };

export default function TagsPage() {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const remote = useRemote("tags", loadTags);
  const [query, setQuery] = useState("");
  const [target, setTarget] = useState<Target | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const q = query.trim().toLowerCase();
  const rows = (remote.data ?? []).filter(
    (tag) =>
      !q ||
      (tag.name ?? "").toLowerCase().includes(q) ||
      (tag.description ?? "").toLowerCase().includes(q),
  );

  const remove = async (tag: TagItem) => {
    setDeleting(tag.id ?? "");
    setError(null);
    try {
      await api(() => client.DELETE("/v1/tags/{id}", { params: { path: { id: tag.id ?? "" } } }));
      message.success(t("deleted", { name: tag.name ?? "" }));
      remote.reload();
    } catch (err) {
      setError(serverErrorText(err));
    } finally {
      setDeleting(null);
    }
  };

  if (remote.error && !remote.data) {
    return (
      <Result
        status="warning"
        title={t("loadFailed", { message: serverErrorText(remote.error) })}
        extra={<Button onClick={remote.reload}>{t("retry")}</Button>}
      />
    );
  }

  return (
    <Flex vertical gap={12} data-testid="tags-page">
      <Flex align="center" gap={12} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
        <Typography.Text type="secondary">{t("subtitle")}</Typography.Text>
        <div style={{ flex: 1 }} />
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t("search")}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          style={{ width: 220 }}
          data-testid="tags-search"
        />
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setTarget({ mode: "create" })}
          data-testid="tag-create"
        >
          {t("create")}
        </Button>
      </Flex>
      {error && (
        <Alert
          type="error"
          showIcon
          closable={{ onClose: () => setError(null) }}
          title={t("failed")}
          description={error}
        />
      )}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<TagItem>
          size="small"
          rowKey={(tag) => tag.id ?? tag.name ?? ""}
          dataSource={rows}
          loading={remote.loading}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ y: 540 }}
          locale={{ emptyText: t("empty") }}
          data-testid="tags-table"
          onRow={(tag) => ({ "data-testid": `tag-row-${tag.name}` }) as HTMLAttributes<HTMLElement>}
          footer={() => (
            <Typography.Text type="secondary">
              {t("count", { n: remote.data?.length ?? 0 })}
            </Typography.Text>
          )}
          columns={[
            {
              title: t("tag"),
              width: 260,
              render: (_, tag) => (
                <Tag color={tag.color || undefined} style={{ maxWidth: 240 }}>
                  <span style={{ whiteSpace: "normal" }}>{tag.name}</span>
                </Tag>
              ),
            },
            {
              title: t("color"),
              width: 110,
              render: (_, tag) =>
                tag.color ? (
                  <Space size={6}>
                    <span
                      style={{
                        display: "inline-block",
                        width: 14,
                        height: 14,
                        borderRadius: 3,
                        background: tag.color,
                        verticalAlign: "middle",
                      }}
                    />
                    <Typography.Text code style={{ fontSize: 12 }}>
                      {tag.color}
                    </Typography.Text>
                  </Space>
                ) : (
                  <Typography.Text type="secondary">{t("noColor")}</Typography.Text>
                ),
            },
            {
              title: t("description"),
              render: (_, tag) => (
                <Typography.Text ellipsis={{ tooltip: tag.description }}>
                  {tag.description}
                </Typography.Text>
              ),
            },
            {
              title: t("actions"),
              width: 96,
              render: (_, tag) => (
                <Space size={0}>
                  <Tooltip title={t("edit")}>
                    <Button
                      type="text"
                      size="small"
                      icon={<EditOutlined />}
                      aria-label={t("edit")}
                      onClick={() => setTarget({ mode: "edit", tag })}
                      data-testid={`tag-edit-${tag.name}`}
                    />
                  </Tooltip>
                  <Popconfirm
                    title={t("deleteTitle", { name: tag.name ?? "" })}
                    description={t("deleteHint")}
                    okText={t("delete")}
                    cancelText={t("cancel")}
                    okButtonProps={
                      { danger: true, "data-testid": "tag-delete-confirm" } as ButtonProps
                    }
                    onConfirm={() => remove(tag)}
                  >
                    <Button
                      type="text"
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t("delete")}
                      loading={deleting === tag.id}
                      data-testid={`tag-delete-${tag.name}`}
                    />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {target && (
        <TagModal
          target={target}
          onClose={() => setTarget(null)}
          onSaved={() => {
            setTarget(null);
            remote.reload();
          }}
        />
      )}
    </Flex>
  );
}

interface TagValues {
  name?: string;
  color?: string;
  description?: string;
}

function TagModal({
  target,
  onClose,
  onSaved,
}: {
  target: Target;
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<TagValues>();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const idem = useIdempotencyKey();
  const editing = target.mode === "edit" ? target.tag : undefined;
  const [initial] = useState<TagValues>(() => ({
    name: editing?.name ?? "",
    color: editing?.color ?? "",
    description: editing?.description ?? "",
  }));
  const name = Form.useWatch("name", form) ?? initial.name;
  const color = Form.useWatch("color", form) ?? initial.color;

  const submit = async () => {
    setFormError(null);
    let values: TagValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const tag: TagItem = {
      name: values.name?.trim() ?? "",
      color: values.color ?? "",
      description: values.description?.trim() ?? "",
    };
    setSaving(true);
    try {
      if (!editing) {
        const created = await api(() =>
          client.POST("/v1/tags", { body: tag, ...idempotent(idem.key()) }),
        );
        idem.done();
        message.success(t("created", { name: created.name ?? "" }));
      } else {
        const mask = (["name", "color", "description"] as const).filter(
          (k) => (editing[k] ?? "") !== tag[k],
        );
        if (mask.length) {
          await api(() =>
            client.PATCH("/v1/tags/{tag.id}", {
              params: {
                path: { "tag.id": editing.id ?? "" },
                query: { updateMask: mask.join(",") },
              },
              body: tag,
            }),
          );
          message.success(t("saved"));
        }
      }
      onSaved();
    } catch (err) {
      if (!putServerError(form, err, { prefixes: ["tag"] })) setFormError(serverErrorText(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={editing ? t("editTitle") : t("createTitle")}
      onCancel={onClose}
      onOk={submit}
      okText={editing ? t("save") : t("create")}
      cancelText={t("cancel")}
      confirmLoading={saving}
      destroyOnHidden
      okButtonProps={{ "data-testid": "tag-save" } as ButtonProps}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={submit}
        data-testid="tag-form"
      >
        <Form.Item
          name="name"
          label={t("name")}
          extra={editing ? t("renameHint") : undefined}
          rules={[
            { required: true, whitespace: true, message: t("nameRequired") },
            {
              validator: async (_r, value: string | undefined) => {
                const v = value?.trim() ?? "";
                if (/[,;]/.test(v)) throw new Error(t("nameSeparators"));
                if (charCount(v) > MAX_NAME) {
                  throw new Error(t("nameTooLong", { n: charCount(v) }));
                }
              },
            },
          ]}
        >
          <Input
            autoFocus
            placeholder={t("namePlaceholder")}
            count={{ show: true, max: MAX_NAME, strategy: charCount }}
            data-testid="tag-name"
          />
        </Form.Item>
        <Form.Item label={t("color")}>
          <Space align="center" size={12}>
            <Form.Item
              name="color"
              noStyle
              getValueFromEvent={(c: { cleared?: boolean; toHexString: () => string } | null) =>
                !c || c.cleared ? "" : c.toHexString().slice(0, 7)
              }
            >
              <ColorPicker
                allowClear
                presets={[{ label: t("color"), colors: PRESETS, defaultOpen: true }]}
                data-testid="tag-color"
              />
            </Form.Item>
            <Tag color={color || undefined}>{name?.trim() || t("tag")}</Tag>
          </Space>
        </Form.Item>
        <Form.Item name="description" label={t("description")} rules={[{ max: 500 }]}>
          <Input.TextArea
            rows={3}
            placeholder={t("descriptionPlaceholder")}
            count={{ show: true, max: 500, strategy: charCount }}
            data-testid="tag-description"
          />
        </Form.Item>
        {formError && <Alert type="error" showIcon title={t("failed")} description={formError} />}
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}
