// Package kvstore is the store.Store that keeps insight records in Workers KV.
package kvstore

// Costs, in KV operations (see layout.go for the keys), where F is the number of index
// families: 2 per order of the collection (used 4, trending 4, shared 2):
//
//	Get      1 get
//	Create   1 get + F+1 puts (F index keys at once, then the primary)
//	Update   1 get + F+1 puts + F deletes (the index keys of the version it read)
//	Delete   1 get + F+1 deletes (the primary, then F index keys)
//	List     at most MaxListCalls lists + at most Top gets (at once), whatever the number
//	         of records; an unfiltered page is 1 list + 1 get per record on it
//	Count    ceil(N/1000) lists without a filter (N: the space's records; 1 when N is 0);
//	         with one, ceil(N/1000) + ceil(M/1000) lists (M: keys in one index family, N plus
//	         any stale ones) + 1 get per record that has other than one key in that family
//	         (only records being written right now, or left half-written by a crash)
//
// A Worker invocation may make 1,000 KV operations, so Count with a filter stops working
// beyond about 500,000 records per space, and without one at about 1,000,000.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/usedinsight/usedinsight/internal/store"
)

// KV is the part of a Workers KV namespace the store uses. Implementations are safe for
// concurrent use.
type KV interface {
	// Get returns the key's value; ok is false, with a nil error, when the key does not exist.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Put creates or overwrites the key.
	Put(ctx context.Context, key string, value []byte) error
	// Delete removes the key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List returns up to limit (1 to 1,000) key names that start with prefix, in ascending byte
	// order, from the position cursor names ("" for the start); next is "" when the listing is
	// complete (list_complete), else the cursor of the rest.
	List(ctx context.Context, prefix, cursor string, limit int) (keys []string, next string, err error)
}

// Batcher is implemented by a KV that runs several operations of one kind together, for less
// than a call each: the Worker's, where every operation a goroutine waits for costs a switch
// of goroutines and a resumption of Go. The store uses it when its KV has it, and otherwise
// runs single operations concurrently. Each operation behaves as its single form does.
type Batcher interface {
	// GetAll gets each key, then calls each with keys[i]'s answer, for every i in order.
	GetAll(ctx context.Context, keys []string, each func(i int, value []byte, ok bool, err error))
	// PutAll puts value under each key and returns the errors joined.
	PutAll(ctx context.Context, keys []string, value []byte) error
	// DeleteAll deletes each key and returns the errors joined.
	DeleteAll(ctx context.Context, keys []string) error
}

// MaxListCalls is the most List calls one page of Store.List makes.
const MaxListCalls = 4

// Store keeps records in a KV namespace. It is safe for concurrent use.
type Store struct {
	kv     KV
	tokens *store.TokenKey
}

// New returns a Store over kv whose page tokens are signed with key. The tokens carry KV list
// cursors, which KV fails on when they are not its own: the key is what keeps a client's
// forged cursor from ever reaching KV.
func New(kv KV, key *store.TokenKey) *Store {
	if key == nil {
		panic("kvstore: New needs a page-token key")
	}
	return &Store{kv: kv, tokens: key}
}

var _ store.Store = (*Store)(nil)

// get reads the primary value of the space's record with the id; ok is false when there is
// none (or, short of a SHA-256 collision never, the key holds another id's record).
func (s *Store) get(ctx context.Context, l layout, id string) (stored, bool, error) {
	return s.getKey(ctx, l.primary(store.SortID(id)), id)
}

func (s *Store) getKey(ctx context.Context, key, id string) (stored, bool, error) {
	v, ok, err := s.kv.Get(ctx, key)
	if err != nil || !ok {
		return stored{}, false, err
	}
	r, err := decodeStored(v)
	if err != nil {
		return stored{}, false, fmt.Errorf("%w at %q", err, key)
	}
	return r, r.rec.ID == id, nil
}

