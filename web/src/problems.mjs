// The problems list: the validator's report on the request body, each problem a button that
// selects it in the editor. It is updated in place: a keystroke usually changes one problem's
// text, if any, and the other entries' elements stay as they are (less for the browser to style
// and lay out before the next frame).

import { h, $ } from './dom.mjs';

// setText changes an element's text only when it differs.
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** createProblems lists problems; select(from, to) shows a problem's range in the editor. */
export function createProblems({ select }) {
  const list = $('problems-list');
  const entries = []; // the entries shown, one a problem: {li, sev, msg, where}
  let ranges = []; // where each problem shown is in the text

  function entry(i) {
    const e = { sev: h('span', { class: 'sev' }), msg: h('span', { class: 'msg' }), where: h('span', { class: 'where' }) };
    e.li = h('li', {}, h('button', { type: 'button', class: 'problem', onclick: () => select(ranges[i].from, ranges[i].to) }, e.sev, e.msg, e.where));
    return e;
  }

  function message(li) {
    entries.length = 0;
    list.replaceChildren(li);
  }

  return {
    /** show lists the problems, ranges[i] being where problems[i] is in the text. */
    show(problems, where) {
      ranges = where;
      const errors = problems.filter((p) => p.severity === 'error').length;
      const warnings = problems.length - errors;
      setText($('problems-count'), problems.length === 0 ? '' : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
      $('problems').dataset.state = errors ? 'error' : warnings ? 'warning' : 'ok';
      if (problems.length === 0) {
        message(h('li', { class: 'ok' }, 'No problems: the server will accept this body.'));
        return;
      }
      if (entries.length === 0) list.replaceChildren();
      problems.forEach((p, i) => {
        if (i === entries.length) {
          entries.push(entry(i));
          list.append(entries[i].li);
        }
        const e = entries[i];
        if (e.li.className !== p.severity) e.li.className = p.severity;
        setText(e.sev, p.severity === 'error' ? 'Error' : 'Warning');
        setText(e.msg, p.message);
        setText(e.where, `${p.path || '(body)'} · line ${p.line}, column ${p.column}`);
      });
      while (entries.length > problems.length) entries.pop().li.remove();
    },
    loading() {
      message(h('li', {}, 'Loading the validator…'));
    },
    failed(text) {
      message(h('li', { class: 'error' }, text));
    },
  };
}
