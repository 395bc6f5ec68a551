// Coordinates are stored as WGS-84 (GPS). Chinese tile providers (AMap and most others)
// draw in GCJ-02, so on such a map the console converts every point for display and every
// clicked point back before it is sent. gcoord does the conversion.
import gcoord from "gcoord";

export type CoordSystem = "WGS84" | "GCJ02";

export interface LatLng {
  lat: number;
  lng: number;
}

/** A stored (WGS-84) point as the map's tiles draw it. */
export function toDisplay(p: LatLng, system: CoordSystem): LatLng {
  if (system === "WGS84") return p;
  const [lng, lat] = gcoord.transform([p.lng, p.lat], gcoord.WGS84, gcoord.GCJ02);
  return { lat, lng };
}

/** A point picked on the map, as it is stored (WGS-84). */
export function fromDisplay(p: LatLng, system: CoordSystem): LatLng {
  if (system === "WGS84") return p;
  const [lng, lat] = gcoord.transform([p.lng, p.lat], gcoord.GCJ02, gcoord.WGS84);
  return { lat, lng };
}
