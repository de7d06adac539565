// Hostile data in the browser playground (the page runs no script that a payload or a response
// carries), in headless Chromium against a `wrangler dev` of its own (e2e/harness.mjs) and a
// hostile HTTP server of the test's own on 127.0.0.1:
//
// - An XSS corpus (script, img onerror, svg onload, javascript: URLs, attribute and element
//   breakouts, iframe srcdoc, template strings, {{constructor}} gadgets, RTL overrides and
//   zero-width characters, HTML entities, mutation-XSS markup, a very long string) goes through
//   every field the page renders: the editor, each form input and its message, the problems
//   list (as unknown member names and wrong values, which messages quote), the snippets, the
//   request headers, the response status, headers and body (the API echoes client-request-id),
//   the records view, the history, share links loaded fresh or by hashchange, storage (history
//   entries and drafts of every wrong type) and the endpoint setting. Each field shows its text
//   exactly (a records cell at most 200 characters of it, the whole in its title).
// - The Content-Security-Policy is in force, from the header and from the <meta> alone: an
//   inline script, an event handler attribute, javascript: URLs, eval, new Function, string
//   timers, an inline style, every HTML string sink and a Trusted Types policy are refused, each
//   with its violation; and no other origin may frame the page.
// - No response shape breaks the page: an endpoint answering non-JSON, HTML, empty bodies,
//   arrays, scalars, items and fields of wrong types, 5 MB bodies, deep nesting, invalid UTF-8,
//   odd headers and status lines, slow answers, reset connections and no CORS, to lists, gets,
//   creates, updates, deletes, $count and dev tokens, leaves the page usable (a later normal
//   answer is shown) with no uncaught exception. A nextLink to javascript: or to another origin
//   is not followed (the token stays with the endpoint), and an endpoint that is no http(s) URL
//   is not fetched.
//
// "Nothing ran" is checked three ways after each step: no vector called the __pwn function the
// test plants (nor opened a dialog); no element or attribute from data is in the document (no
// tag the page does not make, no on* attribute, no javascript: URL, the page's own scripts
// only); and the page reported no console error, uncaught exception or CSP violation. A
// vector that the page turned into HTML would be stopped by the CSP, but its violation fails
// the test all the same: the CSP is the second line, never the first.
//
// Run by `make test-browser`; directly: `cd web && node --test e2e/hostile.test.mjs`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { startWrangler, serveStatic } from './harness.mjs';
import { launch, watch } from './browser.mjs';
import { formValue } from './page.mjs';

// The corpus: were any vector ever run as script, it would call __pwn(n) (or alert(n)), n
// naming it.
const corpus = [
  '<script>__pwn(1)</script>',
  '<img src=x onerror=__pwn(2)>',
  '<svg onload=__pwn(3)></svg>',
  'javascript:__pwn(4)',
  '"><script>__pwn(5)</script>',
  "'><img src=x onerror=__pwn(6)>",
  '</textarea><script>__pwn(7)</script>',
  '</script><script>__pwn(8)</script>',
  '<iframe srcdoc="<script>parent.__pwn(9)</script>"></iframe>',
  '${__pwn(10)}`${__pwn(10)}`',
  "{{constructor.constructor('__pwn(11)')()}}",
  '</style><style>*{background:url("javascript:__pwn(12)")}</style><img src=x onerror=__pwn(12)>',
  '&lt;img src=x onerror=__pwn(13)&gt;&#60;script&#62;__pwn(13)&#60;/script&#62;&amp;',
  '\u202E<img src=x onerror=__pwn(14)>\u202D\u200B\u2066x\u2069\uFEFF',
  '<a href="javascript:__pwn(15)">click</a><form action="javascript:__pwn(15)"><button>go</button></form>',
  '<details open ontoggle=__pwn(16)><summary>x</summary></details>',
  '<math><mtext><table><mglyph><style><img src=x onerror=__pwn(17)>',
  '<!--<img src="--><img src=x onerror=__pwn(18)//">',
  '<object data="javascript:__pwn(19)"></object><embed src="javascript:__pwn(19)">',
  '<body onload=__pwn(20)><input autofocus onfocus=__pwn(20)>',
  '<base href="javascript:__pwn(21)//"><meta http-equiv="refresh" content="0;url=javascript:__pwn(21)">',
  '<img src=x onerror=alert(22)>',
  '\u{1F600}<svg><script>__pwn(23)</script></svg>',
  '<noscript><p title="</noscript><img src=x onerror=__pwn(24)>">',
  `long ${'A'.repeat(3900)}<img src=x onerror=__pwn(25)>`,
];
const N = corpus.length;
// Characters the editor draws as placeholders (CodeMirror's highlightSpecialChars).
const special = /[\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
// A client-request-id the API echoes (printable ASCII, no spaces).
const crid = '<svg/onload=__pwn(26)><img/src=x/onerror=__pwn(26)>';

let server; // wrangler dev: the page and the API
let browser;
let hostile; // the hostile endpoint
let other; // another origin, which must never be asked for anything
let statics; // the page as plain static files: the <meta> CSP alone

before(async () => {
  [hostile, other] = await Promise.all([hostileServer(), hostileServer()]);
  server = await startWrangler({ vars: { DEV_TOKENS: '1' } });
  statics = await serveStatic(() => server.assets);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await Promise.all([hostile?.close(), other?.close(), statics?.close()]);
});

// ---- the page, and the checks that nothing ran ----

// Planted before the page's own scripts: what a vector would call.
function plant() {
  window.__pwned = [];
  window.__pwn = (n) => window.__pwned.push(String(n));
}

/**
 * open gives a test a new browser context with the page loaded and its WebAssembly ready. At
 * the end of the test, the page must have reported nothing wrong (see browser.mjs's watch).
 */
async function open(t, { base = server.base, path = '/', allow = [], allowFailed = [], storage } = {}) {
  for (let attempt = 1; ; attempt++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    await context.addInitScript(plant);
    if (storage) await context.addInitScript(seed, storage);
    const page = await context.newPage();
    const watcher = await watch(page, { allow, allowFailed });
    const pending = new Set(); // requests not answered yet, to say which when the page does not get ready
    page.on('request', (r) => pending.add(r));
    for (const e of ['requestfinished', 'requestfailed']) page.on(e, (r) => pending.delete(r));
    const dialogs = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    try {
      const response = await page.goto(base + path, { waitUntil: 'domcontentloaded', timeout: 20000 });
      await page.waitForFunction(() => window.usedInsight && performance.getEntriesByName('usedinsight:ready').length > 0, null, { timeout: 20000 });
      const baseline = await page.evaluate(snapshot);
      t.after(async () => {
        const problems = await watcher.check();
        await context.close();
        assert.deepEqual(problems, [], 'the page reported problems');
      });
      return { page, response, context, watcher, dialogs, baseline };
    } catch (e) {
      const report = `the page did not get ready (${e.message.split('\n')[0]}); requests not answered: ${[...pending].map((r) => `${r.method()} ${r.url().slice(0, 100)}`).join(', ') || 'none'}; `
        + `the page reported: ${JSON.stringify(await watcher.check())}`;
      await context.close();
      // As in playground.test.mjs: now and then one static file's response from wrangler dev
      // never ends on a loaded machine; load the page once more in a new context.
      if (attempt === 2) throw new Error(`${report}\nwrangler dev output:\n${server.output().slice(-4000)}`);
      console.error(`# ${t.name}: ${report}; loading it again`);
    }
  }
}

// seed puts items in the page's storage before its scripts run, once a tab.
function seed({ local = {}, session = {} }) {
  if (sessionStorage.getItem('seeded')) return;
  for (const [k, v] of Object.entries(local)) localStorage.setItem(k, v);
  for (const [k, v] of Object.entries(session)) sessionStorage.setItem(k, v);
  sessionStorage.setItem('seeded', '1');
}

// snapshot runs in the page: the tags it has made (in the document and in shadow roots) and
// its <head>, before any data.
function snapshot() {
  const tags = new Set(['tr', 'th', 'td', 'li', 'br', 'option']); // made later, for rows and lists
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      tags.add(el.localName);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document.body);
  return { tags: [...tags].sort(), head: [...document.head.children].map((e) => e.outerHTML) };
}

