package insight

import (
	"bytes"
	"os"
	"testing"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/resource"
)

// complete is a full set of fields, with the seed's values where they are valid.
var complete = Fields{
	"id":                                         "6b4978a5-78a5-6b49-a578-496ba578496b",
	"lastUsed.lastAccessedDateTime":              "2016-12-31T23:58:50.8669622+03:00",
	"lastUsed.lastModifiedDateTime":              "2016-12-31T23:58:21.1327021+03:00",
	"resourceVisualization.title":                "Title value",
	"resourceVisualization.type":                 "Word",
	"resourceVisualization.mediaType":            "application/msword",
	"resourceVisualization.previewImageUrl":      "https://example.com/previewImageUrl/",
	"resourceVisualization.previewText":          "Preview Text value",
	"resourceVisualization.containerWebUrl":      "https://example.com/containerWebUrl/",
	"resourceVisualization.containerDisplayName": "Container Display Name value",
	"resourceVisualization.containerType":        "Site",
	"resourceReference.webUrl":                   "https://example.com/webUrl/",
	"resourceReference.id":                       "Id value",
	"resourceReference.type":                     "microsoft.graph.driveItem",
}

func TestBuildSeedOrder(t *testing.T) {
	seed, err := os.ReadFile("testdata/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	f := FieldsOf(seed)
	if len(f) != 12 {
		t.Fatalf("FieldsOf(seed) read %d fields: %v", len(f), f)
	}
	got, err := Format(Build(f, true))
	if err != nil {
		t.Fatal(err)
	}
	// Building the seed's own fields with annotations gives back the seed, byte for byte.
	if want := bytes.TrimSpace(seed); !bytes.Equal(got, want) {
		t.Errorf("Build(FieldsOf(seed)) =\n%s\nwant\n%s", got, want)
	}
}

func TestBuildThenValidate(t *testing.T) {
	for _, annotate := range []bool{false, true} {
		out := Build(complete, annotate)
		if r := Validate(out); len(r.Problems) != 0 {
			t.Errorf("Build(complete, %v) = %s\nproblems %+v", annotate, out, r.Problems)
		}
		if got := gjson.GetBytes(out, `@odata\.type`).Exists(); got != annotate {
			t.Errorf("annotations: got %v, want %v in %s", got, annotate, out)
		}
		// Every field round-trips.
		if back := FieldsOf(out); len(back) != len(complete) {
			t.Errorf("FieldsOf(Build(complete)) = %v", back)
		}
		for k, v := range FieldsOf(out) {
			if complete[k] != v {
				t.Errorf("field %s: got %q, want %q", k, v, complete[k])
			}
		}
	}
}

func TestBuildLeavesOutEmptyFields(t *testing.T) {
	out := string(Build(Fields{"lastUsed.lastAccessedDateTime": "2020-03-16T13:31:55Z", "resourceReference.id": "x", "resourceVisualization.title": ""}, false))
	want := `{"lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z"},"resourceVisualization":{},"resourceReference":{"id":"x"}}`
	if out != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	// The required objects are always there, so only the missing leaves are reported.
	r := Validate(Build(Fields{}, false))
	if g := got(r); len(g) != 2 || g[0].code != CodeMissingMember || g[1].code != CodeMissingReference {
		t.Errorf("Build(empty): %v", g)
	}
}

func TestBuildEscapes(t *testing.T) {
	f := Fields{"lastUsed.lastAccessedDateTime": "2020-03-16T13:31:55Z", "resourceReference.id": "x",
		"resourceVisualization.title": "\"quoted\" \\ </script> \n é 😀 \u2028"}
	out := Build(f, false)
	if got := gjson.GetBytes(out, "resourceVisualization.title").Str; got != f["resourceVisualization.title"] {
		t.Errorf("title = %q", got)
	}
	if r := Validate(out); !r.Valid() {
		t.Errorf("%s: %+v", out, r.Problems)
	}
}

func TestFieldsOfIgnoresNonStrings(t *testing.T) {
	f := FieldsOf([]byte(`{"id": 5, "lastUsed": {"lastAccessedDateTime": null}, "resourceReference": {"id": "x"}, "resourceVisualization": "nope"`))
	if len(f) != 1 || f["resourceReference.id"] != "x" {
		t.Errorf("FieldsOf = %v", f)
	}
}

func TestFormatMinify(t *testing.T) {
	text := []byte(` {"a" : [1, 2,3], "b":{"c":"x y \u00e9","d":{}} , "e":[]}`)
	pretty, err := Format(text)
	if err != nil {
		t.Fatal(err)
	}
	wantPretty := "{\n  \"a\": [\n    1,\n    2,\n    3\n  ],\n  \"b\": {\n    \"c\": \"x y \\u00e9\",\n    \"d\": {}\n  },\n  \"e\": []\n}"
	if string(pretty) != wantPretty {
		t.Errorf("Format =\n%s\nwant\n%s", pretty, wantPretty)
	}
	mini, err := Minify(pretty)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":[1,2,3],"b":{"c":"x y \u00e9","d":{}},"e":[]}`; string(mini) != want {
		t.Errorf("Minify = %s, want %s", mini, want)
	}
	for _, bad := range []string{``, `{"a":}`, `{"a":1} x`, "{\"a\":\"\xff\"}"} {
		if _, err := Format([]byte(bad)); err == nil {
			t.Errorf("Format(%q) succeeded", bad)
		}
		if _, err := Minify([]byte(bad)); err == nil {
			t.Errorf("Minify(%q) succeeded", bad)
		}
	}
}

