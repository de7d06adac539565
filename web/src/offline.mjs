// Offline use: registers the service worker (../sw.js), which keeps the page, its code and the
// validator's module of one build, and says in the page when the network is gone and what
// still works (everything that runs in the page: validate, build, format, snippets) and what
// does not (Send and the records, which need the service). It also says when a new version
// has been installed in place of the one this page came from.
//
// The worker is registered once the page is ready and idle, so that its install (which fetches
// the files again, mostly from the HTTP cache) never competes with the first load.

import { $ } from './dom.mjs';

const OFFLINE = 'Offline: validate, build, format and snippets still work here (they run in your browser); '
  + 'Send and the records need the network.';
const UPDATED = 'A new version of the playground has been installed (the stored copy of the previous one is '
  + 'replaced): reload the page to use it.';

/** createOffline registers the service worker and keeps the offline note up to date. */
export function createOffline() {
  const note = $('offline-note');
  let updated = false;

  function show() {
    const offline = navigator.onLine === false;
    note.textContent = [offline ? OFFLINE : '', updated ? UPDATED : ''].filter(Boolean).join(' ');
    note.hidden = !note.textContent;
    document.documentElement.dataset.offline = offline ? 'true' : 'false';
  }
  window.addEventListener('online', show);
  window.addEventListener('offline', show);
  show();

  const sw = navigator.serviceWorker;
  if (!sw || !window.isSecureContext) return; // http other than localhost: no service worker
  sw.addEventListener('message', (event) => {
    if (event.data?.type !== 'version') return;
    document.documentElement.dataset.version = event.data.version;
    if (event.data.replaced && !updated) {
      updated = true;
      show();
    }
  });
  sw.controller?.postMessage({ type: 'version' }); // the version this page came from
  // Beside index.html (the bundle is dist/playground.js), so that its scope is the page's. The
  // page enforces Trusted Types: its one policy turns this URL, and no other, into a script URL.
  const url = new URL('../sw.js', import.meta.url).href;
  const policy = window.trustedTypes?.createPolicy('usedinsight-sw', {
    createScriptURL: (u) => {
      if (u !== url) throw new TypeError(`not the service worker: ${u}`);
      return u;
    },
  });
  const register = () => sw.register(policy ? policy.createScriptURL(url) : url, { updateViaCache: 'none' })
    .catch((e) => console.warn(`The offline copy is not available: ${e.message}`));
  const whenIdle = () => (window.requestIdleCallback ? requestIdleCallback(register, { timeout: 3000 }) : setTimeout(register, 500));
  if (document.readyState === 'complete') whenIdle();
  else window.addEventListener('load', whenIdle, { once: true });
}
