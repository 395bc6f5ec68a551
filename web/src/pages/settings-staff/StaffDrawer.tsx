// One staff profile's form: kind, name, team, skills, weekly shifts, home base (picked on
// a map), vehicle and capacity. A profile is for an existing login: the server checks
// the user id (and its role against the kind) and names the field it refuses.
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  Button,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Spin,
  Typography,
} from "antd";
import { Suspense, lazy, useMemo, useState } from "react";
import { ApiError, api, client } from "../../api/client";
import { showFieldError } from "../../api/fieldErrors";
import type { LatLng } from "../../components/map/coords";
import type { MapArea, MapPoint } from "../../components/map/MapView";
import { useRemote } from "../../components/remote";
import { useT } from "../../i18n/messages";
import { errorText, loadAreas, type Staff, type Team } from "../settings-teams/data";
import { messages, type T } from "./messages";

const MapView = lazy(() => import("../../components/map/MapView"));

type Kind = NonNullable<Staff["kind"]>;
type Vehicle = NonNullable<Staff["vehicle"]>;
export const VEHICLES: Vehicle[] = ["ON_FOOT", "BICYCLE", "TRICYCLE", "E_BIKE", "VAN"];
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
const DEFAULT_SKILLS = ["管网维修", "水表", "饮水机", "送水"];

interface ShiftRow {
  weekday?: number;
  startLocal?: string;
  endLocal?: string;
}

interface FormValues {
  userId: string;
  kind: Kind;
  name: string;
  teamId?: string;
  skills: string[];
  shifts: ShiftRow[];
  homeBase?: LatLng | null;
  vehicle: Vehicle;
  capacityBarrels: number;
}

/** null: closed; `staff` absent: a new profile. */
export interface DrawerTarget {
  staff?: Staff;
}

function HomeBaseField({
  value,
  onChange,
  t,
}: {
  value?: LatLng | null;
  onChange?: (v: LatLng | null) => void;
  t: T;
}) {
  const areas = useRemote("areas", loadAreas);
  const mapAreas = useMemo<MapArea[]>(
    () =>
      (areas.data ?? []).map((a) => ({
        id: a.id ?? "",
        label: a.name ?? "",
        color: "#8c8c8c",
        points: (a.boundary ?? []).map((p) => ({ lat: p.lat ?? 0, lng: p.lng ?? 0 })),
      })),
    [areas.data],
  );
  const points = useMemo<MapPoint[]>(
    () => (value ? [{ id: "home", position: value, label: t("homeBase"), highlight: true }] : []),
    [value, t],
  );
  const set = (part: Partial<LatLng>) => {
    const next = { lat: value?.lat ?? 0, lng: value?.lng ?? 0, ...part };
    onChange?.(next);
  };
  return (
    <div data-testid="staff-home-base">
      <Space size={6} wrap style={{ marginBottom: 6 }}>
        <InputNumber
          prefix={t("lat")}
          value={value?.lat ?? null}
          onChange={(lat) => (lat === null ? undefined : set({ lat }))}
          min={-90}
          max={90}
          step={0.0001}
          style={{ width: 170 }}
          data-testid="staff-home-lat"
        />
        <InputNumber
          prefix={t("lng")}
          value={value?.lng ?? null}
          onChange={(lng) => (lng === null ? undefined : set({ lng }))}
          min={-180}
          max={180}
          step={0.0001}
          style={{ width: 170 }}
          data-testid="staff-home-lng"
        />
        <Button size="small" disabled={!value} onClick={() => onChange?.(null)}>
          {t("clearHomeBase")}
        </Button>
      </Space>
      <Suspense fallback={<Spin description={t("mapLoading")} />}>
        <MapView
          areas={mapAreas}
          points={points}
          height={200}
          fitKey={`home|${mapAreas.length}`}
          onMapClick={(p) =>
            onChange?.({ lat: Number(p.lat.toFixed(6)), lng: Number(p.lng.toFixed(6)) })
          }
          testId="staff-home-map"
        />
      </Suspense>
    </div>
  );
}

