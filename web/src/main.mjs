// The usedInsight playground: Graph Explorer for /me/insights/used, with the service's own Go
// validator (web/insight.mjs + insight.wasm) checking the request body as it is typed.
//
// Hooks for tests and tools: once the WebAssembly API has loaded, window.usedInsight is the
// object insight.mjs's load returns, and performance.mark('usedinsight:ready') is recorded.
//
// Security: everything that comes from a payload, a response, the URL fragment or storage is
// put in the page as text (see dom.mjs); the page's Content-Security-Policy allows no inline
// script and enforces Trusted Types, so no string can become HTML or script.

import { ready } from '../boot.mjs'; // not bundled: the page loads it on its own, first
import { h, $, text, copyText } from './dom.mjs';
import { createEditor, setText, diagnosticsOf, showDiagnostics, jump } from './editor.mjs';
import { setField, parse } from './jsonedit.mjs';
import {
  requestURL, splitURL, parseHeaders, requestHeaders, hasBody, shareFragment, readFragment, checkRequest, claims, collection,
} from './request.mjs';
import * as samples from './samples.mjs';

// The WebAssembly core is already loading (boot.mjs): everything else is built while it compiles.
performance.mark('usedinsight:script');

const VALIDATE_DELAY = 120; // ms after the last keystroke; typing never waits on validation
const HISTORY_MAX = 30;
const DISPLAY_MAX = 1 << 20; // characters of a response body shown
// Characters of a value shown in a records cell (the whole value is the cell's title): a few
// cells of thousands of unbroken characters take Chromium seconds to lay out.
const CELL_MAX = 200;
const store = {
  get(area, key) {
    try {
      return globalThis[area].getItem(`usedinsight.${key}`);
    } catch {
      return null;
    }
  },
  set(area, key, value) {
    try {
      if (value == null) globalThis[area].removeItem(`usedinsight.${key}`);
      else globalThis[area].setItem(`usedinsight.${key}`, value);
    } catch {
      // storage full or unavailable: the page works without it
    }
  },
};

/** @type {import('../insight.mjs').Insight | null} */
let insight = null;

// ---- the form: one input for every property of the resource ----

const fieldDefs = [
  { group: 'usedInsight', paths: [['id', { hint: 'optional: 1 to 512 of A–Z a–z 0–9 - _ . ~; the server assigns one otherwise' }]] },
  {
    group: 'lastUsed', type: 'usageDetails', paths: [
      ['lastUsed.lastAccessedDateTime', { kind: 'datetime', required: true, hint: 'required, such as 2016-12-31T23:58:50.8669622+03:00' }],
      ['lastUsed.lastModifiedDateTime', { kind: 'datetime' }],
    ],
  },
  {
    group: 'resourceVisualization', type: 'resourceVisualization', paths: [
      ['resourceVisualization.title', {}],
      ['resourceVisualization.type', { list: samples.types, hint: 'Word, Excel, PowerPoint, Pdf, Visio, …' }],
      ['resourceVisualization.mediaType', { list: samples.mediaTypes, hint: 'a type/subtype media type' }],
      ['resourceVisualization.previewImageUrl', { kind: 'url' }],
      ['resourceVisualization.previewText', {}],
      ['resourceVisualization.containerWebUrl', { kind: 'url' }],
      ['resourceVisualization.containerDisplayName', {}],
      ['resourceVisualization.containerType', { list: samples.containerTypes, hint: 'OneDriveBusiness, Site, Mail, DropBox, Box, GDrive' }],
    ],
  },
  {
    group: 'resourceReference', type: 'resourceReference', paths: [
      ['resourceReference.webUrl', { kind: 'url', hint: 'an id or a webUrl is required' }],
      ['resourceReference.id', {}],
      ['resourceReference.type', { hint: 'such as microsoft.graph.driveItem' }],
    ],
  },
];

const inputs = new Map(); // path → {input, message}
const fieldId = (path) => `field-${path.replaceAll('.', '-')}`;

