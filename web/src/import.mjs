// Import from Microsoft Graph: reads a person's insights from Graph (GET {graph}/me/insights/{c},
// following @odata.nextLink), checks each item with the service's own validator, and writes the
// valid ones to the service through $batch, 20 requests a call, each a POST with Graph's own id
// as the record id: importing twice changes nothing (409 is "already there").
//
// The Graph token is held in this module's input only: never stored, never put in a share link,
// the history or a log, and sent only to the Graph base URL's origin (a next link elsewhere is
// refused). The service gets the playground's own token (token.mjs) at its endpoint
// (endpoint.mjs). A 429 from either side is waited out as Retry-After says, then retried.

import { h, $, displayText } from './dom.mjs';
import { collections } from './resources.mjs';

export const DEFAULT_GRAPH = 'https://graph.microsoft.com/v1.0';
export const BATCH_SIZE = 20; // requests in one $batch, as the service and Graph allow
export const MAX_PAGE_ITEMS = 10000; // items a Graph page may hold before it is refused
const MAX_RETRIES = 10; // 429s in a row for one request before the import gives up
const MAX_WAIT = 300; // seconds of one Retry-After the import waits at most
const SHOWN_MAX = 200; // invalid or failed items listed in the page (all are in the download)

/** Stop ends an import with a message for the person; what was written stays written. */
class Stop extends Error {}
/** GraphStop is a Stop on Graph's side: what was read before it is still written. */
class GraphStop extends Stop {}

/**
 * isJWT tells whether a token has a JWT's shape: three base64url segments separated by dots,
 * the first two being JSON objects. Nothing is verified: Graph does that.
 */
export function isJWT(token) {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return false;
  try {
    return parts.slice(0, 2).every((p) => {
      const v = JSON.parse(atob(p.replaceAll('-', '+').replaceAll('_', '/')));
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    });
  } catch {
    return false;
  }
}

/**
 * graphBase checks a Graph base URL: https, or http on a loopback host (localhost, 127.0.0.1,
 * [::1]) for a local stand-in; no credentials, query or fragment. It returns the URL without a
 * trailing slash, or throws a Stop saying what is wrong.
 */
export function graphBase(text) {
  let u;
  try {
    u = new URL(text.trim());
  } catch {
    throw new Stop(`The Graph base URL "${text.trim()}" is not a URL.`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new Stop('The Graph base URL must be https (http only for localhost, 127.0.0.1 or [::1]).');
  }
  if (u.username || u.password || u.search || u.hash) {
    throw new Stop('The Graph base URL must not hold a user name, a password, a query or a fragment.');
  }
  return u.href.replace(/\/+$/, '');
}

// retryAfter reads a Retry-After header (seconds or an HTTP date) as seconds; 1 when absent.
function retryAfter(value) {
  const v = String(value ?? '').trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v), MAX_WAIT);
  const at = Date.parse(v);
  if (!Number.isNaN(at)) return Math.min(Math.max(Math.ceil((at - Date.now()) / 1000), 0), MAX_WAIT);
  return 1;
}

