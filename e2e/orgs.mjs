#!/usr/bin/env node
// The organisation pages in headless Chromium (e2e/browser.mjs), as an owner
// uses them, in Dutch, French and English: sign in by the link mailed to
// them (read from the SMTP server's Maildir; the session cookie is Secure,
// HttpOnly, SameSite=Strict), create an organisation, prove its domain by
// the link mailed to a role address, upload a watchlist file, read the
// report and the staff message, add a passkey through a virtual
// authenticator (DevTools WebAuthn), sign out and sign in with it (its
// answer replayed is refused), remove it, sign out. Screenshots are kept.
// The pages are opened at http://localhost (a passkey's relying party is a
// domain name; the server runs with --org-passkey-origin http://localhost).
//
//   node e2e/orgs.mjs CONFIG.json
//
// CONFIG.json: {"baseUrl": ..., "publicUrl": "https://lekradar.test", "maildir": DIR,
//   "screenshots": DIR, "owners": {"nl": ..., "fr": ..., "en": ...}, "domain": ...,
//   "watchlist": FILE, "breachTitle": ..., "exposedReference": ...}
//
// Prints one line per step; exits 1 naming every failed expectation.

import { readFileSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './browser.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
mkdirSync(config.screenshots, { recursive: true });

const TEXT = {
  nl: { sent: 'Kijk in je mailbox', home: 'Lekradar voor organisaties', proved: 'Domein bewezen',
        added: '1 toegevoegd', report: 'Rapport', staff: 'Afgemeld', addPasskey: 'Passkey toevoegen',
        passkeySignIn: 'Aanmelden met een passkey', refused: 'niet aanvaard' },
  fr: { sent: 'Regardez dans votre boîte mail', home: 'Lekradar pour les organisations', proved: 'Domaine prouvé',
        added: '1 ajoutés', report: 'Rapport', staff: 'Déconnecté·e', addPasskey: "Ajouter une clé d'accès",
        passkeySignIn: "Se connecter avec une clé d'accès", refused: "n'a pas été acceptée" },
  en: { sent: 'Look in your mailbox', home: 'Lekradar for organisations', proved: 'Domain proved',
        added: '1 added', report: 'Report', staff: 'Signed out', addPasskey: 'Add a passkey',
        passkeySignIn: 'Sign in with a passkey', refused: 'not accepted' },
};

const failures = [];
function expect(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

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

// A link to `path` in a mail to `to` not used yet, waited for.
const used = new Set();
async function linkIn(to, path) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    for (const m of mails()) {
      if (!m.includes(`X-RcptTo: ${to}`)) continue;
      const found = m.match(new RegExp(`${config.publicUrl}${path}\\?token=[A-Za-z0-9_-]+`));
      if (found && !used.has(found[0])) {
        used.add(found[0]);
        return found[0].replace(config.publicUrl, config.baseUrl);
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

const { page, close } = await launch({ viewport: { width: 1000, height: 900 } });
const shot = (name) => page.screenshot({ path: join(config.screenshots, `orgs-${name}.png`), fullPage: true });
const h1 = async () => (await page.textContent('h1')).trim();

async function typeAndEnter(selector, text) {
  await page.focus(selector);
  await page.keyboard.type(text);
  await Promise.all([page.waitForNavigation(), page.press(selector, 'Enter')]);
}

async function click(selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

try {
  for (const lang of ['nl', 'fr', 'en']) {
    const t = TEXT[lang];
    const owner = config.owners[lang];
    await page.goto(`${config.baseUrl}/org?lang=${lang}`);
    await typeAndEnter('#address', owner);
    expect((await h1()) === t.sent, `${lang}: asked for a sign-in link (${await h1()})`);
    const link = await linkIn(owner, '/org/link');
    expect(link !== null, `${lang}: the sign-in mail holds its link`);
    if (!link) continue;
    await page.goto(link);
    await click('main form button[type="submit"]');
    const home = await page.textContent('main');
    expect((await h1()) === t.home && home.includes(owner), `${lang}: signed in (${await h1()})`);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'lekradar_org');
    expect(session && session.secure && session.httpOnly && session.sameSite === 'Strict',
      `${lang}: the session cookie is Secure, HttpOnly, SameSite=Strict`);
    await shot(`${lang}-signed-in`);

    await typeAndEnter('#name', `Acme ${lang}`);
    expect((await h1()) === `Acme ${lang}`, `${lang}: created the organisation (${await h1()})`);
    const orgUrl = page.url();
    await typeAndEnter('#domain', config.domain);
    expect((await page.textContent('main')).includes(`lekradar-verification=`), `${lang}: the TXT record to add is shown`);
    await click('section.domain form[action$="/mail"] button');
    const proof = await linkIn(`security@${config.domain}`, '/org/link');
    expect(proof !== null, `${lang}: the proof mail to security@ holds its link`);
    if (proof) {
      await page.goto(proof);
      await click('main form button[type="submit"]');
      expect((await h1()) === t.proved, `${lang}: domain proved (${await h1()})`);
    }

    await page.goto(orgUrl);
    await page.setInputFiles('#file', config.watchlist);
    await click('form[enctype="multipart/form-data"] button');
    const notice = (await page.textContent('.notice')) || '';
    expect(notice.includes(t.added), `${lang}: the watchlist was uploaded (${notice.trim()})`);
    await shot(`${lang}-watchlist`);

    await page.goto(`${orgUrl}/report`);
    const report = await page.textContent('main');
    expect((await h1()).startsWith(t.report), `${lang}: the report (${await h1()})`);
    expect(report.includes(config.breachTitle) && report.includes(config.exposedReference),
      `${lang}: the report names the breach and the person in it`);
    expect((await page.$('figure.chart svg')) !== null, `${lang}: the report draws its chart`);
    await shot(`${lang}-report`);
    const staffHref = await page.getAttribute('a[href*="staff-message.txt"]', 'href');
    expect(staffHref !== null && staffHref.includes(`lang=${lang}`), `${lang}: the staff message is linked in the page's language`);
    if (staffHref) {
      const staff = await page.request.get(`${config.baseUrl}${staffHref}`);
      expect(staff.ok() && (await staff.text()).length > 100, `${lang}: the staff message is ready to send`);
    }

    // A passkey, on a fresh virtual authenticator per language (one
    // person's resident credential each).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
        hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.goto(`${config.baseUrl}/org?lang=${lang}`);
    expect(((await page.textContent('#passkey-add button')) || '').trim() === t.addPasskey,
      `${lang}: the page offers to add a passkey`);
    await page.fill('#passkey-name', `laptop ${lang}`);
    await Promise.all([page.waitForNavigation(), page.click('#passkey-add button')]);
    expect(((await page.textContent('table.passkeys')) || '').includes(`laptop ${lang}`),
      `${lang}: the passkey is listed`);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials.length === 1 && credentials[0].isResidentCredential,
      `${lang}: the authenticator holds one discoverable credential`);
    await shot(`${lang}-passkey`);
    await click('form[action="/org/sign-out"] button');
    expect((await h1()) === t.staff, `${lang}: signed out before the passkey sign-in`);
    await page.goto(`${config.baseUrl}/org?lang=${lang}`);
    expect(((await page.textContent('#passkey-sign-in button')) || '').trim() === t.passkeySignIn,
      `${lang}: the sign-in page offers a passkey`);
    let signInBody = null;
    page.on('request', (r) => { if (r.url().endsWith('/org/passkey/sign-in')) signInBody = r.postData(); });
    await Promise.all([page.waitForNavigation(), page.click('#passkey-sign-in button')]);
    expect((await h1()) === t.home && (await page.textContent('main')).includes(owner),
      `${lang}: signed in with the passkey (${await h1()})`);
    const { credentials: after } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after.length === 1 && after[0].signCount >= 1, `${lang}: the authenticator signed`);
    if (signInBody) {
      const replay = await page.request.post(`${config.baseUrl}/org/passkey/sign-in`, {
        headers: { 'content-type': 'application/json' }, data: signInBody,
      });
      const said = await replay.json().catch(() => ({}));
      expect(replay.status() === 400 && (said.error || '').includes(t.refused),
        `${lang}: the sign-in answer replayed is refused (${replay.status()} ${said.error})`);
    } else {
      expect(false, `${lang}: the passkey sign-in request was seen`);
    }
    await click('table.passkeys form button');
    expect(!((await page.textContent('main')).includes(`laptop ${lang}`)), `${lang}: the passkey is removed`);
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    await cdp.detach();

    await page.goto(`${config.baseUrl}/org`);
    await click('form[action="/org/sign-out"] button');
    expect((await h1()) === t.staff, `${lang}: signed out (${await h1()})`);
    await page.goto(orgUrl);
    expect(!(await page.textContent('main')).includes(owner), `${lang}: signed out, the organisation is not shown`);
  }
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
console.log('all organisation page checks passed');