function buildForm() {
  const form = $('form');
  for (const { group, type, paths } of fieldDefs) {
    const fs = h('fieldset', {}, h('legend', {}, group, type ? h('span', { class: 'type' }, ` ${type}`) : null, group !== 'usedInsight' ? h('span', { class: 'type' }, ' (required)') : null));
    for (const [path, def] of paths) {
      fs.append(fieldRow(path, def));
    }
    form.append(fs);
  }
}

function fieldRow(path, def) {
  const id = fieldId(path);
  const name = path.split('.').at(-1);
  const parent = path.includes('.') ? `${path.split('.')[0]}.` : '';
  const listId = def.list ? `${id}-list` : null;
  const input = h('input', {
    id, type: 'text', spellcheck: 'false', autocomplete: 'off', list: listId,
    inputmode: def.kind === 'url' ? 'url' : null,
    'aria-describedby': `${id}-msg${def.hint ? ` ${id}-hint` : ''}`,
    'data-path': path,
    'aria-required': def.required ? 'true' : null,
  });
  input.addEventListener('input', () => formChanged(path, input.value));
  const message = h('span', { id: `${id}-msg`, class: 'field-msg' });
  const row = h('div', { class: 'field-row' },
    // The accessible name is the whole path ("resourceReference.id"); the parent part is
    // shown by the fieldset's legend.
    h('label', { for: id }, h('span', { class: 'visually-hidden' }, parent), name),
    h('div', { class: 'field-input' },
      input,
      def.kind === 'datetime' ? h('button', {
        type: 'button', class: 'small', 'aria-label': `Set ${path} to now`,
        onclick: () => {
          input.value = new Date().toISOString();
          formChanged(path, input.value);
        },
      }, 'Now') : null),
    def.hint ? h('span', { id: `${id}-hint`, class: 'hint' }, def.hint) : null,
    message,
    listId ? h('datalist', { id: listId }, def.list.map((v) => h('option', { value: v }))) : null);
  inputs.set(path, { input, message });
  return row;
}

// formChanged writes a form field into the JSON text: only that member changes.
function formChanged(path, value) {
  if (!insight) return;
  const doc = view.state.doc.toString();
  if (!doc.trim()) {
    setText(view, insight.build({ [path]: value }));
    return;
  }
  let change;
  try {
    change = setField(doc, path, value, insight.fieldPaths);
  } catch (e) {
    showFormNote(`The form cannot write ${path}: ${e.message}. Fix the JSON text first.`);
    return;
  }
  if (change) {
    view.dispatch({ changes: change, userEvent: 'input.form' });
  }
}

function showFormNote(message) {
  const note = $('form-note');
  note.textContent = message;
  note.hidden = !message;
}

// syncForm fills the form from the JSON text (except the field being typed in) and shows each
// field's first problem beside it.
function syncForm(doc, report) {
  const root = doc.trim() ? parse(doc) : { type: 'object' };
  const editable = root?.type === 'object';
  showFormNote(editable ? '' : root ? 'The request body is not a JSON object: the form is read-only.'
    : 'The request body is not JSON yet: the form shows what it can read and is read-only until the text is fixed.');
  const fields = insight.fieldsOf(doc);
  const byPath = new Map();
  for (const p of report.problems) {
    if (!byPath.has(p.path)) byPath.set(p.path, p);
  }
  for (const [path, { input, message }] of inputs) {
    input.readOnly = !editable;
    if (input !== document.activeElement) {
      input.value = fields[path] ?? '';
    }
    const p = byPath.get(path);
    message.textContent = p ? p.message : '';
    message.className = `field-msg ${p ? p.severity : ''}`;
    message.parentElement.classList.toggle('has-msg', Boolean(p));
    if (p?.severity === 'error') input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

// ---- the editor, validation and the problems list ----

const initial = initialRequest();
const view = createEditor($('editor'), initial.body, () => {
  scheduleRefresh();
  scheduleDraft();
});

let refreshTimer = 0;
function scheduleRefresh(delay = VALIDATE_DELAY) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, delay);
}

