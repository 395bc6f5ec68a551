// 规则 in the console: a manager makes a 水票余额不足 rule from its template (a refused
// value shows at its field, a dry run counts), builds a custom rule in the condition editor
// (a bad schedule and a missing value refused where they were typed), and follows a rule
// that fired — its firing log with the facts, the condition leaf by leaf and the actions,
// and the customer's 360 view with the firing and the reminder tagged with the rule's name.
// Every rule made here is paused at the end: an active one would fire on other tests'
// ledger entries.
import { randomUUID } from "node:crypto";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { apiToken, expect, login, screenshot, STATION, test, uniquePhone } from "./fixtures";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface Rule {
  id: string;
  name: string;
  paused: boolean;
}

async function rulesNamed(request: APIRequestContext, token: string, name: string) {
  const res = await request.get("/v1/rules", { headers: bearer(token) });
  expect(res.ok(), await res.text()).toBeTruthy();
  return ((await res.json()).rules as Rule[]).filter((r) => r.name === name);
}

/** Pauses every rule named `name` that is not paused yet. */
async function pauseAll(request: APIRequestContext, token: string, name: string) {
  for (const r of await rulesNamed(request, token, name)) {
    if (r.paused) continue;
    const res = await request.post(`/v1/rules/${r.id}:pause`, { headers: bearer(token), data: {} });
    expect(res.ok(), await res.text()).toBeTruthy();
  }
}

