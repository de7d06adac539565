// Writes the certificate that `wrangler dev --local-protocol https` serves to the file named by
// the first argument, for NODE_EXTRA_CA_CERTS: Node.js then trusts it, and nothing else changes
// for the client under test (its own fetch, its own TLS checks).
//
// wrangler has no certificate file of its own: without --https-key-path/--https-cert-path it
// serves miniflare's built-in self-signed localhost certificate (miniflare's src/http/cert.ts),
// which is compiled into miniflare's dist/src/index.js. It is read from the miniflare that the
// pinned wrangler (worker/package-lock.json) resolves, and checked before it is written.

import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = process.argv[2];
if (!out) {
  console.error('usage: node wrangler-cert.mjs <output.pem>');
  process.exit(2);
}
const fromWrangler = createRequire(new URL('../node_modules/wrangler/package.json', import.meta.url));
let source;
try {
  source = fromWrangler.resolve('miniflare');
} catch (e) {
  console.error(`wrangler's miniflare was not found (make worker/node_modules/.installed): ${e.message}`);
  process.exit(1);
}
const code = readFileSync(source, 'utf8');
const m = /\/\/ src\/http\/cert\.ts[\s\S]*?\bCERT = `\s*(-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----)\s*`/.exec(code);
if (!m) {
  console.error(`no built-in certificate found in ${source}: has wrangler's local https changed?`);
  process.exit(1);
}
const pem = `${m[1].trim()}\n`;
const cert = new X509Certificate(pem);
const problems = [];
if (!cert.checkIP('127.0.0.1')) problems.push('it is not for 127.0.0.1');
if (!cert.checkHost('localhost')) problems.push('it is not for localhost');
if (!(Date.parse(cert.validFrom) <= Date.now() && Date.now() < Date.parse(cert.validTo))) {
  problems.push(`it is valid from ${cert.validFrom} to ${cert.validTo}`);
}
if (problems.length) {
  console.error(`wrangler's local certificate in ${source} cannot be used: ${problems.join('; ')}`);
  process.exit(1);
}
writeFileSync(out, pem);
