// The response view: sends one request at a time and shows the status, time, headers and body
// of the answer; "Edit as request body" puts a record that came back in the editor as a PATCH
// of it.

import { h, $ } from './dom.mjs';
import { collectionPath, detectCollection } from './request.mjs';

const DISPLAY_MAX = 1 << 20; // characters of a response body shown

/**
 * createResponse sends requests through the endpoint (endpoint.mjs) and shows what came back.
 * core returns the loaded WebAssembly API, or null while it loads.
 */
export function createResponse({ core, endpoint, body, requestBar, collection }) {
  const status = $('response-status');
  const time = $('response-time');
  const headers = $('response-headers');
  const headersCount = $('response-headers-count');
  const shownBody = $('response-body');
  const useButton = $('use-response');
  let sending = false;
  let record = null; // the JSON object shown, when it is one record
  let recordURL = ''; // the URL it came from

  function show({ method, url, status: code, statusText, ms, headers: received, body: text, json }) {
    status.textContent = `${code} ${statusText || ''}`.trim();
    status.dataset.class = String(code).slice(0, 1);
    status.title = `${method} ${url}`;
    time.textContent = `${ms.toFixed(0)} ms · ${method} ${url}`;
    const rows = [...received].map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)));
    headers.replaceChildren(...rows);
    headersCount.textContent = `(${rows.length})`;
    shownBody.textContent = text.length > DISPLAY_MAX ? `${text.slice(0, DISPLAY_MAX)}\n… (${text.length - DISPLAY_MAX} more characters)` : text;
    record = json && typeof json === 'object' && !Array.isArray(json) && !('value' in json) && !('error' in json) ? json : null;
    recordURL = url;
    useButton.hidden = !record;
  }

  /** message shows a status and a message in place of a response. */
  function message(statusText, text) {
    status.textContent = statusText;
    status.dataset.class = 'x';
    time.textContent = '';
    headers.replaceChildren();
    headersCount.textContent = '';
    shownBody.textContent = text;
    record = null;
    useButton.hidden = true;
  }

  useButton.addEventListener('click', () => {
    const insight = core();
    if (!record || !insight) return;
    const id = typeof record.id === 'string' ? record.id : '';
    const edited = { ...record };
    delete edited.id;
    body.set(insight.format(JSON.stringify(edited)));
    // A PATCH of the record, in the collection it came from.
    const name = detectCollection(recordURL) ?? collection.current().name;
    if (id) requestBar.retarget('PATCH', `${collectionPath(requestBar.path(), name)}/${encodeURIComponent(id)}`);
  });

  return {
    message,
    /** busy tells whether a request is on its way. */
    busy: () => sending,
    /**
     * exchange sends a request and shows what came back.
     * @returns {Promise<{ok: boolean, status: number, ms: number, json?: any}>}
     */
    async exchange({ method, url, headers: sent, body: payload }) {
      sending = true;
      requestBar.sending(true);
      $('response').setAttribute('aria-busy', 'true');
      status.textContent = `${method} ${url}: sending…`;
      time.textContent = '';
      const t0 = performance.now();
      try {
        const res = await endpoint.fetch(url, { method, headers: sent, body: payload || undefined, cache: 'no-store', credentials: 'omit' });
        const raw = await res.text();
        const ms = performance.now() - t0;
        let json;
        let text = raw;
        if (/json/i.test(res.headers.get('content-type') ?? '') && raw) {
          try {
            json = JSON.parse(raw);
            const insight = core();
            text = insight ? insight.format(raw) : JSON.stringify(json, null, 2);
          } catch {
            // not JSON after all: shown as it came
          }
        }
        show({ method, url, status: res.status, statusText: res.statusText, ms, headers: res.headers, body: text, json });
        return { ok: res.ok, status: res.status, ms, json };
      } catch (e) {
        const ms = performance.now() - t0;
        message(`${method} ${url}: failed`, `The request did not complete: ${e.message}. Is the endpoint right, and does it allow this page's origin (ALLOWED_ORIGINS)?`);
        return { ok: false, status: 0, ms };
      } finally {
        sending = false;
        requestBar.sending(false);
        $('response').removeAttribute('aria-busy');
      }
    },
  };
}
