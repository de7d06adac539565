package kvstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/usedinsight/usedinsight/internal/resource"
	"github.com/usedinsight/usedinsight/internal/store"
	"github.com/usedinsight/usedinsight/internal/store/storetest"
)

var ctx = context.Background()

// testKey signs the page tokens of the stores the tests make.
var testKey = store.NewTokenKey("kvstore test secret")

func TestConformance(t *testing.T) {
	storetest.Run(t, func(_ *testing.T, key *store.TokenKey) store.Store { return New(NewMemoryKV(), key) })
}

func str(s string) *string { return &s }

// coll is the collection the tests' spaces are of; forEach sets it.
var coll = resource.Used

// sp is the user's space of coll.
func sp(user string) store.Space { return store.Space{Collection: coll, User: user} }

// forEach runs fn as a subtest for each collection, with coll set to it.
func forEach(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	defer func() { coll = resource.Used }()
	for _, c := range resource.Collections {
		coll = c
		t.Run(c.Name, fn)
	}
}

// families is the number of index families of coll.
func families() int { return 2 * len(coll.Orders) }

func record(id string, accessed, modified int64, typ string) store.Record {
	return store.Record{
		ID:   id,
		JSON: fmt.Appendf(nil, `{"id":%q}`, id),
		Keys: store.Keys{Orders: [2]int64{accessed, modified}, Fields: [3]string{typ, "Site", "microsoft.graph.driveItem"}},
	}
}

// allKeys lists every key of kv, without counting on the caller's budget mattering.
func allKeys(t *testing.T, kv KV) []string {
	t.Helper()
	var all []string
	next := ""
	for {
		keys, cur, err := kv.List(ctx, "", next, MaxListLimit)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, keys...)
		if cur == "" {
			return all
		}
		next = cur
	}
}

// TestLayout pins the key names and the value format: changing them orphans stored data.
func TestLayout(t *testing.T) {
	kv := NewMemoryKV()
	s := New(kv, testKey)
	r := record("x-1", 1, store.MinTicks, "Word")
	if err := s.Create(ctx, sp("alice"), r); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("usedinsight user\x00alice"))
	u := "u/" + base64.RawURLEncoding.EncodeToString(sum[:16]) + "/"
	h := func(v string) string {
		sum := sha256.Sum256([]byte("usedinsight field\x00" + v))
		return base64.RawURLEncoding.EncodeToString(sum[:8])
	}
	tail := `!([A-Za-z0-9_-]{8})` + regexp.QuoteMeta(h("WORD")+h("SITE")+h("MICROSOFT.GRAPH.DRIVEITEM"))
	want := []string{ // in byte order
		regexp.QuoteMeta(u+"aa/8000000000000001/x-1") + tail,
		regexp.QuoteMeta(u+"ad/7ffffffffffffffe/x-1") + tail,
		regexp.QuoteMeta(u+"ma/4000000000000000/x-1") + tail,
		regexp.QuoteMeta(u+"md/bfffffffffffffff/x-1") + tail,
		regexp.QuoteMeta(u + "r/x-1"),
	}
	keys := allKeys(t, kv)
	if len(keys) != len(want) {
		t.Fatalf("keys:\n%s\nwant %d", strings.Join(keys, "\n"), len(want))
	}
	var nonce string
	for i, k := range keys {
		m := regexp.MustCompile("^" + want[i] + "$").FindStringSubmatch(k)
		if m == nil {
			t.Errorf("key %d = %q, want %s", i, k, want[i])
			continue
		}
		if len(m) > 1 {
			if nonce != "" && m[1] != nonce {
				t.Errorf("index keys carry nonces %q and %q", nonce, m[1])
			}
			nonce = m[1]
		}
	}
	v, _, _ := kv.Get(ctx, u+"r/x-1")
	wantValue := "v1 " + nonce + " 1 -4611686018427387904 3 4 4 25\nx-1WordSitemicrosoft.graph.driveItem" + `{"id":"x-1"}`
	if string(v) != wantValue {
		t.Errorf("primary value = %q\nwant %q", v, wantValue)
	}
}

func TestKeyLength(t *testing.T) { forEach(t, testKeyLength) }

func testKeyLength(t *testing.T) {
	kv := NewMemoryKV()
	s := New(kv, testKey)
	a := strings.Repeat("a", 512)
	for i, id := range []string{a, strings.Repeat("~", 512), a[:384], a[:383] + "~", a[:384] + "x"} {
		r := record(id, int64(i), -1, strings.Repeat("T", 4096))
		r.Keys.Fields[1], r.Keys.Fields[2] = strings.Repeat("ü", 2048), strings.Repeat("r", 4096)
		if err := s.Create(context.Background(), sp(strings.Repeat("x", 1000)), r); err != nil {
			t.Fatalf("Create(%d-char id): %v", len(id), err)
		}
	}
	longest := 0
	for _, k := range allKeys(t, kv) {
		longest = max(longest, len(k))
	}
	if longest != 504 {
		t.Errorf("longest key has %d bytes, want 504 as layout.go says", longest)
	}
}

