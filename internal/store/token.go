package store

// Page tokens: the $skiptoken a client sends back to get the next page.
//
// A token is base64url (no padding) of
//
//	version (1 byte, 1) | check (8 bytes) | payload (the implementation's resume point)
//
// where check is the first 8 bytes of SHA-256 over a domain string, the version, the user,
// the order, the direction, each filter field (absent, or present with its Fold) and the
// payload. DecodeToken recomputes it for the request at hand, so a token that is garbled or
// truncated, or was issued for another user, order, direction or filter is ErrBadToken.
//
// Tokens are not secret and not a security boundary: the format is public, so anyone can
// forge one for their own scope. What keeps users apart is that every implementation reads
// only under the requesting user's own prefix whatever the payload says; the check keeps an
// honest client from silently paging a different list than it asked for, and spares the
// implementation from parsing corrupt payloads. Page sizes ($top) are not bound: a client may
// change them between pages.

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
)

const (
	tokenVersion = 1
	tokenCheck   = 8
	// MaxTokenLen is the length of the longest token DecodeToken accepts.
	MaxTokenLen = 8192
)

var tokenEncoding = base64.RawURLEncoding.Strict()

// EncodeToken returns the URL-safe page token that carries payload for user's query q.
func EncodeToken(user string, q Query, payload []byte) string {
	b := make([]byte, 1+tokenCheck, 1+tokenCheck+len(payload))
	b[0] = tokenVersion
	sum := tokenSum(user, q, payload)
	copy(b[1:], sum[:tokenCheck])
	return tokenEncoding.EncodeToString(append(b, payload...))
}

// DecodeToken returns the payload of a token that EncodeToken made for the same user, order,
// direction and filter as q, or ErrBadToken.
func DecodeToken(token, user string, q Query) ([]byte, error) {
	if len(token) > MaxTokenLen {
		return nil, ErrBadToken
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; !isIDByte(c) || c == '.' || c == '~' { // base64url alphabet only
			return nil, ErrBadToken
		}
	}
	b, err := tokenEncoding.DecodeString(token)
	if err != nil || len(b) < 1+tokenCheck || b[0] != tokenVersion {
		return nil, ErrBadToken
	}
	payload := b[1+tokenCheck:]
	sum := tokenSum(user, q, payload)
	if !bytes.Equal(sum[:tokenCheck], b[1:1+tokenCheck]) {
		return nil, ErrBadToken
	}
	return payload, nil
}

func tokenSum(user string, q Query, payload []byte) [sha256.Size]byte {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	str := func(s string) {
		h.Write(binary.AppendUvarint(buf[:0], uint64(len(s))))
		h.Write([]byte(s))
	}
	str("usedinsight page token")
	asc := byte(0)
	if q.Asc {
		asc = 1
	}
	h.Write([]byte{tokenVersion, byte(q.Order), asc})
	str(user)
	for _, f := range []*string{q.Filter.Type, q.Filter.ContainerType, q.Filter.ReferenceType} {
		if f == nil {
			h.Write([]byte{0})
			continue
		}
		h.Write([]byte{1})
		str(Fold(*f))
	}
	h.Write(payload)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}
