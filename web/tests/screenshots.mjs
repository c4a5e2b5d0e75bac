// Takes the README's three pictures of the explorer (docs/explorer-*.png) from the built page:
// the handshake reaching ESTABLISHED, lost-synack with the delivered SYN-ACK dropped by a click,
// and why-2msl in Chinese with a short MSL that flips the verdict.
import path from "node:path";
import { openBrowser, openExplorer, waitForRuns, sourceDir } from "./browser.mjs";

const docs = path.join(sourceDir, "docs");
const viewport = { width: 1366, height: 1000 };
const browser = await openBrowser();
try {
  {
    const { page } = await openExplorer(browser, "handshake", viewport);
    await page.focus("#timeline");
    await page.keyboard.press("End");
    await page.screenshot({ path: path.join(docs, "explorer-handshake.png") });
  }
  {
    const { page } = await openExplorer(browser, "lost-synack", viewport);
    const synacks = page.locator('#ladder g[data-kind="arrow"]').filter({ hasText: "SYN,ACK" });
    await synacks.nth(2).click();
    await page.click('#fault-menu button[data-action="drop"]');
    await waitForRuns(page, 2);
    await page.locator('#ladder g[data-kind="arrow"]').filter({ hasText: "SYN,ACK" }).nth(3).hover();
    await page.evaluate(() => document.querySelector(".player").scrollIntoView());
    await page.screenshot({ path: path.join(docs, "explorer-lost-synack.png") });
  }
  {
    const { page } = await openExplorer(browser, "why-2msl", viewport);
    await page.click("#lang-zh");
    await page.click("#knobs-box summary");
    await page.fill("#k-msl", "2s");
    await page.dispatchEvent("#k-msl", "change");
    await waitForRuns(page, 2);
    await page.screenshot({ path: path.join(docs, "explorer-why-2msl-zh.png") });
  }
} finally {
  await browser.close();
}
console.log("screenshots written to docs/explorer-*.png");