// to is an Update's change that puts r in place of the record.
func to(r store.Record) func(store.Record) (store.Record, error) {
	return func(store.Record) (store.Record, error) { return r, nil }
}

var errChange = errors.New("the change fails")

// failChange is an Update's change that fails.
func failChange(store.Record) (store.Record, error) { return store.Record{}, errChange }

// TestOps checks what each operation costs in KV operations.
func TestOps(t *testing.T) { forEach(t, testOps) }

func testOps(t *testing.T) {
	tests := []struct {
		desc string
		op   func(s *Store) error
		want Ops
	}{
		{"Create", func(s *Store) error { return s.Create(ctx, sp("alice"), record("new", 1, 1, "Word")) }, Ops{Gets: 1, Puts: families() + 1}},
		{"Create existing", func(s *Store) error { return s.Create(ctx, sp("alice"), record("x", 1, 1, "")) }, Ops{Gets: 1}},
		{"Get", func(s *Store) error { _, err := s.Get(ctx, sp("alice"), "x"); return err }, Ops{Gets: 1}},
		{"Get missing", func(s *Store) error { _, err := s.Get(ctx, sp("alice"), "y"); return err }, Ops{Gets: 1}},
		{"Update", func(s *Store) error { return s.Update(ctx, sp("alice"), "x", to(record("x", 9, 9, "Excel"))) }, Ops{Gets: 1, Puts: families() + 1, Deletes: families()}},
		{"Update missing", func(s *Store) error { return s.Update(ctx, sp("alice"), "y", to(record("y", 9, 9, ""))) }, Ops{Gets: 1}},
		{"Update whose change fails", func(s *Store) error { return s.Update(ctx, sp("alice"), "x", failChange) }, Ops{Gets: 1}},
		{"Delete", func(s *Store) error { return s.Delete(ctx, sp("alice"), "x") }, Ops{Gets: 1, Deletes: families() + 1}},
		{"Delete missing", func(s *Store) error { return s.Delete(ctx, sp("alice"), "y") }, Ops{Gets: 1}},
		{"Count", func(s *Store) error { _, err := s.Count(ctx, sp("alice"), store.Filter{}); return err }, Ops{Lists: 1, Listed: 1}},
		{"Count filtered", func(s *Store) error { _, err := s.Count(ctx, sp("alice"), store.Filter{0: str("word")}); return err }, Ops{Lists: 2, Listed: 2}},
		{"Count filtered, no records", func(s *Store) error { _, err := s.Count(ctx, sp("bob"), store.Filter{0: str("word")}); return err }, Ops{Lists: 1}},
	}
	for _, tt := range tests {
		kv := NewMemoryKV()
		s := New(kv, testKey)
		if err := s.Create(ctx, sp("alice"), record("x", 1, 1, "Word")); err != nil {
			t.Fatal(err)
		}
		before := kv.Ops()
		err := tt.op(s)
		if err != nil && !errors.Is(err, store.ErrExists) && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, errChange) {
			t.Errorf("%s: %v", tt.desc, err)
		}
		if got := kv.Ops().Sub(before); got != tt.want {
			t.Errorf("%s costs %v, want %v", tt.desc, got, tt.want)
		}
	}
}

// fill creates n records for alice; one in ten has type Word.
func fill(tb testing.TB, n int) (*Store, *MemoryKV) {
	tb.Helper()
	kv := NewMemoryKV()
	s := New(kv, testKey)
	for i := range n {
		typ := "Excel"
		if i%10 == 0 {
			typ = "Word"
		}
		if err := s.Create(ctx, sp("alice"), record(fmt.Sprintf("r%05d", i), int64(i%97), int64(i), typ)); err != nil {
			tb.Fatal(err)
		}
	}
	return s, kv
}

// TestListCost checks that a page costs the same whether the user has 50 records or 5,000,
// and what Count costs.
func TestListCost(t *testing.T) { forEach(t, testListCost) }

