// The playground's "Export to Postman" (web/src/postman.mjs) run by Postman's own runner, newman
// (pinned in package-lock.json), against the Worker on its own `wrangler dev`: the exported
// file, with the endpoint and a dev token passed as variables, gets for every request the answer
// the same request gets when it is sent straight to the service.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import newman from 'newman';
import { postmanCollection, POSTMAN_SCHEMA } from '../../web/src/postman.mjs';
import { devToken, startWrangler } from '../../web/e2e/harness.mjs';

let server;
let dir;

before(async () => {
  const base = process.env.USEDINSIGHT_BASE?.replace(/\/+$/, '');
  server = base ? { base, stop: async () => {} } : await startWrangler();
  dir = await mkdtemp(join(tmpdir(), 'usedinsight-postman-'));
});

after(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const visualization = (type) => ({ title: `A ${type} file`, type, containerType: 'Site' });
const reference = (id) => ({ id: `drives/b!p/items/${id}`, webUrl: `https://contoso.sharepoint.com/${id}.docx` });

// For each collection: a record, a patch, an invalid body and a list query with options.
const collections = {
  used: {
    record: { id: 'pm-used', lastUsed: { lastAccessedDateTime: '2024-03-01T10:00:00Z' }, resourceVisualization: visualization('Word'), resourceReference: reference('pm-used') },
    patch: { lastUsed: { lastAccessedDateTime: '2024-04-01T10:00:00Z' } },
    invalid: { lastUsed: { lastAccessedDateTime: 'yesterday' }, resourceReference: reference('bad') },
    query: "$filter=ResourceVisualization/Type eq 'Word'&$orderby=LastUsed/LastAccessedDateTime desc&$top=5&$select=id,lastUsed&$count=true",
  },
  trending: {
    record: { id: 'pm-trending', weight: '0.5', resourceVisualization: visualization('Excel'), resourceReference: reference('pm-trending') },
    patch: { weight: 0.9 },
    invalid: { weight: 'abc', resourceVisualization: visualization('Excel'), resourceReference: reference('bad') },
    query: "$filter=ResourceVisualization/Type eq 'Excel'&$orderby=weight desc&$top=5",
  },
  shared: {
    record: { id: 'pm-shared', lastShared: { sharedDateTime: '2024-03-01T10:00:00Z', sharedBy: { address: 'MeganB@contoso.com' } }, resourceVisualization: visualization('Word'), resourceReference: reference('pm-shared') },
    patch: { lastShared: { sharedDateTime: '2024-05-01T10:00:00Z' } },
    invalid: { lastShared: { sharedBy: { address: 'MeganB@contoso.com' } }, resourceVisualization: visualization('Word'), resourceReference: reference('bad') },
    query: "$filter=lastShared/sharedBy/address eq 'MeganB@contoso.com'&$orderby=lastShared/sharedDateTime desc&$top=5",
  },
};

/** requests lists, in the playground's shape, a session of requests to a collection. */
function requests(name) {
  const c = collections[name];
  const items = `/me/insights/${name}`;
  const json = (v) => JSON.stringify(v, null, 2);
  return [
    { method: 'POST', version: 'v1.0', path: items, headers: '', body: json(c.record) },
    { method: 'POST', version: 'v1.0', path: items, headers: 'Prefer: return=representation', body: json(c.invalid) },
    { method: 'GET', version: 'v1.0', path: `${items}?${c.query}`, headers: '', body: '' },
    { method: 'GET', version: 'beta', path: `${items}/${c.record.id}`, headers: '', body: '' },
    { method: 'PATCH', version: 'v1.0', path: `${items}/${c.record.id}`, headers: '', body: json(c.patch) },
    { method: 'POST', version: 'v1.0', path: items, headers: '', body: json(c.record) }, // 409: already there
    { method: 'DELETE', version: 'v1.0', path: `${items}/${c.record.id}`, headers: '', body: '' },
    { method: 'GET', version: 'v1.0', path: `${items}/${c.record.id}`, headers: '', body: '' }, // 404
  ];
}

/** direct sends a request as the page does, straight to the service: {status, body}. */
async function direct(r, token) {
  const headers = { Authorization: `Bearer ${token}` };
  for (const line of r.headers.split('\n').filter(Boolean)) {
    const [k, ...v] = line.split(':');
    headers[k.trim()] = v.join(':').trim();
  }
  if (r.body) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${server.base}/${r.version}${r.path}`, { method: r.method, headers, body: r.body || undefined });
  return { status: res.status, body: await res.text() };
}

/** runNewman runs a collection file with newman's library API and returns its executions. */
function runNewman(file, variables) {
  return new Promise((resolve, reject) => {
    newman.run({
      collection: file,
      envVar: Object.entries(variables).map(([key, value]) => ({ key, value })),
      reporters: [],
      timeoutRequest: 30_000,
    }, (err, summary) => (err ? reject(err) : resolve(summary)));
  });
}

/** ids is the ids of a list response body, or null when it is not one. */
const ids = (body) => {
  try {
    return JSON.parse(body).value?.map((x) => x.id) ?? null;
  } catch {
    return null;
  }
};

test('an exported collection run by newman gets the answers the page gets', async () => {
  const list = Object.keys(collections).flatMap(requests);

  // The file as the page downloads it: the endpoint is a variable; the token's value is not there.
  const directToken = await devToken(server.base, { sub: `postman-direct-${randomUUID()}` });
  const newmanToken = await devToken(server.base, { sub: `postman-newman-${randomUUID()}` });
  const collection = postmanCollection(list, { name: 'usedinsight history', baseUrl: 'http://127.0.0.1:8787' });
  const text = JSON.stringify(collection, null, 2);
  assert.equal(collection.info.schema, POSTMAN_SCHEMA);
  assert.deepEqual(collection.variable, [{ key: 'baseUrl', value: 'http://127.0.0.1:8787', type: 'string' }, { key: 'token', value: '', type: 'string' }]);
  assert.ok(!text.includes(directToken) && !text.includes(newmanToken) && !/eyJ/.test(text), 'no token in the file');
  const file = join(dir, 'usedinsight.postman_collection.json');
  await writeFile(file, text);

  // Sent straight, as the page sends them, by one user; then by newman, by another.
  const want = [];
  for (const r of list) want.push(await direct(r, directToken));
  const summary = await runNewman(file, { baseUrl: server.base, token: newmanToken });
  assert.equal(summary.run.failures.length, 0, JSON.stringify(summary.run.failures.map((f) => f.error?.message)));
  const executions = summary.run.executions;
  assert.equal(executions.length, list.length);
  for (const [i, x] of executions.entries()) {
    const r = list[i];
    const what = `${r.method} /${r.version}${r.path}`;
    assert.ok(x.response, `${what}: newman got no response (${x.requestError?.message})`);
    assert.equal(x.request.url.getHost(), '127.0.0.1', what);
    assert.equal(x.response.code, want[i].status, `${what}: newman ${x.response.code} ${x.response.stream?.toString()}, directly ${want[i].status} ${want[i].body}`);
    const body = x.response.stream?.toString() ?? '';
    assert.deepEqual(ids(body), ids(want[i].body), `${what}: the same list`);
    if (x.response.code >= 400) {
      assert.equal(JSON.parse(body).error.code, JSON.parse(want[i].body).error.code, what);
    }
  }
  // The statuses are the ones these requests must get, in each collection.
  assert.deepEqual(want.map((w) => w.status), Object.keys(collections).flatMap(() => [201, 400, 200, 200, 204, 409, 204, 404]));
});
