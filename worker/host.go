//go:build js && wasm

package main

// The host adapter: how this Go program serves the Worker's requests from the JavaScript entry
// (entry.mjs and host.mjs, which document the JavaScript half).
//
// syumai/workers' own entry starts a new WebAssembly instance, and so a new Go runtime, for
// every request, and converts requests and responses through streams (a goroutine, a pipe
// and several js.Func callbacks per response). Here one Go program serves every request of the
// isolate, many at once, and the hot path crosses between JavaScript and Go only through plain
// wasm imports and exports over linear memory, never through syscall/js values:
//
//	request   JavaScript reads the body (at most maxBodyRead bytes), calls alloc(n) and writes
//	          the head (method, URL, header names and values, each ending in "\n") and the
//	          body into the buffer, then request(id, env, headLen, bodyLen) (bodyLen -1: no
//	          body) and resume. request builds the *http.Request and starts a goroutine that
//	          runs the handler; resume runs Go until every goroutine waits.
//	response  the goroutine calls respond(id, status, head, body): JavaScript copies them
//	          out of linear memory into a Response during the call.
//	KV        kv_get, kv_put, kv_delete and kv_list start an operation on the KV binding of the
//	          request's own env and return at once; the goroutine waits. When the promise
//	          settles, JavaScript calls alloc and settle(op, status, n) with the result and
//	          then resumes Go.
//
// syscall/js stays for what is not per request: syumai/workers' cloudflare.Getenv reads the
// configuration from the env (JavaScript sets the global context.env to the env of the request
// it dispatches, and the handler for an env is built synchronously inside request), and Go's
// runtime glue (wasm_exec.js) is syumai/workers' copy.
//
// Everything here runs on the one thread of the isolate: goroutines switch only where they
// block, and JavaScript calls the exports only while Go is paused, so the tables below need no
// locks. The exports never block.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/api"
	"github.com/usedinsight/usedinsight/internal/insight"
	"github.com/usedinsight/usedinsight/internal/odata"
)

// maxBodyRead is the most of a request body the handler reads: MaxBodyBytes+1 of a plain body,
// 4×MaxBodyBytes of a gzip-compressed one (internal/api/body.go). JavaScript reads no more.
const maxBodyRead = 4*insight.MaxBodyBytes + 1

// Imports: host.mjs provides the module "usedinsight".

//go:wasmimport usedinsight ready
func hostReady(maxBody int32)

//go:wasmimport usedinsight respond
func hostRespond(id, status int32, head string, body unsafe.Pointer, bodyLen int32)

//go:wasmimport usedinsight kv_get
func hostKVGet(id, op int32, key string)

//go:wasmimport usedinsight kv_put
func hostKVPut(id, op int32, key string, value unsafe.Pointer, n int32)

//go:wasmimport usedinsight kv_delete
func hostKVDelete(id, op int32, key string)

//go:wasmimport usedinsight kv_list
func hostKVList(id, op int32, prefix, cursor string, limit int32)

// serve tells JavaScript that the exports are ready and keeps the program alive.
func serve() {
	hostReady(maxBodyRead)
	select {}
}

// input is the buffer of the last alloc; the next request or settle takes it.
var input []byte

// alloc returns the address of a new buffer of n bytes for JavaScript to write into.
//
//go:wasmexport alloc
func alloc(n int32) unsafe.Pointer {
	input = make([]byte, max(n, 1))[:n]
	return unsafe.Pointer(unsafe.SliceData(input))
}

func takeInput(n int32) []byte {
	b := input
	input = nil
	if n < 0 || int(n) > len(b) {
		return nil
	}
	return b[:n:n]
}

