// Browser end-to-end tests of "Import from Microsoft Graph": headless Chromium against the page
// served by a real `wrangler dev` (e2e/harness.mjs), importing from a local server that answers
// like Graph (fake-graph.mjs) with items made from Graph's documentation data: pages linked by
// @odata.nextLink, a 429 with Retry-After now and then, items the validator rejects, and a
// token check (any other token gets a 401).
//
// Checks: the counts of the summary; the records really stored (listed through the API); the
// invalid items listed with their problems and downloadable as JSON; a second import adds
// nothing; a refused token stops the import with a message; a token that is not a JWT and a
// Graph base URL that is not https are refused before any request; a Graph page that is not
// JSON, has no value or too many items, or links elsewhere stops the import with a message and
// loses nothing already read; Cancel stops it mid-way, keeping what was written.
//
// Run by `make test-browser`; directly: `cd web && node --test --test-concurrency=1 e2e/import.test.mjs`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startWrangler, devToken } from './harness.mjs';
import { fakeGraph, graphSamples, items, jwt } from './fake-graph.mjs';
import { launch, watch } from './browser.mjs';

const unique = (prefix) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

// The token the fake Graph accepts, and one it refuses.
const GRAPH_TOKEN = jwt({ aud: 'https://graph.microsoft.com', scp: 'Sites.Read.All', upn: 'megan@contoso.com' });
const OTHER_TOKEN = jwt({ aud: 'https://graph.microsoft.com', scp: 'Sites.Read.All', upn: 'mallory@contoso.com' });

const PAGE = 10; // items in a page of the fake Graph
const USED = 42; // used items it holds; two of them invalid
const BAD_DATE = 7; // the index of the used item with a date-time that is no date-time
const BAD_ID = 23; // the index of the used item whose id has a space
const BAD_ID_TEXT = 'has space <img src=x onerror="window.__xss=1">'; // shown as text, never as HTML
const SLOW = 120; // used items of the slow scenario, for Cancel

let graph; // the fake Graph: {base, requests, throttled, close}
let server;
let browser;
let data;

before(async () => {
  const samples = await graphSamples();
  data = {
    used: items(samples.used, USED, 'u'),
    trending: items(samples.trending, 3, 't'),
    shared: items(samples.shared, 3, 's'),
    slow: items(samples.used, SLOW, 'slow'),
  };
  data.used[BAD_DATE].lastUsed.lastAccessedDateTime = '2020-02-30T25:61:00Z';
  data.used[BAD_ID].id = BAD_ID_TEXT;
  graph = await fakeGraph({ token: GRAPH_TOKEN, data, page: PAGE });
  server = await startWrangler();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await graph?.close();
});

/** open loads the page in a new context; at the end of the test the page must have reported nothing wrong. */
async function open(t, { allowStatus = [], base = server.base } = {}) {
  const allow = allowStatus.map((s) => new RegExp(`^Failed to load resource: the server responded with a status of ${s}\\b`));
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const watcher = await watch(page, { allow });
  await page.goto(base, { waitUntil: 'domcontentloaded', timeout: 20000 });
  await page.waitForFunction(() => window.usedInsight && performance.getEntriesByName('usedinsight:ready').length > 0, null, { timeout: 20000 });
  t.after(async () => {
    const problems = await watcher.check();
    await context.close();
    assert.deepEqual(problems, [], 'the page reported problems');
  });
  return page;
}

const panel = (page) => page.getByRole('region', { name: 'Import from Microsoft Graph' });
const status = (page) => panel(page).locator('#import-status');

/** asUser puts a token of a user of the test's own in the playground's token field. */
async function asUser(page, name, base = server.base) {
  const user = unique(name);
  const token = await devToken(base, { sub: user, scp: 'Sites.ReadWrite.All' });
  await page.getByLabel('Access token', { exact: true }).fill(token);
  await page.locator('#token-status').getByText(`Token for ${user}`).waitFor();
  return token;
}

/** startImport fills the panel and clicks Import. */
async function startImport(page, { graphToken = GRAPH_TOKEN, base = graph.base(), collections = ['used'] } = {}) {
  const p = panel(page);
  await p.getByLabel('Graph token').fill(graphToken);
  await p.getByLabel('Graph base URL').fill(base);
  for (const c of ['used', 'trending', 'shared']) {
    await p.getByRole('checkbox', { name: c, exact: true }).setChecked(collections.includes(c));
  }
  await p.getByRole('button', { name: 'Import', exact: true }).click();
}

