// Tests of the playground's form-to-JSON edits (web/src/jsonedit.mjs), run by `make test-node`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, setField } from '../src/jsonedit.mjs';
import { load } from '../insight.mjs';
import { seed } from './fixtures/payloads.mjs';

const insight = await load();
const paths = insight.fieldPaths;

function apply(text, change) {
  return change ? text.slice(0, change.from) + change.insert + text.slice(change.to) : text;
}
const set = (text, path, value) => apply(text, setField(text, path, value, paths));

describe('parse', () => {
  it('accepts JSON and gives places', () => {
    const t = '{"a": {"b": [1, "x", null]}, "c": -1.5e3}';
    const n = parse(t);
    assert.equal(n.type, 'object');
    assert.deepEqual(n.members.map((m) => m.key), ['a', 'c']);
    assert.equal(t.slice(n.members[1].value.start, n.members[1].value.end), '-1.5e3');
  });
  for (const bad of ['', '{', '{"a" 1}', '{"a": 1,}', '[1,]', '{"a": 01}', '"\\x"', '{} x', "{'a': 1}", '{"a": "\u0001"}']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parse(bad), null));
  }
});

describe('setField', () => {
  it('replaces only the value', () => {
    const out = set(seed, 'resourceVisualization.title', 'Org Chart');
    assert.equal(out, seed.replace('"Title value"', '"Org Chart"'));
  });
  it('escapes what JSON needs', () => {
    const out = set(seed, 'resourceVisualization.title', 'a "quoted" \\ <img onerror=x>\n');
    assert.equal(JSON.parse(out).resourceVisualization.title, 'a "quoted" \\ <img onerror=x>\n');
  });
  it('removes a member and its comma, wherever it is', () => {
    for (const path of ['resourceVisualization.title', 'resourceVisualization.containerType', 'resourceReference.webUrl', 'lastUsed.lastModifiedDateTime']) {
      const out = set(seed, path, '');
      const [a, b] = path.split('.');
      const want = JSON.parse(seed);
      delete want[a][b];
      assert.deepEqual(JSON.parse(out), want, path);
    }
  });
  it('inserts a member in the core\'s order, in the text\'s style', () => {
    const out = set(seed, 'resourceReference.type', 'microsoft.graph.driveItem');
    assert.deepEqual(Object.keys(JSON.parse(out).resourceReference), ['@odata.type', 'webUrl', 'id', 'type']);
    assert.match(out, /"id": "Id value",\n {4}"type": "microsoft.graph.driveItem"\n {2}\}/);
    const noWeb = set(seed, 'resourceReference.webUrl', '');
    const back = set(noWeb, 'resourceReference.webUrl', 'https://x.example/');
    assert.deepEqual(Object.keys(JSON.parse(back).resourceReference), ['@odata.type', 'webUrl', 'id']);
    assert.equal(back, seed.replace('https://example.com/webUrl/', 'https://x.example/'));
  });
  it('inserts the id first and a whole nested object', () => {
    let out = set('{}', 'resourceReference.id', 'x');
    assert.equal(out, '{\n  "resourceReference": {\n    "id": "x"\n  }\n}');
    out = set(out, 'lastUsed.lastAccessedDateTime', '2026-11-29T08:00:00Z');
    out = set(out, 'id', 'abc');
    out = set(out, 'resourceVisualization.title', 'T');
    assert.deepEqual(Object.keys(JSON.parse(out)), ['id', 'lastUsed', 'resourceVisualization', 'resourceReference']);
    assert.equal(out, insight.build({ id: 'abc', 'lastUsed.lastAccessedDateTime': '2026-11-29T08:00:00Z', 'resourceVisualization.title': 'T', 'resourceReference.id': 'x' }));
    assert.equal(insight.validate(out).valid, true);
  });
  it('keeps a compact text compact', () => {
    const out = set('{"lastUsed": {"lastAccessedDateTime": "x"}}', 'resourceReference.id', 'y');
    assert.equal(out, '{"lastUsed": {"lastAccessedDateTime": "x"}, "resourceReference": {"id": "y"}}');
    assert.equal(set(out, 'lastUsed.lastAccessedDateTime', ''), '{"lastUsed": {}, "resourceReference": {"id": "y"}}');
  });
  it('fills a null object', () => {
    assert.deepEqual(JSON.parse(set('{"lastUsed": null}', 'lastUsed.lastAccessedDateTime', 'x')), { lastUsed: { lastAccessedDateTime: 'x' } });
  });
  it('leaves unknown members and annotations alone', () => {
    const t = '{\n  "@odata.type": "#microsoft.graph.usedInsight",\n  "colour": [1, 2],\n  "lastUsed": {}\n}';
    const out = set(t, 'id', 'a');
    assert.equal(out, '{\n  "@odata.type": "#microsoft.graph.usedInsight",\n  "id": "a",\n  "colour": [1, 2],\n  "lastUsed": {}\n}');
  });
  it('says no change when there is none', () => {
    assert.equal(setField(seed, 'resourceReference.type', '', paths), null);
    assert.equal(setField(seed, 'resourceReference.id', 'Id value', paths), null);
  });
  it('refuses what it cannot edit', () => {
    assert.throws(() => setField('{"a": ', 'id', 'x', paths), SyntaxError);
    assert.throws(() => setField('[]', 'id', 'x', paths), SyntaxError);
    assert.throws(() => setField('{"lastUsed": "x"}', 'lastUsed.lastAccessedDateTime', 'x', paths), TypeError);
  });
  it('agrees with fieldsOf after every edit', () => {
    let t = seed;
    const want = insight.fieldsOf(seed);
    for (const [i, path] of paths.entries()) {
      const v = i % 3 === 0 ? '' : `value ${i} "q"`;
      t = set(t, path, v);
      if (v) want[path] = v;
      else delete want[path];
      assert.deepEqual(insight.fieldsOf(t), want, path);
    }
  });
});
