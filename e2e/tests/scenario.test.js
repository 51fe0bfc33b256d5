// The staff and portal scenario in Debian's Chromium: sign in, create an incident with a partial
// date and a location, upload two photos and see their thumbnails and capture times, find the
// incident from the other script, publish it and see it on the portal (while an unpublished one
// stays hidden), switch to Ukrainian. Every main page is checked with axe-core, weighed (under
// 150 KB before images) and photographed.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { BASE, MAX_PAGE_BYTES, SCREENSHOTS, axe, launch, screenshot, weigher } from "../lib/browser.js";
import { photo } from "../lib/photos.js";

const EMAIL = process.env.E2E_EMAIL ?? "admin@demo.invalid";
const PASSWORD = process.env.E2E_PASSWORD ?? "demo-password-2014";
// A fictional place, unique per run so that reruns on one data directory stay unambiguous.
const RUN = String(Date.now() % 100000);
const PLACE_LATIN = "Sonyachnodar";
const PLACE_CYRILLIC = "Сонячнодар";
const TITLE = `Shelling near the ${PLACE_LATIN} market ${RUN}`;
const DRAFT = `Unpublished ${PLACE_LATIN} report ${RUN}`;
const LETTER = `Notification about ${PLACE_LATIN} ${RUN}`;

let browser;
let page;
let weights;
const cspErrors = [];
const weighed = {};

/** Opens `path` fresh, waits for it to settle, and checks its weight. */
async function visit(path, name) {
  weights.reset();
  await page.goto(`${BASE}${path}`, { waitUntil: "networkidle" });
  return check(name);
}

async function check(name) {
  await page.waitForLoadState("networkidle");
  const { bytes, entries } = weights.nonImage();
  weighed[name] = bytes;
  assert.ok(
    bytes < MAX_PAGE_BYTES,
    `${name} weighs ${bytes} bytes before images: ${entries.map((e) => `${e.url} ${e.bytes}`).join(", ")}`,
  );
  await screenshot(page, name);
  return bytes;
}

