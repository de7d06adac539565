// Browser end-to-end tests of the playground's collections (used, trending, shared) in headless
// Chromium against a real `wrangler dev` (e2e/harness.mjs): the switch in the request bar
// changes the form, the samples, the path, the validator's verdict and the records view; a path,
// a share link or a history entry of another collection switches it; the records view creates,
// lists, opens and deletes trending and shared items.
//
// Run by `make test-browser`; directly: `cd web && node --test --test-concurrency=1 e2e/collections.test.mjs`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler } from './harness.mjs';
import { launch } from './browser.mjs';
import { opener, editorText, replaceText, waitNoProblems, formValue, formText } from './page.mjs';

const unique = (prefix) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

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

const open = opener(() => browser, () => server);
const problemsRegion = (page) => page.getByRole('region', { name: 'Problems' });
const field = (page, path) => page.getByLabel(path, { exact: true });

describe('collections', () => {
  it('switches the form, samples, path and diagnostics', async (t) => {
    const { page } = await open(t);
    const collection = page.getByLabel('Collection', { exact: true });
    assert.deepEqual(await collection.locator('option').allTextContents(), ['used', 'trending', 'shared']);
    assert.equal(await collection.inputValue(), 'used');
    await problemsRegion(page).getByText('0 errors, 3 warnings').waitFor();

    // trending: the seed, unchanged, becomes Graph's trending item, which is valid as trending.
    await collection.selectOption('trending');
    assert.equal(await page.getByLabel('Request URL').inputValue(), '/me/insights/trending');
    assert.equal(JSON.parse(await editorText(page)).weight, '0.1583399742569597');
    await waitNoProblems(page);
    assert.equal(await formValue(page, 'weight', '0.1583399742569597'), '0.1583399742569597');
    assert.equal(await field(page, 'lastUsed.lastAccessedDateTime').count(), 0);
    assert.equal(await field(page, 'lastModifiedDateTime').count(), 1);
    await page.getByRole('button', { name: 'Set lastModifiedDateTime to now' }).waitFor();
    assert.deepEqual(await page.getByLabel('Samples').locator('option').allTextContents(),
      ['Load a sample…', 'List trending (Graph\'s example)', 'Minimal, no problems', 'With problems', 'Empty']);
    assert.equal(await page.locator('#records-head th').first().textContent(), 'Weight');

    // weight "abc", typed in the form: the problem is on weight, at its place in the text.
    await field(page, 'weight').fill('abc');
    assert.equal(JSON.parse(await editorText(page)).weight, 'abc');
    const entry = problemsRegion(page).locator('li.error', { hasText: 'weight · line 3, column 13' });
    await entry.waitFor();
    assert.match(await formText(page.locator('#field-weight-msg'), /weight|number/i), /weight|number/i);
    assert.equal(await page.locator('#editor .cm-lintRange-error').first().textContent(), '"abc"');
    // A number typed in the form is written as a number.
    await field(page, 'weight').fill('0.75');
    assert.equal(JSON.parse(await editorText(page)).weight, 0.75);
    await waitNoProblems(page);

    // The trending body on used: it stays, and is wrong there (unknown weight, no lastUsed).
    await collection.selectOption('used');
    assert.equal(await page.getByLabel('Request URL').inputValue(), '/me/insights/used');
    assert.equal(JSON.parse(await editorText(page)).weight, 0.75);
    await problemsRegion(page).locator('li.error', { hasText: 'weight · line 3' }).waitFor();
    const where = await problemsRegion(page).locator('li.error .where').allTextContents();
    assert.ok(where.some((w) => w.startsWith('lastUsed')), where.join('\n'));
    assert.equal(await field(page, 'weight').count(), 0);
    assert.equal(await field(page, 'lastUsed.lastAccessedDateTime').count(), 1);
    assert.equal(await page.locator('#records-head th').first().textContent(), 'Last used');

    // shared: its own form, nested three deep, with sharingHistory as a count.
    await page.getByRole('button', { name: 'Share link' }).waitFor();
    await collection.selectOption('shared');
    await page.getByLabel('Samples').selectOption('graph');
    await waitNoProblems(page);
    assert.equal(await formValue(page, 'lastShared.sharedBy.address', 'MeganB@contoso.com'), 'MeganB@contoso.com');
    assert.equal(await formText(field(page, 'sharingHistory'), 'none'), 'none');
    await page.getByLabel('Samples').selectOption('problems');
    await problemsRegion(page).locator('li.error').first().waitFor();
    assert.equal(await formText(field(page, 'sharingHistory'), '2 entries'), '2 entries');
    assert.notEqual(await formText(page.locator('#field-sharingHistory-msg'), /./), '');
    await page.getByLabel('Samples').selectOption('empty');
    await page.getByRole('button', { name: 'Set lastShared.sharedDateTime to now' }).click();
    const now = await field(page, 'lastShared.sharedDateTime').inputValue();
    await field(page, 'lastShared.sharedBy.address').fill('megan@contoso.example');
    assert.deepEqual(JSON.parse(await editorText(page)), { lastShared: { sharedBy: { address: 'megan@contoso.example' }, sharedDateTime: now } });
  });

  it('follows the collection of a path, a share link and the history', async (t) => {
    const { page } = await open(t);
    await page.locator('#token-status').getByText('Token for alice').waitFor();
    const collection = page.getByLabel('Collection', { exact: true });
    await page.getByLabel('Method').selectOption('GET');
    await page.getByLabel('Request URL').fill('/me/insights/shared?$top=3');
    await page.waitForFunction(() => document.getElementById('collection').value === 'shared');
    assert.equal(await field(page, 'lastShared.sharedDateTime').count(), 1);
    assert.equal(await page.locator('#records-head th').first().textContent(), 'Last shared');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('region', { name: 'Response' }).getByText('200 OK').waitFor();

    // A share link carries it.
    await page.getByRole('button', { name: 'Share link' }).click();
    const link = await page.getByLabel('Share link', { exact: true }).inputValue();
    const other = await open(t, { path: link.slice(server.base.length) });
    assert.equal(await other.page.getByLabel('Collection', { exact: true }).inputValue(), 'shared');
    assert.equal(await other.page.getByLabel('Request URL').inputValue(), '/me/insights/shared?$top=3');
    assert.equal(await field(other.page, 'lastShared.sharedDateTime').count(), 1);

    // The history puts it back.
    await collection.selectOption('trending');
    assert.equal(await page.getByLabel('Request URL').inputValue(), '/me/insights/trending');
    await page.locator('#history button', { hasText: '/me/insights/shared?$top=3' }).click();
    assert.equal(await collection.inputValue(), 'shared');
    assert.equal(await field(page, 'weight').count(), 0);

    // A reload keeps it (the draft).
    await page.waitForTimeout(700);
    await page.reload();
    await page.waitForFunction(() => window.usedInsight);
    assert.equal(await page.getByLabel('Collection', { exact: true }).inputValue(), 'shared');
  });

  for (const [name, first] of [['trending', 'Weight'], ['shared', 'Last shared']]) {
    it(`creates, lists, opens and deletes ${name} items in the records view`, async (t) => {
      const { page } = await open(t);
      await page.locator('#token-status').getByText('Token for alice').waitFor();
      await page.getByLabel('Collection', { exact: true }).selectOption(name);
      await page.getByLabel('Samples').selectOption('minimal');
      const title = unique(`${name} record`);
      await field(page, 'resourceVisualization.title').fill(title);
      await waitNoProblems(page);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      const response = page.getByRole('region', { name: 'Response' });
      await response.getByText('201 Created').waitFor();
      assert.match(await page.locator('#response-time').textContent(), new RegExp(`POST http://127\\.0\\.0\\.1:\\d+/v1\\.0/me/insights/${name}$`));
      const created = JSON.parse(await page.locator('#response-body').textContent());
      if (name === 'trending') assert.equal(created.weight, 0.5);

      const row = page.locator('#records tr', { hasText: title });
      await row.waitFor();
      assert.equal(await page.locator('#records-head th').first().textContent(), first);
      const cells = await row.locator('td').allTextContents();
      assert.equal(cells[0], name === 'trending' ? '0.5' : created.lastShared.sharedDateTime);
      assert.equal(cells[1], title);
      await page.getByRole('button', { name: `Open ${title}` }).click();
      await response.getByText('200 OK').waitFor();
      assert.equal(JSON.parse(await page.locator('#response-body').textContent()).id, created.id);
      assert.match(await page.locator('#response-time').textContent(), new RegExp(`GET \\S+/me/insights/${name}/`));

      // Edited as the request body: a PATCH of the record in its collection.
      await page.getByRole('button', { name: 'Edit as request body' }).click();
      assert.equal(await page.getByLabel('Method').inputValue(), 'PATCH');
      assert.equal(await page.getByLabel('Request URL').inputValue(), `/me/insights/${name}/${encodeURIComponent(created.id)}`);
      const renamed = `${title} (renamed)`;
      await field(page, 'resourceVisualization.title').fill(renamed);
      await waitNoProblems(page);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await response.getByText('204 No Content').waitFor();
      await page.locator('#records tr td:nth-child(2)', { hasText: renamed }).waitFor();

      await page.getByRole('button', { name: `Delete ${renamed}` }).click();
      await response.getByText('204 No Content').waitFor();
      await row.waitFor({ state: 'detached' });
      const token = await page.getByLabel('Access token').inputValue();
      const gone = await fetch(`${server.base}/me/insights/${name}/${created.id}`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(gone.status, 404);
    });
  }
});
