// A fake Go program for the tests of host.mjs: the exports, imports and runtime glue that
// host.mjs uses (internal/hostproto documents them), with request handlers written as JavaScript
// generators. A handler gets the request and yields effects:
//
//   yield ['get', key]           a KV get; evaluates to the value as text, or null
//   yield ['put', key, value]    a KV put
//   yield ['list', prefix]       a KV list; evaluates to the key names
//   yield ['wait', name]         blocks until another goroutine yields ['signal', name]
//   yield ['signal', name]       makes the goroutines waiting on name runnable, in this run
//   yield ['exit', code]         the program exits (as on an unrecovered panic or os.Exit)
//   yield ['trap']               the wasm instance traps: the current call into it throws
//
// and returns {status, headers: [[name, value]...], body: string|null}. A failed KV operation
// throws into the generator. Handlers see `env`, the global context.env when the request was
// dispatched, as Go's cloudflare.Getenv would.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function fakeGo(handlers, { maxBody = 1024 } = {}) {
  const instances = [];
  class Go {
    constructor() {
      this.importObject = { gojs: {} };
      this.exited = false;
      this.exit = () => {};
    }
    run(instance, context) {
      this.inst = instance;
      instance.go = this;
      instance.context = context;
      instance.imports.ready(maxBody);
      return new Promise((resolve) => {
        instance.resolveExit = resolve;
      });
    }
    _resume() {
      if (this.exited) throw new Error('Go program has already exited');
      this.inst.run();
    }
  }
  const instantiate = (module, imports) => {
    const inst = new Instance(handlers, imports);
    instances.push(inst);
    return inst;
  };
  return { Go, instantiate, instances };
}

class Instance {
  constructor(handlers, imports) {
    this.handlers = handlers;
    this.imports = imports.usedinsight;
    this.memory = new ArrayBuffer(1 << 20);
    this.top = 0;
    this.input = null;
    this.runnable = [];
    this.waiting = new Map(); // op → goroutine
    this.waitingOn = new Map(); // name → goroutines
    this.nextOp = 0;
    this.goroutines = 0; // alive
    this.served = [];
    const self = this;
    this.exports = {
      mem: {
        get buffer() {
          return self.memory;
        },
      },
      alloc: (n) => this.alloc(n, true),
      request: (id, env, headLen, bodyLen) => this.request(id, env, headLen, bodyLen),
      settle: (op, status, n) => this.settle(op, status, n),
    };
  }

  alloc(n, input) {
    if (this.top + n > this.memory.byteLength) this.top = 0;
    const p = this.top;
    this.top += Math.max(n, 1);
    if (input) this.input = p;
    return p;
  }

  bytes(p, n) {
    return new Uint8Array(this.memory, p, n);
  }

  put(s) {
    const b = typeof s === 'string' ? encoder.encode(s) : s;
    const p = this.alloc(b.length, false);
    this.bytes(p, b.length).set(b);
    return [p, b.length];
  }

  request(id, envId, headLen, bodyLen) {
    const p = this.input;
    const head = decoder.decode(this.bytes(p, headLen)).split('\n');
    const headers = new Map();
    for (let i = 2; i + 1 < head.length; i += 2) headers.set(head[i], head[i + 1]);
    const req = {
      id,
      envId,
      method: head[0],
      url: new URL(head[1]),
      headers,
      body: bodyLen < 0 ? null : this.bytes(p + headLen, bodyLen).slice(),
      env: this.context.env,
    };
    const handler = this.handlers[req.url.pathname] ?? this.handlers.default;
    this.goroutines++;
    this.served.push(id);
    this.runnable.push({ id, gen: handler(req), value: undefined, throw: null });
  }

  settle(op, status, n) {
    const g = this.waiting.get(op);
    const data = n < 0 ? null : this.bytes(this.input, n).slice();
    if (g === undefined) return;
    this.waiting.delete(op);
    if (status === 2) g.throw = new Error(decoder.decode(data));
    else if (status === 1) g.value = null;
    else if (g.kind === 'get') g.value = decoder.decode(data);
    else if (g.kind === 'list') g.value = JSON.parse(decoder.decode(data)).slice(1);
    else g.value = undefined;
    this.runnable.push(g);
  }

