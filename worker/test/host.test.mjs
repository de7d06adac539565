// Tests of the Worker's JavaScript entry (worker/host.mjs) with a fake Go program (fakego.mjs):
// one runtime per isolate, many requests at once, env and I/O per request, and what happens
// when the Go program exits or traps with requests in flight. worker/test/gohost.test.mjs runs
// the real Go program. Run: node --test worker/test/ (go test ./worker/hosttest does).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHost } from '../host.mjs';
import { fakeGo, HeldKV, settleDown } from './fakego.mjs';

const base = 'http://127.0.0.1:8787';

function setup(handlers, opts = {}) {
  const fake = fakeGo(handlers, opts);
  const logs = [];
  const host = createHost({ module: null, Go: fake.Go, instantiate: fake.instantiate, log: (...a) => logs.push(a.join(' ')), ...opts });
  const als = new AsyncLocalStorage();
  const kv = new HeldKV(als);
  const env = { INSIGHTS: kv, NAME: 'first' };
  // Each call runs in its own AsyncLocalStorage store, as each Worker request has its own I/O context.
  const call = (name, path, init = {}, e = env) => als.run(name, () => host.fetch(new Request(base + path, init), e, { name }));
  return { fake, host, kv, env, als, call, logs };
}

const json = (status, value) => ({ status, headers: [['Content-Type', 'application/json']], body: JSON.stringify(value) });

test('one Go runtime serves many requests at once', async () => {
  const { fake, kv, call } = setup({
    *default(req) {
      const v = yield ['get', 'k' + req.url.searchParams.get('i')];
      yield ['put', 'k' + req.url.searchParams.get('i'), 'v' + req.url.searchParams.get('i')];
      return json(200, { id: req.id, before: v });
    },
  });
  kv.hold = (kind) => kind === 'get';
  const pending = Array.from({ length: 20 }, (_, i) => call('r' + i, '/x?i=' + i));
  await settleDown();
  assert.equal(kv.held.length, 20, 'all 20 requests are in flight in Go at once');
  kv.hold = null;
  kv.release();
  const res = await Promise.all(pending);
  assert.deepEqual(res.map((r) => r.status), Array(20).fill(200));
  assert.equal(fake.instances.length, 1);
  assert.equal(fake.instances[0].served.length, 20);
  assert.equal(fake.instances[0].goroutines, 0);
  assert.equal(kv.m.size, 20);
});

test('each request gets its own env and its KV binding', async () => {
  const { call, kv, env } = setup({
    *default(req) {
      yield ['put', 'who', req.env.NAME];
      const v = yield ['get', 'who'];
      return json(200, { env: req.env.NAME, envId: req.envId, read: v });
    },
  });
  const other = new HeldKV(kv.als);
  const env2 = { INSIGHTS: other, NAME: 'second' };
  const [a, b, c] = await Promise.all([call('a', '/'), call('b', '/', {}, env2), call('c', '/')]);
  const [ja, jb, jc] = [await a.json(), await b.json(), await c.json()];
  assert.deepEqual([ja.env, ja.read], ['first', 'first']);
  assert.deepEqual([jb.env, jb.read], ['second', 'second']);
  assert.equal(ja.envId, jc.envId, 'the same env object keeps its number');
  assert.notEqual(ja.envId, jb.envId);
  assert.equal(new TextDecoder().decode(kv.m.get('who')), 'first');
  assert.equal(new TextDecoder().decode(other.m.get('who')), 'second');
  assert.equal(env.NAME, 'first');
});

test("KV I/O starts in the request's own context even when another request resumed Go", async () => {
  const { call, kv } = setup({
    *'/a'() {
      yield ['wait', 'gate']; // woken by b, while Go runs on b's behalf
      const v = yield ['get', 'a-key'];
      return json(200, { v });
    },
    *'/b'() {
      yield ['get', 'b-key'];
      yield ['signal', 'gate'];
      return json(200, {});
    },
  });
  const a = call('A', '/a');
  await settleDown();
  const b = call('B', '/b');
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(ra.status, 200);
  assert.equal(rb.status, 200);
  const aGet = kv.log.find((e) => e.key === 'a-key');
  assert.equal(aGet.store, 'A', "a's get was started in a's own context (its mailbox), not b's");
  assert.equal(kv.log.find((e) => e.key === 'b-key').store, 'B');
});

