// Starts the WebAssembly core as soon as the page runs any script: index.html loads this module
// `async`, on its own, so that insight.wasm compiles while the page's bundle (dist/playground.js,
// which imports `ready` from here) is still being fetched and parsed.
import { load } from './insight.mjs';

performance.mark('usedinsight:start');
const url = new URL('insight.wasm', import.meta.url);

// Compiled while it downloads when served as application/wasm; otherwise (a static file server
// that says something else) insight.mjs's load fetches and compiles it from its bytes.
const module = WebAssembly.compileStreaming(fetch(url)).then((m) => {
  performance.mark('usedinsight:compiled');
  return m;
}, () => url);

/** ready resolves to the loaded core (the object insight.mjs's load returns). */
export const ready = load(module);
// Marked when Go has started. A failure is the page's to report (no unhandled rejection here).
ready.then(() => performance.mark('usedinsight:started'), () => {});
