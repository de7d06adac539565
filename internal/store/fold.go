package store

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold returns the canonical case folding of s: Fold(a) == Fold(b) exactly when
// strings.EqualFold(a, b), so a hash of Fold(v) can stand for v in a case-insensitive index.
//
// strings.ToLower is not enough: EqualFold treats "ſ" (U+017F) as "s" and "K" (U+212A) as "k",
// which lower-casing leaves apart. Fold maps every rune to the smallest rune of its simple
// case-folding orbit (the orbit EqualFold compares by), and invalid UTF-8 to U+FFFD as
// EqualFold reads it.
func Fold(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && (s[i] < 'a' || s[i] > 'z') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}
