package kvstore

// The KV layout. Workers KV has no transactions, no compare-and-set and lists keys in
// ascending byte order only, so every fact the store needs lives in a key NAME or in a value
// that exactly one record owns; no value shared between records is ever read, modified and
// written back (Update rewrites one record's own primary, and the last write wins).
//
// Per collection and user, under a prefix derived from the user name (names are arbitrary
// strings):
//
//	<c>/<U>/r/<sid>                            primary: the record (value below); the truth
//	<c>/<U>/<fam>/<t>/<sid>!<nonce><h0><h1><h2> index: one per order and direction; value "1"
//
//	<c>     the collection's key space: u (used; its keys predate the others), t (trending),
//	        s (shared)
//	<U>     22 chars: base64url of the first 16 bytes of SHA-256("usedinsight user\x00" + user)
//	<sid>   store.SortID(id): the id itself for ids of at most 384 characters, otherwise a
//	        prefix, "+" and a hash; at most 417 bytes of A-Z a-z 0-9 - _ . ~ +
//	<fam>   two letters, an order and a direction (d desc, a asc): used ad, aa, md, ma
//	        (lastAccessed, lastModified); trending wd, wa, md, ma (weight, lastModified);
//	        shared sd, sa (lastShared.sharedDateTime)
//	<t>     16 lower-case hex digits: the order key (store.Keys.Orders) with the sign bit
//	        flipped (so unsigned order is numeric order), all bits inverted in the desc families
//	!       ends <sid>; it sorts below every <sid> byte, so equal keys list by SortID
//	<nonce> 8 chars: 6 random bytes, base64url, new on every Create and Update
//	<h0><h1><h2> 11 chars each: base64url of the first 8 bytes of SHA-256("usedinsight
//	        field\x00" + store.Fold(v)) of the filter fields (store.Keys.Fields): used and
//	        trending type, containerType, reference type; shared type, containerType,
//	        lastShared.sharedBy.address
//
// The longest index key is 28 + 17 + 417 + 42 = 504 bytes, within KV's 512.
//
// Every order the API accepts, in both directions, has its family: KV lists ascending only,
// so a direction without one could not be served in a bounded number of operations.
//
// The primary value is UTF-8 text (when the record's strings are):
//
//	v1 <nonce> <order 0> <order 1> <len id> <len field 0> <len field 1> <len field 2>\n
//	<id><field 0><field 1><field 2><record JSON>
//
// (shared has one order; its order 1 is always store.MinTicks.)
//
// An index key is valid when it is exactly the key its family would have for the current
// primary value (same order key, SortID, nonce and field hashes); anything else is stale and
// lists skip it. Writes put the index keys first and the primary last, so the primary Put
// is the commit point: a crash before it leaves only index keys that point at nothing (or at
// the old version), which lists skip and counts ignore, and never a record that Get or Count
// sees but List does not. Update and Delete remove the index keys of the version they read
// after the primary is written or deleted. Because the nonce is new on every write, a writer only ever
// deletes keys of a version that is no longer (or is about to stop being) the primary, so two
// writers racing on one record cannot delete the keys of the version that wins.

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/usedinsight/usedinsight/internal/random"
	"github.com/usedinsight/usedinsight/internal/resource"
	"github.com/usedinsight/usedinsight/internal/store"
)

// indexValue is the value of every index key; it is never read.
var indexValue = []byte("1")

// family is one index key family: order index*2, plus 1 when ascending.
type family uint8

// ascFamily is the family of the first order ascending; Count reads it.
const ascFamily family = 1

func familyOf(o store.Order, asc bool) family {
	f := family(o) * 2
	if asc {
		f++
	}
	return f
}

// scheme is the key space of one collection: its first key segment and its family tags, in
// family order.
type scheme struct {
	tag      string
	families []string
}

