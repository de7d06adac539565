// The JavaScript half of the Worker's host adapter: one Go program per isolate serves every
// request, many at once. internal/hostproto is the Go half and documents the calling protocol
// (worker/host.go binds it to the wasm imports and exports);
// entry.mjs is the Worker module that uses this file. Node.js tests: worker/test/.
//
// Three rules of the Workers runtime shape this file:
//
//  1. I/O belongs to the request whose code started it, and is cancelled when that request
//     ends. Go is resumed from one request's JavaScript (its last KV answer arrived), but may run
//     goroutines of others. So a KV operation starts at once only when Go asked for it while
//     running on behalf of that same request (`rt.current`); otherwise it is posted to the
//     request's own mailbox, and that request's fetch handler starts it. Responses are
//     delivered the same way.
//  2. A request that waits with no I/O of its own in flight is cancelled as hung. A request
//     waits only for its own KV operations or for its mailbox, which is only posted to while
//     Go runs or when a runtime dies; Go itself never keeps one request waiting on another.
//  3. A panic outside the handler's goroutine, an exit or a trap ends the Go program with
//     every request it was serving (a panic in the handler's goroutine is a 500 for that request
//     alone, internal/hostproto). The next request starts a new program. Of the requests in flight, the one
//     on whose behalf Go was running when it died (the likely cause) gets a 500; the others are
//     replayed on the new program when they had not asked for any KV write, at most `replays`
//     times, and otherwise get a 500 too, since their writes may or may not have happened.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// settle statuses (internal/hostproto).
const OK = 0;
const MISSING = 1;
const FAILED = 2;

/** The Content-Type of Graph's JSON answers (internal/odata.JSONContentType). */
export const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/**
 * Makes the Worker's fetch handler over a Go program.
 *
 * @param {object} o
 * @param {WebAssembly.Module} o.module the compiled Go program (worker/host.go's exports)
 * @param {new () => any} o.Go the Go runtime glue of wasm_exec.js
 * @param {string} [o.binding] the KV namespace binding in env
 * @param {number} [o.replays] how often a request that wrote nothing may be replayed after
 *   the Go program serving it died of something else
 * @param {number} [o.staleAfter] ms after which a request still in flight is taken as gone
 *   (its client left and the runtime cancelled its I/O): its KV operations fail, so that its
 *   goroutines end
 * @param {number} [o.kvTimeout] ms after which a KV operation that has not settled fails (the
 *   API then answers 503 serviceNotAvailable with Retry-After), so that a hanging KV call never
 *   holds a request until the runtime gives up on it
 * @param {number} [o.drain] bytes of a body beyond what Go reads that are still read, and
 *   dropped, before the request is served (readBody)
 * @param {(...args: any[]) => void} [o.log]
 * @param {(module: WebAssembly.Module, imports: object) => {exports: any}} [o.instantiate] how
 *   an instance is made (tests pass a fake Go program)
 */
export function createHost({
  module,
  Go,
  binding = 'INSIGHTS',
  replays = 2,
  staleAfter = 120_000,
  drain = 16 << 20,
  kvTimeout = 10_000,
  log = console.error,
  instantiate = (m, imports) => new WebAssembly.Instance(m, imports),
}) {
  // The host's state, which every part below takes as its first argument.
  const host = {
    module,
    Go,
    binding,
    replays,
    staleAfter,
    drain,
    kvTimeout,
    log,
    instantiate,
    live: null, // the runtime that takes new requests
    maxBody: -1, // the most of a body Go reads (hostproto.MaxBody)
    lastId: 0,
    envId: createEnvIds(),
    stats: { runtimes: 0, deaths: 0, replays: 0 },
  };
  return { fetch: (request, env, ctx) => fetchRequest(host, request, env, ctx), stats: host.stats };
}

// createEnvIds numbers env objects, as Go's request(id, env, ...) takes them.
function createEnvIds() {
  let last = 0;
  const ids = new WeakMap();
  return (env) => {
    let id = ids.get(env);
    if (id === undefined) {
      last = (last % 0x7fffffff) + 1;
      id = last;
      ids.set(env, id);
    }
    return id;
  };
}

