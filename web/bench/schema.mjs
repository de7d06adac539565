// The JSON Schema that ajv validates in the benchmarks (bench/validate.bench.mjs in Node.js,
// bench/browser.bench.mjs in Chromium): the rules of a usedInsight
// (internal/insight) that JSON Schema can say.
//
// It covers types, required members, no unknown members (other @odata.* annotations allowed),
// the @odata.type values, the id pattern and lengths, maxLength, date-time and uri formats
// (ajv-formats) plus http(s) for URLs, a non-empty id or webUrl. It cannot report warnings,
// duplicate member names (JSON.parse keeps the last), positions, or a syntax error's place; the
// Go validator does all of that, so it does more work per call.

/** Options of the Ajv instance: all problems, as the Go validator reports. */
export const ajvOptions = { allErrors: true, allowUnionTypes: true };
/** Formats of ajv-formats to add. */
export const formats = ['date-time', 'uri'];

const odataType = (name) => ({ enum: [name, `#${name}`] });
const object = (name, properties, more = {}) => ({
  type: 'object',
  additionalProperties: false,
  patternProperties: { '^@odata\\.': {} },
  properties: { '@odata.type': odataType(`microsoft.graph.${name}`), ...properties },
  ...more,
});
const text = { type: ['string', 'null'], maxLength: 4096 };
const url = { type: ['string', 'null'], maxLength: 2048, format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]' };
const dateTime = { type: 'string', format: 'date-time' };

export const schema = object('usedInsight', {
  id: { type: 'string', minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9._~-]+$' },
  lastUsed: object('usageDetails', { lastAccessedDateTime: dateTime, lastModifiedDateTime: { ...dateTime, type: ['string', 'null'] } }, { required: ['lastAccessedDateTime'] }),
  resourceVisualization: object('resourceVisualization', {
    title: text, type: text, mediaType: text, previewImageUrl: url, previewText: text,
    containerWebUrl: url, containerDisplayName: text, containerType: text,
  }),
  resourceReference: object('resourceReference', { webUrl: url, id: text, type: text }, {
    anyOf: [{ required: ['id'], properties: { id: { type: 'string', minLength: 1 } } }, { required: ['webUrl'], properties: { webUrl: { type: 'string', minLength: 1 } } }],
  }),
}, { required: ['lastUsed', 'resourceVisualization', 'resourceReference'] });

/**
 * ajv's uri format rejects the unescaped spaces that real Graph URLs have (and the Go validator
 * accepts), so the benchmarks' payloads escape them.
 */
export const escapeSpaces = (t) => t.replaceAll('Shared Documents/NC460 Sales', 'Shared%20Documents/NC460%20Sales');