async function accessible(name) {
  const violations = await axe(page);
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 1)}`);
}

describe("Evidentia in the browser", { concurrency: false }, () => {
  before(async () => {
    browser = await launch();
    const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    weights = await weigher(page);
  });

  after(async () => {
    await browser?.close();
    console.log(`screenshots: ${SCREENSHOTS}`);
    console.log(`page weights before images (bytes): ${JSON.stringify(weighed)}`);
  });

  test("sign in", async () => {
    await visit("/sign-in", "01-sign-in");
    await accessible("sign-in");
    await page.getByLabel("E-mail address").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${BASE}/dashboard`);
    weights.reset();
    await page.reload({ waitUntil: "networkidle" });
    await check("02-dashboard");
    await accessible("dashboard");
    assert.ok(await page.getByRole("heading", { name: "Incidents by status" }).isVisible());
  });

  test("the incident list", async () => {
    await visit("/incidents", "03-incidents");
    await accessible("incident list");
    assert.match(await page.locator(".count").innerText(), /incidents found/);
  });

  test("persons and the staff map", async () => {
    await visit("/persons", "03b-persons");
    await accessible("persons list");
    await page.locator("table.list a").first().click();
    await page.waitForLoadState("networkidle");
    await accessible("person page");
    await visit("/map", "03c-map");
    await page.locator(".leaflet-marker-icon, .marker-cluster").first().waitFor();
    await visit("/timeline", "03d-timeline");
    await accessible("timeline");
  });

  test("the review queue of duplicate persons", async () => {
    await visit("/persons", "03e-persons-with-review-link");
    await page.getByRole("link", { name: "Duplicate persons" }).click();
    await page.waitForURL(`${BASE}/persons/duplicates`);
    await check("03f-duplicates");
    await accessible("duplicates queue");
    const pairs = page.locator("article.pair");
    assert.ok(await pairs.count(), "the demo's near-duplicates are proposed");
    assert.ok(await pairs.first().getByText("Reasons:").isVisible());
    const before = await pairs.count();
    await pairs.first().getByRole("button", { name: "Decide later" }).click();
    await page.waitForURL(`${BASE}/persons/duplicates`);
    assert.equal(await page.locator("article.pair").count(), before, "a deferred pair stays, at the end");
  });

  test("a form shows each error beside its field", async () => {
    await visit("/incidents/new", "04-incident-form");
    await accessible("incident form");
    await page.getByLabel("From (date)").fill("2023-13");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForLoadState("networkidle");
    assert.ok(await page.locator("#title-error").isVisible(), "the title is required");
    assert.match(await page.locator("#occurred-from-error").innerText(), /month/);
    await screenshot(page, "05-incident-form-errors");
    await accessible("incident form with errors");
  });

  test("create an incident with a partial date and a location", async () => {
    await visit("/incidents/new", "06-incident-new");
    await page.getByLabel("Title").fill(TITLE);
    await page.getByLabel("Description").fill("Fictional test incident: a market hit at midday.");
    await page.getByLabel("From (date)").fill("2023-05");
    await page.getByLabel("Place", { exact: true }).fill(PLACE_LATIN);
    await page.getByLabel("Country code").fill("XQ");
    await page.getByLabel("Latitude").fill("47.05");
    await page.getByLabel("Longitude").fill("-32.55");
    await page.getByLabel("Attack on civilians").check();
    await page.getByLabel("Classification").selectOption("public");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    await page.waitForLoadState("networkidle");
    assert.equal(await page.locator("h1").innerText(), TITLE);
    assert.match(await page.locator(".details").innerText(), /May 2023/);
    assert.ok(await page.locator("#map .leaflet-marker-icon").count(), "the location is on a map");
  });

  test("upload two photos and see their thumbnails and capture times", async () => {
    const files = [
      { name: "market-1.jpg", mimeType: "image/jpeg", buffer: await photo(page, "#2f6690", "2023:05:14 09:30:00") },
      { name: "market-2.jpg", mimeType: "image/jpeg", buffer: await photo(page, "#9b2226", "2023:05:15 16:45:10") },
    ];
    const reloaded = page.waitForEvent("load");
    await page.locator("#files").setInputFiles(files);
    await reloaded;
    await page.waitForLoadState("networkidle");
    const thumbs = page.locator(".gallery img");
    assert.equal(await thumbs.count(), 2);
    for (const img of await thumbs.all()) {
      assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), "the thumbnail loads");
    }
    const captured = await page.locator(".gallery .captured").allInnerTexts();
    assert.ok(captured.some((t) => t.includes("14 May 2023, 09:30")), captured.join(" | "));
    assert.ok(captured.some((t) => t.includes("15 May 2023, 16:45")), captured.join(" | "));
    weights.reset();
    await page.reload({ waitUntil: "networkidle" });
    await check("07-incident");
    await accessible("incident page");
  });

  test("find the incident by a search in the other script", async () => {
    await visit(`/incidents?q=${encodeURIComponent(PLACE_CYRILLIC)}`, "08-search-cyrillic");
    assert.ok(await page.getByRole("link", { name: TITLE }).isVisible());
  });

  test("write to a recipient about the incident, send the letter and record the reply", async () => {
    await visit(`/incidents?q=${encodeURIComponent(PLACE_LATIN + " " + RUN)}&sort=-created`, "08b-search");
    await page.getByRole("link", { name: TITLE }).click();
    await page.waitForLoadState("networkidle");
    await page.getByRole("link", { name: "Write to a recipient about it" }).click();
    await page.waitForURL(/\/communications\/new\?incident_id=/);
    await check("08c-communication-form");
    await accessible("communication form");
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.waitForLoadState("networkidle");
    assert.ok(await page.locator("#subject-error").isVisible(), "the subject is required");
    await accessible("communication form with errors");
    await page.getByLabel("Recipient", { exact: true }).selectOption({ index: 1 });
    await page.getByLabel("Subject", { exact: true }).fill(LETTER);
    await page.getByLabel("Text of the letter").fill("We ask you to look into the facts below.");
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.waitForURL(/\/communications\/[0-9a-f-]{36}$/);
    await check("08d-communication-draft");
    await accessible("communication draft");
    assert.equal(await page.locator("h1").innerText(), LETTER);
    assert.match(await page.locator(".details").innerText(), new RegExp(RUN));
    await page.getByRole("button", { name: "Mark as sent and freeze the letter" }).click();
    await page.waitForLoadState("networkidle");
    assert.ok(await page.getByRole("link", { name: "The letter as sent" }).isVisible());
    await page.getByLabel("Summary").fill("Registered; a reply will follow");
    await page.getByRole("button", { name: "Record the response" }).click();
    await page.waitForLoadState("networkidle");
    assert.ok(await page.locator("#received-at-error").isVisible(), "the date of receipt is required");
    await page.getByLabel("Received on").fill(new Date().toISOString().slice(0, 10));
    await page.getByRole("button", { name: "Record the response" }).click();
    await page.waitForURL(/\/communications\/[0-9a-f-]{36}#responses$/);
    await page.waitForLoadState("networkidle");
    assert.ok(await page.locator("#responses").getByRole("cell", { name: "Registered; a reply will follow" }).isVisible());
    assert.match(await page.locator(".details").innerText(), /Acknowledged/);
    await accessible("communication with a response");
    await visit("/communications", "08e-communications");
    await accessible("communications");
    assert.ok(await page.getByRole("link", { name: LETTER }).isVisible());
  });

  test("publish it; an unpublished one stays off the portal", async () => {
    await visit("/incidents/new", "09-draft-new");
    await page.getByLabel("Title").fill(DRAFT);
    await page.getByLabel("From (date)").fill("2023-06");
    await page.getByLabel("Classification").selectOption("public");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);

    await visit(`/incidents?q=${encodeURIComponent(PLACE_LATIN + " " + RUN)}&sort=-created`, "10-search");
    await page.getByRole("link", { name: TITLE }).click();
    await page.getByRole("button", { name: "Publish on the portal" }).click();
    await page.waitForLoadState("networkidle");
    assert.ok(await page.getByRole("button", { name: "Withdraw from the portal" }).isVisible());

    // The portal is what the public sees: sign out first.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${BASE}/portal`);
    await visit(`/portal?q=${encodeURIComponent(PLACE_LATIN)}`, "11-portal");
    await accessible("portal");
    assert.ok(await page.getByRole("link", { name: TITLE }).isVisible());
    assert.equal(await page.getByText(DRAFT).count(), 0, "the unpublished incident stays hidden");
    await visit(`/portal?q=${encodeURIComponent(PLACE_CYRILLIC)}`, "12-portal-cyrillic");
    assert.ok(await page.getByRole("link", { name: TITLE }).isVisible());
    await page.getByRole("link", { name: TITLE }).click();
    await page.waitForLoadState("networkidle");
    weights.reset();
    await page.reload({ waitUntil: "networkidle" });
    await check("13-portal-incident");
    await accessible("portal incident page");
    assert.equal(await page.locator(".gallery").count(), 0);
  });

  test("the portal map and timeline", async () => {
    await visit(`/portal/map?q=${encodeURIComponent(`${PLACE_LATIN} ${RUN}`)}`, "14-portal-map");
    await page.locator(".leaflet-marker-icon").first().waitFor();
    assert.match(await page.locator("#map-count").innerText(), /1 incidents on the map/);
    await visit("/portal/timeline", "15-portal-timeline");
    assert.ok(await page.locator("svg rect.bar").count());
  });

  test("a relative looks up a name on the portal", async () => {
    await visit("/portal/lookup", "15b-portal-lookup");
    await accessible("portal lookup");
    await page.getByLabel("Name").fill("Oleksandr");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/\/portal\/lookup\?name=Oleksandr/);
    await check("15c-portal-lookup-results");
    await accessible("portal lookup results");
    assert.ok(await page.locator("p.note").isVisible());
  });

  test("switch to Ukrainian", async () => {
    await visit("/portal", "16-portal-en");
    await page.getByRole("link", { name: "Українська" }).click();
    await page.waitForLoadState("networkidle");
    assert.equal(await page.locator("html").getAttribute("lang"), "uk");
    assert.equal(await page.locator("h1").innerText(), "Оприлюднені інциденти");
    await screenshot(page, "17-portal-uk");
    await accessible("portal in Ukrainian");
  });

  test("no page broke its Content-Security-Policy", () => {
    assert.deepEqual(cspErrors, []);
  });
});
