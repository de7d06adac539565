// The Worker on a real `wrangler dev`, driven through openapi-fetch with the types that
// openapi-typescript generates from /openapi.json (gen/schema.d.ts): for each collection,
// create, list with options, get, update, delete and errors, every response body checked
// against the document's schemas by ajv. A description that drifts from the service fails
// here: by type (tsc) when a path, parameter or member changes, by status or schema when the
// service answers otherwise. Runs compiled, from build/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import createClient, { type Client } from 'openapi-fetch';
import type { paths, components } from '../gen/schema.js';

type Schemas = components['schemas'];
type Harness = {
  startWrangler(): Promise<{ base: string; stop(): Promise<void>; output(): string }>;
  devToken(base: string, claims?: Record<string, unknown>): Promise<string>;
};
type Parameter = { name: string; in: string; schema: { enum?: string[]; items?: { enum?: string[] }; minimum?: number; maximum?: number }; 'x-filterable-paths'?: string[] };
type SchemaCheck = {
  check(name: keyof Schemas, value: unknown): unknown[];
  documentText: string;
  document: { components: { parameters: Record<string, Parameter> } };
};

// Plain JavaScript beside this file's directory (build/ or src/, both one level down).
const harness = (await import(new URL('../../../web/e2e/harness.mjs', import.meta.url).href)) as Harness;
const schemas = (await import(new URL('../schemas.mjs', import.meta.url).href)) as SchemaCheck;

let wrangler: Awaited<ReturnType<Harness['startWrangler']>>;
let client: Client<paths>;
let token: string;

before(async () => {
  wrangler = await harness.startWrangler();
  token = await harness.devToken(wrangler.base);
  client = createClient<paths>({
    baseUrl: wrangler.base + '/v1.0',
    headers: { Authorization: `Bearer ${token}` },
    // $select is a form array without explode, as the document says: $select=id,weight.
    querySerializer: { array: { style: 'form', explode: false } },
  });
});

after(async () => {
  await wrangler?.stop();
});

/** valid asserts that value matches the document's schema called name. */
function valid(name: keyof Schemas, value: unknown) {
  assert.deepEqual(schemas.check(name, value), [], `${name}: ${JSON.stringify(value)}`);
}

const visualization = (type: string, title: string): Schemas['microsoft.graph.resourceVisualization'] => ({
  title, type, mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  previewImageUrl: 'https://contoso.sharepoint.com/thumbnails/0/small', previewText: 'Preview',
  containerWebUrl: 'https://contoso.sharepoint.com/sites/Retail/Shared Documents', containerDisplayName: 'Retail', containerType: 'Site',
});
const reference = (n: number): Schemas['microsoft.graph.resourceReference'] => ({
  webUrl: `https://contoso.sharepoint.com/sites/Retail/Doc${n}.docx`, id: `drives/b!x/items/${n}`, type: 'microsoft.graph.driveItem',
});

