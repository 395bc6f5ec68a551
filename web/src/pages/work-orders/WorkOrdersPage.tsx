// Work orders: the pool (open orders nobody has taken yet, for dispatchers and leaders),
// every order (for the desk) and my to-dos. Lists are paged by the server with page
// tokens; the filters live in the address bar, so going back from an order keeps them.
import { ReloadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  DatePicker,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from "antd";
import dayjs from "dayjs";
import { useState, type HTMLAttributes, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { ApiError, api, client, idempotent } from "../../api/client";
import { newIdempotencyKey } from "../../api/idempotency";
import { getSession, type Role } from "../../auth/session";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { messages } from "./messages";
import {
  CHANNELS,
  WORK_ORDER_TYPES,
  channelLabel,
  todoKindColors,
  todoKindLabel,
  typeLabel,
  urgencyColors,
  urgencyLabel,
  urgencyRank,
  type Area,
  type Channel,
  type Team,
  type Todo,
  type WorkOrder,
  type WorkOrderType,
} from "./model";
import { useCursorPager, useNow, useRemote, type CursorPager } from "../../components/remote";
import { DueCountdown, SlaCountdown, slaOf, statusOfDue, type SlaStatus } from "./sla";
import { useWorkflows, type Workflows } from "./workflows";

type TabKey = "pool" | "all" | "todos";

const POOL_ROLES: Role[] = ["dispatcher", "leader", "manager", "admin"];
const ALL_ROLES: Role[] = ["agent", "dispatcher", "leader", "manager", "admin"];
const PAGE_SIZES = [20, 50, 100];

function tabsFor(roles: readonly Role[]): TabKey[] {
  const tabs: TabKey[] = [];
  const pool = roles.some((r) => POOL_ROLES.includes(r));
  const all = roles.some((r) => ALL_ROLES.includes(r));
  // Dispatchers and leaders start at the pool, workers at their to-dos, the desk at all.
  if (pool && (roles.includes("dispatcher") || roles.includes("leader"))) tabs.push("pool");
  if (all) tabs.push("all");
  if (pool && !tabs.includes("pool")) tabs.push("pool");
  tabs.push("todos");
  if (roles.includes("worker") && !pool && !roles.includes("agent")) {
    return ["todos", ...tabs.filter((t) => t !== "todos")];
  }
  return tabs;
}

type Filters = {
  get: (name: string) => string;
  set: (changes: Record<string, string | undefined>) => void;
};

export default function WorkOrdersPage() {
  const t = useT(messages);
  const session = getSession();
  const [params, setParams] = useSearchParams();
  const tabs = tabsFor(session?.roles ?? []);
  const requested = params.get("tab") as TabKey | null;
  const tab: TabKey = requested && tabs.includes(requested) ? requested : tabs[0];

  const filters: Filters = {
    get: (name) => params.get(name) ?? "",
    set: (changes) => {
      const next = new URLSearchParams(params);
      for (const [name, value] of Object.entries(changes)) {
        if (value) next.set(name, value);
        else next.delete(name);
      }
      setParams(next, { replace: true });
    },
  };

  const labels: Record<TabKey, string> = {
    pool: t("tabPool"),
    all: t("tabAll"),
    todos: t("tabTodos"),
  };
  const content: Record<TabKey, ReactNode> = {
    pool: <WorkOrderList mode="pool" filters={filters} />,
    all: <WorkOrderList mode="all" filters={filters} />,
    todos: <TodoList filters={filters} />,
  };
  return (
    <div data-testid="work-orders-page">
      <Typography.Title level={4} style={{ marginTop: 0, marginBottom: 8 }}>
        {t("listTitle")}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        destroyOnHidden
        onChange={(key) => setParams(new URLSearchParams({ tab: key }))}
        items={tabs.map((key) => ({
          key,
          label: <span data-testid={`wo-tab-${key}`}>{labels[key]}</span>,
          children: content[key],
        }))}
      />
    </div>
  );
}

function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message || err.code;
  return err instanceof Error ? err.message : String(err);
}

/** The server's page or the explanation why there is none, with a retry. */
function LoadError({ error, retry }: { error: unknown; retry: () => void }) {
  const t = useT(messages);
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 12 }}
      title={t("loadFailed")}
      description={errorText(error)}
      data-testid="wo-load-error"
      action={
        <Button size="small" onClick={retry}>
          {t("retry")}
        </Button>
      }
    />
  );
}

