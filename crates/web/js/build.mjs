// Bundles the browser client (src/page.mjs and what it imports) into one
// static file for the server to embed: `node build.mjs OUT.js`. Run by
// crates/web/build.rs; the bundle is built, never committed.
import { build } from 'esbuild';

const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUT.js');
  process.exit(2);
}
await build({
  entryPoints: [new URL('./src/page.mjs', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'eof',
  outfile: out,
  logLevel: 'warning',
});
