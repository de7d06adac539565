// JavaScript API of the usedinsight core (Go compiled to WebAssembly), for browsers and Node.js 20+.
//
//   import { load } from './insight.mjs';
//   const insight = await load(new URL('insight.wasm', import.meta.url));
//   insight.validate(text); // { valid, problems: [...] }, as a usedInsight
//   insight.validate(text, { type: 'trending' }); // as a trending item; or 'sharedInsight'
//
// The Go side is wasm/main.go; it documents the calling convention used below.

import './wasm_exec.js'; // defines globalThis.Go, the runtime glue of the Go toolchain that built insight.wasm

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

/**
 * One problem of a payload, as the Go validator reports it.
 * @typedef {object} Problem
 * @property {'error'|'warning'} severity errors reject the payload; warnings do not
 * @property {string} code stable machine-readable code, such as "invalidDateTime"
 * @property {string} path JSON path of the member, such as "lastUsed.lastAccessedDateTime"; "" for the body
 * @property {string} message what is wrong, for a person
 * @property {number} offset byte offset in the UTF-8 text where the offending value (or member name) starts
 * @property {number} line 1-based line of offset
 * @property {number} column 1-based column of offset, in UTF-16 code units (as string indexes and editors count)
 */

/**
 * @typedef {object} Report
 * @property {boolean} valid true when there is no problem of severity "error"
 * @property {Problem[]} problems every problem, in text order
 */

/**
 * An HTTP request to render as code.
 * @typedef {object} Request
 * @property {string} [method] e.g. "POST"; default "GET"
 * @property {string} url absolute URL
 * @property {Record<string,string>|Iterable<[string,string]>} [headers] an object, an array of
 *   [name, value] pairs (which may repeat a name) or a Headers object
 * @property {string} [body] request body; empty or absent means none
 */

/**
 * One collection of insights the core knows.
 * @typedef {object} Collection
 * @property {string} name the collection's path segment: "used", "trending" or "shared"
 * @property {string} type its items' full type name, such as "microsoft.graph.usedInsight"
 * @property {string} typeName the type name without namespace, such as "usedInsight"
 * @property {readonly string[]} fieldPaths the paths {@link Insight.build} reads for this type
 */

/**
 * A loaded instance of the core. Each {@link load} gives a new, independent one.
 *
 * Where an operation takes options.type, it is the type of the item: "usedInsight" (the
 * default), "trending" or "sharedInsight", or its full name ("microsoft.graph.trending", with or
 * without a leading "#"). Another type throws a TypeError.
 * @typedef {object} Insight
 * @property {(text: string|BufferSource, options?: {type?: string}) => Report} validate checks a
 *   payload against every rule of its type, exactly as the server does. text is a string or its UTF-8 bytes.
 * @property {(fields: Record<string,string>, options?: {type?: string, odataTypes?: boolean, compact?: boolean}) => string} build
 *   builds a payload from form fields keyed by the type's fieldPaths (other keys are ignored,
 *   empty, null and undefined values leave the member out, other values are turned into strings;
 *   a number field holding a number is written as a number).
 *   With odataTypes, the object and each nested object get their "@odata.type". The result is
 *   pretty-printed (two-space indent), or minified with compact.
 * @property {(text: string|BufferSource, options?: {type?: string}) => Record<string,string>} fieldsOf
 *   the properties of a payload a form shows (strings; numbers as their text), keyed by field
 *   path, to fill a form; the text need not be valid
 * @property {(text: string|BufferSource) => string} format the JSON text indented by two spaces;
 *   throws a SyntaxError with offset, line and column (as in {@link Problem}) when it is not JSON
 * @property {(text: string|BufferSource) => string} minify the JSON text without insignificant
 *   white space; throws like format
 * @property {(language: string, request: Request) => string} snippet the request as code in one of
 *   {@link Insight.languages} (case-insensitive); throws a RangeError for another language
 * @property {readonly string[]} languages snippet languages: curl, httpie, fetch, go, powershell, and
 *   Microsoft's Graph SDKs go-sdk and javascript-sdk (which throw a RangeError for a request they
 *   cannot express, such as $batch)
 * @property {readonly string[]} fieldPaths the paths {@link Insight.build} reads for a
 *   usedInsight, in payload order
 * @property {readonly Collection[]} collections the collections, in the order of Graph's documentation
 */

