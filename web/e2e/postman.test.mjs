// The playground's SDK snippet tabs and "Export to Postman" in Chromium against the Worker on
// wrangler dev: the export buttons download a Postman v2.1 collection of the current request and
// of the history, with {{baseUrl}} and {{token}} variables and no token value anywhere in it.
// (worker/clienttest/postman.test.mjs runs such a file with newman.)
//
// Run by `make test-browser`; directly: `cd web && node --test e2e/postman.test.mjs`.

import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startWrangler } from './harness.mjs';
import { launch, watch } from './browser.mjs';

let server;
let browser;

before(async () => {
  server = await startWrangler();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** download clicks the button and returns the file it downloads, parsed, and its name. */
async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const text = await readFile(await file.path(), 'utf8');
  return { name: file.suggestedFilename(), text, json: JSON.parse(text) };
}

it('shows SDK snippets and exports the request and the history as Postman collections', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  const watcher = await watch(page);
  await page.goto(server.base, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.usedInsight && performance.getEntriesByName('usedinsight:ready').length > 0, null, { timeout: 30000 });
  await page.locator('#token-status').getByText('Token for').waitFor();
  const token = await page.getByLabel('Access token').inputValue();
  assert.ok(token.length > 20);

  // The SDK tabs, each with a copy button.
  await page.getByRole('tab', { name: 'Go Graph SDK' }).click();
  await page.getByRole('button', { name: 'Copy Go Graph SDK snippet' }).waitFor();
  assert.match(await page.locator('#snippet-go-sdk pre').textContent(), /client\.Me\(\)\.Insights\(\)\.Used\(\)\.Post\(ctx, item, nil\)/);
  await page.getByRole('tab', { name: 'JavaScript Graph client' }).click();
  await page.getByRole('button', { name: 'Copy JavaScript Graph client snippet' }).waitFor();
  assert.match(await page.locator('#snippet-javascript-sdk pre').textContent(), /client\.api\("\/me\/insights\/used"\)\n {2}\.post\(\{/);

  // The current request, before anything is sent.
  const one = await download(page, 'Export request to Postman');
  assert.equal(one.name, 'usedinsight-request.postman_collection.json');
  assert.equal(one.json.info.schema, 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
  assert.deepEqual(one.json.variable, [{ key: 'baseUrl', value: server.base, type: 'string' }, { key: 'token', value: '', type: 'string' }]);
  assert.deepEqual(one.json.auth, { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] });
  assert.equal(one.json.item.length, 1);
  const { request } = one.json.item[0];
  assert.equal(request.method, 'POST');
  assert.equal(request.url.raw, '{{baseUrl}}/v1.0/me/insights/used');
  assert.deepEqual(request.header, [{ key: 'Content-Type', value: 'application/json', type: 'text' }]);
  assert.equal(request.body.mode, 'raw');
  assert.ok(JSON.parse(request.body.raw).lastUsed, 'the editor\'s body');
  assert.ok(!one.text.includes(token), 'no token in the file');

  // The history: what was sent, oldest first.
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('#history li .hstatus').first().waitFor();
  await page.locator('#method').selectOption('GET');
  await page.locator('#path').fill("/me/insights/used?$top=5&$filter=ResourceVisualization/Type eq 'Word'");
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('#history li').nth(1).waitFor();
  const all = await download(page, 'Export history to Postman');
  assert.deepEqual(all.json.item.map((x) => x.request.method), ['POST', 'GET']);
  assert.deepEqual(all.json.item[1].request.url.query, [{ key: '$top', value: '5' }, { key: '$filter', value: "ResourceVisualization/Type eq 'Word'" }]);
  assert.equal(all.json.item[1].request.body, undefined);
  assert.ok(!all.text.includes(token), 'no token in the file');
  await page.locator('#export-status').getByText('Exported 2 requests').waitFor();

  assert.deepEqual(await watcher.check(), [], 'the page reported problems');
});
