// SPDX-License-Identifier: Apache-2.0
// Drives the falcosidekick web UI in headless Chromium (playwright-core)
// and prints PASS:/FAIL: lines.  Usage: node webui_browser.js URL CHROMIUM
"use strict";

const { chromium } = require("playwright-core");
const [url, exe] = process.argv.slice(2);
let fails = 0;

function check(name, ok, detail) {
  if (ok) console.log("PASS: " + name);
  else { fails++; console.log("FAIL: " + name + (detail ? ": " + detail : "")); }
}

(async () => {
  // Everything but 127.0.0.1 goes to a dead proxy and resolves nowhere:
  // the browser must not reach beyond the loopback address.
  const browser = await chromium.launch({
    executablePath: exe,
    args: ["--no-sandbox", "--proxy-server=127.0.0.1:9",
      "--proxy-bypass-list=127.0.0.1",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", e => errors.push(String(e)));
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(
      () => document.querySelectorAll("#events tr").length === 5,
      null, { timeout: 10000 }).catch(() => {});
    check("browser_lists_events",
      await page.locator("#events tr").count() === 5);
    check("browser_total", (await page.textContent("#total")) === "5 events");
    const bars = await page.locator("#by-priority li").allTextContents();
    check("browser_priority_counts", bars.includes("Critical2") &&
      bars.includes("Warning2") && bars.includes("Notice1"), bars.join("|"));
    await page.selectOption("#f-minpriority", "Critical");
    await page.click("#filters button[type=submit]");
    await page.waitForFunction(
      () => document.querySelectorAll("#events tr").length === 2,
      null, { timeout: 5000 }).catch(() => {});
    check("browser_filter_priority",
      await page.locator("#events tr").count() === 2);
    await page.locator("#events tr").first().click();
    await page.waitForSelector("#detail:not([hidden])", { timeout: 5000 })
      .catch(() => {});
    check("browser_detail_shown", await page.isVisible("#detail"));
    const fields = await page.textContent("#d-fields");
    check("browser_detail_fields", fields.includes("fd.name") &&
      fields.includes("/etc/shadow"), fields);
    await page.click("#reset");
    await page.locator("#by-rule li", { hasText: "rule 0" }).click();
    await page.waitForFunction(
      () => document.querySelectorAll("#events tr").length === 2,
      null, { timeout: 5000 }).catch(() => {});
    check("browser_filter_by_rule_click",
      (await page.inputValue("#f-rule")) === "rule 0" &&
      await page.locator("#events tr").count() === 2);
    check("browser_no_script_errors", errors.length === 0, errors.join("; "));
  } finally {
    await browser.close();
  }
  process.exit(fails ? 1 : 0);
})().catch(e => { console.log("FAIL: browser_run: " + e); process.exit(1); });
