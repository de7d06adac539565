package insight

import (
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// Record returns the stored form of a valid payload: every member as sent, in the order sent,
// values byte for byte, plus "id" (right after a top-level @odata.type, or first) when the
// payload has none. @odata annotations other than @odata.type are dropped; the text is compact.
func Record(payload []byte, id string) []byte {
	root := gjson.ParseBytes(payload)
	out := make([]byte, 0, len(payload)+len(id)+8)
	out = append(out, '{')
	needID := !root.Get("id").Exists()
	if needID && !root.Get(`\@odata\.type`).Exists() {
		out = gjson.AppendJSONString(appendName(out, "id"), id)
		needID = false
	}
	root.ForEach(func(key, val gjson.Result) bool {
		if dropped(key.Str) {
			return true
		}
		out = appendName(out, key.Str)
		if val.IsObject() {
			out = appendCompactObject(out, val)
		} else {
			out = append(out, val.Raw...)
		}
		if needID && key.Str == odataTypeAnnotation {
			out = gjson.AppendJSONString(appendName(out, "id"), id)
			needID = false
		}
		return true
	})
	return append(out, '}')
}

// Merge applies a PATCH body to a stored record: members of the three nested objects are merged
// one by one, other members replaced, and annotations other than @odata.type ignored.
// The patch must have passed ValidatePatch; the caller validates the result.
func Merge(record, patch []byte) []byte {
	out := append([]byte(nil), record...)
	gjson.ParseBytes(patch).ForEach(func(key, val gjson.Result) bool {
		name := key.Str
		switch {
		case dropped(name):
		case val.IsObject() && gjson.GetBytes(out, name).IsObject():
			val.ForEach(func(k, v gjson.Result) bool {
				if !dropped(k.Str) {
					out, _ = sjson.SetRawBytes(out, name+"."+escapePath(k.Str), []byte(v.Raw))
				}
				return true
			})
		default:
			raw := []byte(val.Raw)
			if val.IsObject() {
				raw = compactObject(val)
			}
			out, _ = sjson.SetRawBytes(out, escapePath(name), raw)
		}
		return true
	})
	return Record(out, "")
}

// dropped reports whether a member is an annotation that is accepted but not stored.
func dropped(name string) bool {
	return len(name) > len(odataAnnotationPrefix) && name[:len(odataAnnotationPrefix)] == odataAnnotationPrefix && name != odataTypeAnnotation
}

// compactObject copies an object's members without dropped annotations or white space.
func compactObject(obj gjson.Result) []byte { return appendCompactObject(nil, obj) }

// appendCompactObject appends an object's members without dropped annotations or white space.
func appendCompactObject(out []byte, obj gjson.Result) []byte {
	out = append(out, '{')
	obj.ForEach(func(key, val gjson.Result) bool {
		if !dropped(key.Str) {
			out = appendCompact(appendName(out, key.Str), val.Raw)
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
