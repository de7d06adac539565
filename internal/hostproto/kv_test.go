package hostproto

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/usedinsight/usedinsight/internal/kvstore"
)

func TestOps(t *testing.T) {
	var o ops
	o.table = map[int32]*op{}
	for _, tt := range []struct {
		desc       string
		status     int32
		value      []byte
		wantStatus int32
	}{
		{"ok with a value", SettleOK, []byte("v"), SettleOK},
		{"ok without a value", SettleOK, nil, SettleOK},
		{"missing", SettleMissing, nil, SettleMissing},
		{"failed with a message", SettleFailed, []byte("boom"), SettleFailed},
	} {
		n, op := o.start()
		if n <= 0 || o.table[n] != op {
			t.Fatalf("%s: start = %d, not in the table", tt.desc, n)
		}
		if !o.settle(n, tt.status, tt.value) {
			t.Errorf("%s: settle of an operation in flight reported false", tt.desc)
		}
		if o.settle(n, SettleOK, []byte("again")) {
			t.Errorf("%s: a second settle was taken", tt.desc)
		}
		status, value := o.wait(op)
		if status != tt.wantStatus || string(value) != string(tt.value) {
			t.Errorf("%s: wait = %d %q, want %d %q", tt.desc, status, value, tt.wantStatus, tt.value)
		}
		if len(o.table) != 0 {
			t.Errorf("%s: %d operations left in the table", tt.desc, len(o.table))
		}
	}
	if o.settle(12345, SettleOK, nil) {
		t.Error("settle of an unknown operation was taken")
	}

	// Spent operations are reused, and their numbers never repeat while in flight.
	n1, op1 := o.start()
	o.settle(n1, SettleOK, nil)
	o.wait(op1)
	n2, op2 := o.start()
	if op2 != op1 || n2 == n1 {
		t.Errorf("after a wait, start = %d %p; want the spent op %p under a new number", n2, op2, op1)
	}
	o.settle(n2, SettleOK, nil)
	o.wait(op2)

	// Numbers wrap to 1, never 0 or negative.
	o.last = math.MaxInt32
	if n, _ := o.start(); n != 1 {
		t.Errorf("the number after MaxInt32 is %d, want 1", n)
	}
}

func TestOpsFreeListBounded(t *testing.T) {
	var o ops
	o.table = map[int32]*op{}
	var started []*op
	for range 100 {
		n, op := o.start()
		o.settle(n, SettleOK, nil)
		started = append(started, op)
	}
	for _, op := range started {
		o.wait(op)
	}
	if len(o.free) != 64 {
		t.Errorf("%d spent operations kept, want 64", len(o.free))
	}
}

func TestSettleTakesTheBuffer(t *testing.T) {
	h, _, _ := testHost(nil, false)
	settleWith(h, 999, SettleOK, []byte("stray")) // an unknown operation: ignored
	if h.input != nil {
		t.Error("a settle of an unknown operation left its buffer for the next call")
	}
}

// kvHandler serves one KV call per path and writes what it returned.
var kvHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	ctx, kv := r.Context(), KV{}
	var out string
	switch r.URL.Path {
	case "/get":
		v, ok, err := kv.Get(ctx, "k")
		out = fmt.Sprintf("%q %v %v", v, ok, err)
	case "/put":
		out = fmt.Sprint(kv.Put(ctx, "k", []byte("value")))
	case "/delete":
		out = fmt.Sprint(kv.Delete(ctx, "k"))
	case "/list":
		keys, next, err := kv.List(ctx, "p/", "c1", 10)
		out = fmt.Sprintf("%q %q %v", keys, next, err)
	case "/getall":
		kv.GetAll(ctx, []string{"a", "b", "c"}, func(i int, v []byte, ok bool, err error) {
			out += fmt.Sprintf("%d %q %v %v; ", i, v, ok, err)
		})
	case "/putall":
		out = fmt.Sprint(kv.PutAll(ctx, []string{"a", "b", "c"}, []byte("v")))
	case "/deleteall":
		out = fmt.Sprint(kv.DeleteAll(ctx, []string{"a", "b", "c"}))
	case "/parallel": // several operations of one request at once, each on its own goroutine
		done := make(chan error)
		for range 3 {
			go func() { done <- kv.Put(ctx, "k", nil) }()
		}
		for range 3 {
			if err := <-done; err != nil {
				out = err.Error()
			}
		}
	}
	w.Write([]byte(out))
})