function Pager<T>({
  pager,
  pageSize,
  onPageSize,
  shown,
}: {
  pager: CursorPager<T>;
  pageSize: number;
  onPageSize: (n: number) => void;
  shown: number;
}) {
  const t = useT(messages);
  return (
    <Space style={{ marginTop: 12, width: "100%", justifyContent: "flex-end" }} wrap>
      <Typography.Text type="secondary">
        {shown === pager.items.length
          ? t("pageCount", { n: pager.items.length })
          : t("pageCountFiltered", { shown, n: pager.items.length })}
      </Typography.Text>
      <Button disabled={!pager.hasPrev || pager.loading} onClick={pager.prev} data-testid="wo-prev">
        {t("prevPage")}
      </Button>
      <Typography.Text>{t("pageNo", { n: pager.page })}</Typography.Text>
      <Button disabled={!pager.hasNext} onClick={pager.next} data-testid="wo-next">
        {t("nextPage")}
      </Button>
      <Select
        value={pageSize}
        style={{ width: 110 }}
        onChange={onPageSize}
        options={PAGE_SIZES.map((n) => ({ value: n, label: t("perPage", { n }) }))}
      />
    </Space>
  );
}

function rowProps(testId: string): HTMLAttributes<HTMLElement> {
  return { "data-testid": testId } as HTMLAttributes<HTMLElement>;
}

function isFinished(order: WorkOrder, workflows: Workflows): boolean {
  if (order.resolveTime) return true;
  const wf = order.type ? workflows.byKind.get(order.type) : undefined;
  return !!wf?.states?.find((s) => s.name === order.state)?.terminal;
}

function SlaFilter({ filters }: { filters: Filters }) {
  const t = useT(messages);
  return (
    <Select
      allowClear
      placeholder={t("filterSla")}
      style={{ width: 130 }}
      value={filters.get("sla") || undefined}
      onChange={(v) => filters.set({ sla: v })}
      data-testid="wo-filter-sla"
      options={[
        { value: "overdue", label: t("slaFilterOverdue") },
        { value: "soon", label: t("slaFilterSoon") },
        { value: "ok", label: t("slaFilterOk") },
      ]}
    />
  );
}

function TypeFilter({ filters }: { filters: Filters }) {
  const t = useT(messages);
  const language = useLanguage();
  return (
    <Select
      allowClear
      placeholder={t("filterType")}
      style={{ width: 110 }}
      value={filters.get("type") || undefined}
      onChange={(v) => filters.set({ type: v })}
      options={WORK_ORDER_TYPES.map((v) => ({ value: v, label: typeLabel(v, language) }))}
    />
  );
}

function ChannelFilter({ filters }: { filters: Filters }) {
  const t = useT(messages);
  const language = useLanguage();
  return (
    <Select
      allowClear
      placeholder={t("filterChannel")}
      style={{ width: 110 }}
      value={filters.get("channel") || undefined}
      onChange={(v) => filters.set({ channel: v })}
      options={CHANNELS.map((v) => ({ value: v, label: channelLabel(v, language) }))}
    />
  );
}

/** Customers found by name, phone or address; the choice filters by the customer's id. */
function CustomerFilter({ filters }: { filters: Filters }) {
  const t = useT(messages);
  const [query, setQuery] = useState("");
  const [timer, setTimer] = useState<ReturnType<typeof setTimeout> | null>(null);
  const found = useRemote(query ? `customers|${query}` : null, () =>
    api(() =>
      client.GET("/v1/customers:search", { params: { query: { q: query, pageSize: 10 } } }),
    ),
  );
  const id = filters.get("customerId");
  const name = filters.get("customerName");
  const options = (found.data?.hits ?? [])
    .map((h) => h.customer)
    .filter((c) => c?.id)
    .map((c) => ({
      value: c!.id!,
      label: `${c!.name ?? ""}${c!.phones?.[0] ? " · " + c!.phones[0] : ""}`,
    }));
  if (id && !options.some((o) => o.value === id)) options.unshift({ value: id, label: name || id });
  return (
    <Select
      allowClear
      showSearch={{
        filterOption: false,
        onSearch: (text) => {
          if (timer) clearTimeout(timer);
          setTimer(setTimeout(() => setQuery(text.trim().slice(0, 50)), 300));
        },
      }}
      placeholder={t("filterCustomer")}
      style={{ width: 160 }}
      value={id || undefined}
      loading={found.loading}
      notFoundContent={query ? t("noCustomer") : t("typeToSearch")}
      onChange={(value, option) => {
        const label = Array.isArray(option) ? undefined : option?.label;
        filters.set({
          customerId: value,
          customerName: value ? String(label ?? "").split(" · ")[0] : undefined,
        });
      }}
      options={options}
    />
  );
}