func testListCost(t *testing.T) {
	type cost struct{ first, second, filtered, count, countFiltered Ops }
	costs := map[int]cost{}
	for _, n := range []int{50, 5000} {
		s, kv := fill(t, n)
		measure := func(fn func() error) Ops {
			t.Helper()
			before := kv.Ops()
			if err := fn(); err != nil {
				t.Fatal(err)
			}
			return kv.Ops().Sub(before)
		}
		var c cost
		var p store.Page
		c.first = measure(func() (err error) { p, err = s.List(ctx, sp("alice"), store.Query{Top: 25}); return err })
		if len(p.Records) != 25 || p.Next == "" {
			t.Fatalf("n=%d: first page has %d records, Next %q", n, len(p.Records), p.Next)
		}
		c.second = measure(func() (err error) { p, err = s.List(ctx, sp("alice"), store.Query{Top: 25, Token: p.Next}); return err })
		if len(p.Records) != 25 {
			t.Fatalf("n=%d: second page has %d records", n, len(p.Records))
		}
		c.filtered = measure(func() (err error) {
			_, err = s.List(ctx, sp("alice"), store.Query{Top: 25, Filter: store.Filter{0: str("word")}})
			return err
		})
		var count, countWord int
		c.count = measure(func() (err error) { count, err = s.Count(ctx, sp("alice"), store.Filter{}); return err })
		c.countFiltered = measure(func() (err error) {
			countWord, err = s.Count(ctx, sp("alice"), store.Filter{0: str("WORD")})
			return err
		})
		if count != n || countWord != n/10 {
			t.Errorf("n=%d: Count = %d, Count(Word) = %d", n, count, countWord)
		}
		costs[n] = c
		t.Logf("n=%d: %+v", n, c)
	}
	page := Ops{Lists: 1, Listed: 25, Gets: 25}
	for n, c := range costs {
		if c.first != page || c.second != page {
			t.Errorf("n=%d: unfiltered pages cost %v and %v, want %v", n, c.first, c.second, page)
		}
		if c.filtered.Lists > MaxListCalls || c.filtered.Gets > 25 || c.filtered.Puts+c.filtered.Deletes > 0 {
			t.Errorf("n=%d: a filtered page costs %v, more than %d lists and 25 gets", n, c.filtered, MaxListCalls)
		}
		lists := (n + 999) / 1000
		if want := (Ops{Lists: lists, Listed: n}); c.count != want {
			t.Errorf("n=%d: Count costs %v, want %v", n, c.count, want)
		}
		if want := (Ops{Lists: 2 * lists, Listed: 2 * n}); c.countFiltered != want {
			t.Errorf("n=%d: Count with a filter costs %v, want %v", n, c.countFiltered, want)
		}
	}
	if costs[50].first != costs[5000].first {
		t.Errorf("a page costs %v with 50 records, %v with 5,000", costs[50].first, costs[5000].first)
	}
}

// TestFilteredWalk walks a selective filter over more keys than one List answer holds.
func TestFilteredWalk(t *testing.T) { forEach(t, testFilteredWalk) }

func testFilteredWalk(t *testing.T) {
	s, _ := fill(t, 5000)
	for _, q := range []store.Query{
		{Top: 7, Filter: store.Filter{0: str("word")}},
		{Top: 999, Filter: store.Filter{0: str("word")}, Order: 1, Asc: true},
		{Top: 3, Filter: store.Filter{0: str("pdf")}},
	} {
		if int(q.Order) >= len(coll.Orders) {
			continue
		}
		var got []string
		pages := 0
		for {
			p, err := s.List(ctx, sp("alice"), q)
			if err != nil {
				t.Fatal(err)
			}
			if pages++; pages > 5000 {
				t.Fatalf("%+v: no end after %d pages", q.Filter, pages)
			}
			got = append(got, ids(p.Records)...)
			if p.Next == "" {
				break
			}
			q.Token = p.Next
		}
		var want []string
		if *q.Filter[0] == "word" {
			for i := 0; i < 5000; i += 10 {
				want = append(want, fmt.Sprintf("r%05d", i))
			}
		}
		slices.Sort(want)
		sorted := slices.Sorted(slices.Values(got))
		if !slices.Equal(sorted, want) {
			t.Errorf("%+v: %d records in %d pages, want %d, each once", q.Filter, len(got), pages, len(want))
		}
		if q.Order == 1 && !slices.Equal(got, want) { // modified = index, ascending
			t.Errorf("%+v: not in modified order", q.Filter)
		}
	}
}

