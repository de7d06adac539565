package store

import (
	"crypto/sha256"
	"encoding/hex"
)

// SortIDPrefix is how many leading characters of an id SortID keeps.
const SortIDPrefix = 384

// SortID returns the string by which lists order records with equal instants (ascending, in
// both directions): the id itself when it is at most SortIDPrefix characters of
// A-Z a-z 0-9 - _ . ~, else its longest such prefix up to SortIDPrefix characters, "+" and 32 hex
// digits of the id's SHA-256.
//
// So equal instants are ordered by id, except that ids sharing their first SortIDPrefix
// characters are ordered by hash: an order that Workers KV can keep in its key names, which
// hold at most 512 bytes while ids may have 512 characters. A SortID is ASCII and at most 417
// bytes, and distinct ids have distinct SortIDs (short of a 128-bit SHA-256 collision).
func SortID(id string) string {
	n := 0
	for n < len(id) && n < SortIDPrefix && isIDByte(id[n]) {
		n++
	}
	if n == len(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return id[:n] + "+" + hex.EncodeToString(sum[:16])
}

func isIDByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}
