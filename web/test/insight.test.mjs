// Tests of web/insight.mjs, the JavaScript API of the WebAssembly core, run by `make test-node`.
// Where the Go core has an answer, the WebAssembly build must give exactly the same one:
// test/nativeref runs the same calls natively and the answers are compared (the server and the
// browser must agree).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { load } from '../insight.mjs';
import { seed, valid, payload64K } from './fixtures/payloads.mjs';

const wasmURL = new URL('../insight.wasm', import.meta.url);
const wasmBytes = await readFile(wasmURL);
const insight = await load(wasmBytes);
const big = payload64K();

// edit returns the valid payload, pretty-printed, with changes: {path: value}, where a path's
// names are separated by '/'; undefined deletes.
function edit(changes, base = valid) {
  const p = JSON.parse(base);
  for (const [path, value] of Object.entries(changes)) {
    const names = path.split('/');
    const last = names.pop();
    const parent = names.reduce((o, name) => o[name], p);
    if (value === undefined) {
      delete parent[last];
    } else {
      parent[last] = value;
    }
  }
  return JSON.stringify(p, null, 2);
}

// Payloads whose reports must be the same in WebAssembly as natively: name → text or bytes.
const payloads = {
  'seed': seed,
  'valid': valid,
  '64 KiB': big,
  'over 64 KiB': valid + ' '.repeat(64 * 1024),
  'empty': '',
  'white space only': ' \n\t ',
  'empty object': '{}',
  'array': '[]',
  'string': '"usedInsight"',
  'number': '42',
  'null': 'null',
  'truncated': '{"id": "a"',
  'trailing comma': '{"id": "a",}',
  'single quotes': "{'id': 'a'}",
  'NaN': '{"id": NaN}',
  'trailing data': valid + '\n{}',
  'byte order mark': '\uFEFF' + valid,
  'raw control character': '{"id": "a\u0001b"}',
  'bad escape': '{"id": "a\\qb"}',
  'nested too deep': '{"a":'.repeat(9) + '1' + '}'.repeat(9),
  'invalid UTF-8': Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
  'lone surrogate (encoded as U+FFFD)': valid.replace('Org Chart', 'Org\uD800Chart'),
  'escaped lone surrogate': edit({ 'resourceVisualization/title': 'a\uD800b' }),
  'duplicate members': valid.replace('"title": "Org Chart",', '"title": "Org Chart", "title": "Again",'),
  'duplicate inside an annotation': valid.replace('"id": "Abk', '"@odata.etag": {"a": 1, "a": 2}, "id": "Abk'),
  'unknown members': edit({ 'colour': 'red', 'lastUsed/when': 'now', 'resourceReference/extra': { 'x': [1, 2] } }),
  'other annotations': edit({ '@odata.etag': 'W/"1"', 'lastUsed/@odata.context': 'x' }),
  'wrong types': edit({ 'resourceVisualization/title': 5, 'resourceVisualization/type': true, 'resourceReference/type': [], 'lastUsed/lastAccessedDateTime': null }),
  'nested object null': edit({ 'lastUsed': null }),
  'nested object a string': edit({ 'resourceVisualization': 'Visio' }),
  'missing members': edit({ 'lastUsed/lastAccessedDateTime': undefined, 'resourceVisualization': undefined }),
  'wrong @odata.type': edit({ '@odata.type': 'microsoft.graph.driveItem', 'lastUsed/@odata.type': 5 }),
  '@odata.type without #': edit({ '@odata.type': 'microsoft.graph.usedInsight', 'lastUsed/@odata.type': '#microsoft.graph.usageDetails' }),
  'optional members null': edit({ 'lastUsed/lastModifiedDateTime': null, 'resourceVisualization/title': null, 'resourceReference/type': null }),
  'id with a space': edit({ id: 'my id' }),
  'id empty': edit({ id: '' }),
  'id null': edit({ id: null }),
  'id too long': edit({ id: 'a'.repeat(513) }),
  'id longest': edit({ id: 'a'.repeat(512) }),
  'date-times': edit({ 'lastUsed/lastAccessedDateTime': 'yesterday', 'lastUsed/lastModifiedDateTime': '2023-02-29T10:00:00Z' }),
  'date-time 8 fractional digits': edit({ 'lastUsed/lastAccessedDateTime': '2016-12-31T23:58:50.86696221+03:00' }),
  'date-time without offset': edit({ 'lastUsed/lastAccessedDateTime': '2016-12-31T23:58:50' }),
  'date-time year 0000': edit({ 'lastUsed/lastAccessedDateTime': '0000-01-01T00:00:00Z' }),
  'date-time year 0001, no seconds': edit({ 'lastUsed/lastAccessedDateTime': '0001-01-01T00:00Z' }),
  'URLs': edit({ 'resourceVisualization/previewImageUrl': 'javascript:alert(1)', 'resourceVisualization/containerWebUrl': 'data:text/html,x', 'resourceReference/webUrl': '/relative' }),
  'URL without host': edit({ 'resourceReference/webUrl': 'https:///path' }),
  'URL too long': edit({ 'resourceReference/webUrl': 'https://example.com/' + 'a'.repeat(2030) }),
  'URL with spaces': edit({ 'resourceReference/webUrl': 'https://contoso.sharepoint.com/sites/Retail/Shared Documents/NC460 Sales' }),
  'string too long': edit({ 'resourceVisualization/previewText': 'x'.repeat(4097) }),
  '4096 non-ASCII characters': edit({ 'resourceVisualization/previewText': 'é'.repeat(4096) }),
  'no reference': edit({ 'resourceReference/id': '', 'resourceReference/webUrl': undefined }),
  'reference empty': edit({ 'resourceReference': {} }),
  'warnings': edit({ 'resourceVisualization/type': 'Spreadsheet', 'resourceVisualization/mediaType': 'pdf', 'resourceVisualization/containerType': 'S3' }),
  'documented values, other case': edit({ 'resourceVisualization/type': 'pdf', 'resourceVisualization/containerType': 'onedrivebusiness' }),
  'too many problems': JSON.stringify(Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`x${i}`, i]))),
  'emoji and accents before problems': edit({ 'resourceVisualization/title': 'Café 😀 naïve 𝄞', 'resourceVisualization/previewText': 7, 'résumé 😀': 1 }),
  'emoji on the same line': '{"resourceVisualization": {"title": "😀😀 é", "type": 5}, "lastUsed": {"lastAccessedDateTime": "😀"}, "resourceReference": {"id": "x"}}',
  'escaped names and values': '{"\\u006castUsed": {"lastAccessedDateTime": "2016-12-31T23:58:50Z"}, "resourceVisualization": {"title": "\\"q\\" \\ud83d\\ude00"}, "resourceReference": {"id": "x"}, "\\ud83d\\ude00": 1}',
  'CRLF line ends': edit({ 'resourceVisualization/title': 5 }).replaceAll('\n', '\r\n'),
  'control characters in a message': edit({ id: 'a\tb\n"c"\u007f' }),
  'HTML in values': edit({ 'resourceVisualization/type': '<img src=x onerror=alert(1)>', id: '</script>' }),
  // The report's field separator (U+001F, wasm/main.go's appendFields) in a path and a message.
  'separator in a member name': edit({ 'a\u001fb': 1, 'resourceVisualization/x\u001f\u001fy': { 'z\u001f': 1, 'z\u001f': 2 } }),
  'separator in a value': edit({ 'resourceVisualization/type': 'a\u001fb', 'resourceReference/webUrl': 'https://x\u001f/' }),
  'URL hosts and ports': edit({ 'resourceVisualization/previewImageUrl': 'HTTPS://user@[::1]:8443/a?b#c', 'resourceVisualization/containerWebUrl': 'http://a@b^c@host:99999/', 'resourceReference/webUrl': 'https://[::1]x/' }),
  'URL host characters': edit({ 'resourceVisualization/previewImageUrl': 'https://exa mple.com/', 'resourceVisualization/containerWebUrl': 'https://u{s}er@example.com:/', 'resourceReference/webUrl': 'hTtP://ex<a>mple.com' }),
};

