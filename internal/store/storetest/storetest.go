// Package storetest is the conformance suite that every store.Store implementation passes.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/usedinsight/usedinsight/internal/resource"
	"github.com/usedinsight/usedinsight/internal/store"
)

// Run runs the conformance suite as subtests of t, for each collection of
// resource.Collections, and checks that collections are apart. newStore must return a new,
// empty store whose page tokens are signed with key each time it is called.
func Run(t *testing.T, newStore func(t *testing.T, key *store.TokenKey) store.Store) {
	for _, c := range resource.Collections {
		t.Run(c.Name, func(t *testing.T) {
			runCollection(t, c, func(t *testing.T, key *store.TokenKey) *bound {
				return &bound{newStore(t, key), c}
			})
		})
	}
	t.Run("Collections", func(t *testing.T) { testCollections(t, newStore(t, store.NewTokenKey("storetest secret"))) })
}

// bound is a store seen through one collection: its methods take a user where the store's
// take a space, which keeps the tests short.
type bound struct {
	s store.Store
	c *resource.Collection
}

func (b *bound) sp(user string) store.Space { return store.Space{Collection: b.c, User: user} }

func (b *bound) Create(ctx context.Context, user string, r store.Record) error {
	return b.s.Create(ctx, b.sp(user), r)
}
func (b *bound) Get(ctx context.Context, user, id string) (store.Record, error) {
	return b.s.Get(ctx, b.sp(user), id)
}
func (b *bound) Update(ctx context.Context, user, id string, change func(store.Record) (store.Record, error)) error {
	return b.s.Update(ctx, b.sp(user), id, change)
}
func (b *bound) Delete(ctx context.Context, user, id string) error {
	return b.s.Delete(ctx, b.sp(user), id)
}
func (b *bound) List(ctx context.Context, user string, q store.Query) (store.Page, error) {
	return b.s.List(ctx, b.sp(user), q)
}
func (b *bound) Count(ctx context.Context, user string, f store.Filter) (int, error) {
	return b.s.Count(ctx, b.sp(user), f)
}

// orders are the orders and directions of c's lists.
func (b *bound) orders() []orderCase {
	var out []orderCase
	for _, o := range allOrders {
		if int(o.order) < len(b.c.Orders) {
			out = append(out, o)
		}
	}
	return out
}

func runCollection(t *testing.T, c *resource.Collection, newStore func(t *testing.T, key *store.TokenKey) *bound) {
	tests := []struct {
		name string
		fn   func(*testing.T, *bound)
	}{
		{"RoundTrip", testRoundTrip},
		{"Errors", testErrors},
		{"NoAliasing", testNoAliasing},
		{"Users", testUsers},
		{"HostileUsers", testHostileUsers},
		{"Order", testOrder},
		{"TieByID", testTieByID},
		{"LongIDs", testLongIDs},
		{"Filter", testFilter},
		{"Count", testCount},
		{"Paging", testPaging},
		{"Tokens", testTokens},
		{"Update", testUpdate},
		{"UpdateMoves", testUpdateMoves},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"DeleteRemoves", testDeleteRemoves},
		{"ConcurrentCreates", testConcurrentCreates},
	}
	key := store.NewTokenKey("storetest secret")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t, key)) })
	}
	t.Run("TokenKeys", func(t *testing.T) { testTokenKeys(t, newStore) })
}

// rec is a record description: the helpers turn it into a store.Record whose JSON names the
// id and a version, so a test can tell which write it reads back.
type rec struct {
	id                  string
	accessed, modified  int64
	typ, container, ref string
}

func (r rec) record(version int) store.Record {
	return store.Record{
		ID:   r.id,
		JSON: fmt.Appendf(nil, `{"id":%q,"v":%d}`, r.id, version),
		Keys: store.Keys{Orders: [2]int64{r.accessed, r.modified}, Fields: [3]string{r.typ, r.container, r.ref}},
	}
}

const none = store.MinTicks

func str(s string) *string { return &s }

func create(t *testing.T, s *bound, user string, recs ...rec) {
	t.Helper()
	for _, r := range recs {
		if err := s.Create(context.Background(), user, r.record(1)); err != nil {
			t.Fatalf("Create(%q, %.40q): %v", user, r.id, err)
		}
	}
}

// to is a change that puts r in place of the record, whatever it was.
func to(r store.Record) func(store.Record) (store.Record, error) {
	return func(store.Record) (store.Record, error) { return r, nil }
}

// listAll follows Next from the first page to the last and returns every record in order.
// It fails the test when a page is longer than q.Top, a record comes twice or the walk does
// not end.
func listAll(t *testing.T, s *bound, user string, q store.Query) []store.Record {
	t.Helper()
	var all []store.Record
	seen := make(map[string]bool)
	q.Token = ""
	for pages := 0; ; pages++ {
		if pages > 2000 {
			t.Fatalf("List(%q, %+v): still a Next after %d pages", user, q, pages)
		}
		p, err := s.List(context.Background(), user, q)
		if err != nil {
			t.Fatalf("List(%q, %+v) page %d: %v", user, q, pages, err)
		}
		if len(p.Records) > max(q.Top, 1) {
			t.Fatalf("List(%q, %+v) page %d: %d records, more than Top", user, q, pages, len(p.Records))
		}
		for _, r := range p.Records {
			if seen[r.ID] {
				t.Fatalf("List(%q, %+v) page %d: %.40q again", user, q, pages, r.ID)
			}
			seen[r.ID] = true
		}
		all = append(all, p.Records...)
		if p.Next == "" {
			return all
		}
		q.Token = p.Next
	}
}

func ids(recs []store.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

// expectOrder returns the ids of recs that pass q.Filter, in q's order: by the order key,
// then by SortID ascending. It is the reference the stores are compared with.
func expectOrder(recs []rec, q store.Query) []string {
	var sel []store.Record
	for _, r := range recs {
		if x := r.record(1); q.Filter.Match(x.Keys) {
			sel = append(sel, x)
		}
	}
	key := func(r store.Record) int64 { return r.Keys.Orders[q.Order] }
	slices.SortFunc(sel, func(a, b store.Record) int {
		ka, kb := key(a), key(b)
		if ka != kb {
			if (ka < kb) == q.Asc {
				return -1
			}
			return 1
		}
		return strings.Compare(store.SortID(a.ID), store.SortID(b.ID))
	})
	return ids(sel)
}

func short(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		if len(id) > 12 {
			id = fmt.Sprintf("%s…(%d)", id[:12], len(id))
		}
		b.WriteString(id)
	}
	return "[" + b.String() + "]"
}

