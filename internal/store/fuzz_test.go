package store

import (
	"errors"
	"strings"
	"testing"
)

// fuzzQuery makes the query a fuzz input describes: bit 0 orders by lastModified, bit 1
// ascends, bits 2 to 4 filter the type, container type and reference type on value.
func fuzzQuery(bits uint8, value string) Query {
	q := Query{Order: Order(bits & 1), Asc: bits&2 != 0}
	for i := range q.Filter {
		if bits&(4<<i) != 0 {
			q.Filter[i] = &value
		}
	}
	return q
}

// sameBinding reports whether a token for (user, q) must be good for (user2, q2): the same
// user, order and direction, and the same filter fields with equal values under case folding.
func sameBinding(user string, q Query, user2 string, q2 Query) bool {
	if user != user2 || q.Order != q2.Order || q.Asc != q2.Asc {
		return false
	}
	a, b := q.Filter, q2.Filter
	for i := range a {
		if (a[i] == nil) != (b[i] == nil) || a[i] != nil && !strings.EqualFold(*a[i], *b[i]) {
			return false
		}
	}
	return true
}

const base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// FuzzToken checks the page-token codec on two kinds of input.
//
// token, decoded for (user, query bits, filter value): DecodeToken never panics, and a token it
// accepts is exactly the one EncodeToken makes for that binding and payload (so no other
// spelling of a token passes, and a forged one would need the key).
//
// payload, encoded for that binding: the token is URL-safe and decodes to the payload; edited
// in one character (edit picks where and what), truncated or extended it is ErrBadToken;
// it is ErrBadToken for every other user, order, direction and filter, good for the same
// filter values in another case, and ErrBadToken under another key.
func FuzzToken(f *testing.F) {
	key, otherKey := NewTokenKey("fuzz secret"), NewTokenKey("another secret")
	word := "Word"
	for _, s := range []struct {
		user    string
		bits    uint8
		filter  string
		payload string
	}{
		{"alice", 0, "", "\x19\x00c" + "dS8wMTIzNDU2Nzg5YWJjZGVmZ2hpams"},
		{"c74dcd16-d8af-4df8-9621-d123b58de3e6", 4, word, "\x64\x00"},
		{"bob@contoso.com", 3 | 8, "Site", "\x19\x1bu/AAAA/md/7fffffffffffffff/id-1!nonce123"},
		{"", 0x1f, "microsoft.graph.driveItem", ""},
		{"é\xff", 2 | 16, "\u212Aelvin", "\x00\x00\x00\x00\x00\x00\x00\x05id-001"},
	} {
		q := fuzzQuery(s.bits, s.filter)
		f.Add(key.EncodeToken(sp(s.user), q, []byte(s.payload)), s.user, s.bits, s.filter, []byte(s.payload), uint16(0x2a07))
	}
	f.Add("!!!", "alice", uint8(0), "", []byte(nil), uint16(0))
	f.Add("AgAAAAAAAAAAAAAAAAAAAAAA", "alice", uint8(0), "", []byte("x"), uint16(0xffff))
	f.Add(strings.Repeat("A", MaxTokenLen+4), "alice", uint8(0), "", []byte{}, uint16(1))

	f.Fuzz(func(t *testing.T, token, user string, bits uint8, filter string, payload []byte, edit uint16) {
		q := fuzzQuery(bits, filter)

		// An arbitrary token.
		if got, err := key.DecodeToken(token, sp(user), q); err == nil {
			if again := key.EncodeToken(sp(user), q, got); again != token {
				t.Fatalf("DecodeToken accepted %q, which encodes as %q", token, again)
			}
		} else if !errors.Is(err, ErrBadToken) {
			t.Fatalf("DecodeToken(%q) = %v, want ErrBadToken", token, err)
		}

		// A token of payload.
		tok := key.EncodeToken(sp(user), q, payload)
		if len(payload) < 4000 && len(tok) > MaxTokenLen {
			t.Fatalf("a %d-byte payload made a token of %d characters", len(payload), len(tok))
		}
		for i := 0; i < len(tok); i++ {
			if !strings.Contains(base64URL, tok[i:i+1]) {
				t.Fatalf("token %q is not base64url", tok)
			}
		}
		if got, err := key.DecodeToken(tok, sp(user), q); err != nil || string(got) != string(payload) {
			t.Fatalf("DecodeToken(EncodeToken(%q)) = %q, %v", payload, got, err)
		}
		bad := func(what, tok, user string, q Query) {
			t.Helper()
			if got, err := key.DecodeToken(tok, sp(user), q); !errors.Is(err, ErrBadToken) {
				t.Fatalf("%s: DecodeToken = %q, %v; want ErrBadToken", what, got, err)
			}
		}
		at := int(edit) % len(tok)
		if c := base64URL[edit>>8&63]; c != tok[at] {
			bad("one character changed", tok[:at]+string(c)+tok[at+1:], user, q)
		}
		bad("truncated", tok[:at], user, q)
		bad("extended", tok+base64URL[edit>>8&63:edit>>8&63+1], user, q)
		if _, err := otherKey.DecodeToken(tok, sp(user), q); !errors.Is(err, ErrBadToken) {
			t.Fatalf("a token decoded under another key: %v", err)
		}

		// Other bindings: every other bit pattern, another user, the filter in another case.
		for _, other := range []struct {
			user string
			q    Query
		}{
			{user + "x", q},
			{strings.ToUpper(user), q},
			{user, fuzzQuery(bits, strings.ToUpper(filter))},
			{user, fuzzQuery(bits, strings.ToLower(filter))},
			{user, fuzzQuery(bits, filter+"\x00")},
			{user, fuzzQuery(bits^1, filter)},
			{user, fuzzQuery(bits^2, filter)},
			{user, fuzzQuery(bits^4, filter)},
			{user, fuzzQuery(bits^8, filter)},
			{user, fuzzQuery(bits^16, filter)},
			{user, fuzzQuery(bits^(4|8), filter)},
			{user, fuzzQuery(bits^(8|16), filter)},
		} {
			got, err := key.DecodeToken(tok, sp(other.user), other.q)
			switch same := sameBinding(user, q, other.user, other.q); {
			case same && (err != nil || string(got) != string(payload)):
				t.Fatalf("token for %q %+v, read by %q %+v (the same binding): %q, %v", user, q, other.user, other.q, got, err)
			case !same && !errors.Is(err, ErrBadToken):
				t.Fatalf("token for %q %+v good for %q %+v: %q, %v", user, q, other.user, other.q, got, err)
			}
		}
	})
}
