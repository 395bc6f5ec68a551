// Where the diagram draws a workflow: states as boxes in columns by their BFS depth from
// the initial state, pushed right so that every step forward goes to a later column,
// transitions as arrows. An arrow to the next
// column is a curve across the gap; a longer one, or one going back, runs along a lane
// below (forward) or above (back) the boxes, one lane per transition, so a transition
// leaving five states is drawn as five feeders into one labelled lane.

export interface StateInput {
  name?: string;
  label?: string;
  terminal?: boolean;
  pausesSla?: boolean;
}

export interface TransitionInput {
  name?: string;
  label?: string;
  from?: string[];
  to?: string;
  cancels?: boolean;
  resolves?: boolean;
  reopens?: boolean;
}

export type EdgeTone = "normal" | "cancel" | "resolve" | "reopen";

export interface DiagramNode {
  name: string;
  label: string;
  x: number;
  y: number;
  terminal: boolean;
  pausesSla: boolean;
  initial: boolean;
  /** Not reachable from the initial state. */
  unreachable: boolean;
  /** Named by a transition but not a state. */
  unknown: boolean;
}

export interface DiagramEdge {
  key: string;
  /** Indexes into the transitions. */
  transitions: number[];
  states: string[];
  paths: string[];
  label: string;
  labelX: number;
  labelY: number;
  tone: EdgeTone;
}

export interface DiagramLayout {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  width: number;
  height: number;
  /** The initial state's marker (a dot with an arrow into its box). */
  start?: { x: number; y: number };
}

export const NODE_W = 116;
export const NODE_H = 44;
const GAP = 92;
const ROW = 78;
const MARGIN_X = 44;
const LANE = 22;
const SELF_LOOP = 34;