// sleep waits seconds, or rejects with the signal's reason when it is aborted.
function sleep(seconds, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, seconds * 1000);
    function onAbort() {
      clearTimeout(t);
      reject(signal.reason);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// errorText is the message of an OData error body, or ''.
function errorText(body) {
  const e = body?.error;
  if (!e || typeof e !== 'object') return '';
  const msg = [e.code, e.message].filter((x) => typeof x === 'string' && x).join(': ');
  const details = Array.isArray(e.details) ? e.details.map((d) => [d?.target, d?.message].filter((x) => typeof x === 'string' && x).join(': ')).filter(Boolean) : [];
  return [msg, ...details].join('; ');
}

// parseJSON parses text, or returns undefined.
function parseJSON(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// header reads a header of a $batch response (a plain object) whatever its case.
function header(headers, name) {
  if (!headers || typeof headers !== 'object') return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * createImport wires the "Import from Microsoft Graph" panel. core returns the loaded
 * WebAssembly API (null while it loads); endpoint and token are the service's (endpoint.mjs,
 * token.mjs); onImported is called after an import wrote records.
 */
export function createImport({ core, endpoint, token, onImported = () => {} }) {
  const tokenInput = $('import-token');
  const graphInput = $('import-graph');
  const startButton = $('import-start');
  const cancelButton = $('import-cancel');
  const status = $('import-status');
  const bar = $('import-progress');
  const counts = $('import-counts');
  const summary = $('import-summary');
  const choices = $('import-collections').closest('fieldset'); // disabled while an import runs
  graphInput.value ||= DEFAULT_GRAPH;

  $('import-collections').replaceChildren(...collections.map((c) => h('label', { class: 'inline' },
    h('input', { type: 'checkbox', name: 'import-collection', value: c.name, checked: c.name === 'used' }),
    c.name)));

  let controller = null; // the running import's, null when none runs
  let last = null; // the last import's result, for the download

  function chosen() {
    const names = new Set([...document.querySelectorAll('input[name="import-collection"]:checked')].map((i) => i.value));
    return collections.filter((c) => names.has(c.name));
  }

  function showCounts(s) {
    const done = s.imported + s.already + s.invalid + s.failed;
    bar.max = Math.max(s.read, 1);
    bar.value = Math.min(done, bar.max);
    counts.textContent = `Read ${s.read} · imported ${s.imported} · already there ${s.already} · invalid ${s.invalid}${s.failed ? ` · failed ${s.failed}` : ''}`;
  }

  startButton.addEventListener('click', () => {
    if (!controller) run();
  });
  cancelButton.addEventListener('click', () => controller?.abort(new DOMException('cancelled', 'AbortError')));

  async function run() {
    const s = { read: 0, imported: 0, already: 0, invalid: 0, failed: 0, invalidItems: [], failedItems: [], notes: [], perCollection: [] };
    const graphToken = tokenInput.value.trim();
    summary.replaceChildren();
    let graph;
    try {
      if (!graphToken) throw new Stop('Paste a Microsoft Graph access token first.');
      if (!isJWT(graphToken)) {
        throw new Stop('That Graph token is not a JWT (three base64url segments separated by dots): nothing was sent. Copy the access token itself, for example from Graph Explorer\'s "Access token" tab.');
      }
      graph = graphBase(graphInput.value);
      if (!core()) throw new Stop('The validator is still loading: try again in a moment.');
      if (!chosen().length) throw new Stop('Choose at least one collection to import.');
    } catch (e) {
      status.textContent = e.message;
      status.dataset.state = 'error';
      return;
    }

    controller = new AbortController();
    const { signal } = controller;
    startButton.disabled = true;
    cancelButton.disabled = false;
    choices.disabled = true;
    bar.hidden = false;
    status.dataset.state = 'busy';
    showCounts(s);
    let end = 'done';
    let message = '';
    try {
      for (const c of chosen()) {
        await importCollection(c, graph, graphToken, s, signal);
      }
    } catch (e) {
      if (signal.aborted) {
        end = 'cancelled';
      } else if (e instanceof Stop) {
        end = 'stopped';
        message = e.message;
      } else {
        end = 'stopped';
        message = `The import stopped: ${e.message}`;
      }
    } finally {
      controller = null;
      startButton.disabled = false;
      cancelButton.disabled = true;
      choices.disabled = false;
    }
    last = s;
    s.unwritten = s.read - s.imported - s.already - s.invalid - s.failed;
    showCounts(s);
    status.dataset.state = end === 'done' ? 'done' : 'error';
    status.textContent = end === 'done'
      ? `Import finished: ${s.imported} imported, ${s.already} already there, ${s.invalid} invalid${s.failed ? `, ${s.failed} failed` : ''}.`
      : end === 'cancelled'
        ? `Import cancelled: ${s.imported} imported and ${s.already} already there stay in the service${s.unwritten ? `; ${s.unwritten} read items were not written` : ''}.`
        : `${message} What was imported stays imported (${s.imported} imported, ${s.already} already there).`;
    showSummary(s, graph);
    if (s.imported) onImported();
  }

  // importCollection reads one collection from Graph page by page and writes its valid items.
  async function importCollection(c, graph, graphToken, s, signal) {
    const per = { name: c.name, read: 0, imported: 0, already: 0, invalid: 0, failed: 0, skipped: '' };
    s.perCollection.push(per);
    const served = await serviceServes(c, signal);
    if (!served) {
      per.skipped = `the service at ${endpoint.base()} does not serve ${c.name} yet`;
      s.notes.push(`${c.name}: skipped, ${per.skipped}.`);
      return;
    }
    const graphOrigin = new URL(graph).origin;
    let url = `${graph}/me/insights/${c.name}`;
    const seen = new Set();
    let pageNo = 0;
    const queue = [];
    const count = (what, n = 1) => {
      s[what] += n;
      per[what] += n;
    };
    try {
      while (url) {
        if (seen.has(url)) throw new GraphStop(`Graph's page ${pageNo} of ${c.name} links back to a page already read: not followed.`);
        seen.add(url);
        pageNo++;
        status.textContent = `Reading ${c.name} from Graph, page ${pageNo}…`;
        const page = await graphPage(url, graphToken, signal, `${c.name}, page ${pageNo}`);
        for (const item of page.value) {
          count('read');
          const checked = check(c, item);
          if (checked.problems) {
            count('invalid');
            s.invalidItems.push({ collection: c.name, id: checked.id, problems: checked.problems, item });
          } else {
            queue.push(checked);
          }
        }
        showCounts(s);
        while (queue.length >= BATCH_SIZE) await write(c, queue.splice(0, BATCH_SIZE), s, count, signal);
        url = nextLink(page['@odata.nextLink'], graphOrigin, c.name, pageNo);
      }
      while (queue.length) await write(c, queue.splice(0, BATCH_SIZE), s, count, signal);
    } catch (e) {
      // What was read before Graph failed is still written (not after a cancel or a failure of
      // the service).
      if (e instanceof GraphStop && !signal.aborted) {
        while (queue.length) await write(c, queue.splice(0, BATCH_SIZE), s, count, signal);
      }
      throw e;
    }
  }

  // nextLink is Graph's next page, which must be on Graph's origin: the token goes with it.
  function nextLink(link, graphOrigin, name, pageNo) {
    if (link == null) return null;
    let u;
    try {
      u = new URL(String(link));
    } catch {
      throw new GraphStop(`Graph's page ${pageNo} of ${name} has an @odata.nextLink that is not a URL: not followed.`);
    }
    if (u.origin !== graphOrigin) {
      throw new GraphStop(`Graph's page ${pageNo} of ${name} links its next page on another origin (${u.origin}): not followed, the Graph token goes nowhere but ${graphOrigin}.`);
    }
    return u.href;
  }

  // check validates one Graph item as its collection's type: {id, body} or {id, problems}.
  function check(c, item) {
    const id = typeof item?.id === 'string' ? item.id : item?.id === undefined ? '' : displayText(item.id);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return { id, problems: [{ severity: 'error', code: 'notAnObject', path: '', message: 'the item is not a JSON object' }] };
    }
    const body = JSON.stringify(item);
    const report = core().validate(body, { type: c.typeName });
    const problems = report.problems.map(({ severity, code, path, message }) => ({ severity, code, path, message }));
    if (item.id === undefined) {
      problems.unshift({ severity: 'error', code: 'missingId', path: 'id', message: 'the item has no id: Graph\'s id is the record id, which makes a second import change nothing' });
    }
    return problems.some((p) => p.severity === 'error') ? { id, problems } : { id, body: item };
  }

  // graphPage sends a GET to Graph with the Graph token, waiting out 429s.
  async function graphPage(url, graphToken, signal, what) {
    for (let attempt = 0; ; attempt++) {
      let res;
      let text;
      try {
        res = await fetch(url, {
          headers: { Authorization: `Bearer ${graphToken}`, Accept: 'application/json' },
          cache: 'no-store', credentials: 'omit', redirect: 'error', referrerPolicy: 'no-referrer', signal,
        });
        text = await res.text();
      } catch (e) {
        if (signal.aborted) throw e;
        throw new GraphStop(`Could not read ${what} from Graph: ${e.message}.`);
      }
      if (res.status === 429 && attempt < MAX_RETRIES) {
        const wait = retryAfter(res.headers.get('Retry-After'));
        status.textContent = `Graph asked to wait (429): retrying ${what} in ${wait} s…`;
        await sleep(wait, signal);
        continue;
      }
      const body = parseJSON(text);
      if (res.status === 401) {
        throw new GraphStop(`Graph refused the token (401${errorText(body) ? `: ${errorText(body)}` : ''}): the import stopped. Paste a fresh Graph access token.`);
      }
      if (!res.ok) {
        throw new GraphStop(`Graph answered ${res.status} to ${what}${errorText(body) ? `: ${errorText(body)}` : ''}; the import stopped.`);
      }
      if (body === undefined) {
        throw new GraphStop(`Graph's ${what} is not JSON: the import stopped there.`);
      }
      if (body === null || typeof body !== 'object' || !Array.isArray(body.value)) {
        throw new GraphStop(`Graph's ${what} has no "value" list of items: the import stopped there.`);
      }
      if (body.value.length > MAX_PAGE_ITEMS) {
        throw new GraphStop(`Graph's ${what} holds ${body.value.length} items, more than the ${MAX_PAGE_ITEMS} a page may: the import stopped there.`);
      }
      return body;
    }
  }

  // serviceFetch sends a request to the service with the playground's token, waiting out 429s.
  // A write (init.body) is never aborted once sent, so that the counts say what the service
  // holds: a cancel takes effect when its answer is in.
  async function serviceFetch(url, init, signal, what) {
    for (let attempt = 0; ; attempt++) {
      let res;
      let text;
      signal.throwIfAborted();
      try {
        res = await endpoint.fetch(url, {
          ...init,
          headers: { Authorization: `Bearer ${token.value()}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
          cache: 'no-store', credentials: 'omit', signal: init.body ? undefined : signal,
        });
        text = await res.text();
      } catch (e) {
        if (signal.aborted) throw e;
        throw new Stop(`Could not reach the service for ${what}: ${e.message}.`);
      }
      if (res.status === 429 && attempt < MAX_RETRIES) {
        const wait = retryAfter(res.headers.get('Retry-After'));
        status.textContent = `The service asked to wait (429): retrying in ${wait} s…`;
        await sleep(wait, signal);
        continue;
      }
      const body = parseJSON(text);
      if (res.status === 401) {
        throw new Stop(`The service refused the playground's token (401${errorText(body) ? `: ${errorText(body)}` : ''}): get a dev token or paste one under Access token.`);
      }
      return { status: res.status, body };
    }
  }

  // serviceServes tells whether the service has the collection (a newer one may not yet).
  async function serviceServes(c, signal) {
    const r = await serviceFetch(endpoint.url('v1.0', `/me/insights/${c.name}?$top=1`), { method: 'GET' }, signal, `listing ${c.name}`);
    if (r.status === 404) return false;
    if (r.status >= 400) {
      throw new Stop(`The service answered ${r.status} to a list of ${c.name}${errorText(r.body) ? `: ${errorText(r.body)}` : ''}.`);
    }
    return true;
  }

  // write sends items (at most BATCH_SIZE) to the service in one $batch and counts the answers;
  // the requests answered 429 go again after the longest Retry-After among them.
  async function write(c, items, s, count, signal) {
    let pending = items.map((it, i) => ({ ...it, key: String(i + 1) }));
    for (let attempt = 0; pending.length; attempt++) {
      status.textContent = `Writing ${pending.length} ${c.name} item${pending.length === 1 ? '' : 's'} to the service…`;
      const requests = pending.map((it) => ({ id: it.key, method: 'POST', url: `/me/insights/${c.name}`, headers: { 'Content-Type': 'application/json' }, body: it.body }));
      const r = await serviceFetch(endpoint.url('v1.0', '/$batch'), { method: 'POST', body: JSON.stringify({ requests }) }, signal, 'a $batch');
      if (r.status !== 200 || !Array.isArray(r.body?.responses)) {
        throw new Stop(`The service answered ${r.status} to a $batch${errorText(r.body) ? `: ${errorText(r.body)}` : ''}; the import stopped.`);
      }
      const byKey = new Map(r.body.responses.map((x) => [String(x?.id), x]));
      const again = [];
      let wait = 0;
      for (const it of pending) {
        const x = byKey.get(it.key);
        const code = typeof x?.status === 'number' ? x.status : 0;
        if (code === 201) {
          count('imported');
        } else if (code === 409) {
          count('already');
        } else if (code === 429 && attempt < MAX_RETRIES) {
          again.push(it);
          wait = Math.max(wait, retryAfter(header(x.headers, 'retry-after')));
        } else {
          count('failed');
          s.failedItems.push({ collection: c.name, id: it.id, status: code, message: errorText(x?.body) || (code ? `answered ${code}` : 'no answer in the $batch') });
        }
      }
      showCounts(s);
      signal.throwIfAborted();
      pending = again;
      if (pending.length) {
        status.textContent = `The service asked to wait (429): retrying ${pending.length} item${pending.length === 1 ? '' : 's'} in ${wait} s…`;
        await sleep(wait, signal);
      }
    }
  }

  function showSummary(s, graph) {
    const problemText = (p) => `${p.severity === 'warning' ? 'warning: ' : ''}${p.path ? `${p.path}: ` : ''}${p.message}`;
    const parts = [
      h('ul', { class: 'import-per' }, s.perCollection.map((p) => h('li', { 'data-collection': p.name },
        p.skipped ? `${p.name}: skipped, ${p.skipped}` : `${p.name}: read ${p.read}, imported ${p.imported}, already there ${p.already}, invalid ${p.invalid}${p.failed ? `, failed ${p.failed}` : ''}`))),
      s.notes.length ? h('p', { class: 'note' }, s.notes.join(' ')) : null,
    ];
    if (s.invalidItems.length) {
      parts.push(h('h3', {}, `Invalid items (${s.invalidItems.length}), not sent`),
        h('ul', { class: 'import-invalid' }, s.invalidItems.slice(0, SHOWN_MAX).map((it) => h('li', { 'data-id': it.id },
          h('span', { class: 'id' }, `${it.collection} · ${it.id || '(no id)'}`),
          h('ul', {}, it.problems.map((p) => h('li', { class: p.severity }, problemText(p))))))),
        s.invalidItems.length > SHOWN_MAX ? h('p', { class: 'hint' }, `… and ${s.invalidItems.length - SHOWN_MAX} more, in the download.`) : null);
    }
    if (s.failedItems.length) {
      parts.push(h('h3', {}, `Failed items (${s.failedItems.length})`),
        h('ul', { class: 'import-failed' }, s.failedItems.slice(0, SHOWN_MAX).map((it) => h('li', { 'data-id': it.id },
          `${it.collection} · ${it.id}: ${it.status || ''} ${it.message}`.replace(/\s+/g, ' ')))));
    }
    if (s.invalidItems.length || s.failedItems.length) {
      parts.push(h('button', { type: 'button', id: 'import-download', onclick: () => download(graph) }, 'Download invalid items (JSON)'));
    }
    summary.replaceChildren(...parts.filter(Boolean));
  }

  // download saves the last import's invalid (and failed) items, with their problems, as JSON.
  function download(graph) {
    if (!last) return;
    const data = {
      from: graph,
      at: new Date().toISOString(),
      invalid: last.invalidItems,
      failed: last.failedItems,
    };
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' }));
    const a = h('a', { href: url, download: 'graph-import-invalid-items.json', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  return {
    /** running tells whether an import runs. */
    running: () => controller !== null,
  };
}