// refresh validates the text and brings the diagnostics, problems, form and snippets up to date.
function refresh() {
  clearTimeout(refreshTimer);
  if (!insight) return;
  const doc = view.state.doc.toString();
  const report = insight.validate(doc);
  const diagnostics = diagnosticsOf(view.state.doc, report.problems);
  showDiagnostics(view, diagnostics);
  renderProblems(report, diagnostics);
  syncForm(doc, report);
  renderSnippets();
}

function renderProblems(report, diagnostics) {
  const list = $('problems-list');
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  $('problems-count').textContent = report.problems.length === 0 ? '' : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  $('problems').dataset.state = errors ? 'error' : warnings ? 'warning' : 'ok';
  list.replaceChildren(...(report.problems.length === 0
    ? [h('li', { class: 'ok' }, 'No problems: the server will accept this body.')]
    : report.problems.map((p, i) => h('li', { class: p.severity },
      h('button', {
        type: 'button', class: 'problem',
        onclick: () => jump(view, diagnostics[i].from, diagnostics[i].to),
      },
      h('span', { class: 'sev' }, p.severity === 'error' ? 'Error' : 'Warning'),
      h('span', { class: 'msg' }, p.message),
      h('span', { class: 'where' }, `${p.path || '(body)'} · line ${p.line}, column ${p.column}`))))));
}

// ---- the request ----

const el = {
  method: $('method'), version: $('version'), path: $('path'), endpoint: $('endpoint'), token: $('token'), headers: $('headers'),
};

function initialRequest() {
  const shared = readFragment(location.hash);
  if (shared) return shared;
  try {
    const d = JSON.parse(store.get('localStorage', 'draft') ?? 'null');
    if (d && typeof d.body === 'string') {
      return checkRequest({ method: 'POST', ...d }); // checked like a share link
    }
  } catch {
    // a broken draft: start afresh
  }
  return { method: 'POST', version: 'v1.0', path: collection, headers: '', body: samples.seed };
}

function applyRequest(r) {
  el.method.value = r.method;
  el.version.value = r.version;
  el.path.value = r.path;
  el.headers.value = r.headers ?? '';
  if (r.headers) $('headers').closest('details').open = true;
  if (r.body !== view.state.doc.toString()) setText(view, r.body);
  requestChanged();
}

function defaultEndpoint() {
  const saved = store.get('localStorage', 'endpoint');
  if (saved) return saved;
  return /^https?:$/.test(location.protocol) ? location.origin : 'http://127.0.0.1:8787';
}

/** currentRequest is what Send sends: {method, url, headers: [[name, value]], body}. */
function currentRequest() {
  const method = el.method.value;
  let extra = [];
  let headerError = '';
  try {
    extra = parseHeaders(el.headers.value);
  } catch (e) {
    headerError = e.message;
  }
  return {
    method,
    url: requestURL(el.endpoint.value.trim(), el.version.value, el.path.value.trim()),
    headers: requestHeaders({ method, token: el.token.value.trim(), extra }),
    body: hasBody(method) ? view.state.doc.toString() : '',
    headerError,
  };
}

function requestChanged() {
  const method = el.method.value;
  $('url-base').textContent = `${el.endpoint.value.trim().replace(/\/+$/, '')}${el.version.value ? `/${el.version.value}` : ''}`;
  $('body-note').textContent = hasBody(method) ? '' : `${method} sends no body`;
  scheduleRefresh(); // snippets follow, debounced like validation
  scheduleDraft();
}

let draftTimer = 0;
function scheduleDraft() {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => {
    store.set('localStorage', 'draft', JSON.stringify({
      method: el.method.value, version: el.version.value, path: el.path.value, headers: el.headers.value, body: view.state.doc.toString(),
    }));
  }, 500);
}

