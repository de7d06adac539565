//go:build js && wasm

// Command wasm is the WebAssembly build of the usedinsight core for browsers and Node.js.
// web/insight.mjs loads it and is its only intended caller.
//
// It exports plain functions (//go:wasmexport) over buffers in linear memory rather than
// syscall/js callbacks: in Node.js 20 a call through js.FuncOf costs about 10 µs, a call of an
// export about 0.02 µs, and validate is called on every keystroke. The protocol:
//
//  1. JavaScript calls input(n) for the address of a buffer of at least n bytes and writes the
//     argument there as UTF-8. The buffer stays at that address until a larger one is asked for.
//  2. It calls an operation with the argument's length in bytes. The operation returns the
//     length of its result, or minus the length of an error, a JSON object with a "message".
//  3. When the length is not 0, it calls output() for the result's address and reads it. The
//     result stays valid until the next operation.
//
// main starts nothing and blocks forever, so that the exports stay callable.
package main

import (
	"strconv"
	"unsafe"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/insight"
	"github.com/usedinsight/usedinsight/internal/jsoncheck"
	"github.com/usedinsight/usedinsight/internal/resource"
	"github.com/usedinsight/usedinsight/internal/snippet"
)

var (
	in  []byte // the argument buffer JavaScript writes into
	out []byte // the result of the last operation
)

func main() { select {} }

// input returns the address of the argument buffer, grown to hold at least n bytes.
//
//go:wasmexport input
func input(n int32) unsafe.Pointer {
	if int(n) > cap(in) {
		in = make([]byte, n)
	}
	return unsafe.Pointer(unsafe.SliceData(in[:cap(in)]))
}

// output returns the address of the last operation's result.
//
//go:wasmexport output
func output() unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(out)) }

// info writes {"languages": [...], "fieldPaths": [...], "collections": [{"name", "type",
// "typeName", "fieldPaths"}...]}: fieldPaths are used's; the operations that take a collection
// take its index in collections.
//
//go:wasmexport info
func info() int32 {
	out = append(out[:0], `{"languages":`...)
	out = appendStrings(out, snippet.Languages)
	out = append(out, `,"fieldPaths":`...)
	out = appendStrings(out, insight.FieldPaths)
	out = append(out, `,"collections":[`...)
	for i, c := range resource.Collections {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"name":`...)
		out = appendString(out, c.Name)
		out = append(out, `,"type":`...)
		out = appendString(out, c.Type.FullName())
		out = append(out, `,"typeName":`...)
		out = appendString(out, c.Type.Name)
		out = append(out, `,"fieldPaths":`...)
		out = appendStrings(out, insight.FieldPathsFor(c))
		out = append(out, '}')
	}
	out = append(out, "]}"...)
	return int32(len(out))
}

// collection returns the collection at index i of resource.Collections, or used when i is out
// of range (JavaScript checks the type it is given).
func collection(i int32) *resource.Collection {
	if i < 0 || int(i) >= len(resource.Collections) {
		return resource.Used
	}
	return resource.Collections[i]
}

// validate checks the payload in the argument buffer as an item of collection coll. It returns 0
// when there are no problems at all, and otherwise writes the report: as JSON when asJSON is set
// (see appendReport), else as fields (see appendFields), which JavaScript reads in half the time
// JSON.parse takes.
//
//go:wasmexport validate
func validate(n int32, asJSON bool, coll int32) int32 {
	r := insight.ValidateFor(collection(coll), in[:n])
	if len(r.Problems) == 0 {
		return 0
	}
	if asJSON {
		out = appendReport(out[:0], r)
	} else {
		out = appendFields(out[:0], r)
	}
	return int32(len(out))
}

// fieldSep separates the fields appendFields writes.
const fieldSep = '\x1f'

// appendFields appends r as the number of problems and then, for each, its severity, code, path,
// message, offset, line and column, every field followed by fieldSep. Text from the payload
// (a member name in a path, a value in a message) may hold fieldSep itself; the reader counts
// the fields and asks for JSON when there are more than the number of problems says.
func appendFields(b []byte, r insight.Report) []byte {
	b = strconv.AppendInt(b, int64(len(r.Problems)), 10)
	b = append(b, fieldSep)
	for _, p := range r.Problems {
		b = append(b, p.Severity.String()...)
		b = append(b, fieldSep)
		b = append(b, p.Code...)
		b = append(b, fieldSep)
		b = append(b, p.Path...)
		b = append(b, fieldSep)
		b = append(b, p.Message...)
		b = append(b, fieldSep)
		b = strconv.AppendInt(b, int64(p.Offset), 10)
		b = append(b, fieldSep)
		b = strconv.AppendInt(b, int64(p.Line), 10)
		b = append(b, fieldSep)
		b = strconv.AppendInt(b, int64(p.Column), 10)
		b = append(b, fieldSep)
	}
	return b
}

// appendReport appends r as {"valid": bool, "problems": [{severity, code, path, message, offset,
// line, column}]}.
func appendReport(b []byte, r insight.Report) []byte {
	b = append(b, `{"valid":`...)
	b = strconv.AppendBool(b, r.Valid())
	b = append(b, `,"problems":[`...)
	for i, p := range r.Problems {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"severity":`...)
		b = appendString(b, p.Severity.String())
		b = append(b, `,"code":`...)
		b = appendString(b, p.Code)
		b = append(b, `,"path":`...)
		b = appendString(b, p.Path)
		b = append(b, `,"message":`...)
		b = appendString(b, p.Message)
		b = append(b, `,"offset":`...)
		b = strconv.AppendInt(b, int64(p.Offset), 10)
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(p.Line), 10)
		b = append(b, `,"column":`...)
		b = strconv.AppendInt(b, int64(p.Column), 10)
		b = append(b, '}')
	}
	b = append(b, "]}"...)
	return b
}

