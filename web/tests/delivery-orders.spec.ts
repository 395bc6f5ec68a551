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
    await expect(row).toContainText("每周 一、四");
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