// ---- Linear memory: reading what Go hands over, writing into the buffers Go allocates.

function readString(rt, p, n) {
  return n === 0 ? '' : decoder.decode(new Uint8Array(rt.exports.mem.buffer, p, n));
}

function copyBytes(rt, p, n) {
  return new Uint8Array(rt.exports.mem.buffer, p, n).slice();
}

// writeRequest writes a request's head and body into a buffer of Go's and returns the head's
// length in bytes.
function writeRequest(rt, head, body) {
  const bodyLen = body === null ? -1 : body.length;
  // Room for the head as ASCII (the usual case), else for any UTF-8 (3 bytes a unit at most).
  let room = head.length;
  let p = rt.exports.alloc(room + Math.max(bodyLen, 0));
  let view = new Uint8Array(rt.exports.mem.buffer);
  let { read, written } = encoder.encodeInto(head, view.subarray(p, p + room));
  if (read < head.length) {
    room = head.length * 3;
    p = rt.exports.alloc(room + Math.max(bodyLen, 0));
    view = new Uint8Array(rt.exports.mem.buffer);
    ({ written } = encoder.encodeInto(head, view.subarray(p, p + room)));
  }
  if (bodyLen > 0) view.set(body, p + written);
  return written;
}

// writeResult writes a KV result (text, bytes or null) into a buffer of Go's and returns its
// length, -1 for null.
function writeResult(rt, data) {
  if (data === null) return -1;
  const bytes = typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data);
  const p = rt.exports.alloc(bytes.length);
  new Uint8Array(rt.exports.mem.buffer, p, bytes.length).set(bytes);
  return bytes.length;
}

// ---- Runtimes: starting a Go program, resuming it, retiring it when it dies (rule 3).

// start instantiates the module and runs main, which calls ready and blocks.
function start(host) {
  const go = new host.Go();
  const rt = {
    go,
    exports: null,
    dead: false,
    ready: false,
    requests: new Map(), // id → Req in flight
    current: 0, // the request on whose behalf Go is running now, 0 for none
    // syumai/workers' glue exposes this as the global `context` to Go; its cloudflare.Getenv
    // reads env from it while a handler is built (host.go). ctx stays per request, in Req.
    context: { env: undefined, binding: {} },
  };
  const instance = host.instantiate(host.module, { ...go.importObject, usedinsight: goImports(host, rt) });
  rt.exports = instance.exports;
  go.exit = (code) => die(host, rt, new Error(`the Go program exited with code ${code}`));
  host.stats.runtimes++;
  // run executes main up to its first wait before it returns; its promise settles on exit.
  go.run(instance, rt.context).then(
    () => die(host, rt, new Error('the Go program exited')),
    (err) => die(host, rt, err),
  );
  if (!rt.ready || rt.dead) {
    die(host, rt, new Error('the Go program did not start'));
    throw new Error('usedinsight: the Go program did not start');
  }
  return rt;
}

// goImports are the functions Go calls (module "usedinsight"). They must never throw into Go.
function goImports(host, rt) {
  const guard = (f) => (...args) => {
    try {
      f(...args);
    } catch (err) {
      host.log('usedinsight: host adapter:', err);
    }
  };
  return {
    ready: guard((n) => {
      host.maxBody = n;
      rt.ready = true;
    }),
    respond: guard((id, status, hp, hl, bp, bl) => respond(rt, id, status, readString(rt, hp, hl), bl < 0 ? null : copyBytes(rt, bp, bl), host.log)),
    kv_get: guard((id, op, kp, kl) => startKV(host, rt, id, op, 'get', readString(rt, kp, kl))),
    kv_put: guard((id, op, kp, kl, vp, vl) => startKV(host, rt, id, op, 'put', readString(rt, kp, kl), copyBytes(rt, vp, vl))),
    kv_delete: guard((id, op, kp, kl) => startKV(host, rt, id, op, 'delete', readString(rt, kp, kl))),
    kv_list: guard((id, op, pp, pl, cp, cl, limit) => startKV(host, rt, id, op, 'list', readString(rt, pp, pl), readString(rt, cp, cl), limit)),
  };
}

