// The create and update schemas of /openapi.json against the validator's verdicts on the
// corpora (internal/insight/testdata/corpus/<collection>/{valid,invalid}; expected.json lists
// each invalid file's problems): every payload the validator accepts, the schemas accept; every
// payload it rejects for a reason JSON Schema can state, the create schema rejects. The reasons
// it cannot state are listed in notStructural, each with why; a file listed there must still
// pass the schema, so that the list is kept true as the schemas grow.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { check } from './schemas.mjs';

const corpus = new URL('../../internal/insight/testdata/corpus/', import.meta.url);
const types = { used: 'microsoft.graph.usedInsight', trending: 'microsoft.graph.trending', shared: 'microsoft.graph.sharedInsight' };

// Problems of the validator that are not about the structure of the parsed value: the schema
// accepts these payloads, and the service rejects them with the code shown.
const notStructural = {
  // JSON.parse keeps the last of two members of one name: the duplicate is gone before any
  // schema sees the value.
  'duplicate-member.json': 'duplicateMember',
  'sharing-history-duplicate-member.json': 'duplicateMember',
  // The text's nesting depth (at most 8 levels, counting what @odata annotations hold, whose
  // values are free): JSON Schema has no depth limit for values it does not describe.
  'nested-too-deep.json': 'nestingTooDeep',
  // A rule across members: a resourceReference needs a non-empty id or webUrl. The schema's
  // description says it; an anyOf of required members could, at the cost of the plain object
  // types that clients generate from the schema.
  'reference-neither-id-nor-web-url.json': 'missingReference',
  // The calendar: 2021-02-30 has the shape of a date (the pattern checks months 01-12, days
  // 01-31, hours, minutes, seconds and offsets), not the days of each month or leap years.
  'last-modified-bad.json': 'invalidDateTime',
  // The range of a double written in a string: "1e400" has the shape of a number (the pattern),
  // and its value is beyond any double; a JSON number 1e400 parses to Infinity, which the
  // schema's type number refuses.
  'weight-string-1e400.json': 'invalidNumber',
};

/** read returns the parsed payload, or undefined when the bytes are not JSON (as UTF-8 text). */
function read(url) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readFileSync(url));
    return { value: JSON.parse(text) };
  } catch {
    return undefined; // invalid UTF-8, a byte order mark, malformed, truncated, trailing data, NaN ...: no value to check
  }
}

for (const [collection, type] of Object.entries(types)) {
  const dir = new URL(`${collection}/`, corpus);
  const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'));

  test(`${collection}: every payload the validator accepts, the create and update schemas accept`, () => {
    const files = readdirSync(new URL('valid/', dir));
    assert.ok(files.length >= 10, `only ${files.length} valid files`);
    for (const f of files) {
      const p = read(new URL(`valid/${f}`, dir));
      assert.ok(p, `valid/${f} is not JSON`);
      assert.deepEqual(check(`${type}Create`, p.value), [], `valid/${f} against ${type}Create`);
      assert.deepEqual(check(`${type}Update`, p.value), [], `valid/${f} against ${type}Update`);
    }
  });

  test(`${collection}: every payload the validator rejects for its structure, the create schema rejects`, () => {
    const files = readdirSync(new URL('invalid/', dir));
    assert.ok(files.length >= 20, `only ${files.length} invalid files`);
    let rejected = 0;
    for (const f of files) {
      const problems = expected[`invalid/${f}`];
      assert.ok(problems?.length, `expected.json has no problems for invalid/${f}`);
      const p = read(new URL(`invalid/${f}`, dir));
      if (!p) {
        continue; // not JSON: the service's syntax errors, before any schema applies
      }
      const errors = check(`${type}Create`, p.value);
      if (notStructural[f]) {
        assert.deepEqual(problems.map((x) => x.code), [notStructural[f]], `invalid/${f}: the validator's problems`);
        assert.deepEqual(errors, [], `invalid/${f} is listed as beyond the schema, but the schema rejects it: take it off the list`);
        continue;
      }
      assert.notDeepEqual(errors, [], `invalid/${f} (${problems.map((x) => `${x.code} at ${x.path}`).join(', ')}) passes ${type}Create`);
      rejected++;
    }
    assert.ok(rejected >= 15, `only ${rejected} rejected`);
  });
}
