// 调度地图 at the station: the courier comes on duty and reports a position; a delivery
// bigger than any vehicle on duty waits on the board (CAPACITY), so it stays unassigned
// whoever else is on duty; the dispatcher sees it in the list and as a pin, gives it to the
// courier, sees it on the courier's route (also through the API), and runs a re-plan dry
// run whose preview shows the distance before, after and saved.
import { apiToken, expect, login, screenshot, STATION, test } from "./fixtures";

interface Person {
  userId: string;
  kind: string;
  onDuty: boolean;
  capacityBarrels?: number;
}
interface Waiting {
  orderId: string;
  reason?: string;
}
interface Board {
  areas?: { waitingDeliveries?: Waiting[] }[];
  unzonedDeliveries?: Waiting[];
  people?: Person[];
}

function waiting(board: Board): Waiting[] {
  return [
    ...(board.areas ?? []).flatMap((a) => a.waitingDeliveries ?? []),
    ...(board.unzonedDeliveries ?? []),
  ];
}

test("station: a waiting delivery assigned on the map, then a re-plan dry run", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const dispatcher = { Authorization: `Bearer ${await apiToken(request, "dispatcher", STATION)}` };
  const courier = { Authorization: `Bearer ${await apiToken(request, "courier", STATION)}` };
  const agent = { Authorization: `Bearer ${await apiToken(request, "agent", STATION)}` };

  const me = await request.get("/v1/staff/me", { headers: courier });
  expect(me.ok(), await me.text()).toBeTruthy();
  const courierId = (await me.json()).userId as string;

  const orderIds: string[] = [];
  const deviceId = `pw-dispatch-map-${Date.now()}`;
  try {
    // The courier (李师傅) comes on duty and reports where they are (城东区).
    const duty = await request.post("/v1/staff/me:setDuty", {
      headers: courier,
      data: { onDuty: true },
    });
    expect(duty.ok(), await duty.text()).toBeTruthy();
    const report = await request.post("/v1/staff/me/locations", {
      headers: courier,
      data: {
        deviceId,
        reports: [{ position: { lat: 31.2381, lng: 121.5512 }, time: new Date().toISOString() }],
      },
    });
    expect(report.ok(), await report.text()).toBeTruthy();

    // More barrels than any courier on duty carries: dispatch cannot place it by itself.
    const board = (await (
      await request.get("/v1/dispatch-board", { headers: dispatcher })
    ).json()) as Board;
    const biggest = Math.max(
      1,
      ...(board.people ?? [])
        .filter((p) => p.kind === "COURIER" && p.onDuty)
        .map((p) => p.capacityBarrels ?? 0),
    );
    const customer = async (phone: string) => {
      const search = await request.get(`/v1/customers:search?q=${phone}`, { headers: agent });
      return (await search.json()).hits[0].customer.id as string;
    };
    const newOrder = async (tag: string, customerId: string) => {
      const created = await request.post("/v1/delivery-orders", {
        headers: { ...agent, "Idempotency-Key": `dispatch-map-${tag}-${Date.now()}` },
        data: {
          channel: "PHONE",
          customerId,
          items: [{ product: "18.9L", quantity: biggest + 2 }],
          payment: "CASH",
          notes: "调度地图测试",
        },
      });
      expect(created.ok(), await created.text()).toBeTruthy();
      const order = await created.json();
      orderIds.push(order.id as string);
      return { id: order.id as string, number: order.number as string };
    };
    // One to assign (陈晓明, 城东区), one that keeps waiting beside it (清泉科技, 城西区).
    const { id: orderId, number } = await newOrder("a", await customer("13912340003"));
    const { id: otherId, number: otherNumber } = await newOrder("b", await customer("13912340004"));
    await expect
      .poll(
        async () => {
          const b = (await (
            await request.get("/v1/dispatch-board", { headers: dispatcher })
          ).json()) as Board;
          const listed = waiting(b);
          return [orderId, otherId].map((id) => listed.find((w) => w.orderId === id)?.reason);
        },
        { timeout: 10_000 },
      )
      .toEqual(["CAPACITY", "CAPACITY"]);

    // The dispatcher's map: the order waits in the list and as a pin; the counts show it.
    await login(page, "dispatcher", STATION);
    await page.goto("/dispatch");
    const item = page.getByTestId(`do-item-${number}`);
    await expect(item).toBeVisible();
    await expect(item).toContainText("陈晓明");
    await expect(item).toContainText("超出车辆载量");
    await expect(page.getByTestId(`do-pin-${number}`)).toBeVisible();
    const waitingCount = Number(await page.getByTestId("board-waiting-deliveries").textContent());
    expect(waitingCount).toBeGreaterThanOrEqual(1);
    await expect(page.getByTestId("board-area-城东区")).toBeVisible();
    await expect(page.getByTestId("board-on-duty")).not.toHaveText("0");
    await expect(page.getByTestId(`courier-pin-${courierId}`)).toBeVisible();

    // Pick the order, then the courier, and assign.
    await expect(page.getByTestId("assign-button")).toBeDisabled();
    await item.click();
    await expect(item).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("assign-order")).toContainText(number);
    // The board reloads every 10 s and may close an open dropdown: pick until it holds.
    await expect(async () => {
      await page.getByTestId("courier-select").click();
      await page
        .locator(".ant-select-dropdown:visible .ant-select-item-option")
        .filter({ hasText: "李师傅" })
        .first()
        .click({ timeout: 3000 });
      await expect(page.getByTestId("courier-select")).toContainText("李师傅", { timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByTestId("route-panel")).toContainText("李师傅");
    // Closing the route lets the courier go; a click on them on the map picks them again.
    await page.getByTestId("route-panel").getByRole("button", { name: "关闭" }).click();
    await expect(page.getByTestId("route-panel")).toHaveCount(0);
    // Pins of other runs' orders may lie on top of the courier: click the marker itself.
    await page.getByTestId(`courier-pin-${courierId}`).dispatchEvent("click");
    await expect(page.getByTestId("route-panel")).toContainText("李师傅");
    await expect(page.getByTestId("courier-select")).toContainText("李师傅");
    await page.getByTestId("assign-button").click();
    await expect(page.locator(".ant-message")).toContainText(`已将 ${number} 指派给 李师傅`);

    // The order left the waiting list and is a numbered stop on the courier's route.
    await expect(item).toHaveCount(0);
    const stop = page.getByTestId("route-panel").getByTestId(`route-stop-${number}`);
    await expect(stop).toBeVisible();
    await expect(stop).toContainText("陈晓明");
    await expect(stop.getByTestId("route-stop-eta")).toContainText(/预计 \d\d:\d\d 到达/);
    await expect(page.getByTestId(`stop-pin-${number}`)).toBeVisible();
    // The other order still waits, in the list and as a pin.
    await expect(page.getByTestId(`do-item-${otherNumber}`)).toBeVisible();
    await expect(page.getByTestId(`do-pin-${otherNumber}`)).toBeVisible();
    // A click on its pin selects it in the list.
    await page.getByTestId(`do-pin-${otherNumber}`).dispatchEvent("click");
    await expect(page.getByTestId(`do-item-${otherNumber}`)).toHaveAttribute(
      "aria-pressed",
      "true",
    );
    await expect(page.getByTestId("assign-order")).toContainText(otherNumber);
    const route = await (
      await request.get(`/v1/routes/${courierId}`, { headers: dispatcher })
    ).json();
    expect((route.stops as { orderId: string }[]).map((s) => s.orderId)).toContain(orderId);
    const got = await (
      await request.get(`/v1/delivery-orders/${orderId}`, { headers: agent })
    ).json();
    expect(got.state).toBe("ASSIGNED");
    expect(got.courierId).toBe(courierId);
    // Live: the map follows the courier through the order's tracking stream; a new
    // report moves their marker well before the board's next 10 s refresh.
    await expect(page.getByTestId("live-state")).toContainText("实时跟踪 李师傅");
    const pin = page.getByTestId(`courier-pin-${courierId}`);
    const before = await pin.evaluate((el) => (el as HTMLElement).style.transform);
    const moved = await request.post("/v1/staff/me/locations", {
      headers: courier,
      data: {
        deviceId,
        reports: [
          {
            position: { lat: 31.2555, lng: 121.5633 },
            time: new Date(Date.now() + 6_000).toISOString(),
          },
        ],
      },
    });
    expect(moved.ok(), await moved.text()).toBeTruthy();
    await expect
      .poll(() => pin.evaluate((el) => (el as HTMLElement).style.transform), { timeout: 6_000 })
      .not.toBe(before);
    await page.mouse.move(5, 760); // no tooltip over the picture
    await screenshot(page, "dispatch-map");

    // Re-plan: a dry run shows the distances before applying anything.
    await page.getByTestId("replan-button").click();
    const preview = page.getByTestId("replan-preview");
    await expect(preview).toBeVisible();
    await expect(preview.getByTestId("replan-result")).toBeVisible({ timeout: 30_000 });
    await expect(preview.getByTestId("replan-before")).toHaveText(/^\d+\.\d km$/);
    await expect(preview.getByTestId("replan-after")).toHaveText(/^\d+\.\d km$/);
    await expect(preview.getByTestId("replan-saved")).toHaveText(/^\d+\.\d km 少 \d+(\.\d)?%$/);
    expect(Number(await preview.getByTestId("replan-stops").textContent())).toBeGreaterThanOrEqual(
      1,
    );
    // Neither big order fits a vehicle: the preview says so rather than count it as saved.
    await expect(preview.getByTestId("replan-unserved")).toContainText(number);
    await expect(preview.getByTestId("replan-unserved-warning")).toBeVisible();
    await expect(page.getByTestId("replan-apply")).toBeEnabled();
    await screenshot(page, "dispatch-map-replan");
    // Nothing was applied: the order is still the courier's.
    await page.getByRole("button", { name: /取\s*消/ }).click();
    await expect(preview).toHaveCount(0);
    const still = await (
      await request.get(`/v1/delivery-orders/${orderId}`, { headers: agent })
    ).json();
    expect(still.courierId).toBe(courierId);
  } finally {
    for (const id of orderIds) {
      await request.post(`/v1/delivery-orders/${id}:transition`, {
        headers: dispatcher,
        data: { transition: "cancel", comment: "调度地图测试结束" },
      });
    }
    await request.post("/v1/staff/me:setDuty", { headers: courier, data: { onDuty: false } });
  }
});

test("station: the leader sees the board and the map but neither assigns nor re-plans", async ({
  page,
}) => {
  await login(page, "leader", STATION);
  await page.goto("/dispatch");
  await expect(page.getByTestId("board-counts")).toBeVisible();
  await expect(page.getByTestId("board-area-城东区")).toBeVisible();
  await expect(page.getByTestId("dispatch-map")).toBeVisible();
  await expect(page.getByTestId("assign-button")).toBeDisabled();
  await expect(page.getByTestId("replan-button")).toBeDisabled();
});
