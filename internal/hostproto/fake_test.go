package hostproto

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// call is one call Go made into the fake JavaScript.
type call struct {
	kind           string // respond, get, put, delete or list
	id, op, status int32
	head           http.Header
	body           []byte // nil: none
	key, cursor    string
	limit          int32
}

// fakeJS is Imports that records each call for the test to answer, as host.mjs would.
type fakeJS struct{ calls chan call }

func (f *fakeJS) Respond(id, status int32, head, body []byte) {
	f.calls <- call{kind: "respond", id: id, status: status, head: parseHead(head), body: bytes.Clone(body)}
}
func (f *fakeJS) KVGet(id, op int32, key string) {
	f.calls <- call{kind: "get", id: id, op: op, key: key}
}
func (f *fakeJS) KVPut(id, op int32, key string, value []byte) {
	f.calls <- call{kind: "put", id: id, op: op, key: key, body: bytes.Clone(value)}
}
func (f *fakeJS) KVDelete(id, op int32, key string) {
	f.calls <- call{kind: "delete", id: id, op: op, key: key}
}
func (f *fakeJS) KVList(id, op int32, prefix, cursor string, limit int32) {
	f.calls <- call{kind: "list", id: id, op: op, key: prefix, cursor: cursor, limit: limit}
}

// next returns the next call Go makes.
func (f *fakeJS) next(t *testing.T) call {
	t.Helper()
	select {
	case c := <-f.calls:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("Go made no call within 5s")
		return call{}
	}
}

// parseHead reads the protocol's head encoding; it panics on a malformed one.
func parseHead(head []byte) http.Header {
	h := http.Header{}
	lines := strings.Split(string(head), "\n")
	if lines[len(lines)-1] != "" || len(lines)%2 != 1 {
		panic("malformed head " + string(head))
	}
	for i := 0; i+1 < len(lines); i += 2 {
		h[lines[i]] = append(h[lines[i]], lines[i+1])
	}
	return h
}

// testHost returns a Host whose every env serves handler, and the fake JavaScript it calls.
func testHost(handler http.Handler, countKV bool) (*Host, *fakeJS, *int) {
	f := &fakeJS{calls: make(chan call, 64)}
	var mu sync.Mutex
	built := new(int)
	h := New(f, func() App {
		mu.Lock()
		*built++
		mu.Unlock()
		return App{Handler: handler, CountKV: countKV}
	})
	return h, f, built
}

// send hands Go a request as host.mjs does: alloc, write head and body, request.
func send(h *Host, id, env int32, head string, body []byte) {
	buf := h.Alloc(int32(len(head) + len(body)))
	copy(buf, head)
	copy(buf[len(head):], body)
	bodyLen := int32(len(body))
	if body == nil {
		bodyLen = -1
	}
	h.Request(id, env, int32(len(head)), bodyLen)
}

// settleWith settles KV operation op as host.mjs does: alloc, write the result, settle.
func settleWith(h *Host, op, status int32, result []byte) {
	n := int32(-1)
	if result != nil {
		n = int32(len(result))
		copy(h.Alloc(n), result)
	}
	h.Settle(op, status, n)
}

func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
