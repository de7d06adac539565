// The request bar: method, version prefix, collection and path (the endpoint's base shown
// before them), the extra request headers, and Send, also Ctrl+Enter or Cmd+Enter from anywhere
// on the page. A path under another collection switches the collection.

import { $ } from './dom.mjs';
import { parseHeaders, requestHeaders, hasBody, detectCollection } from './request.mjs';

/**
 * createRequestBar calls onSend when the person sends and onChange when the request changes.
 * The body is the editor's (body.mjs), the token the token field's (token.mjs), the collection
 * the switch's (collection.mjs).
 */
export function createRequestBar({ endpoint, token, body, collection, onSend, onChange }) {
  const method = $('method');
  const version = $('version');
  const path = $('path');
  const headers = $('headers');

  function changed() {
    $('url-base').textContent = `${endpoint.base()}${version.value ? `/${version.value}` : ''}`;
    body.methodChanged(method.value);
    onChange();
  }
  for (const x of [method, version, path, headers]) {
    x.addEventListener('input', changed);
  }
  path.addEventListener('input', () => collection.set(detectCollection(path.value)));
  $('request-bar').addEventListener('submit', (e) => {
    e.preventDefault();
    onSend();
  });
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
      e.preventDefault();
      e.stopPropagation();
      onSend();
    }
  }, true); // before the editor's own keys

  return {
    /** changed shows the request anew, and tells onChange: the endpoint calls it when it changes. */
    changed,
    /** request is the request as it stands, as history, drafts and share links keep it. */
    request: () => ({
      method: method.value, version: version.value, path: path.value.trim(), collection: collection.current().name, headers: headers.value, body: body.text(),
    }),
    /** set puts a request (from a link, a draft or the history) in the bar and the editor. */
    set(r) {
      method.value = r.method;
      version.value = r.version;
      path.value = r.path;
      collection.set(detectCollection(r.path) ?? r.collection);
      headers.value = r.headers ?? '';
      if (r.headers) headers.closest('details').open = true;
      if (r.body !== body.text()) body.set(r.body);
      changed();
    },
    /** retarget sets the method and the path, such as a PATCH of the record just shown. */
    retarget(m, p) {
      method.value = m;
      path.value = p;
      collection.set(detectCollection(p));
      changed();
    },
    /** url is the URL of path under the endpoint and the chosen version. */
    url: (p) => endpoint.url(version.value, p),
    /** method is the method chosen. */
    method: () => method.value,
    /** path is the path as it stands. */
    path: () => path.value.trim(),
    /** current is what Send sends: {method, url, headers: [[name, value]], body, headerError}. */
    current() {
      const m = method.value;
      let extra = [];
      let headerError = '';
      try {
        extra = parseHeaders(headers.value);
      } catch (e) {
        headerError = e.message;
      }
      return {
        method: m,
        url: endpoint.url(version.value, path.value.trim()),
        headers: requestHeaders({ method: m, token: token.value(), extra }),
        body: hasBody(m) ? body.text() : '',
        headerError,
      };
    },
    /** sending disables Send while a request is on its way. */
    sending(on) {
      $('send').disabled = on;
    },
  };
}