// Calls of the other operations, answered natively too.
const fields = {
  'id': 'Abk3ZeZmlghMhUVKP9mygDoPEPUbLediT7xb7UyGkIkm',
  'lastUsed.lastAccessedDateTime': '2016-12-31T23:58:50.8669622+03:00',
  'lastUsed.lastModifiedDateTime': '0001-01-01T00:00:00Z',
  'resourceVisualization.title': 'Café "Q3" \\ review 😀',
  'resourceVisualization.type': 'Excel',
  'resourceVisualization.mediaType': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'resourceVisualization.previewImageUrl': 'https://contoso.sharepoint.com/thumb?x=1&y=2',
  'resourceVisualization.previewText': 'line one\nline two\ttabbed',
  'resourceVisualization.containerWebUrl': 'https://contoso.sharepoint.com/sites/Retail/Shared Documents',
  'resourceVisualization.containerDisplayName': 'Retail',
  'resourceVisualization.containerType': 'Site',
  'resourceReference.webUrl': 'https://contoso.sharepoint.com/sites/Retail/Doc.aspx?file=Q3.xlsx',
  'resourceReference.id': 'drives/b!uTdl/items/01JSNPH6',
  'resourceReference.type': 'microsoft.graph.driveItem',
};
const request = {
  method: 'POST',
  url: "https://graph.example.com/v1.0/me/insights/used?$select=id&x='y'",
  headers: [['Authorization', 'Bearer eyJ0eXAi.x.y'], ['Content-Type', 'application/json'], ['X-Note', "it's \"quoted\" $HOME `cmd`"], ['X-Note', 'again'], ['X-Empty', '']],
  body: seed,
};
// A request every snippet language can express, the Graph SDKs' included.
const sdkRequest = {
  method: 'GET',
  url: "https://graph.example.com/v1.0/me/insights/used?$filter=ResourceVisualization/Type eq 'Word'&$top=2",
  headers: [['Authorization', 'Bearer eyJ0eXAi.x.y'], ['Prefer', 'odata.maxpagesize=2']],
  body: '',
};
const formatTexts = { seed, valid, 'minified seed': JSON.stringify(JSON.parse(seed)), 'non-ASCII': '{"a":"é😀","b":[1,2,{"c":null}]}', 'deep array': '['.repeat(20) + ']'.repeat(20), 'scalar': ' 42 ', 'truncated': '{"a": [1, 2', 'bad token': '{\n  "a": 1,\n  "b": tru\n}', 'after emoji': '{"😀": x}', 'empty': '' };

