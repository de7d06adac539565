package insight

import (
	"strings"

	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"
	"github.com/usedinsight/usedinsight/internal/jsoncheck"
	"github.com/usedinsight/usedinsight/internal/resource"
)

// Fields holds an item's property values by JSON path (see FieldPathsFor), as a form edits
// them. A missing or empty value leaves the member out.
type Fields map[string]string

// FieldPaths lists the paths of the usedInsight properties Build writes, in the order of the
// seed payload.
var FieldPaths = FieldPathsFor(resource.Used)

// FieldPathsFor lists the paths of the properties BuildFor writes for an item of collection c:
// every member that is not an object or an array, depth first in the description's order, with
// dotted paths ("lastShared.sharedBy.address"). Array members are not among them.
func FieldPathsFor(c *resource.Collection) []string {
	var paths []string
	var walk func(t *resource.Type, prefix string)
	walk = func(t *resource.Type, prefix string) {
		for _, m := range t.Members {
			switch m.Kind {
			case resource.Object:
				walk(m.Type, prefix+m.Name+".")
			case resource.Array:
			default:
				paths = append(paths, prefix+m.Name)
			}
		}
	}
	walk(c.Type, "")
	return paths
}

// Build constructs a compact usedInsight payload from f (BuildFor used).
func Build(f Fields, odataTypes bool) []byte { return BuildFor(resource.Used, f, odataTypes) }

// BuildFor constructs a compact payload of an item of collection c from f, members in the
// description's order (for used, the seed's). With odataTypes it annotates the object and each
// nested object with its @odata.type, as the seed does. Required objects are always written, so
// that a complete set of fields validates; other objects only when one of their fields is set.
// A Number field is written as a number when it holds one, else as the string it is.
//
// The payload is appended member by member, in order, rather than set path by path with sjson:
// the browser module links this and not sjson's SetBytes, whose fallback to encoding/json's
// Marshal would add the JSON encoder to the module.
func BuildFor(c *resource.Collection, f Fields, odataTypes bool) []byte {
	return appendObject(nil, c.Type, "", "#"+c.Type.FullName(), f, odataTypes)
}

// appendObject appends the object of type t at path prefix (with a trailing "." unless it is
// the payload itself) with the members f gives it; odataType is its annotation's value.
func appendObject(out []byte, t *resource.Type, prefix, odataType string, f Fields, odataTypes bool) []byte {
	out = append(out, '{')
	first := true
	name := func(n string) {
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, '"')
		out = append(out, n...)
		out = append(out, '"', ':')
	}
	if odataTypes {
		name("@odata.type")
		out = gjson.AppendJSONString(out, odataType)
	}
	for _, m := range t.Members {
		path := prefix + m.Name
		switch m.Kind {
		case resource.Array:
		case resource.Object:
			if !m.Required && !anyField(f, path+".") {
				continue
			}
			name(m.Name)
			out = appendObject(out, m.Type, path+".", m.Type.FullName(), f, odataTypes)
		default:
			v := f[path]
			if v == "" {
				continue
			}
			name(m.Name)
			if _, ok := ParseNumber(v); ok && m.Kind == resource.Number {
				out = append(out, v...)
			} else {
				out = gjson.AppendJSONString(out, v)
			}
		}
	}
	return append(out, '}')
}

// anyField reports whether f has a non-empty value under prefix.
func anyField(f Fields, prefix string) bool {
	for k, v := range f {
		if v != "" && strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// FieldsOf reads the string-valued usedInsight properties of a payload (FieldsOfFor used).
func FieldsOf(text []byte) Fields { return FieldsOfFor(resource.Used, text) }

// FieldsOfFor reads the properties of FieldPathsFor(c) of a payload into Fields, for filling a
// form: string values, and the text of numbers for Number members. Members that are absent,
// null or of another JSON type are left out; the text need not be valid.
func FieldsOfFor(c *resource.Collection, text []byte) Fields {
	paths := FieldPathsFor(c)
	f := Fields{}
	for i, r := range gjson.GetManyBytes(text, paths...) {
		if r.Type == gjson.String || r.Type == gjson.Number && isNumberPath(c.Type, paths[i]) {
			f[paths[i]] = r.Str
			if r.Type == gjson.Number {
				f[paths[i]] = r.Raw
			}
		}
	}
	return f
}

// isNumberPath reports whether the member at the dotted path within t is a Number.
func isNumberPath(t *resource.Type, path string) bool {
	for {
		name, rest, more := strings.Cut(path, ".")
		m := t.Member(name)
		if m == nil {
			return false
		}
		if !more {
			return m.Kind == resource.Number
		}
		if m.Type == nil {
			return false
		}
		t, path = m.Type, rest
	}
}

// Format returns the JSON text indented by two spaces, as JSON.stringify(v, null, 2) lays it
// out, but with members in their order and strings exactly as written.
func Format(text []byte) ([]byte, error) {
	if err := jsoncheck.Check(text, 0); err != nil {
		return nil, err
	}
	out := pretty.PrettyOptions(text, &pretty.Options{Indent: "  "})
	return out[:len(out)-1], nil // drop the final newline
}

// Minify returns the JSON text with all insignificant white space removed.
func Minify(text []byte) ([]byte, error) {
	if err := jsoncheck.Check(text, 0); err != nil {
		return nil, err
	}
	return pretty.Ugly(text), nil
}
