// Notifications in the console: the manager edits a template with a live preview and its
// SMS parts, an unknown variable is refused next to the text, and the default comes back;
// the tenant's notification settings persist; the hotline's 360 view lists the messages
// a resolved repair sent and switches the customer's SMS off.
import { randomUUID } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { apiToken, expect, login, screenshot, test, uniquePhone } from "./fixtures";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface Template {
  event: string;
  channel: string;
  body: string;
  providerTemplateCode: string;
  enabled: boolean;
  isDefault: boolean;
}

async function resolvedTemplate(
  request: APIRequestContext,
  token: string,
): Promise<Template | undefined> {
  const res = await request.get("/v1/notification-templates", { headers: bearer(token) });
  expect(res.ok(), await res.text()).toBeTruthy();
  const events = (await res.json()).events as { event: string; templates: Template[] }[];
  return events
    .find((e) => e.event === "work_order_resolved")
    ?.templates.find((t) => t.channel === "SMS");
}

test("templates: edit with a live preview and SMS parts, unknown variable, save, reset", async ({
  page,
  request,
}) => {
  const manager = await apiToken(request, "manager");
  const before = await resolvedTemplate(request, manager);
  expect(before).toBeTruthy();
  try {
    await login(page, "manager");
    await page.goto("/settings/notification-templates?event=work_order_resolved");
    await expect(page.getByTestId("template-title")).toHaveText("工单已处理完成");
    const form = page.getByTestId("template-form-SMS");
    // Start from the default (another run may have left a change behind).
    if (!before!.isDefault) {
      await form.getByTestId("template-reset").click();
      await page.getByRole("button", { name: /确\s*定/ }).click();
    }
    await expect(form.getByTestId("template-state")).toHaveText("默认");
    const preview = form.getByTestId("template-preview");
    await expect(preview.getByTestId("template-preview-text")).toContainText("【清泉】尊敬的张三");
    await expect(preview.getByTestId("template-preview-count")).toHaveText(/\d+ 字 · 1 条/);

    // A short text with Chinese and an emoji: one part, rendered with the sample name.
    const body = form.getByTestId("template-body");
    await body.fill("");
    await body.pressSequentially("您好🙂，工单已办结：");
    // The variable chip goes in at the cursor.
    await form.getByTestId("template-var-result").click();
    await expect(body).toHaveValue("您好🙂，工单已办结：{result}");
    await expect(preview.getByTestId("template-preview-text")).toHaveText(
      "【清泉】您好🙂，工单已办结：更换DN100阀门后恢复供水",
    );
    await expect(preview.getByTestId("template-preview-count")).toHaveText("28 字 · 1 条");
    await expect(preview.getByTestId("template-preview-parts")).toHaveCount(0);

    // Long enough for two parts: the count says so, with a warning.
    await body.press("End");
    await body.pressSequentially(
      "如仍有问题请回复本短信或致电客服热线，我们将安排师傅再次上门检查处理。如有疑问请随时联系我们，祝您生活愉快！",
    );
    await expect(preview.getByTestId("template-preview-count")).toHaveText(/\d+ 字 · 2 条/);
    await expect(preview.getByTestId("template-preview-parts")).toHaveText("将按 2 条短信计费");
    await page.mouse.move(0, 0); // (no tooltip over the variables)
    await page.waitForTimeout(300); // (the preview's fade)
    await screenshot(page, "notification-templates");

    // An unknown variable: the preview says so, and saving puts the error under the text.
    await body.press("End");
    await body.pressSequentially("预计{eta}");
    await expect(preview.getByTestId("template-preview-error")).toContainText("{eta}");
    await form.getByTestId("template-save").click();
    const bodyItem = form
      .locator(".ant-form-item")
      .filter({ has: page.getByTestId("template-body") });
    await expect(bodyItem.locator(".ant-form-item-explain-error")).toContainText(
      "模板中没有变量 {eta}",
    );
    await expect(form.getByTestId("template-state")).toHaveText("默认");

    // A valid text saves: 已修改, by whom.
    const valid = "{customer_name}您好🙂，您的工单{order_number}已办结：{result}。";
    await body.fill(valid);
    await expect(bodyItem.locator(".ant-form-item-explain-error")).toHaveCount(0);
    await form.getByTestId("template-save").click();
    await expect(page.locator(".ant-message").getByText("模板已保存")).toBeVisible();
    await expect(form.getByTestId("template-state")).toHaveText("已修改");
    await expect(form.getByTestId("template-changed")).toContainText("修改");
    await expect(page.getByTestId("template-event-work_order_resolved")).toContainText("已修改");
    expect((await resolvedTemplate(request, manager))?.body).toBe(valid);
    // It stays so after a reload.
    await page.reload();
    await expect(page.getByTestId("template-form-SMS").getByTestId("template-body")).toHaveValue(
      valid,
    );

    // Back to the default, after a confirmation.
    await page.getByTestId("template-form-SMS").getByTestId("template-reset").click();
    await page.getByRole("button", { name: /确\s*定/ }).click();
    await expect(page.locator(".ant-message").getByText("已恢复默认模板")).toBeVisible();
    await expect(page.getByTestId("template-form-SMS").getByTestId("template-state")).toHaveText(
      "默认",
    );
    expect((await resolvedTemplate(request, manager))?.isDefault).toBe(true);
  } finally {
    // Leave it as found.
    const now = await resolvedTemplate(request, manager);
    if (before!.isDefault && !now?.isDefault) {
      await request.post("/v1/notification-templates/work_order_resolved/SMS:reset", {
        headers: bearer(manager),
        data: {},
      });
    } else if (!before!.isDefault && now?.body !== before!.body) {
      await request.put("/v1/notification-templates/work_order_resolved/SMS", {
        headers: bearer(manager),
        data: {
          body: before!.body,
          providerTemplateCode: before!.providerTemplateCode,
          enabled: before!.enabled,
        },
      });
    }
  }
});