/**
 * Loads the WebAssembly module and starts its Go runtime.
 *
 * @param {string|URL|Response|PromiseLike<Response>|BufferSource|WebAssembly.Module} [source]
 *   where the module is: a URL (in Node.js also a file: URL or a file path), a fetch Response
 *   (streamed when served as application/wasm), its bytes, or a compiled module. Default:
 *   insight.wasm next to this file.
 * @returns {Promise<Insight>}
 */
export async function load(source = new URL('insight.wasm', import.meta.url)) {
  const go = new globalThis.Go();
  const instance = await instantiate(await source, go.importObject);
  go.run(instance); // runs main until it blocks, which leaves the exports ready; never settles
  return wrap(go, instance.exports);
}

async function instantiate(source, imports) {
  if (source instanceof WebAssembly.Module) {
    return WebAssembly.instantiate(source, imports);
  }
  if (typeof source === 'string' || source instanceof URL) {
    source = await fetchModule(source);
  }
  if (typeof Response === 'function' && source instanceof Response) {
    if (!source.ok) {
      throw new Error(`usedinsight: fetching ${source.url || 'the module'} failed: ${source.status} ${source.statusText}`);
    }
    const type = source.headers.get('content-type') ?? '';
    if (typeof WebAssembly.instantiateStreaming === 'function' && /^application\/wasm\s*(;|$)/i.test(type)) {
      return (await WebAssembly.instantiateStreaming(source, imports)).instance;
    }
    source = await source.arrayBuffer();
  }
  return (await WebAssembly.instantiate(source, imports)).instance;
}

// fetchModule fetches a URL; in Node.js it reads file: URLs and paths from disk instead.
async function fetchModule(location) {
  if (isNode) {
    let url = null;
    try {
      url = new URL(location);
    } catch {
      // not absolute: a file path
    }
    if (url === null || url.protocol === 'file:' || /^[a-z]:$/i.test(url.protocol)) { // C:\… is a path
      const fsPromises = 'node:fs/promises'; // not a literal, so that bundlers for the browser leave it alone
      const { readFile } = await import(fsPromises);
      return readFile(url?.protocol === 'file:' ? url : location);
    }
  }
  return fetch(location);
}

// readFields reads a report written as fields (wasm/main.go's appendFields), or returns null
// when the fields do not add up: a path or message held the separator, and only JSON will do.
function readFields(text) {
  const f = text.split('\x1f');
  const count = Number(f[0]);
  if (f.length !== 2 + 7 * count) {
    return null;
  }
  const problems = new Array(count);
  let valid = true;
  for (let i = 0, j = 1; i < count; i++, j += 7) {
    const severity = f[j];
    valid &&= severity !== 'error';
    problems[i] = { severity, code: f[j + 1], path: f[j + 2], message: f[j + 3], offset: Number(f[j + 4]), line: Number(f[j + 5]), column: Number(f[j + 6]) };
  }
  return { valid, problems };
}