func wantIDs(t *testing.T, what string, got []store.Record, want []string) {
	t.Helper()
	if g := ids(got); !slices.Equal(g, want) {
		t.Errorf("%s:\n got %s\nwant %s", what, short(g), short(want))
	}
}

// orderCase is an order and a direction. The records' first order key is called accessed,
// the second modified, whatever the collection calls them.
type orderCase struct {
	name  string
	order store.Order
	asc   bool
}

var allOrders = []orderCase{
	{"accessed desc", 0, false},
	{"accessed asc", 0, true},
	{"modified desc", 1, false},
	{"modified asc", 1, true},
}

func testRoundTrip(t *testing.T, s *bound) {
	ctx := context.Background()
	want := store.Record{
		ID:   "AAMkAGI2TAAA-_.~", // every punctuation an id may carry
		JSON: []byte(`{"id":"AAMkAGI2TAAA-_.~","lastUsed":{"lastAccessedDateTime":"2016-12-31T23:58:50.8669622+03:00"}}`),
		Keys: store.Keys{Orders: [2]int64{636188111308669622, none}, Fields: [3]string{"Wörd ſ", "", "microsoft.graph.driveItem"}},
	}
	if err := s.Create(ctx, "alice", want); err != nil {
		t.Fatalf("Create: %v", err)
	}
	got, err := s.Get(ctx, "alice", want.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameRecord(t, "Get after Create", got, want)

	want.JSON = []byte(`{"id":"AAMkAGI2TAAA-_.~","v":2}`)
	want.Keys = store.Keys{Orders: [2]int64{0, -5}, Fields: [3]string{"Excel", "Site", ""}}
	if err := s.Update(ctx, "alice", want.ID, to(want)); err != nil {
		t.Fatalf("Update: %v", err)
	}
	got, err = s.Get(ctx, "alice", want.ID)
	if err != nil {
		t.Fatalf("Get after Update: %v", err)
	}
	sameRecord(t, "Get after Update", got, want)
	p, err := s.List(ctx, "alice", store.Query{Top: 10})
	if err != nil || len(p.Records) != 1 || p.Next != "" {
		t.Fatalf("List after Update = %d records, Next %q, %v; want the one record", len(p.Records), p.Next, err)
	}
	sameRecord(t, "List after Update", p.Records[0], want)

	if err := s.Delete(ctx, "alice", want.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(ctx, "alice", want.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if p, err := s.List(ctx, "alice", store.Query{Top: 10}); err != nil || len(p.Records) != 0 || p.Next != "" {
		t.Errorf("List after Delete = %d records, Next %q, %v; want none", len(p.Records), p.Next, err)
	}
	// The id is free again.
	if err := s.Create(ctx, "alice", want); err != nil {
		t.Errorf("Create after Delete: %v", err)
	}
}

func sameRecord(t *testing.T, what string, got, want store.Record) {
	t.Helper()
	if got.ID != want.ID || string(got.JSON) != string(want.JSON) || got.Keys != want.Keys {
		t.Errorf("%s:\n got {%q %s %+v}\nwant {%q %s %+v}", what, got.ID, got.JSON, got.Keys, want.ID, want.JSON, want.Keys)
	}
}

func testErrors(t *testing.T, s *bound) {
	ctx := context.Background()
	x := rec{id: "x", accessed: 10, modified: 5, typ: "Word"}
	create(t, s, "alice", x)
	tests := []struct {
		desc string
		op   func() error
		want error
	}{
		{"Create duplicate", func() error { return s.Create(ctx, "alice", x.record(2)) }, store.ErrExists},
		{"Get missing", func() error { _, err := s.Get(ctx, "alice", "y"); return err }, store.ErrNotFound},
		{"Get other case", func() error { _, err := s.Get(ctx, "alice", "X"); return err }, store.ErrNotFound},
		{"Update missing", func() error { return s.Update(ctx, "alice", "y", to(rec{id: "y"}.record(2))) }, store.ErrNotFound},
		{"Delete missing", func() error { return s.Delete(ctx, "alice", "y") }, store.ErrNotFound},
		{"Get of unknown user", func() error { _, err := s.Get(ctx, "nobody", "x"); return err }, store.ErrNotFound},
		{"Delete of unknown user", func() error { return s.Delete(ctx, "nobody", "x") }, store.ErrNotFound},
	}
	for _, tt := range tests {
		if err := tt.op(); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.desc, err, tt.want)
		}
	}
	// The failed writes changed nothing.
	got, err := s.Get(ctx, "alice", "x")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameRecord(t, "x after the failed writes", got, x.record(1))
	all := listAll(t, s, "alice", store.Query{Top: 10})
	wantIDs(t, "List after the failed writes", all, []string{"x"})
	if n, err := s.Count(ctx, "alice", store.Filter{}); n != 1 || err != nil {
		t.Errorf("Count = %d, %v; want 1", n, err)
	}
	// An empty user lists and counts nothing.
	if p, err := s.List(ctx, "nobody", store.Query{Top: 5}); err != nil || len(p.Records) != 0 || p.Next != "" {
		t.Errorf("List of unknown user = %d records, Next %q, %v", len(p.Records), p.Next, err)
	}
	if n, err := s.Count(ctx, "nobody", store.Filter{}); n != 0 || err != nil {
		t.Errorf("Count of unknown user = %d, %v", n, err)
	}
}

func testNoAliasing(t *testing.T, s *bound) {
	ctx := context.Background()
	r := rec{id: "x", accessed: 1}.record(1)
	want := string(r.JSON)
	if err := s.Create(ctx, "alice", r); err != nil {
		t.Fatal(err)
	}
	r.JSON[0] = 'X' // the caller's buffer
	got, err := s.Get(ctx, "alice", "x")
	if err != nil {
		t.Fatal(err)
	}
	got.JSON[1] = 'X'
	p, err := s.List(ctx, "alice", store.Query{Top: 1})
	if err != nil || len(p.Records) != 1 {
		t.Fatalf("List: %v, %d records", err, len(p.Records))
	}
	p.Records[0].JSON[2] = 'X'
	again, err := s.Get(ctx, "alice", "x")
	if err != nil {
		t.Fatal(err)
	}
	if string(again.JSON) != want {
		t.Errorf("stored JSON changed through a caller's slice: %s, want %s", again.JSON, want)
	}
	// The record an Update's change returns stays the caller's.
	u := rec{id: "x", accessed: 2}.record(2)
	want = string(u.JSON)
	if err := s.Update(ctx, "alice", "x", to(u)); err != nil {
		t.Fatal(err)
	}
	u.JSON[0] = 'X'
	if again, err = s.Get(ctx, "alice", "x"); err != nil || string(again.JSON) != want {
		t.Errorf("after Update, stored JSON is %s, %v; want %s", again.JSON, err, want)
	}
}

func testUsers(t *testing.T, s *bound) {
	ctx := context.Background()
	create(t, s, "alice", rec{id: "x", accessed: 1, typ: "Word"}, rec{id: "y", accessed: 2, typ: "Word"})
	create(t, s, "bob", rec{id: "x", accessed: 3, typ: "Excel"})
	bobX := rec{id: "x", accessed: 3, typ: "Excel"}.record(1)

	if got, err := s.Get(ctx, "bob", "x"); err != nil {
		t.Errorf("bob Get x: %v", err)
	} else {
		sameRecord(t, "bob's x", got, bobX)
	}
	for _, tt := range []struct {
		desc string
		err  error
	}{
		{"bob Get y", func() error { _, err := s.Get(ctx, "bob", "y"); return err }()},
		{"bob Update y", s.Update(ctx, "bob", "y", to(rec{id: "y", accessed: 9}.record(2)))},
		{"bob Delete y", s.Delete(ctx, "bob", "y")},
	} {
		if !errors.Is(tt.err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", tt.desc, tt.err)
		}
	}
	wantIDs(t, "bob's list", listAll(t, s, "bob", store.Query{Top: 10}), []string{"x"})
	wantIDs(t, "bob's list of Word", listAll(t, s, "bob", store.Query{Top: 10, Filter: store.Filter{0: str("word")}}), nil)
	for _, tt := range []struct {
		user string
		f    store.Filter
		want int
	}{
		{"bob", store.Filter{}, 1},
		{"bob", store.Filter{0: str("Word")}, 0},
		{"alice", store.Filter{}, 2},
		{"alice", store.Filter{0: str("Excel")}, 0},
	} {
		if n, err := s.Count(ctx, tt.user, tt.f); n != tt.want || err != nil {
			t.Errorf("Count(%s, %+v) = %d, %v; want %d", tt.user, tt.f, n, err, tt.want)
		}
	}
	// bob updating and deleting his own x leaves alice's alone.
	if err := s.Update(ctx, "bob", "x", to(rec{id: "x", accessed: 4}.record(2))); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "bob", "x"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "alice", "x"); err != nil {
		t.Errorf("alice Get x after bob deleted his: %v", err)
	} else {
		sameRecord(t, "alice's x", got, rec{id: "x", accessed: 1, typ: "Word"}.record(1))
	}
	wantIDs(t, "alice's list", listAll(t, s, "alice", store.Query{Top: 1}), []string{"y", "x"})
}

