package jsoncheck

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// TokenKind says what a Token is.
type TokenKind uint8

// The kinds of Token a Reader returns.
const (
	ObjectStart TokenKind = iota + 1 // '{'
	ObjectEnd                        // '}'
	ArrayStart                       // '['
	ArrayEnd                         // ']'
	Name                             // a member name: a string followed by ':'
	String                           // a string value
	Number                           // a number
	True                             // true
	False                            // false
	Null                             // null
	EOF                              // the end of the text, after the value and any white space
)

var tokenNames = [...]string{"", "objectStart", "objectEnd", "arrayStart", "arrayEnd", "name", "string", "number", "true", "false", "null", "eof"}

// String returns the kind's name, such as "objectStart".
func (k TokenKind) String() string {
	if int(k) < len(tokenNames) {
		return tokenNames[k]
	}
	return "TokenKind(" + strconv.Itoa(int(k)) + ")"
}

// Token is one token of a JSON text: its kind and where it is. Its bytes are text[Offset:End];
// for a Name or String, the quoted string, whose inside is its value unless Escaped.
type Token struct {
	Kind    TokenKind
	Escaped bool // a Name or String holding at least one backslash escape
	Offset  int  // byte offset of the token's first byte; len(text) for EOF
	End     int  // byte offset just after the token's last byte
}

// Reader reads a JSON text one token at a time, checking it as Check does: every token it
// returns is well-formed, valid UTF-8 and within the nesting limit, and the first error in the
// text is returned instead of the token that would contain it, exactly as Check reports it.
// It does not allocate, except for an error or for nesting deeper than 64 levels.
//
// The zero Reader is not ready for use: make one with NewReader or Reset.
type Reader struct {
	data      []byte
	pos       int // next byte to read
	state     state
	depth     int
	maxDepth  int
	objects   uint64   // bit d: the container at depth d+1 is an object (not an array), d < 64
	deeper    []uint64 // the same bits for depths beyond 64
	line      int      // 1-based line of pos
	lineStart int      // offset of the first byte of that line
	err       *Error
}

// state is what a Reader expects next.
type state uint8

const (
	stateStart       state = iota // the value of the text
	stateObjectFirst              // after '{': a name or '}'
	stateArrayFirst               // after '[': a value or ']'
	stateColon                    // after a name: ':' and a value
	stateAfterValue               // ',' or the end of the container, or the end of the text
	stateEOF                      // nothing: the text has been read
	stateError                    // nothing: the text has an error
)

// NewReader returns a Reader of data that allows nesting no deeper than maxDepth objects and
// arrays (maxDepth <= 0: no limit).
func NewReader(data []byte, maxDepth int) *Reader {
	return &Reader{data: data, maxDepth: maxDepth, line: 1}
}

// Reset makes r read data from the start, as NewReader does, keeping nothing of what it read.
func (r *Reader) Reset(data []byte, maxDepth int) {
	deeper := r.deeper[:0]
	*r = Reader{data: data, maxDepth: maxDepth, line: 1, deeper: deeper}
}

// Depth returns how many objects and arrays are open at the reader's position.
func (r *Reader) Depth() int { return r.depth }

// Line returns the 1-based line of the reader's position, just after the last token it
// returned, and the byte offset at which that line starts. Lines end with '\n', which JSON
// allows only in white space, so every offset from start to that position is on that line.
func (r *Reader) Line() (line, start int) { return r.line, r.lineStart }

// Raw returns the bytes of t, a token r returned.
func (r *Reader) Raw(t Token) []byte { return r.data[t.Offset:t.End] }

