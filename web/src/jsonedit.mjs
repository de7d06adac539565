// Minimal text edits of a JSON payload for the playground's form: setting one member changes
// only that member's value (or inserts the member, in the order of the Go core's field paths,
// in the surrounding style of indentation), so that the rest of the text, its formatting,
// its annotations and the cursor stay as the person left them.

/**
 * A parsed JSON value with its place in the text (UTF-16 indexes, as CodeMirror counts).
 * @typedef {{type: 'object', start: number, end: number, members: Member[]} |
 *   {type: 'array', start: number, end: number, count: number} |
 *   {type: 'string'|'number'|'literal', start: number, end: number}} Node
 * @typedef {{key: string, start: number, value: Node}} Member start is the key's opening quote
 */

/** parse returns the tree of a JSON text, or null when the text is not one JSON value. */
export function parse(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = () => {
    throw new SyntaxError(`unexpected input at ${i}`);
  };
  function string() {
    const start = i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) {
          fail();
        }
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
    return { type: 'string', start, end: i, text: text.slice(start, i) };
  }
  function value(depth) {
    if (depth > 64) fail();
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { type: 'object', start, end: i, members };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const k = string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        const v = value(depth + 1);
        members.push({ key: JSON.parse(k.text), start: k.start, value: v });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { type: 'object', start, end: i, members };
        }
        fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return { type: 'array', start, end: i, count: 0 };
      }
      for (let count = 1; ; count++) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { type: 'array', start, end: i, count };
        }
        fail();
      }
    }
    if (c === '"') {
      const s = string();
      return { type: 'string', start: s.start, end: s.end };
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m[0].length;
    return { type: /^[tfn]/.test(m[0]) ? 'literal' : 'number', start, end: i };
  }
  try {
    const v = value(0);
    ws();
    return i === text.length ? v : null;
  } catch {
    return null;
  }
}

// lineIndent returns the white space that starts the line holding position pos.
function lineIndent(text, pos) {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))[0];
}

// style describes how an object's members are laid out: on lines of their own (indent is
// their indentation) or on the object's line.
function style(text, obj) {
  const parentIndent = lineIndent(text, obj.start);
  if (obj.members.length === 0) {
    return { multiline: null, indent: parentIndent, parentIndent };
  }
  const first = obj.members[0].start;
  const before = text.slice(obj.start + 1, first);
  if (before.includes('\n')) {
    return { multiline: true, indent: before.slice(before.lastIndexOf('\n') + 1), parentIndent };
  }
  return { multiline: false, indent: '', parentIndent };
}

// unit guesses one level of indentation from the text (two spaces when it shows none).
function unit(text, root) {
  if (root?.type === 'object' && root.members.length) {
    const s = style(text, root);
    if (s.multiline && s.indent.length > s.parentIndent.length) {
      return s.indent.slice(s.parentIndent.length);
    }
    if (s.multiline === false) {
      return null; // compact: everything on one line
    }
  }
  return '  ';
}

// rank orders the members of an object: @odata annotations first, then the known members in
// the core's order, then anything else.
function rank(order, key) {
  if (key.startsWith('@odata.')) return -1;
  const n = order.indexOf(key);
  return n < 0 ? Number.MAX_SAFE_INTEGER : n;
}

// valueText renders a field's value: a string as a JSON string, {raw} as its raw JSON text.
const valueText = (value) => (typeof value === 'string' ? JSON.stringify(value) : value.raw);

// memberText renders "key": value where value is a field's value or, for a nested object, the
// members [[key, value]] of a new object laid out at indent with one level of u.
function memberText(key, value, indent, u) {
  if (!Array.isArray(value)) {
    return `${JSON.stringify(key)}: ${valueText(value)}`;
  }
  return `${JSON.stringify(key)}: ${objectText(value, indent, u)}`;
}

function objectText(members, indent, u) {
  if (u === null) {
    return `{${members.map(([k, v]) => memberText(k, v, '', null)).join(', ')}}`;
  }
  const inner = indent + u;
  return `{\n${members.map(([k, v]) => `${inner}${memberText(k, v, inner, u)}`).join(`,\n`)}\n${indent}}`;
}

// nested is the value of a new member holding the rest of a path, names[from...]: the value
// itself for the last name, else the members of new objects down to it.
const nested = (names, from, value) => (from === names.length - 1 ? value : [[names[from + 1], nested(names, from + 1, value)]]);

