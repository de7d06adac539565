// The form: one input for every property of the resource, kept in sync with the JSON text both
// ways. Typing in a field changes only that member of the text; each change of the text fills
// the other fields and shows each field's first problem beside it.

import { h, $ } from './dom.mjs';
import { setField, parse } from './jsonedit.mjs';
import * as samples from './samples.mjs';

const fieldDefs = [
  { group: 'usedInsight', paths: [['id', { hint: 'optional: 1 to 512 of A–Z a–z 0–9 - _ . ~; the server assigns one otherwise' }]] },
  {
    group: 'lastUsed', type: 'usageDetails', paths: [
      ['lastUsed.lastAccessedDateTime', { kind: 'datetime', required: true, hint: 'required, such as 2016-12-31T23:58:50.8669622+03:00' }],
      ['lastUsed.lastModifiedDateTime', { kind: 'datetime' }],
    ],
  },
  {
    group: 'resourceVisualization', type: 'resourceVisualization', paths: [
      ['resourceVisualization.title', {}],
      ['resourceVisualization.type', { list: samples.types, hint: 'Word, Excel, PowerPoint, Pdf, Visio, …' }],
      ['resourceVisualization.mediaType', { list: samples.mediaTypes, hint: 'a type/subtype media type' }],
      ['resourceVisualization.previewImageUrl', { kind: 'url' }],
      ['resourceVisualization.previewText', {}],
      ['resourceVisualization.containerWebUrl', { kind: 'url' }],
      ['resourceVisualization.containerDisplayName', {}],
      ['resourceVisualization.containerType', { list: samples.containerTypes, hint: 'OneDriveBusiness, Site, Mail, DropBox, Box, GDrive' }],
    ],
  },
  {
    group: 'resourceReference', type: 'resourceReference', paths: [
      ['resourceReference.webUrl', { kind: 'url', hint: 'an id or a webUrl is required' }],
      ['resourceReference.id', {}],
      ['resourceReference.type', { hint: 'such as microsoft.graph.driveItem' }],
    ],
  },
];

const fieldId = (path) => `field-${path.replaceAll('.', '-')}`;

/**
 * createForm builds the form's fields; it writes into the request body (body.mjs). core
 * returns the loaded WebAssembly API, or null while it loads.
 */
export function createForm({ core, body }) {
  const form = $('form');
  const inputs = new Map(); // path → {input, message}

  function showNote(message) {
    const note = $('form-note');
    note.textContent = message;
    note.hidden = !message;
  }

  // changed writes a field into the JSON text: only that member changes.
  function changed(path, value) {
    const insight = core();
    if (!insight) return;
    const doc = body.text();
    if (!doc.trim()) {
      body.set(insight.build({ [path]: value }));
      return;
    }
    let change;
    try {
      change = setField(doc, path, value, insight.fieldPaths);
    } catch (e) {
      showNote(`The form cannot write ${path}: ${e.message}. Fix the JSON text first.`);
      return;
    }
    if (change) body.edit(change);
  }

  function fieldRow(path, def) {
    const id = fieldId(path);
    const name = path.split('.').at(-1);
    const parent = path.includes('.') ? `${path.split('.')[0]}.` : '';
    const listId = def.list ? `${id}-list` : null;
    const input = h('input', {
      id, type: 'text', spellcheck: 'false', autocomplete: 'off', list: listId,
      inputmode: def.kind === 'url' ? 'url' : null,
      'aria-describedby': `${id}-msg${def.hint ? ` ${id}-hint` : ''}`,
      'data-path': path,
      'aria-required': def.required ? 'true' : null,
    });
    input.addEventListener('input', () => changed(path, input.value));
    const message = h('span', { id: `${id}-msg`, class: 'field-msg' });
    const row = h('div', { class: 'field-row' },
      // The accessible name is the whole path ("resourceReference.id"); the parent part is
      // shown by the fieldset's legend.
      h('label', { for: id }, h('span', { class: 'visually-hidden' }, parent), name),
      h('div', { class: 'field-input' },
        input,
        def.kind === 'datetime' ? h('button', {
          type: 'button', class: 'small', 'aria-label': `Set ${path} to now`,
          onclick: () => {
            input.value = new Date().toISOString();
            changed(path, input.value);
          },
        }, 'Now') : null),
      def.hint ? h('span', { id: `${id}-hint`, class: 'hint' }, def.hint) : null,
      message,
      listId ? h('datalist', { id: listId }, def.list.map((v) => h('option', { value: v }))) : null);
    inputs.set(path, { input, message });
    return row;
  }

  for (const { group, type, paths } of fieldDefs) {
    const fs = h('fieldset', {}, h('legend', {}, group, type ? h('span', { class: 'type' }, ` ${type}`) : null, group !== 'usedInsight' ? h('span', { class: 'type' }, ' (required)') : null));
    for (const [path, def] of paths) {
      fs.append(fieldRow(path, def));
    }
    form.append(fs);
  }

  return {
    /** addMissing adds a plain field for each property the validator knows and the form does not. */
    addMissing(fieldPaths) {
      for (const path of fieldPaths) {
        if (!inputs.has(path)) form.append(fieldRow(path, {}));
      }
    },
    /**
     * sync fills the form from the JSON text doc (except the field being typed in) and shows
     * each field's first problem of the validator's report beside it.
     */
    sync(doc, report) {
      const insight = core();
      if (!insight) return;
      const root = doc.trim() ? parse(doc) : { type: 'object' };
      const editable = root?.type === 'object';
      showNote(editable ? '' : root ? 'The request body is not a JSON object: the form is read-only.'
        : 'The request body is not JSON yet: the form shows what it can read and is read-only until the text is fixed.');
      const fields = insight.fieldsOf(doc);
      const byPath = new Map();
      for (const p of report.problems) {
        if (!byPath.has(p.path)) byPath.set(p.path, p);
      }
      for (const [path, { input, message }] of inputs) {
        input.readOnly = !editable;
        if (input !== document.activeElement) {
          input.value = fields[path] ?? '';
        }
        const p = byPath.get(path);
        message.textContent = p ? p.message : '';
        message.className = `field-msg ${p ? p.severity : ''}`;
        message.parentElement.classList.toggle('has-msg', Boolean(p));
        if (p?.severity === 'error') input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
    },
  };
}
