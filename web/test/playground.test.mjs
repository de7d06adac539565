// Node tests of the playground's pure parts and static files (web/src, index.html, _headers,
// .assetsignore), run by `make test-node`. The page itself is tested in Chromium by e2e/.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import * as samples from '../src/samples.mjs';
import { collections } from '../src/resources.mjs';
import { requestURL, splitURL, parseHeaders, requestHeaders, shareFragment, readFragment, claims } from '../src/request.mjs';
import { webStorage } from '../src/web-storage.mjs';
import { seed, valid } from './fixtures/payloads.mjs';
import { load } from '../insight.mjs';

const web = new URL('../', import.meta.url);
const read = (p) => readFile(new URL(p, web), 'utf8');
const insight = await load();
const used = collections.find((c) => c.name === 'used');

describe('samples', () => {
  it('has the seed byte for byte, and the complete payload of the tests', () => {
    assert.equal(samples.seed, seed);
    assert.equal(samples.complete, valid);
  });
  it('are what they say they are', () => {
    assert.equal(insight.validate(samples.seed).valid, true);
    assert.deepEqual(insight.validate(samples.complete), { valid: true, problems: [] });
    assert.equal(insight.validate(samples.withProblems).valid, false);
    assert.deepEqual(insight.validate(JSON.stringify(samples.minimal('2026-11-29T08:00:00Z').used)), { valid: true, problems: [] });
    const values = (path) => used.fields.find((f) => f.path === path).values;
    for (const t of values('resourceVisualization.type')) assert.equal(insight.validate(valid.replace('"Visio"', JSON.stringify(t))).problems.length, 0, t);
    for (const t of values('resourceVisualization.containerType')) assert.equal(insight.validate(valid.replace('"Site"', JSON.stringify(t))).problems.length, 0, t);
  });
});

describe('request', () => {
  it('joins endpoint, version and path', () => {
    assert.equal(requestURL('http://127.0.0.1:8787/', 'v1.0', '/me/insights/used'), 'http://127.0.0.1:8787/v1.0/me/insights/used');
    assert.equal(requestURL('https://x.example', '', 'me/insights/used?$top=1'), 'https://x.example/me/insights/used?$top=1');
    assert.equal(requestURL('https://x.example', 'beta', 'https://y.example/a'), 'https://y.example/a');
    assert.deepEqual(splitURL('https://x.example', 'https://x.example/beta/me/insights/used/a'), { version: 'beta', path: '/me/insights/used/a' });
    assert.deepEqual(splitURL('https://x.example/', 'https://x.example/me'), { version: '', path: '/me' });
    assert.equal(splitURL('https://x.example', 'https://x.example.evil/me'), null);
  });
  it('reads and adds headers', () => {
    assert.deepEqual(parseHeaders('Prefer: return=representation\n\n  client-request-id:abc '), [['Prefer', 'return=representation'], ['client-request-id', 'abc']]);
    assert.throws(() => parseHeaders('no colon'), /line 1/);
    assert.deepEqual(requestHeaders({ method: 'POST', token: 't', extra: [['Prefer', 'x']] }), [['Authorization', 'Bearer t'], ['Content-Type', 'application/json'], ['Prefer', 'x']]);
    assert.deepEqual(requestHeaders({ method: 'GET', token: '' }), []);
    assert.deepEqual(requestHeaders({ method: 'PATCH', token: 't', extra: [['content-type', 'application/merge-patch+json']] }), [['Authorization', 'Bearer t'], ['content-type', 'application/merge-patch+json']]);
  });
  it('carries a request in a share link and reads back only well-formed ones', () => {
    const r = { method: 'PATCH', version: 'beta', path: '/me/insights/used/a?x=ü', collection: 'used', headers: 'Prefer: return=representation', body: '{"t": "<img onerror=x> ✓ \u{1F600}"}' };
    assert.deepEqual(readFragment(shareFragment(r)), r);
    assert.deepEqual(readFragment(shareFragment({ method: 'GET', version: '', path: '/me' })), { method: 'GET', version: '', path: '/me', collection: 'used', headers: '', body: '' });
    for (const bad of ['', '#', '#request=', '#request=%%%', '#other=abc', `#request=${Buffer.from('[1]').toString('base64url')}`]) {
      assert.equal(readFragment(bad), null, bad);
    }
    const odd = readFragment(`#request=${Buffer.from(JSON.stringify({ method: 'TRACE', version: 'v9', path: 5, body: {} })).toString('base64url')}`);
    assert.deepEqual(odd, { method: 'GET', version: 'v1.0', path: '/me/insights/used', collection: 'used', headers: '', body: '' });
  });
  it('reads a token\'s claims for display', () => {
    const tok = `e30.${Buffer.from(JSON.stringify({ sub: 'alice', scp: 'Sites.ReadWrite.All' })).toString('base64url')}.sig`;
    assert.deepEqual(claims(tok), { sub: 'alice', scp: 'Sites.ReadWrite.All' });
    assert.equal(claims('opaque'), null);
    assert.equal(claims('a.!!!.b'), null);
  });
});

describe('web storage', () => {
  it('keeps values under the page\'s prefix, and a null removes one', (t) => {
    const items = new Map();
    const area = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, String(v)), removeItem: (k) => items.delete(k) };
    t.after(() => delete globalThis.testStorage);
    globalThis.testStorage = area;
    const saved = webStorage('testStorage');
    assert.equal(saved.get('draft'), null);
    saved.set('draft', '{}');
    assert.deepEqual([...items], [['usedinsight.draft', '{}']]);
    assert.equal(saved.get('draft'), '{}');
    saved.set('draft', null);
    assert.equal(items.size, 0);
  });
  it('works without storage: nothing is remembered, nothing throws', (t) => {
    const missing = webStorage('noSuchStorage');
    missing.set('theme', 'dark');
    assert.equal(missing.get('theme'), null);
    const refuse = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    t.after(() => delete globalThis.refusingStorage);
    globalThis.refusingStorage = { getItem: refuse, setItem: refuse, removeItem: refuse };
    const refusing = webStorage('refusingStorage');
    refusing.set('history', '[]');
    assert.equal(refusing.get('history'), null);
  });
});

describe('static files', () => {
  it('serve the same Content-Security-Policy from _headers and the page\'s <meta>', async () => {
    const headers = await read('_headers');
    const header = /^\s+Content-Security-Policy: (.+)$/m.exec(headers)[1];
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(await read('index.html'))[1];
    assert.equal(header, meta.replace("form-action 'none';", "form-action 'none'; frame-ancestors 'none';"));
    assert.match(header, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(header, /unsafe-inline|'unsafe-eval'/);
  });
  it('have no inline script or style, nor event handler attributes', async () => {
    const html = await read('index.html');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  });
  it('build the page without HTML sinks', async () => {
    for (const f of await readdir(new URL('src/', web))) {
      const src = await read(`src/${f}`);
      assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|srcdoc/, f);
    }
  });
  it('keep tooling out of the served assets', async () => {
    const ignored = (await read('.assetsignore')).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const p of ['node_modules', 'package.json', 'package-lock.json', 'src', 'test', 'e2e', 'bench', 'docs']) {
      assert.ok(ignored.includes(p), p);
    }
  });
});