// ---- sending, and the response view ----

let sending = false;
async function send() {
  if (sending) return;
  const r = currentRequest();
  if (r.headerError) {
    showResponseMessage('Not sent', r.headerError);
    return;
  }
  refresh(); // the problems list is current when the response arrives
  const result = await exchange(r);
  addHistory({
    method: r.method, version: el.version.value, path: el.path.value.trim(), headers: el.headers.value, body: r.body,
    status: result.status, ms: result.ms,
  });
  if (result.ok && r.method !== 'GET' && /\/insights\/used/.test(r.url)) {
    loadRecords(recordsState.url ?? firstPage());
  }
}

/**
 * exchange sends a request and shows what came back in the Response view.
 * @returns {Promise<{ok: boolean, status: number, ms: number, json?: any}>}
 */
async function exchange({ method, url, headers, body }) {
  sending = true;
  $('send').disabled = true;
  $('response').setAttribute('aria-busy', 'true');
  $('response-status').textContent = `${method} ${url}: sending…`;
  $('response-time').textContent = '';
  const t0 = performance.now();
  try {
    const res = await fetchHTTP(url, { method, headers, body: body || undefined, cache: 'no-store', credentials: 'omit' });
    const raw = await res.text();
    const ms = performance.now() - t0;
    let json;
    let shown = raw;
    if (/json/i.test(res.headers.get('content-type') ?? '') && raw) {
      try {
        json = JSON.parse(raw);
        shown = insight ? insight.format(raw) : JSON.stringify(json, null, 2);
      } catch {
        // not JSON after all: shown as it came
      }
    }
    showResponse({ method, url, status: res.status, statusText: res.statusText, ms, headers: res.headers, body: shown, json });
    return { ok: res.ok, status: res.status, ms, json };
  } catch (e) {
    const ms = performance.now() - t0;
    showResponseMessage(`${method} ${url}: failed`, `The request did not complete: ${e.message}. Is the endpoint right, and does it allow this page's origin (ALLOWED_ORIGINS)?`);
    return { ok: false, status: 0, ms };
  } finally {
    sending = false;
    $('send').disabled = false;
    $('response').removeAttribute('aria-busy');
  }
}

// fetchHTTP is fetch for URLs made from the endpoint setting, which may say anything: only an
// http(s) URL (or one relative to the page) is fetched, as the CSP's connect-src allows.
function fetchHTTP(url, init) {
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
}

let responseJSON = null;
function showResponse({ method, url, status, statusText, ms, headers, body, json }) {
  const status$ = $('response-status');
  status$.textContent = `${status} ${statusText || ''}`.trim();
  status$.dataset.class = String(status).slice(0, 1);
  status$.title = `${method} ${url}`;
  $('response-time').textContent = `${ms.toFixed(0)} ms · ${method} ${url}`;
  const rows = [...headers].map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)));
  $('response-headers').replaceChildren(...rows);
  $('response-headers-count').textContent = `(${rows.length})`;
  $('response-body').textContent = body.length > DISPLAY_MAX ? `${body.slice(0, DISPLAY_MAX)}\n… (${body.length - DISPLAY_MAX} more characters)` : body;
  responseJSON = json && typeof json === 'object' && !Array.isArray(json) && !('value' in json) && !('error' in json) ? json : null;
  $('use-response').hidden = !responseJSON;
}

function showResponseMessage(status, message) {
  $('response-status').textContent = status;
  $('response-status').dataset.class = 'x';
  $('response-time').textContent = '';
  $('response-headers').replaceChildren();
  $('response-headers-count').textContent = '';
  $('response-body').textContent = message;
  responseJSON = null;
  $('use-response').hidden = true;
}

// ---- tokens ----

