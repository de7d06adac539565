// Tests of src/postman.mjs's pure part: the Postman v2.1 collection of requests, and the history
// read from storage. (worker/clienttest/postman.test.mjs runs a collection with newman.)

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postmanCollection, historyRequests, POSTMAN_SCHEMA } from '../src/postman.mjs';

describe('postmanCollection', () => {
  const requests = [
    { method: 'POST', version: 'v1.0', path: '/me/insights/used', headers: 'Authorization: Bearer eyJsecret\nPrefer: return=representation\nnot a header', body: '{"id": "a"}' },
    { method: 'get', version: '', path: "me/insights/trending?$top=5&$filter=weight eq 1&flag", headers: [['X-A', '1'], ['authorization', 'Bearer x']], body: '{"ignored": true}' },
    { method: 'DELETE', version: 'beta', path: 'https://other.example.com:8443/v1.0/me/insights/shared/s1', headers: '', body: '' },
    { method: 'PATCH', version: 'v1.0', path: '/me/insights/used/a', headers: 'Content-Type: application/json; charset=utf-8', body: '{}', name: 'Patch a' },
  ];
  const c = postmanCollection(requests, { name: 'n', baseUrl: 'http://127.0.0.1:8787/', id: 'id-1' });

  it('is a v2.1 collection with the endpoint and an empty token as variables, and Bearer auth', () => {
    assert.deepEqual(c.info, { _postman_id: 'id-1', name: 'n', schema: POSTMAN_SCHEMA });
    assert.equal(POSTMAN_SCHEMA, 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    assert.deepEqual(c.variable, [{ key: 'baseUrl', value: 'http://127.0.0.1:8787', type: 'string' }, { key: 'token', value: '', type: 'string' }]);
    assert.deepEqual(c.auth, { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] });
    assert.equal(c.item.length, 4);
    assert.ok(!JSON.stringify(c).includes('secret') && !JSON.stringify(c).includes('Bearer'), 'no Authorization header of the request');
  });

  it('writes each request: name, method, URL with its query, headers, a raw JSON body', () => {
    assert.deepEqual(c.item[0], {
      name: '1. POST /v1.0/me/insights/used',
      request: {
        method: 'POST',
        header: [{ key: 'Prefer', value: 'return=representation', type: 'text' }, { key: 'Content-Type', value: 'application/json', type: 'text' }],
        url: { raw: '{{baseUrl}}/v1.0/me/insights/used', host: ['{{baseUrl}}'], path: ['v1.0', 'me', 'insights', 'used'] },
        body: { mode: 'raw', raw: '{"id": "a"}', options: { raw: { language: 'json' } } },
      },
    });
    assert.deepEqual(c.item[1].request, {
      method: 'GET',
      header: [{ key: 'X-A', value: '1', type: 'text' }],
      url: {
        raw: "{{baseUrl}}/me/insights/trending?$top=5&$filter=weight eq 1&flag", host: ['{{baseUrl}}'], path: ['me', 'insights', 'trending'],
        query: [{ key: '$top', value: '5' }, { key: '$filter', value: 'weight eq 1' }, { key: 'flag', value: null }],
      },
    });
    assert.deepEqual(c.item[2].request.url, {
      raw: 'https://other.example.com:8443/v1.0/me/insights/shared/s1', protocol: 'https', host: ['other', 'example', 'com'], port: '8443',
      path: ['v1.0', 'me', 'insights', 'shared', 's1'],
    });
    assert.equal(c.item[2].request.body, undefined);
    assert.equal(c.item[3].name, 'Patch a');
    assert.deepEqual(c.item[3].request.header, [{ key: 'Content-Type', value: 'application/json; charset=utf-8', type: 'text' }]);
  });

  it('survives entries that hold anything', () => {
    const odd = postmanCollection([{ method: 5, path: null, headers: { a: 1 }, body: { x: 1 } }, {}], { id: 'x' });
    assert.deepEqual(odd.item.map((i) => i.request.url.raw), ['{{baseUrl}}/', '{{baseUrl}}/']);
    assert.equal(odd.item[0].request.method, '5');
  });
});

describe('historyRequests', () => {
  it('gives the stored history oldest first, without entries that are not objects', () => {
    assert.deepEqual(historyRequests(JSON.stringify([{ path: '/b' }, null, [1], 'x', { path: '/a' }])), [{ path: '/a' }, { path: '/b' }]);
  });
  it('gives none for storage that is not JSON or not a list', () => {
    assert.deepEqual(historyRequests('{not json'), []);
    assert.deepEqual(historyRequests('{"a": 1}'), []);
    assert.deepEqual(historyRequests(null), []);
  });
});
