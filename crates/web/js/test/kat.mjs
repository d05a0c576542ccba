// The browser client against the private check's known answers
// (crates/private/tests/kat.json, which the Rust protocol crate is held to
// as well): for each case, the canonical identifier, PRF input, bucket and
// prefix; the request, blinded with the recorded scalar; the answer read;
// the output finalized from it (the proof verified); and what the search
// finds.
//
//   node crates/web/js/test/kat.mjs        exits 1 naming any mismatch

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import {
  bucketOf, bytesToHex, checkRequest, finalize, hexToBytes, match, normalize, prfInput, readCheckAnswer,
} from '../src/core.mjs';
import { fixedScalar } from './fixed-scalar.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const kat = JSON.parse(readFileSync(join(here, '../../../private/tests/kat.json'), 'utf8'));

const failures = [];
let checks = 0;
function eq(actual, expected, what) {
  checks += 1;
  const a = typeof actual === 'string' || typeof actual === 'number' ? actual : JSON.stringify(actual);
  const e = typeof expected === 'string' || typeof expected === 'number' ? expected : JSON.stringify(expected);
  if (a !== e) failures.push(`${what}: got ${a}, want ${e}`);
}

for (const [i, c] of kat.cases.entries()) {
  const name = `case ${i + 1} (${c.mode}, ${c.canonical})`;
  const id = normalize(c.typed, 'NL');
  eq(id?.canonical, c.canonical, `${name} canonical`);
  const input = prfInput(id);
  eq(new TextDecoder().decode(input), c.input, `${name} input`);
  const bucket = bucketOf(input);
  eq(bucket, c.bucket, `${name} bucket`);
  const prefix = c.bits === 0 ? 0 : bucket >>> (24 - c.bits);
  eq(prefix, c.prefix, `${name} prefix`);
  const blinded = ristretto255_oprf[c.mode].blind(input, fixedScalar(c.blind));
  eq(bytesToHex(blinded.blinded), c.blinded, `${name} blinded element`);
  eq(bytesToHex(checkRequest(c.bits, prefix, blinded.blinded)), c.request, `${name} request`);
  const answer = readCheckAnswer(c.mode, hexToBytes(c.answer));
  eq(bytesToHex(answer.evaluated) + bytesToHex(answer.proof), c.evaluation, `${name} evaluation`);
  const output = finalize(c.mode, input, blinded, answer.evaluated, answer.proof, hexToBytes(c.publicKey));
  eq(bytesToHex(output), c.output, `${name} output`);
  const found = match(output, kat.breaches, answer.entries).map((f) => ({ name: f.name, dataClasses: f.dataClasses }));
  const want = c.found.map((f) => ({ name: f.name, dataClasses: f.dataClasses }));
  eq(found, want, `${name} found`);
  if (c.mode === 'voprf') {
    const bad = answer.proof.slice();
    bad[5] ^= 1;
    let refused = false;
    try {
      finalize(c.mode, input, blinded, answer.evaluated, bad, hexToBytes(c.publicKey));
    } catch {
      refused = true;
    }
    checks += 1;
    if (!refused) failures.push(`${name}: a damaged proof was accepted`);
  }
  // A truncated answer is refused, not read.
  let truncated = false;
  try {
    readCheckAnswer(c.mode, hexToBytes(c.answer).slice(0, -1));
  } catch {
    truncated = true;
  }
  checks += 1;
  if (!truncated) failures.push(`${name}: a truncated answer was read`);
}

if (kat.cases.length < 4) failures.push(`only ${kat.cases.length} cases`);
if (failures.length) {
  console.error(`${failures.length} of ${checks} checks failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`private-check known answers: ${checks} checks passed`);