// Next returns the next token. After the value and the white space after it, it returns a
// token of kind EOF, and keeps doing so. At the first error it returns that error, the one Check
// returns for the text, and keeps returning it.
func (r *Reader) Next() (Token, *Error) {
	if r.state >= stateEOF {
		if r.err != nil {
			return Token{}, r.err
		}
		return Token{Kind: EOF, Offset: r.pos, End: r.pos}, nil
	}
	d := r.data
	i := r.space(r.pos)
	name := false // a member name is expected at i, not a value
	switch r.state {
	case stateAfterValue:
		if r.depth == 0 {
			if i != len(d) {
				return r.fail(TrailingData, i, "unexpected "+describe(d, i)+" after the end of the JSON value")
			}
			r.pos, r.state = i, stateEOF
			return Token{Kind: EOF, Offset: i, End: i}, nil
		}
		closer, want := byte(']'), "',' or ']'"
		if name = r.inObject(); name {
			closer, want = '}', "',' or '}'"
		}
		if i >= len(d) || d[i] != ',' {
			if i < len(d) && d[i] == closer {
				return r.close(i), nil
			}
			return r.unexpected(i, want)
		}
		if i = r.space(i + 1); i < len(d) && d[i] == closer {
			return r.fail(Syntax, i, "unexpected '"+string(closer)+"': a trailing comma is not allowed")
		}
	case stateColon:
		if i >= len(d) || d[i] != ':' {
			return r.unexpected(i, "':' after the member name")
		}
		i = r.space(i + 1)
	case stateObjectFirst:
		if i < len(d) && d[i] == '}' {
			return r.close(i), nil
		}
		name = true
	case stateArrayFirst:
		if i < len(d) && d[i] == ']' {
			return r.close(i), nil
		}
	default: // stateStart
		if len(d) >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF {
			return r.fail(ByteOrderMark, 0, "the body starts with a byte order mark (U+FEFF); JSON text must not")
		}
		if i == len(d) {
			return r.fail(Empty, i, "no JSON value: the body is empty")
		}
	}
	if i >= len(d) {
		if name {
			return r.unexpected(i, "a member name in double quotes")
		}
		return r.unexpected(i, "a value")
	}
	t := Token{Offset: i}
	switch c := d[i]; {
	case c == '"':
		t.Kind, r.state = String, stateAfterValue
		if name {
			t.Kind, r.state = Name, stateColon
		}
		// A string of plain bytes ends at the first byte special finds: read such a string
		// here, and let str read the others.
		j := i + 1
		for j+8 <= len(d) {
			if m := special(binary.LittleEndian.Uint64(d[j:])); m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				break
			}
			j += 8
		}
		if j < len(d) && d[j] == '"' {
			t.End = j + 1
		} else {
			t.End, t.Escaped = r.str(i)
		}
	case name:
		return r.unexpected(i, "a member name in double quotes")
	case c == '{' || c == '[':
		return r.open(i)
	case c == '-' || c >= '0' && c <= '9':
		t.Kind, r.state = Number, stateAfterValue
		t.End = r.number(i)
	case c == 't':
		t.Kind, r.state = True, stateAfterValue
		t.End = r.literal(i, "true")
	case c == 'f':
		t.Kind, r.state = False, stateAfterValue
		t.End = r.literal(i, "false")
	case c == 'n':
		t.Kind, r.state = Null, stateAfterValue
		t.End = r.literal(i, "null")
	case c == 'N' || c == 'I':
		return r.fail(Syntax, i, "unexpected "+describe(d, i)+": NaN and Infinity are not JSON numbers")
	case c == '\'':
		return r.fail(Syntax, i, "unexpected ': JSON strings use double quotes")
	default:
		return r.unexpected(i, "a value")
	}
	if t.End < 0 {
		return Token{}, r.err
	}
	r.pos = t.End
	return t, nil
}

// Skip reads the rest of the value that starts with t, the token Next just returned: for an
// ObjectStart or ArrayStart, up to and including its end; for any other token, nothing.
func (r *Reader) Skip(t Token) *Error {
	if t.Kind != ObjectStart && t.Kind != ArrayStart {
		return r.err
	}
	for depth := r.depth - 1; r.depth > depth; {
		if _, err := r.Next(); err != nil {
			return err
		}
	}
	return nil
}

func (r *Reader) fail(k Kind, i int, msg string) (Token, *Error) {
	if r.err == nil {
		r.err = &Error{k, i, msg}
		r.state = stateError
	}
	return Token{}, r.err
}

// unexpected reports the byte at i, or the end of the text, where want was expected.
func (r *Reader) unexpected(i int, want string) (Token, *Error) {
	if i >= len(r.data) {
		return r.fail(Truncated, i, "the JSON text ends too soon: expected "+want)
	}
	if c := r.data[i]; c >= 0x80 {
		if c, _ := utf8.DecodeRune(r.data[i:]); c == utf8.RuneError {
			return r.fail(InvalidUTF8, i, "invalid UTF-8 byte sequence")
		}
	}
	return r.fail(Syntax, i, "unexpected "+describe(r.data, i)+": expected "+want)
}

// Masks for reading eight bytes at once.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// space skips white space from i, counting lines, and returns the offset after it.
func (r *Reader) space(i int) int {
	d := r.data
	for ; i < len(d); i++ {
		switch d[i] {
		case ' ', '\t', '\r':
		case '\n':
			r.line++
			r.lineStart = i + 1
		default:
			return i
		}
	}
	return i
}

// inObject reports whether the innermost open container is an object.
func (r *Reader) inObject() bool {
	d := r.depth - 1
	if d < 64 {
		return r.objects>>d&1 != 0
	}
	d -= 64
	return r.deeper[d/64]>>(d%64)&1 != 0
}