// audit runs in the page: what data might have made of it.
function audit(baseline) {
  const foreign = [];
  const walk = (root, where) => {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.localName;
      // CodeMirror's own cursor-placement images are the only <img> the page has.
      if (!baseline.tags.includes(tag) && !(tag === 'img' && el.classList.contains('cm-widgetBuffer'))) {
        foreign.push(`${where}<${tag}>`);
      }
      for (const { name, value } of el.attributes) {
        if (/^on/i.test(name) || /^(href|src|srcdoc|action|formaction|data|xlink:href|background|poster)$/i.test(name) && /^\s*javascript:/i.test(value)) {
          foreign.push(`${where}<${tag} ${name}="${value.slice(0, 80)}">`);
        }
      }
      if (el.shadowRoot) walk(el.shadowRoot, `${where}#${el.id} `);
    }
  };
  walk(document.body, '');
  const head = [...document.head.children].map((e) => e.outerHTML);
  return {
    foreign,
    headChanged: JSON.stringify(head) !== JSON.stringify(baseline.head),
    scripts: document.scripts.length,
    pwned: [...window.__pwned],
    polluted: Object.prototype.polluted !== undefined || Object.prototype.id !== undefined,
  };
}

/**
 * inert asserts that nothing ran and nothing from data became an element (see the top), after
 * settle ms, by when an onerror or onload of data would have fired.
 */
async function inert(p, step, settle = 100) {
  await p.page.waitForTimeout(settle);
  const a = await p.page.evaluate(audit, p.baseline);
  assert.deepEqual(a.pwned, [], `${step}: a vector ran`);
  assert.deepEqual(p.dialogs, [], `${step}: a dialog opened`);
  assert.deepEqual(a.foreign, [], `${step}: elements or attributes from data`);
  assert.equal(a.headChanged, false, `${step}: the <head> changed`);
  assert.equal(a.scripts, 3, `${step}: only the page's own three scripts`);
  assert.equal(a.polluted, false, `${step}: Object.prototype was polluted`);
  assert.deepEqual(await p.watcher.check(), [], `${step}: the page reported problems`);
}

// ---- driving the page ----

// docText is the editor's document, as CodeMirror holds it (EditorView.findFromDOM, spelled
// out: the bundle does not export it); drawnLines is what the editor draws: [line number, text]
// of each line it has drawn.
const docText = (page) => page.evaluate(() => document.getElementById('editor').shadowRoot.querySelector('.cm-content').cmTile.root.view.state.doc.toString());
const drawnLines = (page) => page.evaluate(() => {
  const view = document.getElementById('editor').shadowRoot.querySelector('.cm-content').cmTile.root.view;
  return [...view.contentDOM.querySelectorAll('.cm-line')].map((l) => [view.state.doc.lineAt(view.posAtDOM(l)).number, l.textContent]);
});

// replaceText puts text in the editor as a paste would.
async function replaceText(page, text) {
  await page.locator('#editor .cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  if (text) await page.keyboard.insertText(text);
}

// validated waits until the problems list has as many entries as the validator finds in the
// editor's text (what they say is for the test to check).
async function validated(page) {
  await page.waitForFunction(() => {
    const doc = document.getElementById('editor').shadowRoot.querySelector('.cm-content').cmTile.root.view.state.doc.toString();
    const { problems } = window.usedInsight.validate(doc);
    return document.querySelectorAll('#problems-list li').length === Math.max(problems.length, 1)
      && document.querySelectorAll('#problems-list li.ok').length === (problems.length ? 0 : 1);
  });
}

// send clicks Send and waits until the Response view has the answer.
async function send(page) {
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.waitForFunction(() => !document.getElementById('response').hasAttribute('aria-busy'));
}

// refreshRecords clicks Refresh and waits until the records view has the answer.
async function refreshRecords(page) {
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await page.waitForFunction(() => document.getElementById('records-status').textContent !== 'Loading…');
}

const textOf = (page, selector) => page.locator(selector).evaluate((e) => e.textContent);
const exact = (s) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const consoleStatus = (...codes) => new RegExp(`^Failed to load resource: the server responded with a status of (${codes.join('|')})\\b`);

// nest turns {"a.b": v} into {a: {b: v}}.
function nest(fields) {
  const out = {};
  for (const [path, v] of Object.entries(fields)) {
    const [a, b] = path.split('.');
    if (b) (out[a] ??= {})[b] = v;
    else out[a] = v;
  }
  return out;
}

// cellOf is what a records cell shows of a value: at most 200 characters, the whole value in
// its title (see records.mjs's CELL_MAX).
const cellOf = (v) => (v.length > 200 ? { text: `${v.slice(0, 199)}…`, title: v } : { text: v, title: '' });

// withoutOData leaves out the @odata annotations, which a create and a get answer differently.
const withoutOData = (r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('@odata.')));

const b64 = (s) => Buffer.from(s).toString('base64url');

// A JWT-shaped token (unsigned: the page reads, never verifies, its claims).
const jwt = (claims) => `${b64('{"alg":"none"}')}.${b64(JSON.stringify(claims))}.c2ln`;

// ---- the hostile endpoint ----

const okRecord = {
  id: 'normal-1', lastUsed: { lastAccessedDateTime: '2026-11-29T08:00:00Z' },
  resourceVisualization: { title: 'Normal record', type: 'Word' }, resourceReference: { id: 'r1' },
};

// Records in which every field the records view shows is a vector; the first id is very long.
const longId = `${corpus.slice(0, 12).join('')}${'i'.repeat(10000)}`;
const hostileRecords = corpus.map((v, i) => ({
  id: i === 0 ? longId : `${v}#${i}`,
  lastUsed: { lastAccessedDateTime: corpus[(i + 1) % N] },
  resourceVisualization: {
    title: v, type: corpus[(i + 2) % N], containerDisplayName: corpus[(i + 3) % N],
    previewImageUrl: 'javascript:__pwn(40)', containerWebUrl: 'javascript:__pwn(41)',
  },
  resourceReference: { webUrl: 'javascript:__pwn(42)', id: v, type: corpus[(i + 4) % N] },
}));

// List items of every wrong type, and records whose fields are objects, arrays and numbers.
const oddItems = [
  '<script>__pwn(50)</script>', null, 42, true, [corpus[1]],
  { id: { '<img src=x onerror=__pwn(51)>': 1 }, resourceVisualization: '<svg onload=__pwn(52)>', lastUsed: 5 },
  {
    id: 7, lastUsed: { lastAccessedDateTime: { $gt: corpus[4] } },
    resourceVisualization: { title: { nested: corpus[1] }, type: [corpus[2]], containerDisplayName: null, containerType: { x: corpus[3] } },
  },
];

