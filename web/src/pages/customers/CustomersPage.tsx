// 客户档案: the customer list, paged on the server, with the list's filters (status, tag,
// channel, kind, area, custom field) or a keyword search; create and edit in a drawer;
// import from Excel/CSV and export to Excel.
import { DownloadOutlined, PlusOutlined, SearchOutlined, UploadOutlined } from "@ant-design/icons";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { useEffect, useState, type HTMLAttributes } from "react";
import { useSearchParams } from "react-router-dom";
import { api, client, type Schemas } from "../../api/client";
import { useT } from "../../i18n/messages";
import { CHANNELS, CustomerDrawer, type DrawerTarget } from "./CustomerDrawer";
import type { FieldDefinition } from "./customFields";
import { formatTime, tenantToday } from "../../components/time";
import { ImportWizard } from "./ImportWizard";
import { fileNameOf, saveBlob } from "./importCustomers";
import { messages } from "./messages";
import { PagerBar, useCursorPager, type Page } from "../../components/QueryPager";

type Customer = Schemas["qingquan.customer.v1.Customer"];
type Status = Schemas["qingquan.customer.v1.Customer.Status"];
type Kind = Schemas["qingquan.customer.v1.Customer.Kind"];
type Channel = Schemas["qingquan.customer.v1.Customer.Channel"];

interface Query {
  q: string;
  status?: Status;
  tag?: string;
  channel?: Channel;
  kind?: Kind;
  areaId?: string;
  fieldKey?: string;
  fieldValue?: string;
}

const EMPTY: Query = { q: "" };

function filtersOf(q: Query) {
  return {
    status: q.status,
    tag: q.tag,
    channel: q.channel,
    kind: q.kind,
    areaId: q.areaId,
    customField: q.fieldKey && q.fieldValue ? [`${q.fieldKey}=${q.fieldValue.trim()}`] : undefined,
  };
}

async function loadCustomers(
  q: Query,
  pageToken: string,
  pageSize: number,
): Promise<Page<Customer>> {
  if (q.q.trim()) {
    const res = await api(() =>
      client.GET("/v1/customers:search", {
        params: {
          query: {
            q: q.q.trim(),
            pageSize: Math.min(pageSize, 50),
            pageToken: pageToken || undefined,
          },
        },
      }),
    );
    return {
      items: (res.hits ?? []).map((h) => h.customer ?? {}).filter((c) => c.id),
      next: res.nextPageToken ?? "",
    };
  }
  const res = await api(() =>
    client.GET("/v1/customers", {
      params: { query: { pageSize, pageToken: pageToken || undefined, ...filtersOf(q) } },
    }),
  );
  return { items: res.customers ?? [], next: res.nextPageToken ?? "" };
}

interface Lookups {
  tags: string[];
  areas: { id: string; name: string }[];
  definitions: FieldDefinition[];
}

const STATUS_COLOR: Record<string, string> = {
  ACTIVE: "green",
  SILENT: "gold",
  CHURNED: "default",
};

