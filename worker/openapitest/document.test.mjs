// The committed /openapi.json (the bytes the Worker serves: client.test.ts compares them) is a
// valid OpenAPI 3.0 document, by @apidevtools/swagger-parser: the OpenAPI schema, references
// that resolve, unique operation ids, path parameters declared.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { document } from './schemas.mjs';

test('swagger-parser validates the document', async () => {
  const api = await SwaggerParser.validate(structuredClone(document));
  assert.match(api.openapi, /^3\.0\./);
  assert.ok(Object.keys(api.paths).length >= 27);
});

test('every operation but $metadata and /openapi.json needs a token with a permission', () => {
  const scopes = Object.keys(document.components.securitySchemes.azureaadv2.flows.authorizationCode.scopes).sort();
  assert.deepEqual(scopes, ['Sites.Read.All', 'Sites.ReadWrite.All']);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const open = path === '/$metadata' || path === '/openapi.json';
      assert.equal(op.security.length === 0, open, `${method} ${path}: security ${JSON.stringify(op.security)}`);
    }
  }
});