// The corpus of each collection (internal/insight/testdata/corpus): every file, as bytes, with
// the type it is validated as and the verdict and problems (code and path) its expected.json lists.
const corpusDir = new URL('../../internal/insight/testdata/corpus/', import.meta.url);
const typeNames = { used: 'usedInsight', trending: 'trending', shared: 'sharedInsight' };
const corpus = [];
for (const [collection, type] of Object.entries(typeNames)) {
  const expected = JSON.parse(await readFile(new URL(`${collection}/expected.json`, corpusDir), 'utf8'));
  for (const verdict of ['valid', 'invalid']) {
    for (const file of (await readdir(new URL(`${collection}/${verdict}/`, corpusDir))).sort()) {
      const name = `${verdict}/${file}`;
      corpus.push({ collection, type, name, valid: verdict === 'valid', want: expected[name], bytes: await readFile(new URL(`${collection}/${name}`, corpusDir)) });
    }
  }
}

// Fields of a complete trending and shared item, for build.
const otherFields = {
  trending: { 'weight': '0.1583399742569597', 'lastModifiedDateTime': '2021-03-23T08:41:05Z', 'resourceVisualization.title': 'LiveCaptions', 'resourceVisualization.type': 'Image', 'resourceReference.id': 'drives/b!YyJI/items/01H273', 'resourceReference.webUrl': 'https://contoso.sharepoint.com/a.gif' },
  sharedInsight: { 'lastShared.sharedDateTime': '2021-03-23T08:41:05Z', 'lastShared.sharingType': 'Direct', 'lastShared.sharedBy.address': 'MeganB@contoso.com', 'lastShared.sharedBy.displayName': 'Megan Bowen', 'resourceVisualization.title': 'CE Annual Report', 'resourceReference.id': 'drives/b!ZvRD/items/01K6ZM' },
};