// insertMember returns the change that adds "key": value to obj, placed by order.
function insertMember(text, obj, key, value, order, u) {
  const s = style(text, obj);
  if (obj.members.length === 0) {
    if (u === null) {
      return { from: obj.start + 1, to: obj.end - 1, insert: memberText(key, value, '', null) };
    }
    const inner = s.parentIndent + u;
    return { from: obj.start + 1, to: obj.end - 1, insert: `\n${inner}${memberText(key, value, inner, u)}\n${s.parentIndent}` };
  }
  const r = rank(order, key);
  let after = null;
  for (const m of obj.members) {
    if (rank(order, m.key) <= r) after = m;
  }
  const indent = s.multiline ? s.indent : '';
  const text1 = memberText(key, value, indent, s.multiline ? u ?? '  ' : null);
  const sep = s.multiline ? `,\n${indent}` : ', ';
  if (after === null) {
    return { from: obj.members[0].start, to: obj.members[0].start, insert: text1 + sep };
  }
  return { from: after.value.end, to: after.value.end, insert: sep + text1 };
}

// removeMember returns the change that takes member m (and one comma) out of obj.
function removeMember(obj, m) {
  const k = obj.members.indexOf(m);
  if (obj.members.length === 1) {
    return { from: obj.start + 1, to: obj.end - 1, insert: '' };
  }
  if (k < obj.members.length - 1) {
    return { from: m.start, to: obj.members[k + 1].start, insert: '' };
  }
  return { from: obj.members[k - 1].value.end, to: m.value.end, insert: '' };
}

/**
 * setField returns the change {from, to, insert} of text that sets the member at path (names
 * separated by '.', as the Go core's field paths) to the string value (or to {raw}, a JSON
 * number's text), or removes it when value is '' or null; null when nothing needs to change. It throws a SyntaxError when text is
 * not a JSON object, and a TypeError when the path's parent is there but is not an object.
 * @param {string} text
 * @param {string} path
 * @param {string|{raw: string}|null} value
 * @param {readonly string[]} fieldPaths the resource's field paths, for the order of new members
 */
export function setField(text, path, value, fieldPaths) {
  const root = parse(text);
  if (root?.type !== 'object') {
    throw new SyntaxError('the JSON text is not an object');
  }
  const names = path.split('.');
  const u = unit(text, root);
  const remove = value === '' || value == null;
  let obj = root;
  for (let depth = 0; depth < names.length; depth++) {
    const name = names[depth];
    const prefix = names.slice(0, depth).join('.');
    const order = fieldPaths.filter((p) => p.startsWith(prefix ? `${prefix}.` : '')).map((p) => p.split('.')[depth]);
    const m = obj.members.findLast((x) => x.key === name); // JSON.parse keeps the last of duplicates too
    const last = depth === names.length - 1;
    if (last) {
      if (remove) {
        return m ? removeMember(obj, m) : null;
      }
      if (m) {
        const insert = valueText(value);
        return text.slice(m.value.start, m.value.end) === insert ? null : { from: m.value.start, to: m.value.end, insert };
      }
      return insertMember(text, obj, name, value, order, u);
    }
    if (!m) {
      if (remove) return null;
      // New nested objects holding the rest of the path.
      return insertMember(text, obj, name, nested(names, depth, value), order, u);
    }
    if (m.value.type !== 'object') {
      if (remove) return null;
      if (m.value.type === 'literal' && text.slice(m.value.start, m.value.end) === 'null') {
        const s = style(text, obj);
        const indent = s.multiline ? s.indent : '';
        return { from: m.value.start, to: m.value.end, insert: objectText(nested(names, depth, value), indent, s.multiline ? u ?? '  ' : null) };
      }
      throw new TypeError(`"${names.slice(0, depth + 1).join('.')}" is not an object`);
    }
    obj = m.value;
  }
  return null;
}

/**
 * valuesOf reads the members at paths of a parsed JSON text (parse's tree of text): a string
 * as its value, a number as its text, an array as {count}; a path whose member is absent or
 * of another type is left out.
 * @param {string} text
 * @param {Node | null} root
 * @param {Iterable<string>} paths
 * @returns {Map<string, string | {count: number}>}
 */
export function valuesOf(text, root, paths) {
  const out = new Map();
  for (const path of paths) {
    let node = root;
    for (const name of path.split('.')) {
      node = node?.type === 'object' ? node.members.findLast((m) => m.key === name)?.value : undefined;
    }
    if (node?.type === 'string') out.set(path, JSON.parse(text.slice(node.start, node.end)));
    else if (node?.type === 'number') out.set(path, text.slice(node.start, node.end));
    else if (node?.type === 'array') out.set(path, { count: node.count });
  }
  return out;
}
