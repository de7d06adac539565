// The playground's two large files, sent from copies compressed once at build time instead of
// per request: `make` writes web/insight.wasm.br (brotli, quality 11) and .gz (gzip, level 9)
// beside web/insight.wasm, and the same for web/dist/playground.js. wrangler.jsonc's
// assets.run_worker_first sends exactly these paths to the Worker (entry.mjs), which answers
// them here without starting Go; every other file of web/ is served by static assets alone.
//
// Why: static assets compress a file for every request that accepts it. For the 3.9 MB module
// that took `wrangler dev` (one workerd thread) about 100 ms of CPU in each empty-cache page
// load, and the page's small scripts waited behind it. A copy goes out as it is: the response
// says `encodeBody: "manual"`, and the server in front keeps an encoding the client accepts
// (Cloudflare does; wrangler dev does for the encoding it would have chosen itself, see
// chooseEncoding).
//
// Each copy is read once per isolate through the ASSETS binding and then sent from memory (the
// four copies are 2.1 MB): a subrequest per page load would cost wrangler dev more than the
// compression saved, since its inspector proxy parses, forwards and keeps every subrequest's
// network events. A new deployment, or wrangler dev reloading on a changed file, starts new
// isolates. The answer keeps the headers static assets gave the copy: its ETag (another
// representation has its own), Cache-Control and the _headers rules that match it, such as
// /* (Content-Security-Policy, X-Content-Type-Options: nosniff, ...); HEAD has no body and a
// matching If-None-Match gets a 304, as from static assets. A request that accepts neither
// encoding, asks for a Range or uses another method gets the file itself from static assets,
// and so does every request when a copy is missing (not built).

/** precompressed maps the paths answered here to their media types. */
export const precompressed = new Map([
  ['/insight.wasm', 'application/wasm'],
  ['/dist/playground.js', 'text/javascript; charset=utf-8'], // as static assets give .js files
]);

/** suffixes maps each encoding to the file name suffix of its copy. */
export const suffixes = { br: '.br', gzip: '.gz' };

/**
 * createPrecompressed returns a function that answers a request for one of the precompressed
 * paths, and returns null for any other request (or when there is no ASSETS binding), which the
 * caller serves itself. It keeps the copies it has read: make one per isolate.
 * @returns {(request: Request, env: {ASSETS?: {fetch: (r: Request) => Promise<Response>}}) => Promise<Response> | null}
 */
export function createPrecompressed() {
  // copies holds, by path, the promise of a copy read from static assets: {headers, body}, or
  // null when static assets have no such file.
  const copies = new Map();

  function copyOf(assets, url) {
    let copy = copies.get(url.pathname);
    if (copy === undefined) {
      copy = assets.fetch(new Request(url)).then(async (res) => {
        if (res.status !== 200) {
          await res.body?.cancel();
          return null;
        }
        return { headers: [...res.headers], body: new Uint8Array(await res.arrayBuffer()) };
      });
      copies.set(url.pathname, copy);
      copy.catch(() => copies.delete(url.pathname)); // a failed read is tried again next time
    }
    return copy;
  }

  async function serve(request, assets, url, type) {
    const method = request.method;
    if ((method === 'GET' || method === 'HEAD') && !request.headers.has('Range')) {
      // The Workers runtime gives a Worker `Accept-Encoding: br, gzip` and keeps the client's
      // own header in request.cf.clientAcceptEncoding (wrangler dev does the same).
      const accept = request.cf?.clientAcceptEncoding ?? request.headers.get('Accept-Encoding') ?? '';
      const encoding = chooseEncoding(accept, clientOnLoopback(request));
      const copy = encoding && await copyOf(assets, new URL(url.pathname + suffixes[encoding], url)).catch(() => null);
      if (copy) {
        const headers = new Headers(copy.headers);
        headers.set('Content-Type', type);
        headers.set('Content-Encoding', encoding);
        headers.append('Vary', 'Accept-Encoding');
        if (matches(request.headers.get('If-None-Match'), headers.get('ETag'))) {
          return new Response(null, { status: 304, headers, encodeBody: 'manual' });
        }
        return new Response(method === 'HEAD' ? null : copy.body, { status: 200, headers, encodeBody: 'manual' });
      }
    }
    const file = await assets.fetch(request);
    const res = new Response(file.body, file);
    res.headers.append('Vary', 'Accept-Encoding');
    return res;
  }

  return (request, env) => {
    const url = new URL(request.url);
    const type = precompressed.get(url.pathname);
    if (type === undefined || !env.ASSETS) {
      return null;
    }
    return serve(request, env.ASSETS, url, type);
  };
}

/** matches reports whether an If-None-Match header names etag (weak comparison, RFC 9110). */
function matches(ifNoneMatch, etag) {
  if (ifNoneMatch === null || etag === null) {
    return false;
  }
  const opaque = (tag) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/**
 * chooseEncoding returns the encoding of the copy to send, "br" or "gzip", or null for the file
 * itself: the one of the two with the highest q-value in the Accept-Encoding header (a "*"
 * counts for codings it does not name), unless that is 0 or identity is named with a higher one.
 * Ties go to br, the smaller, except when clientFirst is set (a client on this machine): then
 * to the one the client lists first, because wrangler dev 4.86 (miniflare) re-encodes any
 * answer of a compressible type into that one (Chromium sends "gzip, deflate, br, zstd"),
 * which would cost more than the copy saves; over loopback the size does not matter.
 * (Cloudflare, like later miniflare releases, keeps any encoding the client accepts.)
 * @param {string} header
 * @param {boolean} [clientFirst]
 * @returns {'br' | 'gzip' | null}
 */
export function chooseEncoding(header, clientFirst = false) {
  const listed = new Map();
  header.split(',').forEach((element, position) => {
    const m = /^\s*([a-z0-9!#$%&'*+.^_`|~-]+)\s*(?:;\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*)?$/i.exec(element);
    const coding = m?.[1].toLowerCase();
    if (coding !== undefined && !listed.has(coding)) {
      listed.set(coding, { q: m[2] === undefined ? 1 : Number(m[2]), position });
    }
  });
  const weigh = (coding) => listed.get(coding) ?? listed.get('*') ?? { q: 0, position: Infinity };
  const br = weigh('br');
  const gzip = weigh('gzip');
  const best = gzip.q > br.q || gzip.q === br.q && clientFirst && gzip.position < br.position ? 'gzip' : 'br';
  const q = best === 'br' ? br.q : gzip.q;
  if (q === 0 || (listed.get('identity')?.q ?? 0) > q) {
    return null;
  }
  return best;
}

/** clientOnLoopback reports whether the client connected from this machine (wrangler dev). */
function clientOnLoopback(request) {
  const ip = request.headers.get('CF-Connecting-IP') ?? '';
  return ip.startsWith('127.') || ip === '::1';
}
