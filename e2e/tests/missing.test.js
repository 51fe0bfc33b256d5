// The search for the missing in Debian's Chromium: a relative reports a missing person on the
// portal; staff of the receiving commission accept the report on the case's page, open a
// candidate among the remains, compare it with the case field by field and identify it; the case
// then shows as identified. The case form and the grave sites are visited too. Every new page is
// checked with axe-core and photographed.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { BASE, axe, launch, screenshot } from "../lib/browser.js";

// The demo commission's investigator: the commission receives the portal's reports and owns the
// remains.
const EMAIL = process.env.E2E_COMMISSION_EMAIL ?? "investigator.org3@demo.invalid";
const PASSWORD = process.env.E2E_PASSWORD ?? "demo-password-2014";
// A fictional name, unique per run so that reruns on one data directory stay unambiguous.
const RUN = String(Date.now() % 100000);
const GIVEN = "Yaryna";
const FAMILY = `Testovska${RUN}`;

let browser;
let page;
const cspErrors = [];

async function accessible(name) {
  const violations = await axe(page);
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 1)}`);
}

async function visit(path) {
  await page.goto(`${BASE}${path}`, { waitUntil: "networkidle" });
}

describe("The search for the missing in the browser", { concurrency: false }, () => {
  before(async () => {
    browser = await launch();
    const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
  });

  after(async () => {
    await browser?.close();
  });

  test("a relative reports a missing person on the portal", async () => {
    await visit("/portal/report-missing");
    await accessible("report form");
    await page.getByLabel("Given name").fill(GIVEN);
    await page.getByLabel("Family name").fill(FAMILY);
    await page.getByLabel("Last seen on").fill("2024-04");
    await page.getByLabel("What happened").fill("Went to fetch water and did not come back (fictional).");
    await page.getByLabel("Clothing when last seen").fill("red sweater");
    await page.getByLabel("Your name").fill("Daryna");
    await page.getByRole("button", { name: "Send the report" }).click();
    await page.waitForURL(`${BASE}/portal/report-missing?sent=1`);
    assert.ok(await page.locator("#report-sent").isVisible());
  });

  test("staff of the commission accept the report", async () => {
    await visit("/sign-in");
    await page.getByLabel("E-mail address").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${BASE}/dashboard`);
    await visit("/missing-cases?moderation=pending");
    await accessible("missing-person cases");
    await page.getByRole("link", { name: `${GIVEN} ${FAMILY}` }).click();
    await page.waitForLoadState("networkidle");
    await screenshot(page, "m1-case-pending");
    await accessible("a pending case");
    assert.match(await page.locator(".details").innerText(), /Awaiting moderation/);
    await page.getByRole("button", { name: "Accept the report" }).click();
    await page.waitForLoadState("networkidle");
    assert.match(await page.locator(".details").innerText(), /Accepted/);
    assert.equal(await page.getByRole("button", { name: "Accept the report" }).count(), 0);
  });

  test("a candidate among the remains is compared and identified", async () => {
    const candidate = page.locator('#candidates a[href^="/remains/"]').first();
    await candidate.click();
    await page.waitForURL(/\/remains\/[0-9a-f-]{36}\?case=/);
    await page.waitForLoadState("networkidle");
    await screenshot(page, "m2-remains-compared");
    await accessible("remains compared with a case");
    const particulars = await page.locator("#particulars").innerText();
    assert.match(particulars, /red sweater/, "the case's clothing beside the remains'");
    // An error is shown beside its field first.
    await page.getByLabel("Method of identification").selectOption("dna");
    await page.getByLabel("Confirmed on").fill("2024-13");
    await page.getByRole("button", { name: "Identify", exact: true }).click();
    await page.waitForLoadState("networkidle");
    assert.ok(await page.locator("#confirmed-by-error").isVisible(), "who confirmed it is required");
    assert.ok(await page.locator("#confirmed-at-error").isVisible());
    await accessible("identification form with errors");
    await page.getByLabel("Confirmed by").fill("Forensic laboratory (demo)");
    await page.getByLabel("Confirmed on").fill("2024-06");
    await page.getByRole("button", { name: "Identify", exact: true }).click();
    await page.waitForLoadState("networkidle");
    assert.ok(await page.getByRole("button", { name: "Withdraw the identification" }).isVisible());
    assert.ok(await page.getByRole("link", { name: `${GIVEN} ${FAMILY}` }).first().isVisible());
    await screenshot(page, "m3-remains-identified");
    await accessible("identified remains");
  });

  test("the case shows as identified", async () => {
    await page.locator(".crumbs a", { hasText: "Missing-person case" }).click();
    await page.waitForLoadState("networkidle");
    assert.match(await page.locator(".details").innerText(), /Identified/);
    await screenshot(page, "m4-case-identified");
    await visit("/remains");
    await accessible("remains list");
  });

  test("case forms, grave sites and their recovery logs", async () => {
    await visit("/missing-cases/new");
    await accessible("new case form");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForLoadState("networkidle");
    assert.ok(await page.locator("#person-id-error").isVisible(), "the person is required");
    await accessible("case form with errors");
    await visit("/grave-sites");
    await accessible("grave sites");
    await page.locator("#grave-sites a").first().click();
    await page.waitForLoadState("networkidle");
    await screenshot(page, "m5-grave-site");
    await accessible("grave site");
  });

  test("no page broke its Content-Security-Policy", () => {
    assert.deepEqual(cspErrors, []);
  });
});
