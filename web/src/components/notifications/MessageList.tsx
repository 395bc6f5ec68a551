// The messages (SMS, WeChat) sent for a customer, a work order or a delivery order, newest
// first, paged on the server: what went out, on which channel, and what became of it —
// a suppressed or failed one with its reason, one held by quiet hours with its hour.
import { Alert, Table, Tag, Typography } from "antd";
import { useCallback, type HTMLAttributes } from "react";
import { api, client, type Schemas } from "../../api/client";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { PagerBar, useCursorPager, type Page } from "../QueryPager";
import { useRuleNames } from "../rules/ruleNames";
import {
  labelOf,
  messageStatusColors,
  messageStatuses,
  notificationChannels,
  notificationEvents,
} from "../labels";
import { formatTime, tenantToday } from "../time";
import { messages } from "./messages";

export type Message = Schemas["qingquan.notification.v1.Message"];

/** Whose messages: one of the three. */
export interface MessageFilter {
  customerId?: string;
  workOrderId?: string;
  deliveryOrderId?: string;
}

async function loadMessages(
  filter: MessageFilter,
  pageToken: string,
  pageSize: number,
): Promise<Page<Message>> {
  const res = await api(() =>
    client.GET("/v1/notifications", {
      params: { query: { ...filter, pageSize, pageToken: pageToken || undefined } },
    }),
  );
  return { items: res.messages ?? [], next: res.nextPageToken ?? "" };
}

/** "08:00" today, "12-09 08:00" another day (the tenant's zone). */
export function shortTime(ts: string | undefined): string {
  const full = formatTime(ts);
  if (!full) return "";
  return full.startsWith(tenantToday()) ? full.slice(11) : full.slice(5);
}

type T = ReturnType<typeof useT<(typeof messages)["zh"]>>;

/** The service's reason in words, for the reasons it is known to give; else as it is. */
function reasonText(reason: string, t: T, channelName: (c: string) => string): string {
  let m = /^opted out of (\w+)$/.exec(reason);
  if (m) return t("reasonOptedOut", { channel: channelName(m[1]) });
  m = /^daily cap of (\d+) (\w+) messages reached$/.exec(reason);
  if (m) return t("reasonDailyCap", { cap: m[1], channel: channelName(m[2]) });
  m = /^gave up after (\d+) attempts: (.*)$/s.exec(reason);
  if (m) return t("reasonGaveUp", { n: m[1], reason: m[2] });
  if (reason === "no phone number") return t("reasonNoPhone");
  if (reason === "not bound to WeChat") return t("reasonNoWechat");
  if (reason === "no recipient") return t("reasonNoRecipient");
  return reason;
}

export function MessageList({
  filter,
  testId = "message-list",
  eventLabels,
  pageSize = 10,
}: {
  filter: MessageFilter;
  testId?: string;
  /** event → label, e.g. from the templates list; the local table otherwise. */
  eventLabels?: Record<string, string>;
  pageSize?: number;
}) {
  // A new customer or order starts again from the first page.
  const key = JSON.stringify(filter);
  return (
    <MessageTable
      key={key}
      filter={filter}
      testId={testId}
      eventLabels={eventLabels}
      pageSize={pageSize}
    />
  );
}

