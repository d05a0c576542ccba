#!/usr/bin/env node
// Self-test of the browser harness: Debian's Chromium driven by playwright-core
// loads a page, a button is clicked, the page reacts, and a screenshot is saved.
//
//   node e2e/smoke.mjs SCREENSHOT.png
//
// Prints one JSON line with what it saw; exits 1 if the page did not react,
// 2 on a usage error.

import { launch, launchBrowser } from './browser.mjs';

const out = process.argv[2];
if (!out || process.argv.length > 3) {
  process.stderr.write('usage: node e2e/smoke.mjs SCREENSHOT.png\n');
  process.exit(2);
}

const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lekradar harness smoke test</title>
<style>
  body { font-family: "DejaVu Sans", sans-serif; margin: 40px; background: #f6f7f9; color: #1d2430; }
  h1 { font-size: 28px; }
  button { font-size: 20px; padding: 10px 24px; border-radius: 6px; border: 1px solid #345; background: #2b6cb0; color: white; }
  #status { margin-top: 24px; font-size: 22px; }
  #status.done { color: #1f7a3a; font-weight: bold; }
</style></head>
<body>
  <h1>Lekradar e2e harness</h1>
  <p>Chromium + playwright-core self-test: äöü € ✓</p>
  <button id="check" type="button">Check</button>
  <p id="status">not clicked</p>
  <script>
    document.getElementById('check').addEventListener('click', () => {
      const s = document.getElementById('status');
      s.textContent = 'clicked: ' + navigator.userAgent.includes('Chrome');
      s.className = 'done';
    });
  </script>
</body></html>`;

const url = `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;

const { page, close, userDataDir } = await launch();
let result;
try {
  await page.goto(url);
  const before = await page.textContent('#status');
  await page.getByRole('button', { name: 'Check' }).click();
  await page.locator('#status.done').waitFor({ timeout: 5000 });
  const after = await page.textContent('#status');
  await page.screenshot({ path: out, fullPage: true });
  const version = page.context().browser()?.version() ?? null;
  result = { title: await page.title(), before, after, screenshot: out, userDataDir, version };
} finally {
  await close();
}

// The Browser flavour too, with a context of its own.
const { browser, close: closeBrowser } = await launchBrowser();
try {
  const context = await browser.newContext();
  const p = await context.newPage();
  await p.goto(url);
  await p.click('#check');
  result.browserVersion = browser.version();
  result.isolatedContextAfter = await p.textContent('#status');
} finally {
  await closeBrowser();
}

process.stdout.write(`${JSON.stringify(result)}\n`);
const ok = result.before === 'not clicked' && result.after === 'clicked: true' &&
  result.isolatedContextAfter === 'clicked: true';
process.exit(ok ? 0 : 1);
