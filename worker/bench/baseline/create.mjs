// The fair peer of `make bench-worker`: a JavaScript Worker doing the same create as the Go
// Worker, written the way one would write it by hand, and never deployed. It also serves a
// get, a list page (newest accessed first), an update (PATCH) and a delete of used, with the
// same kind of KV work as internal/kvstore, so that each request kind can be compared.
//
//   - the bearer check: an HS256 token verified with WebCrypto (the key imported once per
//     isolate), its exp, nbf and scp checked; an accepted token is cached until it expires;
//   - JSON.parse of the body and the checks of a usedInsight's members (lastUsed with its two
//     date-times, resourceVisualization, resourceReference objects);
//   - an id (crypto.randomUUID);
//   - the KV work of internal/kvstore's Create for used: a get of the primary key, the four
//     index keys (ad, aa, md, ma, with keys of the same shape and length) put in parallel,
//     then the primary put of the record; 1 get and 5 puts;
//   - a 201 with the record, Location and Graph's Content-Type.
//
// Its URLs are the Go Worker's (/me/insights/used); anything else is a 404.
const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const PREFIX = '/me/insights/used';
const encoder = new TextEncoder();

let keyOf = null; // the secret it was imported for, and the CryptoKey
const accepted = new Map(); // token → { sub, exp (ms) }
const userPrefixes = new Map(); // sub → the user's key prefix

function fail(status, code, message) {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE },
  });
}

function b64urlDecode(s) {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function b64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function hmacKey(secret) {
  if (keyOf === null || keyOf.secret !== secret) {
    const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    keyOf = { secret, key };
  }
  return keyOf.key;
}

// authenticate returns the token's subject, or null.
async function authenticate(request, secret) {
  const h = request.headers.get('Authorization');
  if (h === null || !h.startsWith('Bearer ')) return null;
  const token = h.slice(7);
  const now = Date.now();
  const hit = accepted.get(token);
  if (hit !== undefined) {
    if (hit.exp > now) return hit.sub;
    accepted.delete(token);
  }
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  let header, claims;
  try {
    header = JSON.parse(new TextDecoder().decode(b64urlDecode(parts[0])));
    claims = JSON.parse(new TextDecoder().decode(b64urlDecode(parts[1])));
  } catch {
    return null;
  }
  if (header.alg !== 'HS256') return null;
  const ok = await crypto.subtle.verify('HMAC', await hmacKey(secret), b64urlDecode(parts[2]), encoder.encode(parts[0] + '.' + parts[1]));
  if (!ok) return null;
  const t = now / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= t || (typeof claims.nbf === 'number' && claims.nbf > t + 60)) return null;
  if (typeof claims.sub !== 'string' || claims.sub === '') return null;
  if (typeof claims.scp !== 'string' || !claims.scp.split(' ').some((s) => s.endsWith('ReadWrite.All'))) return null;
  if (accepted.size > 1000) accepted.clear();
  accepted.set(token, { sub: claims.sub, exp: claims.exp * 1000 });
  return claims.sub;
}

// prefix is the user's key prefix, as internal/kvstore's: a tag and 16 bytes of SHA-256.
async function prefix(sub) {
  let p = userPrefixes.get(sub);
  if (p === undefined) {
    const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode('usedinsight user\x00' + sub)));
    p = 'u/' + b64url(sum.subarray(0, 16)) + '/';
    if (userPrefixes.size > 1000) userPrefixes.clear();
    userPrefixes.set(sub, p);
  }
  return p;
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function ticks(ms, desc) {
  // The order key as 16 hex digits, descending ones inverted, like internal/kvstore's.
  let u = (BigInt(ms) * 10000n) ^ (1n << 63n);
  if (desc) u = ~u & 0xffffffffffffffffn;
  return u.toString(16).padStart(16, '0');
}

// counting wraps a KV namespace to count its operations, for the Server-Timing header that
// `go run ./worker/bench` reads (KV_OP_COUNTS=1), in the Go Worker's format.
function counting(ns) {
  const n = { get: 0, put: 0, list: 0, delete: 0 };
  return {
    n,
    get: (...a) => (n.get++, ns.get(...a)),
    put: (...a) => (n.put++, ns.put(...a)),
    list: (...a) => (n.list++, ns.list(...a)),
    delete: (...a) => (n.delete++, ns.delete(...a)),
    timing: () => `kv;desc="${n.get} get, ${n.put} put, ${n.list} list, ${n.delete} delete"`,
  };
}

// The index keys of a stored record: its four families over the two date-times.
function indexKeys(p, id, nonce, rec) {
  const accessed = Date.parse(rec.lastUsed.lastAccessedDateTime);
  const modified = Date.parse(rec.lastUsed.lastModifiedDateTime);
  const tail = '/' + id + '!' + nonce + 'x'.repeat(33);
  return [p + 'ad/' + ticks(accessed, true) + tail, p + 'aa/' + ticks(accessed, false) + tail, p + 'md/' + ticks(modified, true) + tail, p + 'ma/' + ticks(modified, false) + tail];
}

