// The Worker's module (worker/build/worker.mjs, wrangler.jsonc's main): one Go program per
// isolate serves every request through the host adapter (host.mjs, host.go), apart from the
// playground's large files, which wrangler.jsonc sends here to be answered from their
// precompressed copies (precompressed.mjs) without starting Go.
//
// It replaces syumai/workers' generated entry, which started a new WebAssembly instance and Go
// runtime for every request. wasm_exec.js is still syumai/workers' copy of Go's runtime glue,
// which lets Go read the `context` object that syumai/workers' cloudflare.Getenv uses.
import './wasm_exec.js';
import module from './app.wasm';
import { createHost } from './host.mjs';
import { createPrecompressed } from './precompressed.mjs';

const host = createHost({ module, Go: globalThis.Go });
const precompressedFile = createPrecompressed();

export default {
  fetch(request, env, ctx) {
    return precompressedFile(request, env) ?? host.fetch(request, env, ctx);
  },
};