async function getDevToken({ quiet = false } = {}) {
  const endpoint = el.endpoint.value.trim().replace(/\/+$/, '');
  const status = $('token-status');
  if (!quiet) status.textContent = 'Asking for a dev token…';
  try {
    const res = await fetchHTTP(`${endpoint}/dev/token`, { method: 'POST', cache: 'no-store', credentials: 'omit' });
    if (!res.ok) {
      await res.body?.cancel();
      status.textContent = res.status === 404
        ? 'This endpoint gives no dev tokens (DEV_TOKENS is off): paste a bearer token.'
        : `POST /dev/token answered ${res.status}: paste a bearer token.`;
      return false;
    }
    const { access_token: token } = await res.json();
    if (typeof token !== 'string') throw new Error('no access_token in the answer');
    el.token.value = token;
    tokenChanged();
    return true;
  } catch (e) {
    status.textContent = quiet ? 'Paste a bearer token, or start the server with `make dev` and get a dev token.' : `No dev token: ${e.message}`;
    return false;
  }
}

function tokenChanged() {
  const token = el.token.value.trim();
  store.set('sessionStorage', 'token', token || null);
  const c = token ? claims(token) : null;
  const status = $('token-status');
  if (!token) {
    status.textContent = 'No token: requests will be answered 401.';
  } else if (!c) {
    status.textContent = 'The token is not a JWT the page can read; it is sent as it is.';
  } else {
    const who = text(c.upn ?? c.preferred_username ?? c.oid ?? c.sub ?? '?');
    const perms = c.scp != null ? `delegated, ${text(c.scp)}` : c.roles != null ? `application, ${text(c.roles)}` : 'no permissions';
    const exp = typeof c.exp === 'number' ? new Date(c.exp * 1000) : null;
    status.textContent = `Token for ${who} (${perms})${exp ? `, ${exp < new Date() ? 'expired' : 'valid until'} ${exp.toLocaleTimeString()}` : ''}.`;
  }
  scheduleRefresh();
}

// ---- code snippets ----

const snippetLabels = { curl: 'curl', httpie: 'HTTPie', fetch: 'JavaScript fetch', go: 'Go net/http', powershell: 'PowerShell' };
let snippetTab = 'curl';
const snippetPres = new Map();

function buildSnippets(languages) {
  const tabs = $('snippet-tabs');
  const panels = $('snippet-panels');
  for (const lang of languages) {
    const label = snippetLabels[lang] ?? lang;
    const tab = h('button', {
      type: 'button', role: 'tab', id: `tab-${lang}`, 'aria-controls': `snippet-${lang}`, 'aria-selected': String(lang === snippetTab),
      tabindex: lang === snippetTab ? '0' : '-1', onclick: () => selectSnippet(lang),
    }, label);
    tab.addEventListener('keydown', (e) => {
      const k = languages.indexOf(lang);
      const next = e.key === 'ArrowRight' ? languages[(k + 1) % languages.length] : e.key === 'ArrowLeft' ? languages[(k + languages.length - 1) % languages.length] : null;
      if (next) {
        e.preventDefault();
        selectSnippet(next);
        $(`tab-${next}`).focus();
      }
    });
    const pre = h('pre', { class: 'snippet', tabindex: '0', 'aria-label': `${label} snippet` });
    const status = h('span', { class: 'copy-status', role: 'status' });
    const copy = h('button', {
      type: 'button', class: 'small', 'aria-label': `Copy ${label} snippet`,
      onclick: async () => {
        const ok = await copyText(pre.textContent, pre);
        status.textContent = ok ? 'Copied.' : 'Selected: press Ctrl+C to copy.';
        setTimeout(() => {
          status.textContent = '';
        }, 2500);
      },
    }, 'Copy');
    tabs.append(tab);
    snippetPres.set(lang, pre);
    panels.append(h('div', { role: 'tabpanel', id: `snippet-${lang}`, 'aria-labelledby': `tab-${lang}`, hidden: lang !== snippetTab, class: 'snippet-panel' },
      h('div', { class: 'snippet-bar' }, copy, status), pre));
  }
}