function WorkOrderList({ mode, filters }: { mode: "pool" | "all"; filters: Filters }) {
  const t = useT(messages);
  const language = useLanguage();
  const workflows = useWorkflows();
  const now = useNow(30_000);
  const pageSize = Number(filters.get("ps")) || PAGE_SIZES[0];
  const type = (filters.get("type") || undefined) as WorkOrderType | undefined;
  const channel = (filters.get("channel") || undefined) as Channel | undefined;
  const teams = useRemote(mode === "pool" ? "teams" : null, () =>
    api(() => client.GET("/v1/teams")).then((r) => r.teams ?? []),
  );
  const areas = useRemote(mode === "pool" ? "areas" : null, () =>
    api(() => client.GET("/v1/areas")).then((r) => r.areas ?? []),
  );

  const poolQuery = {
    areaName: filters.get("area") || undefined,
    teamId: filters.get("team") || undefined,
    type,
    channel,
    createdAfter: filters.get("after") || undefined,
    createdBefore: filters.get("before") || undefined,
  };
  const allQuery = {
    state: filters.get("state") || undefined,
    type,
    channel,
    number: filters.get("number") || undefined,
    phone: filters.get("phone") || undefined,
    customerId: filters.get("customerId") || undefined,
  };
  const query = mode === "pool" ? poolQuery : allQuery;
  const pager = useCursorPager(JSON.stringify({ mode, query, pageSize }), async (pageToken) => {
    const page = { pageSize, pageToken: pageToken || undefined };
    const r =
      mode === "pool"
        ? await api(() =>
            client.GET("/v1/work-orders:pool", { params: { query: { ...poolQuery, ...page } } }),
          )
        : await api(() =>
            client.GET("/v1/work-orders", { params: { query: { ...allQuery, ...page } } }),
          );
    return { items: r.workOrders ?? [], next: r.nextPageToken || undefined };
  });

  const sla = filters.get("sla") as SlaStatus | "";
  const rows = sla
    ? pager.items.filter((o) => slaOf(o, now, isFinished(o, workflows)).status === sla)
    : pager.items;
  const dueOf = (o: WorkOrder) => {
    const info = slaOf(o, now, isFinished(o, workflows));
    return info.due ? dayjs(info.due).valueOf() : Number.MAX_SAFE_INTEGER;
  };

  const columns: TableColumnsType<WorkOrder> = [
    {
      title: t("colNumber"),
      dataIndex: "number",
      width: 160,
      fixed: "left",
      sorter: (a, b) => (a.number ?? "").localeCompare(b.number ?? ""),
      render: (n: string, o) => (
        <Link to={`/work-orders/${o.id}`} data-testid="wo-link">
          {n}
        </Link>
      ),
    },
    {
      title: t("colType"),
      dataIndex: "type",
      width: 76,
      ellipsis: true,
      render: (v: string) => typeLabel(v, language),
    },
    {
      title: t("colUrgency"),
      dataIndex: "urgency",
      width: 100,
      sorter: (a, b) => (urgencyRank[a.urgency ?? ""] ?? 0) - (urgencyRank[b.urgency ?? ""] ?? 0),
      render: (v: string) =>
        v && v !== "URGENCY_UNSPECIFIED" ? (
          <Tag color={urgencyColors[v]}>{urgencyLabel(v, language)}</Tag>
        ) : null,
    },
    {
      title: t("colState"),
      dataIndex: "state",
      width: 80,
      render: (v: string, o) => workflows.stateLabel(o.type, v),
    },
    {
      title: t("colCustomer"),
      dataIndex: "customerName",
      width: 100,
      ellipsis: true,
    },
    {
      title: t("colAddress"),
      dataIndex: "addressText",
      width: 180,
      ellipsis: true,
      render: (v: string, o) => (
        <span title={v}>
          {o.areaName ? <Tag>{o.areaName}</Tag> : null}
          {v}
        </span>
      ),
    },
    { title: t("colTeam"), dataIndex: "teamName", width: 110, ellipsis: true },
    { title: t("colAssignee"), dataIndex: "assigneeName", width: 76, ellipsis: true },
    {
      title: t("colCreated"),
      dataIndex: "createTime",
      width: 110,
      sorter: (a, b) => dayjs(a.createTime).valueOf() - dayjs(b.createTime).valueOf(),
      render: (v: string) => (v ? dayjs(v).format("MM-DD HH:mm") : ""),
    },
    {
      title: t("colSla"),
      key: "sla",
      width: 136,
      fixed: "right",
      sorter: (a, b) => dueOf(a) - dueOf(b),
      render: (_, o) => <SlaCountdown order={o} finished={isFinished(o, workflows)} />,
    },
  ];

  const range =
    filters.get("after") || filters.get("before")
      ? ([
          filters.get("after") ? dayjs(filters.get("after")) : null,
          filters.get("before") ? dayjs(filters.get("before")) : null,
        ] as [dayjs.Dayjs | null, dayjs.Dayjs | null])
      : null;

  return (
    <div data-testid={`wo-list-${mode}`}>
      <Space wrap style={{ marginBottom: 12 }}>
        {mode === "pool" ? (
          <>
            <Select
              allowClear
              showSearch
              placeholder={t("filterArea")}
              style={{ width: 130 }}
              value={filters.get("area") || undefined}
              onChange={(v) => filters.set({ area: v })}
              options={(areas.data ?? ([] as Area[])).map((a) => ({
                value: a.name ?? "",
                label: a.name,
              }))}
            />
            <Select
              allowClear
              showSearch
              placeholder={t("filterTeam")}
              style={{ width: 150 }}
              value={filters.get("team") || undefined}
              onChange={(v) => filters.set({ team: v })}
              options={(teams.data ?? ([] as Team[])).map((tm) => ({
                value: tm.id ?? "",
                label: tm.name,
              }))}
            />
          </>
        ) : (
          <Select
            allowClear
            showSearch
            placeholder={t("filterState")}
            style={{ width: 150 }}
            value={filters.get("state") || undefined}
            onChange={(v) => filters.set({ state: v })}
            options={(type
              ? (workflows.byKind.get(type)?.states ?? []).map((s) => ({
                  name: s.name ?? "",
                  label: s.label || s.name || "",
                }))
              : workflows.allStates
            ).map((s) => ({ value: s.name, label: s.label }))}
          />
        )}
        <TypeFilter filters={filters} />
        <ChannelFilter filters={filters} />
        {mode === "pool" ? (
          <DatePicker.RangePicker
            showTime={{ format: "HH:mm" }}
            format="YYYY-MM-DD HH:mm"
            allowEmpty={[true, true]}
            placeholder={[t("createdFrom"), t("createdTo")]}
            value={range}
            style={{ width: 330 }}
            onChange={(v) =>
              filters.set({
                after: v?.[0] ? v[0].toISOString() : undefined,
                before: v?.[1] ? v[1].toISOString() : undefined,
              })
            }
          />
        ) : (
          <>
            <Input.Search
              key={`number-${filters.get("number")}`}
              allowClear
              placeholder={t("filterNumber")}
              defaultValue={filters.get("number")}
              style={{ width: 180 }}
              onSearch={(v) => filters.set({ number: v.trim() })}
            />
            <Input.Search
              key={`phone-${filters.get("phone")}`}
              allowClear
              placeholder={t("filterPhone")}
              defaultValue={filters.get("phone")}
              style={{ width: 150 }}
              onSearch={(v) => filters.set({ phone: v.trim() })}
            />
            <CustomerFilter filters={filters} />
          </>
        )}
        <SlaFilter filters={filters} />
        <Tooltip title={t("refresh")}>
          <Button
            icon={<ReloadOutlined />}
            onClick={pager.reload}
            aria-label={t("refresh")}
            data-testid="wo-reload"
          />
        </Tooltip>
      </Space>
      <LoadError error={pager.error} retry={pager.reload} />
      <Table<WorkOrder>
        rowKey={(o) => o.id ?? o.number ?? ""}
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={pager.loading}
        pagination={false}
        scroll={{ x: 1110 }}
        onRow={(o) => rowProps(`wo-row-${o.number}`)}
        locale={{ emptyText: mode === "pool" ? t("emptyPool") : t("emptyList") }}
      />
      <Pager
        pager={pager}
        pageSize={pageSize}
        shown={rows.length}
        onPageSize={(n) => filters.set({ ps: String(n) })}
      />
    </div>
  );
}

