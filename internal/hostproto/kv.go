package hostproto

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/tidwall/gjson"
)

// Settle statuses: how JavaScript settles a KV operation.
const (
	SettleOK      = 0 // done; a get's value or a list's answer in the buffer
	SettleMissing = 1 // a get of a key that does not exist
	SettleFailed  = 2 // failed; the message in the buffer
)

// ops are the KV operations in flight, by number, and the spent ones kept for reuse, so that
// an operation costs no allocation of its own.
type ops struct {
	mu    sync.Mutex
	table map[int32]*op
	last  int32
	free  []*op
}

// op is one KV operation.
type op struct {
	done   chan struct{} // receives once per use
	status int32
	value  []byte
}

// start registers a new operation and returns its number, never 0 or negative.
func (t *ops) start() (int32, *op) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last++
	if t.last <= 0 {
		t.last = 1
	}
	var o *op
	if n := len(t.free); n > 0 {
		o, t.free = t.free[n-1], t.free[:n-1]
	} else {
		o = &op{done: make(chan struct{}, 1)}
	}
	t.table[t.last] = o
	return t.last, o
}

// settle ends operation n; it reports false when n is not in flight (unknown or settled).
func (t *ops) settle(n, status int32, value []byte) bool {
	t.mu.Lock()
	o := t.table[n]
	delete(t.table, n)
	t.mu.Unlock()
	if o == nil {
		return false
	}
	o.status, o.value = status, value
	o.done <- struct{}{} // never blocks: one receive per use
	return true
}

// wait waits for o's settle and returns its status and value; o is reused after.
func (t *ops) wait(o *op) (int32, []byte) {
	<-o.done
	status, value := o.status, o.value
	o.value = nil
	t.mu.Lock()
	if len(t.free) < 64 {
		t.free = append(t.free, o)
	}
	t.mu.Unlock()
	return status, value
}

// startAll registers n operations and calls begin with each one's number and index.
func (t *ops) startAll(n int, begin func(op int32, i int)) []*op {
	started := make([]*op, n)
	for i := range n {
		var num int32
		num, started[i] = t.start()
		begin(num, i)
	}
	return started
}

// waitAll waits for every operation of started, which did what to keys, and returns their
// errors joined.
func (t *ops) waitAll(started []*op, what string, keys []string) error {
	var errs []error
	for i, o := range started {
		if status, message := t.wait(o); status != SettleOK {
			errs = append(errs, kvError(what, keys[i], message))
		}
	}
	return errors.Join(errs...)
}

// Settle ends KV operation op with status (SettleOK, SettleMissing or SettleFailed); the
// buffer of the last Alloc holds its n bytes of result (n -1: none). An operation that is not
// in flight is ignored.
func (h *Host) Settle(op, status, n int32) {
	h.ops.settle(op, status, h.take(n))
}

// KV is kvstore.KV over the KV binding of each request's env, through JavaScript. It finds the
// request, and so the Host, in the context: it serves only the requests of a Host.
type KV struct{}

var errNoRequest = errors.New("hostproto: KV used outside a request")

func kvError(what, key string, message []byte) error {
	return errors.New("KV " + what + " " + strconv.Quote(key) + ": " + string(message))
}

// Get returns the key's value; ok is false when the key does not exist.
func (KV) Get(ctx context.Context, key string) ([]byte, bool, error) {
	req := requestOf(ctx)
	if req == nil {
		return nil, false, errNoRequest
	}
	req.kv.gets.Add(1)
	n, o := req.host.ops.start()
	req.host.imports.KVGet(req.id, n, key)
	switch status, value := req.host.ops.wait(o); status {
	case SettleOK:
		return value, true, nil
	case SettleMissing:
		return nil, false, nil
	default:
		return nil, false, kvError("get", key, value)
	}
}

// Put creates or overwrites the key.
func (KV) Put(ctx context.Context, key string, value []byte) error {
	req := requestOf(ctx)
	if req == nil {
		return errNoRequest
	}
	req.kv.puts.Add(1)
	n, o := req.host.ops.start()
	req.host.imports.KVPut(req.id, n, key, value)
	if status, message := req.host.ops.wait(o); status != SettleOK {
		return kvError("put", key, message)
	}
	return nil
}

// Delete removes the key.
func (KV) Delete(ctx context.Context, key string) error {
	req := requestOf(ctx)
	if req == nil {
		return errNoRequest
	}
	req.kv.deletes.Add(1)
	n, o := req.host.ops.start()
	req.host.imports.KVDelete(req.id, n, key)
	if status, message := req.host.ops.wait(o); status != SettleOK {
		return kvError("delete", key, message)
	}
	return nil
}

// GetAll starts a Get of every key, then waits for them all and calls each with their answers
// in order (kvstore.Batcher): one goroutine waits, where single Gets need one each.
func (KV) GetAll(ctx context.Context, keys []string, each func(i int, value []byte, ok bool, err error)) {
	req := requestOf(ctx)
	if req == nil {
		for i := range keys {
			each(i, nil, false, errNoRequest)
		}
		return
	}
	req.kv.gets.Add(int32(len(keys)))
	started := req.host.ops.startAll(len(keys), func(n int32, i int) { req.host.imports.KVGet(req.id, n, keys[i]) })
	for i, o := range started {
		switch status, value := req.host.ops.wait(o); status {
		case SettleOK:
			each(i, value, true, nil)
		case SettleMissing:
			each(i, nil, false, nil)
		default:
			each(i, nil, false, kvError("get", keys[i], value))
		}
	}
}

// PutAll starts a Put of value under every key and waits for them all (kvstore.Batcher).
func (KV) PutAll(ctx context.Context, keys []string, value []byte) error {
	req := requestOf(ctx)
	if req == nil {
		return errNoRequest
	}
	req.kv.puts.Add(int32(len(keys)))
	started := req.host.ops.startAll(len(keys), func(n int32, i int) { req.host.imports.KVPut(req.id, n, keys[i], value) })
	return req.host.ops.waitAll(started, "put", keys)
}

// DeleteAll starts a Delete of every key and waits for them all (kvstore.Batcher).
func (KV) DeleteAll(ctx context.Context, keys []string) error {
	req := requestOf(ctx)
	if req == nil {
		return errNoRequest
	}
	req.kv.deletes.Add(int32(len(keys)))
	started := req.host.ops.startAll(len(keys), func(n int32, i int) { req.host.imports.KVDelete(req.id, n, keys[i]) })
	return req.host.ops.waitAll(started, "delete", keys)
}

// List returns up to limit key names that start with prefix, from cursor. JavaScript answers
// with a JSON array: the next cursor ("" when the listing is complete), then the names.
func (KV) List(ctx context.Context, prefix, cursor string, limit int) ([]string, string, error) {
	req := requestOf(ctx)
	if req == nil {
		return nil, "", errNoRequest
	}
	req.kv.lists.Add(1)
	n, o := req.host.ops.start()
	req.host.imports.KVList(req.id, n, prefix, cursor, int32(limit))
	status, value := req.host.ops.wait(o)
	if status != SettleOK {
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