test('/openapi.json is served as committed, under every prefix, without a token, cacheable', async () => {
  for (const prefix of ['', '/v1.0', '/beta', '/localtest']) {
    const r = await fetch(`${wrangler.base}${prefix}/openapi.json`);
    assert.equal(r.status, 200, prefix);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.match(r.headers.get('cache-control') ?? '', /public, max-age=\d+/);
    assert.equal(await r.text(), schemas.documentText, `${prefix}/openapi.json differs from internal/openapi/openapi.json`);
  }
  const head = await fetch(`${wrangler.base}/openapi.json`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  const { data, response } = await client.GET('/openapi.json', { headers: { Authorization: null } });
  assert.equal(response.status, 200);
  assert.equal((data as { openapi?: string }).openapi, '3.0.3');
});

test('used: create, list with options, get, update, delete, errors', async () => {
  const ids: string[] = [];
  for (const [i, type] of ['Word', 'Excel', 'Word'].entries()) {
    const { data, error, response } = await client.POST('/me/insights/used', {
      body: {
        '@odata.type': '#microsoft.graph.usedInsight',
        lastUsed: { lastAccessedDateTime: `2024-05-0${i + 1}T10:00:00Z`, lastModifiedDateTime: '2024-04-01T09:00:00.1234567+02:00' },
        resourceVisualization: visualization(type, `Used ${i}`), resourceReference: reference(i),
      },
    });
    assert.equal(response.status, 201, JSON.stringify(error));
    assert.ok(data);
    valid('microsoft.graph.usedInsight', data);
    assert.equal(response.headers.get('location'), `${wrangler.base}/v1.0/me/insights/used/${data.id}`);
    ids.push(data.id);
  }
  const list = await client.GET('/me/insights/used', {
    params: { query: { $top: 1, $orderby: 'LastUsed/LastAccessedDateTime asc', $filter: "ResourceVisualization/Type eq 'word'", $select: ['id', 'lastUsed'], $count: true } },
  });
  assert.equal(list.response.status, 200, JSON.stringify(list.error));
  assert.ok(list.data);
  valid('microsoft.graph.usedInsight', list.data.value[0]);
  assert.deepEqual(list.data.value.map((x) => x.id), [ids[0]]);
  assert.equal(list.data['@odata.count'], 2);
  assert.ok(list.data['@odata.nextLink']);
  assert.equal(list.data.value[0].resourceVisualization, undefined); // not selected

  const count = await client.GET('/me/insights/used/$count', { params: { query: { $filter: "ResourceVisualization/Type eq 'Excel'" } }, parseAs: 'text' });
  assert.equal(count.data, '1');

  const got = await client.GET('/me/insights/used/{usedInsight-id}', { params: { path: { 'usedInsight-id': ids[1] } } });
  assert.equal(got.response.status, 200);
  valid('microsoft.graph.usedInsight', got.data);
  assert.equal(got.data?.resourceVisualization?.title, 'Used 1');

  const byUser = await client.GET('/users/{user-id}/insights/used/{usedInsight-id}', { params: { path: { 'user-id': 'alice', 'usedInsight-id': ids[1] } } });
  assert.equal(byUser.response.status, 200, JSON.stringify(byUser.error));

  const patched = await client.PATCH('/me/insights/used/{usedInsight-id}', {
    params: { path: { 'usedInsight-id': ids[1] }, header: { Prefer: 'return=representation' } },
    body: { lastUsed: { lastAccessedDateTime: '2024-06-01T00:00Z' }, resourceVisualization: { title: 'Renamed' } },
  });
  assert.equal(patched.response.status, 200, JSON.stringify(patched.error));
  valid('microsoft.graph.usedInsight', patched.data);
  assert.equal(patched.data?.resourceVisualization?.title, 'Renamed');
  assert.equal(patched.data?.lastUsed?.lastModifiedDateTime, '2024-04-01T09:00:00.1234567+02:00');

  const quiet = await client.PATCH('/me/insights/used/{usedInsight-id}', { params: { path: { 'usedInsight-id': ids[1] } }, body: { resourceVisualization: { previewText: null } } });
  assert.equal(quiet.response.status, 204);

  const del = await client.DELETE('/me/insights/used/{usedInsight-id}', { params: { path: { 'usedInsight-id': ids[1] } } });
  assert.equal(del.response.status, 204);
  const gone = await client.GET('/me/insights/used/{usedInsight-id}', { params: { path: { 'usedInsight-id': ids[1] } } });
  assert.equal(gone.response.status, 404);
  valid('odata.error', gone.error);
  assert.equal(gone.error?.error.code, 'itemNotFound');

  // A body of the right types that the validator refuses: February 30.
  const bad = await client.POST('/me/insights/used', {
    body: { lastUsed: { lastAccessedDateTime: '2023-02-30T00:00:00Z' }, resourceVisualization: {}, resourceReference: reference(9) },
  });
  assert.equal(bad.response.status, 400);
  valid('odata.error', bad.error);
  assert.deepEqual(bad.error?.error.details?.map((d) => d.target), ['lastUsed.lastAccessedDateTime']);

  const dup = await client.POST('/me/insights/used/$ref', {
    body: { id: ids[0], lastUsed: { lastAccessedDateTime: '2024-01-01T00:00:00Z' }, resourceVisualization: {}, resourceReference: reference(0) },
  });
  assert.equal(dup.response.status, 409);
  assert.equal(dup.error?.error.code, 'nameAlreadyExists');
});

test('trending: create, list with options, get, update, delete, errors', async () => {
  const ids: string[] = [];
  for (const [i, weight] of ([0.5, '0.1583399742569597', 2] as const).entries()) {
    const { data, error, response } = await client.POST('/me/insights/trending', {
      body: { weight, lastModifiedDateTime: `2024-05-0${i + 1}T10:00:00Z`, resourceVisualization: visualization(i === 1 ? 'Excel' : 'Word', `Trending ${i}`), resourceReference: reference(i) },
    });
    assert.equal(response.status, 201, JSON.stringify(error));
    assert.ok(data);
    valid('microsoft.graph.trending', data);
    assert.equal(typeof data.weight, 'number'); // a weight sent as a string is stored as the number
    ids.push(data.id);
  }
  const list = await client.GET('/me/insights/trending', { params: { query: { $top: 2, $select: ['weight'], $count: true } } });
  assert.equal(list.response.status, 200, JSON.stringify(list.error));
  assert.ok(list.data);
  assert.deepEqual(list.data.value.map((x) => x.weight), [2, 0.5]); // weight desc by default
  assert.equal(list.data['@odata.count'], 3);
  const asc = await client.GET('/me/insights/trending', { params: { query: { $orderby: 'lastModifiedDateTime desc', $filter: "ResourceVisualization/containerType eq 'Site' and ResourceVisualization/Type eq 'Word'" } } });
  assert.equal(asc.response.status, 200, JSON.stringify(asc.error));
  assert.deepEqual(asc.data?.value.map((x) => x.id), [ids[2], ids[0]]);
  for (const item of asc.data?.value ?? []) valid('microsoft.graph.trending', item);

  const got = await client.GET('/me/insights/trending/{trending-id}', { params: { path: { 'trending-id': ids[1] } } });
  assert.equal(got.response.status, 200);
  valid('microsoft.graph.trending', got.data);
  assert.equal(got.data?.weight, 0.1583399742569597);

  const patched = await client.PATCH('/me/insights/trending/{trending-id}', {
    params: { path: { 'trending-id': ids[1] }, header: { Prefer: 'return=representation' } }, body: { weight: '7.5' },
  });
  assert.equal(patched.response.status, 200, JSON.stringify(patched.error));
  valid('microsoft.graph.trending', patched.data);
  assert.equal(patched.data?.weight, 7.5);

  const del = await client.DELETE('/me/insights/trending/{trending-id}', { params: { path: { 'trending-id': ids[1] } } });
  assert.equal(del.response.status, 204);
  const count = await client.GET('/me/insights/trending/$count', { parseAs: 'text' });
  assert.equal(count.data, '2');

  const bad = await client.POST('/me/insights/trending', { body: { weight: '1e400', resourceVisualization: {}, resourceReference: reference(5) } });
  assert.equal(bad.response.status, 400);
  valid('odata.error', bad.error);
  assert.deepEqual(bad.error?.error.details?.map((d) => d.target), ['weight']);
  const badTop = await client.GET('/me/insights/trending', { params: { query: { $top: 1000 } } });
  assert.equal(badTop.response.status, 400);
  assert.equal(badTop.error?.error.code, 'invalidRequest');
});

test('shared: create, list with options, get, update, delete, errors', async () => {
  const ids: string[] = [];
  for (const [i, who] of ['MeganB@contoso.com', 'AdeleV@contoso.com'].entries()) {
    const { data, error, response } = await client.POST('/me/insights/shared', {
      body: {
        lastShared: { sharedDateTime: `2024-05-0${i + 1}T10:00:00Z`, sharingType: 'Direct', sharingSubject: 'Report', sharedBy: { address: who, displayName: who.split('@')[0], id: `user-${i}` }, sharingReference: {} },
        sharingHistory: [{ sharedDateTime: '2024-04-01T10:00:00Z', sharedBy: null }],
        resourceVisualization: visualization('Word', `Shared ${i}`), resourceReference: reference(i),
      },
    });
    assert.equal(response.status, 201, JSON.stringify(error));
    assert.ok(data);
    valid('microsoft.graph.sharedInsight', data);
    ids.push(data.id);
  }
  const list = await client.GET('/me/insights/shared', {
    params: { query: { $orderby: 'lastShared/sharedDateTime asc', $filter: "lastshared/sharedby/address eq 'meganb@contoso.com'", $count: true } },
  });
  assert.equal(list.response.status, 200, JSON.stringify(list.error));
  assert.deepEqual(list.data?.value.map((x) => x.id), [ids[0]]);
  assert.equal(list.data?.['@odata.count'], 1);
  for (const item of list.data?.value ?? []) valid('microsoft.graph.sharedInsight', item);

  const got = await client.GET('/me/insights/shared/{sharedInsight-id}', { params: { path: { 'sharedInsight-id': ids[1] }, query: { $select: ['lastShared'] } } });
  assert.equal(got.response.status, 200);
  valid('microsoft.graph.sharedInsight', got.data);
  assert.equal(got.data?.lastShared?.sharedBy?.address, 'AdeleV@contoso.com');

  const patched = await client.PATCH('/me/insights/shared/{sharedInsight-id}', {
    params: { path: { 'sharedInsight-id': ids[1] }, header: { Prefer: 'return=representation' } },
    body: { sharingHistory: [], lastShared: { sharingSubject: 'Final report' } },
  });
  assert.equal(patched.response.status, 200, JSON.stringify(patched.error));
  valid('microsoft.graph.sharedInsight', patched.data);
  assert.deepEqual(patched.data?.sharingHistory, []);
  assert.equal(patched.data?.lastShared?.sharedDateTime, '2024-05-02T10:00:00Z');

  const del = await client.DELETE('/me/insights/shared/{sharedInsight-id}', { params: { path: { 'sharedInsight-id': ids[1] } } });
  assert.equal(del.response.status, 204);
  const again = await client.DELETE('/me/insights/shared/{sharedInsight-id}', { params: { path: { 'sharedInsight-id': ids[1] } } });
  assert.equal(again.response.status, 404);
  valid('odata.error', again.error);

  const history = Array.from({ length: 100 }, () => ({ sharedDateTime: '2024-01-01T00:00:00Z' }));
  const ok = await client.POST('/me/insights/shared', { body: { lastShared: { sharedDateTime: '2024-01-01T00:00:00Z' }, sharingHistory: history, resourceVisualization: {}, resourceReference: { id: 'x' } } });
  assert.equal(ok.response.status, 201, JSON.stringify(ok.error));
  // Without a token: 401 with WWW-Authenticate, in the envelope.
  const anon = await client.GET('/me/insights/shared', { headers: { Authorization: null } });
  assert.equal(anon.response.status, 401);
  assert.match(anon.response.headers.get('www-authenticate') ?? '', /^Bearer/);
  valid('odata.error', anon.error);
});

test('every value the document allows for the query options, the service accepts; beyond the bounds, it refuses', async () => {
  const params = schemas.document.components.parameters;
  const get = async (path: string, query: string) => {
    const r = await fetch(`${wrangler.base}${path}?${query}`, { headers: { Authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
    return r.status;
  };
  const top = params.top.schema;
  for (const collection of ['used', 'trending', 'shared']) {
    const path = `/me/insights/${collection}`;
    const queries = [`$top=${top.minimum}`, `$top=${top.maximum}`, '$count=true', '$count=false'];
    for (const v of params[`orderby-${collection}`].schema.enum ?? []) queries.push(`$orderby=${encodeURIComponent(v)}`);
    for (const v of params[`select-${collection}`].schema.items?.enum ?? []) queries.push(`$select=${v}`);
    queries.push(`$select=${(params[`select-${collection}`].schema.items?.enum ?? []).join(',')}`);
    const filterable = params[`filter-${collection}`]['x-filterable-paths'] ?? [];
    for (const p of filterable) queries.push(`$filter=${encodeURIComponent(`${p} eq 'x'`)}`);
    queries.push(`$filter=${encodeURIComponent(filterable.map((p) => `${p} eq 'it''s'`).join(' and '))}`);
    for (const q of queries) {
      assert.equal(await get(path, q), 200, `GET ${path}?${q}`);
    }
    assert.equal(await get(`${path}/$count`, `$filter=${encodeURIComponent(`${filterable[0]} eq 'x'`)}`), 200);
    for (const q of [`$top=${top.minimum! - 1}`, `$top=${top.maximum! + 1}`, '$orderby=id', '$select=nope', "$filter=id eq 'x'", '$skip=1']) {
      assert.equal(await get(path, q), 400, `GET ${path}?${q}`);
    }
  }
});

test('$batch mixes the collections', async () => {
  const { data, response, error } = await client.POST('/$batch', {
    body: { requests: [
      { id: '1', method: 'GET', url: '/me/insights/used?$top=1' },
      { id: '2', method: 'GET', url: '/me/insights/trending/$count' },
      { id: '3', method: 'GET', url: '/me/insights/shared/nope' },
    ] },
  });
  assert.equal(response.status, 200, JSON.stringify(error));
  valid('batchResponse', data);
  const status = Object.fromEntries((data?.responses ?? []).map((r) => [r.id, r.status]));
  assert.deepEqual(status, { 1: 200, 2: 200, 3: 404 });
});
