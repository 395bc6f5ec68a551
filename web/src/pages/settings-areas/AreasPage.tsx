// 服务片区: the tenant's areas on a map and in a list; an area is drawn by clicking its
// vertices on the map (numbered, draggable, undo, clear, close), named and given to a
// team. The server judges the shape (too few points, crossing itself…): its refusal is
// shown on the shape itself, red with the reason in a permanent tooltip, and beside the form.
import { DeleteOutlined, EditOutlined, PlusOutlined, UndoOutlined } from "@ant-design/icons";
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  Flex,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { Suspense, lazy, useMemo, useState, type HTMLAttributes } from "react";
import { ApiError, api, client, idempotent } from "../../api/client";
import { useIdempotencyKey } from "../../api/idempotency";
import type { LatLng } from "../../components/map/coords";
import type { MapArea, MapDrawing } from "../../components/map/MapView";
import { useRemote } from "../../components/remote";
import { useT } from "../../i18n/messages";
import { errorText, hasRole, loadAreas, loadTeams, type Area } from "../settings-teams/data";
import { messages } from "./messages";

const MapView = lazy(() => import("../../components/map/MapView"));

const PALETTE = ["#1677ff", "#52c41a", "#722ed1", "#13c2c2", "#eb2f96", "#faad14", "#2f54eb"];
const OTHER_AREA = "#8c8c8c";

interface FormValues {
  name: string;
  teamId: string;
  priority: number;
}

interface Editing {
  /** Absent for a new area. */
  area?: Area;
  /** Remounts the form for each new editing session. */
  session: number;
}

interface ShapeError {
  text: string;
  /** The vertex the server named (area.boundary[i]…), 0-based. */
  vertex?: number;
}

function vertexText(p: LatLng): string {
  return `${p.lat.toFixed(5)}, ${p.lng.toFixed(5)}`;
}

