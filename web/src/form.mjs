// The form: one input for every property of the chosen collection's resource, built from the
// description of the resources (resources.mjs) and kept in sync with the JSON text both ways.
// Typing in a field changes only that member of the text; each change of the text fills the
// other fields and shows each field's first problem beside it.

import { h, $ } from './dom.mjs';
import { setField, parse, valuesOf } from './jsonedit.mjs';
import { mediaTypes } from './samples.mjs';
import { limits } from './resources.mjs';

const fieldId = (path) => `field-${path.replaceAll('.', '-')}`;

// A JSON number as the form writes it into the text unquoted; anything else typed in a number
// field is written as a string, for the validator to judge.
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

// What a value of each kind looks like, said under its field.
const kindHints = {
  id: `1 to ${limits.maxIdLength} of A–Z a–z 0–9 - _ . ~`,
  dateTime: 'such as 2016-12-31T23:58:50.8669622+03:00',
  url: 'an absolute http or https URL',
  number: 'a number, such as 0.75',
};

/** hintOf is the text under a field: required or not, what it holds, what it looks like. */
export function hintOf(field) {
  const parts = [field.required ? 'Required.' : '', field.doc ?? ''];
  if (kindHints[field.kind]) parts.push(`(${kindHints[field.kind]})`);
  if (field.kind === 'array') parts.push(`At most ${field.maxItems} ${field.type} objects: edit them in the JSON text.`);
  return parts.filter(Boolean).join(' ');
}

/** suggestionsOf is what a field's datalist offers: its documented values, or media types. */
export function suggestionsOf(field) {
  return field.values ?? (field.check === 'mediaType' ? mediaTypes : null);
}

/** formValue is what a field's text writes into the JSON: a number unquoted, else the string. */
export function formValue(field, text) {
  const t = text.trim();
  return field.kind === 'number' && JSON_NUMBER.test(t) ? { raw: t } : text;
}

/**
 * createForm builds the form of collection.current() (a collection of resources.mjs); it
 * writes into the request body (body.mjs). core returns the loaded WebAssembly API, or null
 * while it loads.
 */
export function createForm({ core, body, collection }) {
  const form = $('form');
  let fields = []; // the collection's fields, each {field, input, message}
  let paths = []; // their paths, in the description's order

  function showNote(message) {
    const note = $('form-note');
    note.textContent = message;
    note.hidden = !message;
  }

  // changed writes a field into the JSON text: only that member changes.
  function changed(field, text) {
    const doc = body.text();
    const empty = !doc.trim(); // written as a new object
    const from = empty ? '{}' : doc;
    let change;
    try {
      change = setField(from, field.path, formValue(field, text), paths);
    } catch (e) {
      showNote(`The form cannot write ${field.path}: ${e.message}. Fix the JSON text first.`);
      return;
    }
    if (!change) return;
    if (empty) body.set(from.slice(0, change.from) + change.insert + from.slice(change.to));
    else body.edit(change);
  }

  // label is the field's name; its accessible name is the whole path ("lastShared.sharedBy.id"),
  // the parent part being shown by the fieldsets' legends.
  function label(path, id) {
    const cut = path.lastIndexOf('.') + 1;
    return h('label', { for: id }, h('span', { class: 'visually-hidden' }, path.slice(0, cut)), path.slice(cut));
  }

  function fieldRow(field) {
    const { path, kind } = field;
    const id = fieldId(path);
    const hint = hintOf(field);
    const message = h('span', { id: `${id}-msg`, class: 'field-msg' });
    const described = `${id}-msg${hint ? ` ${id}-hint` : ''}`;
    let input;
    let control;
    if (kind === 'array') {
      // An array of objects is shown as its count; its entries are edited in the JSON text.
      input = h('output', { id, 'data-path': path, 'aria-describedby': described });
      control = input;
    } else {
      const list = suggestionsOf(field);
      const listId = list ? `${id}-list` : null;
      input = h('input', {
        id, type: 'text', spellcheck: 'false', autocomplete: 'off', list: listId,
        inputmode: kind === 'url' ? 'url' : kind === 'number' ? 'decimal' : null,
        'aria-describedby': described, 'data-path': path, 'data-kind': kind,
        'aria-required': field.required ? 'true' : null,
      });
      input.addEventListener('input', () => changed(field, input.value));
      control = h('div', { class: 'field-input' },
        input,
        kind === 'dateTime' ? h('button', {
          type: 'button', class: 'small', 'aria-label': `Set ${path} to now`,
          onclick: () => {
            input.value = new Date().toISOString();
            changed(field, input.value);
          },
        }, 'Now') : null,
        listId ? h('datalist', { id: listId }, list.map((v) => h('option', { value: v }))) : null);
    }
    fields.push({ field, input, message });
    return h('div', { class: 'field-row' }, label(path, id), control,
      hint ? h('span', { id: `${id}-hint`, class: 'hint' }, hint) : null, message);
  }

  function legend(text, type, required) {
    return h('legend', {}, text, type ? h('span', { class: 'type' }, ` ${type}`) : null, required ? h('span', { class: 'type' }, ' (required)') : null);
  }

  /** build makes the fields of the collection chosen, in place of those shown. */
  function build() {
    const c = collection.current();
    fields = [];
    paths = c.fields.map((f) => f.path);
    // The entity's own scalar members first, then a fieldset for each object member, nested as
    // the objects are.
    const top = h('fieldset', {}, legend(c.typeName, null, false));
    const sets = new Map([['', top]]);
    const out = [top];
    for (const f of c.fields) {
      const cut = f.path.lastIndexOf('.');
      const parent = sets.get(cut < 0 ? '' : f.path.slice(0, cut)) ?? top;
      if (f.kind === 'object') {
        const fs = h('fieldset', { 'data-path': f.path }, legend(f.path.slice(cut + 1), f.type, f.required));
        sets.set(f.path, fs);
        if (cut < 0) out.push(fs);
        else parent.append(fs);
      } else {
        parent.append(fieldRow(f));
      }
    }
    form.dataset.collection = c.name;
    form.replaceChildren(...out);
  }

  build();

  return {
    build,
    /**
     * sync fills the form from the JSON text doc (except the field being typed in) and shows
     * each field's first problem of the validator's report beside it.
     */
    sync(doc, report) {
      const insight = core();
      if (!insight) return;
      const root = doc.trim() ? parse(doc) : { type: 'object', members: [] };
      const editable = root?.type === 'object';
      showNote(editable ? '' : root ? 'The request body is not a JSON object: the form is read-only.'
        : 'The request body is not JSON yet: the form shows what it can read and is read-only until the text is fixed.');
      // Text that is not JSON: the core reads what it can.
      const values = root ? valuesOf(doc, root, paths)
        : new Map(Object.entries(insight.fieldsOf(doc, { type: collection.current().typeName })));
      const problems = report.problems;
      for (const { field, input, message } of fields) {
        const v = values.get(field.path);
        if (field.kind === 'array') {
          input.value = typeof v === 'object' ? `${v.count} ${v.count === 1 ? 'entry' : 'entries'}` : 'none';
        } else {
          input.readOnly = !editable;
          if (input !== document.activeElement) input.value = typeof v === 'string' ? v : '';
        }
        // An array's problems are those of its entries too.
        const p = problems.find((x) => x.path === field.path || (field.kind === 'array' && x.path.startsWith(field.path) && /^\W/.test(x.path.slice(field.path.length))));
        message.textContent = p ? p.message : '';
        message.className = `field-msg ${p ? p.severity : ''}`;
        message.parentElement.classList.toggle('has-msg', Boolean(p));
        if (p?.severity === 'error') input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
    },
  };
}
