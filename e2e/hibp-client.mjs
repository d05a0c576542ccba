#!/usr/bin/env node
// Runs the real `hibp` npm client (wKovacs64, pinned in package.json) against a
// HIBP API v3-compatible server and prints what each call returned.
//
//   node e2e/hibp-client.mjs CONFIG.json
//
// CONFIG.json: {"baseUrl": "http://127.0.0.1:PORT/api/v3", "apiKey": "...",
//   "badApiKey": "...", "accounts": [...], "breachNames": [...], "domains": [...]}
//
// stdout: ONE JSON array, one entry per call, in the order made:
//   {"call": "breachedAccount", "args": {...}, "ok": true,  "result": <returned value>}
//   {"call": "breachedAccount", "args": {...}, "ok": false,
//    "error": {"name": ..., "message": ..., "retryAfterSeconds": N or null[, "cause": ...]}}
// `args` holds the positional argument under its parameter name (account, email,
// breachName) and the options passed, except `baseUrl`; an API key is written
// as "$apiKey" or "$badApiKey", never its value. A 404 shows as ok with
// result null (that is what the client returns for it).
//
// It asserts nothing: the caller compares the report with the server's data.
// Exit 0 whatever the server answered; 2 when the config can't be read.

import { readFileSync } from 'node:fs';
import * as hibp from 'hibp';

function die(message) {
  process.stderr.write(`hibp-client: ${message}\n`);
  process.exit(2);
}

const configPath = process.argv[2];
if (!configPath || process.argv.length > 3) {
  die('usage: node e2e/hibp-client.mjs CONFIG.json');
}

let config;
try {
  config = JSON.parse(readFileSync(configPath, 'utf8'));
} catch (e) {
  die(`cannot read config ${configPath}: ${e.message}`);
}
if (typeof config !== 'object' || config === null || typeof config.baseUrl !== 'string') {
  die(`config ${configPath}: "baseUrl" (a string) is required`);
}
for (const key of ['accounts', 'breachNames', 'domains']) {
  if (config[key] === undefined) config[key] = [];
  if (!Array.isArray(config[key]) || !config[key].every((v) => typeof v === 'string')) {
    die(`config ${configPath}: "${key}" must be an array of strings`);
  }
}
for (const key of ['apiKey', 'badApiKey']) {
  if (config[key] !== undefined && typeof config[key] !== 'string') {
    die(`config ${configPath}: "${key}" must be a string`);
  }
}

const { baseUrl, apiKey, badApiKey, accounts, breachNames, domains } = config;
const TIMEOUT_MS = 15000;
// The same test the client's own search() uses to decide whether to ask for pastes.
const isEmail = (account) => /^.+@.+$/.test(account);

function redact(options) {
  const shown = { ...options };
  delete shown.baseUrl;
  delete shown.timeoutMs;
  if ('apiKey' in shown) {
    if (shown.apiKey === apiKey) shown.apiKey = '$apiKey';
    else if (shown.apiKey === badApiKey) shown.apiKey = '$badApiKey';
    else shown.apiKey = '$other';
  }
  return shown;
}

const report = [];

// Calls are made one after another, so the order of the report is the order
// the server saw them in (which matters once rate limiting kicks in).
async function record(call, positional, options, fn) {
  const full = { baseUrl, timeoutMs: TIMEOUT_MS, ...options };
  const args = { ...positional, ...redact(full) };
  try {
    const result = await fn(full);
    report.push({ call, args, ok: true, result: result === undefined ? null : result });
  } catch (e) {
    const error = {
      name: e?.name ?? typeof e,
      message: e?.message ?? String(e),
      // Set by the client's RateLimitError (429); null otherwise.
      retryAfterSeconds: e?.retryAfterSeconds ?? null,
    };
    // fetch() failures (connection refused, ...) carry the reason in `cause`.
    if (e?.cause !== undefined) error.cause = e.cause?.message ?? String(e.cause);
    report.push({ call, args, ok: false, error });
  }
}

const withKey = apiKey !== undefined ? { apiKey } : {};

for (const account of accounts) {
  const call = (options) => record('breachedAccount', { account }, options, (o) => hibp.breachedAccount(account, o));
  await call({ ...withKey });
  await call({ ...withKey, truncate: false });
  await call({ ...withKey, includeUnverified: false });
  await call({ ...withKey, truncate: false, includeUnverified: false });
  for (const domain of domains) {
    await call({ ...withKey, domain });
    await call({ ...withKey, domain, truncate: false });
  }
  await call({ ...withKey, userAgent: 'lekradar-e2e hibp-client' });
}

await record('breaches', {}, {}, (o) => hibp.breaches(o));
for (const domain of domains) {
  await record('breaches', {}, { domain }, (o) => hibp.breaches(o));
}

for (const breachName of [...breachNames, 'LekradarNoSuchBreach']) {
  await record('breach', { breachName }, {}, (o) => hibp.breach(breachName, o));
}

await record('dataClasses', {}, {}, (o) => hibp.dataClasses(o));
await record('latestBreach', {}, {}, (o) => hibp.latestBreach(o));

for (const email of accounts.filter(isEmail)) {
  await record('pasteAccount', { email }, { ...withKey }, (o) => hibp.pasteAccount(email, o));
}

for (const account of accounts) {
  await record('search', { account }, { ...withKey }, (o) => hibp.search(account, o));
  await record('search', { account }, { ...withKey, truncate: false }, (o) => hibp.search(account, o));
}

if (badApiKey !== undefined && accounts.length > 0) {
  const account = accounts[0];
  await record('breachedAccount', { account }, { apiKey: badApiKey }, (o) => hibp.breachedAccount(account, o));
}
if (accounts.length > 0) {
  const account = accounts[0];
  await record('breachedAccount', { account }, {}, (o) => hibp.breachedAccount(account, o));
}

process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
