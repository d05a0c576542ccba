// Client time of the private check in headless Chromium, for bench/private.sh:
//
//   node e2e/private-timing.mjs BASE_URL NUMBERS_FILE [COUNT]
//
// Loads the check page once and submits COUNT numbers from NUMBERS_FILE one
// after another, as a person would (typing, Enter), reading the timings the
// page records on its result (data-client-ms: from submit to drawn result,
// including both round trips; data-crypto-ms: normalizing, blinding,
// verifying the proof, unblinding and unsealing). The first check runs on
// cold JIT and is reported apart. Prints one line of figures.

import { readFile } from 'node:fs/promises';
import { launch } from './browser.mjs';

const [base, numbersFile, countArg] = process.argv.slice(2);
if (!base || !numbersFile) {
  console.error('usage: node e2e/private-timing.mjs BASE_URL NUMBERS_FILE [COUNT]');
  process.exit(2);
}
const count = Number(countArg ?? 30);
const numbers = (await readFile(numbersFile, 'utf8')).split('\n').filter((l) => l.trim()).slice(0, count);

const { page, close } = await launch();
const runs = [];
try {
  await page.goto(`${base}/?lang=en`);
  for (const number of numbers) {
    await page.evaluate(() => {
      const out = document.getElementById('private-result');
      delete out.dataset.clientMs;
      out.hidden = true;
    });
    await page.fill('#account', number);
    await page.press('#account', 'Enter');
    await page.waitForSelector('#private-result[data-client-ms]:not([hidden])', { timeout: 15000 });
    runs.push(await page.$eval('#private-result', (e) => ({
      client: Number(e.dataset.clientMs),
      crypto: Number(e.dataset.cryptoMs),
      bytes: Number(e.dataset.answerBytes),
      entries: Number(e.dataset.bucketEntries),
    })));
  }
} finally {
  await close();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
const [first, ...warm] = runs;
console.log([
  `checks ${runs.length}`,
  `first_client_ms ${first.client.toFixed(1)} first_crypto_ms ${first.crypto.toFixed(1)}`,
  `warm_client_ms_median ${median(warm.map((r) => r.client)).toFixed(1)} warm_client_ms_p90 ${p90(warm.map((r) => r.client)).toFixed(1)}`,
  `warm_crypto_ms_median ${median(warm.map((r) => r.crypto)).toFixed(1)}`,
  `answer_bytes_median ${median(runs.map((r) => r.bytes))} entries_median ${median(runs.map((r) => r.entries))}`,
].join(' '));
