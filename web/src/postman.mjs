// Export to Postman: the current request, or the history, as a Postman collection (format
// v2.1) that Postman and its command-line runner newman open as they are. The endpoint and the
// token are collection variables, {{baseUrl}} and {{token}}: the file carries the endpoint (the
// person can change it) but never a token, and no Authorization header of the request's own.

import { h, $, displayText } from './dom.mjs';
import { parseHeaders, hasBody } from './request.mjs';

export const POSTMAN_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

/**
 * postmanCollection builds a Postman v2.1 collection of requests as the playground keeps them
 * ({method, version, path, headers: "Name: value" lines or [[name, value]], body}, as the request
 * bar and the history have them), one item each, in order. A header line that does not parse is
 * left out; so is any Authorization header (the collection's Bearer auth sends {{token}}).
 *
 * @param {Array<{method?: string, version?: string, path?: string, headers?: string|Array<[string, string]>, body?: string, name?: string}>} requests
 * @param {{name?: string, baseUrl?: string, id?: string}} [options] the collection's name, the
 *   value of {{baseUrl}} (the endpoint) and its _postman_id (default: a random UUID)
 * @returns {object} the collection, ready for JSON.stringify
 */
export function postmanCollection(requests, { name = 'usedinsight', baseUrl = '', id = crypto.randomUUID() } = {}) {
  return {
    info: { _postman_id: id, name, schema: POSTMAN_SCHEMA },
    item: requests.map((r, i) => item(r, i)),
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] },
    variable: [
      { key: 'baseUrl', value: String(baseUrl).replace(/\/+$/, ''), type: 'string' },
      { key: 'token', value: '', type: 'string' },
    ],
  };
}

function item(r, i) {
  const method = (displayText(r.method) || 'GET').toUpperCase();
  const version = displayText(r.version);
  let path = displayText(r.path).trim() || '/';
  const absolute = /^https?:\/\//i.test(path);
  if (!absolute && !path.startsWith('/')) path = `/${path}`;
  const raw = absolute ? path : `{{baseUrl}}${version ? `/${version}` : ''}${path}`;

  const header = [];
  for (const [key, value] of headerPairs(r.headers)) {
    if (key.toLowerCase() !== 'authorization') header.push({ key, value, type: 'text' });
  }
  const request = { method, header, url: postmanURL(raw, absolute) };
  if (hasBody(method)) {
    if (!header.some((x) => x.key.toLowerCase() === 'content-type')) {
      header.push({ key: 'Content-Type', value: 'application/json', type: 'text' });
    }
    request.body = { mode: 'raw', raw: displayText(r.body), options: { raw: { language: 'json' } } };
  }
  const pathOnly = raw.replace(/^\{\{baseUrl\}\}/, '');
  return { name: displayText(r.name) || `${i + 1}. ${method} ${pathOnly}`, request };
}

function headerPairs(headers) {
  if (Array.isArray(headers)) {
    return headers.filter((x) => Array.isArray(x) && x.length === 2).map(([k, v]) => [displayText(k), displayText(v)]);
  }
  const pairs = [];
  for (const line of displayText(headers).split('\n')) {
    try {
      pairs.push(...parseHeaders(line));
    } catch {
      // not "Name: value": the request bar would not send it either
    }
  }
  return pairs;
}

// postmanURL is the URL object of v2.1: raw, and its host, path and query as Postman splits them.
function postmanURL(raw, absolute) {
  const hash = raw.indexOf('#');
  const noHash = hash < 0 ? raw : raw.slice(0, hash);
  const q = noHash.indexOf('?');
  const beforeQuery = q < 0 ? noHash : noHash.slice(0, q);
  const url = { raw };
  if (absolute) {
    const m = /^(https?):\/\/([^/]*)(.*)$/i.exec(beforeQuery);
    url.protocol = m[1].toLowerCase();
    const [host, port] = m[2].split(/:(?=\d+$)/);
    url.host = host.split('.');
    if (port) url.port = port;
    url.path = m[3].split('/').slice(1);
  } else {
    url.host = ['{{baseUrl}}'];
    url.path = beforeQuery.slice('{{baseUrl}}'.length).split('/').slice(1);
  }
  if (q >= 0) {
    url.query = noHash.slice(q + 1).split('&').filter((kv) => kv !== '').map((kv) => {
      const eq = kv.indexOf('=');
      return eq < 0 ? { key: kv, value: null } : { key: kv.slice(0, eq), value: kv.slice(eq + 1) };
    });
  }
  return url;
}

/**
 * historyRequests reads the history as stored (newest first) and returns its requests oldest
 * first, as they were sent; an entry that is not an object is skipped, and storage that is not
 * JSON gives none.
 */
export function historyRequests(stored) {
  let entries;
  try {
    entries = JSON.parse(stored ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  return entries.filter((e) => e && typeof e === 'object' && !Array.isArray(e)).reverse();
}

/**
 * createPostmanExport wires the two export buttons: the current request (request() as the request
 * bar has it) or the history (saved's 'history'), downloaded as a .postman_collection.json file.
 */
export function createPostmanExport({ request, saved, endpoint }) {
  const status = $('export-status');
  function download(requests, name) {
    if (!requests.length) {
      status.textContent = 'The history is empty: nothing to export.';
      return;
    }
    const collection = postmanCollection(requests, { name, baseUrl: endpoint.base() || location.origin });
    const blob = new Blob([`${JSON.stringify(collection, null, 2)}\n`], { type: 'application/json' });
    const href = URL.createObjectURL(blob);
    const a = h('a', { href, download: `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.postman_collection.json`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60_000);
    status.textContent = `Exported ${requests.length} request${requests.length === 1 ? '' : 's'}; set the token variable in Postman.`;
  }
  $('export-request').addEventListener('click', () => download([request()], 'usedinsight request'));
  $('export-history').addEventListener('click', () => download(historyRequests(saved.get('history')), 'usedinsight history'));
}