// FuzzBuild: whatever the field values, Build writes JSON, every field reads back unchanged, and
// the verdict on the built payload never depends on anything but those values; likewise for
// trending and shared items built from the same values (checkBuildOthers).
func FuzzBuild(f *testing.F) {
	f.Add("2016-12-31T23:58:50Z", "Title", "https://example.com/a b", "x", "Word", true)
	f.Add("yesterday", "\"</script>\\", "javascript:x", "", "", false)
	f.Add("0.1583399742569597", "MeganB@contoso.com", "https://contoso.sharepoint.com/a b", "r", "Image", true) // a weight; trending and shared fields
	f.Add("1e400", "", "", "r", "", false)
	f.Fuzz(func(t *testing.T, when, title, url, refID, typ string, annotate bool) {
		in := Fields{"lastUsed.lastAccessedDateTime": when, "resourceVisualization.title": title,
			"resourceReference.webUrl": url, "resourceReference.id": refID, "resourceVisualization.type": typ}
		out := Build(in, annotate)
		if !gjson.ValidBytes(out) {
			t.Fatalf("Build wrote invalid JSON: %s", out)
		}
		back := FieldsOf(out)
		for k, v := range in {
			if string([]rune(v)) != back[k] { // each invalid UTF-8 byte becomes U+FFFD

				t.Fatalf("field %s: wrote %q, read %q", k, v, back[k])
			}
		}
		r := Validate(out)
		for _, p := range r.Problems {
			switch p.Code {
			case CodeMissingMember, CodeMissingReference, CodeInvalidDateTime, CodeInvalidURL, CodeTooLong, CodeUnknownType:
			default:
				t.Fatalf("Build(%v) = %s: unexpected %+v", in, out, p)
			}
		}
		if _, ok := ParseDateTime(when); ok && checkURL(url) == "" && (refID != "" || url != "") && len(title) < MaxStringLen && len(typ) < MaxStringLen && !r.Valid() {
			t.Fatalf("complete fields rejected: %s: %+v", out, r.Problems)
		}
		checkBuildOthers(t, when, title, url, refID, annotate)
	})
}

// checkBuildOthers builds a trending and a shared item from fuzzed values: the JSON is valid,
// every field reads back (a weight that is a number as its text), and the only errors are those
// of the values themselves.
func checkBuildOthers(t *testing.T, when, title, url, refID string, annotate bool) {
	for _, tt := range []struct {
		c  *resource.Collection
		in Fields
	}{
		{resource.TrendingItems, Fields{"weight": when, "lastModifiedDateTime": when, "resourceVisualization.title": title, "resourceReference.webUrl": url, "resourceReference.id": refID}},
		{resource.Shared, Fields{"lastShared.sharedDateTime": when, "lastShared.sharedBy.address": title, "lastShared.sharingReference.webUrl": url, "resourceReference.id": refID}},
	} {
		out := BuildFor(tt.c, tt.in, annotate)
		if !gjson.ValidBytes(out) {
			t.Fatalf("BuildFor(%s) wrote invalid JSON: %s", tt.c.Name, out)
		}
		back := FieldsOfFor(tt.c, out)
		for k, v := range tt.in {
			if string([]rune(v)) != back[k] {
				t.Fatalf("%s field %s: wrote %q, read %q from %s", tt.c.Name, k, v, back[k], out)
			}
		}
		for _, p := range ValidateFor(tt.c, out).Problems {
			switch p.Code {
			case CodeMissingMember, CodeMissingReference, CodeInvalidDateTime, CodeInvalidURL, CodeTooLong, CodeInvalidNumber:
			default:
				t.Fatalf("BuildFor(%s, %v) = %s: unexpected %+v", tt.c.Name, tt.in, out, p)
			}
		}
	}
}
