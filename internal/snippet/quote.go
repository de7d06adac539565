package snippet

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// writeSh writes the concatenation of parts as one single-quoted POSIX sh
// word. Nothing is special inside single quotes except the quote itself,
// which is written as \' between the quoted pieces before and after it.
func writeSh(b *strings.Builder, parts ...string) {
	b.WriteByte('\'')
	for _, s := range parts {
		for {
			i := strings.IndexByte(s, '\'')
			if i < 0 {
				break
			}
			b.WriteString(s[:i])
			b.WriteString(`'\''`)
			s = s[i+1:]
		}
		b.WriteString(s)
	}
	b.WriteByte('\'')
}

// writeShWord writes s bare if it is a plain word such as an HTTP method,
// and single-quoted otherwise.
func writeShWord(b *strings.Builder, s string) {
	if isWord(s) {
		b.WriteString(s)
	} else {
		writeSh(b, s)
	}
}

// isWord reports whether s is a non-empty run of ASCII letters, safe to
// write unquoted in sh and PowerShell.
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

// isASCII reports whether s has only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// writeJS writes s as a JavaScript string literal: double-quoted, or
// single-quoted when that avoids escaping double quotes. Control characters,
// U+2028 and U+2029 are escaped; invalid UTF-8 becomes U+FFFD.
func writeJS(b *strings.Builder, s string) {
	quote := byte('"')
	if strings.IndexByte(s, '"') >= 0 && strings.IndexByte(s, '\'') < 0 {
		quote = '\''
	}
	const hex = "0123456789abcdef"
	b.WriteByte(quote)
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hex[r>>4])
			b.WriteByte(hex[r&0xf])
		case r == '\u2028':
			b.WriteString(`\u2028`)
		case r == '\u2029':
			b.WriteString(`\u2029`)
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\ufffd`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
}

// writeGo writes s as a Go string literal: backquoted when that is exact and
// saves escaping quotes or backslashes, strconv.Quote otherwise.
func writeGo(b *strings.Builder, s string) {
	if strings.ContainsAny(s, `"\`) && strconv.CanBackquote(s) {
		b.WriteByte('`')
		b.WriteString(s)
		b.WriteByte('`')
		return
	}
	b.WriteString(strconv.Quote(s))
}

// writePS writes s as a PowerShell single-quoted string. PowerShell reads
// ', U+2018, U+2019, U+201A and U+201B all as single quotes, and inside the
// string any of them followed by another stands for the second one, so each
// is doubled. Nothing else is special; newlines may appear as they are.
// Invalid UTF-8 becomes U+FFFD.
func writePS(b *strings.Builder, s string) {
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
}
