package insight

import (
	"slices"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
	"github.com/usedinsight/usedinsight/internal/resource"
)

// Record returns the stored form of a valid usedInsight payload (RecordFor used).
func Record(payload []byte, id string) []byte { return RecordFor(resource.Used, payload, id) }

// RecordFor returns the stored form of a valid payload of an item of collection c: every member
// as sent, in the order sent, values byte for byte, plus "id" (right after a top-level
// @odata.type, or first) when the payload has none. A Number member sent as a string holding a
// number is stored as that number. @odata annotations other than @odata.type are dropped; the
// text is compact.
func RecordFor(c *resource.Collection, payload []byte, id string) []byte {
	out := make([]byte, 0, len(payload)+len(id)+8)
	out = append(out, '{')
	hasID, at := false, 0 // at: where "id" goes, right after the first @odata.type's value
	gjson.ParseBytes(payload).ForEach(func(key, val gjson.Result) bool {
		if key.Str == "id" {
			hasID = true
		}
		if dropped(key.Str) {
			return true
		}
		out = appendName(out, key.Str)
		m := c.Type.Member(key.Str)
		switch {
		case m != nil && m.Type != nil && (val.IsObject() || val.IsArray()):
			out = appendValue(out, val, m)
		case val.IsObject():
			out = appendCompactObject(out, val, nil)
		case m != nil && m.Kind == resource.Number && val.Type == gjson.String:
			out = append(out, val.Str...) // ValidateFor accepted it: a JSON number
		default:
			out = append(out, val.Raw...)
		}
		if at == 0 && key.Str == odataTypeAnnotation {
			at = len(out)
		}
		return true
	})
	out = append(out, '}')
	if hasID {
		return out
	}
	// Inserted once the walk knows whether the payload has an id, rather than looked up first.
	member := gjson.AppendJSONString(append(make([]byte, 0, len(id)+8), `,"id":`...), id)
	switch {
	case at > 0:
	case len(out) == 2: // {}
		at, member = 1, member[1:]
	default:
		at, member = 1, append(member[1:], ',')
	}
	return slices.Insert(out, at, member...)
}

// appendValue appends the stored form of val, the value of member m (nil when undescribed):
// compact, without dropped annotations in described objects, numbers sent as strings as numbers.
func appendValue(out []byte, val gjson.Result, m *resource.Member) []byte {
	switch {
	case m == nil:
	case m.Kind == resource.Object && val.IsObject():
		return appendCompactObject(out, val, m.Type)
	case m.Kind == resource.Array && val.IsArray():
		out = append(out, '[')
		elem := &resource.Member{Name: m.Name, Kind: resource.Object, Type: m.Type}
		first := true
		val.ForEach(func(_, v gjson.Result) bool {
			if !first {
				out = append(out, ',')
			}
			first = false
			out = appendValue(out, v, elem)
			return true
		})
		return append(out, ']')
	case m.Kind == resource.Number && val.Type == gjson.String:
		return append(out, val.Str...)
	}
	return appendCompact(out, val.Raw)
}

// Merge applies a PATCH body to a stored usedInsight record (MergeFor used).
func Merge(record, patch []byte) []byte { return MergeFor(resource.Used, record, patch) }

// MergeFor applies a PATCH body to a stored record of collection c: members of nested objects
// are merged one by one, at any depth, arrays and other members replaced whole, and annotations
// other than @odata.type ignored. The patch must have passed ValidatePatchFor; the caller
// validates the result.
func MergeFor(c *resource.Collection, record, patch []byte) []byte {
	out := append([]byte(nil), record...)
	var merge func(prefix string, obj gjson.Result)
	merge = func(prefix string, obj gjson.Result) {
		obj.ForEach(func(key, val gjson.Result) bool {
			name := key.Str
			path := prefix + escapePath(name)
			switch {
			case dropped(name):
			case val.IsObject() && gjson.GetBytes(out, path).IsObject():
				merge(path+".", val)
			default:
				raw := []byte(val.Raw)
				if val.IsObject() {
					raw = compactObject(val)
				}
				out, _ = sjson.SetRawBytes(out, path, raw)
			}
			return true
		})
	}
	merge("", gjson.ParseBytes(patch))
	return RecordFor(c, out, "")
}

// dropped reports whether a member is an annotation that is accepted but not stored.
func dropped(name string) bool {
	return len(name) > len(odataAnnotationPrefix) && name[:len(odataAnnotationPrefix)] == odataAnnotationPrefix && name != odataTypeAnnotation
}

// compactObject copies an object's members without dropped annotations or white space.
func compactObject(obj gjson.Result) []byte { return appendCompactObject(nil, obj, nil) }

// appendCompactObject appends an object's members without dropped annotations or white space;
// t, when not nil, is the object's type, whose members are stored as appendValue stores them.
func appendCompactObject(out []byte, obj gjson.Result, t *resource.Type) []byte {
	out = append(out, '{')
	obj.ForEach(func(key, val gjson.Result) bool {
		if !dropped(key.Str) {
			out = appendName(out, key.Str)
			if t != nil {
				out = appendValue(out, val, t.Member(key.Str))
			} else {
				out = appendCompact(out, val.Raw)
			}
		}
		return true
	})
	return append(out, '}')
}

// appendCompact appends a JSON value without white space outside strings.
func appendCompact(out []byte, raw string) []byte {
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			min, _ := Minify([]byte(raw))
			return append(out, min...)
		}
	}
	return append(out, raw...)
}

// appendName appends a member's name and colon, after a comma unless it is the first member.
func appendName(out []byte, name string) []byte {
	if out[len(out)-1] != '{' {
		out = append(out, ',')
	}
	out = gjson.AppendJSONString(out, name)
	return append(out, ':')
}

// escapePath escapes a member name for use as one sjson path component.
func escapePath(name string) string {
	var b []byte
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '.', '*', '?', '@', '|', '#', '\\', ':', '!', '=', '<', '>', '%':
			b = append(b, '\\', c)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
