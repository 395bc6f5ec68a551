// Rule names by id, for the messages a rule sent (a message carries only its ruleId).
// Loaded once and shared; the rules page forgets them after a change. Someone who may not
// read the rules gets no names, and the message says only that a rule sent it.
import { useEffect, useState } from "react";
import { api, client } from "../../api/client";

let cached: Promise<Map<string, string>> | null = null;

function load(): Promise<Map<string, string>> {
  if (!cached) {
    cached = api(() => client.GET("/v1/rules")).then(
      (res) => new Map((res.rules ?? []).map((r) => [r.id ?? "", r.name ?? ""])),
      () => new Map(),
    );
  }
  return cached;
}

/** After a rule is created or renamed. */
export function forgetRuleNames(): void {
  cached = null;
}

/** id → name for `ids` (nothing is loaded while there are none). */
export function useRuleNames(ids: string[]): Map<string, string> {
  const [names, setNames] = useState<Map<string, string>>(() => new Map());
  const wanted = [...new Set(ids)].sort().join(",");
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    load().then(async (m) => {
      // A rule made since the names were loaded: ask once more.
      if (wanted.split(",").some((id) => !m.has(id))) {
        forgetRuleNames();
        m = await load();
      }
      if (live) setNames(m);
    });
    return () => {
      live = false;
    };
  }, [wanted]);
  return names;
}