const html = `<!doctype html><html><head><meta http-equiv="refresh" content="0;url=javascript:__pwn(100)"><script>__pwn(101)</script></head>
<body onload="__pwn(102)"><h1>Oops</h1><img src=x onerror="__pwn(103)"><iframe src="javascript:parent.__pwn(104)"></iframe></body></html>`;
const deep = `${'['.repeat(200000)}${']'.repeat(200000)}`;

/**
 * The shapes of the hostile endpoint, by name (the path segment after /s/). answer(q) answers
 * one request; q.route is list, item, create, count, token or other. For Send (a GET of the
 * collection), status is what the Response view's status must say and shows what its body
 * must contain; listed is what the records view's status must say after Refresh.
 */
const shapes = {
  ok: {
    answer: (q) => (q.route === 'token' ? q.json(200, { access_token: jwt({ sub: 'hostile-ok', scp: 'Sites.ReadWrite.All' }) })
      : q.route === 'item' && q.req.method === 'DELETE' ? q.send(204)
        : q.route === 'item' ? q.json(200, okRecord)
          : q.route === 'count' ? q.send(200, { 'Content-Type': 'text/plain' }, '1')
            : q.json(q.route === 'create' ? 201 : 200, { '@odata.context': 'x', '@odata.count': 1, value: [okRecord] })),
    status: /^200 OK$/, shows: 'Normal record', listed: /^$/,
  },
  'not-json': {
    answer: (q) => q.send(200, { 'Content-Type': 'application/json' }, `not JSON ${corpus[0]}${corpus[1]}`),
    status: /^200 OK$/, shows: `not JSON ${corpus[0]}${corpus[1]}`, listed: /^Listing answered 200$/,
  },
  html: {
    answer: (q) => q.send(200, { 'Content-Type': 'text/html; charset=utf-8' }, html),
    status: /^200 OK$/, shows: html, listed: /^Listing answered 200$/,
  },
  'html-500': {
    answer: (q) => q.send(500, { 'Content-Type': 'text/html' }, html),
    status: /^500 Internal Server Error$/, shows: html, listed: /^Listing answered 500$/,
  },
  'json-as-html': {
    answer: (q) => q.send(200, { 'Content-Type': 'text/html' }, JSON.stringify({ '@odata.count': 1, value: [{ ...okRecord, resourceVisualization: { title: corpus[2] } }] })),
    status: /^200 OK$/, shows: JSON.stringify(corpus[2]), listed: /^$/,
  },
  empty: { answer: (q) => q.send(200, { 'Content-Type': 'application/json' }, ''), status: /^200 OK$/, shows: '', listed: /^Listing answered 200$/ },
  'no-content': { answer: (q) => q.send(204), status: /^204 No Content$/, shows: '', listed: /^Listing answered 204$/ },
  array: { answer: (q) => q.json(200, [1, corpus[2], { value: [okRecord] }]), status: /^200 OK$/, shows: '__pwn(3)', listed: /^Listing answered 200$/ },
  null: { answer: (q) => q.json(200, null), status: /^200 OK$/, shows: 'null', listed: /^Listing answered 200$/ },
  scalar: { answer: (q) => q.json(200, corpus[0]), status: /^200 OK$/, shows: '__pwn(1)', listed: /^Listing answered 200$/ },
  'value-string': {
    answer: (q) => q.json(200, { value: `not an array ${corpus[1]}`, '@odata.nextLink': corpus[3] }),
    status: /^200 OK$/, shows: '__pwn(2)', listed: /^Listing answered 200$/,
  },
  'odd-items': {
    answer: (q) => q.json(200, { '@odata.count': { n: corpus[0] }, value: oddItems }),
    status: /^200 OK$/, shows: '__pwn(52)', listed: /^$/, rows: oddItems.length,
  },
  records: {
    answer: (q) => (q.route === 'item' && q.req.method === 'DELETE' ? q.send(204)
      : q.route === 'item' ? q.json(200, hostileRecords.find((r) => r.id === q.id) ?? hostileRecords[1])
        : q.json(200, { '@odata.count': N, '@odata.nextLink': 'javascript:__pwn(70)', value: hostileRecords })),
    status: /^200 OK$/, shows: '__pwn(25)', listed: /^$/, rows: N,
  },
  'missing-odata': { answer: (q) => q.json(200, { value: [okRecord] }), status: /^200 OK$/, shows: 'Normal record', listed: /^$/, rows: 1 },
  'error-json': {
    answer: (q) => q.json(400, { error: { code: corpus[0], message: corpus[1], innerError: { date: corpus[2] } } }),
    status: /^400 Bad Request$/, shows: '__pwn(2)', listed: exact(`Listing answered 400: ${corpus[1]}`),
  },
  'error-odd': {
    answer: (q) => q.json(401, { error: { message: { html: corpus[2] } } }),
    status: /^401 Unauthorized$/, shows: '__pwn(3)', listed: exact(`Listing answered 401: ${JSON.stringify({ html: corpus[2] })}`),
  },
  proto: {
    answer: (q) => q.send(200, { 'Content-Type': 'application/json' },
      `{"__proto__": {"polluted": "${corpus[1]}", "id": "x"}, "constructor": {"prototype": {"polluted": 1}}, "value": [{"__proto__": {"id": "<svg onload=__pwn(3)>"}, "id": "p1"}]}`),
    status: /^200 OK$/, shows: '__proto__', listed: /^$/, rows: 1,
  },
  'huge-json': {
    answer: (q) => q.json(200, { '@odata.count': 1, value: [okRecord], junk: `${corpus[0]}${'A'.repeat(5 << 20)}` }),
    status: /^200 OK$/, shows: 'more characters)', listed: /^$/, rows: 1,
  },
  'huge-text': {
    answer: (q) => q.send(200, { 'Content-Type': 'text/plain' }, corpus[1].repeat((5 << 20) / corpus[1].length)),
    status: /^200 OK$/, shows: 'more characters)', listed: /^Listing answered 200$/,
  },
  deep: { answer: (q) => q.send(200, { 'Content-Type': 'application/json' }, deep), status: /^200 OK$/, shows: '[[[[', listed: /^Listing answered 200$/ },
  'bad-utf8': {
    answer: (q) => q.send(200, { 'Content-Type': 'application/json' }, Buffer.concat([Buffer.from('{"value": [{"id": "u1", "resourceVisualization": {"title": "bad '), Buffer.from([0xff, 0xfe, 0x20]), Buffer.from(corpus[1]), Buffer.from('"}}]}')])),
    status: /^200 OK$/, shows: '__pwn(2)', listed: /^$/, rows: 1,
  },
  'odd-headers': {
    answer: (q) => {
      q.res.statusMessage = `Fine ${corpus[1]}`;
      const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`x-many-${i}`, corpus[i % N].replace(/[^\x20-\x7e]/g, '?')]));
      q.json(299, { value: [okRecord] }, {
        ...many, 'X-Evil': corpus[0], "x-'quoted'": corpus[5], 'X-Long': 'L'.repeat(8000), 'X-Latin1': 'caf\xe9 \xff',
        'Content-Type': `application/json; charset="${corpus[1]}"`,
      });
    },
    status: exact(`299 Fine ${corpus[1]}`), shows: 'Normal record', listed: /^$/, rows: 1,
  },
  'no-cors': {
    answer: (q) => q.json(200, { value: [okRecord] }), cors: false,
    status: /: failed$/, shows: 'The request did not complete', listed: /^Could not list the records: /,
  },
  reset: {
    answer: (q) => q.req.socket.destroy(),
    status: /: failed$/, shows: 'The request did not complete', listed: /^Could not list the records: /,
  },
  'reset-body': {
    answer: (q) => {
      q.res.writeHead(200, { ...q.cors, 'Content-Type': 'application/json', 'Content-Length': '100000' });
      q.res.write(`{"value": [${JSON.stringify(okRecord)}, "${corpus[0]}`, () => setTimeout(() => q.req.socket.destroy(), 50));
    },
    status: /: failed$/, shows: 'The request did not complete', listed: /^Could not list the records: /,
  },
  slow: {
    answer: (q) => setTimeout(() => shapes.ok.answer(q), 1500),
    status: /^200 OK$/, shows: 'Normal record', listed: /^$/, rows: 1,
  },
  'next-same': {
    answer: (q) => q.json(200, { '@odata.count': 2, value: [{ ...okRecord, id: 'first' }], '@odata.nextLink': `${hostile.base}/s/ok/v1.0/me/insights/used?$skiptoken=${encodeURIComponent(corpus[4])}` }),
    status: /^200 OK$/, shows: 'first', listed: /^$/, rows: 1,
  },
  'next-other': {
    answer: (q) => q.json(200, { '@odata.count': 2, value: [okRecord], '@odata.nextLink': `${other.base}/s/ok/v1.0/me/insights/used?$skiptoken=stolen` }),
    status: /^200 OK$/, shows: 'stolen', listed: /^$/, rows: 1,
  },
  'token-hostile': {
    answer: (q) => (q.route === 'token'
      ? q.json(200, { access_token: jwt({ sub: corpus[1], scp: { [corpus[2]]: corpus[0] }, exp: 9e15 }) })
      : shapes.ok.answer(q)),
  },
  'token-odd': { answer: (q) => q.json(200, { access_token: { x: corpus[2] } }) },
  'token-unicode': {
    answer: (q) => (q.route === 'token' ? q.json(200, { access_token: `\u4e00${corpus[0]}` }) : shapes.ok.answer(q)),
  },
};

