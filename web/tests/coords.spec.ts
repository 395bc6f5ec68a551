// WGS-84 ⇄ GCJ-02 for tenants whose tiles are Chinese (AMap and most others), checked
// against published point pairs.
import { toDisplay, fromDisplay } from "../src/components/map/coords";
import { expect, test } from "./fixtures";

const pairs = [
  // Beijing, the pair most converters publish.
  { wgs: { lat: 39.915, lng: 116.404 }, gcj: { lat: 39.91640428150164, lng: 116.41024449916938 } },
  { wgs: { lat: 40.0, lng: 116.0 }, gcj: { lat: 40.001213650174, lng: 116.006141221789 } },
  {
    wgs: { lat: 30.6107779, lng: 121.0917077 },
    gcj: { lat: 30.608604331756705, lng: 121.09626935575027 },
  },
];

test("WGS-84 points are shown in GCJ-02 and picked points stored back in WGS-84", () => {
  for (const { wgs, gcj } of pairs) {
    const shown = toDisplay(wgs, "GCJ02");
    expect(shown.lat).toBeCloseTo(gcj.lat, 6);
    expect(shown.lng).toBeCloseTo(gcj.lng, 6);
    const back = fromDisplay(gcj, "GCJ02");
    expect(back.lat).toBeCloseTo(wgs.lat, 6);
    expect(back.lng).toBeCloseTo(wgs.lng, 6);
  }
  // WGS-84 tiles: no conversion.
  expect(toDisplay(pairs[0].wgs, "WGS84")).toEqual(pairs[0].wgs);
  // Outside China GCJ-02 equals WGS-84.
  const paris = { lat: 48.8566, lng: 2.3522 };
  expect(toDisplay(paris, "GCJ02").lat).toBeCloseTo(paris.lat, 9);
});
