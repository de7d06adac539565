// Microsoft's JavaScript Graph client (@microsoft/microsoft-graph-client, pinned in
// package-lock.json) against the Worker on its own `wrangler dev --local-protocol https`, as an
// app that points the client at this service instead of graph.microsoft.com would.
//
// The client attaches the token only to https URLs whose host is Graph's or in customHosts, so
// the service runs over https with wrangler's local certificate, which Node.js trusts through
// NODE_EXTRA_CA_CERTS (wrangler-cert.mjs writes it; `npm test` and `make test-clients` set it).
// Each collection is round-tripped through the client's own request builder: create, list with
// .filter(), .orderby(), .top() and .count() and the client's PageIterator over @odata.nextLink,
// $count, get, update (patch), delete and errors read as GraphError.
//
// USEDINSIGHT_BASE=https://127.0.0.1:8787 runs it against a running `HTTPS=1 make dev` instead
// (with DEV_TOKENS=1): each run is a new user of its own, so records already there change nothing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import graph from '@microsoft/microsoft-graph-client';
import { devToken, startWrangler } from '../../web/e2e/harness.mjs';

const { BatchRequestContent, BatchResponseContent, Client, GraphError, PageIterator } = graph;

if (!process.env.NODE_EXTRA_CA_CERTS) {
  throw new Error('NODE_EXTRA_CA_CERTS is not set: run `npm test` in worker/clienttest (or make test-clients), which trusts wrangler\'s local certificate');
}

let server;
let client;
let token;
const user = `clienttest-${randomUUID()}`; // this run's user; another user is `${user}-other`

/** graphClient is how an app sets the client up for this service. */
function graphClient(base, options = {}) {
  return Client.init({
    baseUrl: base, // https://127.0.0.1:<port>; the client adds defaultVersion
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(base).hostname]), // 127.0.0.1
    authProvider: (done) => done(null, token),
    ...options,
  });
}

before(async () => {
  const base = process.env.USEDINSIGHT_BASE?.replace(/\/+$/, '');
  server = base ? { base, stop: async () => {} } : await startWrangler({ protocol: 'https' });
  assert.match(server.base, /^https:\/\/[^/]+$/, 'the client sends its token over https only');
  token = await devToken(server.base, { sub: user });
  client = graphClient(server.base);
});

after(async () => {
  await server?.stop();
});

/** graphError asserts that a request fails with a GraphError of the given status and code. */
async function graphError(promise, statusCode, code) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof GraphError, `want a GraphError, got ${err}`);
  assert.equal(err.statusCode, statusCode, err.body);
  assert.equal(err.code, code, err.body);
  assert.ok(err.message);
  assert.ok(err.requestId, 'innerError request-id');
  err.details = JSON.parse(err.body).details ?? [];
  return err;
}

const visualization = (n, type) => ({
  title: `Doc ${n}`, type, containerType: n === 4 ? 'OneDriveBusiness' : 'Site',
  containerWebUrl: 'https://contoso.sharepoint.com/sites/Mark8ProjectTeam/Shared Documents',
});
const reference = (n) => ({
  id: `drives/b!z/items/${n}`, type: 'microsoft.graph.driveItem',
  webUrl: `https://contoso.sharepoint.com/sites/Mark8ProjectTeam/Shared Documents/${n}.docx`,
});
const day = (n) => `2024-01-0${n}T09:00:00Z`;

// Each collection: its item n (n = 1..5 in its default order's ascending key), the key of a
// record, a $orderby ascending, a patch that makes an item first by default, and an invalid body.
const collections = [
  {
    name: 'used',
    item: (n, type) => ({ lastUsed: { lastAccessedDateTime: day(n) }, resourceVisualization: visualization(n, type), resourceReference: reference(n) }),
    key: (r) => r.lastUsed.lastAccessedDateTime,
    asc: 'LastUsed/LastAccessedDateTime asc',
    top: { lastUsed: { lastAccessedDateTime: '2025-06-01T00:00:00Z' } },
    invalid: { body: { lastUsed: { lastAccessedDateTime: 'yesterday' }, resourceReference: reference(0) }, target: 'lastUsed.lastAccessedDateTime', code: 'invalidDateTime' },
  },
  {
    name: 'trending',
    // Graph's documentation writes weight as a JSON string: the service stores it as a number.
    item: (n, type) => ({ weight: n === 1 ? '0.1583399742569597' : n / 10, resourceVisualization: visualization(n, type), resourceReference: reference(n) }),
    key: (r) => r.weight,
    asc: 'weight asc',
    top: { weight: 0.95 },
    invalid: { body: { weight: 'abc', resourceVisualization: visualization(0, 'Word'), resourceReference: reference(0) }, target: 'weight', code: 'invalidNumber' },
  },
  {
    name: 'shared',
    item: (n, type) => ({
      lastShared: {
        sharedDateTime: day(n), sharingType: 'Direct', sharingReference: {},
        sharedBy: n % 2 ? { address: 'MeganB@contoso.com', displayName: 'Megan Bowen', id: 'megan' } : { address: 'AlexW@contoso.com', displayName: 'Alex Wilber', id: 'alex' },
      },
      sharingHistory: [{ sharedDateTime: '2023-12-01T00:00:00Z', sharedBy: { address: 'MeganB@contoso.com' } }],
      resourceVisualization: visualization(n, type), resourceReference: reference(n),
    }),
    key: (r) => r.lastShared.sharedDateTime,
    asc: 'lastShared/sharedDateTime asc',
    top: { lastShared: { sharedDateTime: '2025-06-01T00:00:00Z' } },
    invalid: { body: { lastShared: { sharedBy: { address: 'MeganB@contoso.com' } }, resourceVisualization: visualization(0, 'Word'), resourceReference: reference(0) }, target: 'lastShared.sharedDateTime', code: 'missingMember' },
  },
];