// resume runs Go on behalf of request id until every goroutine waits.
function resume(host, rt, id) {
  if (rt.dead) return;
  const prev = rt.current;
  rt.current = id;
  try {
    rt.go._resume();
  } catch (err) {
    die(host, rt, err);
  } finally {
    rt.current = prev;
  }
}

// die retires a runtime that exited or trapped; see rule 3. suspect is the request on whose
// behalf Go was running when it died: it is not replayed.
function die(host, rt, err, suspect = rt.current) {
  if (rt.dead) return;
  rt.dead = true;
  host.stats.deaths++;
  if (host.live === rt) host.live = null;
  host.log('usedinsight: the Go program stopped; the next request starts a new one:', err);
  const inflight = [...rt.requests.values()];
  rt.requests.clear();
  for (const req of inflight) {
    req.ops.clear();
    if (req.id !== suspect && !req.wrote && req.attempts <= host.replays) {
      host.stats.replays++;
      req.post(() => dispatch(host, req));
    } else {
      const message = req.wrote
        ? 'The service stopped while serving the request; its changes may or may not have been stored.'
        : 'The service stopped while serving the request.';
      req.post(() => req.finish(errorResponse(req, 500, 'generalException', message)));
    }
  }
}

// ---- Requests: handing one to Go, and its response back to its own handler (rule 1).

/**
 * The Worker's fetch handler.
 * @param {object} host
 * @param {Request} request
 * @param {Record<string, any>} env
 * @param {ExecutionContext} ctx
 */
async function fetchRequest(host, request, env, ctx) {
  if (host.maxBody < 0 && host.live === null) {
    try {
      host.live = start(host);
    } catch (err) {
      host.log('usedinsight:', err);
      return errorResponse({ clientRequestId: request.headers.get('client-request-id') }, 500, 'generalException', 'The service could not start.');
    }
  }
  let body;
  try {
    body = await readBody(request, host.maxBody, host.drain);
  } catch (err) {
    // The client sent a malformed body (a bad chunk) or went away while sending it.
    host.log('usedinsight: reading the request body:', err);
    return errorResponse({ clientRequestId: request.headers.get('client-request-id') }, 400, 'invalidRequest', 'The request body could not be read.');
  }
  let head = request.method + '\n' + request.url + '\n';
  for (const [name, value] of request.headers) head += name + '\n' + value + '\n';
  host.lastId = (host.lastId % 0x7fffffff) + 1;
  const req = new Req(host.lastId, env, ctx, head, body, request.headers.get('client-request-id'));
  dispatch(host, req);
  return req.serve();
}

// dispatch hands req to the live runtime; it runs in req's own fetch handler.
function dispatch(host, req) {
  let rt = host.live;
  if (rt === null) {
    try {
      rt = host.live = start(host);
    } catch (err) {
      host.log('usedinsight:', err);
      req.finish(errorResponse(req, 500, 'generalException', 'The service could not start.'));
      return;
    }
  }
  sweep(host, rt);
  req.attempts++;
  req.wrote = false;
  req.rt = rt;
  rt.requests.set(req.id, req);
  rt.context.env = req.env;
  const prev = rt.current;
  rt.current = req.id;
  try {
    const headLen = writeRequest(rt, req.head, req.body);
    rt.exports.request(req.id, host.envId(req.env), headLen, req.body === null ? -1 : req.body.length);
    rt.go._resume();
  } catch (err) {
    die(host, rt, err);
  } finally {
    rt.current = prev;
  }
}

// respond delivers Go's response to request id, in that request's own handler.
function respond(rt, id, status, head, body, log) {
  const req = rt.requests.get(id);
  if (req === undefined) return;
  rt.requests.delete(id);
  const make = () => {
    let res;
    try {
      res = makeResponse(status, head, body);
    } catch (err) {
      log('usedinsight: the response could not be made:', err);
      res = errorResponse(req, 500, 'generalException', 'An internal server error occurred.');
    }
    req.finish(res);
  };
  if (rt.current === id) make();
  else req.post(make);
}