function wrap(go, exports) {
  const memory = exports.mem;
  let inView = new Uint8Array(0); // Go's argument buffer; empty until first use

  // put writes text into Go's argument buffer and returns its length in bytes.
  function put(text) {
    if (go.exited) {
      throw new Error('usedinsight: the WebAssembly instance has stopped');
    }
    if (typeof text !== 'string') {
      const bytes = ArrayBuffer.isView(text) ? new Uint8Array(text.buffer, text.byteOffset, text.byteLength)
        : text instanceof ArrayBuffer ? new Uint8Array(text) : encoder.encode(String(text));
      view(bytes.length).set(bytes);
      return bytes.length;
    }
    // At most 3 bytes of UTF-8 per UTF-16 code unit.
    return encoder.encodeInto(text, view(text.length * 3)).written;
  }

  // view returns the argument buffer, with room for at least n bytes, asking Go for a larger one if needed.
  // Views go stale when Go grows its memory (the old ArrayBuffer is detached), so check that too.
  function view(n) {
    if (n > inView.length || inView.buffer !== memory.buffer) {
      const size = Math.max(n, inView.length);
      const address = exports.input(size); // may grow the memory: take memory.buffer after it
      inView = new Uint8Array(memory.buffer, address, size);
    }
    return inView;
  }

  // get decodes the result of the last operation, n bytes long.
  function get(n) {
    const address = exports.output();
    return decoder.decode(new Uint8Array(memory.buffer, address, n));
  }

  // call runs an operation on text; a negative result is an error object.
  function call(op, text, ...args) {
    const n = op(put(text), ...args);
    if (n < 0) {
      return { error: JSON.parse(get(-n)) };
    }
    return { text: get(n) };
  }

  // reformat runs format or minify, turning an error object into a SyntaxError.
  function reformat(op, text) {
    const { text: out, error } = call(op, text);
    if (error) {
      const { message, offset, line, column } = error;
      throw Object.assign(new SyntaxError(`${message} at line ${line}, column ${column}`), { offset, line, column });
    }
    return out;
  }

  const info = JSON.parse(get(exports.info()));
  const collections = Object.freeze(info.collections.map((c) => Object.freeze({ ...c, fieldPaths: Object.freeze(c.fieldPaths) })));
  // typeIndex maps every accepted spelling of a type to its collection's index.
  const typeIndex = new Map();
  collections.forEach((c, i) => {
    for (const name of [c.typeName, c.type, `#${c.type}`]) {
      typeIndex.set(name, i);
    }
  });
  // indexOf returns the index of the collection of type, or throws a TypeError.
  function indexOf(type = 'usedInsight') {
    const i = typeIndex.get(type);
    if (i === undefined) {
      throw new TypeError(`usedinsight: unknown type ${JSON.stringify(String(type))}; expected one of ${collections.map((c) => c.typeName).join(', ')}`);
    }
    return i;
  }

  return {
    validate(text, { type } = {}) {
      const coll = indexOf(type);
      const size = put(text);
      const n = exports.validate(size, false, coll);
      return n === 0 ? { valid: true, problems: [] } : readFields(get(n)) ?? JSON.parse(get(exports.validate(size, true, coll)));
    },
    build(fields, { type, odataTypes = false, compact = false } = {}) {
      const coll = indexOf(type);
      const clean = {};
      for (const [path, value] of Object.entries(fields ?? {})) {
        if (value != null) {
          clean[path] = String(value);
        }
      }
      return call(exports.build, JSON.stringify(clean), Boolean(odataTypes), Boolean(compact), coll).text;
    },
    fieldsOf(text, { type } = {}) {
      return JSON.parse(call(exports.fieldsOf, text, indexOf(type)).text);
    },
    format(text) {
      return reformat(exports.format, text);
    },
    minify(text) {
      return reformat(exports.minify, text);
    },
    snippet(language, request = {}) {
      const { method = '', url = '', headers = [], body = '' } = request;
      const pairs = typeof headers?.[Symbol.iterator] === 'function' ? Array.from(headers) : Object.entries(headers ?? {});
      const args = {
        language: String(language),
        method: String(method ?? ''),
        url: String(url ?? ''),
        headers: pairs.map(([name, value]) => [String(name), String(value ?? '')]),
        body: body == null ? '' : String(body),
      };
      const { text, error } = call(exports.snippet, JSON.stringify(args));
      if (error) {
        throw new RangeError(error.message);
      }
      return text;
    },
    languages: Object.freeze(info.languages),
    fieldPaths: Object.freeze(info.fieldPaths),
    collections,
  };
}