function selectSnippet(lang) {
  snippetTab = lang;
  for (const [l] of snippetPres) {
    $(`tab-${l}`).setAttribute('aria-selected', String(l === lang));
    $(`tab-${l}`).tabIndex = l === lang ? 0 : -1;
    $(`snippet-${l}`).hidden = l !== lang;
  }
}

function renderSnippets() {
  if (!insight) return;
  const r = currentRequest();
  for (const [lang, pre] of snippetPres) {
    try {
      pre.textContent = insight.snippet(lang, r);
    } catch (e) {
      pre.textContent = `// ${e.message}`;
    }
  }
}

// ---- records: list with paging, open, delete ----

const recordsState = { url: null, stack: [], next: null };

function firstPage() {
  return requestURL(el.endpoint.value.trim(), el.version.value, `${collection}?$top=${$('page-size').value}&$count=true`);
}

async function loadRecords(url) {
  const status = $('records-status');
  status.textContent = 'Loading…';
  const headers = requestHeaders({ method: 'GET', token: el.token.value.trim() });
  let res;
  let body;
  try {
    res = await fetchHTTP(url, { headers, cache: 'no-store', credentials: 'omit' });
    body = await res.text();
  } catch (e) {
    status.textContent = `Could not list the records: ${e.message}`;
    return;
  }
  let page;
  try {
    page = JSON.parse(body);
  } catch {
    page = null;
  }
  if (!res.ok || !page || !Array.isArray(page.value)) {
    const why = page?.error?.message ? `: ${text(page.error.message)}` : '';
    status.textContent = `Listing answered ${res.status}${why}`;
    return;
  }
  recordsState.url = url;
  recordsState.next = nextLink(page['@odata.nextLink'], url);
  const count = page['@odata.count'];
  if (typeof count === 'number') $('records-count').textContent = `${count} stored`;
  status.textContent = page.value.length ? '' : 'No records yet: send a POST to create one.';
  $('records').replaceChildren(...page.value.map(recordRow));
  $('records-prev').disabled = recordsState.stack.length === 0;
  $('records-next').disabled = !recordsState.next;
  $('records-page').textContent = `Page ${recordsState.stack.length + 1}`;
}

// nextLink is the link to the next page when it is an http(s) URL on the origin the list came
// from: following it sends the token, which must not go wherever a response says.
function nextLink(link, from) {
  if (typeof link !== 'string') return null;
  try {
    const u = new URL(link);
    return /^https?:$/.test(u.protocol) && u.origin === new URL(from, location.href).origin ? u.href : null;
  } catch {
    return null;
  }
}

// cell is a records cell showing at most CELL_MAX characters of value.
function cell(value, props = {}) {
  return value.length > CELL_MAX ? h('td', { ...props, title: value }, `${value.slice(0, CELL_MAX - 1)}…`) : h('td', props, value);
}

function recordRow(r) {
  const id = text(r?.id);
  const title = text(r?.resourceVisualization?.title);
  const name = title || id;
  const itemURL = requestURL(el.endpoint.value.trim(), el.version.value, `${collection}/${encodeURIComponent(id)}`);
  return h('tr', { 'data-id': id },
    cell(text(r?.lastUsed?.lastAccessedDateTime), { class: 'nowrap' }),
    cell(title),
    cell(text(r?.resourceVisualization?.type)),
    cell(text(r?.resourceVisualization?.containerDisplayName ?? r?.resourceVisualization?.containerType)),
    h('td', { class: 'id', title: id }, id.length > 18 ? `${id.slice(0, 16)}…` : id),
    h('td', { class: 'actions' },
      h('button', {
        type: 'button', class: 'small', 'aria-label': `Open ${name}`,
        onclick: async () => {
          const result = await exchange({ method: 'GET', url: itemURL, headers: requestHeaders({ method: 'GET', token: el.token.value.trim() }) });
          addHistory({ method: 'GET', ...(splitURL(el.endpoint.value.trim(), itemURL) ?? { version: '', path: itemURL }), headers: '', body: '', status: result.status, ms: result.ms });
        },
      }, 'Open'),
      h('button', {
        type: 'button', class: 'small danger', 'aria-label': `Delete ${name}`,
        onclick: async () => {
          const result = await exchange({ method: 'DELETE', url: itemURL, headers: requestHeaders({ method: 'DELETE', token: el.token.value.trim() }) });
          addHistory({ method: 'DELETE', ...(splitURL(el.endpoint.value.trim(), itemURL) ?? { version: '', path: itemURL }), headers: '', body: '', status: result.status, ms: result.ms });
          loadRecords(recordsState.url ?? firstPage());
        },
      }, 'Delete')));
}

