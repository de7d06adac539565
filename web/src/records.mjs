// The records view: the stored insights of the collection chosen, a page at a time (following
// the list's nextLink), each with Open and Delete, which go through the response view and the
// history like a sent request. Its columns come from the collection's description.

import { h, $, displayText } from './dom.mjs';
import { requestHeaders } from './request.mjs';

// Characters of a value shown in a cell (the whole value is the cell's title): a few cells of
// thousands of unbroken characters take Chromium seconds to lay out.
const CELL_MAX = 200;

// cell is a table cell showing at most CELL_MAX characters of value.
function cell(value, props = {}) {
  return value.length > CELL_MAX ? h('td', { ...props, title: value }, `${value.slice(0, CELL_MAX - 1)}…`) : h('td', props, value);
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

// humanize turns a member's name into words: "lastAccessedDateTime" → "Last accessed".
const humanize = (name) => {
  const words = name.replace(/DateTime$/, '').replace(/[A-Z]/g, (m) => ` ${m.toLowerCase()}`);
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** valueAt is the value at a dotted path of a record, or undefined. */
export const valueAt = (r, path) => path.split('.').reduce((o, k) => (o && typeof o === 'object' && Object.hasOwn(o, k) ? o[k] : undefined), r);

/**
 * columnsOf lists the records view's columns for a collection (of resources.mjs): the member of
 * its default order, then the title, type and container of the item, each {label, paths, name}
 * (a cell shows the first of paths that the record has).
 */
export function columnsOf(c) {
  const has = (p) => c.fields.some((f) => f.path === p);
  const order = c.orders[0];
  const cols = [{ label: humanize(order.path.split('.')[0]), paths: [order.path], name: order.name, nowrap: true }];
  for (const [label, paths] of [['Title', ['resourceVisualization.title']], ['Type', ['resourceVisualization.type']],
    ['Container', ['resourceVisualization.containerDisplayName', 'resourceVisualization.containerType']]]) {
    if (paths.every(has)) cols.push({ label, paths, name: paths[0] });
  }
  return cols;
}

/**
 * createRecords lists the collection chosen (collection.mjs) under the endpoint and version of
 * the request bar, with the token of the token field.
 */
export function createRecords({ endpoint, token, requestBar, response, history, collection }) {
  const status = $('records-status');
  const pageSize = $('page-size');
  const prevButton = $('records-prev');
  const nextButton = $('records-next');
  let shown = null; // the URL of the page shown
  let next = null; // the URL of the next page, if any
  const before = []; // the URLs of the pages before the one shown
  let columns = [];
  let loading = 0; // the number of the last load: an answer to an earlier one is dropped

  const path = () => `/me/insights/${collection.current().name}`;
  const firstPage = () => requestBar.url(`${path()}?$top=${pageSize.value}&$count=true`);

  // build shows the columns of the collection chosen, and no record.
  function build() {
    const c = collection.current();
    columns = columnsOf(c);
    $('records-head').replaceChildren(...columns.map((col) => h('th', { scope: 'col', title: col.name }, col.label)),
      h('th', { scope: 'col' }, 'Id'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')));
    $('records-of').textContent = ` of ${c.name}`;
    $('records').replaceChildren();
    $('records-count').textContent = '';
    $('records-page').textContent = '';
    prevButton.disabled = true;
    nextButton.disabled = true;
    shown = null;
    next = null;
    before.length = 0;
  }
  build();

  async function load(url) {
    const n = ++loading;
    status.textContent = 'Loading…';
    let res;
    let text;
    try {
      res = await endpoint.fetch(url, { headers: requestHeaders({ method: 'GET', token: token.value() }), cache: 'no-store', credentials: 'omit' });
      text = await res.text();
    } catch (e) {
      if (n === loading) status.textContent = `Could not list the records: ${e.message}`;
      return;
    }
    if (n !== loading) return;
    let page;
    try {
      page = JSON.parse(text);
    } catch {
      page = null;
    }
    if (!res.ok || !page || !Array.isArray(page.value)) {
      const why = page?.error?.message ? `: ${displayText(page.error.message)}` : '';
      status.textContent = `Listing answered ${res.status}${why}`;
      return;
    }
    shown = url;
    next = nextLink(page['@odata.nextLink'], url);
    const count = page['@odata.count'];
    if (typeof count === 'number') $('records-count').textContent = `${count} stored`;
    status.textContent = page.value.length ? '' : 'No records yet: send a POST to create one.';
    $('records').replaceChildren(...page.value.map(row));
    prevButton.disabled = before.length === 0;
    nextButton.disabled = !next;
    $('records-page').textContent = `Page ${before.length + 1}`;
  }

  // act sends method to a record's URL and records it in the history like a sent request.
  async function act(method, url) {
    const result = await response.exchange({ method, url, headers: requestHeaders({ method, token: token.value() }) });
    history.add({
      method, ...(endpoint.split(url) ?? { version: '', path: url }), collection: collection.current().name, headers: '', body: '', status: result.status, ms: result.ms,
    });
  }

  function row(r) {
    const id = displayText(r?.id);
    const title = displayText(valueAt(r, 'resourceVisualization.title'));
    const name = title || id;
    const url = requestBar.url(`${path()}/${encodeURIComponent(id)}`);
    return h('tr', { 'data-id': id },
      ...columns.map((col) => cell(displayText(col.paths.map((p) => valueAt(r, p)).find((v) => v != null)), col.nowrap ? { class: 'nowrap' } : {})),
      h('td', { class: 'id', title: id }, id.length > 18 ? `${id.slice(0, 16)}…` : id),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'small', 'aria-label': `Open ${name}`, onclick: () => act('GET', url) }, 'Open'),
        h('button', {
          type: 'button', class: 'small danger', 'aria-label': `Delete ${name}`,
          onclick: async () => {
            await act('DELETE', url);
            reload();
          },
        }, 'Delete')));
  }

  /** first shows the first page. */
  function first() {
    before.length = 0;
    load(firstPage());
  }
  /** reload shows the page shown again (the first one if none is). */
  function reload() {
    load(shown ?? firstPage());
  }

  pageSize.addEventListener('change', first);
  $('records-refresh').addEventListener('click', first);
  nextButton.addEventListener('click', () => {
    if (!next) return;
    before.push(shown);
    load(next);
  });
  prevButton.addEventListener('click', () => {
    const prev = before.pop();
    if (prev) load(prev);
  });

  return {
    first,
    reload,
    /** switched shows the collection chosen now: its columns, and its first page when there is a token. */
    switched() {
      build();
      loading++; // an answer about the collection before is dropped
      status.textContent = '';
      if (token.value()) first();
    },
  };
}
