// Canonical identifiers as the browser computes them (src/core.mjs), for the
// differential test against the Rust normalizer
// (crates/lekradar/tests/js_client.rs):
//
//   node crates/web/js/test/normalize.mjs INPUTS.json   # [{"input": "...", "region": "NL"}, ...]
//
// prints a JSON array: the canonical form ("+316…" or "jan@example.nl") or null per input.
import { readFileSync } from 'node:fs';
import { normalize } from '../src/core.mjs';

const inputs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = inputs.map(({ input, region }) => normalize(input, region)?.canonical ?? null);
process.stdout.write(JSON.stringify(out));