func TestKV(t *testing.T) {
	for _, tt := range []struct {
		desc   string
		path   string
		call   string // the call Go makes: kind and arguments
		status int32
		result []byte
		want   string
	}{
		{"get", "/get", `get "k"`, SettleOK, []byte("v"), `"v" true <nil>`},
		{"get of an empty value", "/get", `get "k"`, SettleOK, []byte{}, `"" true <nil>`},
		{"get of a missing key", "/get", `get "k"`, SettleMissing, nil, `"" false <nil>`},
		{"get that failed", "/get", `get "k"`, SettleFailed, []byte("boom"), `"" false KV get "k": boom`},
		{"put", "/put", `put "k" "value"`, SettleOK, nil, `<nil>`},
		{"put that failed", "/put", `put "k" "value"`, SettleFailed, []byte("quota"), `KV put "k": quota`},
		{"delete", "/delete", `delete "k"`, SettleOK, nil, `<nil>`},
		{"delete that failed", "/delete", `delete "k"`, SettleFailed, []byte("x"), `KV delete "k": x`},
		{"list", "/list", `list "p/" "c1" 10`, SettleOK, []byte(`["c2","p/a","p/b"]`), `["p/a" "p/b"] "c2" <nil>`},
		{"list complete", "/list", `list "p/" "c1" 10`, SettleOK, []byte(`[""]`), `[] "" <nil>`},
		{"list that failed", "/list", `list "p/" "c1" 10`, SettleFailed, []byte("x"), `[] "" KV list "p/": x`},
		{"list with a malformed answer", "/list", `list "p/" "c1" 10`, SettleOK, []byte(`{"no":1}`), `[] "" KV list: malformed answer from JavaScript`},
	} {
		h, f, _ := testHost(kvHandler, true)
		send(h, 5, 1, "GET\n"+tt.path+"\n", nil)
		c := f.next(t)
		got := c.kind + " " + fmt.Sprintf("%q", c.key)
		switch c.kind {
		case "put":
			got += fmt.Sprintf(" %q", c.body)
		case "list":
			got += fmt.Sprintf(" %q %d", c.cursor, c.limit)
		}
		if got != tt.call || c.id != 5 {
			t.Fatalf("%s: Go called %s for request %d, want %s for 5", tt.desc, got, c.id, tt.call)
		}
		settleWith(h, c.op, tt.status, tt.result)
		r := f.next(t)
		if r.kind != "respond" || string(r.body) != tt.want {
			t.Errorf("%s: %s %q, want respond %q", tt.desc, r.kind, r.body, tt.want)
		}
		if st := r.head.Get("Server-Timing"); !strings.Contains(st, "1 "+c.kind) {
			t.Errorf("%s: Server-Timing %q does not count the %s", tt.desc, st, c.kind)
		}
	}
}

func TestKVParallel(t *testing.T) {
	h, f, _ := testHost(kvHandler, true)
	send(h, 6, 1, "GET\n/parallel\n", nil)
	ops := map[int32]bool{}
	for range 3 {
		c := f.next(t)
		if c.kind != "put" || ops[c.op] {
			t.Fatalf("call %s of op %d; want a put with a number of its own", c.kind, c.op)
		}
		ops[c.op] = true
	}
	for op := range ops {
		settleWith(h, op, SettleOK, nil)
	}
	r := f.next(t)
	if want := `kv;desc="0 get, 3 put, 0 list, 0 delete"`; r.kind != "respond" || len(r.body) != 0 || r.head.Get("Server-Timing") != want {
		t.Errorf("%s %q, Server-Timing %q; want an empty respond with %s", r.kind, r.body, r.head.Get("Server-Timing"), want)
	}
}