/** "shifts[0].endLocal" as a person reads it: "班次 1 结束". */
function fieldLabel(field: string, t: T): string | undefined {
  const shift = /^(?:staff\.)?shifts\[(\d+)\](?:\.(\w+))?/.exec(field);
  if (shift) {
    const part =
      shift[2] === "startLocal"
        ? t("start")
        : shift[2] === "endLocal"
          ? t("end")
          : shift[2] === "weekday"
            ? t("weekday")
            : "";
    return `${t("shifts")} ${Number(shift[1]) + 1} ${part}`.trim();
  }
  const plain: Record<string, string> = {
    userId: t("userId"),
    kind: t("kind"),
    name: t("name"),
    teamId: t("team"),
    skills: t("skills"),
    homeBase: t("homeBase"),
    vehicle: t("vehicle"),
    capacityBarrels: t("capacity"),
  };
  const key = field.replace(/^staff\./, "").replace(/[.[].*$/, "");
  return plain[key];
}

export function StaffDrawer({
  target,
  teams,
  knownSkills,
  onClose,
  onSaved,
}: {
  target: DrawerTarget | null;
  teams: Team[];
  knownSkills: string[];
  onClose: () => void;
  onSaved: (staff: Staff) => void;
}) {
  const t = useT(messages);
  const [form] = Form.useForm<FormValues>();
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const editing = target?.staff;

  const initial: FormValues = {
    userId: editing?.userId ?? "",
    kind: editing?.kind && editing.kind !== "KIND_UNSPECIFIED" ? editing.kind : "WORKER",
    name: editing?.name ?? "",
    teamId: editing?.teamId || undefined,
    skills: editing?.skills ?? [],
    shifts: (editing?.shifts ?? []).map((s) => ({ ...s })),
    homeBase: editing?.homeBase
      ? { lat: editing.homeBase.lat ?? 0, lng: editing.homeBase.lng ?? 0 }
      : null,
    vehicle: editing?.vehicle ?? "VEHICLE_UNSPECIFIED",
    capacityBarrels: editing?.capacityBarrels ?? 0,
  };

  const skillOptions = [...new Set([...DEFAULT_SKILLS, ...knownSkills])].map((s) => ({
    value: s,
    label: s,
  }));

  const save = async (values: FormValues) => {
    setFormError(null);
    const userId = values.userId.trim();
    const body: Staff = {
      userId,
      kind: values.kind,
      name: values.name.trim(),
      teamId: values.teamId ?? "",
      skills: (values.skills ?? []).map((s) => s.trim()).filter(Boolean),
      shifts: (values.shifts ?? []).map((s) => ({
        weekday: s.weekday,
        startLocal: (s.startLocal ?? "").trim(),
        endLocal: (s.endLocal ?? "").trim(),
      })),
      homeBase: values.homeBase ?? undefined,
      vehicle: values.vehicle,
      capacityBarrels: values.capacityBarrels ?? 0,
    };
    setSaving(true);
    try {
      const saved = await api(() =>
        client.PUT("/v1/staff/{staff.userId}", {
          params: { path: { "staff.userId": userId } },
          body,
        }),
      );
      onSaved(saved);
    } catch (err) {
      const field = err instanceof ApiError ? (err.field ?? "") : "";
      const label = fieldLabel(field, t);
      const text = errorText(err, label ? { [field]: label } : {});
      // The home base is one field on the form ("homeBase.lat" shows on it).
      const formField = /^(?:staff\.)?homeBase/.test(field) ? "homeBase" : field;
      const shown = new ApiError(
        err instanceof ApiError ? err.status : 0,
        err instanceof ApiError ? err.code : "",
        text,
        formField || undefined,
      );
      if (!showFieldError(form, shown, ["staff"])) setFormError(text);
    } finally {
      setSaving(false);
    }
  };

  const fillWeek = () => {
    const first: ShiftRow = (form.getFieldValue("shifts") as ShiftRow[] | undefined)?.[0] ?? {};
    form.setFieldValue(
      "shifts",
      WEEKDAYS.map((weekday) => ({
        weekday,
        startLocal: first.startLocal || "08:00",
        endLocal: first.endLocal || "18:00",
      })),
    );
  };

  return (
    <Drawer
      open={!!target}
      title={
        editing ? t("editTitle", { name: editing.name || editing.userId || "" }) : t("createTitle")
      }
      size={600}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t("cancel")}</Button>
          <Button
            type="primary"
            loading={saving}
            onClick={() => form.submit()}
            data-testid="staff-save"
          >
            {t("save")}
          </Button>
        </Flex>
      }
    >
      {formError && (
        <Alert
          type="error"
          showIcon
          title={formError}
          style={{ marginBottom: 12 }}
          data-testid="staff-form-error"
        />
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={save}
        onValuesChange={() => setFormError(null)}
        data-testid="staff-form"
      >
        <Form.Item
          name="userId"
          label={t("userId")}
          extra={editing ? undefined : t("userIdHint")}
          rules={[{ required: true, whitespace: true, message: t("userIdRequired") }]}
        >
          <Input disabled={!!editing} data-testid="staff-user-id" />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item name="kind" label={t("kind")}>
            <Radio.Group
              optionType="button"
              options={(["WORKER", "COURIER"] as const).map((k) => ({
                value: k,
                label: t(`kind_${k}`),
              }))}
              data-testid="staff-kind"
            />
          </Form.Item>
          <Form.Item name="name" label={t("name")} tooltip={t("nameHint")} style={{ flex: 1 }}>
            <Input maxLength={120} data-testid="staff-name" />
          </Form.Item>
        </Flex>
        <Form.Item name="teamId" label={t("team")} tooltip={t("teamHint")}>
          <Select
            allowClear
            options={teams.map((team) => ({ value: team.id ?? "", label: team.name ?? "" }))}
            data-testid="staff-team"
          />
        </Form.Item>
        <Form.Item name="skills" label={t("skills")} extra={t("skillsHint")}>
          <Select
            mode="tags"
            options={skillOptions}
            placeholder={t("skillsPlaceholder")}
            maxCount={20}
            data-testid="staff-skills"
          />
        </Form.Item>
        <Form.Item label={t("shifts")} extra={t("shiftsHint")} style={{ marginBottom: 12 }}>
          <Form.List name="shifts">
            {(fields, { add, remove }) => (
              <div data-testid="staff-shifts">
                {fields.map((field) => (
                  // One row, its fields without their own messages: the server's word on
                  // any of them shows under the whole row.
                  <Form.Item key={field.key} style={{ marginBottom: 6 }}>
                    <Space size={6} data-testid="staff-shift-row">
                      <Form.Item name={[field.name, "weekday"]} noStyle>
                        <Select
                          style={{ width: 90 }}
                          aria-label={t("weekday")}
                          options={WEEKDAYS.map((d) => ({
                            value: d,
                            label: t(`weekday_${d}` as "weekday_1"),
                          }))}
                        />
                      </Form.Item>
                      <Form.Item name={[field.name, "startLocal"]} noStyle>
                        <Input
                          style={{ width: 90 }}
                          placeholder="08:00"
                          aria-label={t("start")}
                          maxLength={5}
                          data-testid="staff-shift-start"
                        />
                      </Form.Item>
                      <Typography.Text>–</Typography.Text>
                      <Form.Item name={[field.name, "endLocal"]} noStyle>
                        <Input
                          style={{ width: 90 }}
                          placeholder="18:00"
                          aria-label={t("end")}
                          maxLength={5}
                          data-testid="staff-shift-end"
                        />
                      </Form.Item>
                      <Button
                        type="text"
                        icon={<DeleteOutlined />}
                        aria-label={t("removeShift")}
                        title={t("removeShift")}
                        onClick={() => remove(field.name)}
                        data-testid="staff-shift-remove"
                      />
                    </Space>
                  </Form.Item>
                ))}
                <Space size={6}>
                  <Button
                    size="small"
                    icon={<PlusOutlined />}
                    onClick={() => add({ weekday: 1, startLocal: "08:00", endLocal: "18:00" })}
                    data-testid="staff-add-shift"
                  >
                    {t("addShift")}
                  </Button>
                  <Button size="small" onClick={fillWeek}>
                    {t("fillWeek")}
                  </Button>
                </Space>
              </div>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item name="homeBase" label={t("homeBase")} extra={t("homeBaseHint")}>
          <HomeBaseField t={t} />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item
            name="vehicle"
            label={t("vehicle")}
            tooltip={t("vehicleHint")}
            style={{ flex: 1 }}
          >
            <Select
              options={(["VEHICLE_UNSPECIFIED", ...VEHICLES] as const).map((v) => ({
                value: v,
                label: t(`vehicle_${v}`),
              }))}
              data-testid="staff-vehicle"
            />
          </Form.Item>
          <Form.Item
            name="capacityBarrels"
            label={t("capacity")}
            tooltip={t("capacityHint")}
            style={{ flex: 1 }}
          >
            <InputNumber
              min={0}
              precision={0}
              style={{ width: "100%" }}
              data-testid="staff-capacity"
            />
          </Form.Item>
        </Flex>
      </Form>
    </Drawer>
  );
}
