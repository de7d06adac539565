// Browser end-to-end tests of the playground: headless Chromium (Debian's chromium through
// playwright-core) against the page served by a real `wrangler dev` of its own
// (e2e/harness.mjs), the way a person uses it: the page loads, problems appear and clear as one
// types, the form writes the JSON, Send creates a record (201), the records view opens and
// deletes it, the curl and fetch snippets work when run, hostile payloads stay text, and no
// test sees a console error, an uncaught exception or a CSP violation.
//
// Run by `make test-browser` (which builds what they need); directly: `cd web && npm run test:browser`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { startWrangler, devToken, serveStatic } from './harness.mjs';
import { launch } from './browser.mjs';
import { opener, editorText, replaceText, waitNoProblems, formValue, formText } from './page.mjs';

const run = promisify(execFile);
const seed = await readFile(new URL('../../internal/insight/testdata/seed.json', import.meta.url), 'utf8');
const unique = (prefix) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let server;
let browser;
let statics; // the same files from a plain static file server: another origin

before(async () => {
  statics = await serveStatic(() => server.assets);
  server = await startWrangler({ vars: { DEV_TOKENS: '1', ALLOWED_ORIGINS: statics.base } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await statics?.close();
});

const open = opener(() => browser, () => server);

const problems = (page) => page.getByRole('region', { name: 'Problems' }).locator('li');
const responseStatus = (page) => page.locator('#response-status');


describe('playground', () => {
  it('loads: ready hook, labelled controls, CSP, a dev token, wasm as application/wasm compressed', async (t) => {
    const { page, response } = await open(t);
    const ready = await page.evaluate(() => performance.getEntriesByName('usedinsight:ready')[0].startTime);
    assert.ok(ready > 0 && ready < 10000, `ready at ${ready} ms`);
    const api = await page.evaluate(() => ({
      keys: Object.keys(window.usedInsight).sort(),
      languages: [...window.usedInsight.languages],
    }));
    for (const k of ['validate', 'build', 'fieldsOf', 'format', 'minify', 'snippet', 'languages', 'fieldPaths']) {
      assert.ok(api.keys.includes(k), `window.usedInsight.${k}`);
    }
    assert.deepEqual(api.languages, ['curl', 'httpie', 'fetch', 'go', 'powershell', 'go-sdk', 'javascript-sdk']);
    assert.equal(await page.evaluate((s) => window.usedInsight.validate(s).valid, seed), true);

    await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
    await page.getByRole('region', { name: 'Problems', exact: true }).waitFor();
    await page.getByRole('region', { name: 'Response', exact: true }).waitFor();
    for (const name of ['Get dev token', 'Share link', 'Format', 'Minify', 'Refresh', 'Clear history']) {
      await page.getByRole('button', { name, exact: true }).waitFor();
    }
    for (const name of ['Method', 'Version', 'Request URL', 'Endpoint', 'Access token', 'Request body (JSON)']) {
      assert.equal(await page.getByLabel(name, { exact: true }).count(), 1, name);
    }
    for (const path of await page.evaluate(() => [...window.usedInsight.fieldPaths])) {
      assert.equal(await page.getByLabel(path, { exact: true }).count(), 1, `a form field labelled ${path}`);
    }

    // The seed is the first body: three warnings, in the list and in the editor.
    await page.getByRole('region', { name: 'Problems' }).getByText('0 errors, 3 warnings').waitFor();
    assert.equal(await page.locator('#editor .cm-lintRange-warning').count(), 3);

    // A dev token, fetched on its own; the records view lists with it.
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    assert.match(await page.getByLabel('Access token').inputValue(), /^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    await page.locator('#records-count').getByText('stored').waitFor();

    const csp = response.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
    assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');

    const wasm = await fetch(`${server.base}/insight.wasm`, { headers: { 'Accept-Encoding': 'br, gzip' } });
    await wasm.arrayBuffer();
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.match(wasm.headers.get('content-encoding') ?? '', /^(br|gzip)$/);
    assert.equal(await page.evaluate(async () => {
      const r = await WebAssembly.instantiateStreaming(fetch('insight.wasm'), new globalThis.Go().importObject);
      return r.instance instanceof WebAssembly.Instance;
    }), true, 'instantiateStreaming works on the served module');

    // Tooling stays out of the served files.
    for (const p of ['/package.json', '/node_modules/playwright-core/package.json', '/src/main.mjs', '/e2e/harness.mjs', '/test/insight.test.mjs', '/test/fixtures/payloads.mjs', '/bench/schema.mjs', '/_headers']) {
      const r = await fetch(server.base + p);
      await r.arrayBuffer();
      assert.notEqual(r.status, 200, `${p} is served`);
    }
  });

  it('shows problems as you type and clears them', async (t) => {
    const { page } = await open(t);
    await replaceText(page, '');
    await page.getByRole('region', { name: 'Problems' }).locator('li.error').first().waitFor();

    // Typed key by key: an id with a space and no required member.
    await page.keyboard.type('{"id": "has space"}', { delay: 5 });
    assert.equal(await editorText(page), '{"id": "has space"}');
    await page.getByRole('region', { name: 'Problems' }).getByText('id · line 1, column 8').waitFor();
    const texts = await problems(page).allTextContents();
    assert.ok(texts.some((x) => x.includes('lastUsed')), texts.join('\n'));
    assert.ok(await page.locator('#editor .cm-lintRange-error').count() >= 1);

    // Each entry jumps to its place: the cursor goes to the line of the value.
    await replaceText(page, '{\n  "id": "ok",\n  "lastUsed": {\n    "lastAccessedDateTime": "yesterday"\n  }\n}');
    const entry = page.getByRole('region', { name: 'Problems' }).getByRole('button').filter({ hasText: 'lastUsed.lastAccessedDateTime' });
    await entry.waitFor();
    await entry.click();
    assert.match(await page.locator('#editor .cm-activeLine').textContent(), /"yesterday"/);
    assert.match(await formText(page.locator('#field-lastUsed-lastAccessedDateTime-msg'), /yesterday/), /yesterday/);

    // Typed again: a valid payload, and every problem goes.
    await replaceText(page, '');
    const valid = '{"lastUsed": {"lastAccessedDateTime": "2026-11-29T08:00:00Z"}, "resourceVisualization": {"title": "Plan"}, "resourceReference": {"id": "x1"}}';
    await page.keyboard.type(valid, { delay: 2 });
    assert.equal(await editorText(page), valid);
    await waitNoProblems(page);
  });

  it('takes typing before the module is ready, and shows its problems as soon as it is', async (t) => {
    // The module is held back until the text has been typed.
    let release;
    const held = new Promise((r) => {
      release = r;
    });
    const { page } = await open(t, {
      ready: false,
      prepare: (p) => p.route('**/insight.wasm', async (route) => {
        await held;
        await route.continue();
      }),
    });
    await page.locator('#problems-list').getByText('Loading the validator…').waitFor();
    await replaceText(page, '');
    await page.keyboard.type('{"id": "has space"}', { delay: 5 });
    assert.equal(await editorText(page), '{"id": "has space"}');
    assert.equal(await page.evaluate(() => performance.getEntriesByName('usedinsight:ready').length), 0, 'typed before the module was ready');

    release();
    await page.waitForFunction(() => performance.getEntriesByName('usedinsight:ready').length > 0, null, { timeout: 20000 });
    // Ready means its problems are listed and marked already, with no further wait.
    const shown = await page.evaluate(() => ({
      list: document.getElementById('problems-list').textContent,
      errors: document.querySelector('#editor').shadowRoot.querySelectorAll('.cm-lintRange-error').length,
    }));
    assert.match(shown.list, /id · line 1, column 8/);
    assert.ok(shown.errors >= 1, `${shown.errors} error marks`);
  });

  it('keeps the form and the JSON in sync both ways', async (t) => {
    const { page } = await open(t);
    await page.getByLabel('Samples').selectOption('empty');
    assert.equal(await editorText(page), '');

    await page.getByRole('button', { name: 'Set lastUsed.lastAccessedDateTime to now' }).click();
    const now = await page.getByLabel('lastUsed.lastAccessedDateTime', { exact: true }).inputValue();
    assert.match(now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await page.getByLabel('resourceVisualization.title', { exact: true }).fill('Budget 2027');
    await page.getByLabel('resourceVisualization.type', { exact: true }).fill('Excel');
    await page.getByLabel('resourceReference.id', { exact: true }).fill('drives/b!x/items/01');
    await page.getByLabel('id', { exact: true }).fill('budget-2027');
    const text = await editorText(page);
    assert.deepEqual(JSON.parse(text), {
      id: 'budget-2027',
      lastUsed: { lastAccessedDateTime: now },
      resourceVisualization: { title: 'Budget 2027', type: 'Excel' },
      resourceReference: { id: 'drives/b!x/items/01' },
    });
    assert.deepEqual(Object.keys(JSON.parse(text)), ['id', 'lastUsed', 'resourceVisualization', 'resourceReference'], 'members in the seed\'s order');
    await waitNoProblems(page);

    // Emptying a field removes its member.
    await page.getByLabel('id', { exact: true }).fill('');
    assert.equal(JSON.parse(await editorText(page)).id, undefined);

    // The JSON fills the form.
    await replaceText(page, seed);
    await assert.doesNotReject(page.waitForFunction(() => document.getElementById('field-resourceVisualization-title').value === 'Title value'));
    assert.equal(await page.getByLabel('resourceReference.webUrl', { exact: true }).inputValue(), 'https://example.com/webUrl/');
    assert.equal(await page.getByLabel('resourceReference.type', { exact: true }).inputValue(), '');
    assert.match(await formText(page.locator('#field-resourceVisualization-type-msg'), /not a documented/), /not a documented/);

    // Text the form cannot edit makes it read-only, and says why.
    await replaceText(page, '{"lastUsed": ');
    await page.locator('#form-note').getByText('not JSON yet').waitFor();
    assert.equal(await page.getByLabel('resourceVisualization.title', { exact: true }).isEditable(), false);
  });

  it('sends (201), then opens and deletes the record from the records view', async (t) => {
    const { page } = await open(t);
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    await page.getByLabel('Samples').selectOption('minimal');
    const title = unique('Playground record');
    await page.getByLabel('resourceVisualization.title', { exact: true }).fill(title);
    await waitNoProblems(page);
    await page.getByRole('button', { name: 'Send', exact: true }).click();

    const response = page.getByRole('region', { name: 'Response' });
    await response.getByText('201 Created').waitFor();
    assert.match(await page.locator('#response-time').textContent(), /^\d+ ms · POST http:\/\/127\.0\.0\.1:\d+\/v1\.0\/me\/insights\/used$/);
    const created = JSON.parse(await page.locator('#response-body').textContent());
    assert.equal(created.resourceVisualization.title, title);
    assert.match(created.id, /^[\w.~-]+$/);
    const headerNames = await page.locator('#response-headers th').allTextContents();
    assert.ok(headerNames.includes('location') && headerNames.includes('request-id'), headerNames.join(', '));
    await page.locator('#history .hstatus', { hasText: /^201$/ }).first().waitFor();

    // The records view lists it (refreshed after the create).
    const row = page.locator('#records tr', { hasText: title });
    await row.waitFor();
    await page.getByRole('button', { name: `Open ${title}` }).click();
    await response.getByText('200 OK').waitFor();
    assert.equal(JSON.parse(await page.locator('#response-body').textContent()).id, created.id);

    await page.getByRole('button', { name: `Delete ${title}` }).click();
    await response.getByText('204 No Content').waitFor();
    await row.waitFor({ state: 'detached' });
    const token = await page.getByLabel('Access token').inputValue();
    const gone = await fetch(`${server.base}/me/insights/used/${created.id}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(gone.status, 404);

    // Ctrl+Enter sends from the editor.
    await page.locator('#editor .cm-content').click();
    await page.keyboard.press('Control+Enter');
    await response.getByText('201 Created').waitFor();
    assert.equal(await page.locator('#history li').count(), 4, 'POST, GET, DELETE, POST in the history');
  });

  it('pages through the records', async (t) => {
    const { page } = await open(t, { ready: true });
    // Records of a user of this test's own, made through the API.
    const user = unique('pager').replace(' ', '-');
    const token = await devToken(server.base, { sub: user, scp: 'Sites.ReadWrite.All' });
    for (let i = 0; i < 7; i++) {
      const r = await fetch(`${server.base}/me/insights/used`, {
        method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ lastUsed: { lastAccessedDateTime: `2026-01-0${i + 1}T00:00:00Z` }, resourceVisualization: { title: `Page item ${i}` }, resourceReference: { id: `r${i}` } }),
      });
      assert.equal(r.status, 201);
    }
    await page.getByLabel('Access token').fill(token);
    await page.locator('#token-status').getByText(`Token for ${user}`).waitFor();
    await page.getByLabel('Page size').selectOption('5');
    await page.locator('#records-count').getByText('7 stored').waitFor();
    await page.locator('#records tr').nth(4).waitFor();
    assert.deepEqual(await page.locator('#records tr td:nth-child(2)').allTextContents(), ['Page item 6', 'Page item 5', 'Page item 4', 'Page item 3', 'Page item 2']);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.locator('#records-page').getByText('Page 2').waitFor();
    assert.deepEqual(await page.locator('#records tr td:nth-child(2)').allTextContents(), ['Page item 1', 'Page item 0']);
    assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.locator('#records-page').getByText('Page 1').waitFor();
    assert.equal(await page.locator('#records tr').count(), 5);
  });

  it('gives curl and fetch snippets that work when run', async (t) => {
    const { page } = await open(t, { permissions: ['clipboard-read', 'clipboard-write'] });
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    await page.getByLabel('Samples').selectOption('minimal');
    const title = unique('Snippet record');
    await page.getByLabel('resourceVisualization.title', { exact: true }).fill(title);
    await waitNoProblems(page);

    await page.getByRole('button', { name: 'Copy curl snippet' }).click();
    await page.locator('#snippet-curl').getByText('Copied.').waitFor();
    const curl = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(curl, /^curl -X POST 'http:\/\/127\.0\.0\.1:\d+\/v1\.0\/me\/insights\/used'/);
    const { stdout } = await run('bash', ['-c', `${curl.trimEnd()} -sS -o /dev/null -w '%{http_code}'`]);
    assert.equal(stdout, '201', 'the copied curl snippet creates the record');

    await page.getByRole('tab', { name: 'JavaScript fetch' }).click();
    await page.getByRole('button', { name: 'Copy JavaScript fetch snippet' }).click();
    await page.locator('#snippet-fetch').getByText('Copied.').waitFor();
    const js = await page.evaluate(() => navigator.clipboard.readText());
    const out = await run(process.execPath, ['--input-type=module', '-e', js]);
    assert.match(out.stdout, /^201 Created\n/);

    // Both made a record with the title.
    const token = await page.getByLabel('Access token').inputValue();
    const list = await (await fetch(`${server.base}/me/insights/used?$top=999`, { headers: { Authorization: `Bearer ${token}` } })).json();
    assert.equal(list.value.filter((r) => r.resourceVisualization.title === title).length, 2);

    for (const [tab, pattern] of [['HTTPie', /^http POST /], ['Go net/http', /^package main\n/], ['PowerShell', /Invoke-WebRequest/]]) {
      await page.getByRole('tab', { name: tab }).click();
      assert.match(await page.getByRole('tabpanel').locator('pre').textContent(), pattern);
    }
  });

  it('renders a hostile payload and response as text and runs nothing', async (t) => {
    const hostile = {
      lastUsed: { lastAccessedDateTime: '2026-11-29T08:00:00Z' },
      resourceVisualization: {
        title: `<img src=x onerror="window.__pwned='img'">${unique('')}`,
        previewText: '<script>window.__pwned="script"</script>',
        containerDisplayName: '"><svg onload="window.__pwned=\'svg\'"></svg><iframe src="javascript:window.top.__pwned=1">',
        type: '<b onmouseover="window.__pwned=\'b\'">Word</b>',
      },
      resourceReference: { id: '</textarea><script>window.__pwned=1</script>' },
    };
    const text = JSON.stringify(hostile, null, 2);
    const { page } = await open(t);
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    await replaceText(page, text);
    await page.getByRole('region', { name: 'Problems' }).getByText('0 errors, 1 warning').waitFor();
    assert.equal(await formValue(page, 'resourceVisualization.title', hostile.resourceVisualization.title), hostile.resourceVisualization.title);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('region', { name: 'Response' }).getByText('201 Created').waitFor();
    assert.match(await page.locator('#response-body').textContent(), /<img src=x onerror=/);
    const row = page.locator('#records tr', { hasText: hostile.resourceVisualization.title });
    await row.waitFor();
    await page.getByRole('button', { name: `Open ${hostile.resourceVisualization.title}` }).click();
    await page.getByRole('region', { name: 'Response' }).getByText('200 OK').waitFor();

    // A share link with the same payload, opened fresh.
    await page.getByRole('button', { name: 'Share link' }).click();
    const link = await page.getByLabel('Share link', { exact: true }).inputValue();
    const shared = await open(t, { path: link.slice(server.base.length) });
    assert.equal(await editorText(shared.page), text);

    for (const p of [page, shared.page]) {
      await p.waitForTimeout(300);
      assert.equal(await p.evaluate(() => window.__pwned), undefined, 'no payload script ran');
      assert.equal(await p.locator('img, iframe, svg[onload], b[onmouseover]').count(), 0, 'no element from a payload');
      assert.equal(await p.evaluate(() => document.scripts.length), 3, 'only the page\'s own scripts');
    }
  });

  it('restores requests from a share link and from the history; Ctrl+Enter sends; themes switch', async (t) => {
    const { page } = await open(t);
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    await page.getByLabel('Method').selectOption('GET');
    await page.getByLabel('Version').selectOption('beta');
    await page.getByLabel('Request URL').fill('/me/insights/used/$count');
    await page.waitForFunction(() => document.getElementById('url-base').textContent.endsWith('/beta'));
    await page.getByLabel('Request URL').press('Control+Enter');
    await page.getByRole('region', { name: 'Response' }).getByText('200 OK').waitFor();
    assert.match(await page.locator('#response-body').textContent(), /^\d+$/);

    await page.getByRole('button', { name: 'Share link' }).click();
    const link = await page.getByLabel('Share link', { exact: true }).inputValue();
    assert.match(link, /#request=[\w-]+$/);
    const token = await page.getByLabel('Access token').inputValue();
    assert.ok(!Buffer.from(link.split('=')[1], 'base64url').toString().includes(token), 'the token is not in the share link');

    const other = await open(t, { path: link.slice(server.base.length) });
    assert.equal(await other.page.getByLabel('Method').inputValue(), 'GET');
    assert.equal(await other.page.getByLabel('Version').inputValue(), 'beta');
    assert.equal(await other.page.getByLabel('Request URL').inputValue(), '/me/insights/used/$count');

    // History: put the POST back.
    await page.getByLabel('Method').selectOption('POST');
    await page.getByLabel('Request URL').fill('/me/insights/used');
    await page.getByLabel('Samples').selectOption('minimal');
    await waitNoProblems(page);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('region', { name: 'Response' }).getByText('201 Created').waitFor();
    const sentBody = await editorText(page);
    await page.locator('#history button', { hasText: '/beta/me/insights/used/$count' }).click();
    assert.equal(await page.getByLabel('Method').inputValue(), 'GET');
    await page.locator('#history button').filter({ has: page.locator('.hstatus', { hasText: /^201$/ }) }).first().click();
    assert.equal(await page.getByLabel('Method').inputValue(), 'POST');
    assert.equal(await editorText(page), sentBody);

    // Themes: the toggle switches and is remembered.
    const theme = page.getByRole('button', { name: 'Dark theme' });
    const before = await theme.getAttribute('aria-pressed');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const bg0 = await bg();
    await theme.click();
    assert.notEqual(await theme.getAttribute('aria-pressed'), before);
    assert.notEqual(await bg(), bg0);
    const chosen = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.reload();
    await page.waitForFunction(() => window.usedInsight);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), chosen);
  });

  it('answers errors in the Response view: 400 with the problems, 401 without a token', async (t) => {
    const { page } = await open(t, { allowStatus: [400, 401] });
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    await page.getByLabel('Samples').selectOption('problems');
    await page.getByRole('region', { name: 'Problems' }).locator('li.error').first().waitFor();
    const local = await page.getByRole('region', { name: 'Problems' }).locator('li.error .where').allTextContents();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('region', { name: 'Response' }).getByText('400 Bad Request').waitFor();
    const body = JSON.parse(await page.locator('#response-body').textContent());
    assert.equal(body.error.code, 'invalidRequest');
    // The server reports the errors the page showed (warnings do not block a create).
    assert.deepEqual(body.error.details.map((d) => d.target).sort(), local.map((w) => w.split(' · ')[0]).sort());

    await page.getByLabel('Access token').fill('');
    await page.getByLabel('Samples').selectOption('minimal');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('region', { name: 'Response' }).getByText('401 Unauthorized').waitFor();
  });

  it('builds the panels below the editor when they are reached before the browser is idle', async (t) => {
    // A browser that is never idle and an endpoint with no dev token (404): nothing builds the
    // panels below the editor but the person reaching them.
    const { page } = await open(t, {
      allowStatus: [401, 404],
      prepare: async (p) => {
        await p.addInitScript(() => {
          window.requestIdleCallback = () => 0;
        });
        await p.route('**/dev/token', (route) => route.fulfill({ status: 404, body: 'no dev tokens here' }));
      },
    });
    await page.locator('#token-status').getByText('gives no dev tokens').waitFor();

    // The first click on Refresh builds the records view and is its first action.
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.locator('#records-status').getByText('Listing answered 401').waitFor();
    await page.locator('#history').getByText('Requests you send appear here.').waitFor();
    await page.getByRole('tab', { name: 'HTTPie' }).click();
    assert.match(await page.locator('#snippet-httpie pre').textContent(), /^http POST /);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('#import-status').getByText('Paste a Microsoft Graph access token first.').waitFor();

    // Send with a token: the response, the history and the records follow.
    await page.getByLabel('Access token').fill(await devToken(server.base));
    await page.getByLabel('Samples').selectOption('minimal');
    const title = unique('Reached record');
    await page.getByLabel('resourceVisualization.title', { exact: true }).fill(title);
    await waitNoProblems(page);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('region', { name: 'Response' }).getByText('201 Created').waitFor();
    await page.locator('#history .hstatus', { hasText: /^201$/ }).first().waitFor();
    await page.locator('#records tr', { hasText: title }).waitFor();
  });

  it('works as plain static files from another origin, pointed at the endpoint', async (t) => {
    // The page asks its own origin for a dev token on its own: a static server has none (404).
    const { page } = await open(t, { base: statics.base, allowStatus: [404] });
    await page.locator('#token-status').getByText('gives no dev tokens').waitFor();
    // Another origin: the endpoint defaults to the page's own, so point it at the API.
    assert.equal(await page.getByLabel('Endpoint').inputValue(), statics.base);
    await page.getByLabel('Endpoint').fill(server.base);
    await page.getByLabel('Endpoint').press('Tab');
    await page.getByRole('button', { name: 'Get dev token' }).click();
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    await page.getByLabel('Samples').selectOption('minimal');
    const title = unique('Cross-origin record');
    await page.getByLabel('resourceVisualization.title', { exact: true }).fill(title);
    await waitNoProblems(page);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('region', { name: 'Response' }).getByText('201 Created').waitFor();
    await page.locator('#records tr', { hasText: title }).waitFor();
    // The endpoint is remembered.
    await page.reload();
    await page.waitForFunction(() => window.usedInsight);
    assert.equal(await page.getByLabel('Endpoint').inputValue(), server.base);
  });
});