const types = { 1: 'Word', 2: 'Excel', 3: 'Word', 4: 'PowerPoint', 5: 'Word' };

for (const c of collections) {
  describe(`${c.name} through Microsoft's JavaScript client`, () => {
    const path = `/me/insights/${c.name}`;
    let gen; // the id the service chose for item 5

    test('create, with the client\'s id and with the service\'s', async () => {
      for (const n of [1, 2, 3, 4]) {
        const created = await client.api(path).post({ id: `${c.name}-${n}`, ...c.item(n, types[n]) });
        assert.equal(created.id, `${c.name}-${n}`);
        assert.deepEqual(created.resourceVisualization, visualization(n, types[n]));
        if (c.name === 'trending' && n === 1) {
          assert.equal(created.weight, 0.1583399742569597, 'weight given as a string is stored as a number');
        }
      }
      const created = await client.api(path).post(c.item(5, types[5]));
      assert.match(created.id, /^[A-Za-z0-9._~-]+$/);
      gen = created.id;
      assert.deepEqual(c.key(created), c.key(c.item(5)));
      await graphError(client.api(path).post({ id: `${c.name}-1`, ...c.item(1, 'Word') }), 409, 'nameAlreadyExists');
    });

    test('list with .filter(), .orderby(), .top(), .count() and the PageIterator', async () => {
      const all = await client.api(path).get();
      assert.match(all['@odata.context'], new RegExp(`/insights/${c.name}$`));
      assert.deepEqual(all.value.map((r) => r.id), [gen, `${c.name}-4`, `${c.name}-3`, `${c.name}-2`, `${c.name}-1`], 'default order');

      const page = await client.api(path).filter("ResourceVisualization/Type eq 'Word'").orderby(c.asc).top(2).count(true).get();
      assert.equal(page['@odata.count'], 3);
      assert.deepEqual(page.value.map((r) => r.id), [`${c.name}-1`, `${c.name}-3`]);
      assert.ok(page['@odata.nextLink'].startsWith(`${server.base}/v1.0${path}?`), page['@odata.nextLink']);
      const ids = [];
      await new PageIterator(client, page, (r) => {
        ids.push(r.id);
        return true;
      }).iterate();
      assert.deepEqual(ids, [`${c.name}-1`, `${c.name}-3`, gen]);

      const site = await client.api(path).filter("resourceVisualization/containerType eq 'OneDriveBusiness' and ResourceVisualization/Type eq 'PowerPoint'").get();
      assert.deepEqual(site.value.map((r) => r.id), [`${c.name}-4`]);
      if (c.name === 'shared') {
        // as Graph's own example writes it
        const megan = await client.api(path).filter("lastshared/sharedby/address eq 'MeganB@contoso.com'").orderby(c.asc).get();
        assert.deepEqual(megan.value.map((r) => r.id), [`${c.name}-1`, `${c.name}-3`, gen]);
      }
      const selected = await client.api(path).select('resourceReference').top(1).get();
      assert.deepEqual(Object.keys(selected.value[0]).sort(), ['id', 'resourceReference']);

      assert.equal(String(await client.api(`${path}/$count`).get()), '5');
      assert.equal(String(await client.api(`${path}/$count`).filter("ResourceVisualization/Type eq 'Excel'").get()), '1');
    });

    test('get, update (patch) and delete', async () => {
      const item = `${path}/${c.name}-2`;
      const got = await client.api(item).get();
      assert.equal(got.id, `${c.name}-2`);
      assert.equal(got.resourceVisualization.type, 'Excel');
      // by /users/{id} too
      const byId = await client.api(`/users/${user}/insights/${c.name}/${c.name}-2`).get();
      assert.deepEqual(byId, got);

      assert.equal(await client.api(item).patch({ resourceVisualization: { title: 'Budget (final)' } }), undefined, '204');
      const patched = await client.api(item).header('Prefer', 'return=representation').patch(c.top);
      assert.equal(patched.resourceVisualization.title, 'Budget (final)');
      assert.equal(patched.resourceVisualization.type, 'Excel', 'nested objects are merged member by member');
      assert.deepEqual(c.key(patched), c.key(c.top));
      const first = await client.api(path).top(1).get();
      assert.equal(first.value[0].id, `${c.name}-2`);

      assert.equal(await client.api(item).delete(), undefined);
      await graphError(client.api(item).get(), 404, 'itemNotFound');
      await graphError(client.api(item).delete(), 404, 'itemNotFound');
      assert.equal(String(await client.api(`${path}/$count`).get()), '4');
    });

    test('errors are GraphErrors with Graph\'s codes', async () => {
      const bad = await graphError(client.api(path).post(c.invalid.body), 400, 'invalidRequest');
      assert.ok(bad.details.some((d) => d.target === c.invalid.target && d.code === c.invalid.code), JSON.stringify(bad.details));
      const unknown = await graphError(client.api(path).post({ ...c.item(1, 'Word'), colour: 'red' }), 400, 'invalidRequest');
      assert.ok(unknown.details.some((d) => d.target === 'colour' && d.code === 'unknownMember'), JSON.stringify(unknown.details));
      const option = await graphError(client.api(path).skip(1).get(), 400, 'invalidRequest');
      assert.equal(JSON.parse(option.body).target, '$skip');
      await graphError(client.api(`/users/${user}-other/insights/${c.name}`).get(), 403, 'accessDenied');
    });
  });
}