func ids(recs []store.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

// faultKV fails the operations fail picks, as a crash between two writes leaves the store.
type faultKV struct {
	KV
	fail func(op, key string) bool
}

var errInjected = errors.New("injected failure")

func (f faultKV) Put(ctx context.Context, key string, value []byte) error {
	if f.fail("put", key) {
		return errInjected
	}
	return f.KV.Put(ctx, key, value)
}

func (f faultKV) Delete(ctx context.Context, key string) error {
	if f.fail("delete", key) {
		return errInjected
	}
	return f.KV.Delete(ctx, key)
}

func isPrimary(key string) bool { return strings.Contains(key[2:], "/r/") }

// TestCrashes interrupts writes between their KV operations and checks that every list
// order, Get and Count still see each record once, in its old or its new version.
func TestCrashes(t *testing.T) { forEach(t, testCrashes) }

func testCrashes(t *testing.T) {
	type want struct {
		ids      []string // in accessed-desc order
		accessed int64    // of x, when listed
		word     int      // Count(type eq 'word')
	}
	tests := []struct {
		desc    string
		fail    func(op, key string) bool
		op      func(s store.Store) error
		wantErr bool
		want    want
	}{
		{
			desc:    "Create dies before its primary",
			fail:    func(op, key string) bool { return op == "put" && isPrimary(key) },
			op:      func(s store.Store) error { return s.Create(ctx, sp("alice"), record("y", 50, 50, "Word")) },
			wantErr: true,
			want:    want{[]string{"b", "x", "a"}, 20, 1},
		},
		{
			desc:    "Create dies at its index keys",
			fail:    func(op, key string) bool { return op == "put" && !isPrimary(key) && strings.Contains(key, "/y!") },
			op:      func(s store.Store) error { return s.Create(ctx, sp("alice"), record("y", 50, 50, "Word")) },
			wantErr: true,
			want:    want{[]string{"b", "x", "a"}, 20, 1},
		},
		{
			desc:    "Update dies before its primary",
			fail:    func(op, key string) bool { return op == "put" && isPrimary(key) },
			op:      func(s store.Store) error { return s.Update(ctx, sp("alice"), "x", to(record("x", 5, 5, "Excel"))) },
			wantErr: true,
			want:    want{[]string{"b", "x", "a"}, 20, 1},
		},
		{
			desc: "Update dies before removing the old index keys",
			fail: func(op, key string) bool { return op == "delete" },
			op:   func(s store.Store) error { return s.Update(ctx, sp("alice"), "x", to(record("x", 5, 5, "Excel"))) },
			want: want{[]string{"b", "a", "x"}, 5, 0},
		},
		{
			desc: "Update to the same keys dies before removing the old index keys",
			fail: func(op, key string) bool { return op == "delete" },
			op:   func(s store.Store) error { return s.Update(ctx, sp("alice"), "x", to(record("x", 20, 20, "Word"))) },
			want: want{[]string{"b", "x", "a"}, 20, 1},
		},
		{
			desc:    "Update dies at its index keys",
			fail:    func(op, key string) bool { return op == "put" && !isPrimary(key) && strings.Contains(key, "/x!") },
			op:      func(s store.Store) error { return s.Update(ctx, sp("alice"), "x", to(record("x", 5, 5, "Excel"))) },
			wantErr: true,
			want:    want{[]string{"b", "x", "a"}, 20, 1},
		},
		{
			desc: "Delete dies before removing the index keys",
			fail: func(op, key string) bool { return op == "delete" && !isPrimary(key) },
			op:   func(s store.Store) error { return s.Delete(ctx, sp("alice"), "x") },
			want: want{[]string{"b", "a"}, 0, 0},
		},
	}
	for _, tt := range tests {
		mem := NewMemoryKV()
		failing := false
		s := New(faultKV{mem, func(op, key string) bool { return failing && tt.fail(op, key) }}, testKey)
		for _, r := range []store.Record{record("a", 10, 10, "Excel"), record("x", 20, 20, "Word"), record("b", 30, 30, "Pdf")} {
			if err := s.Create(ctx, sp("alice"), r); err != nil {
				t.Fatal(err)
			}
		}
		failing = true
		if err := tt.op(s); (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v, want error %v", tt.desc, err, tt.wantErr)
		}
		failing = false
		checkView(t, tt.desc, s, tt.want.ids, tt.want.accessed, tt.want.word)
	}
}

// TestUpdateKeys checks the keys an Update leaves: exactly the primary and index keys of each
// record's stored version, the version it read gone, when it wrote; the same keys as before
// when it did not.
func TestUpdateKeys(t *testing.T) { forEach(t, testUpdateKeys) }

func testUpdateKeys(t *testing.T) {
	tests := []struct {
		desc   string
		id     string
		change func(store.Record) (store.Record, error)
		writes bool
	}{
		{"missing", "y", to(record("y", 5, 5, "Excel")), false},
		{"change fails", "x", failChange, false},
		{"change returns another id", "x", to(record("y", 5, 5, "Excel")), false},
		{"moves", "x", to(record("x", 5, 40, "Excel")), true},
		{"same keys", "x", to(record("x", 20, 20, "Word")), true},
	}
	l := spaceLayout(sp("alice"))
	for _, tt := range tests {
		kv, s := seededAXB(t)
		before := allKeys(t, kv)
		old, _, _ := s.get(ctx, l, "x")
		_ = s.Update(ctx, sp("alice"), tt.id, tt.change)
		after := allKeys(t, kv)
		if !tt.writes {
			if !slices.Equal(after, before) {
				t.Errorf("%s: keys changed:\n%s\nwere\n%s", tt.desc, strings.Join(after, "\n"), strings.Join(before, "\n"))
			}
			continue
		}
		var want []string
		for _, id := range []string{"a", "x", "b"} {
			cur, ok, err := s.get(ctx, l, id)
			if !ok || err != nil {
				t.Fatalf("%s: get(%s) = %v, %v", tt.desc, id, ok, err)
			}
			if id == "x" && cur.nonce == old.nonce {
				t.Errorf("%s: x keeps the nonce %q of the version it read", tt.desc, cur.nonce)
			}
			want = append(append(want, l.primary(id)), l.indexes(cur)...)
		}
		slices.Sort(want)
		if !slices.Equal(after, want) {
			t.Errorf("%s: keys\n%s\nwant\n%s", tt.desc, strings.Join(after, "\n"), strings.Join(want, "\n"))
		}
		for _, k := range l.indexes(old) {
			if slices.Contains(after, k) {
				t.Errorf("%s: the version read keeps its index key %q", tt.desc, k)
			}
		}
	}
}

// checkView checks alice's records in every order, one by one and all at once, and counts.
func checkView(t *testing.T, desc string, s store.Store, want []string, xAccessed int64, word int) {
	t.Helper()
	for o := range store.Order(len(coll.Orders)) {
		for _, asc := range []bool{false, true} {
			for _, top := range []int{1, 10} {
				var got []store.Record
				q := store.Query{Order: o, Asc: asc, Top: top}
				for {
					p, err := s.List(ctx, sp("alice"), q)
					if err != nil {
						t.Fatalf("%s: %v", desc, err)
					}
					got = append(got, p.Records...)
					if p.Next == "" {
						break
					}
					q.Token = p.Next
				}
				w := slices.Clone(want)
				if asc {
					slices.Reverse(w)
				}
				if !slices.Equal(ids(got), w) {
					t.Errorf("%s: order %d asc %v top %d lists %v, want %v", desc, o, asc, top, ids(got), w)
				}
				for _, r := range got {
					if r.ID == "x" && r.Keys.Orders[0] != xAccessed {
						t.Errorf("%s: lists x with accessed %d, want %d", desc, r.Keys.Orders[0], xAccessed)
					}
				}
			}
		}
	}
	for _, tt := range []struct {
		f    store.Filter
		want int
	}{{store.Filter{}, len(want)}, {store.Filter{0: str("word")}, word}} {
		if n, err := s.Count(ctx, sp("alice"), tt.f); n != tt.want || err != nil {
			t.Errorf("%s: Count(%+v) = %d, %v; want %d", desc, tt.f, n, err, tt.want)
		}
	}
	for _, id := range []string{"a", "b", "x", "y", "ghost"} {
		_, err := s.Get(ctx, sp("alice"), id)
		if inList := slices.Contains(want, id); inList != (err == nil) {
			t.Errorf("%s: Get(%s) = %v, but listed: %v", desc, id, err, inList)
		}
	}
}

// TestStaleKeys writes and removes keys behind the store's back.
func TestStaleKeys(t *testing.T) { forEach(t, testStaleKeys) }

func testStaleKeys(t *testing.T) {
	l := spaceLayout(sp("alice"))
	tests := []struct {
		desc string
		edit func(kv *MemoryKV) error
		ids  []string
		word int
	}{
		{"primary deleted", func(kv *MemoryKV) error { return kv.Delete(ctx, l.primary("x")) }, []string{"b", "a"}, 0},
		{"index key with other ticks", func(kv *MemoryKV) error {
			return kv.Put(ctx, l.index(0, stored{record("x", 99, 20, "Word"), "AAAAAAAA"}), nil)
		}, []string{"b", "x", "a"}, 1},
		{"index keys of another nonce", func(kv *MemoryKV) error {
			for _, k := range l.indexes(stored{record("x", 20, 20, "Word"), "AAAAAAAA"}) {
				if err := kv.Put(ctx, k, nil); err != nil {
					return err
				}
			}
			return nil
		}, []string{"b", "x", "a"}, 1},
		{"index keys of another type", func(kv *MemoryKV) error {
			for _, k := range l.indexes(stored{record("x", 20, 20, "Excel"), "AAAAAAAA"}) {
				if err := kv.Put(ctx, k, nil); err != nil {
					return err
				}
			}
			return nil
		}, []string{"b", "x", "a"}, 1},
		{"index keys of a record never written", func(kv *MemoryKV) error {
			for _, k := range l.indexes(stored{record("ghost", 25, 25, "Word"), "AAAAAAAA"}) {
				if err := kv.Put(ctx, k, nil); err != nil {
					return err
				}
			}
			return nil
		}, []string{"b", "x", "a"}, 1},
		{"foreign keys under the prefixes", func(kv *MemoryKV) error {
			for _, k := range []string{l.familyPrefix(0) + "junk", l.familyPrefix(1) + "0", l.prefix + "zz"} {
				if err := kv.Put(ctx, k, []byte("junk")); err != nil {
					return err
				}
			}
			return nil
		}, []string{"b", "x", "a"}, 1},
	}
	for _, tt := range tests {
		kv, s := seededAXB(t)
		if err := tt.edit(kv); err != nil {
			t.Fatal(err)
		}
		checkView(t, tt.desc, s, tt.ids, 20, tt.word)
	}
}

// TestStaleKeysShortenPages checks that a page over stale keys is short but leads on.
func TestStaleKeysShortenPages(t *testing.T) { forEach(t, testStaleKeysShortenPages) }

func testStaleKeysShortenPages(t *testing.T) {
	s, kv := fill(t, 10)
	l := spaceLayout(sp("alice"))
	for i := range 5 { // the five most recently accessed records lose their primaries
		if err := kv.Delete(ctx, l.primary(fmt.Sprintf("r%05d", 9-i))); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.List(ctx, sp("alice"), store.Query{Top: 5})
	if err != nil || len(p.Records) != 0 || p.Next == "" {
		t.Fatalf("first page: %d records, Next %q, %v; want none and a Next", len(p.Records), p.Next, err)
	}
	p, err = s.List(ctx, sp("alice"), store.Query{Top: 5, Token: p.Next})
	if want := []string{"r00004", "r00003", "r00002", "r00001", "r00000"}; err != nil || !slices.Equal(ids(p.Records), want) {
		t.Errorf("second page: %v, %v; want %v", ids(p.Records), err, want)
	}
}

// TestHashCollisions checks that lists stay exact when every field value has one hash.
func TestHashCollisions(t *testing.T) { forEach(t, testHashCollisions) }

func testHashCollisions(t *testing.T) {
	saved := fieldHash
	defer func() { fieldHash = saved }()
	fieldHash = func(string) string { return "AAAAAAAAAAA" }
	s, _ := fill(t, 30)
	p, err := s.List(ctx, sp("alice"), store.Query{Top: 999, Filter: store.Filter{0: str("word")}})
	if want := []string{"r00020", "r00010", "r00000"}; err != nil || !slices.Equal(ids(p.Records), want) {
		t.Errorf("List(word) = %v, %v; want %v", ids(p.Records), err, want)
	}
}

func TestKVFailure(t *testing.T) { forEach(t, testKVFailure) }

func testKVFailure(t *testing.T) {
	down := errors.New("KV GET failed: 503 Service Unavailable")
	kv := NewMemoryKV()
	s := New(kv, testKey)
	if err := s.Create(ctx, sp("alice"), record("x", 1, 1, "Word")); err != nil {
		t.Fatal(err)
	}
	kv.Fail(down)
	for _, tt := range []struct {
		desc string
		err  error
	}{
		{"Create", s.Create(ctx, sp("alice"), record("y", 1, 1, ""))},
		{"Get", func() error { _, err := s.Get(ctx, sp("alice"), "x"); return err }()},
		{"Update", s.Update(ctx, sp("alice"), "x", to(record("x", 2, 2, "")))},
		{"Delete", s.Delete(ctx, sp("alice"), "x")},
		{"List", func() error { _, err := s.List(ctx, sp("alice"), store.Query{Top: 5}); return err }()},
		{"Count", func() error { _, err := s.Count(ctx, sp("alice"), store.Filter{}); return err }()},
	} {
		if !errors.Is(tt.err, down) {
			t.Errorf("%s with KV down: %v, want the KV's error", tt.desc, tt.err)
		}
	}
	kv.Fail(nil)
	if _, err := s.Get(ctx, sp("alice"), "x"); err != nil {
		t.Errorf("Get after KV recovered: %v", err)
	}
}

func TestCorruptValue(t *testing.T) {
	valid := stored{record("x", 1, store.MinTicks, "Word"), "AAAAAAAA"}.encode()
	if r, err := decodeStored(valid); err != nil || r.rec.ID != "x" || string(r.rec.JSON) != `{"id":"x"}` {
		t.Fatalf("decode of a valid value = %+v, %v", r, err)
	}
	bad := [][]byte{nil, []byte("<null>"), []byte("v1\n"), []byte("v2 AAAAAAAA 1 1 1 0 0 0\nx"),
		[]byte("v1 AAAAAAAA 1 1 -1 0 0 0\nx"), []byte("v1 AAAAAAAA 1 1 9 0 0 0\nx"), []byte("v1 AAAAAAAA x 1 1 0 0 0\nx"),
		bytes.Repeat([]byte("v1 "), 1000)}
	for i := range valid { // every truncation inside the header and the strings
		if i < len(valid)-len(`{"id":"x"}`) {
			bad = append(bad, valid[:i])
		}
	}
	for _, b := range bad {
		if _, err := decodeStored(b); err == nil {
			t.Errorf("decode of %q succeeded", b)
		}
	}
	kv := NewMemoryKV()
	s := New(kv, testKey)
	if err := kv.Put(ctx, spaceLayout(sp("alice")).primary("x"), []byte("garbage")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, sp("alice"), "x"); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get of a corrupt value = %v, want a storage error", err)
	}
}

func TestCursor(t *testing.T) {
	for _, c := range []cursor{{limit: 1}, {kv: "cXYZ", limit: 1000, after: "u/k/ad/x"}, {kv: strings.Repeat("z", 700), limit: 400, after: strings.Repeat("a", 504)}} {
		got, ok := decodeCursor(c.encode())
		if !ok || got != c {
			t.Errorf("cursor %+v decodes as %+v, %v", c, got, ok)
		}
	}
	for _, b := range [][]byte{nil, {0}, {0xe9, 0x07}, {1}, {1, 5, 'a'}, {0x80}} {
		if c, ok := decodeCursor(b); ok {
			t.Errorf("decodeCursor(%v) = %+v, want failure", b, c)
		}
	}
}

func TestMemoryKV(t *testing.T) {
	kv := NewMemoryKV()
	keys := []string{"a", "a/", "a/b", "a/b/c", "aa", "b", "é", "z", "~", "A", "a\x00", "ü/1", "ü/2"}
	for _, k := range keys {
		if err := kv.Put(ctx, k, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	sorted := slices.Sorted(slices.Values(keys))
	for _, tt := range []struct {
		prefix string
		limit  int
		want   []string
	}{
		{"", 1, sorted},
		{"", 3, sorted},
		{"", 1000, sorted},
		{"a/", 1, []string{"a/", "a/b", "a/b/c"}},
		{"a", 2, []string{"a", "a\x00", "a/", "a/b", "a/b/c", "aa"}},
		{"ü/", 1, []string{"ü/1", "ü/2"}},
		{"q", 5, nil},
	} {
		var got []string
		cursor := ""
		for calls := 0; ; calls++ {
			page, next, err := kv.List(ctx, tt.prefix, cursor, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > tt.limit || next != "" && len(page) != tt.limit {
				t.Errorf("List(%q, limit %d) answered %d keys, next %q", tt.prefix, tt.limit, len(page), next)
			}
			got = append(got, page...)
			if next == "" {
				break
			}
			cursor = next
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("List(%q, limit %d) = %q, want %q", tt.prefix, tt.limit, got, tt.want)
		}
	}

	for _, tt := range []struct {
		desc string
		err  error
	}{
		{"limit 0", func() error { _, _, err := kv.List(ctx, "", "", 0); return err }()},
		{"limit 1001", func() error { _, _, err := kv.List(ctx, "", "", 1001); return err }()},
		{"bad cursor", func() error { _, _, err := kv.List(ctx, "", "!!", 10); return err }()},
		{"key of 513 bytes", kv.Put(ctx, strings.Repeat("k", 513), nil)},
		{"empty key", kv.Put(ctx, "", nil)},
		{"key ..", kv.Put(ctx, "..", nil)},
		{"value over 25 MiB", kv.Put(ctx, "big", make([]byte, MaxValueLen+1))},
		{"get of a 513-byte key", func() error { _, _, err := kv.Get(ctx, strings.Repeat("k", 513)); return err }()},
	} {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.desc)
		}
	}
	if err := kv.Put(ctx, strings.Repeat("k", 512), make([]byte, MaxValueLen)); err != nil {
		t.Errorf("Put at the limits: %v", err)
	}
	if err := kv.Delete(ctx, strings.Repeat("k", 512)); err != nil {
		t.Fatal(err)
	}

	// Values are copied both ways; missing keys are ok == false.
	buf := []byte("v")
	if err := kv.Put(ctx, "c", buf); err != nil {
		t.Fatal(err)
	}
	buf[0] = 'X'
	got, ok, err := kv.Get(ctx, "c")
	if string(got) != "v" || !ok || err != nil {
		t.Errorf("Get(c) = %q, %v, %v", got, ok, err)
	}
	got[0] = 'Y'
	if again, _, _ := kv.Get(ctx, "c"); string(again) != "v" {
		t.Errorf("value changed through a returned slice: %q", again)
	}
	if v, ok, err := kv.Get(ctx, "missing"); v != nil || ok || err != nil {
		t.Errorf("Get(missing) = %q, %v, %v", v, ok, err)
	}
	if err := kv.Delete(ctx, "missing"); err != nil {
		t.Errorf("Delete(missing) = %v", err)
	}

	// Operations are counted.
	before := kv.Ops()
	kv.Get(ctx, "a")
	kv.Put(ctx, "a", nil)
	kv.Put(ctx, "a", nil)
	kv.Delete(ctx, "a")
	kv.List(ctx, "", "", 5)
	if got, want := kv.Ops().Sub(before), (Ops{Gets: 1, Puts: 2, Deletes: 1, Lists: 1, Listed: 5}); got != want || got.Total() != 5 {
		t.Errorf("ops = %v, want %v", got, want)
	}

	// A canceled context fails.
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := kv.Get(canceled, "b"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a canceled context = %v", err)
	}
}

func BenchmarkList(b *testing.B) {
	for _, n := range []int{50, 5000} {
		b.Run(fmt.Sprintf("records=%d/top=25", n), func(b *testing.B) {
			s, _ := fill(b, n)
			b.ReportAllocs()
			for b.Loop() {
				p, err := s.List(ctx, sp("alice"), store.Query{Top: 25})
				if err != nil || len(p.Records) != 25 {
					b.Fatalf("List = %d records, %v", len(p.Records), err)
				}
			}
		})
	}
	// A next page: its $skiptoken is checked and decoded.
	b.Run("records=5000/top=25/page=2", func(b *testing.B) {
		s, _ := fill(b, 5000)
		first, err := s.List(ctx, sp("alice"), store.Query{Top: 25})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			p, err := s.List(ctx, sp("alice"), store.Query{Top: 25, Token: first.Next})
			if err != nil || len(p.Records) != 25 {
				b.Fatalf("List = %d records, %v", len(p.Records), err)
			}
		}
	})
}

// TestSchemes: every collection has its own key space, with one family per order and
// direction; used's is the one its stored data has.
func TestSchemes(t *testing.T) {
	tags := map[string]string{}
	for _, c := range resource.Collections {
		sc, ok := schemes[c.Name]
		if !ok {
			t.Fatalf("collection %s has no key space", c.Name)
		}
		if other, dup := tags[sc.tag]; dup || len(sc.tag) != 1 {
			t.Errorf("collection %s has key space %q (also %q's)", c.Name, sc.tag, other)
		}
		tags[sc.tag] = c.Name
		if len(sc.families) != 2*len(c.Orders) || len(c.Orders) > store.MaxOrders || len(c.Filters) > resource.MaxFilters {
			t.Errorf("collection %s: %d families for %d orders, %d filters", c.Name, len(sc.families), len(c.Orders), len(c.Filters))
		}
		seen := map[string]bool{"r": true}
		for _, f := range sc.families {
			if len(f) != 2 || seen[f] {
				t.Errorf("collection %s: family tag %q is not two letters, or repeats", c.Name, f)
			}
			seen[f] = true
		}
	}
	if sc := schemes["used"]; sc.tag != "u" || !slices.Equal(sc.families, []string{"ad", "aa", "md", "ma"}) {
		t.Errorf("used's key space changed: %+v", sc)
	}
}

// TestLayoutOfEachCollection: a record's keys are under its collection's prefix, one per
// family, with the order keys and field hashes of layout.go.
func TestLayoutOfEachCollection(t *testing.T) {
	for _, tt := range []struct {
		c    *resource.Collection
		want []string // key names after the user's prefix, in byte order, without the tails
	}{
		{resource.Used, []string{"aa/8000000000000001/x-1", "ad/7ffffffffffffffe/x-1", "ma/8000000000000002/x-1", "md/7ffffffffffffffd/x-1", "r/x-1"}},
		{resource.TrendingItems, []string{"ma/8000000000000002/x-1", "md/7ffffffffffffffd/x-1", "r/x-1", "wa/8000000000000001/x-1", "wd/7ffffffffffffffe/x-1"}},
		{resource.Shared, []string{"r/x-1", "sa/8000000000000001/x-1", "sd/7ffffffffffffffe/x-1"}},
	} {
		kv := NewMemoryKV()
		s := New(kv, testKey)
		if err := s.Create(ctx, store.Space{Collection: tt.c, User: "alice"}, record("x-1", 1, 2, "Word")); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte("usedinsight user\x00alice"))
		u := schemes[tt.c.Name].tag + "/" + base64.RawURLEncoding.EncodeToString(sum[:16]) + "/"
		var got []string
		for _, k := range allKeys(t, kv) {
			rest, ok := strings.CutPrefix(k, u)
			if !ok {
				t.Errorf("%s: key %q is not under %q", tt.c.Name, k, u)
			}
			rest, _, _ = strings.Cut(rest, "!")
			got = append(got, rest)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: keys %q, want %q", tt.c.Name, got, tt.want)
		}
	}
}

// seededAXB returns a store over a new MemoryKV that holds alice's records a, x and b,
// accessed at 10, 20 and 30.
func seededAXB(t *testing.T) (*MemoryKV, *Store) {
	t.Helper()
	kv := NewMemoryKV()
	s := New(kv, testKey)
	for _, r := range []store.Record{record("a", 10, 10, "Excel"), record("x", 20, 20, "Word"), record("b", 30, 30, "Pdf")} {
		if err := s.Create(context.Background(), sp("alice"), r); err != nil {
			t.Fatal(err)
		}
	}
	return kv, s
}
