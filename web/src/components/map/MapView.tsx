// A Leaflet map of the console's things: points (customers' addresses, couriers, orders),
// areas (polygons) and routes (lines). Everything comes in as stored WGS-84 and is
// converted for the configured tiles; without tiles it draws on a plain background with a
// scale bar, so it works on a server with no internet. Lazy-load the module that uses it:
// Leaflet stays out of the first page's JavaScript.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef, useState } from "react";
import { fromDisplay, toDisplay, type LatLng } from "./coords";
import { loadMapConfig, type MapConfig } from "./mapConfig";

export interface MapPoint {
  id: string;
  position: LatLng;
  label: string;
  color?: string;
  /** Drawn bigger and on top (the selected one). */
  highlight?: boolean;
  /** A short text always shown on the marker (a stop's number, a person's initial). */
  text?: string;
  /** With `text`: a square marker instead of a round one. */
  square?: boolean;
  /** With `text`: markers with a higher value are drawn over the others. */
  zIndex?: number;
  /** data-testid of the marker's element. */
  testId?: string;
}

export interface MapArea {
  id: string;
  points: LatLng[];
  label: string;
  color?: string;
}

export interface MapLine {
  id: string;
  points: LatLng[];
  color?: string;
  /** Shown when hovering the line. */
  label?: string;
}

/** A polygon being drawn or edited: numbered vertices, draggable when `onMove` is given. */
export interface MapDrawing {
  points: LatLng[];
  /** Closed: drawn as a polygon; open: the line so far with the closing edge dashed. */
  closed?: boolean;
  /** A refusal shown on the shape: drawn red, the text in a permanent tooltip. */
  error?: string;
  /** The vertex the error names (0-based), drawn red. */
  errorVertex?: number;
  /** A vertex dragged to `p` (stored, WGS-84). */
  onMove?: (index: number, p: LatLng) => void;
  onVertexClick?: (index: number) => void;
}

export interface MapViewProps {
  points?: MapPoint[];
  areas?: MapArea[];
  lines?: MapLine[];
  /** A polygon being drawn, on top of everything else. */
  drawing?: MapDrawing;
  height?: number | string;
  onPointClick?: (id: string) => void;
  onAreaClick?: (id: string) => void;
  /** A click on the map, as a stored (WGS-84) point. */
  onMapClick?: (p: LatLng) => void;
  testId?: string;
  /**
   * Fit the view to the contents once per value (live updates then leave the view where the
   * user put it). Absent: fit on every change.
   */
  fitKey?: string;
}

function ll(p: LatLng, config: MapConfig): L.LatLngExpression {
  const d = toDisplay(p, config.coordSystem);
  return [d.lat, d.lng];
}

/** Tooltip content as text (names and addresses are user input, never HTML). */
function tip(text: string): HTMLElement {
  const el = document.createElement("div");
  el.style.whiteSpace = "pre";
  el.textContent = text;
  return el;
}

/** A round marker with `point.text` on it. */
function textIcon(point: MapPoint): L.DivIcon {
  const size = point.highlight ? 26 : 20;
  const el = document.createElement("div");
  el.textContent = point.text ?? "";
  Object.assign(el.style, {
    width: `${size}px`,
    height: `${size}px`,
    lineHeight: `${size - 4}px`,
    borderRadius: point.square ? "4px" : "50%",
    border: "2px solid #fff",
    boxSizing: "border-box",
    background: point.color ?? "#1677ff",
    color: "#fff",
    fontSize: "11px",
    fontWeight: "600",
    textAlign: "center",
    boxShadow: point.highlight
      ? "0 0 0 3px rgba(0,0,0,0.25), 0 1px 3px rgba(0,0,0,0.35)"
      : "0 1px 3px rgba(0,0,0,0.35)",
  });
  return L.divIcon({ html: el, className: "", iconSize: [size, size] });
}

const DRAW_COLOR = "#fa8c16";
const ERROR_COLOR = "#f5222d";

