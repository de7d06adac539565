// Where a Worker request's CPU time goes, measured in Node.js (the same V8 as workerd) with an
// in-memory KV that answers each operation as a separate I/O event, so that wrangler's HTTP
// path, its local KV and the noise of other processes are left out. Part of `make bench-worker`.
//
//   node worker/bench/profile.mjs [--entry host|syumai] [--dir worker/build] [--n 3000] [--c 16]
//                                 [--what create|get|list|update|delete] [--baseline|--peer] [--cpu-prof out.cpuprofile]
//
// --entry host runs worker/host.mjs (one Go runtime per isolate); --entry syumai runs the logic
// of syumai/workers' generated entry (a new runtime per request) with the app.wasm of --dir.
// --baseline runs worker/bench/baseline/worker.mjs instead, --peer worker/bench/baseline/create.mjs
// (the JavaScript Worker doing the same create, get, list, update and delete). It prints µs of CPU per request
// (process CPU time, so other processes on the machine do not count).
// With --cpu-prof it writes a V8 CPU profile and prints the self time by category.

import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';
import { categorize } from './cpuprofile.mjs';
import { MemoryKV } from './memkv.mjs';

const { values: args } = parseArgs({
  options: {
    entry: { type: 'string', default: 'host' },
    dir: { type: 'string', default: new URL('../../worker/build', import.meta.url).pathname },
    n: { type: 'string', default: '3000' },
    c: { type: 'string', default: '16' },
    what: { type: 'string', default: 'create' },
    baseline: { type: 'boolean', default: false },
    peer: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(args.n);
const C = Number(args.c);
const root = new URL('../../', import.meta.url).pathname;
const seed = readFileSync(root + 'internal/insight/testdata/seed.json');

function token(secret, sub) {
  const b64 = (s) => Buffer.from(s).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = b64('{"alg":"HS256","typ":"JWT"}') + '.' + b64(JSON.stringify({ sub, scp: 'Sites.ReadWrite.All', iat: now, nbf: now, exp: now + 3600 }));
  return input + '.' + createHmac('sha256', secret).update(input).digest('base64url');
}

async function loadHandler() {
  if (args.baseline || args.peer) {
    const mod = await import(root + 'worker/bench/baseline/' + (args.peer ? 'create.mjs' : 'worker.mjs'));
    return mod.default.fetch;
  }
  const dir = args.dir.replace(/\/$/, '');
  await import(dir + '/wasm_exec.js');
  const module = new WebAssembly.Module(readFileSync(dir + '/app.wasm'));
  if (args.entry === 'host') {
    const { createHost } = await import(dir + '/host.mjs');
    return createHost({ module, Go: globalThis.Go, log: () => {} }).fetch;
  }
  // syumai/workers v0.33.0's generated worker.mjs and runtime.mjs, as they run per request.
  globalThis.tryCatch = (fn) => {
    try {
      return { result: fn() };
    } catch (e) {
      return { error: e };
    }
  };
  return async (req, env, ctx) => {
    const go = new globalThis.Go();
    let ready;
    const readyPromise = new Promise((r) => (ready = r));
    const instance = new WebAssembly.Instance(module, { ...go.importObject, workers: { ready: () => ready() } });
    const binding = {};
    go.run(instance, { env, ctx, binding });
    await readyPromise;
    return binding.handleRequest(req);
  };
}

const fetch = await loadHandler();
const kv = new MemoryKV(Infinity); // the delete run deletes what it created first
const env = { INSIGHTS: kv, AUTH_SECRET: 'profile-secret-0123456789abcdef0123', ALLOWED_ORIGINS: '' };
const auth = 'Bearer ' + token(env.AUTH_SECRET, 'profile-user');
const base = 'http://127.0.0.1:8787';
const ctx = { waitUntil() {}, passThroughOnException() {} };

function makeRequest(what) {
  if (args.baseline || what === 'create') {
    return new Request(base + '/me/insights/used', { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json', 'User-Agent': 'profile' }, body: seed });
  }
  if (what === 'list') return new Request(base + '/me/insights/used?$top=25', { headers: { Authorization: auth, 'User-Agent': 'profile' } });
  if (what === 'update') {
    return new Request(firstLocation, { method: 'PATCH', headers: { Authorization: auth, 'Content-Type': 'application/json', 'User-Agent': 'profile' }, body: '{"lastUsed":{"lastAccessedDateTime":"2026-02-01T00:00:00Z"}}' });
  }
  if (what === 'delete') return new Request(toDelete.pop(), { method: 'DELETE', headers: { Authorization: auth, 'User-Agent': 'profile' } });
  return new Request(firstLocation, { headers: { Authorization: auth, 'User-Agent': 'profile' } });
}

let firstLocation = '';
const toDelete = [];
async function one(what) {
  const res = await fetch(makeRequest(what), env, ctx);
  const text = await res.text();
  const want = args.baseline || what === 'create' ? 201 : what === 'update' || what === 'delete' ? 204 : 200;
  if (res.status !== want) throw new Error(`${what}: status ${res.status}: ${text.slice(0, 300)}`);
  return res;
}

// Records to list and get, and a warm-up.
// For delete, one record per request measured or warming up.
const creates = args.baseline ? 200 : args.what === 'delete' ? N + 260 : 60;
for (let i = 0; i < creates; i++) {
  const res = await one('create');
  if (!firstLocation) firstLocation = res.headers.get('Location') ?? '';
  else if (args.what === 'delete') toDelete.push(res.headers.get('Location'));
}
for (let i = 0; i < 200; i++) await one(args.what);

const session = args['cpu-prof'] ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const opsBefore = { ...kv.ops };
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
let next = 0;
await Promise.all(
  Array.from({ length: C }, async () => {
    while (next++ < N) await one(args.what);
  }),
);
const wall = Number(process.hrtime.bigint() - t0) / 1e3 / N;
const cpu1 = process.cpuUsage(cpu0);
const us = (cpu1.user + cpu1.system) / N;
const ops = Object.fromEntries(Object.entries(kv.ops).map(([k, v]) => [k, (v - opsBefore[k]) / N]));
let categories = null;
if (session) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(args['cpu-prof'], JSON.stringify(profile));
  categories = categorize(profile);
}
const label = args.peer ? 'JS create peer' : args.baseline ? 'JS baseline' : args.entry === 'host' ? 'Go Worker, host adapter' : "Go Worker, syumai/workers' entry";
if (args.json) {
  console.log(JSON.stringify({ label, what: args.what, us, wall, ops, categories }));
} else {
  console.log(`${label}: ${args.what}: ${us.toFixed(1)} µs of CPU per request (wall ${wall.toFixed(1)} µs; ${N} requests, ${C} at once); KV per request: ${JSON.stringify(ops)}`);
  if (categories) {
    for (const [g, share, details] of categories) {
      console.log(`  ${g.padEnd(60)} ${(share * us).toFixed(0).padStart(6)} µs ${(share * 100).toFixed(0).padStart(4)} %`);
      for (const [d, s] of details.slice(0, 4)) if (s >= 0.005) console.log(`    ${d.padEnd(58)} ${(s * us).toFixed(0).padStart(6)} µs`);
    }
  }
}

