// The "Samples" menu: puts a sample payload (samples.mjs) in the editor, and makes the request
// a POST to the collection when it was something else.

import { $ } from './dom.mjs';
import { collection } from './request.mjs';
import * as samples from './samples.mjs';

/** createSampleMenu writes into the body (body.mjs); core returns the WebAssembly API or null. */
export function createSampleMenu({ core, body, requestBar }) {
  const menu = $('samples');
  menu.addEventListener('change', () => {
    const which = menu.value;
    menu.value = '';
    const now = new Date().toISOString();
    const text = which === 'seed' ? samples.seed : which === 'complete' ? samples.complete : which === 'problems' ? samples.withProblems
      : which === 'minimal' ? core()?.build(samples.minimalFields(now), { odataTypes: false }) ?? '' : which === 'empty' ? '' : null;
    if (text == null) return;
    body.set(text);
    if (requestBar.method() !== 'POST' && which !== 'empty') requestBar.retarget('POST', collection);
  });
}
