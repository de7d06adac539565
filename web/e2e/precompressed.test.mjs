// The playground's large files from their precompressed copies (worker/precompressed.mjs,
// so that the page is ready soon after navigation with an empty cache), on a real `wrangler dev`
// of its own (e2e/harness.mjs), checked the way a client would: what comes for each
// Accept-Encoding is the copy `make web-precompressed` built, byte for byte (so nothing
// compressed it again), it decodes to exactly the file in web/, with its media type and the
// headers every static file has; HEAD and If-None-Match work; clients that accept neither
// encoding get the file itself; the API is answered as before; and in Chromium the page gets
// ready, compiling the module while it streams.
//
// Run by `make test-browser`; directly: `cd web && node --test e2e/precompressed.test.mjs`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startWrangler, devToken } from './harness.mjs';
import { launch, watch } from './browser.mjs';

const chromium = 'gzip, deflate, br, zstd'; // what Chromium sends (to http://127.0.0.1 too)
const remote = { 'CF-Connecting-IP': '203.0.113.7' }; // a client elsewhere (wrangler dev keeps this header)
const files = [
  { path: '/insight.wasm', type: 'application/wasm' },
  { path: '/dist/playground.js', type: 'text/javascript; charset=utf-8' },
];

let server;
const bytes = {}; // the snapshot of web/ that wrangler dev serves: each file and its copies

before(async () => {
  server = await startWrangler();
  for (const { path } of files) {
    for (const suffix of ['', '.br', '.gz']) {
      try {
        bytes[path + suffix] = await readFile(server.assets + path + suffix);
      } catch (e) {
        throw new Error(`web${path}${suffix} is missing (${e.code}): run \`make web-precompressed\` (make test-browser does)`);
      }
    }
  }
});

after(async () => {
  await server?.stop();
});

