#!/usr/bin/env node
// End-to-end test of the pages in headless Chromium (e2e/browser.mjs), as a
// person uses them: for each language, chosen with the visible switch, check
// a breached number, a clean number and an email address by keyboard, read
// what leaked and the advice, follow a breach page with its charts, see a
// failed or forged private check handled without posting the identifier,
// and keep screenshots.
//
//   node e2e/pages.mjs CONFIG.json
//
// CONFIG.json: {"baseUrl": "http://127.0.0.1:PORT", "screenshots": DIR,
//   "breachedPhone": "+31...", "breachedEmail": "...", "cleanPhone": "...",
//   "telecomBreach": "DemoTelco2026"}
// The breached phone must be a telecom record with an IBAN and an ID document.
//
// Prints one line per step; exits 1 naming every failed expectation.

import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, launchBrowser } from './browser.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
mkdirSync(config.screenshots, { recursive: true });

const TEXT = {
  nl: { found: 'Gevonden in', clean: 'Niet gevonden', leaked: 'Jouw gegevens in dit lek',
        id: 'Nummers van identiteitsbewijzen', iban: 'Bankrekeningnummers',
        chart: 'Telefoonnummers per land', advice: 'Wat je nu doet' },
  fr: { found: 'Trouvé dans', clean: 'Absent', leaked: 'Vos données dans cette fuite',
        id: "Numéros de pièces d'identité", iban: 'Numéros de compte bancaire',
        chart: 'Numéros de téléphone par pays', advice: 'Que faire maintenant' },
  en: { found: 'Found in', clean: 'Not found', leaked: 'Your data in this breach',
        id: 'Government issued IDs', iban: 'Bank account numbers',
        chart: 'Phone numbers per country', advice: 'What to do now' },
};

const failures = [];
function expect(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

const { page, close } = await launch({ viewport: { width: 1100, height: 900 } });
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));

async function shot(name) {
  await page.screenshot({ path: join(config.screenshots, `${name}.png`), fullPage: true });
}

// Types into the form and submits with the keyboard (Enter), as a person
// would. With JavaScript the check is private, in the page; the result's
// heading is returned either way.
async function check(account, region, target = page) {
  await target.goto(`${config.baseUrl}/`);
  await target.focus('#account');
  await target.keyboard.type(account);
  if (region) await target.selectOption('#region', region);
  if (target === page) {
    await target.press('#account', 'Enter');
    await target.waitForSelector('#private-result:not([hidden])', { timeout: 15000 });
    return (await target.textContent('#private-result h2')).trim();
  }
  await Promise.all([target.waitForNavigation(), target.press('#account', 'Enter')]);
  return (await target.textContent('h1')).trim();
}

