// RFC 9497 Appendix A.1 (ristretto255-SHA512) test vectors, OPRF and VOPRF
// modes, through @noble/curves exactly as the browser client uses it — the
// same vectors file the Rust tests read (crates/prf/tests/data). Also checks
// the entry derivation against the Rust known answer.
//
//   node crates/web/js/test/vectors.mjs        exits 1 naming any mismatch

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { blind, bytesToHex, entryFor, finalize, hexToBytes, padOfEntry } from '../src/core.mjs';
import { fixedScalar } from './fixed-scalar.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const text = readFileSync(join(here, '../../../prf/tests/data/rfc9497-ristretto255-sha512.txt'), 'utf8');

// Sections with their parameters and vectors (values may wrap over lines).
const sections = [];
let last = null;
for (const raw of text.split('\n')) {
  if (raw.startsWith('#') || raw.trim() === '') continue;
  if (raw.startsWith('A.')) {
    last = null;
    const mode = raw.match(/A\.1\.\d+\.\s+(\w+) Mode/);
    if (mode) sections.push({ mode: mode[1], params: {}, vectors: [] });
    else if (raw.includes('Test Vector')) sections.at(-1).vectors.push({});
    continue;
  }
  const line = raw.trim();
  const section = sections.at(-1);
  const map = section.vectors.length ? section.vectors.at(-1) : section.params;
  const kv = line.match(/^(\w+) = (.*)$/);
  if (kv) {
    map[kv[1]] = kv[2];
    last = kv[1];
  } else {
    map[last] += line;
  }
}

const failures = [];
let checks = 0;
function eq(actual, expected, what) {
  checks += 1;
  const a = typeof actual === 'string' ? actual : bytesToHex(actual);
  if (a !== expected) failures.push(`${what}: got ${a}, want ${expected}`);
}

for (const section of sections) {
  const mode = section.mode.toLowerCase();
  if (mode !== 'oprf' && mode !== 'voprf') continue;
  const suite = ristretto255_oprf[mode];
  const keys = suite.deriveKeyPair(hexToBytes(section.params.Seed), hexToBytes(section.params.KeyInfo));
  eq(keys.secretKey, section.params.skSm, `${mode} DeriveKeyPair skSm`);
  if (mode === 'voprf') eq(keys.publicKey, section.params.pkSm, `${mode} DeriveKeyPair pkSm`);
  for (const [i, v] of section.vectors.entries()) {
    if (v.Input.includes(',')) continue; // batches: not used by the client
    const name = `${mode} vector ${i + 1}`;
    const input = hexToBytes(v.Input);
    const b = suite.blind(input, fixedScalar(v.Blind));
    eq(b.blind, v.Blind, `${name} Blind`);
    eq(b.blinded, v.BlindedElement, `${name} BlindedElement`);
    let evaluated;
    if (mode === 'voprf') {
      const e = suite.blindEvaluate(keys.secretKey, keys.publicKey, b.blinded, fixedScalar(v.ProofRandomScalar));
      eq(e.evaluated, v.EvaluationElement, `${name} EvaluationElement`);
      eq(e.proof, v.Proof, `${name} Proof`);
      evaluated = e.evaluated;
      // The client path the page uses, with proof verification.
      eq(finalize(mode, input, b, hexToBytes(v.EvaluationElement), hexToBytes(v.Proof), keys.publicKey), v.Output, `${name} Output (finalize)`);
      let refused = false;
      try {
        const bad = hexToBytes(v.Proof);
        bad[0] ^= 1;
        finalize(mode, input, b, evaluated, bad, keys.publicKey);
      } catch {
        refused = true;
      }
      checks += 1;
      if (!refused) failures.push(`${name}: a damaged proof was accepted`);
    } else {
      evaluated = suite.blindEvaluate(keys.secretKey, b.blinded);
      eq(evaluated, v.EvaluationElement, `${name} EvaluationElement`);
      eq(finalize(mode, input, b, evaluated, null, null), v.Output, `${name} Output (finalize)`);
    }
    eq(suite.evaluate(keys.secretKey, input), v.Output, `${name} Output (evaluate)`);
  }
}

// The entry derivation's known answer (crates/prf/src/entry.rs).
const e = entryFor(new Uint8Array(64).fill(7), 'Telco');
eq(e.tag + e.pad.toString(16).padStart(8, '0').match(/../g).reverse().join(''), '00f0f4a9245fcf7df7321ce2', 'entry derivation');
const le = (u32) => u32.toString(16).padStart(8, '0').match(/../g).reverse().join('');
eq(le(padOfEntry(new Uint8Array(64).fill(7), 'Telco', 0)), le(e.pad), 'entry 0 pad');
eq(le(padOfEntry(new Uint8Array(64).fill(7), 'Telco', 1)), 'f79b24dc', 'entry 1 pad');
eq(le(padOfEntry(new Uint8Array(64).fill(7), 'Telco', 2)), '8f3321b7', 'entry 2 pad');

// Blinding with the real RNG gives fresh blinds.
const x = new TextEncoder().encode('lekradar:v1:phone:+31612345678');
checks += 1;
if (bytesToHex(blind('voprf', x).blinded) === bytesToHex(blind('voprf', x).blinded)) failures.push('blinds repeat');

if (failures.length) {
  console.error(`${failures.length} of ${checks} checks failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`RFC 9497 vectors and entry derivation: ${checks} checks passed`);
