// 客户档案: the import wizard's report of bad rows, a custom field added by an admin that the
// customer form renders and checks (in the browser and on the server), and a customer
// whose name mixes Chinese, ASCII and emoji, found again in the list.
//
// The import uses docs/samples/customers-import.xlsx, the sample made with two bad rows
// (a phone one digit short, a row without a name). /work/main/customers.xlsx (an export of
// the station's customers) has no bad rows of its own: only its tags the tenant's
// dictionary lacks make rows bad, unless the wizard adds them.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { apiToken, expect, login, screenshot, test, uniquePhone } from "./fixtures";

const here = dirname(fileURLToPath(import.meta.url));
const SAMPLE = resolve(here, "../../docs/samples/customers-import.xlsx");

test("import wizard: the sample file's two bad rows with row, column and reason", async ({
  page,
}) => {
  await login(page, "admin");
  await page.goto("/customers");
  await page.getByTestId("customers-import").click();
  const wizard = page.getByTestId("import-wizard");
  await wizard.locator("input[type=file]").setInputFiles(SAMPLE);
  await expect(wizard.getByTestId("import-chosen")).toContainText("customers-import.xlsx");
  // Phones that exist already are skipped (the test runs again and again); tags the
  // dictionary lacks are added, so only the sample's own mistakes remain.
  await expect(wizard.getByLabel(/跳过该行/)).toBeChecked();
  await expect(wizard.getByLabel(/自动新建/)).toBeChecked();
  await page.getByTestId("import-start").click();

  const result = wizard.getByTestId("import-result");
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(result.getByTestId("import-failedCount")).toContainText("2");
  const rows = result.getByTestId("import-errors").locator("tbody tr.ant-table-row");
  await expect(rows).toHaveCount(2);
  // Row 18: 何欢, phone 1391234567 (ten digits); row 22: no name.
  await expect(rows.nth(0).locator("td").nth(0)).toHaveText("18");
  await expect(rows.nth(0).locator("td").nth(1)).toContainText("B");
  await expect(rows.nth(0).locator("td").nth(1)).toContainText("电话");
  await expect(rows.nth(0).locator("td").nth(2)).not.toBeEmpty();
  await expect(rows.nth(1).locator("td").nth(0)).toHaveText("22");
  await expect(rows.nth(1).locator("td").nth(1)).toContainText("A");
  await expect(rows.nth(1).locator("td").nth(1)).toContainText("姓名");
  await expect(rows.nth(1).locator("td").nth(2)).not.toBeEmpty();
  await screenshot(page, "import");

  // The error list as a CSV that Excel opens in UTF-8 (BOM first).
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    result.getByTestId("import-download-errors").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = readFileSync((await download.path())!);
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = csv.toString("utf8").slice(1).trim().split(/\r\n/);
  expect(lines[0]).toBe("行号,列,原因");
  expect(lines).toHaveLength(3);
  expect(lines[1]).toMatch(/^18,/);
  expect(lines[2]).toMatch(/^22,/);
});

test("custom field: the form shows an admin's new field and checks it here and on the server", async ({
  page,
  request,
}) => {
  const admin = await apiToken(request, "admin");
  const auth = { Authorization: `Bearer ${admin}` };
  const n = Date.now() % 1e8;
  const key = `monthly_tons_${n}`;
  const label = `月用水量${n}`;
  const created = await request.post("/v1/field-definitions", {
    headers: { ...auth, "Idempotency-Key": `field-${key}` },
    data: { entity: "CUSTOMER", key, label, type: "NUMBER", min: 0, max: 100, decimals: 0 },
  });
  expect(created.ok(), await created.text()).toBeTruthy();
  const definitionId = (await created.json()).id as string;
  const patchDefinition = (mask: string, definition: object) =>
    request.patch(`/v1/field-definitions/${definitionId}?updateMask=${mask}`, {
      headers: auth,
      data: { id: definitionId, ...definition },
    });

  try {
    await login(page, "agent");
    await page.goto("/customers");
    await page.getByTestId("customer-create").click();
    const form = page.getByTestId("customer-form");
    const field = form.getByTestId(`custom-field-${key}`);
    await expect(field).toContainText(label);
    const phone = uniquePhone();
    await form.getByTestId("customer-name").fill(`表单引擎测试 ${n}`);
    await form.getByTestId("customer-phone-0").fill(phone);
    await form.getByTestId("customer-address-0").fill("城东区 解放路 1 号");

    // The browser's own check, from the definition: at most 100.
    await field.locator("input").fill("500");
    await page.getByTestId("customer-save").click();
    await expect(field.locator(".ant-form-item-explain-error")).toHaveText(`${label}不能大于 100`);

    // The definition tightens while the form is open: the browser still allows 50, the
    // server refuses it and its message lands on the field, not above the form.
    const tightened = await patchDefinition("max", { max: 10 });
    expect(tightened.ok(), await tightened.text()).toBeTruthy();
    await field.locator("input").fill("50");
    await page.getByTestId("customer-save").click();
    const serverError = field
      .locator(".ant-form-item-explain-error")
      .filter({ hasNotText: `${label}不能大于 100` });
    await expect(serverError).toContainText(label);
    await expect(serverError).toContainText("10");
    await expect(field.locator(".ant-form-item-explain-error")).toHaveCount(1);
    await expect(form.getByTestId("customer-form-error")).toHaveCount(0);
    await expect(field.locator(".ant-form-show-help-item-appear")).toHaveCount(0);
    await screenshot(page, "customer-form");

    await field.locator("input").fill("5");
    await page.getByTestId("customer-save").click();
    await expect(page.getByTestId("customer-form")).toHaveCount(0);
    const found = await request.get(`/v1/customers:search?q=${phone}`, { headers: auth });
    const hits = (await found.json()).hits as {
      customer: { customFields: Record<string, unknown> };
    }[];
    expect(hits).toHaveLength(1);
    expect(hits[0].customer.customFields[key]).toBe(5);
  } finally {
    // Retire the field so that later forms do not grow one field per run.
    await patchDefinition("active", { active: false });
  }
});