/**
 * hostileServer is an endpoint the page may be pointed at, on a free loopback port: /s/<shape>/…
 * answers as shapes[shape] says, with CORS headers for any origin (unless the shape says no);
 * /frame is a page that frames the playground. hits lists the requests it was sent.
 */
async function hostileServer() {
  const hits = [];
  const srv = createServer({ maxHeaderSize: 1 << 20 }, async (req, res) => {
    hits.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/frame') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><iframe src="${url.searchParams.get('src')}"></iframe>`);
      return;
    }
    const m = /^\/s\/([\w-]+)(\/.*)?$/.exec(url.pathname);
    const shape = shapes[m?.[1]];
    if (!shape) {
      res.writeHead(404).end();
      return;
    }
    const cors = shape.cors !== false && req.headers.origin ? { 'Access-Control-Allow-Origin': req.headers.origin, 'Access-Control-Expose-Headers': '*' } : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors, 'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '',
      }).end();
      return;
    }
    req.resume();
    await once(req, 'end');
    const rest = m[2] ?? '';
    const item = /\/me\/insights\/used\/([^/?]+)$/.exec(rest);
    const route = rest.endsWith('/dev/token') ? 'token' : rest.endsWith('/$count') ? 'count'
      : item ? 'item' : rest.endsWith('/me/insights/used') ? (req.method === 'POST' ? 'create' : 'list') : 'other';
    const q = {
      req, res, route, cors, id: item ? decodeURIComponent(item[1]) : null,
      send: (status, headers = {}, body = '') => res.writeHead(status, { ...cors, ...headers }).end(body),
      json: (status, value, headers = {}) => q.send(status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(value)),
    };
    shape.answer(q);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return {
    base: `http://127.0.0.1:${srv.address().port}`,
    hits,
    close: () => new Promise((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }),
  };
}

// ---- the tests ----