// Create stores a new record: index keys first, the primary last (the commit point).
//
// The duplicate check is a Get before the Put: KV offers nothing better, so two Creates of the
// same client-chosen id that run at the same moment may both succeed, the later one winning.
// Server-assigned ids (random) never meet.
func (s *Store) Create(ctx context.Context, sp store.Space, r store.Record) error {
	l := spaceLayout(sp)
	key := l.primary(store.SortID(r.ID))
	_, ok, err := s.kv.Get(ctx, key)
	if err != nil {
		return err
	}
	if ok {
		return store.ErrExists
	}
	return s.write(ctx, l, key, stored{rec: r, nonce: newNonce()})
}

// write puts the index keys of n, then its primary.
func (s *Store) write(ctx context.Context, l layout, key string, n stored) error {
	if err := s.putAll(ctx, l.indexes(n), indexValue); err != nil {
		return err
	}
	return s.kv.Put(ctx, key, n.encode())
}

// Get returns the space's record with the id, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, sp store.Space, id string) (store.Record, error) {
	r, ok, err := s.get(ctx, spaceLayout(sp), id)
	switch {
	case err != nil:
		return store.Record{}, err
	case !ok:
		return store.Record{}, store.ErrNotFound
	}
	return r.rec, nil
}

// Update reads the space's record with the id, calls change with it and stores what change
// returns, or returns store.ErrNotFound: the new index keys, then the primary, then the
// index keys of the version it read are deleted. A failure to delete them is not reported: the
// record is updated, and lists skip the stale keys. The one read serves change and names the
// keys to delete, whose nonce only that version has: if another writer committed in between,
// its keys stay, and the last primary written wins with its own.
func (s *Store) Update(ctx context.Context, sp store.Space, id string, change func(old store.Record) (store.Record, error)) error {
	l := spaceLayout(sp)
	key := l.primary(store.SortID(id))
	old, ok, err := s.getKey(ctx, key, id)
	switch {
	case err != nil:
		return err
	case !ok:
		return store.ErrNotFound
	}
	r, err := change(old.rec)
	switch {
	case err != nil:
		return err
	case r.ID != id:
		return store.ErrIDChanged
	}
	if err := s.write(ctx, l, key, stored{rec: r, nonce: newNonce()}); err != nil {
		return err
	}
	s.deleteAll(ctx, l.indexes(old))
	return nil
}

// Delete removes the space's record with the id, or returns store.ErrNotFound: the primary
// first (the commit point), then its index keys, whose failure is not reported.
func (s *Store) Delete(ctx context.Context, sp store.Space, id string) error {
	l := spaceLayout(sp)
	old, ok, err := s.get(ctx, l, id)
	switch {
	case err != nil:
		return err
	case !ok:
		return store.ErrNotFound
	}
	if err := s.kv.Delete(ctx, l.primary(store.SortID(id))); err != nil {
		return err
	}
	s.deleteAll(ctx, l.indexes(old))
	return nil
}

// deleteAll deletes the keys; what fails is left for lists to skip.
func (s *Store) deleteAll(ctx context.Context, keys []string) {
	if b, ok := s.kv.(Batcher); ok {
		_ = b.DeleteAll(ctx, keys)
		return
	}
	_ = parallel(len(keys), func(i int) error { return s.kv.Delete(ctx, keys[i]) })
}

// putAll puts value under each key.
func (s *Store) putAll(ctx context.Context, keys []string, value []byte) error {
	if b, ok := s.kv.(Batcher); ok {
		return b.PutAll(ctx, keys, value)
	}
	return parallel(len(keys), func(i int) error { return s.kv.Put(ctx, keys[i], value) })
}

// getAll gets each key and calls fn with what a Get of keys[i] found (ok false: nothing), and
// returns the errors of the Gets and of fn joined. fn may run concurrently with itself.
func (s *Store) getAll(ctx context.Context, keys []string, fn func(i int, value []byte, ok bool) error) error {
	b, batch := s.kv.(Batcher)
	if !batch {
		return parallel(len(keys), func(i int) error {
			v, ok, err := s.kv.Get(ctx, keys[i])
			if err != nil {
				return err
			}
			return fn(i, v, ok)
		})
	}
	var errs []error
	b.GetAll(ctx, keys, func(i int, v []byte, ok bool, err error) {
		if err == nil {
			err = fn(i, v, ok)
		}
		if err != nil {
			errs = append(errs, err)
		}
	})
	return errors.Join(errs...)
}