/** The form beside the map: name, team, priority and the vertices drawn so far. */
function AreaEditor({
  area,
  teamOptions,
  teamsLoading,
  points,
  closed,
  shapeError,
  onShape,
  onRefused,
  onSaved,
  onCancel,
}: {
  /** Absent for a new area. */
  area?: Area;
  teamOptions: { value: string; label: string }[];
  teamsLoading: boolean;
  points: LatLng[];
  closed: boolean;
  shapeError: ShapeError | null;
  /** The shape changed (this clears the server's word on it). */
  onShape: (points: LatLng[], closed: boolean) => void;
  /** The server refused the shape. */
  onRefused: (error: ShapeError) => void;
  onSaved: (area: Area) => void;
  onCancel: () => void;
}) {
  const t = useT(messages);
  const [form] = Form.useForm<FormValues>();
  const idempotency = useIdempotencyKey();
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const labels = {
    "area.name": t("name"),
    "area.teamId": t("team"),
    "area.priority": t("priority"),
    "area.boundary": t("boundary"),
  };

  const showError = (err: unknown) => {
    const text = errorText(err, labels);
    const field = err instanceof ApiError ? (err.field ?? "") : "";
    const boundary = /^(?:area\.)?boundary(?:\[(\d+)\])?/.exec(field);
    if (boundary) {
      onRefused({ text, vertex: boundary[1] !== undefined ? Number(boundary[1]) : undefined });
      return;
    }
    const name = /^(?:area\.)?(name|teamId|priority)$/.exec(field);
    if (name) {
      form.setFields([{ name: name[1] as keyof FormValues, errors: [text] }]);
      return;
    }
    setFormError(text);
  };

  const save = async (values: FormValues) => {
    setFormError(null);
    // The server closes the ring; so does the drawing, to show what was sent.
    onShape(points, true);
    const id = area?.id;
    const body = {
      name: values.name.trim(),
      teamId: values.teamId,
      priority: values.priority ?? 0,
      boundary: points,
    };
    setSaving(true);
    try {
      const saved = id
        ? await api(() =>
            client.PUT("/v1/areas/{area.id}", {
              params: { path: { "area.id": id } },
              body: { ...body, id },
            }),
          )
        : await api(() => client.POST("/v1/areas", { body, ...idempotent(idempotency.key()) }));
      if (!id) idempotency.done();
      onSaved(saved);
    } catch (err) {
      // A refusal is final for this request: the corrected one is a new create.
      if (!id && err instanceof ApiError && err.status >= 400 && err.status < 500) {
        if (err.status !== 409) idempotency.done();
      }
      showError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      size="small"
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {area ? t("editTitle", { name: area.name ?? "" }) : t("createTitle")}
        </Typography.Title>
      }
      data-testid="area-editor"
    >
      {formError && (
        <Alert
          type="error"
          showIcon
          title={formError}
          style={{ marginBottom: 12 }}
          data-testid="area-form-error"
        />
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{
          name: area?.name ?? "",
          teamId: area?.teamId || undefined,
          priority: area?.priority ?? 0,
        }}
        onFinish={save}
        onValuesChange={() => setFormError(null)}
      >
        <Form.Item
          name="name"
          label={t("name")}
          rules={[{ required: true, whitespace: true, message: t("nameRequired") }]}
        >
          <Input maxLength={64} data-testid="area-name-input" />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item
            name="teamId"
            label={t("team")}
            tooltip={t("teamHint")}
            rules={[{ required: true, message: t("teamRequired") }]}
            style={{ flex: 1, minWidth: 0 }}
          >
            <Select
              options={teamOptions}
              loading={teamsLoading}
              showSearch={{ optionFilterProp: "label" }}
              data-testid="area-team"
            />
          </Form.Item>
          <Form.Item
            name="priority"
            label={t("priority")}
            tooltip={t("priorityHint")}
            style={{ width: 96 }}
          >
            <InputNumber precision={0} style={{ width: "100%" }} data-testid="area-priority" />
          </Form.Item>
        </Flex>
        <Form.Item label={t("boundary")} tooltip={t("boundaryHint")}>
          <div data-testid="area-boundary">
            <Space wrap size={6} style={{ marginBottom: 6 }}>
              <Typography.Text data-testid="area-point-count">
                {t("pointCount", { n: points.length })}
              </Typography.Text>
              {closed && <Tag color="green">{t("closed")}</Tag>}
            </Space>
            <Space wrap size={6}>
              <Button
                size="small"
                icon={<UndoOutlined />}
                disabled={points.length === 0}
                onClick={() => onShape(points.slice(0, -1), closed)}
                data-testid="area-undo"
              >
                {t("undo")}
              </Button>
              <Button
                size="small"
                disabled={points.length === 0}
                onClick={() => onShape([], false)}
                data-testid="area-clear"
              >
                {t("clear")}
              </Button>
              {closed ? (
                <Button
                  size="small"
                  onClick={() => onShape(points, false)}
                  data-testid="area-reopen"
                >
                  {t("reopen")}
                </Button>
              ) : (
                <Button
                  size="small"
                  disabled={points.length < 3}
                  onClick={() => onShape(points, true)}
                  data-testid="area-close-ring"
                >
                  {t("closeRing")}
                </Button>
              )}
            </Space>
            {points.length > 0 && (
              <div
                style={{
                  maxHeight: 132,
                  overflowY: "auto",
                  marginTop: 8,
                  border: "1px solid #f0f0f0",
                  borderRadius: 4,
                }}
              >
                {points.map((p, i) => (
                  <Flex
                    key={i}
                    align="center"
                    justify="space-between"
                    style={{
                      padding: "1px 8px",
                      fontSize: 12,
                      color: shapeError?.vertex === i ? "#cf1322" : undefined,
                    }}
                    data-testid="area-vertex-row"
                  >
                    <span>
                      {i + 1}. {vertexText(p)}
                    </span>
                    <Button
                      type="text"
                      size="small"
                      aria-label={t("removeVertex")}
                      title={t("removeVertex")}
                      icon={<DeleteOutlined />}
                      onClick={() =>
                        onShape(
                          points.filter((_, j) => j !== i),
                          closed,
                        )
                      }
                    />
                  </Flex>
                ))}
              </div>
            )}
            {shapeError && (
              <Typography.Text
                type="danger"
                style={{ display: "block", marginTop: 4 }}
                data-testid="area-boundary-error"
              >
                {shapeError.text}
              </Typography.Text>
            )}
          </div>
        </Form.Item>
        <Space>
          <Button
            type="primary"
            htmlType="submit"
            loading={saving}
            disabled={points.length < 3}
            title={points.length < 3 ? t("needThree") : undefined}
            data-testid="area-save"
          >
            {t("save")}
          </Button>
          <Button onClick={onCancel} data-testid="area-cancel">
            {t("cancel")}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

export default function AreasPage() {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const areas = useRemote("areas", loadAreas);
  const teams = useRemote("teams", loadTeams);
  const canEdit = hasRole(["admin", "dispatcher"]);

  const [editing, setEditing] = useState<Editing | null>(null);
  const [points, setPoints] = useState<LatLng[]>([]);
  const [closed, setClosed] = useState(false);
  const [shapeError, setShapeError] = useState<ShapeError | null>(null);
  const [deletingId, setDeletingId] = useState<string | null>(null);

  const list = useMemo(() => areas.data ?? [], [areas.data]);

  // Any change to the shape makes the server's last word about it stale.
  const changeShape = (next: LatLng[], nextClosed: boolean) => {
    setPoints(next);
    setClosed(nextClosed && next.length >= 3);
    setShapeError(null);
  };

  const startEditing = (area?: Area) => {
    if (!canEdit) return;
    setEditing({ area, session: Date.now() });
    const boundary = (area?.boundary ?? []).map((p) => ({ lat: p.lat ?? 0, lng: p.lng ?? 0 }));
    setPoints(boundary);
    setClosed(boundary.length >= 3);
    setShapeError(null);
  };

  const stopEditing = () => {
    setEditing(null);
    setPoints([]);
    setClosed(false);
    setShapeError(null);
  };

  const remove = async (area: Area) => {
    const id = area.id ?? "";
    setDeletingId(id);
    try {
      await api(() => client.DELETE("/v1/areas/{id}", { params: { path: { id } } }));
      message.success(t("deleted", { name: area.name ?? "" }));
      if (editing?.area?.id === id) stopEditing();
      areas.reload();
    } catch (err) {
      message.error(t("deleteFailed", { message: errorText(err) }));
    } finally {
      setDeletingId(null);
    }
  };

  // What the map shows: every area (the one being edited is the drawing instead), each in
  // its own colour; while drawing, the others in grey so the new shape stands out.
  const editingId = editing?.area?.id;
  const mapAreas = useMemo<MapArea[]>(
    () =>
      list
        .filter((a) => !editing || a.id !== editingId)
        .map((a, i) => ({
          id: a.id ?? "",
          label: a.teamName ? `${a.name} · ${a.teamName}` : (a.name ?? ""),
          color: editing ? OTHER_AREA : PALETTE[i % PALETTE.length],
          points: (a.boundary ?? []).map((p) => ({ lat: p.lat ?? 0, lng: p.lng ?? 0 })),
        })),
    [list, editing, editingId],
  );
  const drawing = useMemo<MapDrawing | undefined>(
    () =>
      editing
        ? {
            points,
            closed,
            error: shapeError?.text,
            errorVertex: shapeError?.vertex,
            onMove: (i, p) =>
              changeShape(
                points.map((q, j) => (j === i ? p : q)),
                closed,
              ),
            onVertexClick: (i) => {
              if (i === 0 && !closed && points.length >= 3) changeShape(points, true);
            },
          }
        : undefined,
    [editing, points, closed, shapeError],
  );
  // The view fits the areas when the list changes or another area is opened, never on a
  // click, so drawing does not move the map.
  const fitKey = `${list.map((a) => a.id).join(",")}|${editingId ?? ""}`;

  const addPoint = (p: LatLng) => {
    if (!editing || closed) return;
    changeShape([...points, p], false);
  };

  const teamOptions = (teams.data ?? []).map((team) => ({
    value: team.id ?? "",
    label: team.name ?? "",
  }));

  const listPanel = (
    <Card
      size="small"
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
            onClick={() => startEditing()}
            data-testid="area-create"
          >
            {t("create")}
          </Button>
        ) : null
      }
      styles={{ body: { padding: 0 } }}
    >
      {!canEdit && (
        <Alert type="info" showIcon banner title={t("readOnly")} style={{ marginBottom: 0 }} />
      )}
      {!!areas.error && (
        <Alert
          type="error"
          showIcon
          banner
          title={t("loadFailed", { message: errorText(areas.error) })}
        />
      )}
      <Table<Area>
        rowKey="id"
        size="small"
        loading={areas.loading}
        dataSource={list}
        pagination={false}
        scroll={{ y: "calc(100vh - 260px)" }}
        locale={{ emptyText: t("empty") }}
        data-testid="areas-table"
        onRow={(a) =>
          ({
            "data-testid": `area-row-${a.id}`,
            style: { cursor: canEdit ? "pointer" : undefined },
            onClick: () => startEditing(a),
          }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t("name"),
            key: "name",
            ellipsis: true,
            render: (_, a, i) => (
              <Space size={6}>
                <span
                  style={{
                    display: "inline-block",
                    width: 10,
                    height: 10,
                    borderRadius: 2,
                    background: PALETTE[i % PALETTE.length],
                  }}
                />
                <span data-testid="area-name">{a.name}</span>
              </Space>
            ),
          },
          {
            title: t("team"),
            key: "team",
            ellipsis: true,
            render: (_, a) => a.teamName || t("noTeam"),
          },
          { title: t("priority"), dataIndex: "priority", width: 64, align: "right" },
          ...(canEdit
            ? [
                {
                  title: t("actions"),
                  key: "actions",
                  width: 84,
                  render: (_: unknown, a: Area) => (
                    // Clicks here do not open the editor as a click on the row does.
                    <Space size={0} onClick={(e) => e.stopPropagation()}>
                      <Tooltip title={t("edit")}>
                        <Button
                          type="text"
                          size="small"
                          icon={<EditOutlined />}
                          aria-label={t("edit")}
                          onClick={() => startEditing(a)}
                          data-testid="area-edit"
                        />
                      </Tooltip>
                      <Popconfirm
                        title={t("deleteConfirm", { name: a.name ?? "" })}
                        onConfirm={() => remove(a)}
                        okButtonProps={{ danger: true, "data-testid": "area-delete-confirm" }}
                      >
                        <Button
                          type="text"
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t("delete")}
                          loading={deletingId === a.id}
                          data-testid="area-delete"
                        />
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );

  const editorPanel = editing && (
    <AreaEditor
      key={editing.session}
      area={editing.area}
      teamOptions={teamOptions}
      teamsLoading={teams.loading}
      points={points}
      closed={closed}
      shapeError={shapeError}
      onShape={changeShape}
      onRefused={setShapeError}
      onSaved={(saved) => {
        message.success(t("saved", { name: saved.name ?? "" }));
        stopEditing();
        areas.reload();
      }}
      onCancel={stopEditing}
    />
  );

  return (
    <Flex gap={12} align="stretch" style={{ minHeight: "calc(100vh - 88px)" }}>
      <div style={{ width: 380, flex: "none", overflowY: "auto", maxHeight: "calc(100vh - 88px)" }}>
        {editorPanel || listPanel}
      </div>
      <div style={{ flex: 1, minWidth: 0, position: "relative" }}>
        <Suspense fallback={<Spin description={t("mapLoading")} style={{ margin: 48 }} />}>
          <MapView
            areas={mapAreas}
            drawing={drawing}
            fitKey={fitKey}
            height="calc(100vh - 88px)"
            onMapClick={editing ? addPoint : undefined}
            onAreaClick={
              editing
                ? undefined
                : (id) => {
                    const area = list.find((a) => a.id === id);
                    if (area) startEditing(area);
                  }
            }
            testId="areas-map"
          />
        </Suspense>
        {editing && (
          // Over the map's top edge, right of the zoom buttons; clicks pass through to the map.
          <Alert
            type={shapeError ? "error" : "info"}
            showIcon
            title={
              shapeError
                ? t("refused")
                : closed
                  ? t("closedHint")
                  : t("drawingHint", { n: points.length })
            }
            style={{
              position: "absolute",
              top: 10,
              left: 56,
              right: 10,
              zIndex: 1000,
              pointerEvents: "none",
              opacity: 0.95,
            }}
            data-testid="area-draw-hint"
          />
        )}
      </div>
    </Flex>
  );
}
