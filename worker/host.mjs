// The JavaScript half of the Worker's host adapter: one Go program per isolate serves every
// request, many at once. worker/host.go is the Go half and documents the calling protocol;
// entry.mjs is the Worker module that uses this file. Node.js tests: worker/test/.
//
// Three rules of the Workers runtime shape this file:
//
//  1. I/O belongs to the request whose code started it, and is cancelled when that request
//     ends. Go is resumed from one request's JavaScript (its KV answer arrived), but may run
//     goroutines of others. So a KV operation starts at once only when Go asked for it while
//     running on behalf of that same request (`rt.current`); otherwise it is posted to the
//     request's own mailbox, and that request's fetch handler starts it. Responses are
//     delivered the same way.
//  2. A request that waits with no I/O of its own in flight is cancelled as hung. A request
//     waits only for its own KV operations or for its mailbox, which is only posted to while
//     Go runs or when a runtime dies; Go itself never keeps one request waiting on another.
//  3. A panic outside the handler's goroutine, an exit or a trap ends the Go program with
//     every request it was serving (a panic in the handler's goroutine is a 500 for that request
//     alone, host.go). The next request starts a new program. Of the requests in flight, the one
//     on whose behalf Go was running when it died (the likely cause) gets a 500; the others are
//     replayed on the new program when they had not asked for any KV write, at most `replays`
//     times, and otherwise get a 500 too, since their writes may or may not have happened.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// settle statuses (host.go).
const OK = 0;
const MISSING = 1;
const FAILED = 2;

