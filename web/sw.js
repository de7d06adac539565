// The playground's service worker: after one visit the page, its code and the validator's module
// come from a cache, so the page loads (and validates, builds, formats, writes snippets)
// offline; the API and /dev/token always go to the network.
//
// Versions: sw-version.js, written by `make web-sw` (web/scripts/sw-version.mjs), names the
// build (a hash of the files below and of _headers) and the SHA-256 of each file. A new build
// changes it, so the browser installs this worker again on the next visit (it compares the
// worker and its imported scripts byte for byte). Installing fetches every file of the version
// (revalidated, past any stale HTTP cache copy) and checks each one against its hash before anything is stored: a file of another
// build (a deploy half done, a stale copy from an HTTP cache) fails the install and the version
// in use stays whole. The new version then takes over at once (skipWaiting): pages loaded
// from the previous version's cache keep being served from it until they are gone, and only
// then is it deleted, so no page ever mixes the files of two builds. The pages are told (a
// message) so that they can say a new version is ready.
//
// The module is stored as the browser received it, decoded: the Worker sends its precompressed
// copy with Content-Encoding, and the stored response drops that header with the length.

/* global VERSION, FILES */
// The worker runs under the page's CSP (_headers), Trusted Types included: its one policy
// passes this one script URL.
const versionURL = new URL('sw-version.js', self.location.href).href;
const policy = self.trustedTypes?.createPolicy('usedinsight-sw', {
  createScriptURL: (u) => {
    if (u !== versionURL) throw new TypeError(`not the version script: ${u}`);
    return u;
  },
});
importScripts(policy ? policy.createScriptURL(versionURL) : versionURL);

const PREFIX = 'usedinsight-';
const CACHE = `${PREFIX}${VERSION}`;
const scope = new URL(self.registration.scope);

// The cached paths, relative to the scope ('./' is the page itself).
const paths = Object.keys(FILES);
const urlOf = (path) => new URL(path, scope).href;
const cached = new Set(paths.map(urlOf));
cached.add(urlOf('index.html'));

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

// fetchChecked fetches path past the HTTP cache and returns a response to store, or throws when
// its bytes are not the version's.
async function fetchChecked(path) {
  const res = await fetch(urlOf(path), { cache: 'no-cache' });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  const body = await res.arrayBuffer();
  const sum = hex(await crypto.subtle.digest('SHA-256', body));
  if (sum !== FILES[path]) throw new Error(`${path} is not the file of version ${VERSION}`);
  const headers = new Headers(res.headers);
  headers.delete('Content-Encoding');
  headers.delete('Content-Length');
  headers.set('X-Playground-Version', VERSION);
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    // All of one version, or nothing: fetched and checked first, then stored.
    const responses = await Promise.all(paths.map(fetchChecked));
    await caches.delete(CACHE); // what a failed install may have left
    const cache = await caches.open(CACHE);
    await Promise.all(paths.map((path, i) => cache.put(urlOf(path), responses[i])));
    await self.skipWaiting();
  })());
});

// Pages that were open when this version took over were loaded from an older one: they keep
// being served from it (previous) until they are gone.
let previous = null;
let olderPages = new Set();

async function prune() {
  const alive = new Set((await self.clients.matchAll({ includeUncontrolled: true })).map((c) => c.id));
  olderPages = new Set([...olderPages].filter((id) => alive.has(id)));
  if (olderPages.size > 0) return;
  previous = null;
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
  }
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = (await caches.keys()).filter((n) => n.startsWith(PREFIX) && n !== CACHE);
    const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    if (names.length > 0) {
      previous = names.at(-1);
      olderPages = new Set(pages.map((c) => c.id));
    }
    await prune();
    for (const page of pages) page.postMessage({ type: 'version', version: VERSION, replaced: names.length > 0 });
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'version') event.source?.postMessage({ type: 'version', version: VERSION, replaced: false });
});

// fromCache answers request from the cache of the version the page was loaded with, else from
// the network (a file this version does not cache, or a cache the browser evicted).
async function fromCache(request, key, clientId) {
  const name = previous && olderPages.has(clientId) ? previous : CACHE;
  const hit = await (await caches.open(name)).match(key, { ignoreSearch: true });
  if (olderPages.size > 0 && !olderPages.has(clientId)) prune(); // an older page may have gone
  return hit ?? fetch(request);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return; // the API: network only
  const url = new URL(request.url);
  if (url.origin !== scope.origin) return;
  if (request.mode === 'navigate') {
    // The page itself, at the scope's root; any other navigation (an API URL opened in a tab)
    // goes to the network.
    if (url.href.split(/[?#]/)[0] === scope.href || url.href.split(/[?#]/)[0] === urlOf('index.html')) {
      event.respondWith(fromCache(request, urlOf('./'), event.resultingClientId));
    }
    return;
  }
  const key = url.href.split(/[?#]/)[0];
  if (cached.has(key)) event.respondWith(fromCache(request, key, event.clientId));
});
