// The private check in the browser (docs/PRIVATE-CHECK.md), without the
// page: canonical identifiers, the PRF input, the bucket prefix, blinding and
// finalizing with @noble/curves' RFC 9497 ristretto255-SHA512 OPRF/VOPRF,
// the per-breach entry derivation (HKDF-SHA512, @noble/hashes), the binary
// messages, and the choice of advice. No cryptography is written here: every
// primitive comes from the audited noble libraries; this file only encodes
// inputs exactly as the Rust side does (crates/normalize, crates/prf,
// crates/check) and reads the server's messages.

import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const encoder = new TextEncoder();

export function hexToBytes(hex) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) {
    throw new Error('not hex');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---- canonical identifiers (crates/normalize) ------------------------------

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/;

/** The canonical email address, or null (same rules as normalize_email). */
export function normalizeEmail(input) {
  const s = input.trim();
  if (s === '' || s.length > 1024 || s.startsWith('"')) return null;
  const at = s.indexOf('@');
  if (at < 0 || s.indexOf('@', at + 1) >= 0) return null;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local === '' || !ATEXT.test(local) || local.startsWith('.') || local.endsWith('.')
    || local.includes('..') || local.length > 64) return null;
  if (domain === '' || domain.startsWith('[')) return null;
  let ascii;
  try {
    // UTS #46 ToASCII, as the browser's URL parser does it.
    ascii = new URL(`http://${domain}`).hostname;
  } catch {
    return null;
  }
  if (ascii.endsWith('.') || ascii.length > 253 || !/^[a-z0-9.-]+$/.test(ascii)) return null;
  const labels = ascii.split('.');
  if (labels.length < 2) return null;
  for (const l of labels) {
    if (l === '' || l.length > 63 || l.startsWith('-') || l.endsWith('-')) return null;
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return null;
  const address = `${local.toLowerCase()}@${ascii}`;
  return address.length > 254 ? null : address;
}

function validPhone(input, region) {
  if (input.length > 250) return null;
  try {
    const n = parsePhoneNumberFromString(input, region);
    return n && n.isValid() ? n : null;
  } catch {
    return null;
  }
}

/** The canonical phone number as {e164, callingCode}, or null (as normalize_phone). */
export function normalizePhone(input, region) {
  if (input.trim() === '') return null;
  let n = validPhone(input, region);
  // Digits written with their country code but without + or 00 (31612345678).
  if (!n && /^[0-9 \-./()]*$/.test(input)) {
    const first = input.match(/[0-9]/);
    if (first && first[0] !== '0') n = validPhone(`+${input}`, region);
  }
  return n ? { e164: n.number, callingCode: Number(n.countryCallingCode) } : null;
}

/** {kind, canonical, callingCode?} for a phone number or an email address, or null. */
export function normalize(input, region) {
  if (input.includes('@')) {
    const canonical = normalizeEmail(input);
    return canonical ? { kind: 'email', canonical } : null;
  }
  const phone = normalizePhone(input, region);
  return phone ? { kind: 'phone', canonical: phone.e164, callingCode: phone.callingCode } : null;
}

/** The PRF input bytes: "lekradar:v1:phone:+31612345678". */
export function prfInput(id, prefix = 'lekradar:v1:') {
  return encoder.encode(`${prefix}${id.kind}:${id.canonical}`);
}

/** The 24-bit bucket: the first 24 bits of SHA-256(PRF input). */
export function bucketOf(input) {
  const d = sha256(input);
  return (d[0] << 16) | (d[1] << 8) | d[2];
}

// ---- OPRF / VOPRF (RFC 9497, @noble/curves) --------------------------------

export function blind(mode, input) {
  const suite = mode === 'voprf' ? ristretto255_oprf.voprf : ristretto255_oprf.oprf;
  return suite.blind(input);
}

/** F(k, input) from the server's evaluation; throws if a VOPRF proof fails. */
export function finalize(mode, input, blinded, evaluated, proof, publicKey) {
  if (mode === 'voprf') {
    return ristretto255_oprf.voprf.finalize(input, blinded.blind, evaluated, blinded.blinded, publicKey, proof);
  }
  return ristretto255_oprf.oprf.finalize(input, blinded.blind, evaluated);
}

// ---- entries (crates/prf/src/entry.rs) -------------------------------------

const ENTRY_SALT = encoder.encode('lekradar:v1:entry');

/** The tag (8 bytes, hex) and class pad (u32) of an identifier in a breach. */
export function entryFor(output, breachName) {
  const okm = hkdf(sha512, output, ENTRY_SALT, encoder.encode(breachName), 12);
  const pad = (okm[8] | (okm[9] << 8) | (okm[10] << 16) | (okm[11] << 24)) >>> 0;
  return { tag: bytesToHex(okm.subarray(0, 8)), pad };
}

/**
 * The pad of entry `n` (0-based, in the bucket's order) of an identifier in a
 * breach: a later ingest that brought new data classes for it added an entry
 * under the same tag, sealed with a pad of its own.
 */
export function padOfEntry(output, breachName, n) {
  if (n === 0) return entryFor(output, breachName).pad;
  const name = encoder.encode(breachName);
  const info = new Uint8Array(name.length + 5);
  info.set(name, 0);
  new DataView(info.buffer).setUint32(name.length + 1, n, false);
  const okm = hkdf(sha512, output, ENTRY_SALT, info, 4);
  return (okm[0] | (okm[1] << 8) | (okm[2] << 16) | (okm[3] << 24)) >>> 0;
}

// ---- messages --------------------------------------------------------------

/** The 37-byte check request: version, bits, prefix (3), blinded element. */
export function checkRequest(bits, prefix, blindedElement) {
  const out = new Uint8Array(37);
  out[0] = 1;
  out[1] = bits;
  out[2] = (prefix >> 16) & 0xff;
  out[3] = (prefix >> 8) & 0xff;
  out[4] = prefix & 0xff;
  out.set(blindedElement, 5);
  return out;
}

/** Reads a check answer: {evaluated, proof, entries: Map(tagHex → [words])}. */
export function readCheckAnswer(mode, bytes) {
  const proofLen = mode === 'voprf' ? 64 : 0;
  const head = 2 + 32 + proofLen;
  if (bytes.length < head + 17 || bytes[0] !== 1 || bytes[1] !== (mode === 'voprf' ? 1 : 0)) {
    throw new Error('malformed answer');
  }
  const evaluated = bytes.slice(2, 34);
  const proof = bytes.slice(34, head);
  const bucket = bytes.subarray(head);
  const view = new DataView(bucket.buffer, bucket.byteOffset, bucket.byteLength);
  const count = view.getUint32(13, true);
  if (bucket.length !== 17 + count * 12) throw new Error('malformed bucket');
  const entries = new Map();
  for (let i = 0; i < count; i += 1) {
    const at = 17 + i * 12;
    const tag = bytesToHex(bucket.subarray(at, at + 8));
    const word = view.getUint32(at + 8, true);
    if (!entries.has(tag)) entries.set(tag, []);
    entries.get(tag).push(word);
  }
  return { evaluated, proof, entries, count, bytes: bytes.length };
}

/** The breaches holding the identifier, with the classes of its record. */
export function match(output, breaches, entries) {
  const found = [];
  for (const b of breaches) {
    const { tag } = entryFor(output, b.name);
    const words = entries.get(tag);
    if (!words) continue;
    const classes = words.reduce((acc, w, n) => (acc | ((w ^ padOfEntry(output, b.name, n)) >>> 0)) >>> 0, 0);
    found.push({
      name: b.name, title: b.title, kind: b.kind, breachDate: b.breachDate,
      dataClasses: b.dataClasses.filter((_, i) => i < 32 && ((classes >>> i) & 1) === 1),
    });
  }
  return found;
}

/**
 * An answer that does not verify (a VOPRF proof that fails, an element that is
 * not one): the server may not be the service it says it is.
 */
export class ProofError extends Error {}

/** The whole private check against `base`; `fetchImpl` is the browser's fetch. */
export async function privateCheck(base, raw, region, { fetchImpl = fetch, bucketBits } = {}) {
  const timings = { start: performance.now() };
  const id = normalize(raw, region);
  // The bounds of the bucket prefix follow the index (the server widens
  // buckets of a small index): a configuration cached just before a
  // publication may be stale, so a refused prefix is retried once with a
  // fresh one.
  for (let attempt = 1; ; attempt++) {
    const configResponse = await fetchImpl(`${base}/api/v1/private/config`, attempt > 1 ? { cache: 'no-cache' } : undefined);
    if (!configResponse.ok) throw new Error(`config: ${configResponse.status}`);
    const config = await configResponse.json();
    if (config.version !== 1 || config.ciphersuite !== 'ristretto255-SHA512') throw new Error('unsupported server');
    timings.configured = performance.now();
    if (!id) return { invalid: true };
    const input = prfInput(id, config.inputPrefix);
    const bits = bucketBits ?? config.bucketBits;
    if (![bits, config.minBucketBits, config.bucketBits].every(Number.isInteger)
      || config.minBucketBits < 0 || bits < config.minBucketBits || bits > config.bucketBits || config.bucketBits > 24) {
      throw new Error('unsupported bucket size');
    }
    const bucket = bucketOf(input);
    const prefix = bits === 0 ? 0 : bucket >>> (24 - bits);
    const blinded = blind(config.mode, input);
    timings.blinded = performance.now();
    const response = await fetchImpl(`${base}/api/v1/private/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: checkRequest(bits, prefix, blinded.blinded),
    });
    if (response.status === 429) return { limited: true, retryAfter: response.headers.get('retry-after') };
    if (response.status === 400 && attempt === 1 && bucketBits === undefined) {
      const error = await response.json().catch(() => null);
      if (error?.error?.code === 'invalid_prefix') continue;
      throw new Error(`check: ${response.status}`);
    }
    if (!response.ok) throw new Error(`check: ${response.status}`);
    const answer = readCheckAnswer(config.mode, new Uint8Array(await response.arrayBuffer()));
    timings.answered = performance.now();
    const publicKey = config.publicKey ? hexToBytes(config.publicKey) : null;
    let output;
    try {
      output = finalize(config.mode, input, blinded, answer.evaluated, answer.proof, publicKey);
    } catch (e) {
      throw new ProofError(`the answer does not verify: ${e?.message ?? e}`);
    }
    const found = match(output, config.breaches, answer.entries);
    timings.done = performance.now();
    return { id, found, breachesChecked: config.breaches.length, bucketEntries: answer.count, answerBytes: answer.bytes, timings, mode: config.mode, bits, prefix };
  }
}

// ---- advice (crates/advice: Advice::advise) --------------------------------

const RANK = { now: 0, soon: 1, habit: 2 };

/** The advice items for these exposures in `country` (NL, BE, OTHER), most urgent first. */
export function advise(catalogue, exposures, country) {
  const found = exposures.length > 0;
  const classes = new Set(exposures.flatMap((e) => e.dataClasses));
  const kinds = new Set(exposures.map((e) => e.kind));
  const given = new Set();
  for (const r of catalogue.rules) {
    if (r.found === found
      && (r.classes.length === 0 || r.classes.some((c) => classes.has(c)))
      && (r.kinds.length === 0 || r.kinds.some((k) => kinds.has(k)))
      && (r.countries.length === 0 || r.countries.includes(country))) {
      for (const id of r.give) given.add(id);
    }
  }
  return catalogue.items
    .map((item, i) => [item, i])
    .filter(([item]) => given.has(item.id))
    .sort((a, b) => (RANK[a[0].urgency] - RANK[b[0].urgency]) || (a[1] - b[1]))
    .map(([item]) => item);
}

/** The country advice is for: the phone number's, else the chosen region's. */
export function adviceCountry(id, region) {
  const fromCode = { 31: 'NL', 32: 'BE' };
  if (id.kind === 'phone') return fromCode[id.callingCode] ?? 'OTHER';
  return region === 'NL' || region === 'BE' ? region : 'OTHER';
}
