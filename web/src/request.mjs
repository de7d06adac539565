// The request the playground sends, as plain data: its URL from the endpoint, the version
// prefix and the path; its headers; the collection it is for; the share link that carries it
// in the URL fragment.

import { collections } from './resources.mjs';

/** Version prefixes the API answers under ('' for none), as the request bar offers them. */
export const versions = ['v1.0', 'beta', 'localtest', ''];
export const methods = ['GET', 'POST', 'PATCH', 'DELETE'];
export const collection = '/me/insights/used';

/** The collections' names, as the path names them: used, trending, shared. */
export const collectionNames = collections.map((c) => c.name);

/**
 * detectCollection returns the name of the collection a request path is under
 * (".../insights/trending/..."), or null when it names none.
 */
export function detectCollection(path) {
  const m = /\/insights\/([^/?#(]+)/.exec(path);
  return m && collectionNames.includes(m[1]) ? m[1] : null;
}

/**
 * collectionPath is path turned to the collection called name: the collection itself under the
 * same user (/me or /users/{id}); /me/insights/{name} when path names no insights.
 */
export function collectionPath(path, name) {
  const m = /^(.*?\/insights\/)/.exec(path.trim());
  return `${m && !/^https?:/i.test(m[1]) ? m[1] : '/me/insights/'}${name}`;
}

/** requestURL joins endpoint, version and path; a path that is an absolute URL is used as is. */
export function requestURL(endpoint, version, path) {
  if (/^https?:\/\//i.test(path)) {
    return path;
  }
  const base = endpoint.replace(/\/+$/, '');
  const p = path.startsWith('/') ? path : `/${path}`;
  return `${base}${version ? `/${version}` : ''}${p}`;
}

/**
 * splitURL turns an absolute URL of this API into {version, path} (path with its query), or
 * null when it is not under the endpoint.
 */
export function splitURL(endpoint, url) {
  const base = endpoint.replace(/\/+$/, '');
  if (!url.startsWith(`${base}/`)) {
    return null;
  }
  const rest = url.slice(base.length);
  const m = /^\/(v1\.0|beta|localtest)(\/.*)$/.exec(rest);
  return m ? { version: m[1], path: m[2] } : { version: '', path: rest };
}

/** parseHeaders reads "Name: value" lines; it throws a SyntaxError naming a bad line. */
export function parseHeaders(text) {
  const out = [];
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (!m) {
      throw new SyntaxError(`line ${n + 1} of the request headers is not "Name: value"`);
    }
    out.push([m[1], m[2]]);
  }
  return out;
}

/** hasBody tells whether the method sends the editor's text. */
export const hasBody = (method) => method === 'POST' || method === 'PATCH';

/**
 * requestHeaders lists the headers of a request: Authorization from the token, Content-Type
 * for a body, then the extra ones (which win over both).
 */
export function requestHeaders({ method, token, extra = [] }) {
  const out = [];
  const named = (name) => extra.some(([n]) => n.toLowerCase() === name);
  if (token && !named('authorization')) out.push(['Authorization', `Bearer ${token}`]);
  if (hasBody(method) && !named('content-type')) out.push(['Content-Type', 'application/json']);
  return [...out, ...extra];
}

// base64url of UTF-8 and back.
function encode(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
function decode(b64) {
  const bin = atob(b64.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/**
 * shareFragment renders a request (never its token) as a URL fragment: "#request=" and the
 * base64url of {method, version, path, collection, headers, body}.
 */
export function shareFragment({ method, version, path, collection: name, headers = '', body = '' }) {
  const r = { method, version, path };
  if (name) r.collection = name;
  if (headers) r.headers = headers;
  if (body) r.body = body;
  return `#request=${encode(JSON.stringify(r))}`;
}

/**
 * readFragment returns the request a share link's fragment carries, every member checked
 * and of the right type, or null.
 */
export function readFragment(hash) {
  const m = /^#?request=([A-Za-z0-9_-]*)$/.exec(hash);
  if (!m) return null;
  try {
    return checkRequest(JSON.parse(decode(m[1])));
  } catch {
    return null;
  }
}

/**
 * checkRequest returns a request read from a share link or from storage with every member of
 * the right type (a method, a version and a collection the request bar offers; the collection
 * the path names, else the one given, else used), or null when it is no object.
 */
export function checkRequest(r) {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return null;
  const str = (v, d = '') => (typeof v === 'string' ? v : d);
  const method = str(r.method).toUpperCase();
  const path = str(r.path, collection);
  return {
    method: methods.includes(method) ? method : 'GET',
    version: versions.includes(r.version) ? r.version : 'v1.0',
    path,
    collection: detectCollection(path) ?? (collectionNames.includes(r.collection) ? r.collection : 'used'),
    headers: str(r.headers),
    body: str(r.body),
  };
}

/** claims returns the payload of a JWT for display, or null. Nothing is verified. */
export function claims(token) {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const c = JSON.parse(decode(part));
    return c && typeof c === 'object' ? c : null;
  } catch {
    return null;
  }
}
