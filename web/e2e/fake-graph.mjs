// A local stand-in for Microsoft Graph's insights API, for the import's browser tests
// (import.test.mjs) and the README's picture of an import (screenshot.mjs): node http on
// 127.0.0.1 with CORS as Graph sends it, serving items made from Graph's documentation data
// (internal/insight/testdata/graph, copies of ../shared/reference/graph/).

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

const reference = new URL('../../internal/insight/testdata/graph/', import.meta.url);
const readJSON = async (name) => JSON.parse(await readFile(new URL(name, reference), 'utf8'));
const b64url = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** jwt makes a token shaped like Graph's (a JWT with the claims given; the signature is not one). */
export const jwt = (claims) => `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}.${Buffer.from('signature').toString('base64url')}`;

/** graphSamples reads the documentation's items: {used, trending, shared}, arrays of items. */
export async function graphSamples() {
  return {
    used: [
      ...(await readJSON('docs-v1.0-list-used-example1.response.json')).value,
      ...(await readJSON('docs-v1.0-list-used-example2-orderby-lastAccessed.response.json')).value,
      await readJSON('docs-v1.0-list-used-older-item.json'),
      ...(await readJSON('mocks-v1.0-used-items.json')).value,
    ],
    trending: (await readJSON('docs-v1.0-list-trending.response.json')).value,
    shared: (await readJSON('docs-v1.0-list-shared.response.json')).value,
  };
}

/** items makes n items of a collection from its samples, each a sample with an id of its own (tag and its index). */
export function items(samples, n, tag) {
  return Array.from({ length: n }, (_, i) => {
    const item = structuredClone(samples[i % samples.length]);
    delete item._source;
    item.id = `${item.id.slice(0, 60)}-${tag}${i}`;
    return item;
  });
}

/**
 * fakeGraph answers GET /{scenario}/v1.0/me/insights/{used|trending|shared} like Graph, with
 * the items of data ({used, trending, shared, slow}: arrays of items), page items a page, to
 * requests with the bearer token and 401 to others. Scenarios: ok; slow (the used items are
 * data.slow, each page takes 400 ms); notjson, novalue, huge (page 2 is not JSON, has no value,
 * has 10,001 items); foreign (page 1 links its next page on another origin). Every fifth page of
 * the ok scenario is first answered 429 with Retry-After: 1.
 * @returns {Promise<{base: (scenario?: string) => string, requests: object[], throttled: () => number, close: () => Promise<void>}>}
 */
export async function fakeGraph({ token, data, page = 10 }) {
  const requests = [];
  let throttled = 0;
  let pages = 0;
  const srv = createServer(async (req, res) => {
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'Retry-After, request-id',
    };
    requests.push({ method: req.method, url: req.url, host: req.headers.host, auth: req.headers.authorization ?? '' });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Allow-Headers': 'Authorization, Accept', 'Access-Control-Max-Age': '600' }).end();
      return;
    }
    const json = (status, body, headers = {}) => res.writeHead(status, { ...cors, 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
    const url = new URL(req.url, `http://${req.headers.host}`);
    const m = /^\/(\w+)\/v1\.0\/me\/insights\/(used|trending|shared)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) {
      json(404, { error: { code: 'ResourceNotFound', message: 'Resource not found for the segment.' } });
      return;
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      json(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid audience.' } });
      return;
    }
    const [, scenario, name] = m;
    const all = scenario === 'slow' && name === 'used' ? data.slow : data[name];
    const from = Number(url.searchParams.get('$skiptoken') ?? 0);
    const here = `http://127.0.0.1:${srv.address().port}`;
    const body = {
      '@odata.context': `${here}/${scenario}/v1.0/$metadata#users('megan')/insights/${name}`,
      value: all.slice(from, from + page),
    };
    if (from + page < all.length) {
      const host = scenario === 'foreign' ? `http://localhost:${srv.address().port}` : here;
      body['@odata.nextLink'] = `${host}/${scenario}/v1.0/me/insights/${name}?$skiptoken=${from + page}`;
    }
    if (scenario === 'ok' && ++pages % 5 === 0) {
      throttled++;
      json(429, { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, { 'Retry-After': '1' });
      pages++; // the retry is answered
      return;
    }
    if (scenario === 'slow') await new Promise((r) => setTimeout(r, 400));
    if (from > 0 && scenario === 'notjson') {
      res.writeHead(200, { ...cors, 'Content-Type': 'text/html' }).end('<html><body>Service unavailable</body></html>');
      return;
    }
    if (from > 0 && scenario === 'novalue') {
      json(200, { '@odata.context': body['@odata.context'], items: body.value });
      return;
    }
    if (from > 0 && scenario === 'huge') {
      json(200, { value: Array.from({ length: 10001 }, (_, i) => ({ id: `huge${i}` })) });
      return;
    }
    json(200, body);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return {
    base: (scenario = 'ok') => `http://127.0.0.1:${srv.address().port}/${scenario}/v1.0`,
    requests,
    throttled: () => throttled,
    close: () => new Promise((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }),
  };
}
