// Package jsoncheck finds the first syntax error in a JSON text (RFC 8259) and says where it is.
//
// gjson, which the rest of the core reads JSON with, trusts its input: it does not report where
// a text goes wrong, nor does it check UTF-8 or nesting depth. Check is the strict gate in front
// of it: one pass over the bytes, no allocation when the text is valid.
package jsoncheck

import (
	"fmt"
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
	return fmt.Sprintf("Kind(%d)", k)
}

// Error is a syntax error at a byte offset of the text.
type Error struct {
	Kind   Kind
	Offset int    // byte offset of the offending byte (len(text) when the text ends too soon)
	Msg    string // what is wrong, for a person
}

func (e *Error) Error() string { return fmt.Sprintf("%s at byte %d", e.Msg, e.Offset) }

// Check returns nil when data is exactly one JSON value, with optional white space around it,
// in valid UTF-8, nested no deeper than maxDepth objects and arrays (maxDepth <= 0: no limit).
// Otherwise it returns the first error in the text.
func Check(data []byte, maxDepth int) *Error {
	s := scanner{data: data, maxDepth: maxDepth}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		return &Error{ByteOrderMark, 0, "the body starts with a byte order mark (U+FEFF); JSON text must not"}
	}
	i := s.space(0)
	if i == len(data) {
		return &Error{Empty, i, "no JSON value: the body is empty"}
	}
	i = s.value(i)
	if s.err != nil {
		return s.err
	}
	if i = s.space(i); i != len(data) {
		return &Error{TrailingData, i, fmt.Sprintf("unexpected %s after the end of the JSON value", describe(data, i))}
	}
	return nil
}

type scanner struct {
	data     []byte
	maxDepth int
	depth    int
	err      *Error
}

func (s *scanner) fail(k Kind, i int, msg string) int {
	if s.err == nil {
		s.err = &Error{k, i, msg}
	}
	return len(s.data)
}

// unexpected reports the byte at i, or the end of the text, where want was expected.
func (s *scanner) unexpected(i int, want string) int {
	if i >= len(s.data) {
		return s.fail(Truncated, i, "the JSON text ends too soon: expected "+want)
	}
	if c := s.data[i]; c >= 0x80 {
		if r, _ := utf8.DecodeRune(s.data[i:]); r == utf8.RuneError {
			return s.fail(InvalidUTF8, i, "invalid UTF-8 byte sequence")
		}
	}
	return s.fail(Syntax, i, fmt.Sprintf("unexpected %s: expected %s", describe(s.data, i), want))
}