/** Picks `option` in the antd Select `select` (again if the list is still opening). */
async function pick(page: Page, select: Locator, option: string | RegExp) {
  const open = page.locator(".ant-select-dropdown:visible");
  await expect(async () => {
    if ((await open.count()) === 0) await select.click();
    await open
      .locator(".ant-select-item-option")
      .filter({ hasText: option })
      .first()
      .click({ timeout: 2_000 });
    // Closed before the next one opens: two open lists would both offer their options.
    await expect(open).toHaveCount(0, { timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
}

function formItem(page: Page, testId: string): Locator {
  return page
    .locator(".ant-form-item")
    .filter({ has: page.getByTestId(testId) })
    .last();
}

test("a 水票余额不足 rule from its template: a refused value, dry run, created, paused", async ({
  page,
  request,
}) => {
  const manager = await apiToken(request, "manager", STATION);
  const name = `水票提醒测试 ${randomUUID().slice(0, 6)}`;
  try {
    await login(page, "manager", STATION);
    await page.goto("/settings/rules");
    await expect(page.getByTestId("rule-row").first()).toBeVisible();
    await page.getByTestId("rule-new").click();
    const editor = page.getByTestId("rule-editor");
    await editor.getByTestId("template-card-ticket_low").click();
    await expect(editor.getByTestId("rule-kind")).toHaveText("模板：水票余额不足提醒");
    // The template's parameters with their defaults.
    await expect(editor.getByTestId("param-product")).toHaveValue("18.9L");
    await expect(editor.getByTestId("param-threshold")).toHaveValue("2");
    await editor.getByTestId("rule-name").fill(name);

    // A threshold below the template's minimum: the input keeps it to the range.
    const threshold = editor.getByTestId("param-threshold");
    await threshold.fill("-1");
    await threshold.blur();
    await expect(threshold).toHaveValue("0");
    // Checked daily at a time the server cannot read: its refusal sits under the field.
    await pick(page, editor.getByTestId("param-trigger"), "每天定时检查");
    await editor.getByTestId("param-time").fill("9点");
    await editor.getByTestId("rule-dry-run").click();
    await expect(
      formItem(page, "param-time").locator(".ant-form-item-explain-error"),
    ).toContainText("填写有误");

    // Fixed: the dry run counts the station's customers.
    await editor.getByTestId("param-time").fill("09:00");
    await pick(page, editor.getByTestId("param-trigger"), "记账后立即检查");
    await threshold.fill("3");
    await editor.getByTestId("rule-dry-run").click();
    const result = editor.getByTestId("dry-run-result");
    await expect(result).toBeVisible();
    await expect(result.getByTestId("dry-run-evaluated")).toContainText(/[1-9]/);
    // A match opens to its leaf: expected 3, what the customer has.
    const hits = result.getByTestId("dry-run-hit");
    if ((await hits.count()) > 0) {
      await hits.first().click();
      const leaf = result.getByTestId("evaluation-leaves-row").first();
      await expect(leaf).toContainText("水票余额[18.9L]");
      await expect(leaf).toHaveAttribute("data-outcome", "true");
      await leaf.scrollIntoViewIfNeeded();
      await page.waitForTimeout(400); // (the expanding row)
      await screenshot(page, "rule-dry-run");
    }
    await expect(formItem(page, "param-time").locator(".ant-form-item-explain-error")).toHaveCount(
      0,
    );
    // The definition the form sends.
    await editor.getByTestId("rule-json-panel").getByText("提交的内容").click();
    await expect(editor.getByTestId("rule-json")).toContainText('"threshold": 3');

    await editor.getByTestId("rule-save").click();
    await expect(page.locator(".ant-message").getByText("规则已创建")).toBeVisible();
    const row = page.getByTestId("rule-row").filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId("rule-trigger")).toHaveText("余额变动时");
    await expect(row.getByTestId("rule-status")).toHaveText("启用");
    await expect(row.getByTestId("rule-version")).toHaveText("v1");
    await expect(row).toContainText("模板：水票余额不足提醒");

    // Paused from the list.
    await row.getByTestId("rule-pause").click();
    await expect(row.getByTestId("rule-status")).toHaveText("已暂停");
    expect((await rulesNamed(request, manager, name))[0]?.paused).toBe(true);
    await expect(page.locator(".ant-message-notice")).toHaveCount(0, { timeout: 15_000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(0, 0);
    await screenshot(page, "rules");

    // The list's dry run of the saved rule.
    await row.getByTestId("rule-row-dry-run").click();
    await expect(page.locator(".ant-modal").getByTestId("dry-run-evaluated")).toContainText(
      /[1-9]/,
    );
  } finally {
    await pauseAll(request, manager, name);
  }
});

test("a custom rule built in the condition editor: errors at the schedule and the leaf", async ({
  page,
  request,
}) => {
  const manager = await apiToken(request, "manager", STATION);
  const name = `VIP 水票提醒 ${randomUUID().slice(0, 6)}`;
  try {
    await login(page, "manager", STATION);
    await page.goto("/settings/rules");
    await page.getByTestId("rule-new").click();
    const editor = page.getByTestId("rule-editor");
    await editor.getByTestId("template-card-custom").click();
    await expect(editor.getByTestId("rule-kind")).toHaveText("自定义");
    await editor.getByTestId("rule-name").fill(name);
    await editor.getByTestId("rule-trigger-kind").getByText("按时间表").click();

    // customer.tags contains VIP AND ticket_balance[18.9L] ≤ 5.
    const cond = editor.getByTestId("condition-editor");
    await cond.getByTestId("cond-add-leaf").first().click();
    await cond.getByTestId("cond-add-leaf").first().click();
    const leaves = cond.getByTestId("cond-leaf");
    await expect(leaves).toHaveCount(2);
    await pick(page, leaves.nth(0).getByTestId("cond-field"), "客户标签");
    await expect(leaves.nth(0).getByTestId("cond-op")).toContainText("包含");
    await leaves.nth(0).getByTestId("cond-value").fill("VIP");
    await pick(page, leaves.nth(1).getByTestId("cond-field"), "水票余额");
    await leaves.nth(1).getByTestId("cond-key").fill("18.9L");
    await pick(page, leaves.nth(1).getByTestId("cond-op"), "小于等于");

    // A schedule in words the server does not read: refused under the schedule.
    await editor.getByTestId("schedule-text").fill("每天九点");
    await editor.getByTestId("rule-save").click();
    const scheduleItem = formItem(page, "schedule-text");
    await expect(scheduleItem.locator(".ant-form-item-explain-error")).toContainText("填写有误");
    await expect(scheduleItem.locator(".ant-form-item-explain-error")).toContainText("daily HH:MM");
    // The builder writes it instead.
    await pick(page, editor.getByTestId("schedule-kind"), "每天");
    await expect(editor.getByTestId("schedule-text")).toHaveValue("daily 09:00");
    await expect(editor.getByTestId("schedule-words")).toHaveText("每天 09:00");

    // The balance leaf has no value yet: the server's refusal shows on that leaf.
    await editor.getByTestId("rule-dry-run").click();
    await expect(leaves.nth(1).getByTestId("condition-error")).toContainText("integer");
    await expect(leaves.nth(0).getByTestId("condition-error")).toHaveCount(0);
    await leaves.nth(1).getByTestId("cond-value").fill("5");
    await expect(leaves.nth(1).getByTestId("condition-error")).toHaveCount(0);

    // The definition it makes.
    await editor.getByTestId("rule-json-panel").getByText("规则定义").click();
    const json = editor.getByTestId("rule-json");
    await expect(json).toContainText('"schedule": "daily 09:00"');
    await expect(json).toContainText('"field": "customer.tags"');
    await expect(json).toContainText('"key": "18.9L"');
    await expect(json).toContainText('"value": 5');

    await editor.getByTestId("rule-dry-run").click();
    await expect(editor.getByTestId("dry-run-result")).toBeVisible();
    await expect(editor.getByTestId("dry-run-evaluated")).toContainText(/[1-9]/);
    await page.waitForTimeout(400); // (the scroll to the result)
    await editor.getByTestId("condition-editor").scrollIntoViewIfNeeded();
    await screenshot(page, "rule-editor");

    await editor.getByTestId("rule-save").click();
    await expect(page.locator(".ant-message").getByText("规则已创建")).toBeVisible();
    const row = page.getByTestId("rule-row").filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId("rule-trigger")).toHaveText("每天 09:00");
    await expect(row).toContainText("自定义");
    await row.getByTestId("rule-pause").click();
    await expect(row.getByTestId("rule-status")).toHaveText("已暂停");

    // Opened again, the editor shows the saved condition.
    await row.getByTestId("rule-edit").click();
    const again = page.getByTestId("rule-editor").getByTestId("cond-leaf");
    await expect(again).toHaveCount(2);
    await expect(again.nth(1).getByTestId("cond-key")).toHaveValue("18.9L");
    await expect(again.nth(1).getByTestId("cond-value")).toHaveValue("5");
    // A change is a new version.
    await page.getByTestId("rule-editor").getByTestId("rule-cooldown").fill("48");
    await page.getByTestId("rule-editor").getByTestId("rule-save").click();
    await expect(page.locator(".ant-message").getByText("已保存为第 2 版")).toBeVisible();
    await expect(row.getByTestId("rule-version")).toHaveText("v2");
  } finally {
    await pauseAll(request, manager, name);
  }
});

test("a rule fires: its log shows what it saw and did; the 360 view shows the firing", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const manager = await apiToken(request, "manager", STATION);
  const agent = await apiToken(request, "agent", STATION);
  const phone = uniquePhone();
  const customerName = `规则测试${phone.slice(-4)}`;
  const ruleName = `余额提醒 ${randomUUID().slice(0, 6)}`;
  let ruleId = "";
  try {
    const created = await request.post("/v1/customers", {
      headers: { ...bearer(agent), "Idempotency-Key": randomUUID() },
      data: { name: customerName, phones: [phone], addresses: [{ text: "城东区 解放路 12 号" }] },
    });
    expect(created.ok(), await created.text()).toBeTruthy();
    const customerId = (await created.json()).id as string;
    const entry = async (
      kind: string,
      quantityDelta: number,
      amountFenDelta: number,
      reason: string,
    ) => {
      const res = await request.post(`/v1/customers/${customerId}/ledger/entries`, {
        headers: { ...bearer(agent), "Idempotency-Key": randomUUID() },
        data: {
          kind,
          asset: { kind: "TICKET", product: "18.9L" },
          quantityDelta,
          amountFenDelta,
          reason,
        },
      });
      expect(res.ok(), await res.text()).toBeTruthy();
    };
    await entry("PURCHASE", 5, 9000, "买水票");

    const rule = await request.post("/v1/rules", {
      headers: { ...bearer(manager), "Idempotency-Key": randomUUID() },
      data: {
        name: ruleName,
        templateId: "ticket_low",
        params: { threshold: 2, product: "18.9L" },
      },
    });
    expect(rule.ok(), await rule.text()).toBeTruthy();
    ruleId = (await rule.json()).id as string;

    // Five tickets less four: one left, at most two → the rule fires.
    await entry("ADJUSTMENT", -4, 0, "盘点调整");
    await expect
      .poll(
        async () => {
          const r = await request.get(`/v1/rule-firings?ruleId=${ruleId}`, {
            headers: bearer(manager),
          });
          return ((await r.json()).firings ?? []).length as number;
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await expect
      .poll(
        async () => {
          const r = await request.get(`/v1/notifications?customerId=${customerId}`, {
            headers: bearer(agent),
          });
          const list = ((await r.json()).messages ?? []) as { ruleId?: string }[];
          return list.some((m) => m.ruleId === ruleId);
        },
        { timeout: 20_000 },
      )
      .toBe(true);

    // The rule's log: the customer, the balance it saw, the leaf, the actions.
    await login(page, "manager", STATION);
    await page.goto(`/settings/rules?firings=${ruleId}`);
    const drawer = page.getByTestId("rule-firings-drawer");
    await expect(drawer).toContainText(`触发记录：${ruleName}`);
    const rows = drawer.getByTestId("rule-firing-list-row");
    await expect(rows).toHaveCount(1);
    await expect(rows.first().getByTestId("firing-who")).toHaveText(customerName);
    await expect(rows.first()).toContainText("余额变动时");
    await expect(rows.first()).toContainText("发送消息");
    await rows.first().click();
    const detail = drawer.getByTestId("firing-detail");
    await expect(detail.getByTestId("firing-leaves-row")).toHaveCount(1);
    const leaf = detail.getByTestId("firing-leaves-row").first();
    await expect(leaf).toContainText("水票余额[18.9L]");
    await expect(leaf).toContainText("小于等于");
    await expect(leaf).toContainText("满足");
    await expect(leaf).toHaveAttribute("data-outcome", "true");
    await expect(detail.getByTestId("firing-facts")).toContainText("18.9L: 1");
    const send = detail.getByTestId("firing-action").filter({ hasText: "发送消息" });
    await expect(send).toContainText("SMS");
    await expect(detail.getByTestId("firing-action")).toHaveCount(2);
    await page.waitForTimeout(300);
    await screenshot(page, "rule-firings");

    // The agent on the phone: the 360 view shows the firing and the SMS by its rule.
    await page.evaluate(() => localStorage.clear());
    await login(page, "agent", STATION);
    await page.goto(`/hotline?customer=${customerId}`);
    await expect(page.getByTestId("customer-name")).toHaveText(customerName);
    const firings = page.getByTestId("customer-rule-firings");
    await firings.scrollIntoViewIfNeeded();
    const firingRow = firings.getByTestId("customer-firing-list-row");
    await expect(firingRow).toHaveCount(1);
    await expect(firingRow.getByTestId("firing-rule")).toContainText(ruleName);
    await firingRow.click();
    await expect(firings.getByTestId("firing-leaves-row")).toContainText("水票余额[18.9L]");
    const reminder = page
      .getByTestId("customer-message-list-row")
      .filter({ hasText: "水票余额不足" });
    await expect(reminder.getByTestId("message-rule")).toHaveText(`规则：${ruleName}`);
  } finally {
    if (ruleId) {
      const res = await request.post(`/v1/rules/${ruleId}:pause`, {
        headers: bearer(manager),
        data: {},
      });
      expect(res.ok(), await res.text()).toBeTruthy();
    }
  }
});

test("an agent reads the rules but cannot change them", async ({ page }) => {
  await login(page, "agent", STATION);
  await page.goto("/settings/rules");
  await expect(page.getByText("只有经理可以修改规则")).toBeVisible();
  await expect(page.getByTestId("rule-row").first()).toBeVisible();
  await expect(page.getByTestId("rule-new")).toHaveCount(0);
  await expect(page.getByTestId("rule-pause")).toHaveCount(0);
  await page.getByTestId("rule-edit").first().click();
  await expect(page.getByTestId("rule-save")).toHaveCount(0);
  await expect(page.getByTestId("rule-name")).toBeDisabled();
});
