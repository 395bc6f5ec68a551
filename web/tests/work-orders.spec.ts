// Work orders end to end: the agent files repairs through the API, the dispatcher sees
// them in the pool with live SLA countdowns and assigns the worker on the order's page,
// the worker accepts, arrives and resolves with a photo through the API, and the agent
// sees the resolve with its photo on the timeline and records the customer's rating.
import { randomUUID } from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { PASSWORD, apiToken, expect, screenshot, test } from "./fixtures";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface WorkOrder {
  id: string;
  number: string;
  state: string;
  teamName?: string;
  createTime: string;
}

async function customerId(request: APIRequestContext, token: string, q: string) {
  const res = await request.get(`/v1/customers:search?q=${encodeURIComponent(q)}`, {
    headers: bearer(token),
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  const id = (await res.json()).hits?.[0]?.customer?.id as string | undefined;
  expect(id, `demo customer ${q}`).toBeTruthy();
  return id!;
}

async function createWorkOrder(
  request: APIRequestContext,
  token: string,
  body: Record<string, unknown>,
): Promise<WorkOrder> {
  const res = await request.post("/v1/work-orders", {
    headers: { ...bearer(token), "Idempotency-Key": randomUUID() },
    data: body,
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()) as WorkOrder;
}

async function transition(
  request: APIRequestContext,
  token: string,
  id: string,
  body: Record<string, unknown>,
): Promise<WorkOrder> {
  const res = await request.post(`/v1/work-orders/${id}:transition`, {
    headers: { ...bearer(token), "Idempotency-Key": randomUUID() },
    data: body,
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()) as WorkOrder;
}

/** Logs in through the login page straight to `next` (not via the role's home page). */
async function loginAt(page: Page, username: string, next: string): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel(/租户|Tenant/).fill("utility-demo");
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(PASSWORD);
  await page.getByRole("button", { name: /登\s*录|Log in/ }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

/** A photo of the "repaired pipe", drawn in the browser: a real PNG of some size. */
async function drawPhoto(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 640;
    canvas.height = 480;
    const g = canvas.getContext("2d")!;
    const sky = g.createLinearGradient(0, 0, 0, 480);
    sky.addColorStop(0, "#cfe8ff");
    sky.addColorStop(1, "#6b7b8c");
    g.fillStyle = sky;
    g.fillRect(0, 0, 640, 480);
    g.fillStyle = "#8a8f96";
    g.fillRect(0, 260, 640, 70);
    g.fillStyle = "#2f7d32";
    g.fillRect(250, 245, 140, 100);
    g.fillStyle = "#ffffff";
    g.font = "bold 40px sans-serif";
    g.fillText("已更换管段 OK", 170, 140);
    return canvas.toDataURL("image/png");
  });
  return Buffer.from(dataUrl.split(",")[1], "base64");
}

test("work orders: pool with SLA countdowns, assign, resolve with a photo, follow-up", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);

  const agent = await apiToken(request, "agent");
  const stamp = Date.now().toString(36);

  // The agent files three orders: the repair followed here and two more for the pool.
  const repair = await createWorkOrder(request, agent, {
    type: "REPAIR",
    channel: "PHONE",
    urgency: "URGENT",
    customerId: await customerId(request, agent, "13812340001"),
    description: `人民路 18 号楼道水管漏水（测试 ${stamp}）`,
  });
  await createWorkOrder(request, agent, {
    type: "REPAIR",
    channel: "WECHAT_OFFICIAL_ACCOUNT",
    urgency: "CRITICAL",
    customerId: await customerId(request, agent, "申江物业"),
    description: `小区总表前阀门爆裂（测试 ${stamp}）`,
  });
  await createWorkOrder(request, agent, {
    type: "NEW_CONNECTION",
    channel: "COUNTER",
    urgency: "NORMAL",
    customerId: await customerId(request, agent, "13812340002"),
    description: `新装水表一只（测试 ${stamp}）`,
  });
  expect(repair.number).toMatch(/^WO-\d{8}-\d{4,}$/);

  // Dispatch routes it to the area's team.
  await expect
    .poll(
      async () => {
        const res = await request.get(`/v1/work-orders/${repair.id}`, { headers: bearer(agent) });
        return ((await res.json()) as WorkOrder).teamName ?? "";
      },
      { timeout: 10_000 },
    )
    .toBe("城东区维修组");

  // The dispatcher's pool, from just before these orders were created.
  const after = new Date(new Date(repair.createTime).getTime() - 1000).toISOString();
  await loginAt(page, "dispatcher", `/work-orders?tab=pool&after=${encodeURIComponent(after)}`);
  await expect(page.getByTestId("wo-tab-pool")).toBeVisible();
  const row = page.getByTestId(`wo-row-${repair.number}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("报修");
  await expect(row).toContainText("紧急");
  await expect(row).toContainText("李建国");
  await expect(row).toContainText("城东区维修组");
  const countdown = row.getByTestId("sla-countdown");
  await expect(countdown).toHaveText(/剩 .*(分|秒)|超时/);
  // The countdown ticks.
  const first = await countdown.textContent();
  await expect(countdown).not.toHaveText(first ?? "", { timeout: 5_000 });
  // (Other orders created meanwhile may show too.)
  await expect
    .poll(() => page.locator('[data-testid^="wo-row-"]').count())
    .toBeGreaterThanOrEqual(3);
  await screenshot(page, "work-orders");

  // The SLA filter works on the loaded page: nothing of these is overdue yet.
  await page.goto(`/work-orders?tab=pool&after=${encodeURIComponent(after)}&sla=overdue`);
  await expect(page.getByText("工单池里没有待处理的工单")).toBeVisible();

  // On the order's page the dispatcher assigns 王师傅.
  await page.goto(`/work-orders?tab=pool&after=${encodeURIComponent(after)}`);
  await row.getByRole("link", { name: repair.number }).click();
  await expect(page.getByTestId("wo-number")).toHaveText(repair.number);
  await expect(page.getByTestId("wo-state")).toHaveText("已派单");
  await page.getByTestId("wo-transition-assign").click();
  const modal = page.getByTestId("wo-transition-modal");
  await expect(modal).toBeVisible();
  // Submitting without a worker: the form says what is missing.
  await page.getByTestId("wo-transition-submit").click();
  await expect(modal.getByText("请填写处理人")).toBeVisible();
  await modal.getByTestId("wo-assignee-select").click();
  await page.locator(".ant-select-item-option", { hasText: "王师傅" }).click();
  await page.getByTestId("wo-transition-submit").click();
  await expect(modal).toBeHidden();
  await expect(
    page.locator('[data-testid="wo-timeline-entry"][data-transition="assign"]'),
  ).toContainText("调度小陈");
  await expect(page.getByText("王师傅").first()).toBeVisible();

  // The worker accepts, arrives and resolves it with a photo, through the API.
  const worker = await apiToken(request, "worker");
  await transition(request, worker, repair.id, { transition: "accept" });
  await transition(request, worker, repair.id, { transition: "arrive" });
  const upload = await request.post("/v1/attachments?fileName=fixed.png", {
    headers: { ...bearer(worker), "Content-Type": "image/png" },
    data: await drawPhoto(page),
  });
  expect(upload.ok(), await upload.text()).toBeTruthy();
  const photoId = (await upload.json()).id as string;
  const resolved = await transition(request, worker, repair.id, {
    transition: "resolve",
    result: "更换破裂管段 0.5 米，试压正常，已恢复供水",
    attachmentIds: [photoId],
  });
  expect(resolved.state).toBe("RESOLVED");

  // The agent sees the resolve on the timeline, with the photo as a thumbnail.
  await loginAt(page, "agent", `/work-orders/${repair.id}`);
  await expect(page.getByTestId("wo-state")).toHaveText("已处理");
  await expect(page.getByTestId("wo-result")).toHaveText(
    "更换破裂管段 0.5 米，试压正常，已恢复供水",
  );
  const resolveEntry = page.locator('[data-testid="wo-timeline-entry"][data-transition="resolve"]');
  await expect(resolveEntry).toContainText("王师傅");
  await expect(resolveEntry).toContainText("已到场 → 已处理");
  const thumb = resolveEntry.locator("img").first();
  await expect(thumb).toBeVisible();
  await expect(thumb).toHaveAttribute("src", /^blob:/);
  expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(640);
  await expect(page.getByTestId("wo-customer-link")).toHaveAttribute(
    "href",
    /\/hotline\?customer=/,
  );
  await screenshot(page, "work-order");

  // Full size on click.
  await thumb.click();
  await expect(page.locator(".ant-image-preview-img").first()).toBeVisible();
  await page.keyboard.press("Escape");

  // 回访: the customer is very happy.
  const feedback = page.getByTestId("wo-feedback");
  await feedback.locator(".ant-rate-star").nth(4).click();
  await feedback.getByRole("textbox").fill("师傅很快就修好了");
  await page.getByTestId("wo-feedback-submit").click();
  await expect(page.getByTestId("wo-feedback-saved")).toContainText("5 分");
});