func testHostileUsers(t *testing.T, s *bound) {
	ctx := context.Background()
	users := []string{
		"alice", "a/b", "a", "a/", "/a", "../x", "..", ".", "a:b", "a\x00b", "a b", "%2F", "u/", "u",
		"ü", "Ü", "用户", "😀", "\xff\xfe", strings.Repeat("x", 1000), strings.Repeat("é", 1000),
		"", " ", "\t", "\n", "<null>",
	}
	for i, u := range users {
		create(t, s, u, rec{id: "x", accessed: int64(i)})
		if i%2 == 0 {
			create(t, s, u, rec{id: fmt.Sprint("only", i), accessed: int64(i)})
		}
	}
	for i, u := range users {
		want := []string{"x"}
		if i%2 == 0 {
			want = []string{fmt.Sprint("only", i), "x"} // equal instants: by id
		}
		got := listAll(t, s, u, store.Query{Top: 999, Asc: true})
		wantIDs(t, fmt.Sprintf("list of user %.20q", u), got, want)
		for _, r := range got {
			if !strings.Contains(string(r.JSON), `"v":1`) || r.Keys.Orders[0] != int64(i) {
				t.Errorf("user %.20q lists %s with keys %+v: not its own", u, r.JSON, r.Keys)
			}
		}
		if n, err := s.Count(ctx, u, store.Filter{}); n != len(want) || err != nil {
			t.Errorf("Count(%.20q) = %d, %v; want %d", u, n, err, len(want))
		}
	}
	// Deleting every other user's x leaves the rest.
	for i, u := range users {
		if i%2 == 1 {
			if err := s.Delete(ctx, u, "x"); err != nil {
				t.Errorf("Delete(%.20q, x): %v", u, err)
			}
		}
	}
	for i, u := range users {
		got, err := s.Get(ctx, u, "x")
		switch {
		case i%2 == 1 && !errors.Is(err, store.ErrNotFound):
			t.Errorf("Get(%.20q, x) after its Delete: %v", u, err)
		case i%2 == 0 && (err != nil || got.Keys.Orders[0] != int64(i)):
			t.Errorf("Get(%.20q, x) = %+v, %v; want its own record", u, got.Keys, err)
		}
	}
}

// orderSet has equal instants in both orders, absent modified times (MinTicks) and the first
// real instant (0, 0001-01-01T00:00:00Z, which is not absent).
var orderSet = []rec{
	{id: "e", accessed: 20, modified: none},
	{id: "a", accessed: 30, modified: 10},
	{id: "f", accessed: 0, modified: 0},
	{id: "c", accessed: 30, modified: 40},
	{id: "b", accessed: 20, modified: none},
	{id: "d", accessed: 10, modified: 10},
}

func testOrder(t *testing.T, s *bound) {
	create(t, s, "alice", orderSet...)
	want := map[string][]string{
		"accessed desc": {"a", "c", "b", "e", "d", "f"},
		"accessed asc":  {"f", "d", "b", "e", "a", "c"},
		"modified desc": {"c", "a", "d", "f", "b", "e"},
		"modified asc":  {"b", "e", "f", "a", "d", "c"},
	}
	for _, o := range s.orders() {
		for _, top := range []int{999, 1, 4} {
			got := listAll(t, s, "alice", store.Query{Order: o.order, Asc: o.asc, Top: top})
			wantIDs(t, fmt.Sprintf("%s, top %d", o.name, top), got, want[o.name])
		}
	}
	// Top below 1 counts as 1.
	p, err := s.List(context.Background(), "alice", store.Query{Top: 0})
	if err != nil || len(p.Records) > 1 || p.Next == "" {
		t.Errorf("List with Top 0 = %d records, Next %q, %v; want at most one and a Next", len(p.Records), p.Next, err)
	}
}