function TodoList({ filters }: { filters: Filters }) {
  const t = useT(messages);
  const language = useLanguage();
  const { message } = App.useApp();
  const workflows = useWorkflows();
  const now = useNow(30_000);
  const pageSize = Number(filters.get("ps")) || PAGE_SIZES[0];
  const [completing, setCompleting] = useState<string | null>(null);
  const pager = useCursorPager(JSON.stringify({ todos: true, pageSize }), async (pageToken) => {
    const r = await api(() =>
      client.GET("/v1/todos", {
        params: { query: { pageSize, pageToken: pageToken || undefined } },
      }),
    );
    return { items: r.todos ?? [], next: r.nextPageToken || undefined };
  });
  const sla = filters.get("sla") as SlaStatus | "";
  const rows = sla
    ? pager.items.filter((td) => statusOfDue(td.dueTime, now).status === sla)
    : pager.items;

  const complete = async (todo: Todo) => {
    setCompleting(todo.id ?? null);
    try {
      await api(() =>
        client.POST("/v1/todos/{id}:complete", {
          params: { path: { id: todo.id! } },
          body: {},
          ...idempotent(newIdempotencyKey()),
        }),
      );
      message.success(t("todoDone"));
      pager.reload();
    } catch (err) {
      message.error(t("todoDoneFailed", { message: errorText(err) }));
    } finally {
      setCompleting(null);
    }
  };

  const columns: TableColumnsType<Todo> = [
    {
      title: t("colKind"),
      dataIndex: "kind",
      width: 90,
      render: (v: string) => <Tag color={todoKindColors[v]}>{todoKindLabel(v, language)}</Tag>,
    },
    {
      title: t("colNumber"),
      dataIndex: "number",
      width: 160,
      sorter: (a, b) => (a.number ?? "").localeCompare(b.number ?? ""),
      render: (n: string, td) =>
        td.orderKind === "WORK_ORDER" && td.orderId ? (
          <Link to={`/work-orders/${td.orderId}`} data-testid="wo-link">
            {n}
          </Link>
        ) : (
          n
        ),
    },
    { title: t("colTitle"), dataIndex: "title", width: 160, ellipsis: true },
    {
      title: t("colType"),
      dataIndex: "type",
      width: 76,
      ellipsis: true,
      render: (v: string) => typeLabel(v, language),
    },
    {
      title: t("colState"),
      dataIndex: "state",
      width: 80,
      render: (v: string, td) =>
        td.orderKind === "WORK_ORDER"
          ? workflows.stateLabel(td.type, v)
          : workflows.stateLabel("DELIVERY", v),
    },
    { title: t("colCustomer"), dataIndex: "customerName", width: 100, ellipsis: true },
    { title: t("colAddress"), dataIndex: "addressText", width: 170, ellipsis: true },
    {
      title: t("colCreated"),
      dataIndex: "createTime",
      width: 100,
      sorter: (a, b) => dayjs(a.createTime).valueOf() - dayjs(b.createTime).valueOf(),
      render: (v: string) => (v ? dayjs(v).format("MM-DD HH:mm") : ""),
    },
    {
      title: t("colDue"),
      dataIndex: "dueTime",
      width: 134,
      sorter: (a, b) =>
        (a.dueTime ? dayjs(a.dueTime).valueOf() : Number.MAX_SAFE_INTEGER) -
        (b.dueTime ? dayjs(b.dueTime).valueOf() : Number.MAX_SAFE_INTEGER),
      render: (v: string) => <DueCountdown due={v} />,
    },
    {
      title: t("colAction"),
      key: "action",
      width: 80,
      fixed: "right",
      render: (_, td) =>
        td.kind === "ESCALATION" || td.kind === "FOLLOW_UP" ? (
          <Popconfirm title={t("todoCompleteConfirm")} onConfirm={() => complete(td)}>
            <Button size="small" loading={completing === td.id}>
              {t("todoComplete")}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <div data-testid="wo-list-todos">
      <Space wrap style={{ marginBottom: 12 }}>
        <SlaFilter filters={filters} />
        <Tooltip title={t("refresh")}>
          <Button icon={<ReloadOutlined />} onClick={pager.reload} aria-label={t("refresh")} />
        </Tooltip>
      </Space>
      <LoadError error={pager.error} retry={pager.reload} />
      <Table<Todo>
        rowKey={(td) => td.id ?? ""}
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={pager.loading}
        pagination={false}
        scroll={{ x: 1146 }}
        onRow={(td) => rowProps(`wo-row-${td.number}`)}
        locale={{ emptyText: t("emptyTodos") }}
      />
      <Pager
        pager={pager}
        pageSize={pageSize}
        shown={rows.length}
        onPageSize={(n) => filters.set({ ps: String(n) })}
      />
    </div>
  );
}
