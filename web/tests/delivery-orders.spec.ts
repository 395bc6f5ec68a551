// 配送订单 at the station: an order paid by water tickets, created once however often the
// button is clicked, with the tickets saga's state on the row; then cancelled.
import { apiToken, expect, login, screenshot, STATION, test, uniquePhone } from "./fixtures";

test("station: a tickets order, a double click creates one, then cancel it", async ({
  page,
  request,
}) => {
  const token = await apiToken(request, "agent", STATION);
  const auth = { Authorization: `Bearer ${token}` };
  const phone = uniquePhone();
  const name = `送水测试${phone.slice(-4)}`;
  const customer = await request.post("/v1/customers", {
    headers: { ...auth, "Idempotency-Key": `customer-${phone}` },
    data: { name, phones: [phone], addresses: [{ text: "城东区 浦东南路 500 号 12 楼" }] },
  });
  expect(customer.ok(), await customer.text()).toBeTruthy();

  const creates: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/v1/delivery-orders") {
      creates.push(r.headers()["idempotency-key"] ?? "");
    }
  });

  await login(page, "agent", STATION);
  await page.goto("/delivery-orders");
  await page.getByTestId("order-create").click();
  const form = page.getByTestId("order-form");
  await form.getByTestId("order-customer").click();
  await page.keyboard.type(phone);
  await page.locator(".ant-select-dropdown").getByText(name).click();
  await expect(form.getByTestId("order-ticket-balance")).toBeVisible();
  await form.getByTestId("order-quantity-0").fill("2");
  await expect(form.getByTestId("order-payment").getByText("水票")).toBeVisible();
  await form.getByTestId("order-notes").fill("放门口，轻敲门");
  await page.getByTestId("order-submit").dblclick();
  const notice = page.locator(".ant-message").getByText(/已创建订单 DO-\S+/);
  await expect(notice).toBeVisible();
  const number = (await notice.textContent())!.match(/DO-[\d-]+/)![0];

  // One order, whatever reached the server: every create carried the same key.
  expect(creates.length).toBeGreaterThanOrEqual(1);
  expect(new Set(creates).size).toBe(1);
  expect(creates[0]).not.toBe("");
  const listed = await request.get(`/v1/delivery-orders?phone=${phone}`, { headers: auth });
  const orders = (await listed.json()).deliveryOrders as {
    number: string;
    payment: string;
    ticketStatus: string;
    items: { product: string; quantity: number }[];
  }[];
  expect(orders).toHaveLength(1);
  expect(orders[0].number).toBe(number);
  expect(orders[0].payment).toBe("TICKETS");
  expect(orders[0].ticketStatus).toBe("PENDING");
  expect(orders[0].items).toEqual([{ product: "18.9L", quantity: 2 }]);

  // The row: waiting for dispatch, tickets to be deducted on delivery.
  await page.getByTestId("filter-phone").fill(phone);
  await page.getByTestId("order-apply").click();
  const row = page.getByTestId(`order-row-${number}`);
  await expect(row.getByTestId("order-state")).toHaveText("待派单");
  await expect(row.getByTestId("order-ticket-status")).toContainText("待扣票");
  await expect(page.getByTestId("order-table").locator("tbody tr.ant-table-row")).toHaveCount(1);
  await page.getByTestId("filter-phone").fill("");
  await page.getByTestId("order-apply").click();
  await expect(row).toBeVisible();
  await screenshot(page, "delivery-orders");

  // Change the quantity before dispatch: a PATCH with updateMask=items.
  await row.getByTestId("order-edit").click();
  await expect(page.getByTestId("order-quantity-0")).toHaveValue("2");
  await page.getByTestId("order-quantity-0").fill("3");
  await page.getByTestId("order-submit").click();
  await expect(page.locator(".ant-message")).toContainText("已保存");
  await expect(row).toContainText("18.9L × 3");

  // Cancel: the workflow's cancelling transition wants a reason.
  await row.getByTestId("order-cancel").click();
  await page.getByTestId("cancel-confirm").click();
  await expect(page.getByTestId("cancel-form")).toContainText("请填写取消原因");
  await page.getByTestId("cancel-reason").fill("客户来电取消");
  await page.getByTestId("cancel-confirm").click();
  await expect(page.locator(".ant-message")).toContainText(`订单 ${number} 已取消`);
  await expect(row.getByTestId("order-state")).toHaveText("已取消");
  await expect(row.getByTestId("order-cancel")).toHaveCount(0);
  // Nothing was deducted and nothing will be: no ticket state left to show.
  await expect(row.getByTestId("order-ticket-status")).toHaveText("水票");
  const after = await request.get(`/v1/delivery-orders?phone=${phone}`, { headers: auth });
  expect((await after.json()).deliveryOrders[0].state).toBe("CANCELLED");
});