try {
  for (const lang of ['nl', 'fr', 'en']) {
    const t = TEXT[lang];
    // The visible language switch.
    await page.goto(`${config.baseUrl}/`);
    await Promise.all([page.waitForNavigation(), page.click(`nav.langs a[hreflang="${lang}"]`)]);
    expect((await page.getAttribute('html', 'lang')) === lang, `${lang}: switch sets <html lang>`);
    // Keyboard: the first Tab reaches the skip link, which leads to the content.
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.className);
    expect(first === 'skip', `${lang}: first Tab stop is the skip link (${first})`);
    // A label for every form control.
    const unlabeled = await page.$$eval('input, select', (els) =>
      els.filter((e) => e.type !== "hidden" && !document.querySelector(`label[for="${e.id}"]`)).length);
    expect(unlabeled === 0, `${lang}: every form control has a label`);

    // The breached telecom number: which of my data, what to do.
    let h1 = await check(config.breachedPhone, 'NL');
    expect(h1.startsWith(t.found), `${lang}: breached number found (${h1})`);
    const body = await page.textContent('#private-result');
    expect(body.includes(t.leaked), `${lang}: says what of yours leaked`);
    expect(body.includes(t.id) && body.includes(t.iban), `${lang}: lists the ID document and IBAN of this record`);
    expect(body.includes(t.advice), `${lang}: advice section`);
    const advice = await page.$$eval('#private-result article.advice', (els) => els.map((e) => e.id));
    expect(advice.includes('advice-bank-fraud-nl') && advice.includes('advice-id-document-nl'),
      `${lang}: bank and ID-document advice for a Dutch record (${advice.join(', ')})`);
    const firstUrgency = await page.$eval('#private-result article.advice', (e) => e.className);
    expect(firstUrgency.includes('urgency-now'), `${lang}: most urgent advice first`);
    // The page shows the same advice, in the same order and language, as the native API.
    const api = await (await fetch(`${config.baseUrl}/api/v1/check`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account: config.breachedPhone, lang, region: 'NL' }),
    })).json();
    const shown = await page.$$eval('#private-result article.advice h4', (els) => els.map((e) => e.textContent.trim()));
    const titles = api.advice.map((a) => a.title);
    expect(titles.length > 3 && titles.length === shown.length && titles.every((t, i) => shown[i]?.endsWith(t)),
      `${lang}: the browser's advice is the API's, in order (${titles.slice(0, 3).join(' | ')} ...)`);
    // Private: the only request that carried anything was the 37-byte check.
    const result = await page.$eval('#private-result', (e) => ({ ...e.dataset }));
    expect(Number(result.answerBytes) > 0, `${lang}: private check answered (${JSON.stringify(result)})`);
    await page.locator('#private-result section.advice-list').screenshot({ path: join(config.screenshots, `${lang}-advice.png`) });
    await shot(`${lang}-breached-phone`);

    // Follow the breach page: facts and charts.
    await Promise.all([page.waitForNavigation(), page.click(`#private-result a[href="/breaches/${config.telecomBreach}"]`)]);
    const charts = await page.$$('figure.chart svg[role="img"]');
    expect(charts.length === 2, `${lang}: breach page has two charts (${charts.length})`);
    const chartTitle = await page.textContent('svg title');
    expect(chartTitle.trim() === t.chart, `${lang}: chart titled in the language (${chartTitle})`);
    const bars = await page.$$('figure.chart rect.bar');
    expect(bars.length >= 2, `${lang}: chart has bars (${bars.length})`);
    await shot(`${lang}-breach-page`);

    // A clean number.
    h1 = await check(config.cleanPhone, 'NL');
    expect(h1.startsWith(t.clean), `${lang}: clean number not found (${h1})`);
    await shot(`${lang}-clean-phone`);

    // An email address.
    h1 = await check(config.breachedEmail);
    expect(h1.startsWith(t.found), `${lang}: breached email found (${h1})`);
    await shot(`${lang}-breached-email`);
  }
  // Without JavaScript the form posts and the server checks directly.
  const second = await launchBrowser();
  try {
    const nojs = await second.browser.newContext({ javaScriptEnabled: false });
    const plain = await nojs.newPage();
    await plain.goto(`${config.baseUrl}/?lang=nl`);
    const h1 = await check(config.breachedPhone, 'NL', plain);
    expect(h1.startsWith(TEXT.nl.found), `no JavaScript: direct check found the number (${h1})`);
    const ids = await plain.$$eval('article.advice', (els) => els.map((e) => e.id));
    expect(ids.includes('advice-bank-fraud-nl'), 'no JavaScript: advice on the server-rendered result');
    await plain.screenshot({ path: join(config.screenshots, 'nl-breached-phone-nojs.png'), fullPage: true });
  } finally {
    await second.close();
  }

  // The GDPR letters to the data broker: filled by our script, in the page, sending nothing.
  const sent = [];
  page.on('request', (r) => sent.push(r.url() + ' ' + (r.postData() ?? '')));
  await page.goto(`${config.baseUrl}/letters?lang=fr`);
  const before = sent.length;
  await page.fill('#letter-broker', 'Contactdata SA');
  await page.fill('#letter-name', 'Jeanne Dupont');
  await page.fill('#letter-identifiers', 'jeanne@exemple.be');
  await page.fill('#letter-place', 'Namur');
  const letter = await page.inputValue('#letter-access');
  expect(['Contactdata SA', 'Jeanne Dupont', 'jeanne@exemple.be', 'Namur'].every((v) => letter.includes(v)),
    'letters: the access request is filled in the browser');
  expect(!letter.includes('@@'), 'letters: no template marker left');
  const leaked = sent.slice(before).filter((u) => u.includes('Jeanne') || u.includes('Namur'));
  expect(leaked.length === 0, `letters: nothing typed is sent anywhere (${leaked.join(', ')})`);
  await page.keyboard.press('Enter');
  expect(page.url().endsWith('/letters?lang=fr'), `letters: Enter does not submit (${page.url()})`);
  await shot('fr-letters');

  // The catalogue.
  await page.goto(`${config.baseUrl}/breaches?lang=en`);
  const rows = await page.$$('tbody tr');
  expect(rows.length >= 3, `catalogue lists the breaches (${rows.length})`);
  await shot('en-catalogue');
  expect(consoleErrors.length === 0, `no console errors or CSP violations (${consoleErrors.join(' | ')})`);

  // A failed private check never posts the identifier by itself. The check
  // request cut on the way: the page says so and offers the direct check,
  // which only the person's click sends.
  const posted = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/check') posted.push(r.url());
  });
  const submit = async () => {
    await page.goto(`${config.baseUrl}/?lang=en`);
    await page.fill('#account', config.breachedPhone);
    await page.press('#account', 'Enter');
  };
  await page.route('**/api/v1/private/check', (route) => route.abort());
  await submit();
  await page.waitForSelector('#private-direct:not([hidden])', { timeout: 15000 });
  expect(posted.length === 0, `cut check: nothing posted without the person (${posted.join(', ')})`);
  expect((await page.textContent('#private-status')).includes('The private check failed'), 'cut check: the page says it failed');
  await shot('en-private-check-failed');
  await Promise.all([page.waitForNavigation(), page.click('#private-direct')]);
  const direct = (await page.textContent('h1')).trim();
  expect(posted.length === 1 && direct.startsWith(TEXT.en.found), `cut check: the chosen direct check answers (${direct})`);
  await page.unroute('**/api/v1/private/check');
  // An answer whose proof does not verify: refused, and no direct check offered.
  await page.route('**/api/v1/private/check', async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[2 + 32 + 7] ^= 0x01; // a byte of the DLEQ proof
    await route.fulfill({ response, body });
  });
  posted.length = 0;
  await submit();
  await page.waitForFunction(() => document.getElementById('private-status').textContent.includes('could not be verified'), null, { timeout: 15000 });
  expect(posted.length === 0 && await page.isHidden('#private-direct'), 'forged proof: refused, nothing posted, no fallback offered');
  expect(await page.isHidden('#private-result'), 'forged proof: no result shown');
  await page.unroute('**/api/v1/private/check');

  // Another site's form posting a check to us (Chromium sends Origin: null
  // and Sec-Fetch-Site: cross-site from a page of its own): refused, with
  // nothing checked.
  await page.goto('about:blank');
  await page.setContent(`<form method="post" action="${config.baseUrl}/check"><input name="account" value="${config.breachedPhone}"></form>`);
  const [crossSite] = await Promise.all([
    page.waitForNavigation(),
    page.evaluate(() => document.forms[0].submit()),
  ]);
  const refused = (await page.textContent('h1')).trim();
  expect(crossSite.status() === 403 && ['Refused', 'Geweigerd', 'Refusé'].includes(refused),
    `a cross-site form is refused (${crossSite.status()} ${refused})`);
} catch (e) {
  failures.push(String(e?.stack ?? e));
  console.log(`FAIL ${e}`);
} finally {
  await close();
}

if (failures.length > 0) {
  console.error(`\n${failures.length} failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('all page checks passed');