test("a name mixing Chinese, ASCII and emoji is saved as typed, found in the list and edited", async ({
  page,
  request,
}) => {
  await login(page, "agent");
  await page.goto("/customers");
  await page.getByTestId("customer-create").click();
  const form = page.getByTestId("customer-form");
  const name = "王小明🙂 Room 3B";
  const phone = uniquePhone();
  await form.getByTestId("customer-name").fill(name);
  await form.getByTestId("customer-phone-0").fill(phone);
  await form.getByTestId("customer-address-0").fill("城西区 长宁路 66 号 3B 室");
  await form.getByTestId("customer-tags").click();
  await page.locator(".ant-select-dropdown").getByTitle("VIP").click();
  await page.keyboard.press("Escape");
  await page.getByTestId("customer-save").click();
  await expect(page.locator(".ant-message")).toContainText(`已创建客户 ${name}`);

  // Newest first: it heads the list.
  const table = page.getByTestId("customer-table");
  const rows = table.locator("tbody tr.ant-table-row");
  await expect(rows.first()).toContainText(phone);
  await expect(rows.first().getByTestId("customer-name-cell")).toHaveText(name);
  // And the search finds it by its phone.
  await page.getByTestId("customer-search").fill(phone);
  await page.getByTestId("customer-apply").click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(name);
  await expect(rows.first()).toContainText(phone);

  // Open it again: the name comes back exactly as typed. Add a phone and an address and
  // change the first address: a PATCH of the phones, then the address routes.
  await rows.first().getByTestId("customer-edit").click();
  await expect(page.getByTestId("customer-name")).toHaveValue(name);
  const second = uniquePhone();
  await page.getByTestId("customer-add-phone").click();
  await page.getByTestId("customer-phone-1").fill(second);
  await page.getByTestId("customer-address-0").fill("城西区 长宁路 68 号 3B 室");
  await page.getByRole("button", { name: "添加地址" }).click();
  await page.getByTestId("customer-address-1").fill("城东区 解放路 9 号");
  await page.getByTestId("customer-save").click();
  await expect(page.locator(".ant-message")).toContainText("已保存");
  await expect(page.getByTestId("customer-form")).toHaveCount(0);
  await expect(rows.first()).toContainText(second);
  const found = await request.get(`/v1/customers:search?q=${phone}`, {
    headers: { Authorization: `Bearer ${await apiToken(request, "agent")}` },
  });
  const saved = (await found.json()).hits[0].customer as {
    name: string;
    phones: string[];
    tags: string[];
    addresses: { text: string }[];
  };
  expect(saved.name).toBe(name);
  expect(saved.phones).toEqual([phone, second]);
  expect(saved.tags).toEqual(["VIP"]);
  expect(saved.addresses.map((a) => a.text)).toEqual([
    "城西区 长宁路 68 号 3B 室",
    "城东区 解放路 9 号",
  ]);
  await page.getByRole("button", { name: /重\s*置/ }).click();
  await expect(page.getByTestId("customer-search")).toHaveValue("");
  await expect(rows.first()).toContainText(phone);
  await expect(rows).not.toHaveCount(1);
  await screenshot(page, "customers");
});