test("station: a standing order paused and resumed from its tab", async ({ page, request }) => {
  const token = await apiToken(request, "dispatcher", STATION);
  const auth = { Authorization: `Bearer ${token}` };
  const phone = uniquePhone();
  const name = `定期送水测试${phone.slice(-4)}`;
  const customer = await request.post("/v1/customers", {
    headers: { ...auth, "Idempotency-Key": `customer-${phone}` },
    data: { name, phones: [phone], addresses: [{ text: "城西区 长宁路 66 号" }] },
  });
  expect(customer.ok(), await customer.text()).toBeTruthy();
  const standing = await request.post("/v1/standing-orders", {
    headers: { ...auth, "Idempotency-Key": `standing-${phone}` },
    data: {
      channel: "PHONE",
      customerId: (await customer.json()).id,
      items: [{ product: "18.9L", quantity: 2 }],
      payment: "CASH",
      recurrence: { frequency: "WEEKLY", weekdays: [1, 4] },
      windowStartLocal: "15:00",
      windowEndLocal: "18:00",
    },
  });
  expect(standing.ok(), await standing.text()).toBeTruthy();
  const id = (await standing.json()).id as string;

  try {
    await login(page, "dispatcher", STATION);
    await page.goto("/delivery-orders?tab=standing");
    const row = page.getByTestId(`standing-row-${id}`);
    await expect(row).toContainText(name);
    await expect(row).toContainText("每周一、四");
    await expect(row).toContainText("15:00 – 18:00");
    await expect(row.getByTestId("standing-state")).toHaveText("进行中");
    await row.getByTestId("standing-pause").click();
    await page
      .locator(".ant-popconfirm")
      .getByRole("button", { name: /确\s*定|OK/ })
      .click();
    await expect(row.getByTestId("standing-state")).toHaveText("已暂停");
    await row.getByTestId("standing-resume").click();
    await page
      .locator(".ant-popconfirm")
      .getByRole("button", { name: /确\s*定|OK/ })
      .click();
    await expect(row.getByTestId("standing-state")).toHaveText("进行中");
  } finally {
    await request.post(`/v1/standing-orders/${id}:changeState`, {
      headers: auth,
      data: { action: "END", reason: "测试结束" },
    });
  }
});

