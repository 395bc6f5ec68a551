// The deployment's base map, from the gateway's /console-config.json: a tile URL template
// (a self-hosted tile server or a Chinese provider) and the coordinate system its tiles
// use. Empty: no base layer, the map draws on a plain background.
import type { CoordSystem } from "./coords";

export interface MapConfig {
  tileUrl: string;
  coordSystem: CoordSystem;
  attribution: string;
}

const NONE: MapConfig = { tileUrl: "", coordSystem: "WGS84", attribution: "" };
let loading: Promise<MapConfig> | null = null;

export function loadMapConfig(): Promise<MapConfig> {
  loading ??= fetch("/console-config.json")
    .then((r) => (r.ok ? r.json() : {}))
    .then((doc: { map?: Partial<MapConfig> }): MapConfig => ({
      tileUrl: doc.map?.tileUrl ?? "",
      coordSystem: doc.map?.coordSystem === "GCJ02" ? "GCJ02" : "WGS84",
      attribution: doc.map?.attribution ?? "",
    }))
    .catch(() => NONE);
  return loading as Promise<MapConfig>;
}
