#!/usr/bin/env node
// The npm `hibp` client's domain functions, unchanged, against a Lekradar
// server: breachedDomain, subscribedDomains and subscriptionStatus with an
// organisation's API key, and the errors it gets for a domain the
// organisation has not proved, another key and no key.
//
//   node e2e/hibp-domain.mjs CONFIG.json
//
// CONFIG.json: {"baseUrl": "http://127.0.0.1:PORT/api/v3", "apiKey": ...,
//   "domain": ..., "unproved": ..., "plainKey": ...}
//
// Prints one JSON object: each call's result or error message.

import { readFileSync } from 'node:fs';
import * as hibp from 'hibp';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const options = { baseUrl: config.baseUrl, apiKey: config.apiKey, userAgent: 'lekradar-e2e' };

async function attempt(call) {
  try {
    return { ok: await call() };
  } catch (e) {
    return { error: String(e.message || e) };
  }
}

const out = {
  breachedDomain: await attempt(() => hibp.breachedDomain(config.domain, options)),
  unproved: await attempt(() => hibp.breachedDomain(config.unproved, options)),
  subscribedDomains: await attempt(() => hibp.subscribedDomains(options)),
  subscriptionStatus: await attempt(() => hibp.subscriptionStatus(options)),
  plainKey: await attempt(() => hibp.breachedDomain(config.domain, { ...options, apiKey: config.plainKey })),
  noKey: await attempt(() => hibp.breachedDomain(config.domain, { ...options, apiKey: undefined })),
};
console.log(JSON.stringify(out));