/** finished waits for the end of an import and returns the status text. */
async function finished(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('import-status');
    return s.dataset.state === 'done' || s.dataset.state === 'error';
  }, null, { timeout: 60000 });
  assert.equal(await panel(page).getByRole('button', { name: 'Cancel' }).isDisabled(), true);
  return status(page).textContent();
}

/** stored lists the ids of a collection the service holds for a token. */
async function stored(token, name = 'used', base = server.base) {
  const ids = [];
  for (let url = `${base}/v1.0/me/insights/${name}?$top=100`; url;) {
    const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (r.status === 429) { // a rate-limited service
      await r.arrayBuffer();
      await new Promise((ok) => setTimeout(ok, 1000 * Number(r.headers.get('Retry-After') ?? 1)));
      continue;
    }
    assert.equal(r.status, 200, `listing ${name}`);
    const page = await r.json();
    ids.push(...page.value.map((x) => x.id));
    url = page['@odata.nextLink'];
  }
  return ids.sort();
}

// serves tells whether the service has the collection yet.
async function serves(token, name) {
  const r = await fetch(`${server.base}/v1.0/me/insights/${name}?$top=1`, { headers: { Authorization: `Bearer ${token}` } });
  await r.arrayBuffer();
  return r.status !== 404;
}

describe('import from Microsoft Graph', () => {
  it('imports used, trending and shared through pages, a 429 and invalid items; a second import adds nothing', async (t) => {
    // The page may reach Graph (https) and a local stand-in (http on loopback), as its CSP says.
    const home = await fetch(`${server.base}/`);
    await home.arrayBuffer();
    const connect = /(?:^|;)\s*connect-src ([^;]*)/.exec(home.headers.get('content-security-policy'))[1].trim().split(/\s+/);
    assert.ok(connect.includes('https:') || connect.includes('https://graph.microsoft.com'), connect.join(' '));
    assert.ok(connect.includes('http:') || connect.includes('http://127.0.0.1:*'), connect.join(' '));

    const page = await open(t, { allowStatus: [429] });
    const token = await asUser(page, 'import');
    // The service serves all three collections (the panel skips, with a note, one an older
    // service does not).
    const newer = { trending: await serves(token, 'trending'), shared: await serves(token, 'shared') };
    assert.deepEqual(newer, { trending: true, shared: true });
    const before = graph.throttled();
    await startImport(page, { collections: ['used', 'trending', 'shared'] });
    const text = await finished(page);
    const extra = (newer.trending ? 3 : 0) + (newer.shared ? 3 : 0);
    assert.equal(text, `Import finished: ${USED - 2 + extra} imported, 0 already there, 2 invalid.`);
    assert.ok(graph.throttled() > before, 'Graph answered 429 at least once, and the import waited it out');
    assert.equal(await panel(page).locator('#import-counts').textContent(), `Read ${USED + extra} · imported ${USED - 2 + extra} · already there 0 · invalid 2`);
    const bar = await panel(page).locator('#import-progress').evaluate((p) => ({ value: p.value, max: p.max, hidden: p.hidden }));
    assert.deepEqual(bar, { value: USED + extra, max: USED + extra, hidden: false });
    const per = await panel(page).locator('.import-per li').allTextContents();
    assert.deepEqual(per, [
      `used: read ${USED}, imported ${USED - 2}, already there 0, invalid 2`,
      newer.trending ? 'trending: read 3, imported 3, already there 0, invalid 0' : `trending: skipped, the service at ${server.base} does not serve trending yet`,
      newer.shared ? 'shared: read 3, imported 3, already there 0, invalid 0' : `shared: skipped, the service at ${server.base} does not serve shared yet`,
    ]);

    // The records are in the service, under Graph's ids; the invalid ones are not.
    const want = data.used.filter((_, i) => i !== BAD_DATE && i !== BAD_ID).map((x) => x.id).sort();
    assert.deepEqual(await stored(token), want);
    for (const name of ['trending', 'shared']) {
      if (newer[name]) assert.deepEqual(await stored(token, name), data[name].map((x) => x.id).sort());
    }
    // ...as Graph had them (a trending weight that Graph writes as a string is stored as a number).
    const get = async (name, id) => (await fetch(`${server.base}/v1.0/me/insights/${name}/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const one = await get('used', data.used[0].id);
    assert.equal(one.resourceVisualization.title, data.used[0].resourceVisualization.title);
    assert.equal(one.lastUsed.lastAccessedDateTime, data.used[0].lastUsed.lastAccessedDateTime);
    assert.equal((await get('trending', data.trending[0].id)).weight, Number(data.trending[0].weight));
    assert.equal((await get('shared', data.shared[0].id)).lastShared.sharedBy.address, data.shared[0].lastShared.sharedBy.address);

    // The invalid items, each with its problems.
    const invalid = panel(page).locator('.import-invalid > li');
    assert.equal(await invalid.count(), 2);
    const dateItem = invalid.filter({ hasText: data.used[BAD_DATE].id });
    assert.match(await dateItem.textContent(), /lastUsed\.lastAccessedDateTime: /);
    const idItem = invalid.filter({ hasText: BAD_ID_TEXT });
    assert.match(await idItem.textContent(), /id: the id may hold only A-Z a-z 0-9 - _ \. ~, got ' '/);
    assert.equal(await panel(page).locator('#import-summary img').count(), 0, 'an id is text');
    assert.equal(await page.evaluate(() => window.__xss), undefined);

    // ...downloadable as JSON.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel(page).getByRole('button', { name: 'Download invalid items (JSON)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.json$/);
    const saved = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(saved.from, graph.base());
    assert.deepEqual(saved.invalid.map((x) => x.id).sort(), [data.used[BAD_DATE].id, BAD_ID_TEXT].sort());
    const savedDate = saved.invalid.find((x) => x.id === data.used[BAD_DATE].id);
    assert.deepEqual(savedDate.item, data.used[BAD_DATE], 'the item as Graph sent it');
    assert.ok(savedDate.problems.some((p) => p.severity === 'error' && p.code === 'invalidDateTime' && p.path === 'lastUsed.lastAccessedDateTime'), JSON.stringify(savedDate.problems));
    assert.ok(saved.invalid.find((x) => x.id === BAD_ID_TEXT).problems.some((p) => p.code === 'invalidId' && p.path === 'id'));
    assert.doesNotMatch(JSON.stringify(saved), new RegExp(GRAPH_TOKEN.split('.')[1]), 'no token in the download');

    if (process.env.IMPORT_SCREENSHOT) await panel(page).screenshot({ path: process.env.IMPORT_SCREENSHOT });

    // The Graph token went to Graph only and is kept nowhere.
    assert.ok(graph.requests.filter((r) => r.method === 'GET').every((r) => r.auth === `Bearer ${GRAPH_TOKEN}`));
    const kept = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href);
    assert.ok(!kept.includes(GRAPH_TOKEN.split('.')[1]), 'the Graph token is in no storage and no URL');

    // A second import adds nothing: everything is already there.
    await startImport(page, { collections: ['used', 'trending', 'shared'] });
    assert.equal(await finished(page), `Import finished: 0 imported, ${USED - 2 + extra} already there, 2 invalid.`);
    assert.deepEqual(await stored(token), want);
  });

  it('waits out the service\'s 429s (a rate limit of its own) and writes everything', async (t) => {
    // A service that lets a user send 4 requests a second (bursts of 8): most requests of a
    // $batch of 20 are answered 429 with Retry-After, and go again.
    const limited = await startWrangler({ vars: { DEV_TOKENS: '1', RATE_LIMIT: '4' } });
    t.after(() => limited.stop());
    const page = await open(t, { base: limited.base, allowStatus: [429] });
    const token = await asUser(page, 'limited', limited.base);
    await page.evaluate(() => {
      window.__said = [];
      const s = document.getElementById('import-status');
      new MutationObserver(() => window.__said.push(s.textContent)).observe(s, { childList: true, characterData: true, subtree: true });
    });
    await startImport(page);
    const text = await finished(page);
    const said = await page.evaluate(() => window.__said);
    assert.ok(said.some((x) => /^The service asked to wait \(429\): retrying \d+ items? in \d+ s…$/.test(x)), said.join('\n'));
    assert.equal(text, `Import finished: ${USED - 2} imported, 0 already there, 2 invalid.`);
    assert.equal((await stored(token, 'used', limited.base)).length, USED - 2);
  });

  it('stops with a message when Graph refuses the token (401)', async (t) => {
    const page = await open(t, { allowStatus: [401] });
    const token = await asUser(page, 'refused');
    const before = graph.requests.length;
    await startImport(page, { graphToken: OTHER_TOKEN });
    const text = await finished(page);
    assert.match(text, /^Graph refused the token \(401: InvalidAuthenticationToken: Access token validation failure\. Invalid audience\.\): the import stopped\./);
    assert.equal(graph.requests.filter((r) => r.method === 'GET').length - graph.requests.slice(0, before).filter((r) => r.method === 'GET').length, 1, 'one request, then it stopped');
    assert.deepEqual(await stored(token), []);
  });

  it('refuses a token that is not a JWT and a Graph base URL that is not https, before any request', async (t) => {
    const page = await open(t);
    await asUser(page, 'badinput');
    const before = graph.requests.length;
    await startImport(page, { graphToken: 'not-a-jwt' });
    assert.match(await finished(page), /^That Graph token is not a JWT \(three base64url segments separated by dots\): nothing was sent\./);
    await startImport(page, { graphToken: 'a.b' });
    assert.match(await finished(page), /is not a JWT/);
    await startImport(page, { base: 'http://graph.example.com/v1.0' });
    assert.equal(await finished(page), 'The Graph base URL must be https (http only for localhost, 127.0.0.1 or [::1]).');
    await startImport(page, { base: 'https://user:secret@graph.microsoft.com/v1.0' });
    assert.match(await finished(page), /must not hold a user name, a password/);
    assert.equal(graph.requests.length, before, 'no request reached Graph');
  });

  it('stops on a bad Graph page with a message, keeping what was read before it', async (t) => {
    const page = await open(t);
    const firstPage = data.used.slice(0, PAGE).filter((_, i) => i !== BAD_DATE).map((x) => x.id).sort();
    const cases = [
      ['notjson', /^Graph's used, page 2 is not JSON: the import stopped there\./],
      ['novalue', /^Graph's used, page 2 has no "value" list of items: the import stopped there\./],
      ['huge', /^Graph's used, page 2 holds 10001 items, more than the 10000 a page may: the import stopped there\./],
      ['foreign', /^Graph's page 1 of used links its next page on another origin \(http:\/\/localhost:\d+\): not followed/],
    ];
    for (const [scenario, message] of cases) {
      const token = await asUser(page, scenario);
      await startImport(page, { base: graph.base(scenario) });
      const text = await finished(page);
      assert.match(text, message, scenario);
      assert.match(text, / What was imported stays imported \(9 imported, 0 already there\)\.$/, scenario);
      assert.deepEqual(await stored(token), firstPage, `${scenario}: page 1's valid items are stored`);
    }
    assert.ok(!graph.requests.some((r) => r.host.startsWith('localhost')), 'the foreign next link was not followed');
  });

  it('cancels mid-way, keeping what was written', async (t) => {
    const page = await open(t);
    const token = await asUser(page, 'cancel');
    await startImport(page, { base: graph.base('slow') });
    // Wait for a $batch to have been written, then cancel.
    await page.waitForFunction(() => /imported [1-9]/.test(document.getElementById('import-counts').textContent), null, { timeout: 30000 });
    await panel(page).getByRole('button', { name: 'Cancel' }).click();
    const text = await finished(page);
    const m = /^Import cancelled: (\d+) imported and 0 already there stay in the service/.exec(text);
    assert.ok(m, text);
    const imported = Number(m[1]);
    assert.ok(imported >= 20 && imported < SLOW, `${imported} imported`);
    const ids = await stored(token);
    assert.equal(ids.length, imported, 'the service holds what the page says was imported');
    const read = Number(/^Read (\d+)/.exec(await panel(page).locator('#import-counts').textContent())[1]);
    assert.ok(read < SLOW, `read ${read} of ${SLOW}`);
    // Nothing runs any more.
    const count = graph.requests.length;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(graph.requests.length, count);
  });
});