func testTieByID(t *testing.T, s *bound) {
	// All at one instant: the order is by id (byte order) in both directions.
	tied := []string{"~", "a", "_", "A", "0", ".", "-", "aa", "a.", "a-", "Z9", "z", "9"}
	for _, id := range tied {
		create(t, s, "alice", rec{id: id, accessed: 7, modified: none})
	}
	want := []string{"-", ".", "0", "9", "A", "Z9", "_", "a", "a-", "a.", "aa", "z", "~"}
	for _, o := range s.orders() {
		wantIDs(t, o.name, listAll(t, s, "alice", store.Query{Order: o.order, Asc: o.asc, Top: 3}), want)
	}
}

func testLongIDs(t *testing.T, s *bound) {
	ctx := context.Background()
	all := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
	a512 := strings.Repeat("a", 512)
	var recs []rec
	for i, id := range []string{
		all, strings.Repeat(all, 8)[:512], a512, a512[:511] + "b", a512[:511] + "~", a512[:400] + "-" + a512[:111],
		a512[:384], a512[:383] + "b", a512[:385], a512[:383], a512[:100] + "." + a512[:411], "b" + a512[:511],
	} {
		r := rec{id: id, accessed: 5, modified: int64(i % 3)}
		recs = append(recs, r)
		create(t, s, "alice", r)
	}
	for _, r := range recs {
		got, err := s.Get(ctx, "alice", r.id)
		if err != nil {
			t.Errorf("Get(%d-char id): %v", len(r.id), err)
			continue
		}
		sameRecord(t, "long id", got, r.record(1))
	}
	for _, o := range s.orders() {
		q := store.Query{Order: o.order, Asc: o.asc, Top: 5}
		wantIDs(t, o.name, listAll(t, s, "alice", q), expectOrder(recs, q))
	}
	// Ids that share their first 511 characters are separate records.
	if err := s.Delete(ctx, "alice", a512); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "alice", a512[:511]+"b"); err != nil {
		t.Errorf("Get after deleting its near twin: %v", err)
	}
	if n, err := s.Count(ctx, "alice", store.Filter{}); n != len(recs)-1 || err != nil {
		t.Errorf("Count = %d, %v; want %d", n, err, len(recs)-1)
	}
}

// filterSet has distinct access times, so each expected list is in declaration order.
var filterSet = []rec{
	{id: "w1", accessed: 100, typ: "Word", container: "OneDriveBusiness", ref: "microsoft.graph.driveItem"},
	{id: "w2", accessed: 90, typ: "word", container: "Site", ref: "microsoft.graph.driveItem"},
	{id: "x1", accessed: 80, typ: "Excel", container: "OneDriveBusiness", ref: "microsoft.graph.driveItem"},
	{id: "p1", accessed: 70, typ: "PowerPoint"},
	{id: "s1", accessed: 60, typ: "Story", container: "\u212Aelvin"}, // KELVIN SIGN
	{id: "s2", accessed: 50, typ: "ſTORY", container: "kelvin"},      // LATIN SMALL LETTER LONG S
	{id: "e1", accessed: 40, container: "Mail"},
}

var filterCases = []struct {
	desc string
	f    store.Filter
	want []string
}{
	{"none", store.Filter{}, []string{"w1", "w2", "x1", "p1", "s1", "s2", "e1"}},
	{"type", store.Filter{0: str("Word")}, []string{"w1", "w2"}},
	{"type upper", store.Filter{0: str("WORD")}, []string{"w1", "w2"}},
	{"type unicode folding", store.Filter{0: str("story")}, []string{"s1", "s2"}},
	{"container unicode folding", store.Filter{1: str("KELVIN")}, []string{"s1", "s2"}},
	{"container", store.Filter{1: str("onedrivebusiness")}, []string{"w1", "x1"}},
	{"reference", store.Filter{2: str("MICROSOFT.GRAPH.DRIVEITEM")}, []string{"w1", "w2", "x1"}},
	{"type and container", store.Filter{0: str("word"), 1: str("SITE")}, []string{"w2"}},
	{"type and reference", store.Filter{0: str("excel"), 2: str("microsoft.graph.driveitem")}, []string{"x1"}},
	{"all three", store.Filter{0: str("word"), 1: str("OneDriveBusiness"), 2: str("microsoft.graph.driveItem")}, []string{"w1"}},
	{"empty type", store.Filter{0: str("")}, []string{"e1"}},
	{"empty container", store.Filter{1: str("")}, []string{"p1"}},
	{"empty reference and container", store.Filter{1: str(""), 2: str("")}, []string{"p1"}},
	{"no match", store.Filter{0: str("Pdf")}, nil},
	{"prefix is no match", store.Filter{0: str("Wor")}, nil},
	{"trailing space is no match", store.Filter{0: str("Word ")}, nil},
	{"contradiction", store.Filter{0: str("Word"), 1: str("Mail")}, nil},
}

func testFilter(t *testing.T, s *bound) {
	create(t, s, "alice", filterSet...)
	create(t, s, "bob", rec{id: "w1", accessed: 100, typ: "Word"})
	for _, tt := range filterCases {
		for _, top := range []int{1, 3, 999} {
			got := listAll(t, s, "alice", store.Query{Filter: tt.f, Top: top})
			wantIDs(t, fmt.Sprintf("filter %s, top %d", tt.desc, top), got, tt.want)
		}
		want := slices.Clone(tt.want)
		slices.Reverse(want)
		got := listAll(t, s, "alice", store.Query{Filter: tt.f, Asc: true, Top: 2})
		wantIDs(t, fmt.Sprintf("filter %s, ascending", tt.desc), got, want)
	}
}

func testCount(t *testing.T, s *bound) {
	create(t, s, "alice", filterSet...)
	create(t, s, "bob", rec{id: "w1", accessed: 100, typ: "Word"}, rec{id: "b2", typ: "Word", container: "Site"})
	for _, tt := range filterCases {
		n, err := s.Count(context.Background(), "alice", tt.f)
		if n != len(tt.want) || err != nil {
			t.Errorf("Count(filter %s) = %d, %v; want %d", tt.desc, n, err, len(tt.want))
		}
	}
}