test('responses: status, headers, a body or none', async () => {
  const { call } = setup({
    *'/created'() {
      return { status: 201, headers: [['Location', base + '/x/1'], ['X-Two', 'a'], ['X-Two', 'b']], body: 'made' };
    },
    *'/empty'() {
      return { status: 204, headers: [['request-id', '1']], body: '' };
    },
    *'/echo'(req) {
      return { status: 200, headers: [], body: req.method + ' ' + (req.headers.get('x-h') ?? null) + ' ' + (req.body === null ? 'null' : new TextDecoder().decode(req.body)) };
    },
  });
  const r1 = await call('1', '/created');
  assert.equal(r1.status, 201);
  assert.equal(r1.headers.get('location'), base + '/x/1');
  assert.equal(r1.headers.get('x-two'), 'a, b');
  assert.equal(await r1.text(), 'made');
  const r2 = await call('2', '/empty');
  assert.equal(r2.status, 204);
  assert.equal(r2.body, null);
  const r3 = await call('3', '/echo', { method: 'POST', headers: { 'X-H': 'hé' }, body: 'ünïcode' });
  assert.equal(await r3.text(), 'POST hé ünïcode');
  const r4 = await call('4', '/echo');
  assert.equal(await r4.text(), 'GET null null');
});

test('a body is read up to what Go reads, with or without Content-Length', async () => {
  const { call } = setup({
    *default(req) {
      return { status: 200, headers: [], body: String(req.body.length) };
    },
  }, { maxBody: 1000 });
  const small = await call('s', '/', { method: 'POST', body: 'x'.repeat(999) });
  assert.equal(await small.text(), '999');
  const big = await call('b', '/', { method: 'POST', body: 'x'.repeat(5000) });
  assert.equal(await big.text(), '1000');
  const chunks = new ReadableStream({
    start(c) {
      for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('y'.repeat(300)));
      c.close();
    },
  });
  const streamed = await call('c', '/', { method: 'POST', body: chunks, duplex: 'half' });
  assert.equal(await streamed.text(), '1000');
});

test('the rest of a longer body is read before the answer, up to drain bytes; beyond, cancelled', async () => {
  const { call } = setup({
    *default(req) {
      return { status: 413, headers: [], body: String(req.body.length) };
    },
  }, { maxBody: 1000, drain: 3000 });
  // A body of n chunks of 500 bytes that counts what was pulled and whether it was cancelled.
  const body = (n) => {
    const s = { pulled: 0, cancelled: false };
    s.stream = new ReadableStream({
      pull(c) {
        if (s.pulled === n * 500) return c.close();
        s.pulled += 500;
        c.enqueue(new TextEncoder().encode('z'.repeat(500)));
      },
      cancel() {
        s.cancelled = true;
      },
    }, { highWaterMark: 0 });
    return s;
  };
  const drained = body(7); // 3,500 bytes: 1,000 for Go, 2,500 to drop
  const r1 = await call('d', '/', { method: 'POST', body: drained.stream, duplex: 'half' });
  assert.equal(r1.status, 413);
  assert.equal(await r1.text(), '1000');
  assert.equal(drained.pulled, 3500, 'read to its end');
  assert.equal(drained.cancelled, false);
  const long = body(100); // 50,000 bytes
  const r2 = await call('l', '/', { method: 'POST', body: long.stream, duplex: 'half' });
  assert.equal(await r2.text(), '1000');
  assert.ok(long.pulled < 50000, `pulled ${long.pulled} of 50000 bytes`);
  assert.equal(long.cancelled, true);
});

