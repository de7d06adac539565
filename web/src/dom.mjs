// DOM helpers of the playground. Everything a payload or a response carries reaches the page
// through h's string children (text nodes) or attribute values (setAttribute): never as HTML.

/**
 * h creates an element. props: class, on<event> handlers, other attributes (true: present,
 * false or null: absent); children: nodes, strings (as text), arrays of them, null.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') {
      el.className = v;
    } else if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else if (v !== false && v != null) {
      el.setAttribute(k, String(v));
    }
  }
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return el;
}

/** $ returns the element with the id, which the page must have. */
export function $(id) {
  const el = document.getElementById(id);
  if (!el) {
    throw new Error(`the page has no #${id}`);
  }
  return el;
}

/**
 * displayText turns a JSON value into the string the page shows for it (in a table cell, a
 * history entry, a token's claims): a string as it is, null or undefined as '', any other
 * value as its JSON.
 */
export function displayText(v) {
  if (v == null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? ''; // undefined for a function, which no JSON value is
}

/** copyText puts text on the clipboard; false when the browser would not. */
export async function copyText(value, fallbackElement) {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    // Not allowed (no permission, or not a secure context): select it so that a person can copy.
    if (fallbackElement) {
      const range = document.createRange();
      range.selectNodeContents(fallbackElement);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    return false;
  }
}