describe('hostile data in the playground', () => {
  it('shows an XSS corpus as text in the editor, the form, the problems, the snippets and the response', async (t) => {
    const p = await open(t, { allow: [consoleStatus(400)] });
    const { page } = p;
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    const paths = await page.evaluate(() => [...window.usedInsight.fieldPaths]);
    // Every property a vector, and every vector the name of an unknown member too: the
    // validator's messages quote both.
    const fields = Object.fromEntries(paths.map((path, i) => [path, corpus[i % N]]));
    const body = nest(fields);
    for (const v of corpus) body[v] = v;
    const text = JSON.stringify(body, null, 2);
    await replaceText(page, text);
    await validated(page);
    await inert(p, 'editor, form, problems');

    // The editor holds the text and draws it as text, line by line.
    assert.equal(await docText(page), text);
    const lines = text.split('\n');
    await page.keyboard.press('ControlOrMeta+Home');
    await page.waitForFunction(() => document.getElementById('editor').shadowRoot.querySelectorAll('.cm-line').length >= 10);
    const drawn = await drawnLines(page);
    assert.equal(drawn[0][0], 1, 'the first line is drawn');
    for (const [n, line] of drawn) {
      if (!special.test(lines[n - 1])) assert.equal(line, lines[n - 1], `line ${n} of the editor`);
    }

    // The problems list shows the validator's messages exactly; they quote every vector.
    const shown = await page.locator('#problems-list li').evaluateAll((lis) => lis.map((li) => ({
      msg: li.querySelector('.msg').textContent, where: li.querySelector('.where').textContent, elements: li.querySelectorAll('*').length,
    })));
    const report = await page.evaluate((s) => window.usedInsight.validate(s), text);
    assert.deepEqual(shown.map((s) => s.msg), report.problems.map((x) => x.message));
    assert.deepEqual(shown.map((s) => s.where), report.problems.map((x) => `${x.path || '(body)'} · line ${x.line}, column ${x.column}`));
    assert.ok(shown.every((s) => s.elements === 4), 'each entry is a button and three spans');
    for (const v of corpus) {
      assert.ok(shown.some((s) => s.msg.includes(`'${v}'`)), `a problem quotes ${v.slice(0, 40)}`);
    }

    // Each form input holds its vector; each field's message is its first problem's, as text.
    for (const path of paths) {
      const id = `field-${path.replaceAll('.', '-')}`;
      assert.equal(await page.locator(`#${id}`).inputValue(), fields[path], path);
      const first = report.problems.find((x) => x.path === path);
      assert.equal(await textOf(page, `#${id}-msg`), first?.message ?? '', `${path}'s message`);
    }

    // Headers the API echoes, and the snippets of the request: text, and nothing else.
    await page.locator('#headers').evaluate((e) => {
      e.closest('details').open = true;
    });
    const headers = `client-request-id: ${crid}\nPrefer: ${corpus[1]}`;
    await page.getByLabel('Request headers', { exact: true }).fill(headers);
    assert.equal(await page.getByLabel('Request headers', { exact: true }).inputValue(), headers);
    await page.waitForFunction((c) => document.querySelector('#snippet-curl pre').textContent.includes(c), crid);
    // Each tab, as a person reads it: chosen, then its snippet.
    const tabs = page.locator('#snippet-tabs [role="tab"]');
    assert.equal(await tabs.count(), 7); // curl, HTTPie, fetch, Go, PowerShell and the two Graph SDKs
    for (let i = 0; i < 7; i++) {
      await tabs.nth(i).click();
      const s = await page.locator('#snippet-panels [role="tabpanel"]:not([hidden]) pre').evaluate((pre) => ({ children: pre.children.length, text: pre.textContent }));
      assert.equal(s.children, 0, 'a snippet is text only');
      assert.ok(s.text.includes(crid) && s.text.includes(corpus[0]), s.text.slice(0, 200));
    }
    await inert(p, 'snippets');

    // Sent: the API answers 400 with the problems; the Response view shows its status,
    // headers and body as text, the echoed client-request-id among them.
    await send(page);
    assert.equal(await textOf(page, '#response-status'), '400 Bad Request');
    const rows = await page.locator('#response-headers tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, tr.children[1].textContent, tr.querySelectorAll('*').length]));
    assert.deepEqual(rows.find(([k]) => k === 'client-request-id'), ['client-request-id', crid, 2]);
    const answer = JSON.parse(await textOf(page, '#response-body'));
    assert.equal(answer.error.innerError['client-request-id'], crid);
    const targets = answer.error.details.map((d) => d.target);
    for (const v of corpus) assert.ok(targets.includes(v), `the API's answer names ${v.slice(0, 40)}`);
    assert.equal(await page.locator('#response-body').evaluate((e) => e.children.length), 0);
    await inert(p, 'response view');
  });

  it('shows the corpus as text in the records view, the response body and the history', async (t) => {
    const p = await open(t, { allow: [consoleStatus(400, 404)] });
    const { page } = p;
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    const token = await page.getByLabel('Access token').inputValue();
    // A record a vector, made through the API; one made through the page too.
    const made = [];
    for (const [i, v] of corpus.entries()) {
      const r = await fetch(`${server.base}/me/insights/used`, {
        method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          lastUsed: { lastAccessedDateTime: `2026-0${1 + (i % 9)}-0${1 + (i % 9)}T00:00:00Z` },
          resourceVisualization: { title: v, type: corpus[(i + 1) % N], containerDisplayName: corpus[(i + 2) % N], previewText: corpus[(i + 3) % N] },
          resourceReference: { id: v, type: corpus[(i + 4) % N] },
        }),
      });
      assert.equal(r.status, 201, await r.clone().text());
      made.push(await r.json());
    }
    const url = 'https://example.com/?q="><script>__pwn(27)</script>';
    await replaceText(page, JSON.stringify({
      lastUsed: { lastAccessedDateTime: '2026-12-01T00:00:00Z' },
      resourceVisualization: { title: corpus[4], type: corpus[5], containerDisplayName: corpus[13], previewImageUrl: url, containerWebUrl: url, mediaType: corpus[6] },
      resourceReference: { webUrl: url, id: corpus[7], type: corpus[8] },
    }, null, 2));
    await validated(page);
    await send(page);
    assert.equal(await textOf(page, '#response-status'), '201 Created');
    made.push(JSON.parse(await textOf(page, '#response-body')));
    assert.equal(made.at(-1).resourceReference.webUrl, url);
    await inert(p, 'create');

    await page.getByLabel('Page size').selectOption('100');
    for (const r of made) {
      const row = page.locator(`#records tr[data-id="${r.id}"]`);
      await row.waitFor();
      const cells = await row.locator('td').evaluateAll((tds) => tds.map((td) => ({ text: td.textContent, title: td.title, elements: td.querySelectorAll('*').length })));
      assert.deepEqual(cells.slice(0, 4).map((c) => ({ text: c.text, title: c.title })), [
        r.lastUsed.lastAccessedDateTime, r.resourceVisualization.title, r.resourceVisualization.type, r.resourceVisualization.containerDisplayName,
      ].map(cellOf));
      assert.ok(cells.slice(0, 5).every((c) => c.elements === 0), 'cells are text');
      assert.equal(cells[4].title, r.id);
      assert.deepEqual(await row.getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label'))),
        [`Open ${r.resourceVisualization.title}`, `Delete ${r.resourceVisualization.title}`]);
    }
    await inert(p, 'records view');

    // Opened: the Response view's body is the record, character for character once parsed.
    for (const r of [made[0], made[N - 1], made.at(-1)]) {
      await page.locator(`#records tr[data-id="${r.id}"]`).getByRole('button', { name: /^Open / }).click();
      await page.waitForFunction((id) => document.getElementById('response-body').textContent.includes(id), r.id);
      assert.equal(await textOf(page, '#response-status'), '200 OK');
      assert.deepEqual(withoutOData(JSON.parse(await textOf(page, '#response-body'))), withoutOData(r));
    }
    await page.locator(`#records tr[data-id="${made[1].id}"]`).getByRole('button', { name: /^Delete / }).click();
    await page.locator(`#records tr[data-id="${made[1].id}"]`).waitFor({ state: 'detached' });
    assert.equal(await textOf(page, '#response-status'), '204 No Content');
    await inert(p, 'open and delete');

    // Paths that are vectors: sent (the API refuses them), and kept as text in the history.
    await page.getByLabel('Method').selectOption('GET');
    const vectorPaths = [`/me/insights/used/${corpus[1]}`, `/me/insights/used?$filter=${corpus[0]}`, `/me/insights/used/${corpus[13]}`];
    for (const path of vectorPaths) {
      await page.getByLabel('Request URL').fill(path);
      await send(page);
      assert.match(await textOf(page, '#response-status'), /^40[04] /);
      assert.ok((await textOf(page, '#response-time')).endsWith(`GET ${server.base}/v1.0${path.trim()}`));
    }
    const history = await page.locator('#history li').evaluateAll((lis) => lis.map((li) => ({
      method: li.querySelector('.method').textContent, path: li.querySelector('.hpath').textContent, elements: li.querySelectorAll('*').length,
    })));
    assert.deepEqual(history.slice(0, 3).map((h) => [h.method, h.path]), vectorPaths.map((x) => ['GET', `/v1.0${x.trim()}`]).reverse());
    assert.ok(history.every((h) => h.elements === 5), 'a history entry is a button and four spans');
    await page.locator('#history button', { hasText: vectorPaths[0] }).click();
    assert.equal(await page.getByLabel('Request URL').inputValue(), vectorPaths[0]);
    await inert(p, 'history');
  });

  it('loads share links, storage and an endpoint that carry the corpus as text', async (t) => {
    const body = JSON.stringify(Object.fromEntries(corpus.map((v) => [v, v])), null, 2);
    const request = { method: corpus[0], version: corpus[3], path: `/me/insights/used/${corpus[2]}`, headers: `client-request-id: ${crid}\nX-A: ${corpus[1]}`, body };
    const p = await open(t, { path: `/#request=${b64(JSON.stringify(request))}` });
    let { page } = p;
    await validated(page);
    assert.equal(await docText(page), body);
    assert.equal(await page.getByLabel('Method').inputValue(), 'GET', 'an unknown method falls back to GET');
    assert.equal(await page.getByLabel('Version').inputValue(), 'v1.0', 'an unknown version falls back to v1.0');
    assert.equal(await page.getByLabel('Request URL').inputValue(), request.path);
    assert.equal(await page.getByLabel('Request headers', { exact: true }).inputValue(), request.headers);
    const problemTexts = await page.locator('#problems-list .msg').allTextContents();
    for (const v of corpus) assert.ok(problemTexts.some((m) => m.includes(`'${v}'`)), v.slice(0, 40));
    await inert(p, 'a share link loaded fresh');

    // Fragments that are not share links, or carry wrong types, by hashchange.
    const garbage = [
      `#request=${corpus[1]}`, `#${corpus[2]}`, `#request=${b64('[1]')}`, `#request=${b64('null')}`, `#request=${b64(JSON.stringify(corpus[0]))}`,
      `#request=${Buffer.from([0xff, 0xfe, 0x3c]).toString('base64url')}`, '#request=%3Cscript%3E', '#request=!!',
    ];
    for (const hash of garbage) {
      await page.evaluate((h) => {
        location.hash = h;
      }, hash);
      await page.waitForTimeout(50);
      assert.equal(await page.getByLabel('Request URL').inputValue(), request.path, `${hash} changed the request`);
    }
    const odd = { method: { x: corpus[0] }, version: 5, path: [corpus[1]], headers: null, body: 7 };
    await page.evaluate((h) => {
      location.hash = h;
    }, `#request=${b64(JSON.stringify(odd))}`);
    await page.waitForFunction(() => document.getElementById('path').value === '/me/insights/used');
    assert.equal(await docText(page), '');
    await page.evaluate((h) => {
      location.hash = h;
    }, `#request=${b64(JSON.stringify({ ...request, method: 'POST' }))}`);
    await page.waitForFunction(() => document.getElementById('method').value === 'POST');
    assert.equal(await docText(page), body);
    await inert(p, 'fragments by hashchange');

    // Storage the page reads on load, poisoned: history, draft, endpoint, theme, token.
    const entries = [
      { method: corpus[0], version: corpus[3], path: corpus[1], headers: corpus[2], body: corpus[4], status: corpus[5], ms: corpus[6], at: corpus[7] },
      { method: { a: corpus[8] }, path: [corpus[9]], status: 201, ms: 12.5, at: '2026-11-29T08:00:00.000Z', body: 5 },
      corpus[10], null, 42, [corpus[11]],
    ];
    const claims = { sub: corpus[1], scp: corpus[2], exp: 'soon' };
    const endpoint = `${corpus[4]}/x`;
    const q = await open(t, {
      allow: [consoleStatus(404)],
      storage: {
        local: {
          'usedinsight.history': JSON.stringify(entries), 'usedinsight.endpoint': endpoint, 'usedinsight.theme': corpus[0],
          'usedinsight.draft': JSON.stringify({ method: corpus[0], version: corpus[1], path: corpus[2], headers: corpus[3], body: corpus[4] }),
        },
        session: { 'usedinsight.token': jwt(claims) },
      },
    });
    page = q.page;
    await page.locator('#records-status').getByText('Listing answered').waitFor();
    // A poisoned theme is no choice: the page follows the system's (light, as Chromium starts).
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    assert.equal(await docText(page), corpus[4]);
    assert.equal(await page.getByLabel('Method').inputValue(), 'GET', 'a draft is checked like a share link');
    assert.equal(await page.getByLabel('Version').inputValue(), 'v1.0');
    assert.equal(await page.getByLabel('Request URL').inputValue(), corpus[2]);
    assert.equal(await page.getByLabel('Request headers', { exact: true }).inputValue(), corpus[3]);
    assert.equal(await page.getByLabel('Endpoint').inputValue(), endpoint);
    assert.equal(await textOf(page, '#url-base'), `${endpoint}/v1.0`);
    assert.equal(await textOf(page, '#token-status'), `Token for ${claims.sub} (delegated, ${claims.scp}).`);
    const history = await page.locator('#history li').evaluateAll((lis) => lis.map((li) => [...li.querySelectorAll('span')].map((s) => s.textContent)));
    assert.deepEqual(history, [
      [corpus[0], `/${corpus[3]}${corpus[1]}`, corpus[5], corpus[7].slice(11, 19)],
      [JSON.stringify({ a: corpus[8] }), JSON.stringify([corpus[9]]), '201', '13 ms · 08:00:00'],
    ]); // the string, null, number and array are no entries

    await page.locator('#history button').first().click();
    assert.equal(await page.getByLabel('Request URL').inputValue(), corpus[1]);
    assert.equal(await docText(page), corpus[4]);
    await page.locator('#history button').nth(1).click(); // wrong types: strings of them
    assert.equal(await page.getByLabel('Request URL').inputValue(), JSON.stringify([corpus[9]]));
    await inert(q, 'poisoned storage');

    // The endpoint setting itself: a vector (a relative URL on the page's origin), sent.
    await page.getByLabel('Method').selectOption('GET');
    await page.getByLabel('Version').selectOption('v1.0');
    await page.getByLabel('Request URL').fill('/me/insights/used');
    await send(page);
    assert.match(await textOf(page, '#response-status'), /^\d{3} /);
    const time = await textOf(page, '#response-time');
    assert.ok(time.endsWith(`GET ${endpoint}/v1.0/me/insights/used`), time);
    const snippet = await textOf(page, '#snippet-curl pre');
    assert.ok(snippet.includes(`${endpoint}/v1.0/me/insights/used`), snippet);
    await inert(q, 'the endpoint setting');

    // An endpoint of another scheme: nothing is fetched from it, the page says why.
    for (const bad of ['javascript:__pwn(30)//', `data:text/html,${corpus[0]}`]) {
      await page.getByLabel('Endpoint').fill(bad);
      await send(page);
      assert.match(await textOf(page, '#response-status'), /: failed$/);
      assert.match(await textOf(page, '#response-body'), /the endpoint is not an http or https URL/);
      await inert(q, `the endpoint ${bad}`);
    }
  });

  // Each attempt of probeCSP: what it throws, and the directive it violates. Trusted Types
  // refuse every string that would become script or HTML before script-src is asked.
  const tt = (threw) => ({ threw, violated: ['require-trusted-types-for'] });
  const refusals = {
    'inline script': tt('nothing'), // a <script> whose text came from a text node
    'script.text': tt('TypeError'),
    'script.src': tt('TypeError'),
    'handler attribute': tt('TypeError'),
    'javascript: link': { threw: 'nothing', violated: ['script-src-elem'] },
    'javascript: location': { threw: 'nothing', violated: ['script-src-elem'] },
    eval: tt('EvalError'),
    Function: tt('EvalError'),
    setTimeout: tt('TypeError'),
    ...Object.fromEntries(['innerHTML', 'insertAdjacentHTML', 'createContextualFragment', 'DOMParser', 'srcdoc', 'outerHTML'].map((sink) => [sink, tt('TypeError')])),
    createPolicy: { threw: 'TypeError', violated: ['trusted-types'] },
    'inline style': { threw: 'nothing', violated: ['style-src-elem'] },
  };

  it('keeps the CSP in force: no inline script, handler, javascript: URL, eval, HTML string or framing', async (t) => {
    // What Chromium logs of each refusal below; the violations themselves are checked one by one.
    const allow = [/Content Security Policy/i, /requires 'Trusted(HTML|Script|ScriptURL)' assignment/, consoleStatus(404)];
    const served = await open(t, { allow });
    const csp = parseCSP(served.response.headers()['content-security-policy']);
    const meta = parseCSP(await served.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'));
    assert.deepEqual(csp, { ...meta, 'frame-ancestors': ["'none'"] }, 'the header is the <meta> plus frame-ancestors');
    assert.deepEqual(csp['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
    assert.deepEqual(csp['default-src'], ["'none'"]);
    assert.deepEqual(csp['require-trusted-types-for'], ["'script'"]);
    assert.deepEqual(csp['trusted-types'], ['usedinsight-sw']); // the service worker's URL only (offline.mjs)
    assert.deepEqual(csp['worker-src'], ["'self'"]);
    assert.deepEqual(csp['object-src'] ?? csp['default-src'], ["'none'"]);
    for (const unsafe of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", '*']) {
      assert.ok(!Object.values(csp).flat().includes(unsafe), `${unsafe} in ${JSON.stringify(csp)}`);
    }

    // The same probes under the header and under the <meta> alone (the page as static files).
    const fromStatic = await open(t, { base: statics.base, allow });
    for (const [where, p] of [['served by the Worker', served], ['as static files', fromStatic]]) {
      const r = await p.page.evaluate(probeCSP, hostile.base);
      assert.deepEqual(r.ran, [], `${where}: probes that ran`);
      assert.deepEqual(r.attempts, refusals, `${where}: how each attempt was refused`);
      assert.notEqual(r.outline, 'rgb(1, 2, 3)', `${where}: the inline style applied`);
      assert.equal(await p.page.evaluate(() => Boolean(window.usedInsight && document.getElementById('send'))), true, `${where}: the page is still there`);
    }

    // Framed by another origin: refused (frame-ancestors 'none').
    const framer = await served.context.newPage();
    await framer.goto(`${hostile.base}/frame?src=${encodeURIComponent(`${server.base}/`)}`);
    await framer.waitForTimeout(200);
    const frame = framer.frames().find((f) => f !== framer.mainFrame());
    const framed = await frame.evaluate(() => Boolean(document.getElementById('send'))).catch(() => false);
    assert.equal(framed, false, 'the playground loaded in a frame of another origin');
    await framer.close();
  });

  it('survives every response shape of a hostile endpoint and stays usable', async (t) => {
    const p = await open(t, {
      allow: [consoleStatus(400, 401, 500), /^Failed to load resource: net::ERR_/, /\/s\/no-cors\/.*blocked by CORS policy/],
      allowFailed: [/\/s\/(no-cors|reset|reset-body)\//],
    });
    const { page } = p;
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    const token = await page.getByLabel('Access token').inputValue();
    await page.getByLabel('Method').selectOption('GET');
    await page.getByLabel('Request URL').fill('/me/insights/used');
    const endpoint = (shape) => page.getByLabel('Endpoint').fill(`${hostile.base}/s/${shape}`);

    const normal = async (step) => {
      await endpoint('ok');
      await send(page);
      assert.equal(await textOf(page, '#response-status'), '200 OK', `${step}: then a normal answer`);
      assert.ok((await textOf(page, '#response-body')).includes('Normal record'), `${step}: then a normal answer`);
      await refreshRecords(page);
      assert.deepEqual(await page.locator('#records tr td:nth-child(2)').allTextContents(), ['Normal record'], `${step}: then a normal list`);
    };

    const plain = Object.entries(shapes).filter(([, s]) => s.status);
    for (const [name, shape] of plain) {
      await endpoint(name);
      if (name === 'slow') {
        // While it waits, the page is not blocked: the editor still validates.
        await page.getByRole('button', { name: 'Send', exact: true }).click();
        assert.equal(await page.getByRole('button', { name: 'Send', exact: true }).isDisabled(), true);
        await replaceText(page, '{"lastUsed": 5}');
        await page.locator('#problems-list .msg', { hasText: 'got a number' }).waitFor();
        assert.equal(await page.locator('#response').getAttribute('aria-busy'), 'true', 'the slow answer is still awaited');
        await page.waitForFunction(() => !document.getElementById('response').hasAttribute('aria-busy'));
      } else {
        await send(page);
      }
      const status = await textOf(page, '#response-status');
      assert.match(status, shape.status, `${name}: the Response view's status`);
      const shown = await textOf(page, '#response-body');
      assert.ok(shown.includes(shape.shows), `${name}: the Response view shows ${JSON.stringify(shape.shows.slice(0, 60))}, not ${JSON.stringify(shown.slice(0, 200))}`);
      assert.ok(shown.length <= (1 << 20) + 100, `${name}: ${shown.length} characters shown`);
      if (shape.shows === html || shape.shows === '') assert.equal(shown, shape.shows, `${name}: shown as it came`);
      await refreshRecords(page);
      assert.match(await textOf(page, '#records-status'), shape.listed, `${name}: the records view's status`);
      if (shape.rows) assert.equal(await page.locator('#records tr').count(), shape.rows, `${name}: rows`);

      if (name === 'records') await hostileRecordsView(page, p);
      if (name === 'odd-items') {
        const cells = await page.locator('#records tr').nth(6).locator('td').allTextContents();
        assert.deepEqual(cells.slice(0, 4), [JSON.stringify({ $gt: corpus[4] }), JSON.stringify({ nested: corpus[1] }), JSON.stringify([corpus[2]]), JSON.stringify({ x: corpus[3] })]);
      }
      if (name === 'next-same') {
        assert.equal(await page.getByRole('button', { name: 'Next page' }).isEnabled(), true, 'a nextLink on the endpoint\'s origin is followed');
        await page.getByRole('button', { name: 'Next page' }).click();
        await page.locator('#records-page').getByText('Page 2').waitFor();
        assert.deepEqual(await page.locator('#records tr td:nth-child(2)').allTextContents(), ['Normal record']);
        assert.ok(hostile.hits.some((h) => h.url.includes(`$skiptoken=${encodeURIComponent(corpus[4])}`)));
      }
      if (name === 'next-other' || name === 'records') {
        assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true, `${name}: a nextLink elsewhere is offered`);
      }
      await inert(p, name);
      await normal(name);
      await inert(p, `${name}, then normal`, 0); // what is new is the normal answer
    }

    // The other requests the page makes, answered in a few of the shapes: create, $count,
    // update and delete.
    for (const name of ['html', 'records', 'reset']) {
      await endpoint(name);
      for (const [method, path] of [['POST', '/me/insights/used'], ['GET', '/me/insights/used/$count'], ['PATCH', '/me/insights/used/x'], ['DELETE', '/me/insights/used/x']]) {
        await page.getByLabel('Method').selectOption(method);
        await page.getByLabel('Request URL').fill(path);
        await send(page);
        assert.match(await textOf(page, '#response-status'), name === 'reset' ? /: failed$/ : /^20[04] /, `${name}: ${method} ${path}`);
        await inert(p, `${name}: ${method} ${path}`);
      }
      await page.getByLabel('Method').selectOption('GET');
      await page.getByLabel('Request URL').fill('/me/insights/used');
      await normal(`${name}: create, $count, update and delete`);
    }
    assert.deepEqual(other.hits, [], 'another origin was asked for something (the token would go with it)');

    // The validator still works after the page formatted every shape (deep nesting included).
    await replaceText(page, '{"id": "has space"}');
    await page.locator('#problems-list .where', { hasText: 'id · line 1, column 8' }).waitFor();

    // Dev tokens from the hostile endpoint: claims are shown as text, odd answers as errors.
    const devtoken = async (shape) => {
      await endpoint(shape);
      await page.getByRole('button', { name: 'Get dev token' }).click();
      await page.waitForFunction(() => document.getElementById('token-status').textContent !== 'Asking for a dev token…');
      return textOf(page, '#token-status');
    };
    assert.ok((await devtoken('token-hostile')).startsWith(`Token for ${corpus[1]} (delegated, ${JSON.stringify({ [corpus[2]]: corpus[0] })})`));
    // The page lists the records with it, sent as it came.
    const listed = () => hostile.hits.find((h) => h.method === 'GET' && h.url.startsWith('/s/token-hostile/v1.0/me/insights/used?'));
    for (let i = 0; i < 100 && !listed(); i++) await page.waitForTimeout(50);
    assert.equal(listed()?.authorization, `Bearer ${await page.getByLabel('Access token').inputValue()}`);
    assert.equal(await devtoken('token-odd'), 'No dev token: no access_token in the answer');
    assert.match(await devtoken('html'), /^No dev token: /);
    assert.match(await devtoken('reset'), /^No dev token: /);
    assert.equal(await devtoken('token-unicode'), 'The token is not a JWT the page can read; it is sent as it is.');
    await page.locator('#records-status').getByText('Could not list the records').waitFor();
    await send(page);
    assert.match(await textOf(page, '#response-status'), /: failed$/);
    await inert(p, 'dev tokens');
    await page.getByLabel('Access token').fill(token);
    await normal('dev tokens');
    await inert(p, 'the end');
  });
});

// hostileRecordsView opens, edits and deletes records whose every field is a vector.
async function hostileRecordsView(page, p) {
  const rows = await page.locator('#records tr').evaluateAll((trs) => trs.map((tr) => ({
    id: tr.dataset.id, cells: [...tr.children].map((td) => ({ text: td.textContent, title: td.title, elements: td.querySelectorAll('*').length })),
  })));
  rows.forEach((row, i) => {
    const r = hostileRecords[i];
    assert.equal(row.id, r.id);
    assert.deepEqual(row.cells.slice(0, 4).map((c) => ({ text: c.text, title: c.title })),
      [r.lastUsed.lastAccessedDateTime, r.resourceVisualization.title, r.resourceVisualization.type, r.resourceVisualization.containerDisplayName].map(cellOf));
    assert.equal(row.cells[4].title, r.id);
    assert.equal(row.cells[4].text, r.id.length > 18 ? `${r.id.slice(0, 16)}…` : r.id);
    assert.ok(row.cells.slice(0, 5).every((c) => c.elements === 0), 'cells are text');
  });
  // Opened (the very long id first), then put in the editor: a PATCH of it, as text.
  for (const i of [0, 13]) {
    const r = hostileRecords[i];
    await page.locator('#records tr').nth(i).getByRole('button', { name: /^Open / }).click();
    await page.waitForFunction(() => !document.getElementById('response').hasAttribute('aria-busy'));
    assert.equal(await textOf(page, '#response-status'), '200 OK');
    assert.deepEqual(JSON.parse(await textOf(page, '#response-body')), r);
    assert.ok(hostile.hits.some((h) => h.url.endsWith(`/me/insights/used/${encodeURIComponent(r.id)}`)), 'the id, encoded, in the URL');
  }
  await page.getByRole('button', { name: 'Edit as request body' }).click();
  const { id, ...rest } = hostileRecords[13];
  assert.deepEqual(JSON.parse(await docText(page)), rest);
  assert.equal(await page.getByLabel('Method').inputValue(), 'PATCH');
  assert.equal(await page.getByLabel('Request URL').inputValue(), `/me/insights/used/${encodeURIComponent(id)}`);
  await validated(page);
  assert.equal(await formValue(page, 'resourceVisualization.title', rest.resourceVisualization.title), rest.resourceVisualization.title);
  await inert(p, 'a hostile record opened and edited');

  await page.locator('#records tr').nth(2).getByRole('button', { name: /^Delete / }).click();
  await page.locator('#response-status', { hasText: '204 No Content' }).waitFor();
  await page.waitForFunction(() => document.getElementById('records-status').textContent !== 'Loading…');
  await page.getByLabel('Method').selectOption('GET');
  await page.getByLabel('Request URL').fill('/me/insights/used');
}

// parseCSP reads a policy into {directive: [values]}.
function parseCSP(policy) {
  return Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).filter(([d]) => d).map(([d, ...v]) => [d.toLowerCase(), v]));
}

