// 数据看板: a manager sees the KPI cards and the charts drawn on a canvas.
import { apiToken, expect, login, screenshot, test } from "./fixtures";

test("manager: KPI cards and a chart", async ({ page, request }) => {
  // At least one work order of the tenant, whatever ran before on this stack.
  const agent = await apiToken(request, "agent");
  const auth = { Authorization: `Bearer ${agent}` };
  const hits = await request.get("/v1/customers:search?q=13812340001", { headers: auth });
  const customerId = (await hits.json()).hits[0].customer.id as string;
  const created = await request.post("/v1/work-orders", {
    headers: { ...auth, "Idempotency-Key": `dashboard-${Date.now()}` },
    data: { type: "REPAIR", channel: "PHONE", customerId, description: "看板统计用：水表漏水" },
  });
  expect(created.ok(), await created.text()).toBeTruthy();

  await login(page, "manager");
  await page.goto("/dashboard");
  const dashboard = page.getByTestId("dashboard");
  await expect(dashboard.getByTestId("kpi-created")).toContainText("新建工单");
  await expect(dashboard.getByTestId("kpi-avg")).toContainText("平均处理时长");
  // All time: the demo tenant's work orders, whenever they were made.
  // Analytics counts it from the event within moments; the refresh button asks again.
  await dashboard.getByTestId("dashboard-all-time").click();
  await expect(async () => {
    await dashboard.getByTestId("dashboard-all-time").click();
    await expect(dashboard.getByTestId("kpi-created").locator(".ant-statistic-content")).toHaveText(
      /^[1-9]\d*$/,
      { timeout: 1000 },
    );
  }).toPass({ timeout: 20_000 });
  await expect(dashboard.getByTestId("chart-created-resolved").locator("canvas")).toBeVisible();
  await expect(dashboard.getByTestId("chart-handling").locator("canvas")).toBeVisible();
  await page.waitForTimeout(800); // the bars' entry animation
  await screenshot(page, "dashboard");
});
