// A deterministic RNG for known answers: it makes noble's RandomScalar
// return `scalarHex` (32 bytes, little-endian). noble maps 48 little-endian
// bytes x to (x mod (n - 1)) + 1, so this hands out x = s - 1.

import { hexToBytes } from '../src/core.mjs';

export function fixedScalar(scalarHex) {
  const le = hexToBytes(scalarHex);
  let s = 0n;
  for (let i = le.length - 1; i >= 0; i -= 1) s = (s << 8n) | BigInt(le[i]);
  s -= 1n;
  return (len) => {
    const out = new Uint8Array(len);
    let v = s;
    for (let i = 0; i < len; i += 1) { out[i] = Number(v & 0xffn); v >>= 8n; }
    return out;
  };
}
