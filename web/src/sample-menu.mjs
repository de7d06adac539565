// The "Samples" menu: the chosen collection's sample payloads (samples.mjs); choosing one puts it
// in the editor, and makes the request a POST to the collection when it was something else.

import { h, $ } from './dom.mjs';
import { collectionPath } from './request.mjs';
import { menus } from './samples.mjs';

const textOf = (sample) => sample.text ?? sample.make(new Date().toISOString());

/** createSampleMenu writes into the body (body.mjs) for the collection of collection.mjs. */
export function createSampleMenu({ body, requestBar, collection }) {
  const menu = $('samples');
  const samples = () => menus[collection.current().name] ?? [];

  menu.addEventListener('change', () => {
    const which = menu.value;
    menu.value = '';
    const sample = samples().find((s) => s.value === which);
    if (!sample && which !== 'empty') return;
    body.set(sample ? textOf(sample) : '');
    if (requestBar.method() !== 'POST' && sample) requestBar.retarget('POST', collectionPath(requestBar.path(), collection.current().name));
  });

  /** build lists the samples of the collection chosen. */
  function build() {
    menu.replaceChildren(h('option', { value: '' }, 'Load a sample…'),
      ...samples().map((s) => h('option', { value: s.value }, s.label)),
      h('option', { value: 'empty' }, 'Empty'));
  }
  build();

  return {
    build,
    /**
     * follow replaces a body that is an unchanged sample of the collection called previous by
     * the first sample of the collection chosen now; any other body stays as it is.
     */
    follow(previous) {
      const text = body.text();
      if (!(menus[previous] ?? []).some((s) => s.text === text)) return;
      const first = samples()[0];
      if (first) body.set(textOf(first));
    },
  };
}
