// The history: the requests sent from this browser (localStorage), newest first, each a button
// that puts the request back in the request bar and editor.

import { h, $, displayText } from './dom.mjs';
import { shareFragment, readFragment } from './request.mjs';

const HISTORY_MAX = 30;

/** createHistory shows the saved history; apply puts a request of it back in the page. */
export function createHistory({ saved, apply }) {
  const list = $('history');

  function read() {
    try {
      const entries = JSON.parse(saved.get('history') ?? '[]');
      // Entries are objects, never arrays (whose `at` is Array.prototype.at, a function).
      return Array.isArray(entries) ? entries.filter((e) => e && typeof e === 'object' && !Array.isArray(e)) : [];
    } catch {
      return [];
    }
  }

  // An entry from storage may hold anything: each member is shown as text, and the request it
  // puts back goes through a share link's encoding and checks, like a request from a link.
  function item(e) {
    return h('li', {},
      h('button', {
        type: 'button', class: 'history-item', title: 'Put this request back in the request bar and editor',
        onclick: () => apply(readFragment(shareFragment({
          method: displayText(e.method), version: displayText(e.version), path: displayText(e.path), collection: displayText(e.collection),
          headers: displayText(e.headers), body: displayText(e.body),
        }))),
      },
      h('span', { class: 'method' }, displayText(e.method)),
      h('span', { class: 'hpath' }, `${e.version ? `/${displayText(e.version)}` : ''}${displayText(e.path)}`),
      h('span', { class: 'hstatus', 'data-class': displayText(e.status).slice(0, 1) }, e.status ? displayText(e.status) : 'failed'),
      h('span', { class: 'hmeta' }, `${typeof e.ms === 'number' ? `${e.ms.toFixed(0)} ms · ` : ''}${displayText(e.at).slice(11, 19)}`)));
  }

  function render() {
    const entries = read();
    list.replaceChildren(...(entries.length ? entries.map(item) : [h('li', { class: 'empty' }, 'Requests you send appear here.')]));
  }

  $('history-clear').addEventListener('click', () => {
    saved.set('history', null);
    render();
  });
  render();

  return {
    /** add puts a request sent, with its status and time, at the top of the history. */
    add(entry) {
      const entries = [{ at: new Date().toISOString(), ...entry }, ...read()].slice(0, HISTORY_MAX);
      saved.set('history', JSON.stringify(entries));
      render();
    },
  };
}