// pagingSet returns n records with many equal instants in both orders, absent modified
// times, and several values of each filtered field, created out of id order.
func pagingSet(n int) []rec {
	types := []string{"Word", "Excel", "word", "Pdf", "WORD"}
	containers := []string{"Site", "OneDriveBusiness", "site", ""}
	recs := make([]rec, n)
	for i := range recs {
		j := (i * 37) % n
		r := rec{
			id:        fmt.Sprintf("id-%03d", j),
			accessed:  int64((j * 7) % 13),
			modified:  int64((j * 11) % 17),
			typ:       types[j%len(types)],
			container: containers[j%len(containers)],
			ref:       "microsoft.graph.driveItem",
		}
		if j%5 == 0 {
			r.modified = none
		}
		recs[i] = r
	}
	return recs
}

func testPaging(t *testing.T, s *bound) {
	recs := pagingSet(60)
	create(t, s, "alice", recs...)
	create(t, s, "bob", pagingSet(7)...)
	filters := []struct {
		desc string
		f    store.Filter
	}{
		{"unfiltered", store.Filter{}},
		{"type", store.Filter{0: str("word")}},
		{"type and container", store.Filter{0: str("Word"), 1: str("SITE")}},
	}
	for _, o := range s.orders() {
		for _, f := range filters {
			for _, top := range []int{1, 2, 7, 999} {
				q := store.Query{Order: o.order, Asc: o.asc, Filter: f.f, Top: top}
				want := expectOrder(recs, q)
				if len(want) == 0 {
					t.Fatalf("%s %s: the data set has no matches", o.name, f.desc)
				}
				wantIDs(t, fmt.Sprintf("%s, %s, top %d", o.name, f.desc, top), listAll(t, s, "alice", q), want)
			}
		}
	}
}

func testTokens(t *testing.T, s *bound) {
	ctx := context.Background()
	create(t, s, "alice", pagingSet(12)...)
	create(t, s, "bob", pagingSet(12)...)
	word := store.Filter{0: str("Word")}
	first := func(q store.Query) string {
		t.Helper()
		p, err := s.List(ctx, "alice", q)
		if err != nil || p.Next == "" {
			t.Fatalf("List(alice, %+v) = Next %q, %v; want a Next", q, p.Next, err)
		}
		for i := 0; i < len(p.Next); i++ {
			if c := p.Next[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				t.Fatalf("token %q has %q, which is not URL-safe", p.Next, c)
			}
		}
		return p.Next
	}
	tok := first(store.Query{Top: 2})
	wordTok := first(store.Query{Top: 1, Filter: word})
	flip := []byte(tok)
	flip[len(flip)/2] ^= 'A' ^ 'B'
	if flip[len(flip)/2] == tok[len(tok)/2] {
		flip[len(flip)/2] = 'C'
	}
	tests := []struct {
		desc  string
		user  string
		q     store.Query
		token string
		ok    bool
	}{
		{"same query", "alice", store.Query{}, tok, true},
		{"same query, other top", "alice", store.Query{Top: 5}, tok, true},
		{"same filter", "alice", store.Query{Filter: word}, wordTok, true},
		{"same filter, other case", "alice", store.Query{Filter: store.Filter{0: str("WORD")}}, wordTok, true},
		{"other user", "bob", store.Query{}, tok, false},
		{"other order", "alice", store.Query{Order: 1}, tok, len(s.c.Orders) < 2}, // skipped below
		{"other direction", "alice", store.Query{Asc: true}, tok, false},
		{"filter added", "alice", store.Query{Filter: word}, tok, false},
		{"filter dropped", "alice", store.Query{}, wordTok, false},
		{"other filter value", "alice", store.Query{Filter: store.Filter{0: str("Excel")}}, wordTok, false},
		{"same value, other field", "alice", store.Query{Filter: store.Filter{1: str("Word")}}, wordTok, false},
		{"filter on another user", "bob", store.Query{Filter: word}, wordTok, false},
		{"truncated by one", "alice", store.Query{}, tok[:len(tok)-1], false},
		{"truncated by half", "alice", store.Query{}, tok[:len(tok)/2], false},
		{"extended", "alice", store.Query{}, tok + "AA", false},
		{"one character changed", "alice", store.Query{}, string(flip), false},
		{"padded", "alice", store.Query{}, tok + "=", false},
		{"garbage", "alice", store.Query{}, "!!!", false},
		{"short", "alice", store.Query{}, "A", false},
		{"zeros", "alice", store.Query{}, "AAAAAAAAAAAAAAAAAAAAAAAA", false},
		{"dots", "alice", store.Query{}, "..", false},
		{"huge", "alice", store.Query{}, strings.Repeat("A", 100_000), false},
	}
	for _, tt := range tests {
		if int(tt.q.Order) >= len(s.c.Orders) {
			continue
		}
		q := tt.q
		q.Token = tt.token
		q.Top = max(q.Top, 2)
		_, err := s.List(ctx, tt.user, q)
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s: List = %v, want the next page", tt.desc, err)
		case !tt.ok && !errors.Is(err, store.ErrBadToken):
			t.Errorf("%s: List = %v, want ErrBadToken", tt.desc, err)
		}
	}
}