test("an agent sees the templates read only", async ({ page }) => {
  await login(page, "agent");
  await page.goto("/settings/notification-templates?event=worker_on_the_way");
  await expect(page.getByTestId("template-title")).toHaveText("师傅已出发");
  await expect(page.getByText("只有经理可以修改通知模板")).toBeVisible();
  const form = page.getByTestId("template-form-SMS");
  await expect(form.getByTestId("template-save")).toHaveCount(0);
  await expect(form.getByTestId("template-body")).toBeDisabled();
  await expect(form.getByTestId("template-preview-text")).toContainText("预计15:30到达");
});

test("settings: quiet hours, caps, signature, time zone; errors at their fields", async ({
  page,
  request,
}) => {
  const manager = await apiToken(request, "manager");
  const res = await request.get("/v1/notification-settings", { headers: bearer(manager) });
  expect(res.ok()).toBeTruthy();
  const original = await res.json();
  const smsCap = original.dailyCaps?.find((c: { channel: string }) => c.channel === "SMS")
    ?.maxPerDay as number | undefined;
  const newCap = smsCap === 7 ? 8 : 7;
  try {
    await login(page, "manager");
    await page.goto("/settings/notifications");
    const form = page.getByTestId("notification-settings-form");
    await expect(form.getByTestId("sms-signature")).toHaveValue(original.smsSignature);
    await expect(form.getByTestId("sms-signature-sample")).toContainText(
      `【${original.smsSignature}】`,
    );
    await expect(form).toContainText("停水通知");

    // A one-character signature: the server's refusal sits under the field.
    await form.getByTestId("sms-signature").fill("清");
    await expect(form.getByTestId("sms-signature-sample")).toContainText("【清】");
    await page.getByTestId("notification-settings-save").click();
    const signatureItem = form
      .locator(".ant-form-item")
      .filter({ has: page.getByTestId("sms-signature") });
    await expect(signatureItem.locator(".ant-form-item-explain-error")).toBeVisible();

    // A valid change: quiet hours switched, the SMS cap changed.
    await form.getByTestId("sms-signature").fill(original.smsSignature);
    await form.getByTestId("quiet-enabled").click();
    await form.getByTestId("daily-cap-SMS").fill(String(newCap));
    await page.getByTestId("notification-settings-save").click();
    await expect(page.locator(".ant-message").getByText("通知设置已保存")).toBeVisible();
    await expect(signatureItem.locator(".ant-form-item-explain-error")).toHaveCount(0);

    await page.reload();
    await expect(form.getByTestId("daily-cap-SMS")).toHaveValue(String(newCap));
    await expect(form.getByTestId("quiet-enabled")).toHaveAttribute(
      "aria-checked",
      String(!original.quietHours?.enabled),
    );
    await expect(page.getByTestId("notification-settings-updated")).toContainText("最后修改");
    if (!original.quietHours?.enabled) {
      // Shown switched on, with what it means.
      await expect(form).toContainText(
        `${original.quietHours?.start ?? "21:00"} 至次日 ${original.quietHours?.end ?? "08:00"}`,
      );
    }
    await page.waitForTimeout(300); // (the pickers' enabling transition)
    await screenshot(page, "notification-settings");
  } finally {
    // Other tests expect the settings they found (quiet hours above all).
    const body = { ...original };
    delete body.updateTime;
    delete body.updatedBy;
    const put = await request.put("/v1/notification-settings", {
      headers: bearer(manager),
      data: body,
    });
    expect(put.ok(), await put.text()).toBeTruthy();
  }
});

