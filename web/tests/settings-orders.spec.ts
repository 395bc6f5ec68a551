// Settings for orders and customers: workflows (the state diagram, a label change saved as
// a new version, a bad edit refused by the server next to the row it names), SLA settings
// (a harmless change saved and undone, an overlap the server refuses), custom fields (a
// NUMBER field with its rules added on the page, then on the new-customer form) and tags
// (a Chinese + emoji name, a duplicate the server refuses, a comma the form refuses).
//
// Other tests run against the same stack and rely on the shipped workflows: these tests
// change only a label of the COMPLAINT workflow and put it back, and undo every other
// change they make.
import type { APIRequestContext, Page } from "@playwright/test";
import { apiToken, expect, login, screenshot, test } from "./fixtures";

/** Before a screenshot: no tooltip under the pointer, no toast, animations done. */
async function settle(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await expect(page.locator(".ant-message-notice")).toHaveCount(0, { timeout: 8_000 });
  await page.waitForTimeout(400);
}

/** Errors shown under a field (not one fading out after a new value). */
const SHOWN_ERROR = ".ant-form-item-explain-error:not(.ant-form-show-help-item-leave)";

type Json = Record<string, unknown>;
interface Transition {
  name: string;
  label: string;
  from: string[];
  to: string;
}
interface Workflow {
  kind: string;
  version?: number;
  states: { name: string; label: string }[];
  transitions: Transition[];
}

async function authOf(request: APIRequestContext) {
  return { Authorization: `Bearer ${await apiToken(request, "admin")}` };
}

async function getJson<T = Json>(
  request: APIRequestContext,
  url: string,
  headers: Record<string, string>,
): Promise<T> {
  const res = await request.get(url, { headers });
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()) as T;
}

test("workflows: the repair diagram, a label saved as a new version, a bad edit's error on its row", async ({
  page,
  request,
}) => {
  const headers = await authOf(request);
  await login(page, "admin");
  await page.goto("/settings/workflows");

  // REPAIR opens first; the diagram draws every state of its workflow.
  const repair = await getJson<Workflow>(request, "/v1/workflows/REPAIR", headers);
  const diagram = page.getByTestId("workflow-diagram");
  for (const s of repair.states) {
    await expect(diagram.getByTestId(`diagram-state-${s.name}`)).toContainText(s.label);
  }
  await expect(diagram.getByTestId("diagram-edge").first()).toBeVisible();
  await screenshot(page, "settings-workflows");

  // COMPLAINT: change one transition's label only, save (a new version), put it back.
  const before = await getJson<Workflow>(request, "/v1/workflows/COMPLAINT", headers);
  const index = before.transitions.findIndex((t) => t.name === "resume");
  expect(index).toBeGreaterThanOrEqual(0);
  const original = before.transitions[index].label;
  const version = before.version ?? 0;
  try {
    await page.getByTestId("workflow-kind").getByText("投诉", { exact: true }).click();
    await expect(page.getByTestId("workflow-version")).toContainText(String(version));
    await page.getByRole("tab", { name: /流转/ }).click();
    const label = page.getByTestId(`transition-${index}-label`);
    await expect(label).toHaveValue(original);
    const changed = `${original}（测试）`;
    await label.fill(changed);
    // The diagram follows the editor before anything is saved.
    await expect(diagram).toContainText(changed);
    await page.getByTestId("workflow-save").click();
    await expect(page.getByTestId("workflow-version")).toHaveText(`版本 ${version + 1}`);
    await expect(page.getByTestId("workflow-saved-by")).toContainText("管理员");
    let stored = await getJson<Workflow>(request, "/v1/workflows/COMPLAINT", headers);
    expect(stored.version).toBe(version + 1);
    expect(stored.transitions[index].label).toBe(changed);

    await label.fill(original);
    await page.getByTestId("workflow-save").click();
    await expect(page.getByTestId("workflow-version")).toHaveText(`版本 ${version + 2}`);
    stored = await getJson<Workflow>(request, "/v1/workflows/COMPLAINT", headers);
    expect(stored.transitions[index].label).toBe(original);

    // A bad edit: a state renamed while transitions still lead to its old name. The
    // server refuses it and names the first transition using it; the error shows on that
    // row's field, and nothing is stored.
    const stateIndex = stored.states.findIndex((s) => s.name === "WAITING_CUSTOMER");
    const usedBy = stored.transitions.findIndex(
      (t) => t.from.includes("WAITING_CUSTOMER") || t.to === "WAITING_CUSTOMER",
    );
    expect(stateIndex).toBeGreaterThanOrEqual(0);
    await page.getByRole("tab", { name: /状态/ }).click();
    await page.getByTestId(`state-${stateIndex}-name`).fill("WAITING_ON_CUSTOMER");
    // Drawn as a state nobody defines.
    await expect(diagram.getByTestId("diagram-state-WAITING_CUSTOMER")).toContainText("未定义");
    await page.getByTestId("workflow-save").click();
    const row = page.getByTestId(`transition-${usedBy}`);
    await expect(row.locator(SHOWN_ERROR)).toContainText("WAITING_CUSTOMER");
    await expect(page.getByTestId("workflow-transitions").locator(SHOWN_ERROR)).toHaveCount(1);
    await expect(page.getByTestId("workflow-error")).toHaveCount(0);
    await expect(page.getByTestId("workflow-version")).toHaveText(`版本 ${version + 2}`);

    await page.getByTestId("workflow-reset").click();
    await expect(row.locator(SHOWN_ERROR)).toHaveCount(0);
    await page.getByRole("tab", { name: /状态/ }).click();
    await expect(page.getByTestId(`state-${stateIndex}-name`)).toHaveValue("WAITING_CUSTOMER");
    stored = await getJson<Workflow>(request, "/v1/workflows/COMPLAINT", headers);
    expect(stored.version).toBe(version + 2);
  } finally {
    // Whatever happened above, COMPLAINT keeps its shipped label.
    const now = await getJson<Workflow>(request, "/v1/workflows/COMPLAINT", headers);
    if (now.transitions[index]?.label !== original) {
      now.transitions[index].label = original;
      await request.put("/v1/workflows/COMPLAINT", { headers, data: now });
    }
  }
});

