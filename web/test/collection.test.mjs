// Node tests of the playground's collections (used, trending, shared): the description it reads
// (src/resources.mjs), the collection a path or a link names, each collection's samples, form
// fields and records columns, and the form's edits of nested and numeric members. Run by
// `make test-node`; the page itself is tested in Chromium by e2e/collections.test.mjs.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { collections } from '../src/resources.mjs';
import { menus, minimal, trendingGraph, sharedGraph } from '../src/samples.mjs';
import { detectCollection, collectionPath, shareFragment, readFragment, checkRequest } from '../src/request.mjs';
import { hintOf, suggestionsOf, formValue } from '../src/form.mjs';
import { columnsOf, valueAt } from '../src/records.mjs';
import { setField, parse, valuesOf } from '../src/jsonedit.mjs';
import { load } from '../insight.mjs';

const insight = await load();
const byName = Object.fromEntries(collections.map((c) => [c.name, c]));
const reference = async (name) => JSON.parse(await readFile(new URL(`../../../shared/reference/graph/docs-v1.0-list-${name}.response.json`, import.meta.url), 'utf8')).value[0];
const apply = (text, change) => (change ? text.slice(0, change.from) + change.insert + text.slice(change.to) : text);

// The core's validate(text, {type}) (wt-core): without it every collection is validated as used.
const typed = insight.validate(JSON.stringify(minimal('2026-11-29T08:00:00Z').trending), { type: 'trending' }).valid;
const needsType = typed ? false : 'the core\'s validate(text, {type}) is not in this build yet';

describe('the description', () => {
  it('has used, trending and shared, each with fields, a default order and filters', () => {
    assert.deepEqual(collections.map((c) => [c.name, c.typeName, c.type]), [
      ['used', 'usedInsight', 'microsoft.graph.usedInsight'],
      ['trending', 'trending', 'microsoft.graph.trending'],
      ['shared', 'sharedInsight', 'microsoft.graph.sharedInsight']]);
    for (const c of collections) {
      assert.ok(c.orders.length > 0 && c.filters.length > 0, c.name);
      for (const f of c.fields) {
        assert.match(f.kind, /^(object|array|string|url|dateTime|id|number)$/, f.path);
        const parent = f.path.slice(0, f.path.lastIndexOf('.'));
        if (parent) assert.ok(c.fields.findIndex((x) => x.path === parent) < c.fields.indexOf(f), `${f.path} after its object`);
      }
    }
    assert.deepEqual(byName.used.fields.filter((f) => f.kind !== 'object').map((f) => f.path), [...insight.fieldPaths], 'used\'s fields are the core\'s');
    assert.equal(byName.trending.orders[0].path, 'weight');
    assert.equal(byName.shared.orders[0].path, 'lastShared.sharedDateTime');
    assert.equal(byName.shared.fields.find((f) => f.path === 'sharingHistory').maxItems, 100);
  });
});

describe('the collection of a request', () => {
  it('is the one its path names', () => {
    for (const [path, name] of [['/me/insights/used', 'used'], ['/me/insights/trending/abc?x=1', 'trending'], ['/users/bob/insights/shared?$top=5', 'shared'],
      ['https://h.example/v1.0/me/insights/trending', 'trending'], ['/me/insights/shared/$count', 'shared'], ['/me/insights', null], ['/me/insights/other', null], ['/$batch', null],
      ['/me/insights/usedX', null]]) {
      assert.equal(detectCollection(path), name, path);
    }
  });
  it('turns a path to another collection under the same user', () => {
    assert.equal(collectionPath('/me/insights/used', 'trending'), '/me/insights/trending');
    assert.equal(collectionPath('/users/bob/insights/used/abc?$select=id', 'shared'), '/users/bob/insights/shared');
    assert.equal(collectionPath('/$batch', 'shared'), '/me/insights/shared');
    assert.equal(collectionPath('https://evil.example/x/insights/used', 'used'), '/me/insights/used');
  });
  it('travels in a share link; the path wins over a collection that disagrees', () => {
    const r = { method: 'POST', version: 'v1.0', path: '/me/insights/trending', collection: 'trending', headers: '', body: '{"weight": 1}' };
    assert.deepEqual(readFragment(shareFragment(r)), r);
    assert.equal(readFragment(shareFragment({ ...r, path: '/$batch', collection: 'shared' })).collection, 'shared');
    assert.equal(checkRequest({ path: '/me/insights/shared', collection: 'trending' }).collection, 'shared');
    assert.equal(checkRequest({ path: '/$batch', collection: 'nope' }).collection, 'used');
    assert.equal(checkRequest({ path: '/$batch', collection: { toString: () => 'trending' } }).collection, 'used');
  });
});

