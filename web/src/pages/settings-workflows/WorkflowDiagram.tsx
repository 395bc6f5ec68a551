// The state machine as SVG, drawn from the editor's current values: boxes for states,
// labelled arrows for transitions. Hovering a box or an arrow brings out what it touches;
// clicking one asks the editor to show that row.
import { useState } from "react";
import { useT } from "../../i18n/messages";
import {
  NODE_H,
  NODE_W,
  layoutWorkflow,
  textWidth,
  type DiagramEdge,
  type EdgeTone,
  type StateInput,
  type TransitionInput,
} from "./layout";
import { messages } from "./messages";

const toneColor: Record<EdgeTone, string> = {
  normal: "#8c8c8c",
  cancel: "#ff7875",
  resolve: "#52c41a",
  reopen: "#fa8c16",
};

function shorten(text: string, max: number): string {
  let w = 0;
  let out = "";
  for (const ch of text) {
    w += textWidth(ch);
    if (w > max) return out + "…";
    out += ch;
  }
  return out;
}

export interface WorkflowDiagramProps {
  states: StateInput[];
  transitions: TransitionInput[];
  initialState?: string;
  /** A transition row the editor has in focus. */
  activeTransition?: number;
  onStateClick?: (name: string) => void;
  onTransitionClick?: (index: number) => void;
}

export function WorkflowDiagram(props: WorkflowDiagramProps) {
  const t = useT(messages);
  const layout = layoutWorkflow(props.states, props.transitions, props.initialState);
  const [hover, setHover] = useState<{ state?: string; edge?: string } | null>(null);

  const edgeActive = (e: DiagramEdge) => {
    if (hover?.edge) return hover.edge === e.key;
    if (hover?.state) return e.states.includes(hover.state);
    if (props.activeTransition !== undefined) return e.transitions.includes(props.activeTransition);
    return null;
  };
  const anyActive = !!hover || props.activeTransition !== undefined;
  const nodeActive = (name: string) => {
    if (hover?.state) {
      if (hover.state === name) return true;
      return layout.edges.some((e) => e.states.includes(hover.state!) && e.states.includes(name));
    }
    const focus = hover?.edge
      ? layout.edges.find((e) => e.key === hover.edge)
      : props.activeTransition !== undefined
        ? {
            states: layout.edges
              .filter((e) => e.transitions.includes(props.activeTransition!))
              .flatMap((e) => e.states),
          }
        : undefined;
    if (!focus) return null;
    return focus.states.includes(name);
  };

  if (layout.nodes.length === 0) {
    return <div style={{ padding: 24, color: "#999" }}>{t("diagramEmpty")}</div>;
  }
  return (
    <div style={{ overflowX: "auto" }} data-testid="workflow-diagram">
      <svg
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width="100%"
        style={{ maxWidth: layout.width, minWidth: Math.min(layout.width, 760), display: "block" }}
        role="img"
        aria-label={t("diagram")}
        fontFamily="inherit"
      >
        <defs>
          {(Object.keys(toneColor) as EdgeTone[]).map((tone) => (
            <marker
              key={tone}
              id={`qq-wf-arrow-${tone}`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" fill={toneColor[tone]} />
            </marker>
          ))}
        </defs>
        {layout.start && (
          <g>
            <circle cx={layout.start.x - 6} cy={layout.start.y} r={5} fill="#1677ff" />
            <path
              d={`M${layout.start.x - 1},${layout.start.y} L${layout.start.x + 26},${layout.start.y}`}
              stroke="#1677ff"
              strokeWidth={1.5}
              markerEnd="url(#qq-wf-arrow-normal)"
            />
          </g>
        )}
        {layout.edges.map((e) => {
          const active = edgeActive(e);
          const opacity = anyActive && active === false ? 0.15 : 1;
          const color = toneColor[e.tone];
          return (
            <g
              key={e.key}
              opacity={opacity}
              style={{ cursor: "pointer" }}
              data-testid="diagram-edge"
              data-transitions={e.transitions.join(",")}
              onMouseEnter={() => setHover({ edge: e.key })}
              onMouseLeave={() => setHover(null)}
              onClick={() => props.onTransitionClick?.(e.transitions[0])}
            >
              {e.paths.map((d, i) => (
                <g key={i}>
                  <path d={d} fill="none" stroke="transparent" strokeWidth={10} />
                  <path
                    d={d}
                    fill="none"
                    stroke={color}
                    strokeWidth={active ? 2.2 : 1.4}
                    markerEnd={`url(#qq-wf-arrow-${e.tone})`}
                  />
                </g>
              ))}
              <rect
                x={e.labelX - textWidth(e.label) / 2 - 3}
                y={e.labelY - 8}
                width={textWidth(e.label) + 6}
                height={16}
                rx={3}
                fill="#fff"
                opacity={0.92}
              />
              <text
                x={e.labelX}
                y={e.labelY + 4}
                fontSize={12}
                textAnchor="middle"
                fill={e.tone === "normal" ? "#595959" : color}
              >
                {e.label}
              </text>
            </g>
          );
        })}
        {layout.nodes.map((n) => {
          const active = nodeActive(n.name);
          const stroke = n.unknown || n.unreachable ? "#ff4d4f" : n.initial ? "#1677ff" : "#91caff";
          const fill = n.unknown ? "#fff1f0" : n.terminal ? "#f5f5f5" : "#fff";
          const tip = [
            `${n.label} (${n.name})`,
            n.initial ? t("initialState") : "",
            n.terminal ? t("terminal") : "",
            n.pausesSla ? t("pausesSla") : "",
            n.unreachable ? t("unreachable") : "",
            n.unknown ? t("unknownState") : "",
          ]
            .filter(Boolean)
            .join(" · ");
          return (
            <g
              key={n.name}
              transform={`translate(${n.x},${n.y})`}
              opacity={anyActive && active === false ? 0.35 : 1}
              style={{ cursor: "pointer" }}
              data-testid={`diagram-state-${n.name}`}
              onMouseEnter={() => setHover({ state: n.name })}
              onMouseLeave={() => setHover(null)}
              onClick={() => props.onStateClick?.(n.name)}
            >
              <title>{tip}</title>
              <rect
                width={NODE_W}
                height={NODE_H}
                rx={6}
                fill={fill}
                stroke={stroke}
                strokeWidth={n.initial || active ? 2 : 1.2}
                strokeDasharray={n.pausesSla || n.unknown || n.unreachable ? "5 3" : undefined}
              />
              {n.terminal && (
                <rect
                  x={3}
                  y={3}
                  width={NODE_W - 6}
                  height={NODE_H - 6}
                  rx={4}
                  fill="none"
                  stroke={stroke}
                  strokeWidth={0.8}
                />
              )}
              <text
                x={NODE_W / 2}
                y={19}
                fontSize={13}
                fontWeight={600}
                textAnchor="middle"
                fill="#262626"
              >
                {shorten(n.label, NODE_W - (n.pausesSla ? 30 : 16))}
              </text>
              {n.pausesSla && (
                <g fill="#fa8c16" data-testid="diagram-pause">
                  <rect x={7} y={9} width={2.5} height={10} rx={1} />
                  <rect x={12} y={9} width={2.5} height={10} rx={1} />
                </g>
              )}
              <text x={NODE_W / 2} y={35} fontSize={10} textAnchor="middle" fill="#8c8c8c">
                {n.unknown ? t("unknownState") : shorten(n.name, NODE_W - 10)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
