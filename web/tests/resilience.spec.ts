// A lost connection is shown and retried; the language switches to English and back.
import { expect, login, test } from "./fixtures";

test("a lost connection shows a banner, retries, and the search answers once it is back", async ({
  page,
  context,
}) => {
  await login(page, "agent");
  await page.goto("/hotline");
  await expect(page.getByTestId("hotline-search")).toBeVisible();
  await context.setOffline(true);
  await page.getByTestId("hotline-search").fill("0001");
  await expect(page.getByTestId("connection-lost")).toBeVisible();
  await context.setOffline(false);
  await expect(page.getByTestId("hotline-hit").filter({ hasText: "李建国" })).toBeVisible({
    timeout: 20_000,
  });
  await expect(page.getByTestId("connection-lost")).toHaveCount(0);
});

test("the console switches to English and back", async ({ page }) => {
  await login(page, "agent");
  await page.getByRole("button", { name: "English" }).click();
  const menu = page.getByTestId("main-menu");
  await expect(menu.getByText("Hotline")).toBeVisible();
  await expect(menu.getByText("Work orders")).toBeVisible();
  await expect(page.getByTestId("hotline-search")).toHaveAttribute("placeholder", /Caller/);
  await page.getByRole("button", { name: /中\s*文/ }).click();
  await expect(menu.getByText("来电工作台")).toBeVisible();
});
