// The collection switch of the request bar: which collection of insights (used, trending,
// shared) the request is for. Its choices, and everything the page shows of a collection (the
// form, the samples, the records view, the validator's type), come from the description of the
// resources (resources.mjs).

import { h, $ } from './dom.mjs';
import { collections } from './resources.mjs';

const byName = (name) => collections.find((c) => c.name === name) ?? null;

/**
 * createCollection fills the switch and starts at the collection called initial. onChange(c)
 * is called whenever the collection changes, however it changed; onChoose(c, previous) too,
 * after it, when the person chose it with the switch.
 */
export function createCollection({ initial, onChange, onChoose }) {
  const select = $('collection');
  select.replaceChildren(...collections.map((c) => h('option', { value: c.name, title: c.doc }, c.name)));
  let current = byName(initial) ?? collections[0];
  select.value = current.name;

  /** set makes the collection called name the current one; false when it already was (or is none). */
  function set(name) {
    const c = byName(name);
    if (!c || c === current) return false;
    current = c;
    select.value = c.name;
    onChange(c);
    return true;
  }

  select.addEventListener('change', () => {
    const previous = current;
    if (set(select.value)) onChoose(current, previous);
  });

  return {
    /** current is the description of the collection chosen (an element of resources.mjs's collections). */
    current: () => current,
    set,
  };
}