  // run steps every runnable goroutine until all wait, as Go's resume does.
  run() {
    while (this.runnable.length > 0) {
      const g = this.runnable.shift();
      let r;
      try {
        r = g.throw ? g.gen.throw(g.throw) : g.gen.next(g.value);
      } catch (err) {
        r = { done: true, value: { status: 500, headers: [], body: 'handler threw: ' + err.message } };
      }
      g.throw = null;
      g.value = undefined;
      if (r.done) {
        this.goroutines--;
        const { status, headers = [], body = null } = r.value;
        const [hp, hl] = this.put(headers.map(([k, v]) => k + '\n' + v + '\n').join(''));
        const [bp, bl] = body === null ? [0, -1] : this.put(body);
        this.imports.respond(g.id, status, hp, hl, bp, bl);
        continue;
      }
      const [kind, a, b] = r.value;
      if (kind === 'exit') {
        this.go.exited = true;
        this.runnable = [];
        this.go.exit(a ?? 2);
        this.resolveExit();
        return;
      }
      if (kind === 'trap') {
        this.runnable = [];
        throw new WebAssembly.RuntimeError('unreachable');
      }
      if (kind === 'wait') {
        if (!this.waitingOn.has(a)) this.waitingOn.set(a, []);
        this.waitingOn.get(a).push(g);
        continue;
      }
      if (kind === 'signal') {
        this.runnable.push(...(this.waitingOn.get(a) ?? []), g);
        this.waitingOn.delete(a);
        continue;
      }
      const op = ++this.nextOp;
      g.kind = kind;
      this.waiting.set(op, g);
      const [kp, kl] = this.put(a);
      if (kind === 'get') this.imports.kv_get(g.id, op, kp, kl);
      else if (kind === 'delete') this.imports.kv_delete(g.id, op, kp, kl);
      else if (kind === 'put') {
        const [vp, vl] = this.put(b);
        this.imports.kv_put(g.id, op, kp, kl, vp, vl);
      } else if (kind === 'list') {
        const [cp, cl] = this.put('');
        this.imports.kv_list(g.id, op, kp, kl, cp, cl, 1000);
      } else throw new Error('fake Go: unknown effect ' + kind);
    }
  }
}

/**
 * A KV namespace in memory whose operations can be held: while a key matches `hold`, its
 * operations wait until release(). Each operation records the AsyncLocalStorage store it was
 * started in (the stand-in for the Workers runtime's per-request I/O context).
 */
export class HeldKV {
  constructor(als) {
    this.als = als;
    this.m = new Map();
    this.log = []; // {kind, key, store}
    this.hold = null; // (kind, key) => boolean
    this.held = [];
  }
  op(kind, key, f) {
    this.log.push({ kind, key, store: this.als?.getStore() });
    const run = () => new Promise((resolve, reject) => setImmediate(() => {
      try {
        resolve(f());
      } catch (err) {
        reject(err);
      }
    }));
    if (this.hold !== null && this.hold(kind, key)) {
      return new Promise((resolve, reject) => this.held.push(() => run().then(resolve, reject)));
    }
    return run();
  }
  release() {
    const h = this.held;
    this.held = [];
    for (const f of h) f();
  }
  get(key, type) {
    return this.op('get', key, () => {
      const v = this.m.get(key);
      if (v === undefined) return null;
      return type === 'arrayBuffer' ? v.slice().buffer : decoder.decode(v);
    });
  }
  put(key, value) {
    const b = typeof value === 'string' ? encoder.encode(value) : new Uint8Array(value).slice();
    return this.op('put', key, () => {
      this.m.set(key, b);
    });
  }
  delete(key) {
    return this.op('delete', key, () => {
      this.m.delete(key);
    });
  }
  list({ prefix = '', limit = 1000 } = {}) {
    return this.op('list', prefix, () => {
      const keys = [...this.m.keys()].filter((k) => k.startsWith(prefix)).sort().slice(0, limit);
      return { keys: keys.map((name) => ({ name })), list_complete: true };
    });
  }
}

/** Resolves after the pending I/O events and their continuations have run. */
export function settleDown(rounds = 20) {
  return new Promise((resolve) => {
    const step = (n) => (n === 0 ? resolve() : setImmediate(() => step(n - 1)));
    step(rounds);
  });
}
