// Server-side paging with the API's cursor tokens: Next pushes the answer's
// nextPageToken onto a stack, Prev pops it, so every page is asked of the server and a
// page once seen is asked again with the same token. Changing the query starts over.
import { LeftOutlined, RightOutlined } from "@ant-design/icons";
import { Button, Select, Space, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";

export interface Page<T> {
  items: T[];
  next: string;
}

export type PageLoader<Q, T> = (query: Q, pageToken: string, pageSize: number) => Promise<Page<T>>;

interface Cursor<Q> {
  query: Q;
  stack: string[];
  pageSize: number;
  tick: number;
}

interface Loaded<Q, T> {
  cursor: Cursor<Q>;
  items: T[];
  next: string;
  error: unknown;
}

export interface CursorPager<Q, T> {
  query: Q;
  items: T[];
  loading: boolean;
  error: unknown;
  page: number;
  pageSize: number;
  hasPrev: boolean;
  hasNext: boolean;
  next: () => void;
  prev: () => void;
  reload: () => void;
  setQuery: (query: Q) => void;
  setPageSize: (size: number) => void;
}

/** `load` must be stable (a module-level function or a memoised callback). */
export function useCursorPager<Q, T>(
  load: PageLoader<Q, T>,
  initialQuery: Q,
  initialPageSize = 20,
): CursorPager<Q, T> {
  const [cursor, setCursor] = useState<Cursor<Q>>(() => ({
    query: initialQuery,
    stack: [""],
    pageSize: initialPageSize,
    tick: 0,
  }));
  const [loaded, setLoaded] = useState<Loaded<Q, T> | null>(null);

  useEffect(() => {
    let live = true;
    load(cursor.query, cursor.stack[cursor.stack.length - 1], cursor.pageSize).then(
      (page) => {
        if (live) setLoaded({ cursor, items: page.items, next: page.next, error: null });
      },
      (error: unknown) => {
        if (live) setLoaded({ cursor, items: [], next: "", error });
      },
    );
    return () => {
      live = false;
    };
  }, [cursor, load]);

  const loading = loaded?.cursor !== cursor;
  const nextToken = loaded && !loading ? loaded.next : "";
  const next = useCallback(() => {
    if (!nextToken) return;
    setCursor((c) => ({ ...c, stack: [...c.stack, nextToken] }));
  }, [nextToken]);
  const prev = useCallback(() => {
    setCursor((c) => (c.stack.length > 1 ? { ...c, stack: c.stack.slice(0, -1) } : c));
  }, []);
  const reload = useCallback(() => setCursor((c) => ({ ...c, tick: c.tick + 1 })), []);
  const setQuery = useCallback((query: Q) => setCursor((c) => ({ ...c, query, stack: [""] })), []);
  const setPageSize = useCallback(
    (pageSize: number) => setCursor((c) => ({ ...c, pageSize, stack: [""] })),
    [],
  );

  return {
    query: cursor.query,
    items: loaded?.items ?? [],
    loading,
    error: loaded && !loading ? loaded.error : null,
    page: cursor.stack.length,
    pageSize: cursor.pageSize,
    hasPrev: cursor.stack.length > 1,
    hasNext: !!nextToken,
    next,
    prev,
    reload,
    setQuery,
    setPageSize,
  };
}

export interface PagerLabels {
  prev: string;
  next: string;
  page: string;
  perPage: string;
}

/** Prev / page number / Next and the page size, under a table. */
export function PagerBar<Q, T>({
  pager,
  labels,
  testId,
}: {
  pager: CursorPager<Q, T>;
  labels: PagerLabels;
  testId: string;
}) {
  return (
    <Space
      style={{ marginTop: 12, justifyContent: "flex-end", width: "100%" }}
      data-testid={testId}
    >
      <Button
        icon={<LeftOutlined />}
        disabled={!pager.hasPrev || pager.loading}
        onClick={pager.prev}
        data-testid={`${testId}-prev`}
      >
        {labels.prev}
      </Button>
      <Typography.Text data-testid={`${testId}-page`}>{labels.page}</Typography.Text>
      <Button
        disabled={!pager.hasNext || pager.loading}
        onClick={pager.next}
        data-testid={`${testId}-next`}
      >
        {labels.next} <RightOutlined />
      </Button>
      <Select
        value={pager.pageSize}
        style={{ width: 110 }}
        onChange={pager.setPageSize}
        options={[10, 20, 50, 100].map((n) => ({ value: n, label: `${n} ${labels.perPage}` }))}
        data-testid={`${testId}-size`}
      />
    </Space>
  );
}
