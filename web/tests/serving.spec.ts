// How the gateway serves the console: client routes fall back to index.html, hashed
// assets are cached for a year and gzipped, every answer carries a strict CSP.
import { expect, test } from "./fixtures";

test("index.html for client routes, immutable gzipped assets, strict CSP", async ({ request }) => {
  const deep = await request.get("/work-orders/some-id?x=1");
  expect(deep.status()).toBe(200);
  expect(deep.headers()["content-type"]).toContain("text/html");
  expect(deep.headers()["cache-control"]).toBe("no-cache");
  const csp = deep.headers()["content-security-policy"];
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  expect(csp).toContain("frame-ancestors 'none'");

  const html = await deep.text();
  const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
  expect(script, "index.html names its hashed entry script").toBeTruthy();
  const asset = await request.get(script!, { headers: { "Accept-Encoding": "gzip" } });
  expect(asset.status()).toBe(200);
  expect(asset.headers()["cache-control"]).toContain("immutable");
  expect(asset.headers()["content-encoding"]).toBe("gzip");

  expect((await request.get("/assets/missing-0000.js")).status()).toBe(404);
  // The API keeps its own 404s.
  const api = await request.get("/v1/no-such-thing");
  expect(api.status()).toBe(404);
  expect((await api.json()).error).toBeTruthy();
});
