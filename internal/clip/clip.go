// Package clip shortens text a client sent so that a message can quote it.
package clip

import (
	"strings"
	"unicode/utf8"
)

// MessageLen is the most bytes of a client's text that Message keeps.
const MessageLen = 100

// To returns s when it has at most max bytes, else its first max bytes or fewer, cut before a
// character, and an ellipsis. It keeps the bytes as they are, valid UTF-8 or not.
func To(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Message makes s fit to quote in a message: valid UTF-8 (each bad byte a U+FFFD) and at most
// MessageLen bytes and an ellipsis.
func Message(s string) string {
	return To(strings.ToValidUTF8(s, "\uFFFD"), MessageLen)
}
