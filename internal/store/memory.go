package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"slices"
	"strings"
	"sync"
)

// Memory is a Store that keeps records in memory, for tests.
type Memory struct {
	tokens *TokenKey
	mu     sync.RWMutex
	spaces map[spaceKey]map[string]memRecord // by id
}

type spaceKey struct{ collection, user string }

func keyOf(sp Space) spaceKey { return spaceKey{sp.Collection.Name, sp.User} }

type memRecord struct {
	rec    Record // owns its JSON; never handed out
	sortID string
}

// NewMemory returns an empty in-memory Store whose page tokens are signed with key.
func NewMemory(key *TokenKey) *Memory {
	if key == nil {
		panic("store: NewMemory needs a page-token key")
	}
	return &Memory{tokens: key, spaces: make(map[spaceKey]map[string]memRecord)}
}

var _ Store = (*Memory)(nil)

func clone(r Record) Record {
	r.JSON = bytes.Clone(r.JSON)
	return r
}

// Create stores a copy of r; ErrExists when the space has a record with r.ID.
func (m *Memory) Create(_ context.Context, sp Space, r Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	recs := m.spaces[keyOf(sp)]
	if recs == nil {
		recs = make(map[string]memRecord)
		m.spaces[keyOf(sp)] = recs
	}
	if _, ok := recs[r.ID]; ok {
		return ErrExists
	}
	recs[r.ID] = memRecord{clone(r), SortID(r.ID)}
	return nil
}

// Get returns a copy of the space's record with the id, or ErrNotFound.
func (m *Memory) Get(_ context.Context, sp Space, id string) (Record, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	mr, ok := m.spaces[keyOf(sp)][id]
	if !ok {
		return Record{}, ErrNotFound
	}
	return clone(mr.rec), nil
}

// Update calls change with a copy of the space's record with the id and stores a copy of what
// it returns, or returns ErrNotFound. It holds the store's lock throughout, so Updates of one
// record never overlap.
func (m *Memory) Update(_ context.Context, sp Space, id string, change func(old Record) (Record, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	recs := m.spaces[keyOf(sp)]
	mr, ok := recs[id]
	if !ok {
		return ErrNotFound
	}
	r, err := change(clone(mr.rec))
	switch {
	case err != nil:
		return err
	case r.ID != id:
		return ErrIDChanged
	}
	recs[id] = memRecord{clone(r), mr.sortID}
	return nil
}

// Delete removes the space's record with the id, or returns ErrNotFound.
func (m *Memory) Delete(_ context.Context, sp Space, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	recs := m.spaces[keyOf(sp)]
	if _, ok := recs[id]; !ok {
		return ErrNotFound
	}
	delete(recs, id)
	if len(recs) == 0 {
		delete(m.spaces, keyOf(sp))
	}
	return nil
}

// position is a place in a list order: a record's order key and SortID.
type position struct {
	key    int64
	sortID string
}

func (q Query) key(k Keys) int64 { return k.Orders[q.Order] }

// compare orders positions as q lists them.
func (q Query) compare(a, b position) int {
	switch {
	case a.key == b.key:
		return strings.Compare(a.sortID, b.sortID)
	case (a.key < b.key) == q.Asc:
		return -1
	default:
		return 1
	}
}

// List returns one page of the space's records that pass q.Filter, in q's order. Its tokens
// carry the position of the page's last record, so records created or deleted between pages
// do not shift the pages that follow.
func (m *Memory) List(_ context.Context, sp Space, q Query) (Page, error) {
	if int(q.Order) >= len(sp.Collection.Orders) {
		return Page{}, ErrBadQuery
	}
	var after *position
	if q.Token != "" {
		payload, err := m.tokens.DecodeToken(q.Token, sp, q)
		if err != nil {
			return Page{}, err
		}
		if len(payload) < 8 {
			return Page{}, ErrBadToken
		}
		after = &position{int64(binary.BigEndian.Uint64(payload)), string(payload[8:])}
	}
	type entry struct {
		pos position
		rec *Record
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var all []entry
	for _, mr := range m.spaces[keyOf(sp)] {
		if !q.Filter.Match(mr.rec.Keys) {
			continue
		}
		e := entry{position{q.key(mr.rec.Keys), mr.sortID}, &mr.rec}
		if after == nil || q.compare(*after, e.pos) < 0 {
			all = append(all, e)
		}
	}
	slices.SortFunc(all, func(a, b entry) int { return q.compare(a.pos, b.pos) })
	top := max(q.Top, 1)
	var p Page
	if len(all) > top {
		all = all[:top]
		last := all[top-1].pos
		payload := binary.BigEndian.AppendUint64(nil, uint64(last.key))
		p.Next = m.tokens.EncodeToken(sp, q, append(payload, last.sortID...))
	}
	p.Records = make([]Record, len(all))
	for i, e := range all {
		p.Records[i] = clone(*e.rec)
	}
	return p, nil
}

// Count returns how many of the space's records pass the filter.
func (m *Memory) Count(_ context.Context, sp Space, f Filter) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := 0
	for _, mr := range m.spaces[keyOf(sp)] {
		if f.Match(mr.rec.Keys) {
			n++
		}
	}
	return n, nil
}