// ---- history ----

function readHistory() {
  try {
    const h0 = JSON.parse(store.get('localStorage', 'history') ?? '[]');
    // Entries are objects, never arrays (whose `at` is Array.prototype.at, a function).
    return Array.isArray(h0) ? h0.filter((e) => e && typeof e === 'object' && !Array.isArray(e)) : [];
  } catch {
    return [];
  }
}

function addHistory(entry) {
  const list = [{ at: new Date().toISOString(), ...entry }, ...readHistory()].slice(0, HISTORY_MAX);
  store.set('localStorage', 'history', JSON.stringify(list));
  renderHistory();
}

function renderHistory() {
  const list = readHistory();
  $('history').replaceChildren(...(list.length ? list.map((e) => h('li', {},
    h('button', {
      type: 'button', class: 'history-item', title: 'Put this request back in the request bar and editor',
      onclick: () => {
        const shared = readFragment(shareFragment({ method: text(e.method), version: text(e.version), path: text(e.path), headers: text(e.headers), body: text(e.body) }));
        applyRequest(shared);
      },
    },
    h('span', { class: 'method' }, text(e.method)),
    h('span', { class: 'hpath' }, `${e.version ? `/${text(e.version)}` : ''}${text(e.path)}`),
    h('span', { class: 'hstatus', 'data-class': text(e.status).slice(0, 1) }, e.status ? text(e.status) : 'failed'),
    h('span', { class: 'hmeta' }, `${typeof e.ms === 'number' ? `${e.ms.toFixed(0)} ms · ` : ''}${text(e.at).slice(11, 19)}`))))
    : [h('li', { class: 'empty' }, 'Requests you send appear here.')]));
}

// ---- share link ----

async function share() {
  const link = `${location.href.split('#')[0]}${shareFragment({
    method: el.method.value, version: el.version.value, path: el.path.value.trim(), headers: el.headers.value, body: view.state.doc.toString(),
  })}`;
  const out = $('share-link');
  out.value = link;
  $('share-out').hidden = false;
  const ok = await copyText(link);
  $('share-status').textContent = ok ? 'Copied. The link carries the request, not the token.' : 'Copy the link from the box. It carries the request, not the token.';
  out.select();
}

// ---- theme ----

function isDark() {
  const t = document.documentElement.dataset.theme;
  return t ? t === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
}
function showTheme() {
  $('theme').setAttribute('aria-pressed', String(isDark()));
}

// ---- wiring ----

