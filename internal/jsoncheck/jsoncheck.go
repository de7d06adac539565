// Package jsoncheck finds the first syntax error in a JSON text (RFC 8259) and says where it is.
//
// gjson, which the rest of the core reads JSON with, trusts its input: it does not report where
// a text goes wrong, nor does it check UTF-8 or nesting depth. Check is the strict gate in front
// of it: one pass over the bytes, no allocation when the text is valid. Reader, which Check is
// built on, gives the text token by token to callers that want to read it in the same pass.
package jsoncheck

import (
	"strconv"
	"unicode/utf8"
)

// Kind classifies a syntax error.
type Kind uint8

// The kinds of syntax error Check reports.
const (
	Syntax        Kind = iota + 1 // a byte that the JSON grammar does not allow there
	Empty                         // no JSON value at all
	Truncated                     // the text ends inside a value
	InvalidUTF8                   // bytes that are not UTF-8
	ControlChar                   // a raw control character (U+0000 to U+001F) inside a string
	TooDeep                       // objects and arrays nested deeper than allowed
	TrailingData                  // more text after the JSON value
	ByteOrderMark                 // the text starts with a UTF-8 byte order mark
)

var kindNames = [...]string{"", "syntax", "empty", "truncated", "invalidUtf8", "controlCharacter", "tooDeep", "trailingData", "byteOrderMark"}

// String returns the kind's name, such as "truncated".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is a syntax error at a byte offset of the text.
type Error struct {
	Kind   Kind
	Offset int    // byte offset of the offending byte (len(text) when the text ends too soon)
	Msg    string // what is wrong, for a person
}

func (e *Error) Error() string { return e.Msg + " at byte " + strconv.Itoa(e.Offset) }

// Check returns nil when data is exactly one JSON value, with optional white space around it,
// in valid UTF-8, nested no deeper than maxDepth objects and arrays (maxDepth <= 0: no limit).
// Otherwise it returns the first error in the text.
//
// Check reads the text with a Reader, which holds the grammar; it allocates nothing when the
// text is valid and nested no deeper than 64 levels.
func Check(data []byte, maxDepth int) *Error {
	r := Reader{data: data, maxDepth: maxDepth, line: 1}
	for {
		t, err := r.Next()
		if err != nil {
			return err
		}
		if t.Kind == EOF {
			return nil
		}
	}
}

func digits(d []byte, i int) int {
	for i < len(d) && d[i] >= '0' && d[i] <= '9' {
		i++
	}
	return i
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// describe names the text at i for a message: a quoted character, or a word when it is one.
func describe(d []byte, i int) string {
	if i >= len(d) {
		return "end of text"
	}
	j := i
	for j < len(d) && j-i < 16 && (d[j] >= 'a' && d[j] <= 'z' || d[j] >= 'A' && d[j] <= 'Z') {
		j++
	}
	if j-i > 1 {
		return strconv.Quote(string(d[i:j]))
	}
	return "'" + showChar(d, i) + "'"
}

// showChar renders the character at i for a message, escaping what would not show.
func showChar(d []byte, i int) string {
	r, _ := utf8.DecodeRune(d[i:])
	if r < 0x20 || r == utf8.RuneError || r == 0x7f {
		return `\u` + hex4(r, lowerHex)
	}
	return string(r)
}

const (
	lowerHex = "0123456789abcdef"
	upperHex = "0123456789ABCDEF"
)

// hex4 writes r (below U+10000) as four hex digits of the given set. The package writes its
// few formatted numbers with strconv and this, not fmt: the browser module links it, and fmt
// would bring reflect.
func hex4(r rune, digits string) string {
	return string([]byte{digits[r>>12&0xf], digits[r>>8&0xf], digits[r>>4&0xf], digits[r&0xf]})
}
