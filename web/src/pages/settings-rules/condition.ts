// The condition editor's model: a tree of groups (all / any / not) and leaves, each with
// an id for React and a path as the server names it ("all[1]", "all[0].not.all[2]"), and
// the conversions from and to the API's JSON.
import type { ConditionJson, Fact } from "../../components/rules/catalog";

export type GroupOp = "all" | "any" | "not";

export interface GroupNode {
  kind: "group";
  id: number;
  op: GroupOp;
  children: CondNode[];
}

export interface LeafNode {
  kind: "leaf";
  id: number;
  field: string;
  key: string;
  op: string;
  value: unknown;
}

export type CondNode = GroupNode | LeafNode;

let nextId = 1;
const newId = () => nextId++;

export function emptyGroup(op: GroupOp = "all"): GroupNode {
  return { kind: "group", id: newId(), op, children: [] };
}

/** Operators that take no value. */
export const VALUELESS = new Set(["is_set", "is_not_set", "is_empty", "is_not_empty"]);
/** Operators that take a list. */
export const LIST_OPS = new Set(["in", "not_in"]);

/** A sensible first operator for a fact: equals, contains, else the first it allows. */
export function defaultOp(fact: Fact | undefined): string {
  const ops = fact?.operators ?? [];
  for (const preferred of ["eq", "contains", "gte"]) if (ops.includes(preferred)) return preferred;
  return ops[0] ?? "eq";
}

/** An empty value for `op` on `fact`. */
export function defaultValue(fact: Fact | undefined, op: string): unknown {
  if (VALUELESS.has(op)) return undefined;
  if (LIST_OPS.has(op)) return [];
  if (fact?.type === "bool") return true;
  if (fact?.type === "int") return null;
  return "";
}

export function newLeaf(fact: Fact | undefined): LeafNode {
  const op = defaultOp(fact);
  return {
    kind: "leaf",
    id: newId(),
    field: fact?.name ?? "",
    key: "",
    op,
    value: defaultValue(fact, op),
  };
}

export function fromJson(json: unknown): CondNode {
  if (!json || typeof json !== "object") return emptyGroup();
  const o = json as Record<string, unknown>;
  if (Array.isArray(o.all)) {
    return { kind: "group", id: newId(), op: "all", children: o.all.map(fromJson) };
  }
  if (Array.isArray(o.any)) {
    return { kind: "group", id: newId(), op: "any", children: o.any.map(fromJson) };
  }
  if ("not" in o) {
    const inner = o.not as Record<string, unknown> | undefined;
    // {"not": {"all": [a, b]}} reads as "none of a, b hold together"; {"not": a} as one child.
    const children =
      inner && Array.isArray(inner.all) ? inner.all.map(fromJson) : [fromJson(inner)];
    return { kind: "group", id: newId(), op: "not", children };
  }
  return {
    kind: "leaf",
    id: newId(),
    field: String(o.field ?? ""),
    key: o.key === undefined ? "" : String(o.key),
    op: String(o.op ?? "eq"),
    value: o.value,
  };
}

function leafValue(leaf: LeafNode, fact: Fact | undefined): unknown {
  const v = leaf.value;
  if (fact?.type === "int") {
    const toNumber = (x: unknown) =>
      typeof x === "string" && /^-?\d+$/.test(x.trim()) ? Number(x.trim()) : x;
    return Array.isArray(v) ? v.map(toNumber) : toNumber(v);
  }
  return v;
}

export function toJson(node: CondNode, facts: Map<string, Fact>): ConditionJson {
  if (node.kind === "leaf") {
    const fact = facts.get(node.field);
    const out: { field: string; op: string; value?: unknown; key?: string } = {
      field: node.field,
      op: node.op,
    };
    // A key only for a fact that takes one (or one the catalog does not know).
    if (node.key.trim() !== "" && fact?.takes_key !== false) out.key = node.key.trim();
    if (!VALUELESS.has(node.op)) out.value = leafValue(node, fact) ?? null;
    return out;
  }
  const children = node.children.map((c) => toJson(c, facts));
  if (node.op === "not") {
    return { not: children.length === 1 ? children[0] : { all: children } };
  }
  return node.op === "all" ? { all: children } : { any: children };
}

/** The server's path of each node, by id (the root is ""). */
export function nodePaths(root: CondNode): Map<number, string> {
  const paths = new Map<number, string>();
  const walk = (node: CondNode, path: string) => {
    paths.set(node.id, path);
    if (node.kind !== "group") return;
    const join = (p: string, part: string) => (p ? `${p}.${part}` : part);
    if (node.op === "not") {
      if (node.children.length === 1) walk(node.children[0], join(path, "not"));
      else node.children.forEach((c, i) => walk(c, join(path, `not.all[${i}]`)));
      return;
    }
    node.children.forEach((c, i) => walk(c, join(path, `${node.op}[${i}]`)));
  };
  walk(root, "");
  return paths;
}

/**
 * The node an error path (relative to the condition, e.g. "all[1].value") falls in: the
 * deepest node whose path starts it, and the rest ("value"). Null for none.
 */
export function locate(
  root: CondNode,
  errorPath: string,
): { id: number; rest: string; kind: CondNode["kind"] } | null {
  let best: { id: number; path: string } | null = null;
  for (const [id, path] of nodePaths(root)) {
    const inside =
      path === "" ||
      errorPath === path ||
      errorPath.startsWith(path + ".") ||
      errorPath.startsWith(path + "[");
    if (inside && (!best || path.length > best.path.length)) best = { id, path };
  }
  if (!best) return null;
  const rest = errorPath.slice(best.path.length).replace(/^\./, "");
  const node = find(root, best.id);
  return node ? { id: best.id, rest, kind: node.kind } : null;
}

export function find(node: CondNode, id: number): CondNode | null {
  if (node.id === id) return node;
  if (node.kind === "group") {
    for (const c of node.children) {
      const hit = find(c, id);
      if (hit) return hit;
    }
  }
  return null;
}

/** A copy of the tree with node `id` replaced by `f(node)` (null removes it). */
export function update(
  node: CondNode,
  id: number,
  f: (n: CondNode) => CondNode | null,
): CondNode | null {
  if (node.id === id) return f(node);
  if (node.kind !== "group") return node;
  const children: CondNode[] = [];
  for (const c of node.children) {
    const next = update(c, id, f);
    if (next) children.push(next);
  }
  return { ...node, children };
}
