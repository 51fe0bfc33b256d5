// Debian's Chromium driven by playwright-core (never a downloaded browser), axe-core checks, page
// weights and screenshots.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);

export const BASE = process.env.EVIDENTIA_URL ?? "http://127.0.0.1:8080";
export const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? path.resolve("../target/e2e-screenshots");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** Most bytes a page may transfer before images (HTML, styles, scripts, data). */
export const MAX_PAGE_BYTES = 150 * 1024;

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Counts the bytes each response moved over the wire (headers and encoded body), by resource
 * type, from the DevTools protocol. `reset()` starts a new page. */
export async function weigher(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  // Every page is weighed as on a first visit.
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const types = new Map();
  let entries = [];
  cdp.on("Network.responseReceived", (e) => types.set(e.requestId, { type: e.type, url: e.response.url }));
  cdp.on("Network.loadingFinished", (e) => {
    const r = types.get(e.requestId);
    if (r) entries.push({ ...r, bytes: e.encodedDataLength });
  });
  return {
    reset() {
      entries = [];
    },
    /** Bytes of everything but images, and the list for messages. */
    nonImage() {
      const kept = entries.filter((e) => e.type !== "Image" && !e.url.startsWith("data:"));
      return { bytes: kept.reduce((n, e) => n + e.bytes, 0), entries: kept };
    },
  };
}

/** The axe-core violations of the page as it is now. */
export async function axe(page) {
  // Evaluated through DevTools rather than added as a <script>: the pages' policy allows no
  // inline script, and the test must not weaken it.
  await page.evaluate(readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
  });
  return result;
}

export async function screenshot(page, name) {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
