// The JSON editor: CodeMirror 6 with JSON highlighting, folding, bracket matching, and the Go
// validator's problems as inline diagnostics. The page decides when validation runs: within
// each change of the text (createEditor's check), so that the marks come with the change in
// one update of the view, or later (showDiagnostics).

import { EditorState, StateEffect } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection, dropCursor,
  highlightSpecialChars,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { syntaxHighlighting, HighlightStyle, bracketMatching, foldGutter, foldKeymap, indentOnInput } from '@codemirror/language';
import { linter, lintGutter, setDiagnosticsEffect, lintKeymap } from '@codemirror/lint';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { tags } from '@lezer/highlight';

// Colours come from CSS variables (playground.css), so one theme serves light and dark.
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--tok-property)' },
  { tag: tags.string, color: 'var(--tok-string)' },
  { tag: tags.number, color: 'var(--tok-number)' },
  { tag: [tags.bool, tags.null], color: 'var(--tok-literal)' },
  { tag: [tags.brace, tags.squareBracket, tags.separator, tags.punctuation], color: 'var(--tok-punct)' },
  { tag: tags.invalid, color: 'var(--error)' },
]);

const theme = EditorView.theme({
  '&': { color: 'var(--fg)', backgroundColor: 'var(--editor-bg)', flex: '1 1 0', minHeight: '0', fontSize: '13px' },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '-2px' },
  '.cm-content': { caretColor: 'var(--fg)', fontFamily: 'var(--mono)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--editor-active)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--editor-active)' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-panels': { backgroundColor: 'var(--panel)', color: 'var(--fg)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--error)' },
  '.cm-diagnostic-warning': { borderLeftColor: 'var(--warning)' },
});

// checked carries what check returned for a transaction's new text, to the update listener.
const checked = StateEffect.define();

/**
 * createEditor mounts the editor in a shadow root of host, which it fills. Each transaction that
 * changes the text asks check(doc) about its new text, within the transaction: check returns
 * null, or the diagnostics of that text and a result of its own ({diagnostics, result}), and the
 * diagnostics are shown with the change. onChange(update, result) is called whenever the text
 * changes, with the result of the update's last check (undefined when there was none).
 * @param {HTMLElement} host
 * @param {string} doc
 * @param {object} o
 * @param {(update: import('@codemirror/view').ViewUpdate, result: any) => void} o.onChange
 * @param {(doc: import('@codemirror/state').Text) => ({diagnostics: import('@codemirror/lint').Diagnostic[], result: any} | null)} o.check
 */
export function createEditor(host, doc, { onChange, check }) {
  // In a shadow root, CodeMirror's styles go in a constructed style sheet (adoptedStyleSheets);
  // in the document they would need a <style> element, which the page's CSP (style-src 'self',
  // no 'unsafe-inline') refuses.
  const shadow = host.attachShadow({ mode: 'open' });
  const parent = document.createElement('div');
  // The editor fills its host (playground.css sizes the host). CSSOM, which the CSP allows.
  Object.assign(parent.style, { flex: '1 1 0', minWidth: '0', minHeight: '0', display: 'flex', flexDirection: 'column' });
  shadow.append(parent);
  return new EditorView({
    root: shadow,
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        foldGutter(),
        drawSelection(),
        dropCursor(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        linter(null), // the diagnostics' state, with no source of its own: they come from check and showDiagnostics
        lintGutter(),
        json(),
        syntaxHighlighting(highlight),
        theme,
        EditorState.tabSize.of(2),
        EditorView.lineWrapping,
        // Tab is left to move the focus (keyboard use); no Tab binding here.
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, ...lintKeymap]),
        EditorView.contentAttributes.of({ 'aria-label': 'Request body (JSON)' }),
        EditorState.transactionExtender.of((tr) => {
          const c = tr.docChanged ? check(tr.newDoc) : null;
          return c && { effects: [setDiagnosticsEffect.of(c.diagnostics), checked.of(c.result)] };
        }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          let result;
          for (const tr of u.transactions) {
            for (const e of tr.effects) if (e.is(checked)) result = e.value;
          }
          onChange(u, result);
        }),
      ],
    }),
  });
}

/** setText replaces the whole text of the editor (one undoable change). */
export function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// tokenEnd returns where the JSON token starting at from ends: a whole string, a word or number,
// one bracket otherwise; within the line.
function tokenEnd(doc, from) {
  const line = doc.lineAt(from);
  const rest = doc.sliceString(from, Math.min(line.to, from + 5000));
  if (rest[0] === '"') {
    for (let i = 1; i < rest.length; i++) {
      if (rest[i] === '\\') i++;
      else if (rest[i] === '"') return from + i + 1;
    }
    return from + rest.length;
  }
  const m = /^[\w.+-]+/.exec(rest);
  return from + (m ? m[0].length : Math.min(1, rest.length));
}

/**
 * diagnosticsOf turns the validator's problems (1-based line, column in UTF-16 code units)
 * into editor ranges.
 */
export function diagnosticsOf(doc, problems) {
  return problems.map((p) => {
    const line = doc.line(Math.min(Math.max(p.line, 1), doc.lines));
    const from = Math.min(line.from + Math.max(p.column, 1) - 1, line.to);
    return {
      from,
      to: tokenEnd(doc, from),
      severity: p.severity === 'warning' ? 'warning' : 'error',
      source: p.path ? `${p.code} · ${p.path}` : p.code,
      message: p.message,
    };
  });
}

/** showDiagnostics sets the editor's diagnostics. */
export function showDiagnostics(view, diagnostics) {
  view.dispatch({ effects: setDiagnosticsEffect.of(diagnostics) });
}

/** jump selects [from, to) and scrolls it into view, with the focus in the editor. */
export function jump(view, from, to) {
  view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
  view.focus();
}