const bytesOf = (text) => (typeof text === 'string' ? Buffer.from(text) : Buffer.from(text));
const calls = [
  ...Object.values(payloads).map((text) => ({ op: 'validate', text: bytesOf(text).toString('base64') })),
  ...Object.values(formatTexts).flatMap((text) => ['format', 'minify'].map((op) => ({ op, text: bytesOf(text).toString('base64') }))),
  { op: 'build', fields, odataTypes: false },
  { op: 'build', fields, odataTypes: true },
  { op: 'build', fields: { 'resourceReference.id': 'x' }, odataTypes: true },
  ...insight.languages.map((language) => ({ op: 'snippet', language, request })),
  ...insight.languages.map((language) => ({ op: 'snippet', language, request: sdkRequest })),
  ...insight.languages.map((language) => ({ op: 'snippet', language, request: { url: 'https://example.com/me/insights/used' } })),
  { op: 'snippet', language: 'cobol', request },
  ...corpus.map(({ type, bytes }) => ({ op: 'validate', type, text: bytes.toString('base64') })),
  ...Object.entries(otherFields).flatMap(([type, f]) => [false, true].map((odataTypes) => ({ op: 'build', type, fields: f, odataTypes }))),
];
const answers = nativeAnswers(calls);

// nativeAnswers answers calls with the native Go core (test/nativeref).
function nativeAnswers(calls) {
  const env = { ...process.env };
  delete env.GOOS; // the helper runs natively, whatever the caller builds for
  delete env.GOARCH;
  const out = execFileSync('go', ['run', './test/nativeref'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    input: JSON.stringify(calls),
    env,
    maxBuffer: 256 << 20,
  });
  return JSON.parse(out);
}

function answer(op, match = () => true) {
  const i = calls.findIndex((c) => c.op === op && match(c));
  assert.ok(i >= 0, `no native answer for ${op}`);
  return answers[i];
}

// assertPositions checks each problem's line and column against its byte offset in text: the
// column counts UTF-16 code units, as JavaScript string indexes do.
function assertPositions(text, problems) {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    lineStarts.push(i + 1);
  }
  for (const p of problems) {
    const index = lineStarts[p.line - 1] + p.column - 1;
    assert.equal(Buffer.byteLength(text.slice(0, index)), p.offset, `${p.code} at line ${p.line}, column ${p.column}`);
  }
}

// loadWithMemory loads an instance and also returns its WebAssembly memory, which the API keeps private.
async function loadWithMemory() {
  const instantiate = WebAssembly.instantiate;
  let memory;
  WebAssembly.instantiate = async (...args) => {
    const result = await instantiate.apply(WebAssembly, args);
    memory = (result.instance ?? result).exports.mem;
    return result;
  };
  try {
    return { insight: await load(wasmBytes), memory: () => memory };
  } finally {
    WebAssembly.instantiate = instantiate;
  }
}

