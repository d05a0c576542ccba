#!/usr/bin/env node
// The alerts pages in headless Chromium (e2e/browser.mjs), as a person uses
// them, in Dutch, French and English: ask for alerts, open the link from the
// mail (read from the SMTP server's Maildir) and confirm, see the first
// report arrive, unsubscribe from the link in it, opt out of public search;
// and on an owner-only server, check a breached and a clean address and see
// the same page for both. Screenshots are kept.
//
//   node e2e/alerts.mjs CONFIG.json
//
// CONFIG.json: {"baseUrl": ..., "ownerBaseUrl": ..., "publicUrl": "https://lekradar.test",
//   "maildir": DIR, "screenshots": DIR, "accounts": {"nl": ..., "fr": ..., "en": ...},
//   "optOut": {"nl": ..., ...}, "ownerBreached": ..., "ownerClean": ...}
//
// Prints one line per step; exits 1 naming every failed expectation.

import { readFileSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './browser.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
mkdirSync(config.screenshots, { recursive: true });

const TEXT = {
  nl: { sent: 'Kijk in je mailbox', on: 'Je meldingen staan aan', off: 'Geen meldingen meer',
        hidden: 'Verborgen voor openbaar zoeken', ownerSent: null },
  fr: { sent: 'Regardez votre boîte mail', on: 'Vos alertes sont activées', off: "Plus d'alertes",
        hidden: 'Masqué de la recherche publique' },
  en: { sent: 'Look in your mailbox', on: 'Your alerts are on', off: 'No more alerts',
        hidden: 'Hidden from public search' },
};

const failures = [];
function expect(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

// Quoted-printable soft breaks and escapes undone, enough to find links.
function decode(raw) {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

function mails() {
  const out = [];
  for (const sub of ['new', 'cur']) {
    const dir = join(config.maildir, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) out.push(decode(readFileSync(join(dir, f), 'utf8')));
  }
  return out;
}

// The first mail to `to` holding `path` (a link), waited for.
async function linkIn(to, path) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    for (const m of mails()) {
      if (!m.includes(`X-RcptTo: ${to}`)) continue;
      const found = m.match(new RegExp(`${config.publicUrl}${path}\\?token=[A-Za-z0-9_-]+`));
      if (found) return found[0].replace(config.publicUrl, config.baseUrl);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

const { page, close } = await launch({ viewport: { width: 1000, height: 800 } });
const shot = (name) => page.screenshot({ path: join(config.screenshots, `alerts-${name}.png`), fullPage: true });

async function submit(url, account) {
  await page.goto(url);
  await page.focus('#account');
  await page.keyboard.type(account);
  await Promise.all([page.waitForNavigation(), page.press('#account', 'Enter')]);
  return (await page.textContent('h1')).trim();
}

async function pressButton() {
  await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
  return (await page.textContent('h1')).trim();
}

try {
  for (const lang of ['nl', 'fr', 'en']) {
    const t = TEXT[lang];
    const account = config.accounts[lang];
    let h1 = await submit(`${config.baseUrl}/alerts?lang=${lang}`, account);
    expect(h1 === t.sent, `${lang}: asked for alerts (${h1})`);
    await shot(`${lang}-asked`);
    const confirm = await linkIn(account, '/alerts/confirm');
    expect(confirm !== null, `${lang}: the confirmation mail holds its link`);
    if (confirm) {
      await page.goto(confirm);
      h1 = await pressButton();
      expect(h1 === t.on, `${lang}: confirmed (${h1})`);
      await shot(`${lang}-confirmed`);
    }
    const unsubscribe = await linkIn(account, '/alerts/unsubscribe');
    expect(unsubscribe !== null, `${lang}: the first report holds the unsubscribe link`);
    if (unsubscribe) {
      await page.goto(unsubscribe);
      h1 = await pressButton();
      expect(h1 === t.off, `${lang}: unsubscribed (${h1})`);
      await shot(`${lang}-unsubscribed`);
    }
    const hide = config.optOut[lang];
    h1 = await submit(`${config.baseUrl}/alerts/opt-out?lang=${lang}`, hide);
    expect(h1 === t.sent, `${lang}: asked to opt out (${h1})`);
    const hideLink = await linkIn(hide, '/alerts/confirm');
    expect(hideLink !== null, `${lang}: the opt-out mail holds its link`);
    if (hideLink) {
      await page.goto(hideLink);
      h1 = await pressButton();
      expect(h1 === t.hidden, `${lang}: opted out (${h1})`);
      await shot(`${lang}-opted-out`);
    }
  }
  // Owner-only: the same page whatever the outcome.
  const pages = [];
  for (const account of [config.ownerBreached, config.ownerClean]) {
    await page.goto(`${config.ownerBaseUrl}/?lang=en`);
    await page.focus('#account');
    await page.keyboard.type(account);
    await Promise.all([page.waitForNavigation(), page.press('#account', 'Enter')]);
    pages.push((await page.textContent('main')).replaceAll(account, 'ACCOUNT'));
    await shot(`owner-only-${pages.length}`);
  }
  expect(pages[0] === pages[1], 'owner-only: the same page for a breached and a clean address');
} catch (e) {
  failures.push(`exception: ${e.stack || e}`);
  console.log(`FAIL exception: ${e.stack || e}`);
} finally {
  await close();
}
if (failures.length) {
  console.log(`${failures.length} failed`);
  process.exit(1);
}
console.log('all alerts page checks passed');
