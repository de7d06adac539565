// Tests of worker/precompressed.mjs, the Worker's answer for the playground's large files, with
// a fake ASSETS binding that answers the way Workers static assets do (ETag, Cache-Control, the
// _headers rules, HEAD, 304). web/e2e/precompressed.test.mjs checks the same on a real
// `wrangler dev`. Run: node --test worker/test/ (go test ./worker/hosttest does).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createPrecompressed, chooseEncoding, precompressed } from '../precompressed.mjs';
import { stripJSONC } from '../../web/e2e/harness.mjs';

const base = 'http://127.0.0.1:8787';
const chromium = 'gzip, deflate, br, zstd';

test('chooseEncoding follows the q-values of Accept-Encoding, ties to br', () => {
  for (const [header, want, clientFirst = false] of [
    [chromium, 'br'],
    [chromium, 'gzip', true], // on loopback: the first listed, as wrangler dev would re-encode to it
    ['br, gzip', 'br', true],
    ['gzip, br', 'br'],
    ['br', 'br'],
    ['br', 'br', true],
    ['gzip', 'gzip'],
    ['gzip, deflate', 'gzip', true],
    ['BR', 'br'],
    [' gzip ; q=0.5 , br ; q=0.8 ', 'br'],
    ['br;q=0.4, gzip;q=0.5', 'gzip'],
    ['gzip;q=0.5, br;q=0.5', 'gzip', true],
    ['gzip;q=0.5, br;q=0.5', 'br'],
    ['br;q=0.5, gzip;q=0.5', 'br', true],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', null],
    ['br;Q=1.000', 'br'],
    ['*', 'br'],
    ['*', 'br', true],
    ['gzip, *', 'gzip', true],
    ['gzip, *;q=0.5', 'gzip'],
    ['*;q=0', null],
    ['br;q=0.5, identity', null],
    ['identity;q=0.5, br', 'br'],
    ['identity', null],
    ['deflate, zstd', null],
    ['', null],
    ['br;q=2', null], // not a q-value: the element is ignored
    ['br;q=x, gzip', 'gzip'],
    ['br, br;q=0', 'br'], // the first of a coding named twice counts
  ]) {
    assert.equal(chooseEncoding(header, clientFirst), want, `${JSON.stringify(header)}${clientFirst ? ' (loopback)' : ''}`);
  }
});

test('wrangler.jsonc sends exactly the precompressed paths to the Worker first', () => {
  const config = JSON.parse(stripJSONC(readFileSync(new URL('../wrangler.jsonc', import.meta.url), 'utf8')));
  assert.equal(config.assets.binding, 'ASSETS');
  assert.deepEqual([...config.assets.run_worker_first].sort(), [...precompressed.keys()].sort());
});

// fakeAssets serves files the way Workers static assets do, and counts what it is asked for.
function fakeAssets(files) {
  const asked = [];
  const security = { 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'" };
  return {
    asked,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      asked.push(`${request.method} ${path}`);
      const body = files[path];
      if (body === undefined) {
        return new Response('not found', { status: 404, headers: security });
      }
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      const headers = { ETag: etag, 'Cache-Control': 'public, max-age=0, must-revalidate', ...security };
      if (path.endsWith('.wasm')) headers['Content-Type'] = 'application/wasm';
      if (path.endsWith('.gz')) headers['Content-Type'] = 'application/gzip';
      if ([etag, `W/${etag}`].includes(request.headers.get('If-None-Match') ?? '')) {
        return new Response(null, { status: 304, headers });
      }
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
    },
  };
}

const wasm = Buffer.from('\0asm plain module');
const files = {
  '/insight.wasm': wasm,
  '/insight.wasm.br': Buffer.from('brotli bytes'),
  '/insight.wasm.gz': Buffer.from('gzip bytes'),
  '/dist/playground.js': Buffer.from('export {};'),
  '/dist/playground.js.gz': Buffer.from('gzip js'),
};

function setup(filesOf = files) {
  const assets = fakeAssets(filesOf);
  const serve = createPrecompressed();
  const call = async (path, { method = 'GET', headers = {}, cf } = {}) => {
    const request = new Request(base + path, { method, headers });
    if (cf) Object.defineProperty(request, 'cf', { value: cf });
    const res = await serve(request, { ASSETS: assets });
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  };
  return { assets, serve, call };
}

test('other paths and a Worker without ASSETS are left to the caller', () => {
  const { serve, assets } = setup();
  for (const path of ['/', '/me/insights/used', '/insight.wasm.br', '/dist/playground.js.gz', '/insight.mjs', '/v1.0/insight.wasm']) {
    assert.equal(serve(new Request(base + path, { headers: { 'Accept-Encoding': 'br' } }), { ASSETS: assets }), null, path);
  }
  assert.equal(serve(new Request(`${base}/insight.wasm`), {}), null);
  assert.deepEqual(assets.asked, []);
});

