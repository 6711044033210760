// Drives a real VS Code (code-server, in Debian's Chromium, headless) the way a user would, for
// tests/editors/test_vscode_real.py, and writes what it saw as JSON.
//
//   node vscode_driver.mjs CONFIG.json
//
// CONFIG: url (code-server with the workspace folder), file (its name), playwright (the
// playwright-core package folder), chromium, screenshots (folder), results (file), timeout_ms
// (longest wait of one step), and what to wait for: problems (a substring of each expected
// Problems entry), status (a regular expression the status bar item's text matches once the
// model answered),
// hover {line, column, expect}, explain and explain_closed {line, column, expect: text of the
// streamed explanation}, suggest_test {line, column, expect: text of the test},
// quick_fix {line, column, title, expect}, fix_all_expect.
// Every step waits on what the page shows, with a deadline; none sleeps. A screenshot is taken
// after each step and when one fails; the test keeps them when it fails.

import { createRequire } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { chromium } = createRequire(import.meta.url)(config.playwright);
const timeout = config.timeout_ms;
const results = { steps: [] };
mkdirSync(config.screenshots, { recursive: true });

let page;
let shot = 0;

async function screenshot(name) {
  shot += 1;
  const file = join(config.screenshots, `${String(shot).padStart(2, "0")}-${name.replaceAll(" ", "-")}.png`);
  await page.screenshot({ path: file }).catch(() => undefined);
}

/** Run one step; what it returns is recorded under its name. */
async function step(name, body) {
  const seen = await body();
  results.steps.push({ step: name, ...seen });
  await screenshot(name);
}

/** The text of the editor's lines as shown (Monaco draws spaces as no-break spaces). */
function editorText() {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll(".monaco-editor .view-lines .view-line")];
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return lines.map((line) => line.textContent.replaceAll("\u00a0", " ")).join("\n");
  });
}

async function waitForEditorText(expect) {
  await page.waitForFunction(
    (text) =>
      [...document.querySelectorAll(".monaco-editor .view-lines .view-line")]
        .map((line) => line.textContent.replaceAll("\u00a0", " "))
        .join("\n")
        .includes(text),
    expect,
    { timeout },
  );
  return editorText();
}

/** Put the cursor at a 1-based line and column with "Go to Line/Column". */
async function goTo(line, column) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout });
  await page.waitForFunction(
    ([l, c]) => {
      const item = document.querySelector("#status\\.editor\\.selection");
      return item !== null && item.textContent.includes(`Ln ${l}, Col ${c}`);
    },
    [line, column],
    { timeout },
  );
}

/** Choose a code action at a 1-based line and column by its title, with the keyboard. */
async function codeAction(line, column, title) {
  await goTo(line, column);
  await page.keyboard.press("Control+.");
  const menu = page.locator(".action-widget");
  const wanted = menu.locator(".monaco-list-row.action", { hasText: title }).first();
  await wanted.waitFor({ state: "visible", timeout });
  const actions = await menu.locator(".monaco-list-row.action").evaluateAll((rows) =>
    rows.map((row) => row.getAttribute("aria-label") ?? ""),
  );
  // by keyboard, as the menu blocks the pointer for a moment after it opens
  for (let i = 0; i < actions.length && !(await wanted.evaluate((row) => row.classList.contains("focused"))); i++) {
    await page.keyboard.press("ArrowDown");
  }
  await page.keyboard.press("Enter");
  await menu.waitFor({ state: "hidden", timeout });
  return actions;
}

/** The text of the Markdown preview (a webview: an iframe holding the active frame) once it
 * shows ``expect``. */
async function previewText(expect) {
  const body = page.frameLocator("iframe.webview.ready").frameLocator("#active-frame").locator("body");
  await body.filter({ hasText: expect }).waitFor({ timeout });
  return body.innerText();
}

/** Click the tab of the file under test: the editor has the focus again. */
async function backToFile() {
  await page.locator(`.tab[aria-label^="${config.file}"]`).first().click();
  await page.locator(".monaco-editor .view-lines").first().click();
}

