// The endpoint setting: the base URL of the service every request of the page goes to. This
// module is its one owner; the others ask it for the base, for URLs under it, and to fetch.

import { $ } from './dom.mjs';
import { requestURL, splitURL } from './request.mjs';

/**
 * createEndpoint fills the setting (the saved one, else the page's own origin when it is served
 * over http(s), else a local `wrangler dev`) and calls onChange whenever it is edited. saved is
 * the page's web storage (web-storage.mjs).
 */
export function createEndpoint({ saved, onChange }) {
  const input = $('endpoint');
  input.value = saved.get('endpoint') || (/^https?:$/.test(location.protocol) ? location.origin : 'http://127.0.0.1:8787');

  /** base is the endpoint as set, without trailing slashes. */
  const base = () => input.value.trim().replace(/\/+$/, '');

  input.addEventListener('input', onChange);
  input.addEventListener('change', () => {
    // Remembered only when it is not the page's own origin (the default).
    const v = base();
    saved.set('endpoint', v && v !== location.origin ? v : null);
    onChange();
  });

  return {
    base,
    /** url is the URL of path under the endpoint and the version prefix. */
    url: (version, path) => requestURL(base(), version, path),
    /** split turns a URL under the endpoint into {version, path}, or null. */
    split: (url) => splitURL(base(), url),
    /**
     * fetch is fetch for URLs made from the setting, which may say anything: only an http(s)
     * URL (or one relative to the page) is fetched, as the CSP's connect-src allows.
     */
    fetch(url, init) {
      let scheme = '';
      try {
        scheme = new URL(url, location.href).protocol;
      } catch {
        // not a URL: refused below
      }
      if (!/^https?:$/.test(scheme)) {
        return Promise.reject(new TypeError('the endpoint is not an http or https URL'));
      }
      return fetch(url, init);
    },
  };
}