test('a body that cannot be read is a 400 invalidRequest, and Go never sees it', async () => {
  const { call, fake } = setup({
    *default() {
      return { status: 200, headers: [], body: 'served' };
    },
  });
  const broken = new ReadableStream({
    pull(c) {
      c.error(new Error('invalid HTTP chunk size'));
    },
  });
  const r = await call('b', '/', { method: 'POST', body: broken, duplex: 'half', headers: { 'client-request-id': 'mine-b' } });
  assert.equal(r.status, 400);
  const e = await r.json();
  assert.equal(e.error.code, 'invalidRequest');
  assert.equal(e.error.innerError['client-request-id'], 'mine-b');
  assert.equal(r.headers.get('client-request-id'), 'mine-b');
  assert.equal(fake.instances[0].served.length, 0);
  const ok = await call('n', '/', { method: 'POST', body: 'x' });
  assert.equal(await ok.text(), 'served');
});

// The crash tests: requests wait at their KV gets (held) while another request ends the program.
function crashSetup(kill) {
  return setup({
    *'/read'(req) {
      const v = yield ['get', 'r-' + req.url.searchParams.get('i')];
      return json(200, { v, served: req.id });
    },
    *'/write'(req) {
      yield ['put', 'w-' + req.url.searchParams.get('i'), 'x'];
      yield ['get', 'w-' + req.url.searchParams.get('i')];
      return json(201, {});
    },
    *'/kill'() {
      yield kill;
      return json(200, {});
    },
  });
}

for (const [what, kill] of [['exits', ['exit', 2]], ['traps', ['trap']]]) {
  test(`when the Go program ${what}, requests in flight that wrote nothing are replayed on a new one`, async () => {
    const { fake, host, kv, call, logs } = crashSetup(kill);
    kv.hold = (kind, key) => kind === 'get' && (key.startsWith('r-') || key.startsWith('w-'));
    const reads = [1, 2, 3].map((i) => call('read' + i, '/read?i=' + i));
    const write = call('write', '/write?i=1', { method: 'POST', headers: { 'client-request-id': 'mine-1' } });
    await settleDown();
    assert.equal(kv.held.length, 4);
    const killer = await Promise.race([call('kill', '/kill'), settleDown(50).then(() => 'pending')]);
    // The request that was running when the program died is the suspect: a 500, no replay.
    assert.notEqual(killer, 'pending');
    assert.equal(killer.status, 500);
    assert.equal((await killer.json()).error.code, 'generalException');
    kv.hold = null;
    kv.release(); // the dead runtimes' operations complete; nobody listens
    const [r1, r2, r3] = await Promise.all(reads);
    for (const r of [r1, r2, r3]) assert.equal(r.status, 200);
    const w = await write;
    assert.equal(w.status, 500, 'a request that wrote is not replayed');
    const body = await w.json();
    assert.equal(body.error.code, 'generalException');
    assert.match(body.error.message, /may or may not have been stored/);
    assert.equal(body.error.innerError['client-request-id'], 'mine-1');
    assert.equal(w.headers.get('client-request-id'), 'mine-1');
    assert.equal(w.headers.get('odata-version'), '4.0');
    assert.equal(host.stats.deaths, 1);
    assert.equal(host.stats.replays, 3);
    assert.equal(fake.instances.length, 2);
    assert.ok(logs.some((l) => l.includes('the Go program stopped')));
    // The next request is served by a live runtime.
    const next = await call('next', '/read?i=9');
    assert.equal(next.status, 200);
    assert.equal(fake.instances.at(-1).go.exited, false);
    assert.ok(fake.instances.at(-1).served.length >= 1);
  });
}

test('the request that was running when the program died is not replayed', async () => {
  const { host, call } = setup({
    *default() {
      yield ['exit', 2];
      return json(200, {});
    },
  });
  const r = await call('x', '/');
  assert.equal(r.status, 500);
  assert.equal(host.stats.replays, 0);
  assert.equal(host.stats.deaths, 1);
});