function MessageTable({
  filter,
  testId,
  eventLabels,
  pageSize,
}: {
  filter: MessageFilter;
  testId: string;
  eventLabels?: Record<string, string>;
  pageSize: number;
}) {
  const t = useT(messages);
  const language = useLanguage();
  const pager = useCursorPager(loadMessages, filter, pageSize);
  // The rule that sent a message, by name (an agent answers "why did I get this?").
  const ruleNames = useRuleNames(pager.items.map((m) => m.ruleId ?? "").filter(Boolean));
  const channelName = useCallback(
    (c: string) => labelOf(notificationChannels, c, language),
    [language],
  );

  const columns = [
    {
      title: t("channel"),
      dataIndex: "channel",
      width: 100,
      render: (v: string, m: Message) => (
        <div>
          <Tag variant="filled">{channelName(v)}</Tag>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {m.recipient}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    {
      title: t("template"),
      dataIndex: "template",
      width: 150,
      render: (v: string, m: Message) => (
        <div>
          <div>{eventLabels?.[v] || labelOf(notificationEvents, v, language)}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatTime(m.createTime)}
          </Typography.Text>
          {m.ruleId && (
            <div>
              <Tag
                color="purple"
                variant="filled"
                title={t("byRule")}
                style={{ marginInlineEnd: 0, marginTop: 2 }}
                data-testid="message-rule"
                data-rule-id={m.ruleId}
              >
                {ruleNames.get(m.ruleId)
                  ? t("byRuleNamed", { name: ruleNames.get(m.ruleId) ?? "" })
                  : t("byRule")}
              </Tag>
            </div>
          )}
        </div>
      ),
    },
    {
      title: t("body"),
      dataIndex: "body",
      render: (v: string) => (
        <div style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>{v}</div>
      ),
    },
    {
      title: t("status"),
      dataIndex: "status",
      width: 150,
      render: (_: string, m: Message) => (
        <MessageStatus message={m} t={t} channelName={channelName} language={language} />
      ),
      onCell: (m: Message) => ({ "data-status": m.status }) as HTMLAttributes<HTMLElement>,
    },
  ];

  return (
    <div data-testid={testId}>
      {!!pager.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 8 }}
          title={t("loadFailed", {
            message: pager.error instanceof Error ? pager.error.message : String(pager.error),
          })}
        />
      )}
      <Table<Message>
        size="small"
        rowKey="id"
        loading={pager.loading}
        dataSource={pager.items}
        columns={columns}
        pagination={false}
        locale={{ emptyText: filter.customerId ? t("empty") : t("emptyOrder") }}
        onRow={() => ({ "data-testid": `${testId}-row` }) as HTMLAttributes<HTMLElement>}
      />
      {(pager.hasPrev || pager.hasNext) && (
        <PagerBar
          pager={pager}
          testId={`${testId}-pager`}
          labels={{
            prev: t("prev"),
            next: t("next"),
            page: t("page", { n: pager.page }),
            perPage: t("perPage"),
          }}
        />
      )}
    </div>
  );
}

function MessageStatus({
  message: m,
  t,
  channelName,
  language,
}: {
  message: Message;
  t: T;
  channelName: (c: string) => string;
  language: "zh" | "en";
}) {
  const status = m.status ?? "";
  let note = "";
  // Held by quiet hours: due well after it was queued.
  const held =
    !!m.sendAfter &&
    new Date(m.sendAfter).getTime() - new Date(m.createTime ?? m.sendAfter).getTime() > 60_000;
  if (status === "QUEUED" && held) {
    note = t("sendAt", { time: shortTime(m.sendAfter) });
  } else if (m.reason) {
    note = reasonText(m.reason, t, channelName);
  } else if (status === "DELIVERED" && m.deliveredTime) {
    note = t("deliveredAt", { time: shortTime(m.deliveredTime) });
  } else if (status === "SENT" && m.sentTime) {
    note = t("sentAt", { time: shortTime(m.sentTime) });
  }
  return (
    <div data-testid="message-status">
      <Tag color={messageStatusColors[status] ?? "default"}>
        {labelOf(messageStatuses, status, language)}
      </Tag>
      {note && (
        <div>
          <Typography.Text
            type={status === "FAILED" ? "danger" : "secondary"}
            style={{ fontSize: 12 }}
            data-testid="message-reason"
          >
            {note}
          </Typography.Text>
        </div>
      )}
      {status === "FAILED" && (m.attempts ?? 0) > 1 && !/^gave up/.test(m.reason ?? "") && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("attempts", { n: m.attempts ?? 0 })}
        </Typography.Text>
      )}
    </div>
  );
}