// request starts serving request id with the handler of env (a number JavaScript gives each
// env object it sees). The input holds the head and then the body.
//
//go:wasmexport request
func request(id, env, headLen, bodyLen int32) {
	buf := takeInput(headLen + max(bodyLen, 0))
	st := &hostRequest{id: id}
	a := appFor(env)
	st.countKV = a.countKV
	if buf == nil || headLen <= 0 {
		go respondError(st, nil, http.StatusInternalServerError, "generalException", "The request did not reach the service whole.")
		return
	}
	r, err := parseRequest(buf, headLen, bodyLen, st)
	if err != nil {
		go respondError(st, r, http.StatusBadRequest, "invalidRequest", "The request could not be read: "+odata.Clip(err.Error())+".")
		return
	}
	work := job{st, a.handler, r}
	select {
	case jobs <- work: // an idle worker takes it
	default:
		go worker(work)
	}
}

// Requests are served by worker goroutines that stay for the next request: starting and ending
// a goroutine per request costs more on wasm than elsewhere, and a long-lived one keeps its
// grown stack. At most maxIdle wait for work.
type job struct {
	st *hostRequest
	h  http.Handler
	r  *http.Request
}

const maxIdle = 32

var (
	jobs = make(chan job) // unbuffered: a send succeeds only when a worker waits
	idle int
)

func worker(j job) {
	for {
		j.st.serve(j.h, j.r)
		if idle >= maxIdle {
			return
		}
		idle++
		j = <-jobs
		idle--
	}
}

// appFor returns the app built from the env numbered env, building it on first use.
func appFor(env int32) *app {
	if a := apps[env]; a != nil {
		return a
	}
	if len(apps) >= 8 { // env objects do not change in practice; bound the table anyway
		clear(apps)
	}
	a := newApp()
	apps[env] = a
	return a
}

var apps = map[int32]*app{}

// hostRequest is one request in flight.
type hostRequest struct {
	id      int32
	countKV bool
	kv      kvCounts
}

type kvCounts struct{ gets, puts, lists, deletes int }

type requestKey struct{}

func requestOf(ctx context.Context) *hostRequest {
	st, _ := ctx.Value(requestKey{}).(*hostRequest)
	return st
}

// serve runs the handler and sends its response. A panic that escapes the handler answers 500
// and leaves the program running.
func (st *hostRequest) serve(h http.Handler, r *http.Request) {
	w := newWriter()
	defer func() {
		if v := recover(); v != nil {
			log.Printf("worker: panic serving %s %s: %v", r.Method, r.URL.Path, v)
			putWriter(w)
			respondError(st, r, http.StatusInternalServerError, "generalException", "An internal server error occurred.")
			return
		}
		w.send(st)
		putWriter(w)
	}()
	h.ServeHTTP(w, r)
}

// respondError answers with a Graph error of the adapter's own (the API answers its own
// errors): a request it could not read, or a panic that escaped the handler.
func respondError(st *hostRequest, r *http.Request, status int, code, message string) {
	var b [16]byte
	rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80 // a version 4 UUID, like the API's request ids
	x := hex.EncodeToString(b[:])
	requestID := x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
	clientRequestID := requestID
	if r != nil {
		if c := r.Header.Get("client-request-id"); c != "" && len(c) <= 200 && strings.IndexFunc(c, func(c rune) bool { return c < 0x21 || c > 0x7e }) < 0 {
			clientRequestID = c
		}
	}
	w := newWriter()
	e := &odata.Error{Status: status, Code: code, Message: message}
	h := w.Header()
	h.Set("Content-Type", api.JSONContentType)
	h.Set("request-id", requestID)
	h.Set("client-request-id", clientRequestID)
	h.Set("OData-Version", "4.0")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(e.Body(time.Now(), requestID, clientRequestID))
	w.send(st)
	putWriter(w)
}