test('a request is replayed at most `replays` times', async () => {
  // Every runtime dies of a request that has nothing to do with the one waiting.
  const { host, kv, call } = setup({
    *'/wait'() {
      yield ['get', 'slow'];
      return json(200, {});
    },
    *'/kill'() {
      yield ['exit', 2];
      return json(200, {});
    },
  }, { replays: 2 });
  kv.hold = (kind, key) => key === 'slow';
  const waiting = call('w', '/wait');
  for (let i = 0; i < 3; i++) {
    await settleDown();
    const k = await call('k' + i, '/kill');
    assert.equal(k.status, 500);
  }
  const r = await waiting;
  assert.equal(r.status, 500);
  assert.equal(host.stats.replays, 2);
  assert.equal(host.stats.deaths, 3);
});

test('the requests of a runtime that died are not served twice', async () => {
  const { fake, kv, call } = crashSetup(['exit', 3]);
  kv.hold = (kind, key) => kind === 'get' && key.startsWith('r-');
  const read = call('read', '/read?i=1');
  await settleDown();
  await call('kill', '/kill');
  kv.hold = null;
  kv.release();
  const r = await read;
  assert.equal(r.status, 200);
  const { served } = await r.json();
  // Served by a later runtime (the replay), and the first runtime's late KV answer was dropped.
  const firstRuntime = fake.instances[0];
  assert.ok(firstRuntime.go.exited);
  assert.ok(fake.instances.slice(1).some((inst) => inst.served.includes(served)));
  assert.equal(firstRuntime.waiting.size, 1, 'the dead runtime got no settle');
});

test('requests whose clients left stop waiting: their KV operations fail after staleAfter', async () => {
  const { fake, kv, call } = setup({
    *'/stuck'() {
      try {
        yield ['get', 'never'];
      } catch (err) {
        return json(503, { err: err.message });
      }
      return json(200, {});
    },
    *'/ok'() {
      return json(200, {});
    },
  }, { staleAfter: 0 });
  kv.hold = (kind, key) => key === 'never';
  const stuck = call('stuck', '/stuck');
  stuck.catch(() => {});
  await settleDown();
  assert.equal(fake.instances[0].goroutines, 1);
  await new Promise((r) => setTimeout(r, 5));
  const ok = await call('ok', '/ok'); // dispatching sweeps
  assert.equal(ok.status, 200);
  await settleDown();
  assert.equal(fake.instances[0].goroutines, 0, "the stale request's goroutine ended");
});

test('a response the Fetch API refuses is a 500, not a hang', async () => {
  const { call, logs } = setup({
    *default() {
      return { status: 200, headers: [['X-Bad', 'smile \u263a']], body: 'x' };
    },
  });
  const r = await call('bad', '/');
  assert.equal(r.status, 500);
  assert.equal((await r.json()).error.code, 'generalException');
  assert.ok(logs.some((l) => l.includes('could not be made')));
});

test('a KV operation that never settles fails after kvTimeout, each measured from its own start', async () => {
  const kvTimeout = 150;
  const events = [];
  const { call, kv } = setup({
    *'/hang'() {
      for (const key of ['first', 'second']) {
        try {
          yield ['get', key];
          events.push([key, 'answered']);
        } catch (err) {
          events.push([key, err.message, Date.now()]);
        }
      }
      return json(503, events);
    },
  }, { kvTimeout });
  kv.hold = () => true; // nothing ever settles
  const start = Date.now();
  const res = await call('hang', '/hang');
  assert.equal(res.status, 503);
  assert.deepEqual(events.map(([key, message]) => [key, message]), [
    ['first', `KV get timed out after ${kvTimeout} ms`],
    ['second', `KV get timed out after ${kvTimeout} ms`],
  ]);
  // The second get started when the first failed: it has a deadline of its own, not the first's timer.
  assert.ok(events[0][2] - start >= kvTimeout, 'the first get failed before its deadline');
  assert.ok(events[1][2] - events[0][2] >= kvTimeout, 'the second get failed before its deadline');
});
