// The Worker's module (worker/build/worker.mjs, wrangler.jsonc's main): one Go program per
// isolate serves every request through the host adapter (host.mjs, host.go).
//
// It replaces syumai/workers' generated entry, which started a new WebAssembly instance and Go
// runtime for every request. wasm_exec.js is still syumai/workers' copy of Go's runtime glue,
// which lets Go read the `context` object that syumai/workers' cloudflare.Getenv uses.
import './wasm_exec.js';
import module from './app.wasm';
import { createHost } from './host.mjs';

const host = createHost({ module, Go: globalThis.Go });

export default {
  fetch: host.fetch,
};