test("sla settings: a target saved and put back, an overlap refused next to the period", async ({
  page,
  request,
}) => {
  const headers = await authOf(request);
  interface Target {
    kind: string;
    urgency: string;
    responseMinutes: number;
  }
  const targetsOf = async () =>
    (await getJson<{ targets: Target[] }>(request, "/v1/sla-settings", headers)).targets;
  const targets = await targetsOf();
  const index = targets.findIndex(
    (t) => t.kind === "REPAIR" && t.urgency === "URGENCY_UNSPECIFIED",
  );
  expect(index).toBeGreaterThanOrEqual(0);
  const original = targets[index].responseMinutes;

  await login(page, "admin");
  await page.goto("/settings/sla");
  const response = page.getByTestId(`target-${index}-response`);
  await expect(response).toHaveValue(String(original));
  await expect(page.getByTestId(`target-${index}-kind`)).toContainText("报修");

  await response.fill(String(original + 5));
  await page.getByTestId("sla-save").click();
  await expect(page.getByText("已保存")).toBeVisible();
  await expect.poll(async () => (await targetsOf())[index].responseMinutes).toBe(original + 5);
  await expect(page.getByTestId("sla-updated")).toContainText("管理员");

  await page.getByTestId(`target-${index}-response`).fill(String(original));
  await page.getByTestId("sla-save").click();
  await expect.poll(async () => (await targetsOf())[index].responseMinutes).toBe(original);

  // Monday's afternoon starting before its morning ends: the server names the period and
  // the error shows under it.
  const start = page.getByTestId("sla-weekday-0-period-1-start");
  const before = await start.inputValue();
  await start.fill("11:00");
  await page.getByTestId("sla-save").click();
  await expect(page.getByTestId("sla-weekday-0").locator(SHOWN_ERROR)).toContainText("12:00");
  await expect(page.getByTestId("sla-error")).toHaveCount(0);
  await settle(page);
  await screenshot(page, "settings-sla");
  await start.fill(before);
  expect((await targetsOf())[index].responseMinutes).toBe(original);
});