/** The shape being drawn: its outline, the numbered vertices and the error on it. */
function drawShape(m: L.Map, group: L.FeatureGroup, d: MapDrawing, config: MapConfig) {
  const color = d.error ? ERROR_COLOR : DRAW_COLOR;
  const latlngs = d.points.map((p) => ll(p, config));
  let shape: L.Polyline<GeoJSON.Geometry> | null = null;
  if (d.closed && latlngs.length >= 3) {
    shape = L.polygon(latlngs, { color, weight: 3, fillOpacity: d.error ? 0.2 : 0.12 });
  } else if (latlngs.length >= 2) {
    if (latlngs.length >= 3) {
      L.polygon(latlngs, { color, weight: 1, dashArray: "6 6", fillOpacity: 0.06 }).addTo(group);
    }
    shape = L.polyline(latlngs, { color, weight: 3 });
  }
  shape?.addTo(group);
  if (d.error) {
    const content = tip(d.error);
    content.setAttribute("data-testid", "area-error");
    Object.assign(content.style, {
      color: "#cf1322",
      whiteSpace: "pre-line",
      width: "max-content",
      maxWidth: "280px",
      overflowWrap: "anywhere",
    });
    if (latlngs.length > 0) {
      // Above the shape, so that it hides none of it, and panned into view if it sticks out.
      const bounds = L.latLngBounds(latlngs);
      const tooltip = L.tooltip({ permanent: true, direction: "top", opacity: 0.95 })
        .setLatLng([bounds.getNorth(), bounds.getCenter().lng])
        .setContent(content)
        .addTo(group);
      const box = tooltip.getElement()?.getBoundingClientRect();
      const frame = m.getContainer().getBoundingClientRect();
      if (box) {
        const dx =
          Math.min(0, box.left - frame.left - 8) || Math.max(0, box.right - frame.right + 8);
        const dy =
          Math.min(0, box.top - frame.top - 8) || Math.max(0, box.bottom - frame.bottom + 8);
        if (dx || dy) m.panBy([dx, dy], { animate: false });
      }
    }
  }
  d.points.forEach((p, i) => {
    const marker = L.marker(ll(p, config), {
      icon: textIcon({
        id: String(i),
        position: p,
        label: "",
        text: String(i + 1),
        color: i === d.errorVertex ? ERROR_COLOR : color,
      }),
      draggable: !!d.onMove,
      keyboard: false,
      zIndexOffset: 1000,
    });
    marker.on("click", () => d.onVertexClick?.(i));
    // The outline follows the vertex while it moves; the owner hears of it when dropped.
    marker.on("drag", () => {
      const moved = [...latlngs];
      moved[i] = marker.getLatLng();
      shape?.setLatLngs(moved);
    });
    marker.on("dragend", () => {
      const q = marker.getLatLng();
      d.onMove?.(i, fromDisplay({ lat: q.lat, lng: q.lng }, config.coordSystem));
    });
    marker.addTo(group);
    marker.getElement()?.setAttribute("data-testid", "map-vertex");
  });
}

export default function MapView({
  points = [],
  areas = [],
  lines = [],
  drawing,
  height = 240,
  onPointClick,
  onAreaClick,
  onMapClick,
  testId,
  fitKey,
}: MapViewProps) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.FeatureGroup | null>(null);
  const [config, setConfig] = useState<MapConfig | null>(null);
  const fittedKey = useRef<string | undefined>(undefined);
  const clickRef = useRef(onMapClick);
  const pointClickRef = useRef(onPointClick);
  const areaClickRef = useRef(onAreaClick);
  useEffect(() => {
    clickRef.current = onMapClick;
    pointClickRef.current = onPointClick;
    areaClickRef.current = onAreaClick;
  });

  useEffect(() => {
    let cancelled = false;
    void loadMapConfig().then((c) => !cancelled && setConfig(c));
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    if (!config || !element.current) return;
    const m = L.map(element.current, {
      zoomControl: true,
      attributionControl: !!config.attribution,
    });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(m);
    }
    L.control.scale({ imperial: false }).addTo(m);
    m.setView([39.9, 116.4], 11);
    m.on("click", (e: L.LeafletMouseEvent) => {
      clickRef.current?.(fromDisplay({ lat: e.latlng.lat, lng: e.latlng.lng }, config.coordSystem));
    });
    layer.current = L.featureGroup().addTo(m);
    map.current = m;
    return () => {
      m.remove();
      map.current = null;
      layer.current = null;
      fittedKey.current = undefined;
    };
  }, [config]);

  useEffect(() => {
    const m = map.current;
    const group = layer.current;
    if (!m || !group || !config) return;
    group.clearLayers();
    for (const area of areas) {
      if (area.points.length < 3) continue;
      L.polygon(
        area.points.map((p) => ll(p, config)),
        { color: area.color ?? "#1677ff", weight: 2, fillOpacity: 0.08 },
      )
        .bindTooltip(tip(area.label), { sticky: true })
        .on("click", () => areaClickRef.current?.(area.id))
        .addTo(group);
    }
    for (const line of lines) {
      const polyline = L.polyline(
        line.points.map((p) => ll(p, config)),
        { color: line.color ?? "#722ed1", weight: 3, opacity: 0.8 },
      );
      if (line.label) polyline.bindTooltip(tip(line.label), { sticky: true });
      polyline.addTo(group);
    }
    // The highlighted point last, so it is drawn on top.
    const ordered = [...points.filter((p) => !p.highlight), ...points.filter((p) => p.highlight)];
    for (const point of ordered) {
      const marker = point.text
        ? L.marker(ll(point.position, config), {
            icon: textIcon(point),
            zIndexOffset: (point.zIndex ?? 0) + (point.highlight ? 1000 : 0),
          })
        : L.circleMarker(ll(point.position, config), {
            radius: point.highlight ? 9 : 6,
            color: "#fff",
            weight: 2,
            fillColor: point.color ?? "#1677ff",
            fillOpacity: 1,
          });
      marker
        .bindTooltip(tip(point.label))
        .on("click", () => pointClickRef.current?.(point.id))
        .addTo(group);
      if (point.testId) marker.getElement()?.setAttribute("data-testid", point.testId);
    }
    if (drawing) drawShape(m, group, drawing, config);
    if (fitKey !== undefined && fittedKey.current === fitKey) return;
    const bounds = group.getBounds();
    if (bounds.isValid()) {
      m.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
      fittedKey.current = fitKey;
    }
  }, [config, points, areas, lines, drawing, fitKey]);

  return (
    <div
      ref={element}
      data-testid={testId}
      style={{ height, width: "100%", background: "#eef3f8", borderRadius: 4 }}
    />
  );
}