// build constructs a payload of an item of collection coll from a JSON object of fields
// (path → string) and writes it, with @odata.type annotations when odataTypes is set,
// pretty-printed unless compact is set.
//
//go:wasmexport build
func build(n int32, odataTypes, compact bool, coll int32) int32 {
	f := insight.Fields{}
	gjson.ParseBytes(in[:n]).ForEach(func(k, v gjson.Result) bool {
		f[k.Str] = v.Str
		return true
	})
	text := insight.BuildFor(collection(coll), f, odataTypes)
	if !compact {
		text, _ = insight.Format(text) // Build's output is always valid JSON
	}
	out = append(out[:0], text...)
	return int32(len(out))
}

// fieldsOf writes the properties of a payload of an item of collection coll that a form shows
// as a JSON object (path → string).
//
//go:wasmexport fieldsOf
func fieldsOf(n int32, coll int32) int32 {
	c := collection(coll)
	f := insight.FieldsOfFor(c, in[:n])
	out = append(out[:0], '{')
	for _, p := range insight.FieldPathsFor(c) { // in FieldPathsFor order, not map order
		if v, ok := f[p]; ok {
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = appendString(out, p)
			out = append(out, ':')
			out = appendString(out, v)
		}
	}
	out = append(out, '}')
	return int32(len(out))
}

// format writes the JSON text indented by two spaces.
//
//go:wasmexport format
func format(n int32) int32 {
	text, err := insight.Format(in[:n])
	return result(in[:n], text, err)
}

// minify writes the JSON text without insignificant white space.
//
//go:wasmexport minify
func minify(n int32) int32 {
	text, err := insight.Minify(in[:n])
	return result(in[:n], text, err)
}

// result writes text, or for a syntax error in arg {"message", "offset", "line", "column"}.
func result(arg, text []byte, err error) int32 {
	if err == nil {
		out = append(out[:0], text...)
		return int32(len(out))
	}
	offset, msg := 0, err.Error()
	if e, ok := err.(*jsoncheck.Error); ok {
		offset, msg = e.Offset, e.Msg
	}
	line, column := insight.Position(arg, offset)
	out = append(out[:0], `{"message":`...)
	out = appendString(out, msg)
	out = append(out, `,"offset":`...)
	out = strconv.AppendInt(out, int64(offset), 10)
	out = append(out, `,"line":`...)
	out = strconv.AppendInt(out, int64(line), 10)
	out = append(out, `,"column":`...)
	out = strconv.AppendInt(out, int64(column), 10)
	out = append(out, '}')
	return -int32(len(out))
}

// snippet renders a request, given as {"language", "method", "url", "headers": [[name, value]...],
// "body"}, as code. An unknown language is an error, and so is a request the language cannot
// express (the Graph SDKs reach only the insights collections).
//
//go:wasmexport snippet
func snippetOf(n int32) int32 {
	args := gjson.ParseBytes(in[:n])
	r := snippet.Request{
		Method: args.Get("method").Str,
		URL:    args.Get("url").Str,
		Body:   args.Get("body").Str,
	}
	args.Get("headers").ForEach(func(_, h gjson.Result) bool {
		r.Headers = append(r.Headers, [2]string{h.Get("0").Str, h.Get("1").Str})
		return true
	})
	code, err := snippet.Generate(args.Get("language").Str, r)
	if err != nil {
		out = append(out[:0], `{"message":`...)
		out = appendString(out, err.Error())
		out = append(out, '}')
		return -int32(len(out))
	}
	out = append(out[:0], code...)
	return int32(len(out))
}

// appendString appends s as a JSON string, copying runs of plain bytes at once (gjson's
// AppendJSONString decodes every non-ASCII rune, which once was a quarter of validate's time in
// the browser). Invalid UTF-8 is copied as is: the TextDecoder on the JavaScript side turns it
// into U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for {
		i := 0
		for i < len(s) && !escape[s[i]] {
			i++
		}
		b = append(b, s[:i]...)
		if i == len(s) {
			return append(b, '"')
		}
		switch c := s[i]; c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		s = s[i+1:]
	}
}

// escape tells which bytes appendString escapes.
var escape = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func appendStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}