test("hotline: a resolved repair's messages and the customer's SMS opt-out", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const agent = await apiToken(request, "agent");
  const worker = await apiToken(request, "worker");

  // A customer of the east area, and a repair resolved for them.
  const phone = uniquePhone();
  const created = await request.post("/v1/customers", {
    headers: { ...bearer(agent), "Idempotency-Key": randomUUID() },
    data: {
      name: "消息测试🙂 王五",
      phones: [phone],
      addresses: [{ text: "城东区 解放路 9 号", location: { lat: 31.25, lng: 121.55 } }],
    },
  });
  expect(created.ok(), await created.text()).toBeTruthy();
  const customerId = (await created.json()).id as string;
  const wo = await request.post("/v1/work-orders", {
    headers: { ...bearer(agent), "Idempotency-Key": randomUUID() },
    data: { type: "REPAIR", channel: "PHONE", customerId, description: "水表漏水（消息测试）" },
  });
  expect(wo.ok(), await wo.text()).toBeTruthy();
  const order = (await wo.json()) as { id: string; number: string };
  await expect
    .poll(
      async () => {
        const r = await request.get(`/v1/work-orders/${order.id}`, { headers: bearer(agent) });
        return (await r.json()).state as string;
      },
      { timeout: 10_000 },
    )
    .toBe("DISPATCHED");
  const accepted = await request.post(`/v1/work-orders/${order.id}:accept`, {
    headers: { ...bearer(worker), "Idempotency-Key": randomUUID() },
    data: {},
  });
  expect(accepted.ok(), await accepted.text()).toBeTruthy();
  const photo = await request.post("/v1/attachments?fileName=fixed.png", {
    headers: { ...bearer(worker), "Content-Type": "image/png" },
    data: Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "base64",
    ),
  });
  expect(photo.ok(), await photo.text()).toBeTruthy();
  const resolved = await request.post(`/v1/work-orders/${order.id}:resolve`, {
    headers: { ...bearer(worker), "Idempotency-Key": randomUUID() },
    data: { result: "更换水表前阀门，已恢复供水", attachmentIds: [(await photo.json()).id] },
  });
  expect(resolved.ok(), await resolved.text()).toBeTruthy();
  await expect
    .poll(
      async () => {
        const r = await request.get(`/v1/notifications?customerId=${customerId}`, {
          headers: bearer(agent),
        });
        return ((await r.json()).messages ?? []).length as number;
      },
      { timeout: 10_000 },
    )
    .toBeGreaterThanOrEqual(2);

  await login(page, "agent");
  await page.goto(`/hotline?customer=${customerId}`);
  await expect(page.getByTestId("customer-name")).toHaveText("消息测试🙂 王五");
  const card = page.getByTestId("customer-messages");
  await card.scrollIntoViewIfNeeded();
  const rows = card.getByTestId("customer-message-list-row");
  await expect(rows.filter({ hasText: "工单已处理完成" })).toHaveCount(1);
  const resolvedRow = rows.filter({ hasText: "工单已处理完成" });
  await expect(resolvedRow).toContainText("更换水表前阀门，已恢复供水");
  await expect(resolvedRow).toContainText("短信");
  await expect(resolvedRow).toContainText(phone.slice(-4));
  await expect(resolvedRow.getByTestId("message-status").locator(".ant-tag")).toHaveText(
    /已发送|已送达|待发送/,
  );
  await expect(rows.filter({ hasText: "工单已受理" })).toHaveCount(1);

  // The customer asks for no more SMS: the switch is saved, with who changed it.
  const sms = card.getByTestId("pref-switch-SMS");
  await expect(sms).toHaveAttribute("aria-checked", "true");
  await sms.click();
  await expect(page.locator(".ant-message").getByText("短信通知：已退订")).toBeVisible();
  await expect(card.getByTestId("pref-changed-SMS")).toContainText("修改");
  await page.reload();
  await expect(page.getByTestId("pref-switch-SMS")).toHaveAttribute("aria-checked", "false");
  await expect(page.getByTestId("pref-switch-WECHAT")).toHaveAttribute("aria-checked", "true");
  await page.getByTestId("customer-messages").scrollIntoViewIfNeeded();
  await page.waitForTimeout(300); // (the map and the switches settle)
  await screenshot(page, "hotline-messages");
  const prefs = await request.get(`/v1/customers/${customerId}/notification-preferences`, {
    headers: bearer(agent),
  });
  const smsPref = ((await prefs.json()).channels as { channel: string; optedOut: boolean }[]).find(
    (c) => c.channel === "SMS",
  );
  expect(smsPref?.optedOut).toBe(true);

  // The work order's page lists the same messages.
  await page.goto(`/work-orders/${order.id}`);
  await expect(
    page.getByTestId("wo-message-list-row").filter({ hasText: "工单已处理完成" }),
  ).toHaveCount(1);
});