describe('load', () => {
  const works = (i) => assert.equal(i.validate(valid).valid, true);

  it('from bytes: Buffer, Uint8Array view, ArrayBuffer', async () => {
    works(await load(wasmBytes));
    const padded = new Uint8Array(wasmBytes.length + 16);
    padded.set(wasmBytes, 8);
    works(await load(padded.subarray(8, 8 + wasmBytes.length)));
    works(await load(wasmBytes.buffer.slice(wasmBytes.byteOffset, wasmBytes.byteOffset + wasmBytes.length)));
  });

  it('from a Response, streamed when application/wasm, and from a promise of one', async () => {
    works(await load(new Response(wasmBytes, { headers: { 'Content-Type': 'application/wasm' } })));
    works(await load(new Response(wasmBytes, { headers: { 'Content-Type': 'application/octet-stream' } })));
    works(await load(Promise.resolve(new Response(wasmBytes))));
  });

  it('from a file: URL (object or string), a path, and by default', async () => {
    works(await load(wasmURL));
    works(await load(wasmURL.href));
    works(await load(fileURLToPath(wasmURL)));
    works(await load());
  });

  it('from a compiled module', async () => {
    works(await load(await WebAssembly.compile(wasmBytes)));
  });

  it('rejects a failed response and bytes that are not WebAssembly', async () => {
    await assert.rejects(load(new Response('not found', { status: 404 })), /404/);
    await assert.rejects(load(new Uint8Array([1, 2, 3, 4])), WebAssembly.CompileError);
  });

  it('exposes languages and fieldPaths', () => {
    assert.deepEqual(insight.languages, ['curl', 'httpie', 'fetch', 'go', 'powershell', 'go-sdk', 'javascript-sdk']);
    assert.equal(insight.fieldPaths.length, 14);
    assert.equal(insight.fieldPaths[1], 'lastUsed.lastAccessedDateTime');
    assert.ok(Object.isFrozen(insight.languages) && Object.isFrozen(insight.fieldPaths));
  });
});

describe('validate', () => {
  it('accepts the seed payload with exactly its 3 warnings, at the right positions', () => {
    assert.deepEqual(insight.validate(seed).problems.map(({ severity, code, path, offset, line, column }) => ({ severity, code, path, offset, line, column })), [
      { severity: 'warning', code: 'unknownType', path: 'resourceVisualization.type', offset: 381, line: 11, column: 13 },
      { severity: 'warning', code: 'invalidMediaType', path: 'resourceVisualization.mediaType', offset: 412, line: 12, column: 18 },
      { severity: 'warning', code: 'unknownContainerType', path: 'resourceVisualization.containerType', offset: 680, line: 17, column: 22 },
    ]);
    assert.equal(insight.validate(seed).valid, true);
    assert.equal(Buffer.byteLength(seed), 861);
  });

  it('gives no problems at all for a clean payload', () => {
    assert.deepEqual(insight.validate(valid), { valid: true, problems: [] });
  });

  for (const [name, text] of Object.entries(payloads)) {
    it(`reports what the Go core reports: ${name}`, () => {
      const want = answer('validate', (c) => c.text === bytesOf(text).toString('base64'));
      const got = insight.validate(text);
      assert.deepEqual(got, want);
      if (typeof text === 'string') {
        assertPositions(text, got.problems);
      }
    });
  }

  it('counts columns in UTF-16 code units and offsets in UTF-8 bytes', () => {
    const text = '{"resourceVisualization": {"title": "😀😀 é", "type": 5}}';
    const [p] = insight.validate(text).problems.filter((q) => q.code === 'wrongType');
    assert.equal(p.path, 'resourceVisualization.type');
    assert.equal(p.line, 1);
    assert.equal(p.column, text.indexOf('5}') + 1); // 😀 is 2 code units, é is 1
    assert.equal(p.offset, text.indexOf('5}') + 5); // in UTF-8, 😀 is 4 bytes (2 more), é is 2 (1 more)
  });

  it('finds problems after non-ASCII text on earlier lines', () => {
    const text = edit({ 'resourceVisualization/title': 'Ünïcödé 😀 ' + '日本語'.repeat(50), 'resourceReference/id': 5 });
    const [p] = insight.validate(text).problems;
    assert.equal(p.code, 'wrongType');
    assert.equal(p.path, 'resourceReference.id');
    assert.ok(text.split('\n')[p.line - 1].slice(p.column - 1).startsWith('5'));
    assert.equal(p.offset, Buffer.byteLength(text.slice(0, text.lastIndexOf('5'))));
  });

  it('reports malformed JSON with its position', () => {
    const r = insight.validate('{\n  "id": "a",\n  "lastUsed": }');
    assert.equal(r.valid, false);
    assert.deepEqual(r.problems.map(({ code, offset, line, column }) => ({ code, offset, line, column })), [{ code: 'invalidJson', offset: 29, line: 3, column: 15 }]);
    assert.match(r.problems[0].message, /unexpected '\}'/);
  });

  it('validates bytes as well as strings, including invalid UTF-8', () => {
    const bytes = Buffer.from(seed);
    assert.deepEqual(insight.validate(bytes), insight.validate(seed));
    assert.deepEqual(insight.validate(new Uint8Array(bytes).buffer), insight.validate(seed));
    assert.equal(insight.validate(Uint8Array.of(0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d)).problems[0].code, 'invalidUtf8');
  });

  it('validates a 64 KiB payload', () => {
    assert.ok(Buffer.byteLength(big) > 60 * 1024 && Buffer.byteLength(big) <= 64 * 1024);
    assert.deepEqual(insight.validate(big), { valid: true, problems: [] });
    const tooBig = insight.validate(big + ' '.repeat(64 * 1024 - Buffer.byteLength(big) + 1));
    assert.deepEqual(tooBig.problems.map((p) => p.code), ['bodyTooLarge']);
  });

  it('returns fresh objects: a later call does not change an earlier result', () => {
    const first = insight.validate('{}');
    const copy = structuredClone(first);
    insight.validate(seed);
    insight.validate(big);
    assert.deepEqual(first, copy);
    insight.validate(valid).problems.push('x');
    assert.deepEqual(insight.validate(valid).problems, []);
  });
});

