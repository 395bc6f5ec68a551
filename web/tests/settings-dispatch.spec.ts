// The dispatch settings pages: service areas drawn on the map (and a self-crossing one
// refused with the server's reason on the shape), a staff profile's capacity, a team and
// the dispatch settings saved. Everything created is removed again, so runs on the same
// stack do not collide.
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { createHash } from "node:crypto";
import { test, expect, login, apiToken, screenshot, UTILITY } from "./fixtures";

type Headers = Record<string, string>;

interface LatLng {
  lat: number;
  lng: number;
}

async function adminHeaders(request: APIRequestContext): Promise<Headers> {
  return { Authorization: `Bearer ${await apiToken(request, "admin")}` };
}

/** A demo user's id, as the customer service makes it: md5('<tenant>/<username>') as a uuid. */
function demoUserId(username: string, tenant = UTILITY): string {
  const h = createHash("md5").update(`${tenant}/${username}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function listAreas(request: APIRequestContext, headers: Headers) {
  const res = await request.get("/v1/areas", { headers });
  expect(res.ok(), await res.text()).toBeTruthy();
  return ((await res.json()).areas ?? []) as {
    id: string;
    name: string;
    boundary: LatLng[];
  }[];
}

async function deleteAreaNamed(request: APIRequestContext, headers: Headers, name: string) {
  for (const area of await listAreas(request, headers)) {
    if (area.name === name) await request.delete(`/v1/areas/${area.id}`, { headers });
  }
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The screen box around every shape drawn on the map. */
function shapesBox(map: Locator): Promise<Box> {
  return map.evaluate((el) => {
    const rects = [...el.querySelectorAll("path.leaflet-interactive")].map((p) =>
      p.getBoundingClientRect(),
    );
    return {
      left: Math.min(...rects.map((r) => r.left)),
      top: Math.min(...rects.map((r) => r.top)),
      right: Math.max(...rects.map((r) => r.right)),
      bottom: Math.max(...rects.map((r) => r.bottom)),
    };
  });
}

/**
 * Corners of a square of the map that no area covers: the map is zoomed out once, so the
 * areas shrink to its middle, and the square goes on the side with the most room (clear
 * of the zoom buttons, the hint over the top edge and the scale bar).
 */
async function freeSquare(page: Page): Promise<{ x0: number; y0: number; x1: number; y1: number }> {
  const map = page.getByTestId("areas-map");
  await expect(map.locator("path.leaflet-interactive").first()).toBeVisible();
  const before = await shapesBox(map);
  await map.locator(".leaflet-control-zoom-out").click();
  await expect
    .poll(async () => {
      const b = await shapesBox(map);
      return b.right - b.left;
    })
    .toBeLessThan((before.right - before.left) * 0.75);
  await expect(map).not.toHaveClass(/leaflet-zoom-anim/);
  const shapes = await shapesBox(map);
  const m = (await map.boundingBox())!;
  const sides = [
    { side: "right", room: m.x + m.width - 16 - shapes.right },
    { side: "left", room: shapes.left - (m.x + 64) },
    { side: "bottom", room: m.y + m.height - 40 - shapes.bottom },
    { side: "top", room: shapes.top - (m.y + 72) },
  ].sort((a, b) => b.room - a.room);
  const { side, room } = sides[0];
  expect(room, "room beside the areas").toBeGreaterThan(60);
  const size = Math.min(90, room - 30);
  const midX = (shapes.left + shapes.right) / 2;
  const midY = (shapes.top + shapes.bottom) / 2;
  let cx = midX;
  let cy = midY;
  if (side === "right") cx = shapes.right + room / 2;
  if (side === "left") cx = shapes.left - room / 2;
  if (side === "bottom") cy = shapes.bottom + room / 2;
  if (side === "top") cy = shapes.top - room / 2;
  return { x0: cx - size / 2, y0: cy - size / 2, x1: cx + size / 2, y1: cy + size / 2 };
}

async function startNewArea(page: Page, name: string) {
  await page.goto("/settings/areas");
  await expect(page.getByTestId("areas-table")).toContainText("城东区");
  await page.getByTestId("area-create").click();
  await page.getByTestId("area-name-input").fill(name);
  await page.getByTestId("area-team").click();
  await page.locator(".ant-select-item-option", { hasText: "城东区维修组" }).click();
}

async function clickPoints(page: Page, points: [number, number][]) {
  for (const [i, [x, y]] of points.entries()) {
    await page.mouse.click(x, y);
    await expect(page.getByTestId("area-point-count")).toContainText(String(i + 1));
  }
  await expect(page.getByTestId("areas-map").getByTestId("map-vertex")).toHaveCount(points.length);
}

test("an admin draws a new area on the map, saves it and deletes it", async ({ page, request }) => {
  const headers = await adminHeaders(request);
  const name = `测试片区${Date.now()}`;
  try {
    await login(page, "admin");
    await startNewArea(page, name);
    const sq = await freeSquare(page);
    await clickPoints(page, [
      [sq.x0, sq.y0],
      [sq.x1, sq.y0],
      [sq.x1, sq.y1],
      [sq.x0, sq.y1],
    ]);
    // Undo takes the last point off; the same click puts it back.
    await page.getByTestId("area-undo").click();
    await expect(page.getByTestId("areas-map").getByTestId("map-vertex")).toHaveCount(3);
    await page.mouse.click(sq.x0, sq.y1);
    await expect(page.getByTestId("areas-map").getByTestId("map-vertex")).toHaveCount(4);
    // A click on vertex 1 closes the ring.
    await page.getByTestId("areas-map").getByTestId("map-vertex").first().click();
    await expect(page.getByTestId("area-reopen")).toBeVisible();
    await screenshot(page, "settings-areas");
    await page.getByTestId("area-save").click();
    await expect(page.getByTestId("areas-table")).toContainText(name);

    const saved = (await listAreas(request, headers)).find((a) => a.name === name);
    expect(saved, "the new area is listed by the API").toBeTruthy();
    expect(saved!.boundary).toHaveLength(4);
    // Drawn where no demo area is (城东区 and 城西区: lng 121.40–121.60 × lat 31.20–31.30).
    const xs = saved!.boundary.map((p) => p.lng);
    const ys = saved!.boundary.map((p) => p.lat);
    const overlapsDemo =
      Math.max(...xs) > 121.4 &&
      Math.min(...xs) < 121.6 &&
      Math.max(...ys) > 31.2 &&
      Math.min(...ys) < 31.3;
    expect(overlapsDemo, JSON.stringify(saved!.boundary)).toBe(false);

    const row = page.getByTestId(`area-row-${saved!.id}`);
    await row.getByTestId("area-delete").click();
    await page.getByTestId("area-delete-confirm").click();
    await expect(page.getByTestId("areas-table")).not.toContainText(name);
    expect((await listAreas(request, headers)).some((a) => a.name === name)).toBe(false);

    // The next new area starts from an empty form and no vertices.
    await page.getByTestId("area-create").click();
    await expect(page.getByTestId("area-name-input")).toHaveValue("");
    await expect(page.getByTestId("areas-map").getByTestId("map-vertex")).toHaveCount(0);
  } finally {
    await deleteAreaNamed(request, headers, name);
  }
});

test("a self-crossing area is refused with the server's reason on the shape", async ({
  page,
  request,
}) => {
  const headers = await adminHeaders(request);
  const name = `蝴蝶片区${Date.now()}`;
  try {
    await login(page, "admin");
    await startNewArea(page, name);
    const sq = await freeSquare(page);
    // A bow-tie: the second and fourth edges cross.
    await clickPoints(page, [
      [sq.x0, sq.y0],
      [sq.x1, sq.y1],
      [sq.x1, sq.y0],
      [sq.x0, sq.y1],
    ]);
    await page.getByTestId("area-save").click();
    const onShape = page.getByTestId("areas-map").getByTestId("area-error");
    await expect(onShape).toBeVisible();
    await expect(onShape).toContainText("Self-intersection");
    // Beside the form too, on the boundary field.
    await expect(page.getByTestId("area-boundary-error")).toContainText("Self-intersection");
    await screenshot(page, "settings-areas-error");
    expect((await listAreas(request, headers)).some((a) => a.name === name)).toBe(false);

    // Changing the shape clears the refusal; without the crossing point it is accepted.
    await page.getByTestId("area-undo").click();
    await expect(onShape).toHaveCount(0);
    await page.getByTestId("area-save").click();
    await expect(page.getByTestId("areas-table")).toContainText(name);
  } finally {
    await deleteAreaNamed(request, headers, name);
  }
});

test("editing a staff profile's capacity saves it; a bad shift is named", async ({
  page,
  request,
}) => {
  const headers = await adminHeaders(request);
  const workerId = demoUserId("worker");
  const res = await request.get(`/v1/staff/${workerId}`, { headers });
  expect(res.ok(), await res.text()).toBeTruthy();
  const original = await res.json();
  const capacity = ((original.capacityBarrels ?? 0) % 20) + 3;
  try {
    await login(page, "admin");
    await page.goto("/settings/staff");
    const row = page.getByTestId(`staff-row-${workerId}`);
    await expect(row).toContainText("王师傅");
    await row.getByTestId("staff-edit").click();
    const form = page.getByTestId("staff-form");
    await expect(page.getByTestId("staff-user-id")).toHaveValue(workerId);

    // A shift ending before it starts: the server's reason under that shift.
    await page.getByTestId("staff-add-shift").click();
    const shift = form.getByTestId("staff-shift-row").last();
    await shift.getByTestId("staff-shift-start").fill("18:00");
    await shift.getByTestId("staff-shift-end").fill("08:00");
    await page.getByTestId("staff-save").click();
    await expect(form.locator(".ant-form-item-explain-error")).toContainText(/班次 \d+ 结束/);
    await shift.getByTestId("staff-shift-remove").click();

    await page.getByTestId("staff-capacity").fill(String(capacity));
    await page.getByTestId("staff-save").click();
    await expect(form).toHaveCount(0);
    await expect(row.getByTestId("staff-capacity-cell")).toHaveText(String(capacity));
    await screenshot(page, "settings-staff");

    const after = await (await request.get(`/v1/staff/${workerId}`, { headers })).json();
    expect(after.capacityBarrels).toBe(capacity);
    expect(after.skills).toEqual(original.skills);
    expect(after.kind).toBe(original.kind);
  } finally {
    const { userId, kind, name, teamId, skills, shifts, homeBase, vehicle, capacityBarrels } =
      original;
    await request.put(`/v1/staff/${workerId}`, {
      headers,
      data: { userId, kind, name, teamId, skills, shifts, homeBase, vehicle, capacityBarrels },
    });
  }
});

test("a team is created, renamed and deleted; dispatch settings save a field", async ({
  page,
  request,
}) => {
  const headers = await adminHeaders(request);
  const name = `测试班组${Date.now()}`;
  const renamed = `${name}改`;
  const settingsRes = await request.get("/v1/dispatch-settings", { headers });
  expect(settingsRes.ok()).toBeTruthy();
  const settings = await settingsRes.json();
  const timeout = settings.acceptTimeoutMinutes === 17 ? 18 : 17;
  try {
    await login(page, "admin");
    await page.goto("/settings/teams");
    const table = page.getByTestId("teams-table");
    await expect(table).toContainText("城东区维修组");
    await expect(table.getByTestId("team-default")).toHaveCount(1);

    await page.getByTestId("team-create").click();
    await page.getByTestId("team-name-input").fill(name);
    await page.getByTestId("team-save").click();
    await expect(table).toContainText(name);

    const row = table.locator("tr", { hasText: name });
    await row.getByTestId("team-edit").click();
    await expect(page.getByTestId("team-name-input")).toHaveValue(name);
    await page.getByTestId("team-name-input").fill(renamed);
    await page.getByTestId("team-save").click();
    await expect(table).toContainText(renamed);

    await table.locator("tr", { hasText: renamed }).getByTestId("team-delete").click();
    await page.getByTestId("team-delete-confirm").click();
    await expect(table).not.toContainText(renamed);

    await page.goto("/settings/dispatch");
    const field = page.getByTestId("dispatch-accept-timeout");
    await expect(field).toHaveValue(String(settings.acceptTimeoutMinutes));
    await expect(page.getByTestId("dispatch-skill-REPAIR").locator("input")).toHaveValue(
      settings.skillByType?.REPAIR ?? "",
    );
    await field.fill(String(timeout));
    await page.getByTestId("dispatch-settings-save").click();
    await expect(page.getByText("派单设置已保存")).toBeVisible();
    await expect(page.getByTestId("dispatch-settings-updated")).toContainText("最后修改");
    await page.reload();
    await expect(page.getByTestId("dispatch-accept-timeout")).toHaveValue(String(timeout));
  } finally {
    const teams = (await (await request.get("/v1/teams", { headers })).json()).teams ?? [];
    for (const team of teams) {
      if (team.name === name || team.name === renamed) {
        await request.delete(`/v1/teams/${team.id}`, { headers });
      }
    }
    await request.put("/v1/dispatch-settings", {
      headers,
      data: {
        autoAssignWorkOrders: settings.autoAssignWorkOrders,
        acceptTimeoutMinutes: settings.acceptTimeoutMinutes,
        skillByType: settings.skillByType,
      },
    });
  }
});
