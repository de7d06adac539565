// The problems list: the validator's report on the request body, each problem a button that
// selects it in the editor.

import { h, $ } from './dom.mjs';

/** createProblems lists problems; select(from, to) shows a problem's range in the editor. */
export function createProblems({ select }) {
  const list = $('problems-list');
  return {
    /** show lists the problems, ranges[i] being where problems[i] is in the text. */
    show(problems, ranges) {
      const errors = problems.filter((p) => p.severity === 'error').length;
      const warnings = problems.length - errors;
      $('problems-count').textContent = problems.length === 0 ? '' : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
      $('problems').dataset.state = errors ? 'error' : warnings ? 'warning' : 'ok';
      list.replaceChildren(...(problems.length === 0
        ? [h('li', { class: 'ok' }, 'No problems: the server will accept this body.')]
        : problems.map((p, i) => h('li', { class: p.severity },
          h('button', { type: 'button', class: 'problem', onclick: () => select(ranges[i].from, ranges[i].to) },
            h('span', { class: 'sev' }, p.severity === 'error' ? 'Error' : 'Warning'),
            h('span', { class: 'msg' }, p.message),
            h('span', { class: 'where' }, `${p.path || '(body)'} · line ${p.line}, column ${p.column}`))))));
    },
    loading() {
      list.replaceChildren(h('li', {}, 'Loading the validator…'));
    },
    failed(message) {
      list.replaceChildren(h('li', { class: 'error' }, message));
    },
  };
}
