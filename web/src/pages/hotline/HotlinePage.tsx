// 来电工作台: one search box (phone, last four digits, name, pinyin, initials) with
// results as you type; Enter or a click opens the customer's 360 view beside it. The open
// customer is in the URL (?customer=), so a reload or a link keeps it. Typing digits
// into an empty screen focuses the search: the agent starts typing the number they read
// off the phone without reaching for the mouse.
import { SearchOutlined } from "@ant-design/icons";
import { Alert, Button, Empty, Input, Space, Tag, Typography, type InputRef } from "antd";
import { useCallback, useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, client, type Schemas } from "../../api/client";
import { useLanguage } from "../../i18n/language";
import { useT } from "../../i18n/messages";
import { CustomerView360 } from "./CustomerView360";
import { NewCustomerModal } from "./NewCustomerModal";
import { messages } from "./messages";

type Hit = Schemas["qingquan.customer.v1.SearchHit"];

// Short: an agent types a number in one go and the search answers in milliseconds.
const DEBOUNCE_MS = 80;

function looksLikePhone(q: string): boolean {
  return /^[0-9０-９\- ]{7,}$/.test(q.trim());
}

export default function HotlinePage() {
  const t = useT(messages);
  useLanguage();
  const [params, setParams] = useSearchParams();
  const customerId = params.get("customer") ?? "";
  const [q, setQ] = useState(params.get("q") ?? "");
  const [found, setFound] = useState<Hit[]>([]);
  const [searched, setSearched] = useState("");
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const input = useRef<InputRef>(null);
  // Enter pressed before the answer for what the box holds came: open its first hit then,
  // never the first hit of an older search still on screen.
  const enterPending = useRef<string | null>(null);

  const open = useCallback(
    (id: string) => {
      const next = new URLSearchParams(params);
      next.set("customer", id);
      if (q) next.set("q", q);
      setParams(next, { replace: false });
    },
    [params, q, setParams],
  );

  // Results as you type; a newer keystroke aborts the older request.
  useEffect(() => {
    const query = q.trim();
    if (!query) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api(() =>
        client.GET("/v1/customers:search", {
          params: { query: { q: query, pageSize: 10 } },
          signal: controller.signal,
        }),
      )
        .then((data) => {
          setFound(data.hits ?? []);
          setSearched(query);
          setActive(0);
          setError(null);
          const first = data.hits?.[0]?.customer?.id;
          if (enterPending.current === query && first) open(first);
          enterPending.current = null;
        })
        .catch((err: unknown) => {
          if (controller.signal.aborted) return;
          setError(
            t("searchFailed", { message: err instanceof Error ? err.message : String(err) }),
          );
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // t changes with the language only; a search need not rerun for that.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  // Digits typed while nothing has the focus go into the search box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const editing =
        target &&
        (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
      if (editing || e.ctrlKey || e.metaKey || e.altKey) return;
      const overlay = document.querySelectorAll<HTMLElement>(".ant-modal-wrap, .ant-drawer-open");
      if ([...overlay].some((el) => el.getClientRects().length > 0)) return;
      if (!/^[0-9]$/.test(e.key)) return;
      e.preventDefault();
      setQ((prev) => prev + e.key);
      input.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // What the box holds now was searched for; an emptied box shows nothing.
  const hits = q.trim() && searched ? found : [];

  const onSearchKey = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, Math.max(hits.length - 1, 0)));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (searched === q.trim() && hits[active]?.customer?.id) {
        open(hits[active].customer!.id!);
      } else if (q.trim()) {
        enterPending.current = q.trim();
      }
    } else if (e.key === "Escape") {
      setQ("");
    }
  };

  const noHits = searched !== "" && searched === q.trim() && hits.length === 0;

  return (
    <div style={{ display: "flex", gap: 16, alignItems: "flex-start" }}>
      <div style={{ width: 340, flex: "none", position: "sticky", top: 0 }}>
        <Input
          ref={input}
          size="large"
          allowClear
          autoFocus
          value={q}
          placeholder={t("searchPlaceholder")}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={onSearchKey}
          prefix={<SearchOutlined />}
          data-testid="hotline-search"
          aria-label={t("searchPlaceholder")}
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("searchHint")}
        </Typography.Text>
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} />}
        {hits.length > 0 && (
          <div className="qq-hits" role="listbox" data-testid="hotline-hits">
            {hits.map((hit, index) => {
              const c = hit.customer ?? {};
              return (
                <div
                  key={c.id}
                  role="option"
                  aria-selected={index === active}
                  className={
                    "qq-hit" +
                    (c.id === customerId
                      ? " qq-hit-open"
                      : index === active
                        ? " qq-hit-active"
                        : "")
                  }
                  onClick={() => c.id && open(c.id)}
                  onMouseEnter={() => setActive(index)}
                  data-testid="hotline-hit"
                >
                  <Space size={4} wrap>
                    <Typography.Text strong>{c.name}</Typography.Text>
                    {hit.matched && (
                      <Tag variant="filled" color="blue">
                        {t(`matched_${hit.matched}` as keyof typeof messages.zh)}
                      </Tag>
                    )}
                  </Space>
                  <div>{(c.phones ?? []).join("  ")}</div>
                  <Typography.Text type="secondary" ellipsis style={{ maxWidth: 300 }}>
                    {c.addresses?.[0]?.text}
                  </Typography.Text>
                </div>
              );
            })}
          </div>
        )}
        {noHits && (
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={t("noHits", { q: searched })}
            data-testid="hotline-no-hits"
          >
            <Button
              type="primary"
              onClick={() => setCreating(true)}
              data-testid="hotline-new-customer"
            >
              {looksLikePhone(searched) ? t("newCustomerWith", { q: searched }) : t("newCustomer")}
            </Button>
          </Empty>
        )}
      </div>
      <div style={{ flex: 1, minWidth: 0 }}>
        {customerId ? (
          <CustomerView360 key={customerId} customerId={customerId} />
        ) : (
          <Empty style={{ marginTop: 96 }} description={t("pickCustomer")} />
        )}
      </div>
      <NewCustomerModal
        open={creating}
        phone={looksLikePhone(searched) ? searched : ""}
        name={looksLikePhone(searched) ? "" : searched}
        onClose={() => setCreating(false)}
        onCreated={(id) => {
          setCreating(false);
          open(id);
        }}
      />
    </div>
  );
}
