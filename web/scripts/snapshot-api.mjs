// Refreshes src/api/openapi.json, the snapshot of the gateway's /openapi.json that the
// typed client is generated from. Without an argument it starts the freshly built
// gateway (../build/bin/qq-gateway) on a free port just long enough to ask it: the
// document comes from the linked service descriptors, so no backend has to run.
//
//   node scripts/snapshot-api.mjs [http://127.0.0.1:8080]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../src/api/openapi.json");

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function fetchDocument(url, deadlineMs) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/openapi.json`);
      if (res.ok) return await res.json();
      throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

let url = process.argv[2];
let gateway;
if (!url) {
  const port = await freePort();
  const admin = await freePort();
  const bin = resolve(here, "../../build/bin/qq-gateway");
  gateway = spawn(
    bin,
    [
      `--listen=127.0.0.1:${port}`,
      `--admin_listen=127.0.0.1:${admin}`,
      `--jwt_keys=snapshot:${randomBytes(32).toString("hex")}`,
      "--log_level=warn",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  gateway.on("error", (err) => {
    console.error(`cannot start ${bin}: ${err.message} (build it first)`);
    process.exit(1);
  });
  url = `http://127.0.0.1:${port}`;
}
try {
  const doc = await fetchDocument(url, 15000);
  writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");
  console.log(`wrote ${out} (${Object.keys(doc.paths ?? {}).length} paths)`);
} finally {
  gateway?.kill("SIGTERM");
}