var _ kvstore.Batcher = KV{}

// TestKVBatch: a batch starts every operation before it waits for any, each under a number of
// its own, and reports each key's answer whatever order JavaScript settles them in.
func TestKVBatch(t *testing.T) {
	type answer struct {
		status int32
		result string
	}
	ok, missing := answer{SettleOK, ""}, answer{SettleMissing, ""}
	for _, tt := range []struct {
		desc    string
		path    string
		kind    string
		answers map[string]answer // by key
		want    string
		timing  string
	}{
		{"gets", "/getall", "get", map[string]answer{"a": {SettleOK, "1"}, "b": missing, "c": {SettleFailed, "boom"}},
			`0 "1" true <nil>; 1 "" false <nil>; 2 "" false KV get "c": boom; `, "3 get, 0 put"},
		{"puts", "/putall", "put", map[string]answer{"a": ok, "b": ok, "c": ok}, "<nil>", "0 get, 3 put"},
		{"puts, two failing", "/putall", "put", map[string]answer{"a": {SettleFailed, "x"}, "b": ok, "c": {SettleFailed, "y"}},
			"KV put \"a\": x\nKV put \"c\": y", "0 get, 3 put"},
		{"deletes", "/deleteall", "delete", map[string]answer{"a": ok, "b": {SettleFailed, "z"}, "c": ok}, `KV delete "b": z`, "0 list, 3 delete"},
	} {
		h, f, _ := testHost(kvHandler, true)
		send(h, 7, 1, "GET\n"+tt.path+"\n", nil)
		ops := map[string]int32{}
		for range 3 {
			c := f.next(t)
			if c.kind != tt.kind || c.id != 7 {
				t.Fatalf("%s: Go called %s for request %d, want %s for 7", tt.desc, c.kind, c.id, tt.kind)
			}
			if tt.kind == "put" && string(c.body) != "v" {
				t.Errorf("%s: put %q of %q, want value \"v\"", tt.desc, c.key, c.body)
			}
			ops[c.key] = c.op
		}
		if len(ops) != 3 || ops["a"] == ops["b"] || ops["b"] == ops["c"] || ops["a"] == ops["c"] {
			t.Fatalf("%s: operations %v; want a, b and c under numbers of their own", tt.desc, ops)
		}
		for _, key := range []string{"c", "a", "b"} { // not the order they started in
			a := tt.answers[key]
			var result []byte
			if a.status != SettleMissing {
				result = []byte(a.result)
			}
			settleWith(h, ops[key], a.status, result)
		}
		r := f.next(t)
		if r.kind != "respond" || string(r.body) != tt.want {
			t.Errorf("%s: %s %q, want respond %q", tt.desc, r.kind, r.body, tt.want)
		}
		if st := r.head.Get("Server-Timing"); !strings.Contains(st, tt.timing) {
			t.Errorf("%s: Server-Timing %q, want it to count %s", tt.desc, st, tt.timing)
		}
	}
}

func TestKVOutsideRequest(t *testing.T) {
	ctx, kv := context.Background(), KV{}
	_, _, errGet := kv.Get(ctx, "k")
	_, _, errList := kv.List(ctx, "p", "", 1)
	var errGetAll error
	kv.GetAll(ctx, []string{"k"}, func(_ int, _ []byte, _ bool, err error) { errGetAll = err })
	for _, err := range []error{errGet, kv.Put(ctx, "k", nil), kv.Delete(ctx, "k"), errList, errGetAll, kv.PutAll(ctx, []string{"k"}, nil), kv.DeleteAll(ctx, []string{"k"})} {
		if !errors.Is(err, errNoRequest) {
			t.Errorf("KV outside a request: %v, want %v", err, errNoRequest)
		}
	}
}