describe('validate and build by type', () => {
  for (const { collection, type, name, valid: wantValid, want, bytes } of corpus) {
    it(`reports what the Go core reports: ${collection} corpus ${name}`, () => {
      const native = answer('validate', (c) => c.type === type && c.text === bytes.toString('base64'));
      const got = insight.validate(bytes, { type });
      assert.deepEqual(got, native);
      assert.equal(got.valid, wantValid);
      const codes = (ps) => ps.map((p) => `${p.code} at ${p.path}`).sort();
      assert.deepEqual(codes(got.problems), codes(want));
    });
  }

  it('takes the type by name or full name, with or without #; usedInsight by default', () => {
    const trending = corpus.find((f) => f.collection === 'trending' && f.name === 'valid/full.json').bytes;
    for (const type of ['trending', 'microsoft.graph.trending', '#microsoft.graph.trending']) {
      assert.deepEqual(insight.validate(trending, { type }), { valid: true, problems: [] });
    }
    assert.deepEqual(insight.validate(valid, {}), insight.validate(valid));
    assert.deepEqual(insight.validate(valid, { type: 'usedInsight' }), { valid: true, problems: [] });
    assert.equal(insight.validate(trending).valid, false);
  });

  it('throws a TypeError for an unknown type', () => {
    for (const type of ['used', 'shared', 'Trending', 'microsoft.graph.usageDetails', '', null]) {
      assert.throws(() => insight.validate(valid, { type }), { name: 'TypeError', message: /unknown type .*expected one of usedInsight, trending, sharedInsight/ });
    }
    assert.throws(() => insight.build({}, { type: 'nope' }), TypeError);
    assert.throws(() => insight.fieldsOf(valid, { type: 'nope' }), TypeError);
  });

  it('lists the collections with their field paths', () => {
    assert.deepEqual(insight.collections.map((c) => [c.name, c.type, c.typeName]), [
      ['used', 'microsoft.graph.usedInsight', 'usedInsight'],
      ['trending', 'microsoft.graph.trending', 'trending'],
      ['shared', 'microsoft.graph.sharedInsight', 'sharedInsight'],
    ]);
    assert.deepEqual(insight.collections[0].fieldPaths, insight.fieldPaths);
    assert.ok(insight.collections[1].fieldPaths.includes('weight'));
    assert.ok(Object.isFrozen(insight.collections) && Object.isFrozen(insight.collections[2].fieldPaths));
  });

  for (const [type, f] of Object.entries(otherFields)) {
    it(`builds a ${type} as the Go core does, valid, fields read back`, () => {
      for (const odataTypes of [false, true]) {
        const text = insight.build(f, { type, odataTypes, compact: true });
        assert.equal(text, answer('build', (c) => c.type === type && c.odataTypes === odataTypes).text);
        assert.deepEqual(insight.validate(text, { type }), { valid: true, problems: [] });
        assert.deepEqual(insight.fieldsOf(text, { type }), f);
      }
      if (type === 'trending') {
        assert.match(insight.build(f, { type, compact: true }), /"weight":0\.1583399742569597,/);
      }
    });
  }
});

