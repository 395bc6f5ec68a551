// The agent's call: four digits → the 360 view → a repair work order, which the
// dispatcher then finds in the pool, routed to 城东区维修组, with its SLA countdown.
import { expect, login, screenshot, test, uniquePhone } from "./fixtures";

test("agent: four digits, the 360 view, a repair work order routed to 城东区维修组", async ({
  page,
  browser,
}) => {
  await login(page, "agent");
  await page.goto("/hotline");
  await expect(page.getByTestId("hotline-search")).toBeVisible();
  // Keyboard first: digits typed into the empty screen land in the search box.
  await page.locator("body").click({ position: { x: 700, y: 400 } });
  await page.keyboard.type("0001");
  await expect(page.getByTestId("hotline-search")).toHaveValue("0001");
  const hit = page.getByTestId("hotline-hit").filter({ hasText: "李建国" });
  await expect(hit).toBeVisible();
  await hit.click();
  const view = page.getByTestId("customer-360");
  await expect(view.getByTestId("customer-name")).toHaveText("李建国");
  await expect(view).toContainText("城东区 人民路 18 号");
  await expect(view).toContainText("老人独居");
  await expect(view.getByTestId("customer-map")).toBeVisible();
  await screenshot(page, "hotline");

  // Record the call: two clicks.
  await page.getByTestId("action-record-call").click();
  const call = "来电反映：楼道水表漏水，更换DN100阀门后恢复供水？";
  await page.getByTestId("call-record-form").getByLabel("内容摘要").fill(call);
  await page.getByRole("button", { name: /保\s*存/ }).click();
  await expect(page.getByTestId("customer-communications")).toContainText(call);

  // A repair work order.
  await page.getByTestId("action-create-work-order").click();
  const form = page.getByTestId("work-order-form");
  await form.getByText("报修", { exact: true }).click();
  await form.getByText("紧急", { exact: true }).click();
  const description = `楼道水表漏水 ${Date.now()}：更换DN100阀门后恢复供水`;
  await form.getByLabel("问题描述").fill(description);
  await screenshot(page, "hotline-work-order");
  // A double click creates one order: the form keeps its Idempotency-Key.
  await page.getByTestId("work-order-submit").dblclick();
  const notice = page.locator(".ant-message").getByText(/工单 WO-\S+ 已创建/);
  await expect(notice).toBeVisible();
  const number = (await notice.textContent())!.match(/WO-[\d-]+/)![0];
  await expect(page.getByTestId("customer-work-orders")).toContainText(number);
  await expect(page.getByTestId("customer-work-orders").getByText(number)).toHaveCount(1);

  // The dispatcher's pool shows it routed to the east team, with its countdown.
  const dispatcher = await browser.newPage();
  await login(dispatcher, "dispatcher");
  await expect(async () => {
    await dispatcher.goto("/work-orders");
    const row = dispatcher.getByTestId(`wo-row-${number}`);
    await expect(row).toBeVisible({ timeout: 2000 });
    await expect(row).toContainText("城东区维修组", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  const row = dispatcher.getByTestId(`wo-row-${number}`);
  await expect(row.getByTestId("sla-countdown")).toHaveText(/\d/);
  await screenshot(dispatcher, "work-order-pool");
  await dispatcher.close();
});

test("an unknown number offers a new customer prefilled with it", async ({ page }) => {
  await login(page, "agent");
  await page.goto("/hotline");
  const phone = uniquePhone();
  await page.getByTestId("hotline-search").fill(phone);
  await expect(page.getByTestId("hotline-no-hits")).toBeVisible();
  await page.getByTestId("hotline-new-customer").click();
  const form = page.getByTestId("new-customer-form");
  await expect(form.getByLabel("电话")).toHaveValue(phone);
  await form.getByLabel("姓名").fill("赵一🙂 Zhao Yi");
  await form.getByLabel("地址").fill("城东区 人民路 20 号");
  await page.getByRole("button", { name: /创\s*建/ }).click();
  await expect(page.getByTestId("customer-name")).toHaveText("赵一🙂 Zhao Yi");
  await expect(page).toHaveURL(/customer=/);
});

test("a bad phone is shown next to the phone field", async ({ page }) => {
  await login(page, "agent");
  await page.goto("/hotline");
  // Eleven digits, but no mobile number starts with 10.
  await page.getByTestId("hotline-search").fill("10987654321");
  await page.getByTestId("hotline-new-customer").click();
  const form = page.getByTestId("new-customer-form");
  await form.getByLabel("姓名").fill("号码有误");
  await page.getByRole("button", { name: /创\s*建/ }).click();
  await expect(form.locator(".ant-form-item-explain-error")).toBeVisible();
  await expect(form.locator(".ant-form-item-has-error").getByLabel("电话")).toBeVisible();
});

test("a second tenant sees none of the first's customers", async ({ page }) => {
  await login(page, "agent", "station-demo");
  await page.goto("/hotline");
  await page.getByTestId("hotline-search").fill("13812340001");
  await expect(page.getByTestId("hotline-no-hits")).toBeVisible();
  await page.getByTestId("hotline-search").fill("李建国");
  await expect(page.getByTestId("hotline-no-hits")).toBeVisible();
  // Its own customer is found.
  await page.getByTestId("hotline-search").fill("0003");
  await expect(page.getByTestId("hotline-hit").filter({ hasText: "陈晓明" })).toBeVisible();
});

test("station agent: a delivery order from the 360 view, for the caller", async ({ page }) => {
  await login(page, "agent", "station-demo");
  await page.goto("/hotline");
  await page.getByTestId("hotline-search").fill("0003");
  await page.getByTestId("hotline-hit").filter({ hasText: "陈晓明" }).click();
  await expect(page.getByTestId("customer-name")).toHaveText("陈晓明");
  await expect(page.getByTestId("customer-360")).toContainText("高层无电梯");
  await page.getByTestId("action-create-delivery").click();
  // The drawer opens with the caller already chosen.
  await expect(page.locator(".ant-drawer-open")).toContainText("陈晓明");
  await page.getByTestId("order-submit").click();
  const notice = page.locator(".ant-message").getByText(/已创建订单 DO-\S+/);
  await expect(notice).toBeVisible();
  const number = (await notice.textContent())!.match(/DO-[\d-]+/)![0];
  await expect(page.getByTestId("customer-360")).toContainText(number);
});
