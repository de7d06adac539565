// The request body: the JSON editor (editor.mjs) with the validator's problems inline, Format
// and Minify, and the note beside them (the method sends no body, or the text is not JSON).

import { $ } from './dom.mjs';
import { createEditor, setText, diagnosticsOf, showDiagnostics, jump } from './editor.mjs';
import { hasBody } from './request.mjs';

/**
 * createBody mounts the editor with the text doc. Each change of the text asks check(text) for
 * the validator's problems of the new text, within the change (null: not now), and shows them
 * as marks with it; onChange(checked) is called whenever the text changes, with the problems
 * and their ranges ({problems, ranges}) when check gave some. core returns the loaded
 * WebAssembly API, or null while it loads.
 */
export function createBody({ doc, core, check, onChange }) {
  const view = createEditor($('editor'), doc, {
    check(d) {
      const problems = check(d.toString());
      if (!problems) return null;
      const ranges = diagnosticsOf(d, problems);
      return { diagnostics: ranges, result: { problems, ranges } };
    },
    onChange: (u, result) => onChange(result),
  });
  const note = $('body-note');
  let method = '';

  const text = () => view.state.doc.toString();
  const methodNote = () => (hasBody(method) ? '' : `${method} sends no body`);

  function reformat(op) {
    const insight = core();
    if (!insight) return;
    try {
      setText(view, insight[op](text()));
      note.textContent = methodNote();
    } catch (e) {
      note.textContent = `Not JSON: ${e.message}`;
    }
  }
  $('format').addEventListener('click', () => reformat('format'));
  $('minify').addEventListener('click', () => reformat('minify'));

  return {
    text,
    /** set replaces the whole text (one undoable change). */
    set: (t) => setText(view, t),
    /** edit applies a change that the form made to the text. */
    edit: (changes) => view.dispatch({ changes, userEvent: 'input.form' }),
    /** showProblems marks the validator's problems in the text and returns their ranges. */
    showProblems(problems) {
      const ranges = diagnosticsOf(view.state.doc, problems);
      showDiagnostics(view, ranges);
      return ranges;
    },
    /** select selects [from, to) with the focus in the editor. */
    select: (from, to) => jump(view, from, to),
    /** methodChanged notes whether the request's method sends this text. */
    methodChanged(m) {
      method = m;
      note.textContent = methodNote();
    },
  };
}