// testTokenKeys: a page token is good on every store with the key it was made under, and on
// no other; a token forged without the key is ErrBadToken before the store looks at its
// payload, whatever the payload (the bug this guards against: a forged token carrying a
// garbage KV cursor made KV's list fail, a 503).
func testTokenKeys(t *testing.T, newStore func(*testing.T, *store.TokenKey) *bound) {
	ctx := context.Background()
	key, sameKey, otherKey := store.NewTokenKey("secret one"), store.NewTokenKey("secret one"), store.NewTokenKey("secret two")
	issuer, twin, foreign := newStore(t, key), newStore(t, sameKey), newStore(t, otherKey)
	for _, s := range []*bound{issuer, twin, foreign} {
		create(t, s, "alice", pagingSet(12)...)
	}
	q := store.Query{Top: 2, Filter: store.Filter{1: str("Site")}}
	p, err := issuer.List(ctx, "alice", q)
	if err != nil || p.Next == "" {
		t.Fatalf("List = Next %q, %v; want a Next", p.Next, err)
	}
	want, err := issuer.List(ctx, "alice", store.Query{Top: 2, Filter: q.Filter, Token: p.Next})
	if err != nil {
		t.Fatalf("next page: %v", err)
	}
	payload, err := key.DecodeToken(p.Next, issuer.sp("alice"), q)
	if err != nil {
		t.Fatalf("the store's token does not decode under its key: %v", err)
	}
	garbage := []byte("\x05\x00not a KV cursor \xff\x00")
	tests := []struct {
		desc  string
		s     *bound
		token string
		ok    bool
	}{
		{"same store", issuer, p.Next, true},
		// The same records but another store: the token is accepted, though where it resumes
		// in that store's list is the implementation's business (kvstore's key names differ).
		{"another store with the same key", twin, p.Next, true},
		{"a store with another key", foreign, p.Next, false},
		{"its payload signed with another key", issuer, otherKey.EncodeToken(issuer.sp("alice"), q, payload), false},
		{"its payload signed with the empty secret's key", issuer, store.NewTokenKey("").EncodeToken(issuer.sp("alice"), q, payload), false},
		{"a garbage payload signed with another key", issuer, otherKey.EncodeToken(issuer.sp("alice"), q, garbage), false},
		{"an empty payload signed with another key", issuer, otherKey.EncodeToken(issuer.sp("alice"), q, nil), false},
		{"its payload under the unkeyed version 1 check", issuer, tokenV1("alice", q, payload), false},
		{"a garbage payload under the unkeyed version 1 check", issuer, tokenV1("alice", q, garbage), false},
		{"bob's token with alice's payload", issuer, key.EncodeToken(issuer.sp("bob"), q, payload), false},
		{"another collection's token with this payload", issuer, key.EncodeToken(store.Space{Collection: otherCollection(issuer.c), User: "alice"}, q, payload), false},
	}
	for _, tt := range tests {
		got, err := tt.s.List(ctx, "alice", store.Query{Top: 2, Filter: q.Filter, Token: tt.token})
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s: List = %v, want the next page", tt.desc, err)
		case tt.ok && tt.s == issuer && !slices.Equal(ids(got.Records), ids(want.Records)):
			t.Errorf("%s: page %v, want %v", tt.desc, ids(got.Records), ids(want.Records))
		case !tt.ok && !errors.Is(err, store.ErrBadToken):
			t.Errorf("%s: List = %v, want ErrBadToken", tt.desc, err)
		}
	}
}

// otherCollection returns a collection other than c.
func otherCollection(c *resource.Collection) *resource.Collection {
	if c == resource.Used {
		return resource.Shared
	}
	return resource.Used
}