export default function CustomersPage() {
  const t = useT(messages);
  const { message } = AntApp.useApp();
  const pager = useCursorPager(loadCustomers, EMPTY);
  const [filterForm] = Form.useForm<Query>();
  const [lookups, setLookups] = useState<Lookups>({ tags: [], areas: [], definitions: [] });
  const [params, setParams] = useSearchParams();
  const [importOpen, setImportOpen] = useState(false);
  const [exporting, setExporting] = useState(false);
  const fieldKey = Form.useWatch("fieldKey", filterForm);

  // The open drawer lives in the URL, so a session that expires mid-form comes back to it.
  const editId = params.get("edit");
  const target: DrawerTarget | null = editId
    ? { mode: "edit", id: editId }
    : params.get("create")
      ? { mode: "create" }
      : null;
  const openDrawer = (next: DrawerTarget | null) =>
    setParams(
      (p) => {
        const out = new URLSearchParams(p);
        out.delete("edit");
        out.delete("create");
        if (next?.mode === "edit") out.set("edit", next.id);
        if (next?.mode === "create") out.set("create", "1");
        return out;
      },
      { replace: true },
    );

  useEffect(() => {
    let live = true;
    // Each lookup is optional: a role that may not read areas still gets the list.
    const tags = api(() => client.GET("/v1/tags")).then((r) =>
      (r.tags ?? []).map((x) => x.name ?? ""),
    );
    const areas = api(() => client.GET("/v1/areas")).then((r) =>
      (r.areas ?? []).map((a) => ({ id: a.id ?? "", name: a.name ?? "" })),
    );
    const defs = api(() =>
      client.GET("/v1/field-definitions", { params: { query: { entity: "CUSTOMER" } } }),
    ).then((r) => r.definitions ?? []);
    void Promise.allSettled([tags, areas, defs]).then(([a, b, c]) => {
      if (!live) return;
      setLookups({
        tags: a.status === "fulfilled" ? a.value : [],
        areas: b.status === "fulfilled" ? b.value : [],
        definitions: c.status === "fulfilled" ? c.value : [],
      });
    });
    return () => {
      live = false;
    };
  }, []);

  const apply = (values: Query) => pager.setQuery({ ...values, q: values.q ?? "" });

  const exportAll = async () => {
    setExporting(true);
    try {
      let disposition: string | null = null;
      const blob = await api(async () => {
        const r = await client.GET("/v1/customers:export", {
          params: { query: filtersOf(pager.query) },
          parseAs: "blob",
        });
        disposition = r.response.headers.get("Content-Disposition");
        return r;
      });
      const name = fileNameOf(disposition, `customers-${tenantToday()}.xlsx`);
      saveBlob(blob as Blob, name);
      message.success(t("exported", { name }));
    } catch (err) {
      message.error(
        t("exportFailed", { message: err instanceof Error ? err.message : String(err) }),
      );
    } finally {
      setExporting(false);
    }
  };

  const selectedDef = lookups.definitions.find((d) => d.key === fieldKey);
  const searching = !!pager.query.q.trim();

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
      }
      extra={
        <Space>
          <Button
            icon={<UploadOutlined />}
            onClick={() => setImportOpen(true)}
            data-testid="customers-import"
          >
            {t("import")}
          </Button>
          <Button
            icon={<DownloadOutlined />}
            loading={exporting}
            onClick={exportAll}
            disabled={searching}
            data-testid="customers-export"
          >
            {exporting ? t("exporting") : t("export")}
          </Button>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => openDrawer({ mode: "create" })}
            data-testid="customer-create"
          >
            {t("create")}
          </Button>
        </Space>
      }
      styles={{ body: { paddingTop: 12 } }}
    >
      <Form<Query>
        form={filterForm}
        layout="inline"
        initialValues={EMPTY}
        onFinish={apply}
        style={{ rowGap: 8, marginBottom: 12 }}
        data-testid="customer-filters"
      >
        <Form.Item name="q">
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t("search")}
            style={{ width: 220 }}
            data-testid="customer-search"
          />
        </Form.Item>
        <Form.Item name="status">
          <Select
            allowClear
            placeholder={t("status")}
            style={{ width: 100 }}
            disabled={searching}
            options={(["ACTIVE", "SILENT", "CHURNED"] as const).map((s) => ({
              value: s,
              label: t(`status_${s}`),
            }))}
            data-testid="filter-status"
          />
        </Form.Item>
        <Form.Item name="tag">
          <Select
            allowClear
            showSearch
            placeholder={t("tag")}
            style={{ width: 130 }}
            disabled={searching}
            options={lookups.tags.map((n) => ({ value: n, label: n }))}
            data-testid="filter-tag"
          />
        </Form.Item>
        <Form.Item name="channel">
          <Select
            allowClear
            placeholder={t("channel")}
            style={{ width: 120 }}
            disabled={searching}
            options={CHANNELS.map((c) => ({ value: c, label: t(`channel_${c}`) }))}
          />
        </Form.Item>
        <Form.Item name="kind">
          <Select
            allowClear
            placeholder={t("kind")}
            style={{ width: 90 }}
            disabled={searching}
            options={(["PERSON", "ORGANISATION"] as const).map((k) => ({
              value: k,
              label: t(`kind_${k}`),
            }))}
          />
        </Form.Item>
        {lookups.areas.length > 0 && (
          <Form.Item name="areaId">
            <Select
              allowClear
              placeholder={t("area")}
              style={{ width: 110 }}
              disabled={searching}
              options={lookups.areas.map((a) => ({ value: a.id, label: a.name }))}
            />
          </Form.Item>
        )}
        {lookups.definitions.length > 0 && (
          <Form.Item>
            <Space.Compact>
              <Form.Item name="fieldKey" noStyle>
                <Select
                  allowClear
                  placeholder={t("customField")}
                  style={{ width: 130 }}
                  disabled={searching}
                  options={lookups.definitions
                    .filter((d) => d.type !== "GEO_POINT" && d.type !== "IMAGE")
                    .map((d) => ({ value: d.key, label: d.label }))}
                />
              </Form.Item>
              <Form.Item name="fieldValue" noStyle>
                {selectedDef?.options?.length ? (
                  <Select
                    allowClear
                    placeholder={t("customFieldValue")}
                    style={{ width: 120 }}
                    disabled={searching}
                    options={selectedDef.options.map((o) => ({ value: o.value, label: o.label }))}
                  />
                ) : (
                  <Input
                    placeholder={t("customFieldValue")}
                    style={{ width: 120 }}
                    disabled={searching || !fieldKey}
                  />
                )}
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        )}
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" data-testid="customer-apply">
              {t("apply")}
            </Button>
            <Button
              onClick={() => {
                filterForm.resetFields();
                pager.setQuery(EMPTY);
              }}
            >
              {t("reset")}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {searching && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
          {t("searchHint")}
        </Typography.Paragraph>
      )}
      {!!pager.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("loadFailed", {
            message: pager.error instanceof Error ? pager.error.message : String(pager.error),
          })}
        />
      )}
      <Table<Customer>
        rowKey="id"
        size="middle"
        loading={pager.loading}
        dataSource={pager.items}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t("empty") }}
        data-testid="customer-table"
        onRow={(c) => ({ "data-testid": `customer-row-${c.id}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t("name"),
            key: "name",
            width: 200,
            render: (_, c) => (
              <Space size={4} wrap>
                <Typography.Link
                  onClick={() => openDrawer({ mode: "edit", id: c.id ?? "" })}
                  data-testid="customer-name-cell"
                >
                  {c.name}
                </Typography.Link>
                {c.kind === "ORGANISATION" && <Tag>{t("kind_ORGANISATION")}</Tag>}
              </Space>
            ),
          },
          {
            title: t("phones"),
            key: "phones",
            width: 140,
            render: (_, c) => (
              <Space orientation="vertical" size={0}>
                {(c.phones ?? []).slice(0, 2).map((p) => (
                  <span key={p}>{p}</span>
                ))}
                {(c.phones?.length ?? 0) > 2 && (
                  <Typography.Text type="secondary">+{(c.phones?.length ?? 0) - 2}</Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t("addresses"),
            key: "address",
            ellipsis: { showTitle: false },
            render: (_, c) => {
              const a = c.addresses?.[0];
              if (!a) return null;
              const area =
                a.areaName ||
                (a.areaPending ? t("areaPending") : a.outsideAreas ? t("outsideAreas") : "");
              const more =
                (c.addresses?.length ?? 0) > 1 ? ` (+${(c.addresses?.length ?? 0) - 1})` : "";
              return (
                <Tooltip title={(c.addresses ?? []).map((x) => x.text).join(" / ")}>
                  <span>
                    {area && <Tag color="blue">{area}</Tag>}
                    {a.text}
                    {more}
                  </span>
                </Tooltip>
              );
            },
          },
          {
            title: t("tags"),
            key: "tags",
            width: 220,
            render: (_, c) => (
              <Space size={[0, 4]} wrap>
                {(c.tags ?? []).map((tag) => (
                  <Tag key={tag}>{tag}</Tag>
                ))}
                {(c.preferenceTags ?? []).map((tag) => (
                  <Tag key={`p-${tag}`} color="cyan">
                    {tag}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t("status"),
            dataIndex: "status",
            width: 80,
            render: (s: Status | undefined) =>
              s && s !== "STATUS_UNSPECIFIED" ? (
                <Tag color={STATUS_COLOR[s]}>{t(`status_${s}`)}</Tag>
              ) : null,
          },
          {
            title: t("channel"),
            dataIndex: "channel",
            width: 90,
            render: (c: Channel | undefined) =>
              c && c !== "CHANNEL_UNSPECIFIED" ? t(`channel_${c}`) : "",
          },
          {
            title: t("lastActivity"),
            key: "time",
            width: 150,
            render: (_, c) => formatTime(c.lastActivityTime ?? c.createTime),
          },
          {
            title: t("actions"),
            key: "actions",
            width: 80,
            fixed: "right",
            render: (_, c) => (
              <Button
                type="link"
                size="small"
                onClick={() => openDrawer({ mode: "edit", id: c.id ?? "" })}
                data-testid="customer-edit"
              >
                {t("edit")}
              </Button>
            ),
          },
        ]}
      />
      <PagerBar
        pager={pager}
        testId="customer-pager"
        labels={{
          prev: t("prev"),
          next: t("next"),
          page: t("page", { n: pager.page }),
          perPage: t("perPage"),
        }}
      />
      <CustomerDrawer
        target={target}
        onClose={() => openDrawer(null)}
        onSaved={() => {
          openDrawer(null);
          pager.reload();
        }}
      />
      <ImportWizard
        open={importOpen}
        onClose={() => setImportOpen(false)}
        onImported={pager.reload}
      />
    </Card>
  );
}
