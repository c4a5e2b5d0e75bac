// Opens the explorer page from file:// in Debian's chromium (headless), driven by playwright-core
// with executablePath set: no browser download, no network. Shared by the tests and the
// screenshot script.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import url from "node:url";

export const sourceDir = path.resolve(path.dirname(url.fileURLToPath(import.meta.url)), "../..");

export function pagePath() {
  const candidates = [process.env.SYNACK_WEB_PAGE, path.join(sourceDir, "build/web/index.html")];
  for (const p of candidates) if (p && fs.existsSync(p)) return path.resolve(p);
  throw new Error("no explorer page: run `make web` (or set SYNACK_WEB_PAGE)");
}

export async function openBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    // Root in CI containers cannot use chromium's sandbox.
    args: process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : [],
  });
}

// A page at `hash` (a scenario name), with every console error, page error and request
// outside file:, data: and blob: recorded in `problems`.
export async function openExplorer(browser, hash = "", viewport = { width: 1366, height: 900 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("request", (r) => {
    if (!/^(file|data|blob):/.test(r.url())) problems.push("network request: " + r.url());
  });
  const started = Date.now();
  await page.goto(url.pathToFileURL(pagePath()).href + (hash ? "#" + hash : ""));
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  await waitForRuns(page, 1);
  return { page, problems, loadMs: Date.now() - started };
}

// Waits until the page has finished `n` runs since it was opened.
export async function waitForRuns(page, n, timeout = 120000) {
  await page.waitForFunction((k) => Number(document.body.dataset.runs || 0) >= k, n, { timeout });
}