// makeResponse makes the Response of Go's status, head (names and values, each ending in "\n")
// and body (null: none).
function makeResponse(status, head, body) {
  const headers = new Headers();
  for (let i = 0; i < head.length; ) {
    const a = head.indexOf('\n', i);
    const b = head.indexOf('\n', a + 1);
    headers.append(head.slice(i, a), head.slice(a + 1, b));
    i = b + 1;
  }
  const nullBody = status === 101 || status === 204 || status === 205 || status === 304;
  return new Response(nullBody ? null : body, { status, headers });
}

// ---- KV operations: started for Go, settled back into it.

// kvCalls start each kind of operation on a KV namespace; each promises what settle hands Go.
const kvCalls = {
  get: (ns, key) => ns.get(key, 'arrayBuffer'),
  put: (ns, key, value) => ns.put(key, value),
  delete: (ns, key) => ns.delete(key),
  list: (ns, prefix, cursor, limit) =>
    ns.list({ prefix, cursor: cursor || undefined, limit }).then((r) => JSON.stringify([r.list_complete ? '' : r.cursor, ...r.keys.map((k) => k.name)])),
};

// startKV starts KV operation op for request id (from its own handler; see rule 1) and settles
// it with Go when it completes.
function startKV(host, rt, id, op, kind, a, b, c) {
  const req = rt.requests.get(id);
  if (req !== undefined && (kind === 'put' || kind === 'delete')) req.wrote = true;
  const begin = () => {
    let p;
    try {
      if (req === undefined || req.gone) throw new Error('the request is no longer served');
      p = kvCalls[kind](req.env[host.binding], a, b, c);
    } catch (err) {
      p = Promise.reject(err);
    }
    if (req !== undefined) {
      req.ops.set(op, { kind, deadline: Date.now() + host.kvTimeout });
      req.timer ??= setTimeout(() => expire(host, req), host.kvTimeout);
    }
    // Whichever comes first settles the operation, this or expire; settle ignores the other.
    p.then(
      (v) => settle(host, rt, req, op, kind === 'get' && v === null ? MISSING : OK, v ?? null),
      (err) => settle(host, rt, req, op, FAILED, String(err?.message ?? err)),
    );
  };
  if (req !== undefined && rt.current === id && !req.gone) begin();
  else if (req !== undefined && !req.gone) req.post(begin);
  else Promise.resolve().then(begin); // fails at once, so the goroutine ends
}

// expire fails the KV operations of req that are past their deadline, and waits for the next
// deadline while any are left: one timer a request, not one an operation.
function expire(host, req) {
  req.timer = null;
  const rt = req.rt; // the runtime now serving req (a replay moves it)
  const now = Date.now();
  // A copy: settling resumes Go, which may start more operations of req.
  for (const [op, { kind, deadline }] of [...req.ops]) {
    if (deadline <= now) settle(host, rt, req, op, FAILED, `KV ${kind} timed out after ${host.kvTimeout} ms`);
  }
  clearTimeout(req.timer); // set meanwhile by an operation Go started
  req.timer = null;
  let next = Infinity;
  for (const { deadline } of req.ops.values()) next = Math.min(next, deadline);
  if (next !== Infinity && !rt.dead) req.timer = setTimeout(() => expire(host, req), Math.max(next - Date.now(), 0));
}

// settle hands Go the result of KV operation op, and resumes Go once the request has no other
// KV operation in flight: the request's goroutines wait for all of them (kvstore starts
// operations in parallel only to wait for them together), so resuming at each answer would
// run the scheduler for nothing.
function settle(host, rt, req, op, status, data) {
  if (rt.dead) return;
  if (req !== undefined) {
    if (!req.ops.delete(op)) return; // already failed by sweep or expire
  }
  try {
    rt.exports.settle(op, status, writeResult(rt, data));
  } catch (err) {
    die(host, rt, err);
    return;
  }
  if (req === undefined) resume(host, rt, 0);
  else if (req.ops.size === 0) resume(host, rt, req.gone ? 0 : req.id);
}

