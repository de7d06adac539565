// Package hostproto serves HTTP requests for the Worker's JavaScript host (worker/host.mjs)
// through a narrow protocol of plain calls over bytes, so that one Go program serves every
// request of an isolate. worker/host.go binds it to the wasm imports and exports; everything
// else is here, in plain Go, and tested natively.
//
// The protocol, as JavaScript sees it:
//
//	request   JavaScript reads the body (at most MaxBody bytes), calls alloc(n) and writes the
//	          head (method, URL, header names and values, each ending in "\n") and the body
//	          into the buffer, then request(id, env, headLen, bodyLen) (bodyLen -1: no body)
//	          and resumes Go. request decodes the *http.Request and hands it to a goroutine
//	          that runs the handler; resuming runs Go until every goroutine waits.
//	response  the goroutine calls respond(id, status, head, body): JavaScript copies them out
//	          of linear memory into a Response during the call. The head is header names and
//	          values, each ending in "\n"; body -1 means none.
//	KV        kv_get, kv_put, kv_delete and kv_list start an operation on the KV binding of the
//	          request's own env and return at once; the goroutine waits. When the promise
//	          settles, JavaScript calls alloc and settle(op, status, n) with the result, and
//	          resumes Go once the request has no other operation in flight.
//
// On wasm everything runs on the isolate's one thread: goroutines switch only where they block,
// and JavaScript calls in only while Go is paused. The few locks and atomics here cost next to
// nothing there and keep the package correct natively, where its tests run.
package hostproto

import (
	"log"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/usedinsight/usedinsight/internal/clip"
	"github.com/usedinsight/usedinsight/internal/insight"
	"github.com/usedinsight/usedinsight/internal/odata"
)

// MaxBody is the most of a request body the API reads: MaxBodyBytes+1 of a plain body,
// 4×MaxBodyBytes of a gzip-compressed one (internal/api/body.go). JavaScript reads no more.
const MaxBody = 4*insight.MaxBodyBytes + 1

// Imports are the calls Go makes into JavaScript. They return at once and never call back.
type Imports interface {
	// Respond sends the response of request id: its status, head (header names and values,
	// each ending in "\n") and body (nil: none). JavaScript copies them during the call.
	Respond(id, status int32, head, body []byte)
	// KVGet, KVPut, KVDelete and KVList start KV operation op for request id; JavaScript
	// settles it later (Host.Settle).
	KVGet(id, op int32, key string)
	KVPut(id, op int32, key string, value []byte)
	KVDelete(id, op int32, key string)
	KVList(id, op int32, prefix, cursor string, limit int32)
}

// App is what serves the requests of one env.
type App struct {
	Handler http.Handler
	// CountKV adds each request's KV operations to its response in a Server-Timing header.
	CountKV bool
}

// Host serves the requests JavaScript hands it. Its methods are the wasm exports: JavaScript
// calls them one at a time, never concurrently.
type Host struct {
	imports Imports
	newApp  func() App
	apps    map[int32]*App    // by env number
	input   []byte            // the buffer of the last Alloc, for the next Request or Settle
	names   map[string]string // header names as they come → canonical form, bounded
	ops     ops
	writers sync.Pool // of *response
	jobs    chan job  // unbuffered: a send succeeds only when an idle worker waits
	idle    atomic.Int32
}

// New returns a Host that calls imports and builds an App with newApp for each env it meets.
// newApp runs inside Request, while JavaScript has that env in hand.
func New(imports Imports, newApp func() App) *Host {
	return &Host{
		imports: imports,
		newApp:  newApp,
		apps:    map[int32]*App{},
		names:   map[string]string{},
		ops:     ops{table: map[int32]*op{}},
		writers: sync.Pool{New: func() any { return new(response) }},
		jobs:    make(chan job),
	}
}

// Alloc returns a new buffer of n bytes for JavaScript to write a request or a KV result into;
// the next Request or Settle takes it.
func (h *Host) Alloc(n int32) []byte {
	h.input = make([]byte, max(n, 1))[:max(n, 0)]
	return h.input
}

