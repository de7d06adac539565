// The usedInsight playground: Graph Explorer for /me/insights/used, with the service's own Go
// validator (../insight.mjs and insight.wasm) checking the request body as it is typed.
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
import { collection } from './request.mjs';
import { seed } from './samples.mjs';
import { webStorage } from './web-storage.mjs';
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
import { createImport } from './import.mjs';

// The WebAssembly core is already loading (boot.mjs): everything else is built while it compiles.
performance.mark('usedinsight:script');

const VALIDATE_DELAY = 120; // ms after the last change; typing never waits on validation

const saved = webStorage('localStorage'); // kept across visits
const savedForTab = webStorage('sessionStorage'); // kept until the tab closes: the token

/** @type {import('../insight.mjs').Insight | null} */
let insight = null;
/** core returns the WebAssembly API once it has loaded, null until then. */
const core = () => insight;

// The features reach each other through the objects below; a callback that names a feature
// created further down runs only after everything is created.
const draft = createDraft({ saved, request: () => requestBar.request() });
const share = createShare({ request: () => requestBar.request(), apply: (r) => requestBar.set(r) });
const initial = share.linked() ?? draft.restore() ?? { method: 'POST', version: 'v1.0', path: collection, headers: '', body: seed };

const endpoint = createEndpoint({ saved, onChange: () => requestBar.changed() });
const token = createToken({ endpoint, savedForTab, onChange: refreshSoon, onDevToken: () => records.first() });
const body = createBody({ doc: initial.body, core, onChange: requestChanged });
const requestBar = createRequestBar({ endpoint, token, body, onSend: send, onChange: requestChanged });
const problems = createProblems({ select: body.select });
const form = createForm({ core, body });
const snippets = createSnippets({ core, request: requestBar.current });
const response = createResponse({ core, endpoint, body, requestBar });
const history = createHistory({ saved, apply: requestBar.set });
const records = createRecords({ endpoint, token, requestBar, response, history });
createSampleMenu({ core, body, requestBar });
createTheme({ saved });
createImport({ core, endpoint, token, onImported: () => records.reload() });

function requestChanged() {
  refreshSoon();
  draft.changed();
}

let refreshTimer = 0;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, VALIDATE_DELAY);
}

// refresh validates the body and brings the diagnostics, problems, form and snippets up to date.
function refresh() {
  clearTimeout(refreshTimer);
  if (!insight) return;
  const doc = body.text();
  const report = insight.validate(doc);
  problems.show(report.problems, body.showProblems(report.problems));
  form.sync(doc, report);
  snippets.render();
}

async function send() {
  if (response.busy()) return;
  const r = requestBar.current();
  if (r.headerError) {
    response.message('Not sent', r.headerError);
    return;
  }
  refresh(); // the problems list is current when the response arrives
  const result = await response.exchange(r);
  history.add({ ...requestBar.request(), body: r.body, status: result.status, ms: result.ms });
  if (result.ok && r.method !== 'GET' && /\/insights\/used/.test(r.url)) records.reload();
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
performance.mark('usedinsight:ready');
$('ready-time').textContent = `ready ${performance.now().toFixed(0)} ms after navigation`;

snippets.build(insight.languages);
form.addMissing(insight.fieldPaths); // a property the page does not know yet gets a plain field
refresh();
if (await token.restore()) records.first();