test("custom fields: a NUMBER field with its range added here shows on the new-customer form", async ({
  page,
  request,
}) => {
  const headers = await authOf(request);
  const n = Date.now() % 1e8;
  const key = `reading_${n}`;
  const label = `水表读数${n}`;
  const findDefinition = async () => {
    const r = await getJson<{ definitions: Json[] }>(
      request,
      "/v1/field-definitions?entity=CUSTOMER",
      headers,
    );
    return r.definitions.find((d) => d.key === key);
  };

  await login(page, "admin");
  await page.goto("/settings/fields");
  await expect(page.getByTestId("fields-entity")).toContainText("客户");
  try {
    await page.getByTestId("field-add").click();
    const editor = page.getByTestId("field-editor");
    await editor.getByTestId("field-label").fill(label);
    await editor.getByTestId("field-key").fill(key);
    await editor.getByTestId("field-type").click();
    await page
      .locator(".ant-select-item-option")
      .filter({ hasText: /^数字$/ })
      .click();
    await editor.getByTestId("field-min").fill("0");
    await editor.getByTestId("field-max").fill("100");
    await editor.getByTestId("field-decimals").fill("1");

    // The preview is the field as the form will show it, with its rules working.
    const preview = page.getByTestId("field-preview");
    await expect(preview).toContainText(label);
    await preview.locator("input").fill("150");
    await expect(preview.locator(SHOWN_ERROR)).toContainText("不能大于 100");
    await preview.locator("input").fill("12.35");
    await expect(preview.locator(SHOWN_ERROR)).toContainText("1 位小数");
    await preview.locator("input").fill("12.5");
    await expect(preview.locator(SHOWN_ERROR)).toHaveCount(0);

    await editor.getByTestId("field-save").click();
    const row = page.getByTestId(`field-row-${key}`);
    await expect(row).toContainText(label);
    await expect(row).toContainText("数字");
    await expect(row).toContainText("0 ~ 100");
    const stored = await findDefinition();
    expect(stored).toMatchObject({ type: "NUMBER", min: 0, max: 100, decimals: 1, active: true });

    // Opened again in the editor, its preview checks a value against the stored rules.
    await page.getByTestId(`field-edit-${key}`).click();
    await expect(editor).toContainText(label);
    await expect(editor.getByTestId("field-key")).toBeDisabled();
    await preview.locator("input").fill("150");
    await expect(preview.locator(SHOWN_ERROR)).toContainText("不能大于 100");
    await settle(page);
    await screenshot(page, "settings-fields");

    // A tighter range, saved with an updateMask naming only what changed.
    await editor.getByTestId("field-max").fill("50");
    await editor.getByTestId("field-save").click();
    await expect(row).toContainText("0 ~ 50");
    expect(await findDefinition()).toMatchObject({ min: 0, max: 50, decimals: 1 });

    // The same key again: the server refuses it next to the key.
    await page.getByTestId("field-add").click();
    await editor.getByTestId("field-label").fill(`${label}乙`);
    await editor.getByTestId("field-key").fill(key);
    await editor.getByTestId("field-save").click();
    await expect(
      editor.locator(".ant-form-item").filter({ has: page.getByTestId("field-key") }),
    ).toContainText("已被使用");

    // The customers page renders the tenant's definitions on its form.
    await page.goto("/customers");
    await page.getByTestId("customer-create").click();
    await expect(
      page.getByTestId("customer-form").getByTestId(`custom-field-${key}`),
    ).toContainText(label);

    // Retired on the page: it stays listed under "show retired", inactive.
    await page.goto("/settings/fields");
    await page.getByTestId(`field-active-${key}`).click();
    await expect(page.getByTestId(`field-row-${key}`)).toHaveCount(0);
    await expect.poll(async () => (await findDefinition())?.active).toBe(false);
  } finally {
    const d = await findDefinition();
    if (d && d.active !== false) {
      await request.patch(`/v1/field-definitions/${d.id}?updateMask=active`, {
        headers,
        data: { id: d.id, active: false },
      });
    }
  }
});

test("tags: a Chinese + emoji name, a duplicate refused by the server, a comma refused by the form", async ({
  page,
  request,
}) => {
  const headers = await authOf(request);
  const name = `泉水💧测试${Date.now() % 1e6}`;
  const findTag = async () =>
    (await getJson<{ tags: Json[] }>(request, "/v1/tags", headers)).tags.find(
      (t) => t.name === name,
    );

  await login(page, "admin");
  await page.goto("/settings/tags");
  try {
    await page.getByTestId("tag-create").click();
    const form = page.getByTestId("tag-form");
    await form.getByTestId("tag-name").fill(name);
    await form.getByTestId("tag-description").fill("测试用，稍后删除");
    await form.getByTestId("tag-color").click();
    await page.locator(".ant-color-picker-presets-color").first().click();
    await page.keyboard.press("Escape");
    await page.getByTestId("tag-save").click();
    await expect(page.getByTestId("tag-form")).toHaveCount(0);
    await expect(page.getByTestId(`tag-row-${name}`)).toContainText(name);
    const stored = await findTag();
    expect(stored?.color).toMatch(/^#[0-9a-f]{6}$/i);

    // Edited: only the description changes (updateMask=description).
    await page.getByTestId(`tag-edit-${name}`).click();
    await expect(form.getByTestId("tag-name")).toHaveValue(name);
    await form.getByTestId("tag-description").fill("测试用，已改");
    await page.getByTestId("tag-save").click();
    await expect(page.getByTestId("tag-form")).toHaveCount(0);
    await expect(page.getByTestId(`tag-row-${name}`)).toContainText("测试用，已改");
    expect(await findTag()).toMatchObject({
      name,
      color: stored?.color,
      description: "测试用，已改",
    });

    // The same name again: the server says so next to the name.
    await page.getByTestId("tag-create").click();
    const nameItem = form.locator(".ant-form-item").filter({ has: page.getByTestId("tag-name") });
    await form.getByTestId("tag-name").fill(name);
    await page.getByTestId("tag-save").click();
    await expect(nameItem.locator(SHOWN_ERROR)).toContainText("已被使用");

    // A comma separates tags in imports: refused next to the name, nothing sent.
    await form.getByTestId("tag-name").fill("下午3点后送,工作日");
    await page.getByTestId("tag-save").click();
    await expect(nameItem.locator(SHOWN_ERROR)).toContainText("逗号");
    await settle(page);
    await screenshot(page, "settings-tags");
    await page.getByRole("button", { name: /取\s*消/ }).click();
    await expect(page.getByTestId("tag-form")).toHaveCount(0);

    // Deleted on the page.
    await page.getByTestId(`tag-delete-${name}`).click();
    await page.getByTestId("tag-delete-confirm").click();
    await expect(page.getByTestId(`tag-row-${name}`)).toHaveCount(0);
    await expect.poll(findTag).toBeUndefined();
  } finally {
    const t = await findTag();
    if (t) await request.delete(`/v1/tags/${t.id}`, { headers });
  }
});