// take returns the first n bytes of the last Alloc's buffer, or nil when there are not n.
func (h *Host) take(n int32) []byte {
	b := h.input
	h.input = nil
	if n < 0 || int(n) > len(b) {
		return nil
	}
	return b[:n:n]
}

// Request starts serving request id with the App of env (a number JavaScript gives each env
// object it sees). The buffer of the last Alloc holds headLen bytes of head and then bodyLen
// bytes of body (-1: no body).
func (h *Host) Request(id, env, headLen, bodyLen int32) {
	buf := h.take(headLen + max(bodyLen, 0))
	a := h.app(env)
	req := &request{id: id, host: h, countKV: a.CountKV}
	r, err := h.decode(req, buf, headLen, bodyLen)
	if err != nil {
		go req.fail(r, err)
		return
	}
	work := job{req, a.Handler, r}
	select {
	case h.jobs <- work: // an idle worker takes it
	default:
		go h.worker(work)
	}
}

// app returns the App of env, building it on first use.
func (h *Host) app(env int32) *App {
	if a := h.apps[env]; a != nil {
		return a
	}
	if len(h.apps) >= 8 { // env objects do not change in practice; bound the table anyway
		clear(h.apps)
	}
	a := h.newApp()
	h.apps[env] = &a
	return &a
}

// A job is one request for a worker goroutine to serve.
type job struct {
	req *request
	h   http.Handler
	r   *http.Request
}

// maxIdle is the most worker goroutines that wait for the next request.
const maxIdle = 32

// worker serves j and then further requests while it is one of at most maxIdle waiting for
// work: starting and ending a goroutine per request costs more on wasm than elsewhere, and a
// long-lived one keeps its grown stack.
func (h *Host) worker(j job) {
	for {
		j.req.serve(j.h, j.r)
		if h.idle.Add(1) > maxIdle {
			h.idle.Add(-1)
			return
		}
		j = <-h.jobs
		h.idle.Add(-1)
	}
}

// request is one request in flight; the context of its *http.Request carries it.
type request struct {
	id      int32
	host    *Host
	countKV bool
	kv      kvCounts
}

// serve runs the handler and sends its response. A panic that escapes the handler answers 500
// and leaves the program running.
func (req *request) serve(h http.Handler, r *http.Request) {
	w := req.host.writers.Get().(*response)
	defer func() {
		if v := recover(); v != nil {
			log.Printf("worker: panic serving %s %s: %v", r.Method, r.URL.Path, v)
			w.Reset()
			req.writeError(w, r, &odata.Error{Status: http.StatusInternalServerError, Code: "generalException", Message: "An internal server error occurred."})
		}
		req.send(w)
		w.Reset()
		req.host.writers.Put(w)
	}()
	h.ServeHTTP(w, r)
}

// fail answers a request that could not be decoded; r is what could be (nil for nothing).
func (req *request) fail(r *http.Request, err error) {
	e := &odata.Error{Status: http.StatusBadRequest, Code: "invalidRequest", Message: "The request could not be read: " + clip.Message(err.Error()) + "."}
	if err == errTruncated || err == errHead {
		e = &odata.Error{Status: http.StatusInternalServerError, Code: "generalException", Message: "The request did not reach the service whole."}
	}
	w := req.host.writers.Get().(*response)
	req.writeError(w, r, e)
	req.send(w)
	w.Reset()
	req.host.writers.Put(w)
}

// writeError writes e as the answer to r, as the API writes its own errors.
func (req *request) writeError(w http.ResponseWriter, r *http.Request, e *odata.Error) {
	method, clientRequestID := "", ""
	if r != nil {
		method, clientRequestID = r.Method, r.Header.Get("client-request-id")
	}
	odata.WriteError(w, method, odata.NewIDs(clientRequestID), e, time.Now())
}