// tokenV1 forges a token by the first, unkeyed format: version 1, the first 8 bytes of a
// SHA-256 that anyone can compute, the payload.
func tokenV1(user string, q store.Query, payload []byte) string {
	h := sha256.New()
	str := func(s string) {
		h.Write(binary.AppendUvarint(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	str("usedinsight page token")
	asc := byte(0)
	if q.Asc {
		asc = 1
	}
	h.Write([]byte{1, byte(q.Order), asc})
	str(user)
	for _, f := range q.Filter {
		if f == nil {
			h.Write([]byte{0})
			continue
		}
		h.Write([]byte{1})
		str(store.Fold(*f))
	}
	h.Write(payload)
	b := append([]byte{1}, h.Sum(nil)[:8]...)
	return base64.RawURLEncoding.EncodeToString(append(b, payload...))
}

// errChange is the error of a change that fails, as the API's does when the merged record is
// not valid.
var errChange = errors.New("storetest: the change fails")

// testUpdate: Update reads the record once, hands it to change and stores what change returns,
// or stores nothing; either way Get, List in every order and Count agree.
func testUpdate(t *testing.T, s *bound) {
	ctx := context.Background()
	// x is in the middle of every order; moved puts it first in some, last in others, with
	// other filter fields.
	x := rec{id: "x", accessed: 20, modified: 20, typ: "Word", container: "Site", ref: "microsoft.graph.driveItem"}
	moved := rec{id: "x", accessed: 40, modified: 5, typ: "Pdf", container: "Mail", ref: "microsoft.graph.message"}
	others := []rec{
		{id: "a", accessed: 10, modified: 30, typ: "Excel", container: "Site"},
		{id: "b", accessed: 30, modified: 10, typ: "Pdf", container: "OneDriveBusiness"},
	}
	tests := []struct {
		desc       string
		otherUser  bool // the Update is addressed to a user who has no records
		id         string
		change     func(old store.Record) (store.Record, error)
		wantErr    error
		wantCalled bool
		wantX      rec // x afterwards,
		wantXv     int // in this version
	}{
		{desc: "missing id", id: "y", change: to(rec{id: "y"}.record(2)), wantErr: store.ErrNotFound, wantX: x, wantXv: 1},
		{desc: "id in another case", id: "X", change: to(rec{id: "X"}.record(2)), wantErr: store.ErrNotFound, wantX: x, wantXv: 1},
		{desc: "another user's id", otherUser: true, id: "x", change: to(moved.record(2)), wantErr: store.ErrNotFound, wantX: x, wantXv: 1},
		{desc: "change fails", id: "x", change: func(old store.Record) (store.Record, error) {
			old.JSON[0] = 'X' // its copy is its own
			return moved.record(2), errChange
		}, wantErr: errChange, wantCalled: true, wantX: x, wantXv: 1},
		{desc: "change returns another id", id: "x", change: to(rec{id: "y", accessed: 40}.record(2)), wantErr: store.ErrIDChanged, wantCalled: true, wantX: x, wantXv: 1},
		{desc: "change moves the record", id: "x", change: to(moved.record(2)), wantCalled: true, wantX: moved, wantXv: 2},
		{desc: "change keeps the keys", id: "x", change: to(x.record(2)), wantCalled: true, wantX: x, wantXv: 2},
		{desc: "change returns the record it read", id: "x", change: func(old store.Record) (store.Record, error) { return old, nil }, wantCalled: true, wantX: x, wantXv: 1},
	}
	for i, tt := range tests {
		user := fmt.Sprint("user", i)
		create(t, s, user, append([]rec{x}, others...)...)
		target := user
		if tt.otherUser {
			target = user + "'s neighbour"
		}
		calls := 0
		err := s.Update(ctx, target, tt.id, func(old store.Record) (store.Record, error) {
			calls++
			sameRecord(t, tt.desc+": the record change is given", old, x.record(1))
			return tt.change(old)
		})
		if !errors.Is(err, tt.wantErr) || tt.wantErr == errChange && err != errChange {
			t.Errorf("%s: Update = %v, want %v", tt.desc, err, tt.wantErr)
		}
		if called := calls > 0; called != tt.wantCalled || calls > 1 {
			t.Errorf("%s: change called %d times, want called: %v", tt.desc, calls, tt.wantCalled)
		}
		got, err := s.Get(ctx, user, "x")
		if err != nil {
			t.Fatalf("%s: Get: %v", tt.desc, err)
		}
		sameRecord(t, tt.desc+": Get", got, tt.wantX.record(tt.wantXv))
		recs := append([]rec{tt.wantX}, others...)
		for _, o := range s.orders() {
			for _, f := range []store.Filter{{}, {0: str("word")}, {0: str("pdf")}, {1: str("site")}, {1: str("mail")}, {2: str("microsoft.graph.driveItem")}} {
				q := store.Query{Order: o.order, Asc: o.asc, Top: 2, Filter: f}
				what := fmt.Sprintf("%s: %s, filter %+v", tt.desc, o.name, f)
				list := listAll(t, s, user, q)
				wantIDs(t, what, list, expectOrder(recs, q))
				for _, r := range list {
					if r.ID == "x" {
						sameRecord(t, what+": x listed", r, tt.wantX.record(tt.wantXv))
					}
				}
				if n, err := s.Count(ctx, user, f); n != len(expectOrder(recs, q)) || err != nil {
					t.Errorf("%s: Count = %d, %v; want %d", what, n, err, len(expectOrder(recs, q)))
				}
			}
		}
		if tt.otherUser {
			if _, err := s.Get(ctx, target, "x"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: the other user has x: %v", tt.desc, err)
			}
		}
		if _, err := s.Get(ctx, user, "y"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: Get(y) = %v, want ErrNotFound", tt.desc, err)
		}
	}
}

func testUpdateMoves(t *testing.T, s *bound) {
	ctx := context.Background()
	recs := pagingSet(20)
	create(t, s, "alice", recs...)
	// Move three records: to the front, to the back, into a tie; one also changes every field.
	moves := map[string]rec{
		"id-003": {id: "id-003", accessed: 1000, modified: -1000, typ: "Pdf", container: "Mail", ref: "x"},
		"id-010": {id: "id-010", accessed: -1000, modified: 1000, typ: "Word", container: "Site", ref: "microsoft.graph.driveItem"},
		"id-017": {id: "id-017", accessed: recs[0].accessed, modified: none, typ: "Excel", container: "", ref: "microsoft.graph.driveItem"},
	}
	for i, r := range recs {
		if m, ok := moves[r.id]; ok {
			if err := s.Update(ctx, "alice", r.id, to(m.record(2))); err != nil {
				t.Fatalf("Update(%s): %v", r.id, err)
			}
			recs[i] = m
		}
	}
	for _, o := range s.orders() {
		for _, top := range []int{1, 6, 999} {
			for _, f := range []store.Filter{{}, {0: str("pdf")}, {0: str("word")}, {1: str("")}} {
				q := store.Query{Order: o.order, Asc: o.asc, Top: top, Filter: f}
				wantIDs(t, fmt.Sprintf("%s, top %d, filter %+v", o.name, top, f), listAll(t, s, "alice", q), expectOrder(recs, q))
			}
		}
	}
	for _, tt := range []struct {
		f    store.Filter
		want int
	}{
		{store.Filter{}, 20},
		{store.Filter{0: str("pdf")}, len(expectOrder(recs, store.Query{Filter: store.Filter{0: str("pdf")}}))},
		{store.Filter{1: str("mail")}, 1},
		{store.Filter{2: str("X")}, 1},
	} {
		if n, err := s.Count(ctx, "alice", tt.f); n != tt.want || err != nil {
			t.Errorf("Count(%+v) after Update = %d, %v; want %d", tt.f, n, err, tt.want)
		}
	}
	got, err := s.Get(ctx, "alice", "id-003")
	if err != nil {
		t.Fatal(err)
	}
	sameRecord(t, "updated record", got, moves["id-003"].record(2))
	// Updating to identical keys keeps the record where it is, once.
	for range 2 {
		if err := s.Update(ctx, "alice", "id-010", to(moves["id-010"].record(3))); err != nil {
			t.Fatal(err)
		}
	}
	q := store.Query{Top: 4}
	wantIDs(t, "after updating to the same keys", listAll(t, s, "alice", q), expectOrder(recs, q))
}

func testDeleteRemoves(t *testing.T, s *bound) {
	ctx := context.Background()
	recs := pagingSet(20)
	create(t, s, "alice", recs...)
	gone := map[string]bool{"id-000": true, "id-007": true, "id-019": true}
	for id := range gone {
		if err := s.Delete(ctx, "alice", id); err != nil {
			t.Fatalf("Delete(%s): %v", id, err)
		}
		if err := s.Delete(ctx, "alice", id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second Delete(%s) = %v, want ErrNotFound", id, err)
		}
		if _, err := s.Get(ctx, "alice", id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get(%s) after Delete = %v, want ErrNotFound", id, err)
		}
	}
	recs = slices.DeleteFunc(recs, func(r rec) bool { return gone[r.id] })
	for _, o := range s.orders() {
		for _, f := range []store.Filter{{}, {0: str("WORD")}} {
			q := store.Query{Order: o.order, Asc: o.asc, Top: 3, Filter: f}
			wantIDs(t, fmt.Sprintf("%s, filter %+v", o.name, f), listAll(t, s, "alice", q), expectOrder(recs, q))
			if n, err := s.Count(ctx, "alice", f); n != len(expectOrder(recs, q)) || err != nil {
				t.Errorf("Count(%+v) after Delete = %d, %v; want %d", f, n, err, len(expectOrder(recs, q)))
			}
		}
	}
}

func testConcurrentCreates(t *testing.T, s *bound) {
	ctx := context.Background()
	const workers, perWorker = 16, 19 // 304 records
	var recs []rec
	for w := range workers {
		for i := range perWorker {
			recs = append(recs, rec{id: fmt.Sprintf("w%02d-%02d", w, i), accessed: int64(i % 4), modified: int64(w % 3), typ: []string{"Word", "Excel"}[i%2]})
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(recs)+workers)
	for w := range workers {
		wg.Go(func() {
			for _, r := range recs[w*perWorker : (w+1)*perWorker] {
				if err := s.Create(ctx, "alice", r.record(1)); err != nil {
					errs <- fmt.Errorf("Create(%s): %w", r.id, err)
				}
			}
		})
	}
	// Readers run alongside the writers.
	for range 2 {
		wg.Go(func() {
			for range 5 {
				if _, err := s.List(ctx, "alice", store.Query{Top: 50}); err != nil {
					errs <- fmt.Errorf("List during creates: %w", err)
				}
				if _, err := s.Count(ctx, "alice", store.Filter{0: str("word")}); err != nil {
					errs <- fmt.Errorf("Count during creates: %w", err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, top := range []int{999, 7} {
		q := store.Query{Top: top}
		wantIDs(t, fmt.Sprintf("list after concurrent creates, top %d", top), listAll(t, s, "alice", q), expectOrder(recs, q))
	}
	if n, err := s.Count(ctx, "alice", store.Filter{}); n != len(recs) || err != nil {
		t.Errorf("Count = %d, %v; want %d", n, err, len(recs))
	}
	word := store.Filter{0: str("word")}
	if n, want := len(expectOrder(recs, store.Query{Filter: word})), 16*10; n != want {
		t.Fatalf("the data set has %d Word records, want %d", n, want)
	}
	if n, err := s.Count(ctx, "alice", word); n != 160 || err != nil {
		t.Errorf("Count(word) = %d, %v; want 160", n, err)
	}
}

// testConcurrentUpdates: Updates of one record racing each other, and readers, leave it
// listed once in every order, where its stored version puts it.
func testConcurrentUpdates(t *testing.T, s *bound) {
	ctx := context.Background()
	recs := pagingSet(12)
	create(t, s, "alice", recs...)
	const workers, perWorker = 8, 6
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker+4*5)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				r := rec{id: "id-005", accessed: int64(w*perWorker + i - 20), modified: int64(i - w), typ: []string{"Word", "Excel", "Pdf"}[(w+i)%3], container: []string{"Site", "Mail"}[w%2]}
				err := s.Update(ctx, "alice", "id-005", func(old store.Record) (store.Record, error) {
					if old.ID != "id-005" {
						return store.Record{}, fmt.Errorf("change given %q", old.ID)
					}
					return r.record(2 + w*perWorker + i), nil
				})
				if err != nil {
					errs <- fmt.Errorf("Update(worker %d, %d): %w", w, i, err)
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range 5 {
				if _, err := s.List(ctx, "alice", store.Query{Top: 5}); err != nil {
					errs <- fmt.Errorf("List during updates: %w", err)
				}
				if _, err := s.Count(ctx, "alice", store.Filter{0: str("word")}); err != nil {
					errs <- fmt.Errorf("Count during updates: %w", err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := s.Get(ctx, "alice", "id-005")
	if err != nil {
		t.Fatal(err)
	}
	k := got.Keys
	final := rec{id: "id-005", accessed: k.Orders[0], modified: k.Orders[1], typ: k.Fields[0], container: k.Fields[1], ref: k.Fields[2]}
	for i := range recs {
		if recs[i].id == final.id {
			recs[i] = final
		}
	}
	for _, o := range s.orders() {
		for _, f := range []store.Filter{{}, {0: str(final.typ)}, {1: str(final.container)}} {
			q := store.Query{Order: o.order, Asc: o.asc, Top: 3, Filter: f}
			list := listAll(t, s, "alice", q)
			wantIDs(t, fmt.Sprintf("%s, filter %+v, after concurrent updates", o.name, f), list, expectOrder(recs, q))
			for _, r := range list {
				if r.ID == final.id {
					sameRecord(t, "the updated record listed", r, got)
				}
			}
			if n, err := s.Count(ctx, "alice", f); n != len(expectOrder(recs, q)) || err != nil {
				t.Errorf("Count(%+v) after concurrent updates = %d, %v; want %d", f, n, err, len(expectOrder(recs, q)))
			}
		}
	}
}

// testCollections: one user's records in one collection are invisible in every other, under
// the same ids, and a page token of one collection is ErrBadToken in the others.
func testCollections(t *testing.T, s store.Store) {
	ctx := context.Background()
	space := func(c *resource.Collection) store.Space { return store.Space{Collection: c, User: "alice"} }
	for i, c := range resource.Collections {
		for j := range 3 {
			r := rec{id: fmt.Sprint("x", j), accessed: int64(i), typ: "Word"}.record(i + 1)
			if err := s.Create(ctx, space(c), r); err != nil {
				t.Fatalf("Create(%s, x%d): %v", c.Name, j, err)
			}
		}
	}
	tokens := make(map[string]string)
	for i, c := range resource.Collections {
		got, err := s.Get(ctx, space(c), "x0")
		if err != nil {
			t.Fatalf("Get(%s): %v", c.Name, err)
		}
		sameRecord(t, c.Name+"'s x0", got, rec{id: "x0", accessed: int64(i), typ: "Word"}.record(i+1))
		p, err := s.List(ctx, space(c), store.Query{Top: 2})
		if err != nil || len(p.Records) != 2 || p.Next == "" {
			t.Fatalf("List(%s) = %d records, Next %q, %v; want 2 and a Next", c.Name, len(p.Records), p.Next, err)
		}
		for _, r := range p.Records {
			if r.Keys.Orders[0] != int64(i) {
				t.Errorf("List(%s) returns %s of another collection", c.Name, r.JSON)
			}
		}
		tokens[c.Name] = p.Next
		if n, err := s.Count(ctx, space(c), store.Filter{str("word")}); n != 3 || err != nil {
			t.Errorf("Count(%s) = %d, %v; want 3", c.Name, n, err)
		}
	}
	for _, c := range resource.Collections {
		for name, tok := range tokens {
			_, err := s.List(ctx, space(c), store.Query{Top: 2, Token: tok})
			if ok := name == c.Name; ok != (err == nil) || !ok && !errors.Is(err, store.ErrBadToken) {
				t.Errorf("List(%s) with a token of %s: %v", c.Name, name, err)
			}
		}
	}
	// Deleting used's x0 leaves the others'.
	if err := s.Delete(ctx, space(resource.Used), "x0"); err != nil {
		t.Fatal(err)
	}
	for _, c := range resource.Collections[1:] {
		if _, err := s.Get(ctx, space(c), "x0"); err != nil {
			t.Errorf("Get(%s, x0) after used's was deleted: %v", c.Name, err)
		}
		if err := s.Update(ctx, space(c), "x1", to(rec{id: "x1", accessed: 99}.record(9))); err != nil {
			t.Errorf("Update(%s, x1): %v", c.Name, err)
		}
	}
	if got, err := s.Get(ctx, space(resource.Used), "x1"); err != nil || got.Keys.Orders[0] != 0 {
		t.Errorf("used's x1 after the others were updated = %+v, %v", got.Keys, err)
	}
	if _, err := s.List(ctx, space(resource.Shared), store.Query{Order: 1, Top: 2}); !errors.Is(err, store.ErrBadQuery) {
		t.Errorf("List(shared) by a second order = %v, want ErrBadQuery", err)
	}
}