// schemes has one entry per collection of resource.Collections (a test checks it).
var schemes = map[string]scheme{
	resource.Used.Name:          {"u", []string{"ad", "aa", "md", "ma"}},
	resource.TrendingItems.Name: {"t", []string{"wd", "wa", "md", "ma"}},
	resource.Shared.Name:        {"s", []string{"sd", "sa"}},
}

const (
	userHashLen  = 22 // base64url of 16 bytes
	tickLen      = 16
	nonceLen     = 8 // base64url of 6 bytes
	fieldHashLen = 11
	// tailLen is the fixed-width end of an index key: "!", nonce and three field hashes.
	tailLen = 1 + nonceLen + 3*fieldHashLen
)

var b64 = base64.RawURLEncoding

// layout names the keys of one space.
type layout struct {
	prefix   string
	families []string
}

func spaceLayout(sp store.Space) layout {
	sc, ok := schemes[sp.Collection.Name]
	if !ok || len(sc.families) != 2*len(sp.Collection.Orders) {
		panic("kvstore: no key space for collection " + sp.Collection.Name)
	}
	sum := sha256.Sum256([]byte("usedinsight user\x00" + sp.User))
	return layout{sc.tag + "/" + b64.EncodeToString(sum[:16]) + "/", sc.families}
}

func (l layout) primaryPrefix() string             { return l.prefix + "r/" }
func (l layout) primary(sortID string) string      { return l.prefix + "r/" + sortID }
func (l layout) familyPrefix(f family) string      { return l.prefix + l.families[f] + "/" }
func (l layout) sortIDOfPrimary(key string) string { return key[len(l.prefix)+2:] }

// index returns the key of the record in family f.
func (l layout) index(f family, r stored) string { return l.indexWith(f, r, recordHashes(r)) }

// indexWith returns the key of the record in family f, given its recordHashes.
func (l layout) indexWith(f family, r stored, hashes string) string {
	u := uint64(r.rec.Keys.Orders[f/2]) ^ 1<<63
	if f%2 == 0 { // descending
		u = ^u
	}
	sid := store.SortID(r.rec.ID)
	var b strings.Builder
	b.Grow(len(l.prefix) + 3 + tickLen + 1 + len(sid) + tailLen)
	b.WriteString(l.prefix)
	b.WriteString(l.families[f])
	b.WriteByte('/')
	var ticks [8]byte
	var hexTicks [tickLen]byte
	binary.BigEndian.PutUint64(ticks[:], u)
	hex.Encode(hexTicks[:], ticks[:])
	b.Write(hexTicks[:])
	b.WriteByte('/')
	b.WriteString(sid)
	b.WriteByte('!')
	b.WriteString(r.nonce)
	b.WriteString(hashes)
	return b.String()
}

// recordHashes is the end of the record's index keys: the hashes of its filter fields.
func recordHashes(r stored) string {
	f := &r.rec.Keys.Fields
	return fieldHash(f[0]) + fieldHash(f[1]) + fieldHash(f[2])
}

// indexes returns the record's key in every family.
func (l layout) indexes(r stored) []string {
	hashes := recordHashes(r)
	keys := make([]string, len(l.families))
	for f := range keys {
		keys[f] = l.indexWith(family(f), r, hashes)
	}
	return keys
}

// indexKey is an index key taken apart; ok is false when the name is not one.
type indexKey struct {
	sortID, hashes string
}

func parseIndex(familyPrefix, key string) (k indexKey, ok bool) {
	rest, found := strings.CutPrefix(key, familyPrefix)
	if !found || len(rest) < tickLen+1+tailLen || rest[tickLen] != '/' || rest[len(rest)-tailLen] != '!' {
		return indexKey{}, false
	}
	return indexKey{sortID: rest[tickLen+1 : len(rest)-tailLen], hashes: rest[len(rest)-3*fieldHashLen:]}, true
}

// fieldHash returns a field's hash in index key names. (A variable, so tests can make
// hashes collide.) The same few values (types, container types) recur in most records, so
// the hashes of recent values are remembered.
var fieldHash = memoize(func(v string) string {
	sum := sha256.Sum256([]byte("usedinsight field\x00" + store.Fold(v)))
	return b64.EncodeToString(sum[:8])
})

