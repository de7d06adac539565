// The OpenAPI document's schemas as ajv validators. The committed document is the one the
// Worker serves (internal/openapi's and internal/api's Go tests prove it; client.test.ts checks
// the served bytes).

import { readFileSync } from 'node:fs';
import Ajv from 'ajv';

export const documentPath = new URL('../../internal/openapi/openapi.json', import.meta.url);
export const documentText = readFileSync(documentPath, 'utf8');
export const document = JSON.parse(documentText);

// strict: false because OpenAPI's schemas carry keywords JSON Schema does not know (example,
// x-...); nullable is OpenAPI's, and ajv knows it. strictNumbers: NaN and Infinity (1e400
// parsed) are not numbers, as they are not for the validator. Formats are hints only: the
// pattern beside each states the accepted shape (format uri would refuse the spaces in the
// paths of Graph's URLs, and date-time a time without seconds, which the service accepts).
const ajv = new Ajv({ strict: false, strictNumbers: true, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'openapi.json', components: document.components });

const compiled = new Map();

/** schema returns the validator of components.schemas[name]. */
export function schema(name) {
  if (!document.components.schemas[name]) {
    throw new Error(`no schema ${name} in the document`);
  }
  if (!compiled.has(name)) {
    compiled.set(name, ajv.compile({ $ref: `openapi.json#/components/schemas/${name.replaceAll('~', '~0').replaceAll('/', '~1')}` }));
  }
  return compiled.get(name);
}

/** check validates value against components.schemas[name] and returns ajv's errors ([] when valid). */
export function check(name, value) {
  const v = schema(name);
  return v(value) ? [] : v.errors;
}
