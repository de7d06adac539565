// Self time of a V8 CPU profile by where the code is: Go packages (by the symbol names of an
// app.wasm built without -s), the adapter, the runtime glue and the JavaScript around them.

/** The groups, in the order they are printed. */
export const groups = [
  'Go, all of it (this app.wasm has no symbols)',
  'Go handler (internal/*, gjson, sjson, standard library)',
  'Go runtime (scheduler, goroutines, malloc, GC)',
  'adapter (host.go, internal/hostproto, host.mjs, wasm_exec.js, wasm/JS calls)',
  'JS platform (Request, Response, streams, promises, V8 GC)',
  'baseline Worker',
  'fake KV and load driver',
];

/**
 * Returns [[group, share, [[detail, share]...]]...], shares of the non-idle time.
 * @param {{nodes: any[], samples: number[], timeDeltas: number[]}} profile
 */
export function categorize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    self.set(n, (self.get(n) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const sums = new Map();
  let total = 0;
  for (const [n, t] of self) {
    const c = categoryOf(n.callFrame);
    if (c === null) continue;
    const [g, d] = c;
    if (!sums.has(g)) sums.set(g, new Map());
    sums.get(g).set(d, (sums.get(g).get(d) ?? 0) + t);
    total += t;
  }
  return groups
    .filter((g) => sums.has(g))
    .map((g) => {
      const details = [...sums.get(g)].sort((a, b) => b[1] - a[1]).map(([d, t]) => [d, t / total]);
      return [g, details.reduce((a, [, s]) => a + s, 0), details];
    });
}

export function categoryOf({ functionName: f, url }) {
  const [unnamed, handler, runtime, adapter, platform, baseline, driver] = groups;
  if (f === '(idle)' || f === '(root)') return null;
  if (f === '(garbage collector)') return [platform, 'V8 garbage collector'];
  if (f === '(program)') return [platform, 'V8 (program)'];
  if (f.startsWith('wasm-to-js') || f.startsWith('js-to-wasm')) return [adapter, 'wasm/JS calls'];
  if (url.startsWith('wasm://')) {
    // Go's symbol names, "/" written "_": runtime.mallocgc, github.com_x_y_internal_api.f
    const name = f.replace(/^\$/, '');
    if (/^wasm-function/.test(name)) return [unnamed, 'Go without symbols (build app.wasm without -s)'];
    const pkg = name.startsWith('github.com_') ? 'github.com_' + name.slice(11).split('.')[0] : name.split('.')[0];
    if (/^(runtime|internal_runtime|sync|internal_sync|internal_abi|internal_bytealg|memeqbody|memmove|memchr|memclr|cmpbody|wasm_|gc|_rt0)/.test(name)) {
      return [runtime, /malloc|gc|mark|sweep|scan|heap|span|mcache|mcentral|mheap|scaven|wbuf|greyobject|wb|memclr|newobject|growslice|makeslice|mapassign|memmove/i.test(name) ? 'malloc, GC' : 'scheduler, goroutines, stacks, maps'];
    }
    if (pkg === 'main') return [adapter, 'host.go'];
    if (pkg.startsWith('github.com_usedinsight_usedinsight_internal_hostproto') ||
        pkg.startsWith('github.com_usedinsight_usedinsight_internal_httprec')) return [adapter, 'internal/hostproto'];
    if (pkg.startsWith('syscall_js')) return [adapter, 'syscall/js'];
    if (pkg.startsWith('github.com_syumai')) return [adapter, 'syumai/workers'];
    if (pkg.startsWith('github.com_usedinsight_usedinsight_internal_')) return [handler, 'internal/' + pkg.slice('github.com_usedinsight_usedinsight_internal_'.length)];
    if (pkg.startsWith('github.com_tidwall')) return [handler, 'gjson, sjson'];
    if (/^(crypto|vendor_golang.org_x_crypto)/.test(pkg)) return [handler, 'crypto'];
    if (/^encoding_json/.test(pkg)) return [handler, 'encoding/json'];
    if (/^(net|mime)/.test(pkg)) return [handler, 'net/http, net/url, mime'];
    return [handler, 'other standard library'];
  }
  if (url.endsWith('wasm_exec.js')) return [adapter, 'wasm_exec.js'];
  if (url.endsWith('host.mjs')) return [adapter, 'host.mjs'];
  if (url.endsWith('profile.mjs')) return [driver, 'fake KV and load driver'];
  if (url.endsWith('worker.mjs') || url.endsWith('create.mjs')) return [baseline, url.endsWith('create.mjs') ? 'create.mjs' : 'worker.mjs'];
  return [platform, 'Request, Response, streams, promises'];
}
