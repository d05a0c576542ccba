// Starts Debian's Chromium (/usr/bin/chromium, installed by scripts/test-deps-e2e.sh)
// headless through playwright-core, for the end-to-end page tests.
//
//   import { launch } from './browser.mjs';
//   const { context, page, close } = await launch();
//   await page.goto('http://127.0.0.1:PORT/');
//   ...
//   await close();
//
// launch() gives one persistent context on a fresh temporary user-data dir
// (removed again by close()); launchBrowser() gives a Browser for tests that
// want several isolated contexts (browser.newContext()).
// Nothing is downloaded: playwright-core drives the system Chromium only.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.LEKRADAR_CHROMIUM || '/usr/bin/chromium';

// Playwright adds --headless itself for headless: true; listing it again is harmless.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LAUNCH_TIMEOUT_MS = 30000;

/**
 * Starts Chromium with a persistent context on a new temporary user-data dir.
 * @param {object} [options] extra options for chromium.launchPersistentContext
 *   (viewport, locale, ...); executablePath, headless and args are fixed.
 * @returns {Promise<{context: import('playwright-core').BrowserContext,
 *   page: import('playwright-core').Page, userDataDir: string,
 *   close: () => Promise<void>}>}
 */
export async function launch(options = {}) {
  const userDataDir = await mkdtemp(join(tmpdir(), 'lekradar-e2e-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      viewport: { width: 1280, height: 800 },
      timeout: LAUNCH_TIMEOUT_MS,
      ...options,
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (e) {
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
  // A persistent context opens with one blank page.
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  async function close() {
    if (closed) return;
    closed = true;
    try {
      await context.close();
    } finally {
      await rm(userDataDir, { recursive: true, force: true });
    }
  }
  return { context, page, userDataDir, close };
}

/**
 * Starts Chromium as a Browser (Playwright gives it its own temporary profile,
 * removed on close) for tests that need several isolated contexts.
 * @returns {Promise<{browser: import('playwright-core').Browser, close: () => Promise<void>}>}
 */
export async function launchBrowser(options = {}) {
  const browser = await chromium.launch({
    timeout: LAUNCH_TIMEOUT_MS,
    ...options,
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return { browser, close: () => browser.close() };
}