// memoize remembers up to 256 results of f, a pure function; safe for concurrent use.
func memoize(f func(string) string) func(string) string {
	var mu sync.Mutex
	m := make(map[string]string)
	return func(v string) string {
		mu.Lock()
		h, ok := m[v]
		mu.Unlock()
		if ok {
			return h
		}
		h = f(v)
		mu.Lock()
		if len(m) >= 256 {
			clear(m)
		}
		m[strings.Clone(v)] = h
		mu.Unlock()
		return h
	}
}

// nameFilter is a store.Filter as field hashes: it matches index key names, with the false
// positives of a 64-bit hash, which readers remove by checking the record.
type nameFilter [resource.MaxFilters]string // "" for a field the filter does not restrict

func nameFilterOf(f store.Filter) (nf nameFilter, any bool) {
	for i, v := range f {
		if v != nil {
			nf[i], any = fieldHash(*v), true
		}
	}
	return nf, any
}

func (nf nameFilter) match(hashes string) bool {
	for i, h := range nf {
		if h != "" && hashes[i*fieldHashLen:(i+1)*fieldHashLen] != h {
			return false
		}
	}
	return true
}

func newNonce() string {
	var b [6]byte
	random.Read(b[:])
	return b64.EncodeToString(b[:])
}

// stored is a primary value: the record and the nonce of the write that stored it.
type stored struct {
	rec   store.Record
	nonce string
}

const valueVersion = "v1"

func (s stored) encode() []byte {
	k := s.rec.Keys
	b := make([]byte, 0, 64+len(s.rec.ID)+len(k.Fields[0])+len(k.Fields[1])+len(k.Fields[2])+len(s.rec.JSON))
	b = append(b, valueVersion...)
	b = append(b, ' ')
	b = append(b, s.nonce...)
	for _, n := range []int64{k.Orders[0], k.Orders[1], int64(len(s.rec.ID)), int64(len(k.Fields[0])), int64(len(k.Fields[1])), int64(len(k.Fields[2]))} {
		b = append(b, ' ')
		b = strconv.AppendInt(b, n, 10)
	}
	b = append(b, '\n')
	b = append(b, s.rec.ID...)
	b = append(b, k.Fields[0]...)
	b = append(b, k.Fields[1]...)
	b = append(b, k.Fields[2]...)
	return append(b, s.rec.JSON...)
}

var errCorrupt = errors.New("kvstore: corrupt record value")

// maxHeader bounds the first line of a primary value: 8 fields of at most 20 bytes.
const maxHeader = 8 * 21

// decodeStored parses a primary value. The record's JSON aliases b.
func decodeStored(b []byte) (stored, error) {
	end := bytes.IndexByte(b[:min(len(b), maxHeader)], '\n')
	if end < 0 {
		return stored{}, errCorrupt
	}
	f := strings.Split(string(b[:end]), " ")
	if len(f) != 8 || f[0] != valueVersion || len(f[1]) != nonceLen {
		return stored{}, errCorrupt
	}
	rest := b[end+1:]
	var n [6]int64
	for i := range n {
		v, err := strconv.ParseInt(f[2+i], 10, 64)
		if err != nil || i >= 2 && (v < 0 || v > int64(len(rest))) {
			return stored{}, errCorrupt
		}
		n[i] = v
	}
	if n[2]+n[3]+n[4]+n[5] > int64(len(rest)) {
		return stored{}, errCorrupt
	}
	take := func(n int64) string {
		s := string(rest[:n])
		rest = rest[n:]
		return s
	}
	s := stored{nonce: f[1]}
	s.rec.ID = take(n[2])
	s.rec.Keys = store.Keys{Orders: [store.MaxOrders]int64{n[0], n[1]}, Fields: [resource.MaxFilters]string{take(n[3]), take(n[4]), take(n[5])}}
	s.rec.JSON = rest
	return s, nil
}
