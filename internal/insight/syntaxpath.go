package insight

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/usedinsight/usedinsight/internal/jsoncheck"
)

// syntaxPath returns the path of the member whose value was being read where the syntax error
// err is: the body is read again, up to the error, keeping the member name of each open object
// and the element index of each open array. It reads the text only for a body with a syntax
// error, so it costs a valid body nothing.
//
// An error inside a value (a string, a number, a literal, or a value that is not JSON, such as
// NaN or an unquoted date-time) names that value's member, or array element; an error where a
// member name, a ',' or the end of an object is expected names the object; between array
// elements, the array. Errors about the body as a whole have no path: an empty body, a byte
// order mark, data after the value, and nesting too deep (a matter of the body's shape, whose
// path would be as deep as the limit). A body whose value is not an object has no path either:
// no rule names its members. Invalid UTF-8, a control character in a string and a truncated
// text are located like any other syntax error.
func (v *validator) syntaxPath(err *jsoncheck.Error) string {
	data := v.text
	switch err.Kind {
	case jsoncheck.Empty, jsoncheck.ByteOrderMark, jsoncheck.TrailingData, jsoncheck.TooDeep:
		return ""
	}
	var (
		r        jsoncheck.Reader
		stack    []frame
		lastEnd  int                 // where the last token read ends
		lastKind jsoncheck.TokenKind // and what it is
	)
	// done marks the value of the innermost open container as read.
	done := func() {
		if n := len(stack); n > 0 {
			f := &stack[n-1]
			f.reading = false
			if f.array {
				f.index++
			}
		}
	}
	r.Reset(data, MaxDepth)
	for {
		t, e := r.Next()
		if e != nil {
			break
		}
		if t.Offset >= err.Offset || t.Kind == jsoncheck.EOF {
			break // not expected: the reader fails where the validator's did
		}
		if len(stack) == 0 && t.Kind != jsoncheck.ObjectStart {
			return ""
		}
		lastEnd, lastKind = t.End, t.Kind
		if n := len(stack); n > 0 && stack[n-1].array && t.Kind != jsoncheck.ArrayEnd {
			stack[n-1].reading = true // an element starts
		}
		switch t.Kind {
		case jsoncheck.ObjectStart:
			stack = append(stack, frame{})
		case jsoncheck.ArrayStart:
			stack = append(stack, frame{array: true, reading: true})
		case jsoncheck.ObjectEnd, jsoncheck.ArrayEnd:
			stack = stack[:len(stack)-1]
			done()
		case jsoncheck.Name:
			f := &stack[len(stack)-1]
			f.name, f.reading = v.str(t), true
		default:
			done()
		}
	}
	switch lastKind {
	case jsoncheck.Number, jsoncheck.True, jsoncheck.False, jsoncheck.Null:
		// A number or literal directly followed by a byte that cannot follow it is one value
		// that is not JSON, such as a date-time without quotes: it is still being read.
		if n := len(stack); n > 0 && lastEnd == err.Offset && err.Offset < len(data) && data[err.Offset] != '"' {
			f := &stack[n-1]
			f.reading = true
			if f.array {
				f.index--
			}
			return pathOfFrames(stack)
		}
	}
	if n := len(stack); n > 0 && stack[n-1].array && !stack[n-1].reading {
		// After an element: the error is in the next one when the ',' before it was read.
		if lastEnd <= err.Offset && bytes.IndexByte(data[lastEnd:err.Offset], ',') >= 0 {
			stack[n-1].reading = true
		}
	}
	return pathOfFrames(stack)
}

// pathOfFrames returns the JSON path of the innermost member or element being read in stack,
// the open objects and arrays, outermost first.
func pathOfFrames(stack []frame) string {
	var b strings.Builder
	for _, f := range stack {
		if !f.reading {
			break
		}
		if f.array {
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.') // as join does
		}
		b.WriteString(f.name)
	}
	return b.String()
}

// frame is an object or array open where a syntax error is: its member or element being read,
// if any.
type frame struct {
	array   bool
	reading bool   // a member's or an element's value is being read
	name    string // the member being read (objects)
	index   int    // the element being read, or the next one (arrays)
}
