// Browser tests: Debian's chromium (Playwright cannot download its own browser here),
// driven by @playwright/test 1.64.x, whose bundled Chromium has the same major version
// (156) as Debian's. They run against the stack `./deploy/dev test` started; its
// gateway's URL comes in QQ_TEST_GATEWAY_URL.
import { defineConfig } from "@playwright/test";

const baseURL = process.env.QQ_TEST_GATEWAY_URL;
if (!baseURL) {
  throw new Error("QQ_TEST_GATEWAY_URL is not set: run the browser tests with ./deploy/dev test");
}

export default defineConfig({
  testDir: "tests",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    // A click or fill that cannot happen fails within this, naming the step, instead of
    // waiting out the whole test.
    actionTimeout: 15_000,
    viewport: { width: 1366, height: 768 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    screenshot: "only-on-failure",
    trace: "off",
    launchOptions: {
      executablePath: process.env.QQ_CHROMIUM ?? "/usr/bin/chromium",
      // The machine's network is closed: no background calls home, no sandbox as root.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
});
