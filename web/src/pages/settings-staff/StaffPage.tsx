// 人员档案: the dispatch profiles of workers (维修工) and couriers (送水工): kind, team,
// skills, weekly shifts, vehicle and capacity, with duty and load; filter, create, edit,
// delete. Accounts come from the identity service; a profile is for an existing user id.
import { DeleteOutlined, EditOutlined, PlusOutlined } from "@ant-design/icons";
import {
  App as AntApp,
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { useMemo, useState, type HTMLAttributes } from "react";
import { api, client } from "../../api/client";
import { useRemote } from "../../components/remote";
import { formatTime } from "../../components/time";
import { useT } from "../../i18n/messages";
import { errorText, loadTeams, type Staff } from "../settings-teams/data";
import { StaffDrawer, WEEKDAYS, type DrawerTarget } from "./StaffDrawer";
import { messages, type T } from "./messages";

type Kind = NonNullable<Staff["kind"]>;

interface Query {
  kind?: Kind;
  teamId?: string;
  skill?: string;
  onDuty?: boolean;
}

async function loadStaff(q: Query): Promise<Staff[]> {
  const res = await api(() =>
    client.GET("/v1/staff", {
      params: {
        query: {
          kind: q.kind,
          teamId: q.teamId || undefined,
          skill: q.skill || undefined,
          onDuty: q.onDuty || undefined,
        },
      },
    }),
  );
  return res.staff ?? [];
}

/** Weekly shifts in a line: days with the same hours together ("每天 08:00–20:00"). */
export function shiftsText(shifts: Staff["shifts"], t: T): string {
  const byHours = new Map<string, number[]>();
  for (const s of shifts ?? []) {
    const hours = `${s.startLocal ?? ""}–${s.endLocal ?? ""}`;
    byHours.set(hours, [...(byHours.get(hours) ?? []), s.weekday ?? 0]);
  }
  return [...byHours.entries()]
    .map(([hours, days]) => {
      const unique = [...new Set(days)].sort();
      const when =
        unique.length === WEEKDAYS.length
          ? t("everyDay")
          : unique.map((d) => t(`weekday_${d}` as "weekday_1")).join("、");
      return `${when} ${hours}`;
    })
    .join("；");
}

export default function StaffPage() {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const [query, setQuery] = useState<Query>({});
  const staff = useRemote(`staff|${JSON.stringify(query)}`, () => loadStaff(query));
  const teams = useRemote("teams", loadTeams);
  const [target, setTarget] = useState<DrawerTarget | null>(null);
  const [deletingId, setDeletingId] = useState<string | null>(null);
  const [skillInput, setSkillInput] = useState("");

  const teamNames = useMemo(
    () => new Map((teams.data ?? []).map((team) => [team.id ?? "", team.name ?? ""])),
    [teams.data],
  );
  const knownSkills = useMemo(
    () => [...new Set((staff.data ?? []).flatMap((s) => s.skills ?? []))],
    [staff.data],
  );

  const remove = async (s: Staff) => {
    const userId = s.userId ?? "";
    setDeletingId(userId);
    try {
      await api(() => client.DELETE("/v1/staff/{userId}", { params: { path: { userId } } }));
      message.success(t("deleted", { name: s.name || userId }));
      staff.reload();
    } catch (err) {
      message.error(t("deleteFailed", { message: errorText(err) }), 8);
    } finally {
      setDeletingId(null);
    }
  };

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
      }
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setTarget({})}
          data-testid="staff-create"
        >
          {t("create")}
        </Button>
      }
      styles={{ body: { paddingTop: 12 } }}
    >
      <Form layout="inline" style={{ rowGap: 8, marginBottom: 12 }} data-testid="staff-filters">
        <Form.Item label={t("filterKind")}>
          <Select
            allowClear
            style={{ width: 110 }}
            value={query.kind}
            onChange={(kind?: Kind) => setQuery({ ...query, kind })}
            options={(["WORKER", "COURIER"] as const).map((k) => ({
              value: k,
              label: t(`kind_${k}`),
            }))}
            data-testid="staff-filter-kind"
          />
        </Form.Item>
        <Form.Item label={t("filterTeam")}>
          <Select
            allowClear
            style={{ width: 160 }}
            value={query.teamId}
            onChange={(teamId?: string) => setQuery({ ...query, teamId })}
            options={(teams.data ?? []).map((team) => ({
              value: team.id ?? "",
              label: team.name ?? "",
            }))}
            data-testid="staff-filter-team"
          />
        </Form.Item>
        <Form.Item label={t("filterSkill")}>
          <Input.Search
            allowClear
            style={{ width: 180 }}
            value={skillInput}
            onChange={(e) => setSkillInput(e.target.value)}
            onSearch={(skill) => setQuery({ ...query, skill: skill.trim() || undefined })}
            data-testid="staff-filter-skill"
          />
        </Form.Item>
        <Form.Item>
          <Checkbox
            checked={!!query.onDuty}
            onChange={(e) => setQuery({ ...query, onDuty: e.target.checked || undefined })}
            data-testid="staff-filter-on-duty"
          >
            {t("filterOnDuty")}
          </Checkbox>
        </Form.Item>
      </Form>
      {!!staff.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("loadFailed", { message: errorText(staff.error) })}
        />
      )}
      <Table<Staff>
        rowKey="userId"
        size="middle"
        loading={staff.loading}
        dataSource={staff.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t("empty") }}
        data-testid="staff-table"
        onRow={(s) => ({ "data-testid": `staff-row-${s.userId}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t("name"),
            key: "name",
            width: 120,
            ellipsis: true,
            render: (_, s) => (
              <Tooltip
                title={
                  <>
                    {s.userId}
                    {s.updateTime && (
                      <div>{t("updatedAt", { time: formatTime(s.updateTime) })}</div>
                    )}
                  </>
                }
              >
                <span data-testid="staff-name-cell">{s.name || s.userId}</span>
              </Tooltip>
            ),
          },
          {
            title: t("kind"),
            key: "kind",
            width: 80,
            render: (_, s) => (
              <Tag color={s.kind === "COURIER" ? "cyan" : "blue"}>
                {t(`kind_${s.kind ?? "KIND_UNSPECIFIED"}`)}
              </Tag>
            ),
          },
          {
            title: t("team"),
            key: "team",
            width: 120,
            ellipsis: true,
            render: (_, s) => teamNames.get(s.teamId ?? "") ?? "",
          },
          {
            title: t("skills"),
            key: "skills",
            minWidth: 160,
            render: (_, s) => (
              <Space size={[0, 4]} wrap>
                {(s.skills ?? []).map((skill) => (
                  <Tag key={skill} variant="filled">
                    {skill}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t("shifts"),
            key: "shifts",
            width: 180,
            render: (_, s) =>
              s.shifts?.length ? (
                <Typography.Text style={{ fontSize: 12 }}>
                  {shiftsText(s.shifts, t)}
                </Typography.Text>
              ) : (
                <Typography.Text type="secondary">{t("noShifts")}</Typography.Text>
              ),
          },
          {
            title: t("vehicle"),
            key: "vehicle",
            width: 84,
            render: (_, s) =>
              s.vehicle && s.vehicle !== "VEHICLE_UNSPECIFIED" ? t(`vehicle_${s.vehicle}`) : "",
          },
          {
            title: t("capacity"),
            key: "capacity",
            width: 96,
            align: "right",
            render: (_, s) => (
              <Tooltip
                title={
                  s.kind === "COURIER"
                    ? t("load", { load: s.loadBarrels ?? 0, capacity: s.capacityBarrels ?? 0 })
                    : undefined
                }
              >
                <span data-testid="staff-capacity-cell">{s.capacityBarrels ?? 0}</span>
              </Tooltip>
            ),
          },
          {
            title: t("duty"),
            key: "duty",
            width: 80,
            render: (_, s) =>
              s.onDuty ? (
                <Badge status="success" text={t("onDuty")} />
              ) : (
                <Badge status="default" text={t("offDuty")} />
              ),
          },
          {
            title: t("actions"),
            key: "actions",
            width: 130,
            render: (_, s) => (
              <Space size={4}>
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  onClick={() => setTarget({ staff: s })}
                  data-testid="staff-edit"
                >
                  {t("edit")}
                </Button>
                <Popconfirm
                  title={t("deleteConfirm", { name: s.name || s.userId || "" })}
                  onConfirm={() => remove(s)}
                  okButtonProps={{ danger: true, "data-testid": "staff-delete-confirm" }}
                >
                  <Button
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    loading={deletingId === s.userId}
                    aria-label={t("delete")}
                    data-testid="staff-delete"
                  />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <StaffDrawer
        target={target}
        teams={teams.data ?? []}
        knownSkills={knownSkills}
        onClose={() => setTarget(null)}
        onSaved={(saved) => {
          message.success(t("saved", { name: saved.name || saved.userId || "" }));
          setTarget(null);
          staff.reload();
        }}
      />
    </Card>
  );
}