// cursor is where a page starts in an index family: the KV cursor of a List call, its limit,
// and the last key already returned from that List's answer ("" when none was).
type cursor struct {
	kv    string
	limit int
	after string
}

func (c cursor) encode() []byte {
	b := binary.AppendUvarint(nil, uint64(c.limit))
	b = binary.AppendUvarint(b, uint64(len(c.after)))
	b = append(b, c.after...)
	return append(b, c.kv...)
}

func decodeCursor(b []byte) (cursor, bool) {
	limit, n := binary.Uvarint(b)
	if n <= 0 || limit < 1 || limit > MaxListLimit {
		return cursor{}, false
	}
	b = b[n:]
	size, n := binary.Uvarint(b)
	if n <= 0 || size > uint64(len(b)-n) {
		return cursor{}, false
	}
	b = b[n:]
	return cursor{limit: int(limit), after: string(b[:size]), kv: string(b[size:])}, true
}

// List returns one page of the space's records that pass q.Filter, in q's order.
//
// It walks the index family of q's order and direction from the token's position: keys whose
// names fail the filter's hashes are passed over without a read; each other key (a
// candidate) costs a Get of its primary, and is returned when the primary is still the
// version the key was written for and passes the filter. The page ends after Top candidates
// or MaxListCalls List calls, whichever comes first, so it may be short (stale keys, a
// selective filter) and still have a Next. A page's List calls begin with a limit of Top (100
// at least with a filter, where most keys may fail) and grow fourfold up to 1,000.
func (s *Store) List(ctx context.Context, sp store.Space, q store.Query) (store.Page, error) {
	if int(q.Order) >= len(sp.Collection.Orders) {
		return store.Page{}, store.ErrBadQuery
	}
	l := spaceLayout(sp)
	fam := familyOf(q.Order, q.Asc)
	prefix := l.familyPrefix(fam)
	nf, filtered := nameFilterOf(q.Filter)
	top := max(q.Top, 1)
	start := min(top, MaxListLimit) // the first List limit of a page
	if filtered {
		start = min(max(top, 100), MaxListLimit)
	}
	at := cursor{limit: start}
	if q.Token != "" {
		payload, err := s.tokens.DecodeToken(q.Token, sp, q)
		if err != nil {
			return store.Page{}, err
		}
		var ok bool
		if at, ok = decodeCursor(payload); !ok {
			return store.Page{}, store.ErrBadToken
		}
	}

	var cands []indexKey
	var candKeys []string
	more := true
	for calls := 0; calls < MaxListCalls; calls++ {
		keys, next, err := s.kv.List(ctx, prefix, at.kv, at.limit)
		if err != nil {
			return store.Page{}, err
		}
		stop := -1 // where the page filled up
		for i, key := range keys {
			if at.after != "" && key <= at.after {
				continue
			}
			k, ok := parseIndex(prefix, key)
			if !ok {
				if !strings.HasPrefix(key, prefix) {
					return store.Page{}, fmt.Errorf("kvstore: KV listed %q under prefix %q", key, prefix)
				}
				continue // not a key this store writes
			}
			if !filtered || nf.match(k.hashes) {
				cands, candKeys = append(cands, k), append(candKeys, key)
				if len(cands) == top {
					stop = i
					break
				}
			}
		}
		if stop >= 0 && stop < len(keys)-1 {
			at.after = keys[stop] // resume inside this answer
			break
		}
		if next == "" {
			more = false
			break
		}
		if len(cands) == top {
			at = cursor{kv: next, limit: start} // the next page starts afresh
			break
		}
		at = cursor{kv: next, limit: min(at.limit*4, MaxListLimit)}
	}

	recs := make([]store.Record, len(cands))
	valid := make([]bool, len(cands))
	primaries := make([]string, len(cands))
	for i, c := range cands {
		primaries[i] = l.primary(c.sortID)
	}
	err := s.getAll(ctx, primaries, func(i int, v []byte, ok bool) error {
		if !ok {
			return nil
		}
		r, err := decodeStored(v)
		if err != nil {
			return fmt.Errorf("%w at %q", err, primaries[i])
		}
		if l.index(fam, r) == candKeys[i] && q.Filter.Match(r.rec.Keys) {
			recs[i], valid[i] = r.rec, true
		}
		return nil
	})
	if err != nil {
		return store.Page{}, err
	}
	var p store.Page
	for i, r := range recs {
		if valid[i] {
			p.Records = append(p.Records, r)
		}
	}
	if more {
		p.Next = s.tokens.EncodeToken(sp, q, at.encode())
	}
	return p, nil
}