// parseRequest makes the *http.Request of a head ("METHOD\nURL\nname\nvalue\n...", names in
// lower case as the Fetch API gives them) and a body (bodyLen -1: none). When the URL is one
// that Go cannot parse (the Fetch API lets "%zz" through), it returns the error and a request
// with just the method and headers, for the answer's client-request-id.
func parseRequest(buf []byte, headLen, bodyLen int32, st *hostRequest) (*http.Request, error) {
	// The buffer is this request's alone and never written again: the head's strings alias it.
	head := unsafe.String(unsafe.SliceData(buf), headLen)
	method, rest, _ := strings.Cut(head, "\n")
	rawURL, rest, _ := strings.Cut(rest, "\n")
	n := strings.Count(rest, "\n") / 2
	h := make(http.Header, n)
	values := make([]string, n)
	for i := 0; i < n; i++ {
		var name string
		name, rest, _ = strings.Cut(rest, "\n")
		values[i], rest, _ = strings.Cut(rest, "\n")
		key := canonicalKey(name)
		if old, ok := h[key]; ok {
			h[key] = append(old, values[i])
		} else {
			h[key] = values[i : i+1 : i+1]
		}
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may be long
		}
		return &http.Request{Method: method, Header: h}, err
	}
	r := &http.Request{
		Method: method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Host: u.Host, RequestURI: u.RequestURI(), RemoteAddr: h.Get("Cf-Connecting-Ip"),
	}
	switch {
	case bodyLen >= 0:
		r.Body = &body{Reader: bytes.NewReader(buf[headLen : headLen+bodyLen])}
		r.ContentLength = -1
		if cl := h.Get("Content-Length"); cl != "" {
			if v, err := strconv.ParseInt(cl, 10, 64); err == nil {
				r.ContentLength = v
			}
		}
	default:
		r.Body = http.NoBody
	}
	return r.WithContext(context.WithValue(context.Background(), requestKey{}, st)), nil
}

type body struct{ *bytes.Reader }

func (body) Close() error { return nil }

// canonicalKeys caches the canonical form of header names seen, bounded.
var canonicalKeys = map[string]string{}

func canonicalKey(name string) string {
	if k, ok := canonicalKeys[name]; ok {
		return k
	}
	k := textproto.CanonicalMIMEHeaderKey(name)
	if len(canonicalKeys) < 256 {
		canonicalKeys[strings.Clone(name)] = k
	}
	return k
}

// writer is the http.ResponseWriter of one request; its buffers are reused.
type writer struct {
	header http.Header
	status int
	body   []byte
	head   []byte
}

var writers = sync.Pool{New: func() any { return &writer{header: make(http.Header, 12)} }}

func newWriter() *writer { return writers.Get().(*writer) }

func putWriter(w *writer) {
	clear(w.header)
	w.status, w.body, w.head = 0, w.body[:0], w.head[:0]
	writers.Put(w)
}

func (w *writer) Header() http.Header { return w.header }

func (w *writer) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *writer) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.body = append(w.body, b...)
	return len(b), nil
}

// send hands the response to JavaScript, which copies it during the call.
func (w *writer) send(st *hostRequest) {
	w.WriteHeader(http.StatusOK)
	if st.countKV {
		w.header.Set("Server-Timing", `kv;desc="`+st.kv.String()+`"`)
	}
	head := w.head[:0]
	for k, vs := range w.header {
		for _, v := range vs {
			head = append(head, k...)
			head = append(head, '\n')
			head = append(head, v...)
			head = append(head, '\n')
		}
	}
	w.head = head
	bodyLen := int32(len(w.body))
	if w.body == nil {
		bodyLen = -1
	}
	hostRespond(st.id, int32(w.status), unsafe.String(unsafe.SliceData(head), len(head)), unsafe.Pointer(unsafe.SliceData(w.body)), bodyLen)
}

func (c kvCounts) String() string {
	return strconv.Itoa(c.gets) + " get, " + strconv.Itoa(c.puts) + " put, " + strconv.Itoa(c.lists) + " list, " + strconv.Itoa(c.deletes) + " delete"
}

// KV operations in flight, by number.
var (
	ops    = map[int32]*kvOp{}
	nextOp int32
)

type kvOp struct {
	done   chan struct{} // receives once per use
	status int32
	value  []byte
}