describe('format and minify', () => {
  for (const [name, text] of Object.entries(formatTexts)) {
    it(`match the Go core: ${name}`, () => {
      for (const op of ['format', 'minify']) {
        const want = answer(op, (c) => c.text === bytesOf(text).toString('base64'));
        if (want.error) {
          assert.throws(() => insight[op](text), (err) => {
            assert.ok(err instanceof SyntaxError);
            assert.equal(err.offset, want.error.offset);
            assert.ok(err.message.startsWith(want.error.message), err.message);
            assertPositions(text, [{ code: op, ...err }]);
            return true;
          });
        } else {
          assert.equal(insight[op](text), want.text);
        }
      }
    });
  }

  it('round-trip', () => {
    const pretty = insight.format(seed);
    assert.equal(pretty, seed.trimEnd());
    assert.equal(insight.format(insight.minify(pretty)), pretty);
    assert.equal(insight.minify(pretty), JSON.stringify(JSON.parse(seed)));
    assert.equal(insight.minify(insight.format(big)), insight.minify(big));
    assert.deepEqual(JSON.parse(insight.format('{"a":"é😀\\u00e9"}')), { a: 'é😀é' });
  });

  it('throw a SyntaxError at the same position validate reports', () => {
    const text = '{\n  "title": "😀 é",\n  "x": [1, 2,]\n}';
    const [p] = insight.validate(text).problems;
    assert.throws(() => insight.format(text), (err) => {
      assert.ok(err instanceof SyntaxError);
      assert.deepEqual({ offset: err.offset, line: err.line, column: err.column }, { offset: p.offset, line: p.line, column: p.column });
      assert.equal(err.message, `${p.message} at line ${p.line}, column ${p.column}`);
      return true;
    });
    assert.throws(() => insight.minify(''), { name: 'SyntaxError', offset: 0, line: 1, column: 1 });
  });
});

describe('build', () => {
  it('gives a payload without errors for a complete set of fields, with and without @odata.type', () => {
    for (const odataTypes of [false, true]) {
      const text = insight.build(fields, { odataTypes });
      assert.deepEqual(insight.validate(text), { valid: true, problems: [] });
      assert.equal(text.includes('"@odata.type"'), odataTypes);
      assert.equal(text, insight.format(text), 'pretty-printed');
      assert.deepEqual(insight.fieldsOf(text), fields);
    }
  });

  it('matches the Go core; compact on request', () => {
    assert.equal(insight.build(fields, { compact: true }), answer('build', (c) => !c.odataTypes).text);
    assert.equal(insight.build(fields, { odataTypes: true, compact: true }), answer('build', (c) => c.odataTypes && c.fields === fields).text);
    assert.equal(insight.build({ 'resourceReference.id': 'x' }, { odataTypes: true }), insight.format(answer('build', (c) => c.fields['resourceReference.id'] === 'x').text));
  });

  it('writes members in the seed order and skips empty, null and unknown fields', () => {
    const text = insight.build({ 'resourceReference.id': 'r', 'lastUsed.lastAccessedDateTime': '2020-01-01T00:00:00Z', 'id': '', 'resourceVisualization.title': null, 'nope': 'x', 'resourceVisualization.previewText': 42 }, { compact: true });
    assert.equal(text, '{"lastUsed":{"lastAccessedDateTime":"2020-01-01T00:00:00Z"},"resourceVisualization":{"previewText":"42"},"resourceReference":{"id":"r"}}');
    assert.equal(insight.build({}, { compact: true }), '{"lastUsed":{},"resourceVisualization":{},"resourceReference":{}}');
  });

  it('fieldsOf reads the string members of any text', () => {
    assert.deepEqual(insight.fieldsOf(seed)['resourceReference.webUrl'], 'https://example.com/webUrl/');
    assert.deepEqual(insight.fieldsOf('{"id": 5, "lastUsed": {"lastAccessedDateTime": "x"'), { 'lastUsed.lastAccessedDateTime': 'x' });
    assert.deepEqual(insight.fieldsOf('not json'), {});
  });
});