function wire() {
  el.endpoint.value = defaultEndpoint();
  el.token.value = store.get('sessionStorage', 'token') ?? '';
  applyRequest(initial);

  $('request-bar').addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  // Ctrl+Enter or Cmd+Enter sends from anywhere, the editor included.
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
      e.preventDefault();
      e.stopPropagation();
      send();
    }
  }, true);
  for (const x of [el.method, el.version, el.path, el.headers]) {
    x.addEventListener('input', requestChanged);
  }
  el.endpoint.addEventListener('change', () => {
    // Remembered only when it is not the page's own origin (the default).
    const v = el.endpoint.value.trim().replace(/\/+$/, '');
    store.set('localStorage', 'endpoint', v && v !== location.origin ? v : null);
    requestChanged();
  });
  el.endpoint.addEventListener('input', requestChanged);
  el.token.addEventListener('input', tokenChanged);
  $('devtoken').addEventListener('click', async () => {
    if (await getDevToken()) loadRecords(firstPage());
  });
  $('theme').addEventListener('click', () => {
    const next = isDark() ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    store.set('localStorage', 'theme', next);
    showTheme();
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', showTheme);
  showTheme();
  $('share').addEventListener('click', share);
  window.addEventListener('hashchange', () => {
    const r = readFragment(location.hash);
    if (r) applyRequest(r);
  });
  $('samples').addEventListener('change', () => {
    const which = $('samples').value;
    $('samples').value = '';
    const now = new Date().toISOString();
    const body = which === 'seed' ? samples.seed : which === 'complete' ? samples.complete : which === 'problems' ? samples.withProblems
      : which === 'minimal' ? insight?.build(samples.minimalFields(now), { odataTypes: false }) ?? '' : which === 'empty' ? '' : null;
    if (body != null) {
      setText(view, body);
      if (el.method.value !== 'POST' && which !== 'empty') {
        el.method.value = 'POST';
        el.path.value = collection;
        requestChanged();
      }
    }
  });
  $('format').addEventListener('click', () => reformat('format'));
  $('minify').addEventListener('click', () => reformat('minify'));
  $('use-response').addEventListener('click', () => {
    if (!responseJSON || !insight) return;
    const id = typeof responseJSON.id === 'string' ? responseJSON.id : '';
    const body = { ...responseJSON };
    delete body.id;
    setText(view, insight.format(JSON.stringify(body)));
    if (id) {
      el.method.value = 'PATCH';
      el.path.value = `${collection}/${encodeURIComponent(id)}`;
      requestChanged();
    }
  });
  $('page-size').addEventListener('change', () => {
    recordsState.stack = [];
    loadRecords(firstPage());
  });
  $('records-refresh').addEventListener('click', () => {
    recordsState.stack = [];
    loadRecords(firstPage());
  });
  $('records-next').addEventListener('click', () => {
    if (!recordsState.next) return;
    recordsState.stack.push(recordsState.url);
    loadRecords(recordsState.next);
  });
  $('records-prev').addEventListener('click', () => {
    const prev = recordsState.stack.pop();
    if (prev) loadRecords(prev);
  });
  $('history-clear').addEventListener('click', () => {
    store.set('localStorage', 'history', null);
    renderHistory();
  });
  renderHistory();
}

function reformat(op) {
  if (!insight) return;
  try {
    setText(view, insight[op](view.state.doc.toString()));
    $('body-note').textContent = hasBody(el.method.value) ? '' : `${el.method.value} sends no body`;
  } catch (e) {
    $('body-note').textContent = `Not JSON: ${e.message}`;
  }
}

buildForm();
wire();
$('problems-list').replaceChildren(h('li', {}, 'Loading the validator…'));
performance.mark('usedinsight:ui');

try {
  insight = await ready;
} catch (e) {
  $('problems-list').replaceChildren(h('li', { class: 'error' }, `The validator could not load: ${e.message}`));
  $('ready-time').textContent = 'the module failed to load';
  throw e;
}
window.usedInsight = insight;
performance.mark('usedinsight:ready');
$('ready-time').textContent = `ready ${performance.now().toFixed(0)} ms after navigation`;

buildSnippets(insight.languages);
for (const path of insight.fieldPaths) {
  if (!inputs.has(path)) $('form').append(fieldRow(path, {})); // a property the page does not know yet
}
refresh();
// A token kept from earlier in this tab is used until it expires; then, or without one, the
// page asks the endpoint for a dev token (when it offers them).
const kept = claims(el.token.value.trim());
if (!el.token.value.trim() || typeof kept?.exp === 'number' && kept.exp * 1000 < Date.now()) {
  await getDevToken({ quiet: true });
} else {
  tokenChanged();
}
if (el.token.value.trim()) loadRecords(firstPage());