// open enters the object or array whose first byte is at i.
func (r *Reader) open(i int) (Token, *Error) {
	r.depth++
	if r.maxDepth > 0 && r.depth > r.maxDepth {
		return r.fail(TooDeep, i, "objects and arrays are nested deeper than "+strconv.Itoa(r.maxDepth)+" levels")
	}
	var bit uint64
	k, state := ArrayStart, stateArrayFirst
	if r.data[i] == '{' {
		bit, k, state = 1, ObjectStart, stateObjectFirst
	}
	if d := r.depth - 1; d < 64 {
		r.objects = r.objects&^(1<<d) | bit<<d
	} else {
		d -= 64
		if d/64 == len(r.deeper) {
			r.deeper = append(r.deeper, 0)
		}
		r.deeper[d/64] = r.deeper[d/64]&^(1<<(d%64)) | bit<<(d%64)
	}
	r.pos, r.state = i+1, state
	return Token{Kind: k, Offset: i, End: i + 1}, nil
}

// close leaves the object or array whose last byte is at i.
func (r *Reader) close(i int) Token {
	k := ArrayEnd
	if r.data[i] == '}' {
		k = ObjectEnd
	}
	r.depth--
	r.pos, r.state = i+1, stateAfterValue
	return Token{Kind: k, Offset: i, End: i + 1}
}

// special returns a word whose lowest set bit is the high bit of the first byte of x, in
// memory order, that a string cannot hold as it is: below 0x20, '"', '\\' or beyond ASCII; or
// 0 when there is none. The tests are exact up to that byte: a borrow only carries upwards from
// a byte that matched.
func special(x uint64) uint64 {
	quote := x ^ (ones * '"')
	backslash := x ^ (ones * '\\')
	return (x | (x - ones*0x20) | (quote-ones)&^quote | (backslash-ones)&^backslash) & highs
}

// plain marks the bytes a string may hold as they are: printable ASCII but '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads the string whose opening quote is at i. It returns the offset after the closing
// quote and whether the string holds an escape, or -1 after an error.
func (r *Reader) str(i int) (end int, escaped bool) {
	d := r.data
	for i++; ; {
		if i+8 <= len(d) { // eight bytes at once, the usual case
			m := special(binary.LittleEndian.Uint64(d[i:]))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		} else {
			for i < len(d) && plain[d[i]] {
				i++
			}
			if i == len(d) {
				break
			}
		}
		c := d[i]
		switch {
		case c == '"':
			return i + 1, escaped
		case c == '\\':
			escaped = true
			if i+1 >= len(d) {
				r.unexpected(i+1, "an escape sequence")
				return -1, false
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for j := i + 2; j < i+6; j++ {
					if j >= len(d) {
						r.unexpected(j, "four hex digits after \\u")
						return -1, false
					}
					if !isHex(d[j]) {
						r.fail(Syntax, j, "unexpected "+describe(d, j)+`: expected four hex digits after \u`)
						return -1, false
					}
				}
				i += 6
			default:
				r.fail(Syntax, i, `invalid escape sequence \`+showChar(d, i+1)+" in a string")
				return -1, false
			}
		case c < 0x20:
			r.fail(ControlChar, i, "raw control character U+"+hex4(rune(c), upperHex)+` in a string: write it as an escape such as \u`+hex4(rune(c), lowerHex))
			return -1, false
		default: // beyond ASCII
			c, n := utf8.DecodeRune(d[i:])
			if c == utf8.RuneError && n <= 1 {
				r.fail(InvalidUTF8, i, "invalid UTF-8 byte sequence in a string")
				return -1, false
			}
			i += n
		}
	}
	r.unexpected(len(d), "'\"' to close the string")
	return -1, false
}

func (r *Reader) number(i int) int {
	d := r.data
	start := i
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
		if i < len(d) && d[i] >= '0' && d[i] <= '9' {
			r.fail(Syntax, start, "invalid number: leading zeros are not allowed")
			return -1
		}
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		i = digits(d, i)
	default:
		r.unexpected(i, "a digit")
		return -1
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			r.unexpected(i, "a digit after the decimal point")
			return -1
		}
		i = digits(d, i)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			r.unexpected(i, "a digit in the exponent")
			return -1
		}
		i = digits(d, i)
	}
	return i
}

// literal reads word, true, false or null, at i and returns the offset after it, or -1 after
// an error.
func (r *Reader) literal(i int, word string) int {
	for j := 0; j < len(word); j++ {
		if i+j >= len(r.data) {
			r.unexpected(i+j, word)
			return -1
		}
		if r.data[i+j] != word[j] {
			r.fail(Syntax, i, "unexpected "+describe(r.data, i)+": expected "+word)
			return -1
		}
	}
	return i + len(word)
}
