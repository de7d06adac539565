// A KV namespace in memory, for measuring a Worker's own CPU time without local KV's: used by
// profile.mjs in Node.js and, through withMemoryKV, by `go run ./worker/bench -kv memory` in
// workerd. Both Workers measured get the same one, so only their own work differs.

/**
 * A KV namespace in memory; every operation completes later, like I/O: in a later macrotask
 * where setImmediate exists (Node.js), else in a microtask after the caller returns. It keeps
 * the newest `capacity` keys and forgets older ones, so that a benchmark's thousands of creates
 * neither make every list scan them all nor grow the heap that V8 collects: what a Worker costs
 * stays the same however long it runs.
 */
export class MemoryKV {
  constructor(capacity = 4096) {
    this.capacity = capacity;
    this.m = new Map();
    this.ops = { get: 0, put: 0, list: 0, delete: 0 };
  }
  later(v) {
    if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(() => resolve(v)));
    return Promise.resolve().then(() => v);
  }
  get(key, opts) {
    this.ops.get++;
    const v = this.m.get(key);
    const type = typeof opts === 'string' ? opts : opts?.type ?? 'text';
    if (v === undefined) return this.later(null);
    return this.later(type === 'arrayBuffer' ? v.slice().buffer : new TextDecoder().decode(v));
  }
  put(key, value) {
    this.ops.put++;
    const b = typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value instanceof ArrayBuffer ? value : value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    this.m.delete(key); // a new write is the newest
    this.m.set(key, b);
    if (this.m.size > this.capacity) this.m.delete(this.m.keys().next().value);
    return this.later(undefined);
  }
  delete(key) {
    this.ops.delete++;
    this.m.delete(key);
    return this.later(undefined);
  }
  list({ prefix = '', cursor, limit = 1000 } = {}) {
    this.ops.list++;
    const keys = [...this.m.keys()].filter((k) => k.startsWith(prefix)).sort();
    const from = cursor ? Number(cursor) : 0;
    const page = keys.slice(from, from + limit);
    const done = from + limit >= keys.length;
    return this.later({ keys: page.map((name) => ({ name })), list_complete: done, cursor: done ? undefined : String(from + limit) });
  }
}

/**
 * withMemoryKV returns a Worker that serves with worker's fetch, its KV binding replaced by one
 * MemoryKV for the isolate. The env it passes on is the same object for the same env, as the
 * Go Worker's host expects (it builds its handler once per env).
 */
export function withMemoryKV(worker, binding = 'INSIGHTS') {
  const kv = new MemoryKV();
  const envs = new WeakMap();
  return {
    fetch(request, env, ctx) {
      let e = envs.get(env);
      if (e === undefined) {
        e = { ...env, [binding]: kv };
        envs.set(env, e);
      }
      return worker.fetch(request, e, ctx);
    },
  };
}
