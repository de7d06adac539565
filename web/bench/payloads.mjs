// Payloads shared by the benchmark and the tests (Node.js only).

import { readFileSync } from 'node:fs';
import { complete } from '../src/samples.mjs';

/** The seed payload of "Add used" (861 bytes): valid, with 3 warnings. */
export const seed = readFileSync(new URL('../../internal/insight/testdata/seed.json', import.meta.url), 'utf8');

/** A payload with no problems at all, in the seed's shape, with real Graph values: the
 * playground's "complete" sample. */
export const valid = complete;

/**
 * A valid payload just under 64 KiB (the body limit), built like the Go benchmark's: long strings
 * in every free-text member, then more @odata annotations of the same text.
 */
export function payload64K() {
  const p = JSON.parse(valid);
  const fill = 'Quarterly sales review '.repeat(170).slice(0, 3900);
  for (const name of ['title', 'previewText', 'containerDisplayName']) {
    p.resourceVisualization[name] = fill;
  }
  p.resourceReference.type = fill;
  for (let i = 0; JSON.stringify(p, null, 2).length < 64 * 1024 - 4200; i++) {
    p[`@odata.note${i}`] = fill;
  }
  return JSON.stringify(p, null, 2);
}
