// The fixtures every browser test uses: a page that fails the test on any uncaught error
// or console error, and helpers to log in as a demo user and to call the API directly.
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PASSWORD = "demo12345";
export const UTILITY = "utility-demo";
export const STATION = "station-demo";

const here = dirname(fileURLToPath(import.meta.url));
/** Screenshots for docs/console.md land here (committed). */
export const SCREENSHOT_DIR = resolve(here, "../../docs/console");

export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(`uncaught: ${err.message}`));
      page.on("console", (msg) => {
        if (msg.type() !== "error") return;
        const text = msg.text();
        // A refused API call logs "Failed to load resource: 4xx"; the test checks what
        // the page shows for it instead.
        if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) {
          return;
        }
        // A test that takes the browser offline expects its requests to fail.
        if (text.includes("net::ERR_INTERNET_DISCONNECTED")) return;
        errors.push(`console: ${text}`);
      });
      await use(errors);
      expect(errors, "errors in the browser console").toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export async function login(page: Page, username: string, tenant = UTILITY): Promise<void> {
  await page.goto("/login");
  await page.getByLabel(/租户|Tenant/).fill(tenant);
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(PASSWORD);
  await page.getByRole("button", { name: /登\s*录|Log in/ }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

/** A token for direct API calls (setting up data, checking results). */
export async function apiToken(
  request: APIRequestContext,
  username: string,
  tenant = UTILITY,
): Promise<string> {
  const res = await request.post("/v1/auth/login", {
    data: { tenant, username, password: PASSWORD },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()).accessToken as string;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`) });
}

/** A phone number no other test run uses: 139 + 8 digits from the clock and chance. */
export function uniquePhone(): string {
  const n = (Date.now() % 1e7) * 10 + Math.floor(Math.random() * 10);
  return "139" + String(n).padStart(8, "0");
}
