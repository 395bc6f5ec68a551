// The console's typed client is generated from src/api/openapi.json. This fails when the
// running gateway's document differs from that snapshot: refresh it with
// `npm run snapshot:api` and let the type check show what the change breaks.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "./fixtures";

const here = dirname(fileURLToPath(import.meta.url));

test("the gateway's /openapi.json is the snapshot the client was generated from", async ({
  request,
}) => {
  const snapshot = JSON.parse(readFileSync(resolve(here, "../src/api/openapi.json"), "utf8"));
  const res = await request.get("/openapi.json");
  expect(res.ok()).toBeTruthy();
  const live = await res.json();
  expect(Object.keys(live.paths).sort()).toEqual(Object.keys(snapshot.paths).sort());
  expect(live).toEqual(snapshot);
});