/** The Content-Type of Graph's JSON answers (internal/api.JSONContentType). */
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
  let live = null; // the runtime that takes new requests
  let maxBody = -1; // the most of a body Go reads (host.go's maxBodyRead)
  let lastId = 0;
  let lastEnv = 0;
  const envIds = new WeakMap();
  const stats = { runtimes: 0, deaths: 0, replays: 0 };

  function envId(env) {
    let id = envIds.get(env);
    if (id === undefined) {
      lastEnv = (lastEnv % 0x7fffffff) + 1;
      id = lastEnv;
      envIds.set(env, id);
    }
    return id;
  }

  // start instantiates the module and runs main, which calls ready and blocks.
  function start() {
    const go = new Go();
    const rt = {
      go,
      exports: null,
      dead: false,
      requests: new Map(), // id → Req in flight
      current: 0, // the request on whose behalf Go is running now, 0 for none
      // syumai/workers' glue exposes this as the global `context` to Go; its cloudflare.Getenv
      // reads env from it while a handler is built (host.go). ctx stays per request, in Req.
      context: { env: undefined, binding: {} },
    };
    const mem = () => rt.exports.mem.buffer;
    const str = (p, n) => (n === 0 ? '' : decoder.decode(new Uint8Array(mem(), p, n)));
    // Imports must never throw into Go.
    const guard = (f) => (...args) => {
      try {
        f(...args);
      } catch (err) {
        log('usedinsight: host adapter:', err);
      }
    };
    const imports = {
      ...go.importObject,
      usedinsight: {
        ready: guard((n) => {
          maxBody = n;
          rt.ready = true;
        }),
        respond: guard((id, status, hp, hl, bp, bl) => respond(rt, id, status, str(hp, hl), bl < 0 ? null : new Uint8Array(mem(), bp, bl).slice())),
        kv_get: guard((id, op, kp, kl) => kv(rt, id, op, 'get', str(kp, kl))),
        kv_put: guard((id, op, kp, kl, vp, vl) => kv(rt, id, op, 'put', str(kp, kl), new Uint8Array(mem(), vp, vl).slice())),
        kv_delete: guard((id, op, kp, kl) => kv(rt, id, op, 'delete', str(kp, kl))),
        kv_list: guard((id, op, pp, pl, cp, cl, limit) => kv(rt, id, op, 'list', str(pp, pl), str(cp, cl), limit)),
      },
    };
    const instance = instantiate(module, imports);
    rt.exports = instance.exports;
    go.exit = (code) => die(rt, new Error(`the Go program exited with code ${code}`));
    stats.runtimes++;
    // run executes main up to its first wait before it returns; its promise settles on exit.
    go.run(instance, rt.context).then(
      () => die(rt, new Error('the Go program exited')),
      (err) => die(rt, err),
    );
    if (!rt.ready || rt.dead) {
      die(rt, new Error('the Go program did not start'));
      throw new Error('usedinsight: the Go program did not start');
    }
    return rt;
  }

  // run resumes Go on behalf of request id until every goroutine waits.
  function run(rt, id) {
    if (rt.dead) return;
    const prev = rt.current;
    rt.current = id;
    try {
      rt.go._resume();
    } catch (err) {
      die(rt, err);
    } finally {
      rt.current = prev;
    }
  }

  // dispatch hands req to the live runtime; it runs in req's own fetch handler.
  function dispatch(req) {
    let rt = live;
    if (rt === null) {
      try {
        rt = live = start();
      } catch (err) {
        log('usedinsight:', err);
        req.finish(errorResponse(req, 500, 'generalException', 'The service could not start.'));
        return;
      }
    }
    sweep(rt);
    req.attempts++;
    req.wrote = false;
    req.rt = rt;
    rt.requests.set(req.id, req);
    rt.context.env = req.env;
    const prev = rt.current;
    rt.current = req.id;
    try {
      const bodyLen = req.body === null ? -1 : req.body.length;
      // Room for the head as ASCII (the usual case), else for any UTF-8 (3 bytes a unit at most).
      let room = req.head.length;
      let p = rt.exports.alloc(room + Math.max(bodyLen, 0));
      let view = new Uint8Array(rt.exports.mem.buffer);
      let { read, written } = encoder.encodeInto(req.head, view.subarray(p, p + room));
      if (read < req.head.length) {
        room = req.head.length * 3;
        p = rt.exports.alloc(room + Math.max(bodyLen, 0));
        view = new Uint8Array(rt.exports.mem.buffer);
        ({ written } = encoder.encodeInto(req.head, view.subarray(p, p + room)));
      }
      if (bodyLen > 0) view.set(req.body, p + written);
      rt.exports.request(req.id, envId(req.env), written, bodyLen);
      rt.go._resume();
    } catch (err) {
      die(rt, err);
    } finally {
      rt.current = prev;
    }
  }

  function respond(rt, id, status, head, body) {
    const req = rt.requests.get(id);
    if (req === undefined) return;
    rt.requests.delete(id);
    const make = () => {
      let res;
      try {
        const headers = new Headers();
        for (let i = 0; i < head.length; ) {
          const a = head.indexOf('\n', i);
          const b = head.indexOf('\n', a + 1);
          headers.append(head.slice(i, a), head.slice(a + 1, b));
          i = b + 1;
        }
        const nullBody = status === 101 || status === 204 || status === 205 || status === 304;
        res = new Response(nullBody ? null : body, { status, headers });
      } catch (err) {
        log('usedinsight: the response could not be made:', err);
        res = errorResponse(req, 500, 'generalException', 'An internal server error occurred.');
      }
      req.finish(res);
    };
    if (rt.current === id) make();
    else req.post(make);
  }

  // kv starts a KV operation for request id (from its own handler; see rule 1) and settles
  // it with Go when it completes.
  function kv(rt, id, op, kind, a, b, c) {
    const req = rt.requests.get(id);
    if (req !== undefined && (kind === 'put' || kind === 'delete')) req.wrote = true;
    const begin = () => {
      let p;
      try {
        if (req === undefined || req.gone) throw new Error('the request is no longer served');
        const ns = req.env[binding];
        if (kind === 'get') p = ns.get(a, 'arrayBuffer');
        else if (kind === 'put') p = ns.put(a, b);
        else if (kind === 'delete') p = ns.delete(a);
        else p = ns.list({ prefix: a, cursor: b || undefined, limit: c }).then((r) => JSON.stringify([r.list_complete ? '' : r.cursor, ...r.keys.map((k) => k.name)]));
      } catch (err) {
        p = Promise.reject(err);
      }
      if (req !== undefined) req.ops.add(op);
      // Whichever comes first settles the operation; settle ignores the other.
      const timer = setTimeout(() => settle(rt, req, op, FAILED, `KV ${kind} timed out after ${kvTimeout} ms`), kvTimeout);
      p.then(
        (v) => settle(rt, req, op, kind === 'get' && v === null ? MISSING : OK, v ?? null),
        (err) => settle(rt, req, op, FAILED, String(err?.message ?? err)),
      ).finally(() => clearTimeout(timer));
    };
    if (req !== undefined && rt.current === id && !req.gone) begin();
    else if (req !== undefined && !req.gone) req.post(begin);
    else Promise.resolve().then(begin); // fails at once, so the goroutine ends
  }

  function settle(rt, req, op, status, data) {
    if (rt.dead) return;
    if (req !== undefined) {
      if (!req.ops.delete(op)) return; // already failed by sweep
    }
    try {
      let n = -1;
      if (data !== null) {
        const bytes = typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data);
        n = bytes.length;
        const p = rt.exports.alloc(n);
        new Uint8Array(rt.exports.mem.buffer, p, n).set(bytes);
      }
      rt.exports.settle(op, status, n);
    } catch (err) {
      die(rt, err);
      return;
    }
    run(rt, req !== undefined && !req.gone ? req.id : 0);
  }

  // sweep fails the KV operations of requests in flight for longer than staleAfter: their
  // clients left and the runtime cancelled their I/O, so that Go's goroutines do not wait forever.
  function sweep(rt) {
    const limit = Date.now() - staleAfter;
    for (const req of rt.requests.values()) {
      if (req.since > limit || req.gone) continue;
      req.gone = true;
      rt.requests.delete(req.id);
      for (const op of req.ops) settle(rt, req, op, FAILED, 'the request is no longer served');
    }
  }

  // die retires a runtime that exited or trapped; see rule 3. suspect is the request on whose
  // behalf Go was running when it died: it is not replayed.
  function die(rt, err, suspect = rt.current) {
    if (rt.dead) return;
    rt.dead = true;
    stats.deaths++;
    if (live === rt) live = null;
    log('usedinsight: the Go program stopped; the next request starts a new one:', err);
    const inflight = [...rt.requests.values()];
    rt.requests.clear();
    for (const req of inflight) {
      req.ops.clear();
      if (req.id !== suspect && !req.wrote && req.attempts <= replays) {
        stats.replays++;
        req.post(() => dispatch(req));
      } else {
        const message = req.wrote
          ? 'The service stopped while serving the request; its changes may or may not have been stored.'
          : 'The service stopped while serving the request.';
        req.post(() => req.finish(errorResponse(req, 500, 'generalException', message)));
      }
    }
  }

  /**
   * The Worker's fetch handler.
   * @param {Request} request
   * @param {Record<string, any>} env
   * @param {ExecutionContext} ctx
   */
  async function fetch(request, env, ctx) {
    if (maxBody < 0 && live === null) {
      try {
        live = start();
      } catch (err) {
        log('usedinsight:', err);
        return errorResponse({ clientRequestId: request.headers.get('client-request-id') }, 500, 'generalException', 'The service could not start.');
      }
    }
    let body;
    try {
      body = await readBody(request, maxBody, drain);
    } catch (err) {
      // The client sent a malformed body (a bad chunk) or went away while sending it.
      log('usedinsight: reading the request body:', err);
      return errorResponse({ clientRequestId: request.headers.get('client-request-id') }, 400, 'invalidRequest', 'The request body could not be read.');
    }
    let head = request.method + '\n' + request.url + '\n';
    for (const [name, value] of request.headers) head += name + '\n' + value + '\n';
    lastId = (lastId % 0x7fffffff) + 1;
    const req = new Req(lastId, env, ctx, head, body, request.headers.get('client-request-id'));
    dispatch(req);
    return req.serve();
  }

  return { fetch, stats };
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
    this.ops = new Set(); // KV operations started and not settled
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
      if (this.response !== null) return this.response;
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
