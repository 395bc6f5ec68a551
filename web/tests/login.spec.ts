// Logging in and out, menus by role, and a session that expires mid-form.
import { expect, login, screenshot, test } from "./fixtures";

test("a wrong password says so; after a login the tenant is remembered", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel(/租户/).fill("utility-demo");
  await page.getByLabel(/用户名/).fill("agent");
  await page.getByLabel(/密码/).fill("wrong-password");
  await page.getByRole("button", { name: /登\s*录/ }).click();
  await expect(page.getByTestId("login-error")).toContainText("用户名或密码不正确");
  await screenshot(page, "login");
  await page.getByLabel(/密码/).fill("demo12345");
  await page.getByRole("button", { name: /登\s*录/ }).click();
  await expect(page.getByTestId("current-user")).toContainText("客服小刘");
  await page.getByRole("button", { name: /退出登录/ }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByLabel(/租户/)).toHaveValue("utility-demo");
});

const menus: Record<string, { sees: RegExp[]; not: RegExp[] }> = {
  // Agents read the notification templates and the rules under 设置.
  agent: { sees: [/来电工作台/, /工单/, /客户档案/, /设置/], not: [/数据看板/] },
  worker: { sees: [/工单/], not: [/来电工作台/, /数据看板/, /设置/, /客户档案/] },
  manager: { sees: [/数据看板/, /工单/], not: [/来电工作台/] },
  dispatcher: { sees: [/工单/, /来电工作台/], not: [/数据看板/] },
};

for (const [user, { sees, not }] of Object.entries(menus)) {
  test(`the ${user}'s menu shows only what the role can use`, async ({ page }) => {
    await login(page, user);
    const menu = page.getByTestId("main-menu");
    for (const item of sees) await expect(menu.getByText(item).first()).toBeVisible();
    for (const item of not) await expect(menu.getByText(item)).toHaveCount(0);
  });
}

test("a worker who opens the dashboard's address is refused, not shown it", async ({ page }) => {
  await login(page, "worker");
  await page.goto("/dashboard");
  await expect(page.getByText("您的角色无权打开此页面")).toBeVisible();
});

test("an expired session returns to login and back to the form with the text kept", async ({
  page,
}) => {
  await login(page, "agent");
  await page.goto("/hotline");
  await page.getByTestId("hotline-search").fill("0001");
  await page.getByTestId("hotline-hit").filter({ hasText: "李建国" }).click();
  await expect(page.getByTestId("customer-name")).toHaveText("李建国");
  await page.getByTestId("action-record-call").click();
  const text = "客户来电询问DN100阀门更换后何时恢复供水🙂";
  await page.getByTestId("call-record-form").getByLabel("内容摘要").fill(text);
  // The server no longer accepts the token (as when it expires or is revoked).
  await page.evaluate(() => {
    const token = localStorage.getItem("qq.token")!;
    const [h, p] = token.split(".");
    localStorage.setItem("qq.token", `${h}.${p}.invalid-signature`);
  });
  await page.reload();
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel(/用户名/).fill("agent");
  await page.getByLabel(/密码/).fill("demo12345");
  await page.getByRole("button", { name: /登\s*录/ }).click();
  await expect(page.getByTestId("customer-name")).toHaveText("李建国");
  await page.getByTestId("action-record-call").click();
  await expect(page.getByTestId("call-record-form").getByLabel("内容摘要")).toHaveValue(text);
});
