package clip

import (
	"strings"
	"testing"
)

func TestTo(t *testing.T) {
	for _, tt := range []struct {
		s    string
		max  int
		want string
	}{
		{"", 5, ""},
		{"abcde", 5, "abcde"},
		{"abcdef", 5, "abcde…"},
		{"abcdé", 5, "abcd…"},     // é is two bytes: cut before it
		{"ab€", 3, "ab…"},         // € is three bytes
		{"ab€", 4, "ab…"},         // never inside a character
		{"ab€", 5, "ab€"},         // fits
		{"\x80\x80\x80", 2, "…"},  // continuation bytes only: nothing before the cut
		{"a\xffbc", 3, "a\xffb…"}, // bytes kept as they are
	} {
		if got := To(tt.s, tt.max); got != tt.want {
			t.Errorf("To(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
	}
}

func TestMessage(t *testing.T) {
	for _, tt := range []struct{ s, want string }{
		{"plain", "plain"},
		{"a\xffb", "a\uFFFDb"},
		{strings.Repeat("x", MessageLen), strings.Repeat("x", MessageLen)},
		{strings.Repeat("x", MessageLen+1), strings.Repeat("x", MessageLen) + "…"},
		{strings.Repeat("x", MessageLen-1) + "é", strings.Repeat("x", MessageLen-1) + "…"},
		{strings.Repeat("x", MessageLen-1) + "\xff", strings.Repeat("x", MessageLen-1) + "…"}, // U+FFFD is three bytes
	} {
		if got := Message(tt.s); got != tt.want {
			t.Errorf("Message(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}
