package kvstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Limits of Workers KV that MemoryKV enforces.
const (
	MaxKeyLen    = 512      // bytes in a key name
	MaxValueLen  = 25 << 20 // bytes in a value
	MaxListLimit = 1000     // keys in one List answer
)

// MemoryKV is a KV in memory that behaves like a Workers KV namespace as the store sees it,
// minus the eventual consistency: keys listed in byte order, at most MaxListLimit keys per
// List, opaque cursors, Workers KV's key and value limits. It counts the operations it
// serves, so tests can check what a store operation costs. It is safe for concurrent use.
type MemoryKV struct {
	mu     sync.Mutex
	values map[string][]byte
	sorted []string // the keys of values in order; nil when it must be rebuilt
	ops    Ops
	fail   error
}

// Ops counts the operations a MemoryKV has served, failed ones included.
type Ops struct {
	Gets, Puts, Deletes, Lists int
	Listed                     int // keys the Lists returned, the bulk of their cost
}

// Total returns the number of operations of every kind.
func (o Ops) Total() int { return o.Gets + o.Puts + o.Deletes + o.Lists }

// Sub returns the operations in o that are not in p: o.Sub(before) is what happened since.
func (o Ops) Sub(p Ops) Ops {
	return Ops{o.Gets - p.Gets, o.Puts - p.Puts, o.Deletes - p.Deletes, o.Lists - p.Lists, o.Listed - p.Listed}
}

// String formats the counts like "3 gets, 5 puts, 0 deletes, 1 lists (25 keys)".
func (o Ops) String() string {
	return fmt.Sprintf("%d gets, %d puts, %d deletes, %d lists (%d keys)", o.Gets, o.Puts, o.Deletes, o.Lists, o.Listed)
}

// NewMemoryKV returns an empty MemoryKV.
func NewMemoryKV() *MemoryKV {
	return &MemoryKV{values: make(map[string][]byte)}
}

var _ KV = (*MemoryKV)(nil)

// Ops returns the operations served so far.
func (m *MemoryKV) Ops() Ops {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ops
}

// Len returns the number of keys stored.
func (m *MemoryKV) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.values)
}

// Fail makes every later operation return err, as an unavailable KV does; Fail(nil) heals it.
func (m *MemoryKV) Fail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail = err
}

// begin counts an operation and returns the error it fails with, if any. m.mu is held.
func (m *MemoryKV) begin(ctx context.Context, count *int, key string) error {
	*count++
	switch {
	case m.fail != nil:
		return m.fail
	case ctx.Err() != nil:
		return ctx.Err()
	case len(key) > MaxKeyLen:
		return fmt.Errorf("kv: key of %d bytes exceeds the limit of %d", len(key), MaxKeyLen)
	}
	return nil
}

// Get returns a copy of the key's value; ok is false when the key does not exist.
func (m *MemoryKV) Get(ctx context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, &m.ops.Gets, key); err != nil {
		return nil, false, err
	}
	v, ok := m.values[key]
	return bytes.Clone(v), ok, nil
}

// Put stores a copy of value under key.
func (m *MemoryKV) Put(ctx context.Context, key string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, &m.ops.Puts, key); err != nil {
		return err
	}
	switch {
	case key == "" || key == "." || key == "..":
		return fmt.Errorf("kv: illegal key name %q", key)
	case len(value) > MaxValueLen:
		return fmt.Errorf("kv: value of %d bytes exceeds the limit of %d", len(value), MaxValueLen)
	}
	if _, ok := m.values[key]; !ok {
		m.sorted = nil
	}
	if value == nil {
		value = []byte{}
	}
	m.values[key] = bytes.Clone(value)
	return nil
}

// Delete removes the key; deleting a missing key is not an error.
func (m *MemoryKV) Delete(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, &m.ops.Deletes, key); err != nil {
		return err
	}
	if _, ok := m.values[key]; ok {
		delete(m.values, key)
		m.sorted = nil
	}
	return nil
}

var _ Batcher = (*MemoryKV)(nil)

// GetAll gets each key in turn (Batcher).
func (m *MemoryKV) GetAll(ctx context.Context, keys []string, each func(i int, value []byte, ok bool, err error)) {
	for i, k := range keys {
		v, ok, err := m.Get(ctx, k)
		each(i, v, ok, err)
	}
}

// PutAll puts value under each key in turn (Batcher).
func (m *MemoryKV) PutAll(ctx context.Context, keys []string, value []byte) error {
	var errs []error
	for _, k := range keys {
		errs = append(errs, m.Put(ctx, k, value))
	}
	return errors.Join(errs...)
}

// DeleteAll deletes each key in turn (Batcher).
func (m *MemoryKV) DeleteAll(ctx context.Context, keys []string) error {
	var errs []error
	for _, k := range keys {
		errs = append(errs, m.Delete(ctx, k))
	}
	return errors.Join(errs...)
}

var errCursor = errors.New("kv: invalid cursor")

// List returns up to limit (1 to MaxListLimit) keys that start with prefix, in byte order,
// after the position cursor names ("" for the start); next is "" when no key follows.
func (m *MemoryKV) List(ctx context.Context, prefix, cursor string, limit int) ([]string, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, &m.ops.Lists, prefix); err != nil {
		return nil, "", err
	}
	if limit < 1 || limit > MaxListLimit {
		return nil, "", fmt.Errorf("kv: list limit %d is not 1 to %d", limit, MaxListLimit)
	}
	if m.sorted == nil {
		m.sorted = make([]string, 0, len(m.values))
		for k := range m.values {
			m.sorted = append(m.sorted, k)
		}
		slices.Sort(m.sorted)
	}
	i := sort.SearchStrings(m.sorted, prefix)
	if cursor != "" {
		after, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(cursor, "c"))
		if err != nil || !strings.HasPrefix(cursor, "c") {
			return nil, "", errCursor
		}
		// The first key greater than the cursor's.
		j := sort.Search(len(m.sorted), func(j int) bool { return m.sorted[j] > string(after) })
		i = max(i, j)
	}
	var keys []string
	next := ""
	for ; i < len(m.sorted) && strings.HasPrefix(m.sorted[i], prefix); i++ {
		if len(keys) == limit {
			next = "c" + base64.RawURLEncoding.EncodeToString([]byte(keys[limit-1]))
			break
		}
		keys = append(keys, m.sorted[i])
	}
	m.ops.Listed += len(keys)
	return keys, next, nil
}
