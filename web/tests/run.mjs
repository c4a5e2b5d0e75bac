// The explorer's browser tests: `node web/tests/run.mjs NAME` runs one (CTest runs each as
// web.NAME), no argument runs all. Each asserts on what the page shows after real runs of the
// WebAssembly build; the CLI (SYNACK_CLI) and tshark are the independent references.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openBrowser, openExplorer, waitForRuns, sourceDir } from "./browser.mjs";

const cli = process.env.SYNACK_CLI || path.join(sourceDir, "build/bin/synack");

// The ladder section of `synack scenario run` output: from the line after "-- TITLE" to the blank
// line before "evidence:".
function cliLadderText(args) {
  let out = "";
  try {
    out = execFileSync(cli, ["scenario", "run", ...args], { encoding: "utf8" });
  } catch (e) {
    out = e.stdout; // A failed claim exits 1 and still prints the ladder.
  }
  const start = out.indexOf("\n-- ");
  const body = out.slice(out.indexOf("\n", start + 1) + 1);
  return body.slice(0, body.indexOf("\nevidence:\n"));
}

async function arrows(page) {
  return page.$$eval('#ladder g[data-kind="arrow"]', (gs) => gs.map((g) => ({
    label: g.getAttribute("aria-label"), sent: Number(g.dataset.t),
    arrival: g.dataset.arrival === undefined ? null : Number(g.dataset.arrival),
  })));
}

const tests = {
  // The page opens from file:// with no console error and fetches nothing.
  async loads(browser) {
    const { page, problems, loadMs } = await openExplorer(browser);
    assert.deepEqual(problems, []);
    const scenarios = await page.$$eval("#catalog button", (bs) => bs.map((b) => b.dataset.scenario));
    assert.ok(scenarios.includes("handshake") && scenarios.includes("why-2msl") && scenarios.length >= 18);
    // Every scenario is introduced by its question, in English and Chinese.
    assert.equal(await page.textContent("#question"), "Why does TCP open a connection with three messages?");
    await page.click("#lang-zh");
    assert.equal(await page.textContent("#question"), "TCP 建立连接为什么要三次握手？");
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    await page.click("#lang-en");
    console.log(`loaded and ran the first scenario in ${loadMs} ms`);
  },

  // handshake: the eleven-state diagram of each side starts at SYN_SENT / LISTEN and reaches
  // ESTABLISHED; the timeline is driven with the keyboard alone.
  async handshake(browser) {
    const { page, problems } = await openExplorer(browser, "handshake");
    for (const side of ["left", "right"]) {
      const states = await page.$$eval(`#diagram-${side} [data-state]`, (gs) => [...new Set(gs.map((g) => g.dataset.state))]);
      assert.equal(states.length, 11, `${side}: ${states}`);
    }
    const current = (side) => page.$$eval(`#diagram-${side} [aria-current=true]`, (gs) => [...new Set(gs.map((g) => g.dataset.state))]);
    await page.focus("#timeline");
    await page.keyboard.press("Home");
    assert.deepEqual(await current("left"), ["SYN_SENT"]);
    assert.deepEqual(await current("right"), ["LISTEN"]);
    await page.keyboard.press("End");
    assert.deepEqual(await current("left"), ["ESTABLISHED"]);
    assert.deepEqual(await current("right"), ["ESTABLISHED"]);
    assert.match(await page.textContent("#right-transition"), /SYN_RECEIVED → ESTABLISHED/);
    assert.equal(await page.getAttribute("#verdict", "data-passed"), "true");
    assert.deepEqual(problems, []);
  },

  // lost-synack: dropping the one SYN-ACK that got through (keyboard: focus it, Enter, Enter)
  // makes the server retransmit once more, 1 s after the previous one, and the ladder text is
  // the CLI's for the same fault.
  async lost_synack(browser) {
    const { page, problems } = await openExplorer(browser, "lost-synack");
    const before = (await arrows(page)).filter((a) => a.label.startsWith("SYN,ACK"));
    const delivered = before.findIndex((a) => a.arrival !== null);
    assert.ok(delivered >= 0);
    const target = page.locator('#ladder g[data-kind="arrow"]').filter({ hasText: "SYN,ACK" }).nth(delivered);
    await target.focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector("#fault-menu:not([hidden])");
    await page.keyboard.press("Enter"); // "Drop it" has the focus
    await waitForRuns(page, 2);
    const command = await page.textContent("#command");
    assert.equal(command, "synack scenario run lost-synack --seed 1 --fault drop:server:3");
    const synacks = (await arrows(page)).filter((a) => a.label.startsWith("SYN,ACK"));
    assert.deepEqual(synacks.map((a) => a.sent), [10000, 1010000, 2010000, 3010000]);
    assert.deepEqual(synacks.map((a) => a.arrival === null), [true, true, true, false]);
    const pageText = await page.textContent("#ladder-text");
    assert.equal(pageText, cliLadderText(command.split(" ").slice(3)));
    assert.match(await page.textContent("#fault-list"), /drop:server:3/);
    assert.deepEqual(problems, []);
  },

  // why-2msl: with the stacks assuming MSL 2 s (the old copy lives 5 s) the verdict flips to
  // FAIL and the page says which check failed.
  async why_2msl(browser) {
    const { page, problems } = await openExplorer(browser, "why-2msl");
    assert.equal(await page.getAttribute("#verdict", "data-passed"), "true");
    await page.click("#knobs-box summary");
    await page.fill("#k-msl", "2s");
    await page.dispatchEvent("#k-msl", "change");
    await waitForRuns(page, 2);
    assert.equal(await page.getAttribute("#verdict", "data-passed"), "false");
    assert.match(await page.textContent("#verdict-title"), /FAIL/);
    assert.match(await page.textContent("#why"),
      /TIME_WAIT 2 MSL: the 4-tuple is reused only after 2 MSL and the new bytes arrive intact.*msl=2s/);
    assert.match(await page.textContent("#command"), /--set msl=2s$/);
    assert.deepEqual(problems, []);
  },

  // The capture written in the browser is a pcap tshark reads: the handshake's three segments.
  async pcap(browser) {
    const { page, problems } = await openExplorer(browser, "handshake");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#pcap")]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "synack-web-")), "run.pcap");
    await download.saveAs(file);
    const fields = execFileSync("tshark", ["-r", file, "-T", "fields", "-e", "tcp.flags", "-e", "_ws.expert"],
      { encoding: "utf8" }).trim().split("\n");
    assert.deepEqual(fields.map((l) => l.split("\t")[0]), ["0x0002", "0x0012", "0x0010"]);
    assert.ok(fields.every((l) => !/malformed/i.test(l)), fields.join("\n"));
    fs.rmSync(path.dirname(file), { recursive: true });
    assert.deepEqual(problems, []);
  },
};

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(tests);
const browser = await openBrowser();
let failed = 0;
try {
  for (const name of names) {
    if (!tests[name]) throw new Error(`no test named ${name}`);
    const started = Date.now();
    try {
      await tests[name](browser);
      console.log(`ok ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      ++failed;
      console.log(`FAIL ${name}: ${e.stack || e}`);
    }
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