// get sends one request with node:http, which leaves the body as it came (fetch would decode it).
function get(path, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    request(server.base + path, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (b) => chunks.push(b));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

function decoded(r) {
  const enc = r.headers['content-encoding'];
  return enc === 'br' ? brotliDecompressSync(r.body) : enc === 'gzip' ? gunzipSync(r.body) : r.body;
}

// asStaticFile checks the headers every file of the playground gets from static assets.
function asStaticFile(r, type, what) {
  assert.equal(r.headers['content-type'], type, `${what}: Content-Type`);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
  assert.match(r.headers['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/, `${what}: Content-Security-Policy`);
  assert.equal(r.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
  assert.match(r.headers.etag ?? '', /^(W\/)?"[^"]+"$/, `${what}: ETag`);
  assert.match(r.headers['cache-control'] ?? '', /must-revalidate/, `${what}: Cache-Control`);
  assert.match(r.headers.vary ?? '', /accept-encoding/i, `${what}: Vary`);
}

describe('precompressed files', () => {
  for (const { path, type } of files) {
    it(`${path}: the copy for each Accept-Encoding, as built, decoding to the file`, async () => {
      const file = bytes[path];
      assert.deepEqual(brotliDecompressSync(bytes[`${path}.br`]), file, `web${path}.br is not web${path} compressed: run make web-precompressed`);
      assert.deepEqual(gunzipSync(bytes[`${path}.gz`]), file, `web${path}.gz is not web${path} compressed: run make web-precompressed`);
      for (const [acceptEncoding, headers, copy] of [
        ['br', {}, '.br'],
        ['br, gzip', {}, '.br'],
        [chromium, remote, '.br'], // from elsewhere, br (wrangler dev re-encodes it to gzip: checked below only as bytes)
        [chromium, {}, '.gz'], // from this machine, what wrangler dev would choose itself
        ['gzip', {}, '.gz'],
        ['gzip', remote, '.gz'],
        ['br;q=0.5, gzip', {}, '.gz'],
        ['identity', {}, ''],
        ['deflate', {}, ''],
        [undefined, {}, ''],
      ]) {
        const what = `${path} with Accept-Encoding ${JSON.stringify(acceptEncoding)}${headers === remote ? ' from elsewhere' : ''}`;
        const r = await get(path, { headers: acceptEncoding === undefined ? headers : { 'Accept-Encoding': acceptEncoding, ...headers } });
        assert.equal(r.status, 200, what);
        asStaticFile(r, type, what);
        assert.deepEqual(decoded(r), file, `${what}: decodes to web${path}`);
        if (acceptEncoding === chromium && headers === remote) {
          continue; // wrangler dev 4.86 sends Chromium gzip, whatever the Worker answered
        }
        assert.equal(r.headers['content-encoding'], { '.br': 'br', '.gz': 'gzip', '': undefined }[copy], `${what}: Content-Encoding`);
        assert.ok(r.body.equals(bytes[path + copy]), `${what}: sent ${r.body.length} bytes, not the ${copy || 'plain file'}'s ${bytes[path + copy].length}`);
      }
    });

    it(`${path}: HEAD and If-None-Match`, async () => {
      for (const acceptEncoding of ['br', 'gzip', 'identity']) {
        const got = await get(path, { headers: { 'Accept-Encoding': acceptEncoding } });
        const head = await get(path, { method: 'HEAD', headers: { 'Accept-Encoding': acceptEncoding } });
        assert.equal(head.status, 200);
        assert.equal(head.body.length, 0);
        asStaticFile(head, type, `HEAD ${path} ${acceptEncoding}`);
        for (const h of ['content-encoding', 'etag', 'cache-control']) {
          assert.equal(head.headers[h], got.headers[h], `HEAD ${path} ${acceptEncoding}: ${h}`);
        }
        const again = await get(path, { headers: { 'Accept-Encoding': acceptEncoding, 'If-None-Match': got.headers.etag } });
        assert.equal(again.status, 304, `${path} ${acceptEncoding} revalidated`);
        assert.equal(again.body.length, 0);
        assert.equal(again.headers.etag, got.headers.etag);
      }
      // Each representation has its own validator.
      const br = await get(path, { headers: { 'Accept-Encoding': 'br' } });
      const gz = await get(path, { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': br.headers.etag } });
      assert.equal(gz.status, 200);
      assert.notEqual(gz.headers.etag, br.headers.etag);
    });
  }

  it('leaves the API and the other files as they were', async () => {
    const token = await devToken(server.base);
    const auth = { Authorization: `Bearer ${token}` };
    for (const path of ['/v1.0/me/insights/used?$top=1', '/me/insights/used/$count', '/beta/me/insights/used/insight.wasm']) {
      const r = await get(path, { headers: { ...auth, 'Accept-Encoding': chromium } });
      assert.ok(r.headers['request-id'], `${path}: answered by the API`);
      assert.equal(r.status, path.endsWith('insight.wasm') ? 404 : 200, path);
      assert.match(r.headers['content-type'], path.endsWith('$count') ? /^text\/plain/ : /^application\/json/, path);
      assert.doesNotThrow(() => JSON.parse(decoded(r)), path);
    }
    const meta = await get('/$metadata');
    assert.equal(meta.status, 200);
    assert.match(meta.body.toString(), /usedInsight/);
    for (const [path, type] of [['/', /^text\/html/], ['/insight.mjs', /javascript/], ['/boot.mjs', /javascript/]]) {
      const r = await get(path, { headers: { 'Accept-Encoding': chromium } });
      assert.equal(r.status, 200, path);
      assert.match(r.headers['content-type'], type, path);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(r.headers['request-id'], undefined, `${path}: a static file`);
      assert.deepEqual(decoded(r), await readFile(server.assets + (path === '/' ? '/index.html' : path)), path);
    }
  });

  it('in Chromium, with an empty cache, the page gets ready from the copies, the module compiled as it streams', async (t) => {
    const browser = await launch();
    t.after(() => browser.close());
    const context = await browser.newContext();
    const page = await context.newPage();
    const watcher = await watch(page);
    await page.goto(`${server.base}/`);
    await page.waitForFunction(() => window.usedInsight && performance.getEntriesByName('usedinsight:ready').length > 0, null, { timeout: 30000 });
    const seen = await page.evaluate(() => ({
      compiled: performance.getEntriesByName('usedinsight:compiled').length, // boot.mjs: compileStreaming succeeded
      resources: Object.fromEntries(performance.getEntriesByType('resource').map((r) => [new URL(r.name).pathname, [r.encodedBodySize, r.decodedBodySize]])),
    }));
    assert.equal(seen.compiled, 1, 'WebAssembly.compileStreaming took the response (application/wasm)');
    for (const { path } of files) {
      // Chromium on this machine lists gzip first: it gets the .gz copy.
      assert.deepEqual(seen.resources[path], [bytes[`${path}.gz`].length, bytes[path].length], `${path}: [encoded, decoded] bytes`);
    }
    assert.equal(await page.evaluate(() => window.usedInsight.validate('{}').valid), false);
    assert.deepEqual(await watcher.check(), []);
  });
});