// Count returns how many of the space's records pass the filter.
//
// Records are the primary keys: a record is counted once it is committed and not after it
// is deleted, whatever index keys a crash left. With a filter, the field hashes come from the
// index key names of the first order, ascending; a record with exactly one key there has exactly its
// current version's (writers never delete the current version's keys), so its hashes are
// trusted, as a 64-bit hash may be; a record with none or several is read.
func (s *Store) Count(ctx context.Context, sp store.Space, f store.Filter) (int, error) {
	l := spaceLayout(sp)
	nf, filtered := nameFilterOf(f)
	live := make(map[string]bool) // SortIDs of the space's records
	n := 0
	err := s.listAll(ctx, l.primaryPrefix(), func(key string) {
		if filtered {
			live[l.sortIDOfPrimary(key)] = true
		}
		n++
	})
	if err != nil || !filtered || n == 0 {
		return n, err
	}

	type seen struct {
		keys   int
		hashes string
	}
	index := make(map[string]seen, len(live))
	prefix := l.familyPrefix(ascFamily)
	err = s.listAll(ctx, prefix, func(key string) {
		if k, ok := parseIndex(prefix, key); ok && live[k.sortID] {
			e := index[k.sortID]
			index[k.sortID] = seen{e.keys + 1, k.hashes}
		}
	})
	if err != nil {
		return 0, err
	}
	n = 0
	var unsure []string
	for sid := range live {
		switch e := index[sid]; {
		case e.keys != 1:
			unsure = append(unsure, sid)
		case nf.match(e.hashes):
			n++
		}
	}
	var mu sync.Mutex
	primaries := make([]string, len(unsure))
	for i, sid := range unsure {
		primaries[i] = l.primary(sid)
	}
	err = s.getAll(ctx, primaries, func(i int, v []byte, ok bool) error {
		if !ok {
			return nil
		}
		r, err := decodeStored(v)
		if err != nil {
			return fmt.Errorf("%w at %q", err, primaries[i])
		}
		if f.Match(r.rec.Keys) {
			mu.Lock()
			n++
			mu.Unlock()
		}
		return nil
	})
	return n, err
}

// listAll calls fn with every key under prefix.
func (s *Store) listAll(ctx context.Context, prefix string, fn func(key string)) error {
	next := ""
	for {
		keys, cur, err := s.kv.List(ctx, prefix, next, MaxListLimit)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if !strings.HasPrefix(k, prefix) {
				return fmt.Errorf("kvstore: KV listed %q under prefix %q", k, prefix)
			}
			fn(k)
		}
		if cur == "" {
			return nil
		}
		next = cur
	}
}

// parallelism bounds the KV calls one store operation has in flight: a Worker runs six
// subrequests at once and queues the rest.
const parallelism = 6

// parallel runs fn(0) to fn(n-1), up to parallelism at once, and returns their errors joined.
func parallel(n int, fn func(i int) error) error {
	if n == 1 {
		return fn(0)
	}
	errs := make([]error, n)
	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = fn(i)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
