// 班组: the tenant's teams with leader, members, the areas they serve and which one is the
// default (it gets the work orders in no area); create, edit and delete.
import { DeleteOutlined, EditOutlined, PlusOutlined } from "@ant-design/icons";
import {
  App as AntApp,
  Alert,
  type ButtonProps,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { useMemo, useState, type HTMLAttributes } from "react";
import { ApiError, api, client, idempotent } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import { useIdempotencyKey } from "../../api/idempotency";
import { getSession } from "../../auth/session";
import { useRemote } from "../../components/remote";
import { useT } from "../../i18n/messages";
import {
  errorText,
  hasRole,
  loadAreas,
  loadStaff,
  loadTeams,
  staffNames,
  userLabel,
  type Team,
} from "./data";
import { messages } from "./messages";

interface FormValues {
  name: string;
  /** A tags select kept to one value, so an id without a profile can be typed in. */
  leaderId: string[];
  memberIds: string[];
  isDefault: boolean;
}

export default function TeamsPage() {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const teams = useRemote("teams", loadTeams);
  const areas = useRemote("areas", loadAreas);
  const staff = useRemote("staff", loadStaff);
  const canEdit = hasRole(["admin", "dispatcher"]);
  const [form] = Form.useForm<FormValues>();
  const idempotency = useIdempotencyKey();
  // null: closed; {}: a new team.
  const [editing, setEditing] = useState<{ team?: Team } | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [deletingId, setDeletingId] = useState<string | null>(null);

  const names = useMemo(() => {
    const m = staffNames(staff.data);
    const session = getSession();
    if (session && !m.get(session.userId)) m.set(session.userId, session.displayName);
    return m;
  }, [staff.data]);
  const areasByTeam = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const a of areas.data ?? []) {
      const list = m.get(a.teamId ?? "") ?? [];
      list.push(a.name ?? "");
      m.set(a.teamId ?? "", list);
    }
    return m;
  }, [areas.data]);
  const userOptions = (staff.data ?? []).map((s) => ({
    value: s.userId ?? "",
    label: s.name || s.userId,
  }));
  const labels = {
    "team.name": t("name"),
    "team.leaderId": t("leader"),
    "team.memberIds": t("members"),
    "team.isDefault": t("isDefault"),
  };

  const open = (team?: Team) => {
    setFormError(null);
    setEditing({ team });
    form.resetFields();
    form.setFieldsValue({
      name: team?.name ?? "",
      leaderId: team?.leaderId ? [team.leaderId] : [],
      memberIds: team?.memberIds ?? [],
      isDefault: team?.isDefault ?? false,
    });
  };

  const save = async (values: FormValues) => {
    if (!editing) return;
    setFormError(null);
    const id = editing.team?.id;
    const body = {
      name: values.name.trim(),
      leaderId: (values.leaderId ?? [])[0]?.trim() ?? "",
      memberIds: (values.memberIds ?? []).map((m) => m.trim()).filter(Boolean),
      isDefault: !!values.isDefault,
    };
    setSaving(true);
    try {
      const saved = id
        ? await api(() =>
            client.PUT("/v1/teams/{team.id}", {
              params: { path: { "team.id": id } },
              body: { ...body, id },
            }),
          )
        : await api(() => client.POST("/v1/teams", { body, ...idempotent(idempotency.key()) }));
      if (!id) idempotency.done();
      message.success(t("saved", { name: saved.name ?? body.name }));
      setEditing(null);
      teams.reload();
    } catch (err) {
      if (!id && err instanceof ApiError && err.status >= 400 && err.status < 500) {
        if (err.status !== 409) idempotency.done();
      }
      const shown = new ApiError(
        err instanceof ApiError ? err.status : 0,
        err instanceof ApiError ? err.code : "",
        errorText(err, labels),
        err instanceof ApiError ? err.field : undefined,
      );
      if (!showFieldError(form, shown, ["team"])) setFormError(shown.message);
    } finally {
      setSaving(false);
    }
  };

  const remove = async (team: Team) => {
    const id = team.id ?? "";
    setDeletingId(id);
    try {
      await api(() => client.DELETE("/v1/teams/{id}", { params: { path: { id } } }));
      message.success(t("deleted", { name: team.name ?? "" }));
      teams.reload();
    } catch (err) {
      message.error(t("deleteFailed", { message: errorText(err) }), 8);
    } finally {
      setDeletingId(null);
    }
  };

  const userTag = (id: string) => (
    <Tooltip key={id} title={id}>
      <Tag>{userLabel(id, names)}</Tag>
    </Tooltip>
  );

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
      }
      extra={
        canEdit ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => open()}
            data-testid="team-create"
          >
            {t("create")}
          </Button>
        ) : null
      }
      styles={{ body: { paddingTop: 12 } }}
    >
      {!canEdit && (
        <Alert type="info" showIcon title={t("readOnly")} style={{ marginBottom: 12 }} />
      )}
      {!!teams.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("loadFailed", { message: errorText(teams.error) })}
        />
      )}
      <Table<Team>
        rowKey="id"
        size="middle"
        loading={teams.loading}
        dataSource={teams.data ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: t("empty") }}
        data-testid="teams-table"
        onRow={(team) => ({ "data-testid": `team-row-${team.id}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t("name"),
            key: "name",
            width: 200,
            render: (_, team) => (
              <Space size={6}>
                <span data-testid="team-name">{team.name}</span>
                {team.isDefault && (
                  <Tag color="blue" data-testid="team-default">
                    {t("defaultTag")}
                  </Tag>
                )}
              </Space>
            ),
          },
          {
            title: t("leader"),
            key: "leader",
            width: 140,
            render: (_, team) => (team.leaderId ? userTag(team.leaderId) : null),
          },
          {
            title: t("members"),
            key: "members",
            render: (_, team) => (
              <Space size={[0, 4]} wrap>
                {(team.memberIds ?? []).map(userTag)}
              </Space>
            ),
          },
          {
            title: t("areas"),
            key: "areas",
            width: 200,
            render: (_, team) => {
              const list = areasByTeam.get(team.id ?? "") ?? [];
              return list.length ? (
                <Space size={[0, 4]} wrap>
                  {list.map((name) => (
                    <Tag key={name} color="green">
                      {name}
                    </Tag>
                  ))}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t("noAreas")}</Typography.Text>
              );
            },
          },
          ...(canEdit
            ? [
                {
                  title: t("actions"),
                  key: "actions",
                  width: 150,
                  render: (_: unknown, team: Team) => (
                    <Space size={4}>
                      <Button
                        size="small"
                        icon={<EditOutlined />}
                        onClick={() => open(team)}
                        data-testid="team-edit"
                      >
                        {t("edit")}
                      </Button>
                      <Popconfirm
                        title={t("deleteConfirm", { name: team.name ?? "" })}
                        onConfirm={() => remove(team)}
                        okButtonProps={{ danger: true, "data-testid": "team-delete-confirm" }}
                      >
                        <Button
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          loading={deletingId === team.id}
                          aria-label={t("delete")}
                          data-testid="team-delete"
                        />
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={!!editing}
        title={editing?.team ? t("editTitle", { name: editing.team.name ?? "" }) : t("createTitle")}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t("save")}
        cancelText={t("cancel")}
        confirmLoading={saving}
        okButtonProps={{ "data-testid": "team-save" } as ButtonProps}
        forceRender
        width={560}
      >
        {formError && (
          <Alert
            type="error"
            showIcon
            title={formError}
            style={{ marginBottom: 12 }}
            data-testid="team-form-error"
          />
        )}
        <Form<FormValues>
          form={form}
          layout="vertical"
          onFinish={save}
          onValuesChange={() => setFormError(null)}
          data-testid="team-form"
        >
          <Form.Item
            name="name"
            label={t("name")}
            rules={[{ required: true, whitespace: true, message: t("nameRequired") }]}
          >
            <Input maxLength={64} data-testid="team-name-input" />
          </Form.Item>
          <Form.Item name="leaderId" label={t("leader")} extra={t("leaderHint")}>
            <Select
              mode="tags"
              maxCount={1}
              options={userOptions}
              showSearch={{ optionFilterProp: "label" }}
              placeholder={t("pickUser")}
              tagRender={({ value, closable, onClose }) => (
                <Tag closable={closable} onClose={onClose}>
                  {userLabel(String(value), names)}
                </Tag>
              )}
              data-testid="team-leader"
            />
          </Form.Item>
          <Form.Item name="memberIds" label={t("members")} extra={t("membersHint")}>
            <Select
              mode="tags"
              options={userOptions}
              showSearch={{ optionFilterProp: "label" }}
              placeholder={t("pickUser")}
              tagRender={({ value, closable, onClose }) => (
                <Tag closable={closable} onClose={onClose}>
                  {userLabel(String(value), names)}
                </Tag>
              )}
              data-testid="team-members"
            />
          </Form.Item>
          <Form.Item
            name="isDefault"
            label={t("isDefault")}
            valuePropName="checked"
            extra={t("defaultHint")}
          >
            <Switch data-testid="team-default-switch" />
          </Form.Item>
          {editing?.team && (
            <Typography.Text type="secondary">
              {t("areas")}:{" "}
              {(areasByTeam.get(editing.team.id ?? "") ?? []).join("、") || t("noAreas")} (
              {t("areasHint")})
            </Typography.Text>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
