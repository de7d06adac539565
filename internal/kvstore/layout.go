package kvstore

// The KV layout. Workers KV has no transactions, no compare-and-set and lists keys in
// ascending byte order only, so every fact the store needs lives in a key NAME or in a value
// that exactly one record owns; nothing is ever read, modified and written back.
//
// Per user, under a prefix derived from the user name (names are arbitrary strings):
//
//	u/<U>/r/<sid>                            primary: the record (value below); the truth
//	u/<U>/<fam>/<t>/<sid>!<nonce><ht><hc><hr> index: one per order and direction; value "1"
//
//	<U>     22 chars: base64url of the first 16 bytes of SHA-256("usedinsight user\x00" + user)
//	<sid>   store.SortID(id): the id itself for ids of at most 384 characters, otherwise a
//	        prefix, "+" and a hash; at most 417 bytes of A-Z a-z 0-9 - _ . ~ +
//	<fam>   ad, aa, md, ma: lastAccessed desc/asc, lastModified desc/asc
//	<t>     16 lower-case hex digits: the order key's ticks with the sign bit flipped (so
//	        unsigned order is numeric order), all bits inverted in the desc families
//	!       ends <sid>; it sorts below every <sid> byte, so equal instants list by SortID
//	<nonce> 8 chars: 6 random bytes, base64url, new on every Create and Replace
//	<ht><hc><hr> 11 chars each: base64url of the first 8 bytes of SHA-256("usedinsight
//	        field\x00" + store.Fold(v)) of the type, containerType and reference type
//
// The longest index key is 28 + 17 + 417 + 42 = 504 bytes, within KV's 512.
//
// The primary value is UTF-8 text (when the record's strings are):
//
//	v1 <nonce> <accessed> <modified> <len id> <len type> <len containerType> <len refType>\n
//	<id><type><containerType><refType><record JSON>
//
// An index key is valid when it is exactly the key its family would have for the current
// primary value (same ticks, SortID, nonce and field hashes); anything else is stale and
// lists skip it. Writes put the index keys first and the primary last, so the primary Put
// is the commit point: a crash before it leaves only index keys that point at nothing (or at
// the old version), which lists skip and counts ignore, and never a record that Get or Count
// sees but List does not. Replace and Delete remove the old version's index keys after the
// primary is written or deleted. Because the nonce is new on every write, a writer only ever
// deletes keys of a version that is no longer (or is about to stop being) the primary, so two
// writers racing on one record cannot delete the keys of the version that wins.

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/usedinsight/usedinsight/internal/store"
)

// indexValue is the value of every index key; it is never read.
var indexValue = []byte("1")

// family is one index key family: an order and a direction.
type family uint8

const (
	accessedDesc family = iota
	accessedAsc
	modifiedDesc
	modifiedAsc
	families
)

var familyTags = [families]string{"ad", "aa", "md", "ma"}

func familyOf(o store.Order, asc bool) family {
	f := accessedDesc
	if o == store.ByModified {
		f = modifiedDesc
	}
	if asc {
		f++
	}
	return f
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

// layout names the keys of one user.
type layout struct{ prefix string }

func userLayout(user string) layout {
	sum := sha256.Sum256([]byte("usedinsight user\x00" + user))
	return layout{"u/" + b64.EncodeToString(sum[:16]) + "/"}
}

func (l layout) primaryPrefix() string             { return l.prefix + "r/" }
func (l layout) primary(sortID string) string      { return l.prefix + "r/" + sortID }
func (l layout) familyPrefix(f family) string      { return l.prefix + familyTags[f] + "/" }
func (l layout) sortIDOfPrimary(key string) string { return key[len(l.prefix)+2:] }

// index returns the key of the record in family f.
func (l layout) index(f family, r stored) string { return l.indexWith(f, r, recordHashes(r)) }

// indexWith returns the key of the record in family f, given its recordHashes.
func (l layout) indexWith(f family, r stored, hashes string) string {
	t := r.rec.Keys.Accessed
	if f >= modifiedDesc {
		t = r.rec.Keys.Modified
	}
	u := uint64(t) ^ 1<<63
	if f == accessedDesc || f == modifiedDesc {
		u = ^u
	}
	sid := store.SortID(r.rec.ID)
	var b strings.Builder
	b.Grow(len(l.prefix) + 3 + tickLen + 1 + len(sid) + tailLen)
	b.WriteString(l.prefix)
	b.WriteString(familyTags[f])
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

// recordHashes is the end of the record's index keys: the hashes of its type, containerType
// and reference type.
func recordHashes(r stored) string {
	return fieldHash(r.rec.Keys.Type) + fieldHash(r.rec.Keys.ContainerType) + fieldHash(r.rec.Keys.ReferenceType)
}

// indexes returns the record's key in every family.
func (l layout) indexes(r stored) []string {
	hashes := recordHashes(r)
	keys := make([]string, families)
	for f := range families {
		keys[f] = l.indexWith(f, r, hashes)
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
type nameFilter [3]string // "" for a field the filter does not restrict

func nameFilterOf(f store.Filter) (nf nameFilter, any bool) {
	for i, v := range []*string{f.Type, f.ContainerType, f.ReferenceType} {
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
	rand.Read(b[:])
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
	b := make([]byte, 0, 64+len(s.rec.ID)+len(k.Type)+len(k.ContainerType)+len(k.ReferenceType)+len(s.rec.JSON))
	b = append(b, valueVersion...)
	b = append(b, ' ')
	b = append(b, s.nonce...)
	for _, n := range []int64{k.Accessed, k.Modified, int64(len(s.rec.ID)), int64(len(k.Type)), int64(len(k.ContainerType)), int64(len(k.ReferenceType))} {
		b = append(b, ' ')
		b = strconv.AppendInt(b, n, 10)
	}
	b = append(b, '\n')
	b = append(b, s.rec.ID...)
	b = append(b, k.Type...)
	b = append(b, k.ContainerType...)
	b = append(b, k.ReferenceType...)
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
	s.rec.Keys = store.Keys{Accessed: n[0], Modified: n[1], Type: take(n[3]), ContainerType: take(n[4]), ReferenceType: take(n[5])}
	s.rec.JSON = rest
	return s, nil
}