test('sends the copy as it is, with the headers static assets gave it, read once', async () => {
  const { call, assets } = setup();
  for (let i = 0; i < 3; i++) {
    const { res, body } = await call('/insight.wasm', { headers: { 'Accept-Encoding': chromium } });
    assert.equal(res.status, 200);
    assert.deepEqual(body, files['/insight.wasm.br']);
    assert.equal(res.headers.get('Content-Encoding'), 'br');
    assert.equal(res.headers.get('Content-Type'), 'application/wasm');
    assert.equal(res.headers.get('ETag'), `"${createHash('md5').update(files['/insight.wasm.br']).digest('hex')}"`);
    assert.equal(res.headers.get('Cache-Control'), 'public, max-age=0, must-revalidate');
    assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff');
    assert.equal(res.headers.get('Content-Security-Policy'), "default-src 'none'");
    assert.equal(res.headers.get('Vary'), 'Accept-Encoding');
  }
  assert.deepEqual(assets.asked, ['GET /insight.wasm.br']);

  const { res, body } = await call('/insight.wasm', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.deepEqual([res.headers.get('Content-Encoding'), body], ['gzip', files['/insight.wasm.gz']]);
  const js = await call('/dist/playground.js', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.deepEqual([js.res.headers.get('Content-Type'), js.res.headers.get('Content-Encoding'), js.body], ['text/javascript; charset=utf-8', 'gzip', files['/dist/playground.js.gz']]);
  assert.deepEqual(assets.asked, ['GET /insight.wasm.br', 'GET /insight.wasm.gz', 'GET /dist/playground.js.gz']);
});

test('reads the client\'s Accept-Encoding from request.cf, and follows its order on loopback', async () => {
  const { call } = setup();
  // The runtime sets the header to "br, gzip" and keeps the client's in cf.clientAcceptEncoding.
  let { res } = await call('/insight.wasm', { headers: { 'Accept-Encoding': 'br, gzip' }, cf: { clientAcceptEncoding: 'gzip' } });
  assert.equal(res.headers.get('Content-Encoding'), 'gzip');
  ({ res } = await call('/insight.wasm', { headers: { 'Accept-Encoding': 'br, gzip' }, cf: { clientAcceptEncoding: '' } }));
  assert.equal(res.headers.get('Content-Encoding'), null);
  ({ res } = await call('/insight.wasm', { headers: { 'Accept-Encoding': chromium, 'CF-Connecting-IP': '127.0.0.1' } }));
  assert.equal(res.headers.get('Content-Encoding'), 'gzip');
  ({ res } = await call('/insight.wasm', { headers: { 'Accept-Encoding': chromium, 'CF-Connecting-IP': '::1' } }));
  assert.equal(res.headers.get('Content-Encoding'), 'gzip');
  ({ res } = await call('/insight.wasm', { headers: { 'Accept-Encoding': chromium, 'CF-Connecting-IP': '203.0.113.7' } }));
  assert.equal(res.headers.get('Content-Encoding'), 'br');
});

test('HEAD has the headers of GET and no body; a matching If-None-Match is a 304', async () => {
  const { call } = setup();
  const get = await call('/insight.wasm', { headers: { 'Accept-Encoding': 'br' } });
  const head = await call('/insight.wasm', { method: 'HEAD', headers: { 'Accept-Encoding': 'br' } });
  assert.equal(head.res.status, 200);
  assert.equal(head.body.length, 0);
  assert.deepEqual([...head.res.headers], [...get.res.headers]);
  const etag = get.res.headers.get('ETag');
  for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const { res, body } = await call('/insight.wasm', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': inm } });
    assert.equal(res.status, 304, inm);
    assert.equal(body.length, 0);
    assert.equal(res.headers.get('ETag'), etag);
    assert.equal(res.headers.get('Content-Encoding'), 'br');
  }
  const other = await call('/insight.wasm', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': '"other"' } });
  assert.equal(other.res.status, 200);
  // The gzip copy is another representation, with another ETag.
  const gz = await call('/insight.wasm', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': etag } });
  assert.equal(gz.res.status, 200);
  assert.notEqual(gz.res.headers.get('ETag'), etag);
});

test('the file itself from static assets: no acceptable encoding, a Range, another method, a missing copy', async () => {
  const { call, assets } = setup();
  for (const [what, options] of [
    ['identity', { headers: { 'Accept-Encoding': 'identity' } }],
    ['no Accept-Encoding', {}],
    ['a Range', { headers: { 'Accept-Encoding': 'br', Range: 'bytes=0-3' } }],
  ]) {
    const { res, body } = await call('/insight.wasm', options);
    assert.equal(res.status, 200, what);
    assert.deepEqual(body, wasm, what);
    assert.equal(res.headers.get('Content-Encoding'), null, what);
    assert.equal(res.headers.get('Content-Type'), 'application/wasm', what);
    assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff', what);
    assert.equal(res.headers.get('Vary'), 'Accept-Encoding', what);
  }
  const post = await call('/insight.wasm', { method: 'POST', headers: { 'Accept-Encoding': 'br' } });
  assert.equal(post.res.status, 200); // whatever static assets answer (Workers static assets: 405)
  assert.equal(assets.asked.at(-1), 'POST /insight.wasm');

  // dist/playground.js has no .br copy here: a br-only client gets the file.
  const js = await call('/dist/playground.js', { headers: { 'Accept-Encoding': 'br' } });
  assert.deepEqual([js.res.headers.get('Content-Encoding'), js.body], [null, files['/dist/playground.js']]);
  assert.deepEqual(assets.asked.slice(-2), ['GET /dist/playground.js.br', 'GET /dist/playground.js']);
});

test('a failed read of a copy falls back to the file and is tried again', async () => {
  const { assets, serve } = setup();
  const fetchFile = assets.fetch;
  let fail = true;
  assets.fetch = (request) => (fail && request.url.endsWith('.br') ? Promise.reject(new Error('boom')) : fetchFile(request));
  const call = async () => {
    const res = await serve(new Request(`${base}/insight.wasm`, { headers: { 'Accept-Encoding': 'br' } }), { ASSETS: assets });
    return [res.headers.get('Content-Encoding'), Buffer.from(await res.arrayBuffer())];
  };
  assert.deepEqual(await call(), [null, wasm]);
  fail = false;
  assert.deepEqual(await call(), ['br', files['/insight.wasm.br']]);
});
