// The usedInsight playground: Graph Explorer for /me/insights/{used,trending,shared}, with the
// service's own Go validator (../insight.mjs and insight.wasm) checking the request body as it
// is typed, as the collection chosen in the request bar (collection.mjs) says.
//
// This file only wires the page's features together; each feature is one module with one
// createX(deps) that keeps its own state and returns what the others call.
//
// Hooks for tests and tools: once the WebAssembly API has loaded, window.usedInsight is the
// object insight.mjs's load returns, and performance.mark('usedinsight:ready') is recorded.
//
// Security: everything that comes from a payload, a response, the URL fragment or storage is
// put in the page as text (see dom.mjs); the page's Content-Security-Policy allows no inline
// script and enforces Trusted Types, so no string can become HTML or script.

import { ready } from '../boot.mjs'; // not bundled: the page loads it on its own, first
import { $ } from './dom.mjs';
import { collection as usedPath, collectionPath, detectCollection } from './request.mjs';
import { seed } from './samples.mjs';
import { webStorage } from './web-storage.mjs';
import { createCollection } from './collection.mjs';
import { createEndpoint } from './endpoint.mjs';
import { createToken } from './token.mjs';
import { createTheme } from './theme.mjs';
import { createDraft } from './draft.mjs';
import { createShare } from './share.mjs';
import { createBody } from './body.mjs';
import { createRequestBar } from './request-bar.mjs';
import { createProblems } from './problems.mjs';
import { createForm } from './form.mjs';
import { createSampleMenu } from './sample-menu.mjs';
import { createSnippets } from './snippets.mjs';
import { createResponse } from './response.mjs';
import { createHistory } from './history.mjs';
import { createRecords } from './records.mjs';
import { createPostmanExport } from './postman.mjs';
import { createLive } from './live.mjs';
import { createOffline } from './offline.mjs';
import { createImport } from './import.mjs';
import { createDeferred, idle } from './deferred.mjs';

// The WebAssembly core is already loading (boot.mjs): what the editor and the first validation
// need is built while it compiles, the rest once the page is ready.
performance.mark('usedinsight:script');

const saved = webStorage('localStorage'); // kept across visits
const savedForTab = webStorage('sessionStorage'); // kept until the tab closes: the token

/** @type {import('../insight.mjs').Insight | null} */
let insight = null;
/** core returns the WebAssembly API once it has loaded, null until then. */
const core = () => insight;

// The problems list and the marks follow each change within the frame, a change of the text
// within the change itself; the form and the snippets follow when typing pauses (live.mjs).
const live = createLive({ now: () => refresh(false), later: () => refresh() });

// The features reach each other through the objects below; a callback that names a feature
// created further down runs only after everything is created.
const draft = createDraft({ saved, request: () => requestBar.request() });
const share = createShare({ request: () => requestBar.request(), apply: (r) => requestBar.set(r) });
const initial = share.linked() ?? draft.restore() ?? { method: 'POST', version: 'v1.0', path: usedPath, collection: 'used', headers: '', body: seed };

const collection = createCollection({ initial: initial.collection, onChange: collectionChanged, onChoose: collectionChosen });
const endpoint = createEndpoint({ saved, onChange: () => requestBar.changed() });
const token = createToken({ endpoint, savedForTab, onChange: refreshSoon, onDevToken: () => panels.get().records.first() });
const body = createBody({ doc: initial.body, core, check: (text) => insight && live.inline(() => validate(text).problems), onChange: textChanged });
const requestBar = createRequestBar({ endpoint, token, body, collection, onSend: send, onChange: requestChanged });
const problems = createProblems({ select: body.select });
const form = createForm({ core, body, collection });
const sampleMenu = createSampleMenu({ body, requestBar, collection });
createTheme({ saved });

// The panels below the editor, and the offline copy: built once the page is ready and idle, or
// when the person reaches one of them first (deferred.mjs).
const panels = createDeferred(() => {
  const snippets = createSnippets({ core, request: requestBar.current });
  const response = createResponse({ core, endpoint, body, requestBar, collection });
  const history = createHistory({ saved, apply: requestBar.set });
  const records = createRecords({ endpoint, token, requestBar, response, history, collection });
  createPostmanExport({ request: requestBar.request, saved, endpoint });
  createImport({ core, endpoint, token, onImported: () => records.reload() });
  createOffline();
  snippets.render(); // (nothing before the module is ready: refresh renders them then)
  return { snippets, response, history, records };
}, ['snippets-title', 'response-title', 'records-title', 'history-title', 'import-title'].map((id) => $(id).closest('section')));

// A collection chosen (by the switch, a path, a link or the history) brings its form, samples,
// records and validation; chosen by the switch, it also retargets the path, and an unchanged
// sample of the collection before becomes one of this collection.
function collectionChanged() {
  form.build();
  sampleMenu.build();
  panels.built()?.records.switched();
  requestChanged();
}
function collectionChosen(c, previous) {
  requestBar.retarget(requestBar.method(), collectionPath(requestBar.path(), c.name));
  sampleMenu.follow(previous.name);
}

function requestChanged() {
  refreshSoon();
  draft.changed();
}

function refreshSoon() {
  live.changed();
}

// textChanged follows a change of the body's text, checked within the change when checked says
// its problems and where they are.
function textChanged(checked) {
  if (checked) problems.show(checked.problems, checked.ranges);
  live.changed(Boolean(checked));
  draft.changed();
}

// validate checks text as an item of the collection chosen.
function validate(text) {
  return insight.validate(text, { type: collection.current().typeName });
}

// refresh validates the body and brings the diagnostics and problems up to date, and unless
// views is false, the form and snippets too.
function refresh(views = true) {
  if (!insight) return;
  const doc = body.text();
  const report = validate(doc);
  problems.show(report.problems, body.showProblems(report.problems));
  if (!views) return;
  form.sync(doc, report);
  panels.built()?.snippets.render();
}

async function send() {
  const { response, history, records } = panels.get();
  if (response.busy()) return;
  const r = requestBar.current();
  if (r.headerError) {
    response.message('Not sent', r.headerError);
    return;
  }
  live.flush(); // the problems list is current when the response arrives
  const result = await response.exchange(r);
  history.add({ ...requestBar.request(), body: r.body, status: result.status, ms: result.ms });
  if (result.ok && r.method !== 'GET' && detectCollection(r.url) === collection.current().name) records.reload();
}

requestBar.set(initial);
problems.loading();
performance.mark('usedinsight:ui');

try {
  insight = await ready;
} catch (e) {
  problems.failed(`The validator could not load: ${e.message}`);
  $('ready-time').textContent = 'the module failed to load';
  throw e;
}
window.usedInsight = insight;
refresh(false); // the first diagnostics, as soon as the module is ready
performance.mark('usedinsight:ready');
$('ready-time').textContent = `ready ${performance.now().toFixed(0)} ms after navigation`;

refresh(); // the form, and the panels when they are built
idle(panels.get);
if (await token.restore()) panels.get().records.first();