describe('samples', () => {
  it('of trending and shared include the Graph documentation\'s items, as they are', async () => {
    assert.deepEqual(JSON.parse(trendingGraph), await reference('trending'));
    assert.equal(typeof JSON.parse(trendingGraph).weight, 'string', 'the weight as a JSON string, as Graph\'s documentation has it');
    assert.deepEqual(JSON.parse(sharedGraph), await reference('shared'));
    assert.equal(menus.trending[0].text, trendingGraph);
    assert.equal(menus.shared[0].text, sharedGraph);
  });
  it('of every collection are what their labels say, for that collection', { skip: needsType }, () => {
    const now = '2026-11-29T08:00:00Z';
    for (const c of collections) {
      for (const s of menus[c.name]) {
        const text = s.text ?? s.make(now);
        const report = insight.validate(text, { type: c.typeName });
        if (s.value === 'problems') {
          assert.equal(report.valid, false, `${c.name} ${s.value}`);
        } else {
          assert.equal(report.valid, true, `${c.name} ${s.value}: ${JSON.stringify(report.problems)}`);
        }
        if (s.value === 'minimal') assert.deepEqual(report.problems, [], `${c.name} minimal`);
      }
    }
  });
  it('of trending with problems: weight "abc" is a problem at its position', { skip: needsType }, () => {
    const text = menus.trending.find((s) => s.value === 'problems').text;
    const weight = insight.validate(text, { type: 'trending' }).problems.find((p) => p.path === 'weight');
    assert.ok(weight, 'a problem on weight');
    assert.equal(text.slice(weight.offset, weight.offset + 5), '"abc"');
  });
  it('of trending on used: unknown members', { skip: needsType }, () => {
    const paths = insight.validate(trendingGraph, { type: 'usedInsight' }).problems.map((p) => p.path);
    assert.ok(paths.includes('weight') && paths.includes('lastUsed'), paths.join(', '));
  });
});

describe('form fields', () => {
  it('say what they hold, and suggest documented values', () => {
    const f = (c, p) => byName[c].fields.find((x) => x.path === p);
    assert.match(hintOf(f('used', 'lastUsed.lastAccessedDateTime')), /^Required\. .*such as 2016-12-31T23:58:50/);
    assert.match(hintOf(f('trending', 'weight')), /^Required\. .*a number/);
    assert.match(hintOf(f('shared', 'sharingHistory')), /At most 100 sharingDetail objects: edit them in the JSON text/);
    assert.ok(suggestionsOf(f('shared', 'resourceVisualization.type')).includes('Word'));
    assert.ok(suggestionsOf(f('trending', 'resourceVisualization.mediaType')).includes('application/pdf'));
    assert.equal(suggestionsOf(f('used', 'resourceVisualization.title')), null);
  });
  it('write a number unquoted into a number member, anything else as a string', () => {
    const weight = byName.trending.fields.find((x) => x.path === 'weight');
    assert.deepEqual(formValue(weight, ' 0.25 '), { raw: '0.25' });
    assert.deepEqual(formValue(weight, '-1e3'), { raw: '-1e3' });
    for (const s of ['abc', '1.', 'NaN', 'Infinity', '0x10', '']) assert.equal(formValue(weight, s), s);
    assert.equal(formValue(byName.trending.fields.find((x) => x.path === 'resourceVisualization.title'), '12'), '12');
  });
});

describe('form edits', () => {
  const paths = byName.shared.fields.map((f) => f.path);
  it('make the objects of a path three deep, in the description\'s order', () => {
    const text = '{\n  "lastShared": {\n    "sharedDateTime": "2021-03-23T08:41:05Z"\n  }\n}';
    const out = apply(text, setField(text, 'lastShared.sharedBy.address', 'a@b.example', paths));
    assert.equal(out, '{\n  "lastShared": {\n    "sharedBy": {\n      "address": "a@b.example"\n    },\n    "sharedDateTime": "2021-03-23T08:41:05Z"\n  }\n}');
    const fresh = apply('{}', setField('{}', 'lastShared.sharedBy.id', 'x', paths));
    assert.deepEqual(JSON.parse(fresh), { lastShared: { sharedBy: { id: 'x' } } });
    const compact = '{"lastShared": null}';
    assert.deepEqual(JSON.parse(apply(compact, setField(compact, 'lastShared.sharedBy.id', 'x', paths))), { lastShared: { sharedBy: { id: 'x' } } });
  });
  it('write and replace raw numbers', () => {
    const tpaths = byName.trending.fields.map((f) => f.path);
    const text = '{\n  "resourceVisualization": {\n    "title": "A"\n  }\n}';
    const one = apply(text, setField(text, 'weight', { raw: '0.5' }, tpaths));
    assert.equal(one, '{\n  "weight": 0.5,\n  "resourceVisualization": {\n    "title": "A"\n  }\n}');
    const two = apply(one, setField(one, 'weight', 'abc', tpaths));
    assert.equal(JSON.parse(two).weight, 'abc');
    assert.equal(setField(one, 'weight', { raw: '0.5' }, tpaths), null);
  });
  it('read strings, numbers and array counts back', () => {
    const text = '{"weight": 0.158, "lastShared": {"sharedBy": {"address": "a\\"b"}}, "sharingHistory": [{}, 1, []], "x": []}';
    const v = valuesOf(text, parse(text), ['weight', 'lastShared.sharedBy.address', 'sharingHistory', 'x', 'missing', 'lastShared']);
    assert.deepEqual([...v], [['weight', '0.158'], ['lastShared.sharedBy.address', 'a"b'], ['sharingHistory', { count: 3 }], ['x', { count: 0 }]]);
  });
});

describe('records columns', () => {
  it('are the default order\'s member, then title, type and container', () => {
    assert.deepEqual(columnsOf(byName.used).map((c) => c.label), ['Last used', 'Title', 'Type', 'Container']);
    assert.deepEqual(columnsOf(byName.trending).map((c) => c.label), ['Weight', 'Title', 'Type', 'Container']);
    assert.deepEqual(columnsOf(byName.shared).map((c) => [c.label, c.paths[0]]).slice(0, 1), [['Last shared', 'lastShared.sharedDateTime']]);
    assert.equal(valueAt({ lastShared: { sharedDateTime: 'x' } }, 'lastShared.sharedDateTime'), 'x');
    assert.equal(valueAt({ lastShared: 'x' }, 'lastShared.sharedDateTime'), undefined);
    assert.equal(valueAt({}, 'constructor.name'), undefined);
  });
});