/** Run a command from the command palette by its title. */
async function runCommand(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible", timeout });
  await row.click();
  await input.waitFor({ state: "hidden", timeout });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: config.chromium,
    headless: true,
    // and nothing that reaches out: the network is closed here
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(timeout);
    await page.goto(config.url);

    await step("workbench", async () => {
      await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout });
      await page.locator(".explorer-folders-view").waitFor({ state: "visible", timeout });
      return {};
    });

    await step("open file", async () => {
      await page.keyboard.press("Control+P");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor({ state: "visible", timeout });
      await input.fill(config.file);
      await page.locator(".quick-input-list .monaco-list-row", { hasText: config.file }).first().waitFor({ timeout });
      await page.keyboard.press("Enter");
      await page.locator(`.tab[aria-label^="${config.file}"]`).waitFor({ timeout });
      await page.locator(".monaco-editor .view-lines").first().waitFor({ timeout });
      return { text: await editorText() };
    });

    await step("problems", async () => {
      await runCommand("Problems: Focus on Problems View");
      const expected = config.problems;
      await page.waitForFunction(
        (wanted) => {
          const rows = [...document.querySelectorAll(".markers-panel .monaco-list-row")].map(
            (row) => row.getAttribute("aria-label") ?? "",
          );
          return wanted.every((text) => rows.some((row) => row.includes(text)));
        },
        expected,
        { timeout },
      );
      const rows = await page.locator(".markers-panel .monaco-list-row").evaluateAll((all) =>
        all.map((row) => row.getAttribute("aria-label") ?? ""),
      );
      const squiggles = {
        error: await page.locator(".monaco-editor .squiggly-error").count(),
        warning: await page.locator(".monaco-editor .squiggly-warning").count(),
      };
      return { rows, squiggles };
    });

    await step("status", async () => {
      const item = page.locator(".statusbar-item", { hasText: "peer" }).first();
      await page.waitForFunction(
        (pattern) =>
          [...document.querySelectorAll(".statusbar-item")].some((node) =>
            new RegExp(`^(?:${pattern})$`).test(node.textContent.trim()),
          ),
        config.status,
        { timeout },
      );
      return { text: (await item.textContent()).trim(), label: await item.getAttribute("aria-label") };
    });

    await step("hover", async () => {
      await page.locator(".monaco-editor .view-lines").first().click();
      await goTo(config.hover.line, config.hover.column);
      await page.keyboard.press("Control+K");
      await page.keyboard.press("Control+I");
      const hover = page.locator(".monaco-hover", { hasText: config.hover.expect }).first();
      await hover.waitFor({ state: "visible", timeout });
      const text = await hover.innerText();
      await page.keyboard.press("Escape");
      await hover.waitFor({ state: "hidden", timeout });
      return { text };
    });

    await step("explain", async () => {
      const { line, column, expect } = config.explain;
      const actions = await codeAction(line, column, "Explain this finding");
      const text = await previewText(expect);
      await page.keyboard.press("Control+W"); // the preview has the focus: it closes
      await page.locator(".tab", { hasText: "Preview" }).waitFor({ state: "detached", timeout });
      await backToFile();
      return { actions, text };
    });

    await step("explain closed while streaming", async () => {
      const { line, column, expect } = config.explain_closed;
      await codeAction(line, column, "Explain this finding");
      const text = await previewText(expect); // the answer's first piece, its rest held back
      await page.keyboard.press("Control+W");
      await page.locator(".tab", { hasText: "Preview" }).waitFor({ state: "detached", timeout });
      await backToFile();
      return { text };
    });

    await step("suggest a test", async () => {
      const { line, column, expect } = config.suggest_test;
      await codeAction(line, column, "Suggest a test for this finding");
      await page.locator(".tab.active", { hasText: "Untitled" }).waitFor({ timeout });
      const text = await waitForEditorText(expect); // a new unsaved buffer, filled by the stream
      await page.keyboard.press("Control+W");
      const dontSave = page.locator(".monaco-dialog-box .monaco-button", { hasText: "Don't Save" });
      await dontSave.click();
      await page.locator(".tab", { hasText: "Untitled" }).waitFor({ state: "detached", timeout });
      await backToFile();
      return { text };
    });

    await step("quick fix", async () => {
      await goTo(config.quick_fix.line, config.quick_fix.column);
      await page.keyboard.press("Control+.");
      const menu = page.locator(".action-widget");
      const wanted = menu.locator(".monaco-list-row.action", { hasText: config.quick_fix.title }).first();
      await wanted.waitFor({ state: "visible", timeout });
      const actions = await menu.locator(".monaco-list-row.action").evaluateAll((rows) =>
        rows.map((row) => row.getAttribute("aria-label") ?? ""),
      );
      // by keyboard, as the menu blocks the pointer for a moment after it opens
      for (let i = 0; i < actions.length && !(await wanted.evaluate((row) => row.classList.contains("focused"))); i++) {
        await page.keyboard.press("ArrowDown");
      }
      await page.keyboard.press("Enter");
      await menu.waitFor({ state: "hidden", timeout });
      return { actions, text: await waitForEditorText(config.quick_fix.expect) };
    });

    await step("fix all", async () => {
      await runCommand("peer: Fix All (High Confidence)");
      for (const expect of config.fix_all_expect) {
        await waitForEditorText(expect);
      }
      return { text: await editorText() };
    });

    await step("save", async () => {
      await page.keyboard.press("Control+S");
      await page.locator(`.tab[aria-label^="${config.file}"]`).first().waitFor({ timeout });
      await page.waitForFunction(() => document.querySelector(".tab.active.dirty") === null, null, { timeout });
      return {};
    });
  } catch (error) {
    results.failure = String(error.stack ?? error);
    await screenshot("failure");
  } finally {
    await browser.close();
    writeFileSync(config.results, JSON.stringify(results, null, 2));
  }
}

await main();
