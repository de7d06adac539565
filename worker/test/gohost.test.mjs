// Tests of the Worker's entry (worker/host.mjs) with the real Go program, built with the
// test-only paths of worker/crashhook.go (-tags hostcrash): the Go runtime's own exit and panic
// paths, as the Workers runtime would see them. worker/hosttest builds it and sets
// USEDINSIGHT_TEST_BUILD to the directory with app.wasm and wasm_exec.js; without it these
// tests are skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHost } from '../host.mjs';
import { HeldKV, settleDown } from './fakego.mjs';

const dir = process.env.USEDINSIGHT_TEST_BUILD;
const skip = dir ? false : 'USEDINSIGHT_TEST_BUILD is not set (go test ./worker/hosttest sets it)';
const base = 'http://127.0.0.1:8787';
const secret = 'gohost-test-secret-0123456789abcdef'; // AUTH_SECRET needs 32 bytes
const seed = readFileSync(new URL('../../internal/insight/testdata/seed.json', import.meta.url));

let module = null;
if (dir) {
  await import(dir + '/wasm_exec.js');
  module = new WebAssembly.Module(readFileSync(dir + '/app.wasm'));
}

function token(sub) {
  const b64 = (s) => Buffer.from(s).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = b64('{"alg":"HS256","typ":"JWT"}') + '.' + b64(JSON.stringify({ sub, scp: 'Sites.ReadWrite.All', iat: now, nbf: now, exp: now + 3600 }));
  return input + '.' + createHmac('sha256', secret).update(input).digest('base64url');
}

function setup(options = {}) {
  const logs = [];
  const host = createHost({ module, Go: globalThis.Go, log: (...a) => logs.push(a.map(String).join(' ')), ...options });
  const als = new AsyncLocalStorage();
  const kv = new HeldKV(als);
  const env = { INSIGHTS: kv, AUTH_SECRET: secret, KV_OP_COUNTS: '1' };
  const auth = 'Bearer ' + token('gohost');
  const call = (name, method, path, body) =>
    als.run(name, () =>
      host.fetch(new Request(base + path, { method, headers: { Authorization: auth, 'Content-Type': 'application/json', 'client-request-id': name }, body }), env, {}),
    );
  const create = (name) => call(name, 'POST', '/me/insights/used', seed);
  return { host, kv, env, call, create, logs };
}

const isPrimary = (key) => /^u\/[^/]+\/r\//.test(key);

test('the real Go program serves concurrent requests on one runtime, KV in each request\'s context', { skip }, async () => {
  const { host, kv, call, create } = setup();
  const res = await Promise.all(Array.from({ length: 12 }, (_, i) => create('c' + i)));
  assert.deepEqual(res.map((r) => r.status), Array(12).fill(201));
  assert.equal(res[0].headers.get('server-timing'), 'kv;desc="1 get, 5 put, 0 list, 0 delete"');
  const list = await call('list', 'GET', '/me/insights/used?$top=5&$count=true');
  const page = await list.json();
  assert.equal(page['@odata.count'], 12);
  assert.equal(page.value.length, 5);
  assert.equal(host.stats.runtimes, 1);
  for (const e of kv.log) assert.match(e.store, /^(c\d+|list)$/);
  // Every operation ran in the context of the request it was for: the creates' stores are the
  // creates, and only the list read in the list's context.
  assert.ok(kv.log.filter((e) => e.store === 'list').every((e) => e.kind === 'list' || e.kind === 'get'));
});

test('a panic in the handler is a 500 for that request only', { skip }, async () => {
  const { host, kv, call, create } = setup();
  kv.hold = (kind) => kind === 'get';
  const inflight = [create('a'), create('b')];
  await settleDown();
  const boom = await call('boom', 'GET', '/__crash/handler');
  assert.equal(boom.status, 500);
  assert.equal((await boom.json()).error.code, 'generalException');
  kv.hold = null;
  kv.release();
  assert.deepEqual((await Promise.all(inflight)).map((r) => r.status), [201, 201]);
  assert.equal(host.stats.deaths, 0);
  assert.equal(host.stats.runtimes, 1);
});