/** Rough width of a label in 12px text: CJK wide, the rest narrow. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\uffff]/.test(ch) ? 12 : 7;
  return w;
}

function toneOf(t: TransitionInput): EdgeTone {
  if (t.cancels) return "cancel";
  if (t.resolves) return "resolve";
  if (t.reopens) return "reopen";
  return "normal";
}

/** A polyline with rounded corners. */
function rounded(points: [number, number][], r = 8): string {
  let d = `M${points[0][0]},${points[0][1]}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [px, py] = points[i - 1];
    const [x, y] = points[i];
    const [nx, ny] = points[i + 1];
    const inLen = Math.hypot(x - px, y - py);
    const outLen = Math.hypot(nx - x, ny - y);
    const rr = Math.min(r, inLen / 2, outLen / 2);
    if (rr < 0.5) {
      d += ` L${x},${y}`;
      continue;
    }
    const ax = x - ((x - px) / inLen) * rr;
    const ay = y - ((y - py) / inLen) * rr;
    const bx = x + ((nx - x) / outLen) * rr;
    const by = y + ((ny - y) / outLen) * rr;
    d += ` L${ax},${ay} Q${x},${y} ${bx},${by}`;
  }
  const last = points[points.length - 1];
  return d + ` L${last[0]},${last[1]}`;
}

interface Direct {
  kind: "direct";
  from: string;
  to: string;
  transitions: number[];
}
interface Lane {
  kind: "lane";
  side: "top" | "bottom";
  sources: string[];
  to: string;
  transition: number;
  span: number;
}
interface Self {
  kind: "self";
  state: string;
  transitions: number[];
}

export function layoutWorkflow(
  states: StateInput[],
  transitions: TransitionInput[],
  initialState: string | undefined,
): DiagramLayout {
  // The states, then names transitions use that no state has (drawn as unknown).
  const order: string[] = [];
  const info = new Map<string, StateInput>();
  for (const s of states) {
    const name = s?.name?.trim();
    if (name && !info.has(name)) {
      info.set(name, s);
      order.push(name);
    }
  }
  const unknown = new Set<string>();
  const ts = transitions.map((t) => ({
    ...t,
    from: (t?.from ?? []).map((f) => f?.trim()).filter((f): f is string => !!f),
    to: t?.to?.trim() ?? "",
  }));
  for (const t of ts) {
    for (const n of [...t.from, t.to]) {
      if (n && !info.has(n) && !unknown.has(n)) {
        unknown.add(n);
        order.push(n);
      }
    }
  }

  // Depth by BFS from the initial state.
  const out = new Map<string, Set<string>>();
  const preds = new Map<string, Set<string>>();
  for (const t of ts) {
    if (!t.to) continue;
    for (const f of t.from) {
      if (f === t.to) continue;
      if (!out.has(f)) out.set(f, new Set());
      out.get(f)!.add(t.to);
      if (!preds.has(t.to)) preds.set(t.to, new Set());
      preds.get(t.to)!.add(f);
    }
  }
  const depth = new Map<string, number>();
  const initial = initialState && info.has(initialState) ? initialState : undefined;
  if (initial) {
    depth.set(initial, 0);
    const queue = [initial];
    while (queue.length) {
      const s = queue.shift()!;
      for (const n of out.get(s) ?? []) {
        if (!depth.has(n)) {
          depth.set(n, depth.get(s)! + 1);
          queue.push(n);
        }
      }
    }
    // Then pushed right until every forward step goes at least one column right (a step
    // that closes a cycle, found by a depth-first walk, is a step back): "arrive" and
    // "wait" no longer share a column with what follows them, and the many "cancel"
    // arrows into a terminal state all point forward.
    const back = new Set<string>();
    const onStack = new Set<string>();
    const seen = new Set<string>();
    const walk = (s: string) => {
      seen.add(s);
      onStack.add(s);
      for (const n of out.get(s) ?? []) {
        if (onStack.has(n)) back.add(`${s}>${n}`);
        else if (!seen.has(n)) walk(n);
      }
      onStack.delete(s);
    };
    walk(initial);
    for (let pass = 0; pass < order.length; pass++) {
      let changed = false;
      for (const [s, targets] of out) {
        if (!depth.has(s)) continue;
        for (const n of targets) {
          if (back.has(`${s}>${n}`) || !depth.has(n)) continue;
          if (depth.get(n)! < depth.get(s)! + 1) {
            depth.set(n, depth.get(s)! + 1);
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
  }
  let maxDepth = -1;
  for (const d of depth.values()) maxDepth = Math.max(maxDepth, d);
  const column = new Map<string, number>();
  for (const name of order) column.set(name, depth.get(name) ?? maxDepth + 1);
  const columnCount = Math.max(1, ...[...column.values()].map((c) => c + 1));

  // Rows: in each column by the mean row of the predecessors already placed; terminal
  // states at the bottom.
  const row = new Map<string, number>();
  const columns: string[][] = Array.from({ length: columnCount }, () => []);
  for (const name of order) columns[column.get(name)!].push(name);
  columns.forEach((names, c) => {
    const keyed = names.map((name, i) => {
      const ps = [...(preds.get(name) ?? [])].filter((p) => row.has(p) && (column.get(p) ?? 0) < c);
      const bary = ps.length ? ps.reduce((a, p) => a + row.get(p)!, 0) / ps.length : i;
      const last = info.get(name)?.terminal || unknown.has(name) || !depth.has(name) ? 1 : 0;
      return { name, key: [last, bary, i] };
    });
    keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
    keyed.forEach((k, i) => row.set(k.name, i));
    columns[c] = keyed.map((k) => k.name);
  });
  const maxRows = Math.max(1, ...columns.map((c) => c.length));
  const nodesHeight = (maxRows - 1) * ROW + NODE_H;

  // Routes.
  const directs = new Map<string, Direct>();
  const lanes: Lane[] = [];
  const selfs = new Map<string, Self>();
  ts.forEach((t, i) => {
    if (!t.to) return;
    const back: string[] = [];
    const long: string[] = [];
    for (const f of t.from) {
      if (f === t.to) {
        const s = selfs.get(f) ?? { kind: "self", state: f, transitions: [] };
        if (!s.transitions.includes(i)) s.transitions.push(i);
        selfs.set(f, s);
        continue;
      }
      const span = column.get(t.to)! - column.get(f)!;
      if (span === 1) {
        const key = `${f}>${t.to}`;
        const d = directs.get(key) ?? { kind: "direct", from: f, to: t.to, transitions: [] };
        if (!d.transitions.includes(i)) d.transitions.push(i);
        directs.set(key, d);
      } else if (span > 1) {
        if (!long.includes(f)) long.push(f);
      } else if (!back.includes(f)) {
        back.push(f);
      }
    }
    const spanOf = (sources: string[]) =>
      Math.max(...sources.map((f) => Math.abs(column.get(t.to)! - column.get(f)!)));
    if (long.length) {
      lanes.push({
        kind: "lane",
        side: "bottom",
        sources: long,
        to: t.to,
        transition: i,
        span: spanOf(long),
      });
    }
    if (back.length) {
      lanes.push({
        kind: "lane",
        side: "top",
        sources: back,
        to: t.to,
        transition: i,
        span: spanOf(back),
      });
    }
  });
  // Shorter lanes nearer the boxes.
  const top = lanes.filter((l) => l.side === "top").sort((a, b) => a.span - b.span);
  const bottom = lanes.filter((l) => l.side === "bottom").sort((a, b) => a.span - b.span);
  const hasSelf = selfs.size > 0;
  const topSpace = (top.length ? 18 + top.length * LANE : 8) + (hasSelf ? SELF_LOOP : 0) + 8;
  const nodesTop = topSpace;
  const nodesBottom = nodesTop + nodesHeight;
  const bottomSpace = bottom.length ? 18 + bottom.length * LANE : 12;
  const height = nodesBottom + bottomSpace + 8;
  const width = MARGIN_X * 2 + columnCount * NODE_W + (columnCount - 1) * GAP;

  const colX = (c: number) => MARGIN_X + c * (NODE_W + GAP);
  const nodeY = (name: string) => {
    const c = column.get(name)!;
    const offset = ((maxRows - columns[c].length) * ROW) / 2;
    return nodesTop + offset + row.get(name)! * ROW;
  };
  const pos = new Map<string, { x: number; y: number }>();
  for (const name of order) pos.set(name, { x: colX(column.get(name)!), y: nodeY(name) });
  const laneY = (l: Lane) =>
    l.side === "top"
      ? nodesTop - (hasSelf ? SELF_LOOP : 0) - 14 - top.indexOf(l) * LANE
      : nodesBottom + 16 + bottom.indexOf(l) * LANE;

  // Ports: where arrows leave (right side) and arrive (left side) of a box, spread so
  // that arrows do not share a point.
  type PortKey = Direct | Lane;
  const outPorts = new Map<string, PortKey[]>();
  const inPorts = new Map<string, PortKey[]>();
  const addPort = (m: Map<string, PortKey[]>, name: string, k: PortKey) => {
    if (!m.has(name)) m.set(name, []);
    if (!m.get(name)!.includes(k)) m.get(name)!.push(k);
  };
  for (const d of directs.values()) {
    addPort(outPorts, d.from, d);
    addPort(inPorts, d.to, d);
  }
  for (const l of lanes) {
    for (const s of l.sources) addPort(outPorts, s, l);
    addPort(inPorts, l.to, l);
  }
  const sortY = (k: PortKey, self: "out" | "in") => {
    if (k.kind === "lane") return laneY(k);
    return nodeY(self === "out" ? k.to : k.from);
  };
  for (const [, list] of outPorts) list.sort((a, b) => sortY(a, "out") - sortY(b, "out"));
  for (const [, list] of inPorts) list.sort((a, b) => sortY(a, "in") - sortY(b, "in"));
  const portY = (m: Map<string, PortKey[]>, name: string, k: PortKey) => {
    const list = m.get(name) ?? [k];
    const i = Math.max(0, list.indexOf(k));
    return pos.get(name)!.y + (NODE_H * (i + 1)) / (list.length + 1);
  };

  // Vertical tracks in the gaps: gap g lies left of column g.
  const tracks = new Map<number, number>();
  const trackX = (gap: number) => {
    const n = tracks.get(gap) ?? 0;
    tracks.set(gap, n + 1);
    const left = gap === 0 ? 6 : colX(gap - 1) + NODE_W;
    const room = gap === 0 || gap === columnCount ? MARGIN_X - 12 : GAP;
    const step = 9;
    // From the middle of the gap outwards, alternating sides.
    const offset = (n % 2 === 0 ? 1 : -1) * Math.ceil(n / 2) * step;
    return Math.max(left + 4, Math.min(left + room - 4, left + room / 2 + offset));
  };

  const labelOf = (indexes: number[]) =>
    indexes.map((i) => ts[i].label?.trim() || ts[i].name?.trim() || "?").join(" / ");
  const edges: DiagramEdge[] = [];

  for (const d of directs.values()) {
    const a = pos.get(d.from)!;
    const b = pos.get(d.to)!;
    const sx = a.x + NODE_W;
    const sy = portY(outPorts, d.from, d);
    const ex = b.x - 2;
    const ey = portY(inPorts, d.to, d);
    const mx = (sx + ex) / 2;
    edges.push({
      key: `d:${d.from}>${d.to}`,
      transitions: d.transitions,
      states: [d.from, d.to],
      paths: [`M${sx},${sy} C${mx},${sy} ${mx},${ey} ${ex},${ey}`],
      label: labelOf(d.transitions),
      labelX: mx,
      labelY: (sy + ey) / 2,
      tone: toneOf(ts[d.transitions[0]]),
    });
  }
  // Labels of curves in the same gap must not sit on each other.
  const byGap = new Map<number, DiagramEdge[]>();
  for (const e of edges) {
    const g = Math.round(e.labelX);
    if (!byGap.has(g)) byGap.set(g, []);
    byGap.get(g)!.push(e);
  }
  for (const list of byGap.values()) {
    list.sort((a, b) => a.labelY - b.labelY);
    for (let i = 1; i < list.length; i++) {
      if (list[i].labelY - list[i - 1].labelY < 17) list[i].labelY = list[i - 1].labelY + 17;
    }
  }

  for (const l of lanes) {
    const ly = laneY(l);
    const target = pos.get(l.to)!;
    const tc = column.get(l.to)!;
    const tx = trackX(tc);
    const ty = portY(inPorts, l.to, l);
    const paths: string[] = [];
    const xs: number[] = [tx];
    for (const s of l.sources) {
      const p = pos.get(s)!;
      const sx = p.x + NODE_W;
      const sy = portY(outPorts, s, l);
      const gx = trackX(column.get(s)! + 1);
      xs.push(gx);
      paths.push(
        rounded([
          [sx, sy],
          [gx, sy],
          [gx, ly],
          [tx, ly],
          [tx, ty],
          [target.x - 2, ty],
        ]),
      );
    }
    const minX = Math.min(...xs);
    const maxX = Math.max(...xs);
    edges.push({
      key: `l:${l.transition}:${l.side}`,
      transitions: [l.transition],
      states: [...l.sources, l.to],
      paths,
      label: labelOf([l.transition]),
      labelX: (minX + maxX) / 2,
      labelY: ly,
      tone: toneOf(ts[l.transition]),
    });
  }

  for (const s of selfs.values()) {
    const p = pos.get(s.state)!;
    const cx = p.x + NODE_W / 2;
    const y = p.y;
    edges.push({
      key: `s:${s.state}`,
      transitions: s.transitions,
      states: [s.state],
      paths: [`M${cx - 14},${y} C${cx - 26},${y - 30} ${cx + 26},${y - 30} ${cx + 14},${y - 2}`],
      label: labelOf(s.transitions),
      labelX: cx,
      labelY: y - 28,
      tone: toneOf(ts[s.transitions[0]]),
    });
  }

  const nodes: DiagramNode[] = order.map((name) => {
    const s = info.get(name);
    const p = pos.get(name)!;
    return {
      name,
      label: s?.label?.trim() || name,
      x: p.x,
      y: p.y,
      terminal: !!s?.terminal,
      pausesSla: !!s?.pausesSla,
      initial: name === initial,
      unreachable: !unknown.has(name) && !depth.has(name),
      unknown: unknown.has(name),
    };
  });
  const start = initial
    ? { x: pos.get(initial)!.x - 30, y: pos.get(initial)!.y + NODE_H / 2 }
    : undefined;
  return { nodes, edges, width, height, start };
}