func (s *scanner) space(i int) int {
	for i < len(s.data) {
		switch s.data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value scans the value at i and returns the offset just after it.
func (s *scanner) value(i int) int {
	if i >= len(s.data) {
		return s.unexpected(i, "a value")
	}
	switch c := s.data[i]; {
	case c == '{':
		return s.object(i)
	case c == '[':
		return s.array(i)
	case c == '"':
		return s.str(i)
	case c == '-' || c >= '0' && c <= '9':
		return s.number(i)
	case c == 't':
		return s.literal(i, "true")
	case c == 'f':
		return s.literal(i, "false")
	case c == 'n':
		return s.literal(i, "null")
	case c == 'N' || c == 'I':
		return s.fail(Syntax, i, fmt.Sprintf("unexpected %s: NaN and Infinity are not JSON numbers", describe(s.data, i)))
	case c == '\'':
		return s.fail(Syntax, i, "unexpected ': JSON strings use double quotes")
	}
	return s.unexpected(i, "a value")
}

func (s *scanner) enter(i int) bool {
	s.depth++
	if s.maxDepth > 0 && s.depth > s.maxDepth {
		s.fail(TooDeep, i, fmt.Sprintf("objects and arrays are nested deeper than %d levels", s.maxDepth))
		return false
	}
	return true
}

func (s *scanner) object(i int) int {
	if !s.enter(i) {
		return len(s.data)
	}
	i = s.space(i + 1)
	if i < len(s.data) && s.data[i] == '}' {
		s.depth--
		return i + 1
	}
	for s.err == nil {
		if i >= len(s.data) || s.data[i] != '"' {
			return s.unexpected(i, "a member name in double quotes")
		}
		i = s.space(s.str(i))
		if i >= len(s.data) || s.data[i] != ':' {
			return s.unexpected(i, "':' after the member name")
		}
		i = s.space(s.value(s.space(i + 1)))
		if s.err != nil {
			break
		}
		if i < len(s.data) && s.data[i] == '}' {
			s.depth--
			return i + 1
		}
		if i >= len(s.data) || s.data[i] != ',' {
			return s.unexpected(i, "',' or '}'")
		}
		i = s.space(i + 1)
		if i < len(s.data) && s.data[i] == '}' {
			return s.fail(Syntax, i, "unexpected '}': a trailing comma is not allowed")
		}
	}
	return len(s.data)
}

func (s *scanner) array(i int) int {
	if !s.enter(i) {
		return len(s.data)
	}
	i = s.space(i + 1)
	if i < len(s.data) && s.data[i] == ']' {
		s.depth--
		return i + 1
	}
	for s.err == nil {
		i = s.space(s.value(i))
		if s.err != nil {
			break
		}
		if i < len(s.data) && s.data[i] == ']' {
			s.depth--
			return i + 1
		}
		if i >= len(s.data) || s.data[i] != ',' {
			return s.unexpected(i, "',' or ']'")
		}
		i = s.space(i + 1)
		if i < len(s.data) && s.data[i] == ']' {
			return s.fail(Syntax, i, "unexpected ']': a trailing comma is not allowed")
		}
	}
	return len(s.data)
}

// plain marks the bytes a string may hold as they are: printable ASCII but '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str scans the string whose opening quote is at i.
func (s *scanner) str(i int) int {
	d := s.data
	for i++; i < len(d); {
		for i < len(d) && plain[d[i]] { // the common case, kept to one test a byte
			i++
		}
		if i >= len(d) {
			break
		}
		c := d[i]
		switch {
		case c == '"':
			return i + 1
		case c == '\\':
			if i+1 >= len(d) {
				return s.unexpected(i+1, "an escape sequence")
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for j := i + 2; j < i+6; j++ {
					if j >= len(d) {
						return s.unexpected(j, "four hex digits after \\u")
					}
					if !isHex(d[j]) {
						return s.fail(Syntax, j, fmt.Sprintf("unexpected %s: expected four hex digits after \\u", describe(d, j)))
					}
				}
				i += 6
			default:
				return s.fail(Syntax, i, fmt.Sprintf("invalid escape sequence \\%s in a string", printable(d, i+1)))
			}
		case c < 0x20:
			return s.fail(ControlChar, i, fmt.Sprintf("raw control character U+%04X in a string: write it as an escape such as \\u%04x", c, c))
		case c < 0x80:
			i++
		default:
			r, n := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && n <= 1 {
				return s.fail(InvalidUTF8, i, "invalid UTF-8 byte sequence in a string")
			}
			i += n
		}
	}
	return s.unexpected(len(d), "'\"' to close the string")
}

func (s *scanner) number(i int) int {
	d := s.data
	start := i
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
		if i < len(d) && d[i] >= '0' && d[i] <= '9' {
			return s.fail(Syntax, start, "invalid number: leading zeros are not allowed")
		}
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		i = digits(d, i)
	default:
		return s.unexpected(i, "a digit")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return s.unexpected(i, "a digit after the decimal point")
		}
		i = digits(d, i)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return s.unexpected(i, "a digit in the exponent")
		}
		i = digits(d, i)
	}
	return i
}

func (s *scanner) literal(i int, word string) int {
	for j := 0; j < len(word); j++ {
		if i+j >= len(s.data) {
			return s.unexpected(i+j, word)
		}
		if s.data[i+j] != word[j] {
			return s.fail(Syntax, i, fmt.Sprintf("unexpected %s: expected %s", describe(s.data, i), word))
		}
	}
	return i + len(word)
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
		return fmt.Sprintf("%q", d[i:j])
	}
	return "'" + printable(d, i) + "'"
}

// printable renders the character at i for a message, escaping what would not show.
func printable(d []byte, i int) string {
	r, _ := utf8.DecodeRune(d[i:])
	if r < 0x20 || r == utf8.RuneError || r == 0x7f {
		return fmt.Sprintf("\\u%04x", r)
	}
	return string(r)
}