describe('snippet', () => {
  for (const language of ['curl', 'httpie', 'fetch', 'go', 'powershell', 'go-sdk', 'javascript-sdk']) {
    it(`matches the Go core: ${language}`, () => {
      // The Graph SDK snippets cover less than raw HTTP: where they cannot, both throw alike.
      const wasm = (r) => {
        try {
          return { text: insight.snippet(language, r) };
        } catch (e) {
          assert.ok(e instanceof RangeError);
          return { error: { message: e.message } };
        }
      };
      assert.deepEqual(wasm(request), answer('snippet', (c) => c.language === language && c.request === request));
      assert.deepEqual(wasm(sdkRequest), answer('snippet', (c) => c.language === language && c.request === sdkRequest));
      assert.ok(typeof wasm(sdkRequest).text === 'string');
      assert.deepEqual(wasm({ url: 'https://example.com/me/insights/used' }), answer('snippet', (c) => c.language === language && c.request !== request && c.request !== sdkRequest));
      assert.deepEqual(wasm(request), (() => {
        try {
          return { text: insight.snippet(language.toUpperCase(), request) };
        } catch (e) {
          return { error: { message: e.message } };
        }
      })());
    });
  }

  it('takes headers as an array of pairs, an object or a Headers', () => {
    const r = { method: 'GET', url: 'https://example.com/me/insights/used', body: '' };
    const want = insight.snippet('curl', { ...r, headers: [['Accept', 'application/json'], ['Prefer', 'return=representation']] });
    assert.equal(insight.snippet('curl', { ...r, headers: { Accept: 'application/json', Prefer: 'return=representation' } }), want);
    assert.equal(insight.snippet('curl', { ...r, headers: new Headers({ Accept: 'application/json', Prefer: 'return=representation' }) }), want.replace('Accept', 'accept').replace('Prefer', 'prefer'));
    assert.match(want, /-H 'Accept: application\/json'/);
  });

  it('throws a RangeError for an unknown language', () => {
    assert.throws(() => insight.snippet('cobol', request), { name: 'RangeError', message: answer('snippet', (c) => c.language === 'cobol').error.message });
    assert.throws(() => insight.snippet('', request), RangeError);
  });
});

describe('instances', () => {
  it('are independent', async () => {
    const a = await loadWithMemory();
    const b = await loadWithMemory();
    assert.notEqual(a.memory(), b.memory());
    const seedReport = a.insight.validate(seed);
    b.insight.validate(big); // grows b's buffers only
    assert.deepEqual(a.insight.validate(seed), seedReport);
    assert.throws(() => b.insight.format('{'), SyntaxError);
    assert.equal(a.insight.minify('[1, 2]'), '[1,2]');
    for (let i = 0; i < 100; i++) {
      assert.equal(a.insight.validate(i % 2 ? seed : '{}').valid, i % 2 === 1);
      assert.equal(b.insight.validate(i % 2 ? '{}' : big).valid, i % 2 === 0);
    }
  });

  it('do not leak: memory stays bounded over many calls', async () => {
    const { insight: i, memory } = await loadWithMemory();
    const round = (n) => {
      for (let k = 0; k < n; k++) {
        assert.equal(i.validate(seed).problems.length, 3);
      }
      for (let k = 0; k < n / 10; k++) {
        i.validate(big);
        i.validate(payloads['too many problems']);
        i.format(seed);
      }
    };
    round(1000); // warm up: the Go heap settles
    const before = memory().buffer.byteLength;
    round(10000);
    const after = memory().buffer.byteLength;
    assert.ok(after - before <= 4 << 20, `memory grew from ${before} to ${after} bytes`);
    assert.ok(after <= 64 << 20, `memory is ${after} bytes`);
  });
});
