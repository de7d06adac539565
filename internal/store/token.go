package store

// Page tokens: the $skiptoken a client sends back to get the next page.
//
// A token is base64url (no padding) of
//
//	version (1 byte, 2) | tag (16 bytes) | payload (the implementation's resume point)
//
// where tag is the first 16 bytes of HMAC-SHA256, under a TokenKey, of a domain string, the
// version, the order, the direction, the user, the collection, each filter field (absent, or
// present with its Fold) and the payload. DecodeToken recomputes it for the request at hand, so
// a token that is garbled, truncated or forged, or was issued for another user, collection,
// order, direction or filter, or under another key, is ErrBadToken.
//
// The key is what makes the payload trustworthy: implementations hand it to their storage as
// it is (kvstore passes a Workers KV list cursor), and storage that fails on a garbage cursor
// would turn a client's forged token into a 5xx. With the tag keyed by a server secret, a
// payload that decodes is one the server wrote. Users are kept apart independently of that:
// every implementation reads only under the requesting user's own prefix, whatever the
// payload says. Tokens are opaque but not encrypted (the payload is readable), and page sizes
// ($top) are not bound: a client may change them between pages.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"sync"
)

const (
	// tokenVersion 1 had an unkeyed 8-byte SHA-256 check; its tokens are ErrBadToken now.
	tokenVersion = 2
	tokenTagLen  = 16
	// MaxTokenLen is the length of the longest token DecodeToken accepts.
	MaxTokenLen = 8192
)

// tokenKeyLabel is what a server secret is MACed with to derive the page-token key, so the
// secret itself keys nothing but what it was given for (the Worker's AUTH_SECRET signs JWTs).
const tokenKeyLabel = "usedinsight page token v1"

var tokenEncoding = base64.RawURLEncoding.Strict()

// TokenKey signs and checks page tokens. Make one with NewTokenKey; it is safe for concurrent
// use.
type TokenKey struct {
	macs sync.Pool // of *tokenMAC
}

// tokenMAC is an HMAC-SHA256 under a derived key and scratch space to use it without
// allocating.
type tokenMAC struct {
	h   hash.Hash
	msg []byte
	sum [sha256.Size]byte
}

// NewTokenKey returns the page-token key derived from a server secret:
// HMAC-SHA256(secret, "usedinsight page token v1"). Tokens made under one secret are
// ErrBadToken under any other. An empty secret is a key anyone can compute: tokens are then
// checked but not authenticated.
func NewTokenKey(secret string) *TokenKey {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(tokenKeyLabel))
	key := m.Sum(nil)
	k := &TokenKey{}
	k.macs.New = func() any { return &tokenMAC{h: hmac.New(sha256.New, key)} }
	return k
}

// EncodeToken returns the URL-safe page token that carries payload for the space's query q.
func (k *TokenKey) EncodeToken(sp Space, q Query, payload []byte) string {
	b := make([]byte, 1, 1+tokenTagLen+len(payload))
	b[0] = tokenVersion
	b = k.tag(b, sp, q, payload)
	return tokenEncoding.EncodeToString(append(b, payload...))
}

// DecodeToken returns the payload of a token that EncodeToken made under this key for the
// same space, order, direction and filter as q, or ErrBadToken.
func (k *TokenKey) DecodeToken(token string, sp Space, q Query) ([]byte, error) {
	if len(token) > MaxTokenLen {
		return nil, ErrBadToken
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; !isIDByte(c) || c == '.' || c == '~' { // base64url alphabet only
			return nil, ErrBadToken
		}
	}
	b, err := tokenEncoding.DecodeString(token)
	if err != nil || len(b) < 1+tokenTagLen || b[0] != tokenVersion {
		return nil, ErrBadToken
	}
	payload := b[1+tokenTagLen:]
	var want [tokenTagLen]byte
	if !hmac.Equal(k.tag(want[:0], sp, q, payload), b[1:1+tokenTagLen]) {
		return nil, ErrBadToken
	}
	return payload, nil
}

// tag appends the token tag of payload for the space's query q to b.
func (k *TokenKey) tag(b []byte, sp Space, q Query, payload []byte) []byte {
	m := k.macs.Get().(*tokenMAC)
	defer k.macs.Put(m)
	// The bound values are length-prefixed, so no two bindings write the same bytes; the
	// payload comes last and needs no prefix.
	msg := m.msg[:0]
	str := func(s string) {
		msg = binary.AppendUvarint(msg, uint64(len(s)))
		msg = append(msg, s...)
	}
	str("usedinsight page token")
	asc := byte(0)
	if q.Asc {
		asc = 1
	}
	msg = append(msg, tokenVersion, byte(q.Order), asc)
	str(sp.User)
	str(sp.Collection.Name)
	for _, f := range q.Filter {
		if f == nil {
			msg = append(msg, 0)
			continue
		}
		msg = append(msg, 1)
		str(Fold(*f))
	}
	// The payload is copied rather than written on its own: handed to the hash through an
	// interface it would escape, costing callers an allocation.
	msg = append(msg, payload...)
	if cap(msg) <= 4096 { // keep the scratch space unless a long payload or user name grew it
		m.msg = msg
	}
	m.h.Reset()
	m.h.Write(msg)
	return append(b, m.h.Sum(m.sum[:0])[:tokenTagLen]...)
}