// sweep fails the KV operations of requests in flight for longer than staleAfter: their
// clients left and the runtime cancelled their I/O, so that Go's goroutines do not wait forever.
function sweep(host, rt) {
  const limit = Date.now() - host.staleAfter;
  for (const req of rt.requests.values()) {
    if (req.since > limit || req.gone) continue;
    req.gone = true;
    rt.requests.delete(req.id);
    for (const op of req.ops.keys()) settle(host, rt, req, op, FAILED, 'the request is no longer served');
  }
}

/** One request in flight, with its mailbox (rule 1). */
class Req {
  constructor(id, env, ctx, head, body, clientRequestId) {
    this.id = id;
    this.env = env;
    this.ctx = ctx;
    this.head = head;
    this.body = body;
    this.clientRequestId = clientRequestId;
    this.since = Date.now();
    this.attempts = 0;
    this.wrote = false;
    this.gone = false;
    this.ops = new Map(); // KV operations started and not settled: op → {kind, deadline}
    this.timer = null; // expire's, while any operation is in flight
    this.rt = null;
    this.queue = [];
    this.wake = null;
    this.response = null;
  }

  post(fn) {
    this.queue.push(fn);
    this.ring();
  }

  finish(response) {
    if (this.response === null) this.response = response;
    this.ring();
  }

  ring() {
    const w = this.wake;
    if (w !== null) {
      this.wake = null;
      w();
    }
  }

  // serve runs what is posted to the mailbox, in this request's handler, until the response.
  async serve() {
    for (;;) {
      while (this.response === null && this.queue.length > 0) this.queue.shift()();
      if (this.response !== null) {
        clearTimeout(this.timer); // Go answered: whatever it still waits for is sweep's
        this.timer = null;
        return this.response;
      }
      await new Promise((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

// readBody reads at most cap bytes of the body (null when there is none): Go reads no more.
// The rest of a longer body is read and dropped, up to drain bytes, before Go answers: an
// answer before the whole body arrived leaves the connection it came on unusable to a client
// or proxy that reuses connections. (Under `wrangler dev`, the dev proxy's next request on that
// connection fails with a 503 "Your worker restarted mid-request" or hangs; wrangler's own
// middleware drains bodies for that reason, but only ones the Worker has not started to read.)
// A body longer still is cancelled.
async function readBody(request, cap, drain) {
  if (request.body === null) return null;
  const declared = request.headers.get('content-length');
  if (declared !== null && /^[0-9]{1,15}$/.test(declared) && Number(declared) <= cap) {
    return new Uint8Array(await request.arrayBuffer());
  }
  const reader = request.body.getReader();
  const chunks = [];
  let n = 0;
  while (n < cap) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    n += value.byteLength;
  }
  if (n >= cap) {
    let dropped = n - cap;
    while (dropped < drain) {
      const { done, value } = await reader.read();
      if (done) break;
      dropped += value.byteLength;
    }
    if (dropped >= drain) reader.cancel().catch(() => {});
  }
  const out = new Uint8Array(Math.min(n, cap));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.byteLength, out.length - at);
    out.set(take === c.byteLength ? c : c.subarray(0, take), at);
    at += take;
    if (at === out.length) break;
  }
  return out;
}

function printable(s) {
  return typeof s === 'string' && s.length > 0 && s.length <= 200 && /^[\x21-\x7e]+$/.test(s);
}

/** A Graph error answer made here, when Go cannot make it. */
export function errorResponse(req, status, code, message) {
  const requestId = crypto.randomUUID();
  const clientRequestId = printable(req.clientRequestId) ? req.clientRequestId : requestId;
  const date = new Date().toISOString().slice(0, 19);
  const body = JSON.stringify({ error: { code, message, innerError: { date, 'request-id': requestId, 'client-request-id': clientRequestId } } });
  return new Response(body, {
    status,
    headers: {
      'Content-Type': JSON_CONTENT_TYPE,
      'request-id': requestId,
      'client-request-id': clientRequestId,
      'OData-Version': '4.0',
      'Cache-Control': 'no-store',
    },
  });
}