// A stored record is its nonce (which its index keys end with), a newline and its JSON.
function decodeStored(v) {
  const nl = v.indexOf('\n');
  return { nonce: v.slice(0, nl), rec: JSON.parse(v.slice(nl + 1)) };
}

function validUsed(record) {
  if (!isObject(record)) return 'The body is not an object.';
  const used = record.lastUsed;
  if (!isObject(used) || Number.isNaN(Date.parse(used.lastAccessedDateTime)) || Number.isNaN(Date.parse(used.lastModifiedDateTime))) {
    return 'lastUsed needs its two date-times.';
  }
  if (!isObject(record.resourceVisualization) || !isObject(record.resourceReference)) return 'resourceVisualization and resourceReference are required.';
  return null;
}

function json(status, value, headers = {}) {
  return new Response(value === null ? null : typeof value === 'string' ? value : JSON.stringify(value), {
    status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'OData-Version': '4.0', ...headers },
  });
}

async function serve(request, env, kv) {
  const url = new URL(request.url);
  const path = url.pathname;
  if (path !== PREFIX && !path.startsWith(PREFIX + '/')) return fail(404, 'itemNotFound', 'Not found.');
  const sub = await authenticate(request, env.AUTH_SECRET);
  if (sub === null) return fail(401, 'InvalidAuthenticationToken', 'Access token is missing or invalid.');
  const p = await prefix(sub);
  const id = path === PREFIX ? null : decodeURIComponent(path.slice(PREFIX.length + 1));
  const m = request.method;
  if (id === null && m === 'POST') {
    let record;
    try {
      record = JSON.parse(await request.text());
    } catch {
      return fail(400, 'invalidRequest', 'The body is not JSON.');
    }
    const bad = validUsed(record);
    if (bad !== null) return fail(400, 'invalidRequest', bad);
    if ('id' in record) return fail(400, 'invalidRequest', 'id is read-only.');
    const id = crypto.randomUUID();
    const primary = p + 'r/' + id;
    if ((await kv.get(primary)) !== null) return fail(409, 'nameAlreadyExists', 'The id exists.');
    const nonce = crypto.randomUUID().slice(0, 8);
    const out = JSON.stringify({ id, ...record });
    await Promise.all(indexKeys(p, id, nonce, record).map((k) => kv.put(k, '1')));
    await kv.put(primary, nonce + '\n' + out);
    return json(201, out, { Location: url.origin + PREFIX + '/' + id });
  }
  if (id === null && m === 'GET') {
    const top = Math.min(Number(url.searchParams.get('$top') ?? 25) || 25, 1000);
    const page = await kv.list({ prefix: p + 'ad/', limit: top });
    const values = await Promise.all(page.keys.map((k) => kv.get(p + 'r/' + k.name.slice(k.name.lastIndexOf('/') + 1, k.name.lastIndexOf('!')))));
    const value = values.filter((v) => v !== null).map((v) => decodeStored(v).rec);
    return json(200, { value });
  }
  if (id === null || id === '') return fail(405, 'invalidRequest', 'Method not allowed.');
  const primary = p + 'r/' + id;
  const v = await kv.get(primary);
  if (v === null) return fail(404, 'itemNotFound', 'Not found.');
  const old = decodeStored(v);
  if (m === 'GET') return json(200, JSON.stringify(old.rec));
  if (m === 'DELETE') {
    await kv.delete(primary);
    await Promise.all(indexKeys(p, id, old.nonce, old.rec).map((k) => kv.delete(k)));
    return json(204, null);
  }
  if (m === 'PATCH') {
    let patch;
    try {
      patch = JSON.parse(await request.text());
    } catch {
      return fail(400, 'invalidRequest', 'The body is not JSON.');
    }
    if (!isObject(patch) || 'id' in patch) return fail(400, 'invalidRequest', 'The body is not an object without id.');
    const rec = { ...old.rec };
    for (const [k, val] of Object.entries(patch)) rec[k] = isObject(val) && isObject(rec[k]) ? { ...rec[k], ...val } : val;
    const bad = validUsed(rec);
    if (bad !== null) return fail(400, 'invalidRequest', bad);
    const nonce = crypto.randomUUID().slice(0, 8);
    await Promise.all(indexKeys(p, id, nonce, rec).map((k) => kv.put(k, '1')));
    await kv.put(primary, nonce + '\n' + JSON.stringify(rec));
    await Promise.all(indexKeys(p, id, old.nonce, old.rec).map((k) => kv.delete(k)));
    return json(204, null);
  }
  return fail(405, 'invalidRequest', 'Method not allowed.');
}

export default {
  async fetch(request, env) {
    if (env.KV_OP_COUNTS !== '1') return serve(request, env, env.INSIGHTS);
    const kv = counting(env.INSIGHTS);
    const res = await serve(request, env, kv);
    const out = new Response(res.body, res);
    out.headers.set('Server-Timing', kv.timing());
    return out;
  },
};
