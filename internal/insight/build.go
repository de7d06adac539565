package insight

import (
	"strings"

	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"
	"github.com/tidwall/sjson"
	"github.com/usedinsight/usedinsight/internal/jsoncheck"
)

// Fields holds a usedInsight's property values by JSON path (see FieldPaths), as a form edits
// them. A missing or empty value leaves the member out.
type Fields map[string]string

// FieldPaths lists the paths of the properties Build writes, in the order of the seed payload.
var FieldPaths = []string{
	"id",
	"lastUsed.lastAccessedDateTime",
	"lastUsed.lastModifiedDateTime",
	"resourceVisualization.title",
	"resourceVisualization.type",
	"resourceVisualization.mediaType",
	"resourceVisualization.previewImageUrl",
	"resourceVisualization.previewText",
	"resourceVisualization.containerWebUrl",
	"resourceVisualization.containerDisplayName",
	"resourceVisualization.containerType",
	"resourceReference.webUrl",
	"resourceReference.id",
	"resourceReference.type",
}

// odataTypePath is "@odata.type" as an sjson path: '@' and '.' escaped, else sjson ignores it.
const odataTypePath = `\@odata\.type`

// objects lists the nested objects Build always writes, with their OData types, in seed order.
var objects = []struct{ name, odataType string }{
	{"lastUsed", TypeUsage},
	{"resourceVisualization", TypeVisual},
	{"resourceReference", TypeReference},
}

// Build constructs a compact usedInsight payload from f, members in the seed's order. With
// odataTypes it annotates the object and each nested object with its @odata.type, as the seed does.
// The three nested objects are always written, so a complete set of fields validates.
func Build(f Fields, odataTypes bool) []byte {
	out := []byte("{}")
	var err error
	set := func(path string, value any) {
		if out, err = sjson.SetBytes(out, path, value); err != nil {
			panic("insight: Build: " + err.Error()) // the paths are constants: a bug, not input
		}
	}
	if odataTypes {
		set(odataTypePath, "#"+TypeUsed)
	}
	if id := f["id"]; id != "" {
		set("id", id)
	}
	for _, o := range objects {
		set(o.name, struct{}{})
		if odataTypes {
			set(o.name+"."+odataTypePath, o.odataType)
		}
		for _, p := range FieldPaths {
			if v := f[p]; v != "" && strings.HasPrefix(p, o.name+".") {
				set(p, v)
			}
		}
	}
	return out
}

// FieldsOf reads the string-valued properties of a payload into Fields, for filling a form.
// Members that are absent, null or not strings are left out; the text need not be valid.
func FieldsOf(text []byte) Fields {
	f := Fields{}
	for i, r := range gjson.GetManyBytes(text, FieldPaths...) {
		if r.Type == gjson.String {
			f[FieldPaths[i]] = r.Str
		}
	}
	return f
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