// probeCSP runs in the page: everything a script could try to run more script with. It returns
// what ran (nothing may), what each attempt threw, and the violations reported meanwhile,
// which it takes out of the page's record (they are this probe's, and checked by the test).
async function probeCSP(foreign) {
  // Out of the evaluation DevTools runs (in which Chromium lets eval through), into a task of the page's own.
  await new Promise((r) => setTimeout(r, 0));
  window.__csp = [];
  const out = {};
  const attempt = async (name, f) => {
    const before = window.__violations.length;
    let threw = 'nothing';
    try {
      f();
    } catch (e) {
      threw = e.name;
    }
    await new Promise((r) => setTimeout(r, 50)); // violations are reported in a task of their own
    // This probe's violations, taken out of the page's record (the test checks them here).
    out[name] = { threw, violated: [...new Set(window.__violations.splice(before).map((v) => v.split(':')[0]))] };
  };
  const html = '<img src=x onerror="window.__csp.push(\'html\')">';
  const s = document.createElement('script');
  s.append(document.createTextNode('window.__csp.push("inline script")'));
  await attempt('inline script', () => document.head.append(s));
  await attempt('script.text', () => {
    document.createElement('script').text = 'window.__csp.push("script.text")';
  });
  await attempt('script.src', () => {
    document.createElement('script').src = `${foreign}/x.js`;
  });
  await attempt('handler attribute', () => {
    const b = document.createElement('button');
    document.body.append(b);
    try {
      b.setAttribute('onclick', 'window.__csp.push("handler attribute")');
      b.click();
    } finally {
      b.remove();
    }
  });
  await attempt('javascript: link', () => {
    const a = document.createElement('a');
    a.href = 'javascript:window.__csp.push("javascript: link")';
    document.body.append(a);
    a.click();
    a.remove();
  });
  await attempt('javascript: location', () => {
    location.href = 'javascript:window.__csp.push("javascript: location")';
  });
  await attempt('eval', () => eval('window.__csp.push("eval")'));
  await attempt('Function', () => new Function('window.__csp.push("Function")')());
  await attempt('setTimeout', () => setTimeout('window.__csp.push("setTimeout")', 0));
  const div = document.createElement('div');
  document.body.append(div);
  await attempt('innerHTML', () => {
    div.innerHTML = html;
  });
  await attempt('insertAdjacentHTML', () => div.insertAdjacentHTML('beforeend', html));
  await attempt('createContextualFragment', () => document.createRange().createContextualFragment(html));
  await attempt('DOMParser', () => new DOMParser().parseFromString(html, 'text/html'));
  await attempt('srcdoc', () => {
    document.createElement('iframe').srcdoc = html;
  });
  await attempt('outerHTML', () => {
    div.outerHTML = html;
  });
  div.remove();
  await attempt('createPolicy', () => trustedTypes.createPolicy('probe', { createHTML: (x) => x }));
  const st = document.createElement('style');
  st.append(document.createTextNode('body { outline: 9px solid rgb(1, 2, 3) }'));
  await attempt('inline style', () => document.head.append(st));
  await new Promise((r) => setTimeout(r, 200));
  const outline = getComputedStyle(document.body).outlineColor;
  s.remove();
  st.remove();
  return { ran: window.__csp, attempts: out, outline };
}