for (const how of ['panic', 'exit']) {
  test(`an unrecovered ${how} ends the program; the requests in flight are replayed or answered, the next request starts a new one`, { skip }, async () => {
    const { host, kv, call, create, logs } = setup();
    // Six creates wait at their first KV get (nothing written yet); one waits at its primary
    // put (its index keys written).
    kv.hold = (kind, key) => kind === 'get' || (kind === 'put' && isPrimary(key));
    const readers = Array.from({ length: 6 }, (_, i) => create('r' + i));
    await settleDown();
    kv.hold = (kind, key) => kind === 'put' && isPrimary(key);
    const writer = create('w');
    await settleDown();
    kv.hold = (kind, key) => kind === 'get' || (kind === 'put' && isPrimary(key));
    const crash = await call('crash', 'GET', '/__crash/' + how);
    assert.equal(crash.status, 500);
    assert.equal(host.stats.deaths, 1);
    assert.ok(logs.some((l) => l.includes('the Go program stopped')), logs.join('\n'));
    // The dead program's operations complete; its requests are on the new program now.
    kv.hold = null;
    kv.release();
    const r = await Promise.all(readers);
    assert.deepEqual(r.map((x) => x.status), Array(6).fill(201), 'the requests that wrote nothing were replayed');
    const w = await writer;
    assert.equal(w.status, 500);
    assert.match((await w.json()).error.message, /may or may not have been stored/);
    assert.equal(w.headers.get('client-request-id'), 'w');
    const after = await create('after');
    assert.equal(after.status, 201);
    assert.equal(host.stats.runtimes, 2);
    assert.equal(host.stats.deaths, 1);
    const n = await call('count', 'GET', '/me/insights/used/$count');
    // The six replayed creates, the one after, and the interrupted one: its primary put had been
    // handed to KV before the program died, and KV completed it. That is why it got a 500 that
    // says its changes may or may not have been stored, and not a replay.
    assert.equal(await n.text(), '8');
  });
}

// Storage faults: a KV operation that fails or never settles is a 503
// serviceNotAvailable with Retry-After for that request, leaves no record half-written (nothing
// listed, counted or readable), and the next request is served normally.
for (const fault of ['fails', 'hangs']) {
  for (const [what, at] of [
    ['get', (kind) => kind === 'get'],
    ['index puts', (kind, key) => kind === 'put' && !isPrimary(key)],
    ['primary put', (kind, key) => kind === 'put' && isPrimary(key)],
  ]) {
    test(`a create whose KV ${what} ${fault} is a 503 with Retry-After and stores nothing`, { skip, timeout: 20_000 }, async () => {
      const { host, kv, call, create } = setup({ kvTimeout: 200 });
      const real = kv.op.bind(kv);
      kv.op = (kind, key, f) => {
        if (!at(kind, key)) return real(kind, key, f);
        if (fault === 'hangs') return new Promise(() => {});
        return real(kind, key, () => {
          throw new Error('injected KV failure');
        });
      };
      const res = await create('faulty');
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '5');
      const body = await res.json();
      assert.equal(body.error.code, 'serviceNotAvailable');
      assert.equal(body.error.innerError['client-request-id'], 'faulty');
      kv.op = real;
      const list = await (await call('list', 'GET', '/me/insights/used?$count=true')).json();
      assert.deepEqual([list['@odata.count'], list.value], [0, []]);
      assert.equal(await (await call('count', 'GET', '/me/insights/used/$count')).text(), '0');
      assert.equal([...kv.m.keys()].filter(isPrimary).length, 0, 'no primary key written');
      assert.equal((await create('after')).status, 201);
      assert.equal(await (await call('count2', 'GET', '/me/insights/used/$count')).text(), '1');
      assert.equal(host.stats.deaths, 0);
    });
  }
}

test('a URL that Go cannot parse is a 400 invalidRequest with the client-request-id', { skip }, async () => {
  const { call } = setup();
  // The Fetch API lets a stray "%" through; Go's url.Parse does not.
  const r = await call('bad-url', 'GET', '/me/insights/used/%zz');
  assert.equal(r.status, 400);
  const e = await r.json();
  assert.equal(e.error.code, 'invalidRequest');
  assert.match(e.error.message, /invalid URL escape "%zz"/);
  assert.equal(e.error.innerError['client-request-id'], 'bad-url');
  assert.equal(r.headers.get('client-request-id'), 'bad-url');
  assert.equal((await call('after', 'GET', '/me/insights/used/$count')).status, 200);
});