test("station: a standing order created and changed through its drawer", async ({
  page,
  request,
}) => {
  const token = await apiToken(request, "dispatcher", STATION);
  const auth = { Authorization: `Bearer ${token}` };
  const found = await request.get("/v1/customers:search?q=13912340003", { headers: auth });
  expect(found.ok(), await found.text()).toBeTruthy();
  const customerId = (await found.json()).hits[0].customer.id as string;
  type Standing = {
    id: string;
    items: { product: string; quantity: number }[];
    payment: string;
    recurrence: { frequency: string; weekdays: number[] };
    windowStartLocal?: string;
    windowEndLocal?: string;
  };
  const standingOf = async (): Promise<Standing[]> => {
    const res = await request.get(`/v1/standing-orders?customerId=${customerId}&pageSize=100`, {
      headers: auth,
    });
    expect(res.ok(), await res.text()).toBeTruthy();
    return (await res.json()).standingOrders ?? [];
  };
  const before = new Set((await standingOf()).map((s) => s.id));

  const creates: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/v1/standing-orders") {
      creates.push(r.headers()["idempotency-key"] ?? "");
    }
  });

  let id = "";
  try {
    await login(page, "dispatcher", STATION);
    await page.goto("/delivery-orders?tab=standing");
    await page.getByTestId("standing-create").click();
    await expect(page).toHaveURL(/standingCreate=1/);
    const form = page.getByTestId("standing-form");
    await form.getByTestId("standing-customer").click();
    await page.keyboard.type("13912340003");
    await page.locator(".ant-select-dropdown").getByText("陈晓明").first().click();
    await form.getByTestId("standing-quantity-0").fill("2");
    const weekdays = form.getByTestId("standing-weekdays");
    await weekdays.getByText("一", { exact: true }).click();
    await weekdays.getByText("四", { exact: true }).click();
    await form.getByTestId("standing-window-start").click();
    await page.keyboard.type("15:00");
    await page.keyboard.press("Enter");
    const preview = form.getByTestId("standing-preview");
    await preview.click();
    await expect(page.locator(".ant-picker-dropdown:visible")).toHaveCount(0);
    await expect(form.getByTestId("standing-payment").getByText("水票")).toBeVisible();
    await expect(preview).toContainText("每周一、四 送 2 桶 18.9L，15:00 后");
    await preview.scrollIntoViewIfNeeded();
    await screenshot(page, "standing-order");
    await page.getByTestId("standing-submit").dblclick();
    await expect(page.locator(".ant-message")).toContainText("已创建周期订单");
    await expect(page.getByTestId("standing-form")).toHaveCount(0);

    // One standing order, whatever reached the server: every create carried the same key.
    expect(creates.length).toBeGreaterThanOrEqual(1);
    expect(new Set(creates).size).toBe(1);
    expect(creates[0]).not.toBe("");
    const added = (await standingOf()).filter((s) => !before.has(s.id));
    expect(added).toHaveLength(1);
    id = added[0].id;
    expect(added[0].items).toEqual([{ product: "18.9L", quantity: 2 }]);
    expect(added[0].payment).toBe("TICKETS");
    expect(added[0].recurrence.frequency).toBe("WEEKLY");
    expect(added[0].recurrence.weekdays).toEqual([1, 4]);
    expect(added[0].windowStartLocal).toBe("15:00");
    expect(added[0].windowEndLocal ?? "").toBe("");

    const row = page.getByTestId(`standing-row-${id}`);
    await expect(row).toContainText("陈晓明");
    await expect(row).toContainText("18.9L × 2");
    await expect(row).toContainText("每周一、四");

    // Change the quantity: a PATCH with updateMask=items.
    await row.getByTestId("standing-edit").click();
    await expect(page).toHaveURL(new RegExp(`standingEdit=${id}`));
    await expect(page.getByTestId("standing-quantity-0")).toHaveValue("2");
    await page.getByTestId("standing-quantity-0").fill("3");
    await page.getByTestId("standing-submit").click();
    await expect(page.locator(".ant-message")).toContainText("已保存");
    await expect(page.getByTestId("standing-form")).toHaveCount(0);
    await expect(row).toContainText("18.9L × 3");
    expect((await standingOf()).find((s) => s.id === id)?.items).toEqual([
      { product: "18.9L", quantity: 3 },
    ]);

    // No weekday left: the server refuses, and says so next to the weekdays.
    await row.getByTestId("standing-edit").click();
    const weekdaysAgain = page.getByTestId("standing-weekdays");
    await weekdaysAgain.getByText("一", { exact: true }).click();
    await weekdaysAgain.getByText("四", { exact: true }).click();
    await page.getByTestId("standing-submit").click();
    const weekdayItem = page
      .getByTestId("standing-form")
      .locator(".ant-form-item")
      .filter({ has: weekdaysAgain });
    await expect(weekdayItem.locator(".ant-form-item-explain-error")).toContainText("送水日");
    await expect(page.getByTestId("standing-form-error")).toHaveCount(0);
    await page.getByRole("button", { name: "关 闭", exact: true }).click();
    await expect(page.getByTestId("standing-form")).toHaveCount(0);

    // Clean-up through the list: pause it.
    await row.getByTestId("standing-pause").click();
    await page
      .locator(".ant-popconfirm")
      .getByRole("button", { name: /确\s*定|OK/ })
      .click();
    await expect(row.getByTestId("standing-state")).toHaveText("已暂停");
  } finally {
    if (id) {
      await request.post(`/v1/standing-orders/${id}:changeState`, {
        headers: auth,
        data: { action: "END", reason: "测试结束" },
      });
    }
  }
});