test('another user sees none of these items', async () => {
  const bob = await devToken(server.base, { sub: `${user}-other` });
  const asBob = graphClient(server.base, { authProvider: (done) => done(null, bob) });
  for (const c of collections) {
    assert.equal(String(await asBob.api(`/me/insights/${c.name}/$count`).get()), '0');
    await graphError(asBob.api(`/me/insights/${c.name}/${c.name}-1`).get(), 404, 'itemNotFound');
  }
});

test('without customHosts the client sends no token', async () => {
  const plain = Client.init({ baseUrl: server.base, authProvider: (done) => done(null, token) });
  await graphError(plain.api('/me/insights/used').get(), 401, 'InvalidAuthenticationToken');
});

test('a JSON batch across the collections, with the client\'s BatchRequestContent', async () => {
  // 3.0.7's BatchRequestContent keeps the path of each request's URL as the step's url: give it
  // without the version (the service, like Graph, takes urls relative to the batch's version).
  // Its dependsOn must be parallel, serial or all the same: here serial, each after the one before.
  const step = (id, path, init) => ({ id, request: new Request(`${server.base}${path}`, init), dependsOn: id === '1' ? undefined : [String(id - 1)] });
  const json = (body) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  const batch = new BatchRequestContent([
    step('1', '/me/insights/trending', json({ id: 'batch-tr', ...collections[1].item(3, 'Visio') })),
    step('2', '/me/insights/shared', json({ id: 'batch-sh', ...collections[2].item(3, 'Visio') })),
    step('3', '/me/insights/used', json({ id: 'batch-us', ...collections[0].item(3, 'Visio') })),
    step('4', "/me/insights/shared?$filter=ResourceVisualization/Type eq 'Visio'", { method: 'GET' }),
    step('5', '/me/insights/trending/batch-tr', { method: 'GET' }),
    step('6', '/me/insights/used/nope', { method: 'GET' }),
  ]);
  const answer = new BatchResponseContent(await client.api('/$batch').post(await batch.getContent()));
  assert.deepEqual(['1', '2', '3', '4', '5', '6'].map((id) => answer.getResponseById(id).status), [201, 201, 201, 200, 200, 404]);
  assert.deepEqual((await answer.getResponseById('4').json()).value.map((r) => r.id), ['batch-sh']);
  assert.equal((await answer.getResponseById('5').json()).weight, 0.3);
  assert.equal(answer.getResponseById('1').headers.get('Location'), `${server.base}/v1.0/me/insights/trending/batch-tr`);
  for (const c of collections) {
    await client.api(`/me/insights/${c.name}/batch-${c.name.slice(0, 2)}`).delete();
  }
});
