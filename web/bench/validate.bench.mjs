// Benchmark of the validator's performance targets: validate through insight.mjs (Go in
// WebAssembly) against ajv 8 with a compiled JSON Schema of the same rules (bench/schema.mjs,
// which says what it covers), JSON.parse included in ajv's time. Run by `make bench-node`;
// bench/browser.bench.mjs measures the same in Chromium, in the playground's page.

import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { load } from '../insight.mjs';
import { seed, valid, payload64K } from '../test/fixtures/payloads.mjs';
import { schema, ajvOptions, formats, escapeSpaces } from './schema.mjs';

const insight = await load();

const ajv = new Ajv(ajvOptions);
addFormats(ajv, formats);
const ajvValidate = ajv.compile(schema);
const viaAjv = (t) => ajvValidate(JSON.parse(t));

const cases = [
  ['seed (3 warnings)', seed],
  ['valid, no problems', escapeSpaces(valid)],
  ['64 KiB valid', escapeSpaces(payload64K())],
];

// Sanity: both accept the cases and reject broken payloads before anything is timed.
for (const [name, t] of cases) {
  const r = insight.validate(t);
  if (!r.valid || !viaAjv(t)) {
    throw new Error(`${name}: usedinsight ${JSON.stringify(r.problems)}, ajv ${JSON.stringify(ajvValidate.errors)}`);
  }
}
const broken = (change) => {
  const p = JSON.parse(valid);
  change(p);
  return JSON.stringify(p);
};
for (const t of [
  broken((p) => { p.lastUsed.lastAccessedDateTime = 'yesterday'; }),
  broken((p) => { p.resourceReference.webUrl = 'javascript:alert(1)'; }),
  broken((p) => { p.colour = 'red'; }),
  broken((p) => { p.id = 'has space'; }),
  broken((p) => { delete p.resourceReference.id; delete p.resourceReference.webUrl; }),
  broken((p) => { delete p.lastUsed; }),
]) {
  if (insight.validate(t).valid || viaAjv(t)) {
    throw new Error(`both must reject ${t}`);
  }
}

// measure warms fn up and returns a function that times one sample of iterations calls, in µs per call.
function measure(fn, iterations) {
  for (let i = 0; i < iterations; i++) {
    fn();
  }
  return () => {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) {
      fn();
    }
    return ((performance.now() - start) * 1000) / iterations;
  };
}
const version = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url))).version;
const median = (xs) => xs.toSorted((a, b) => a - b)[xs.length >> 1];

// Warm both up on every case first (half a second each), so that neither is timed while V8 is
// still compiling it: its optimizing tier compiles hot functions in the background.
for (const [, t] of cases) {
  for (const start = performance.now(); performance.now() - start < 500;) {
    insight.validate(t);
    viaAjv(t);
  }
}

const rows = [];
for (const [name, t] of cases) {
  // Size samples to about 20 ms, then alternate the samples of each so that all see the same machine.
  const t0 = performance.now();
  insight.validate(t);
  viaAjv(t);
  const iterations = Math.max(10, Math.round(20 / Math.max(performance.now() - t0, 0.002)));
  const runs = { usedinsight: measure(() => insight.validate(t), iterations), ajv: measure(() => viaAjv(t), iterations), parse: measure(() => JSON.parse(t), iterations) };
  const samples = { usedinsight: [], ajv: [], parse: [] };
  for (let s = 0; s < 15; s++) {
    for (const k of Object.keys(runs)) {
      samples[k].push(runs[k]());
    }
  }
  const [u, a, p] = ['usedinsight', 'ajv', 'parse'].map((k) => median(samples[k]));
  rows.push([name, String(Buffer.byteLength(t)), u.toFixed(2), a.toFixed(2), p.toFixed(2), (u / a).toFixed(2)]);
}

console.log(`validate: usedinsight (Go in WebAssembly, through insight.mjs) vs ajv ${version('ajv')} + ajv-formats ${version('ajv-formats')}, Node.js ${process.versions.node}; median of 15 samples`);
printTable(['case', 'bytes', 'usedinsight µs/op', 'ajv µs/op', '(ajv JSON.parse)', 'ratio usedinsight/ajv'], rows);
const seedRatio = Number(rows[0][5]);
const bigUs = Number(rows[2][2]);
console.log(`targets: seed no slower than ajv: ${seedRatio <= 1 ? 'met' : `NOT met (${seedRatio}x)`}; 64 KiB under 2 ms: ${bigUs < 2000 ? 'met' : 'NOT met'} (${(bigUs / 1000).toFixed(3)} ms)`);

function printTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
}