// freeOps are kvOps to reuse: an operation costs no allocation of its own.
var freeOps []*kvOp

const (
	settleOK      = 0 // done; a get's value or a list's answer in the input
	settleMissing = 1 // a get of a key that does not exist
	settleError   = 2 // failed; the message in the input
)

func newOp() (int32, *kvOp) {
	nextOp++
	if nextOp <= 0 {
		nextOp = 1
	}
	var op *kvOp
	if n := len(freeOps); n > 0 {
		op, freeOps = freeOps[n-1], freeOps[:n-1]
	} else {
		op = &kvOp{done: make(chan struct{}, 1)}
	}
	ops[nextOp] = op
	return nextOp, op
}

// wait waits for the operation's settle and returns its status and value; o is reused after.
func (o *kvOp) wait() (int32, []byte) {
	<-o.done
	status, value := o.status, o.value
	o.value = nil
	if len(freeOps) < 64 {
		freeOps = append(freeOps, o)
	}
	return status, value
}

// settle ends KV operation op; the input holds its n bytes of result.
//
//go:wasmexport settle
func settle(op, status, n int32) {
	o := ops[op]
	value := takeInput(n)
	if o == nil {
		return
	}
	delete(ops, op)
	o.status, o.value = status, value
	o.done <- struct{}{} // never blocks: one receive per use
}

// hostKV is kvstore.KV over the KV binding of each request's env, through host.mjs.
type hostKV struct{}

var errNoRequest = errors.New("worker: KV used outside a request")

func kvError(what, key string, message []byte) error {
	return errors.New("KV " + what + " " + strconv.Quote(key) + ": " + string(message))
}

func (hostKV) Get(ctx context.Context, key string) ([]byte, bool, error) {
	st := requestOf(ctx)
	if st == nil {
		return nil, false, errNoRequest
	}
	st.kv.gets++
	id, o := newOp()
	hostKVGet(st.id, id, key)
	switch status, value := o.wait(); status {
	case settleOK:
		return value, true, nil
	case settleMissing:
		return nil, false, nil
	default:
		return nil, false, kvError("get", key, value)
	}
}

func (hostKV) Put(ctx context.Context, key string, value []byte) error {
	st := requestOf(ctx)
	if st == nil {
		return errNoRequest
	}
	st.kv.puts++
	id, o := newOp()
	hostKVPut(st.id, id, key, unsafe.Pointer(unsafe.SliceData(value)), int32(len(value)))
	if status, message := o.wait(); status != settleOK {
		return kvError("put", key, message)
	}
	return nil
}

func (hostKV) Delete(ctx context.Context, key string) error {
	st := requestOf(ctx)
	if st == nil {
		return errNoRequest
	}
	st.kv.deletes++
	id, o := newOp()
	hostKVDelete(st.id, id, key)
	if status, message := o.wait(); status != settleOK {
		return kvError("delete", key, message)
	}
	return nil
}

// List: JavaScript answers with a JSON array, the cursor ("" when the listing is complete)
// and then the key names.
func (hostKV) List(ctx context.Context, prefix, cursor string, limit int) ([]string, string, error) {
	st := requestOf(ctx)
	if st == nil {
		return nil, "", errNoRequest
	}
	st.kv.lists++
	id, o := newOp()
	hostKVList(st.id, id, prefix, cursor, int32(limit))
	status, value := o.wait()
	if status != settleOK {
		return nil, "", kvError("list", prefix, value)
	}
	res := gjson.ParseBytes(value)
	if !res.IsArray() {
		return nil, "", errors.New("KV list: malformed answer from JavaScript")
	}
	var next string
	keys := make([]string, 0, limit)
	first := true
	res.ForEach(func(_, v gjson.Result) bool {
		if first {
			next, first = v.Str, false
		} else {
			keys = append(keys, v.Str)
		}
		return true
	})
	return keys, next, nil
}
