package insight

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
	"github.com/usedinsight/usedinsight/internal/resource"
)

// valid is a payload with no problems at all, in the seed's shape.
const valid = `{
  "@odata.type": "#microsoft.graph.usedInsight",
  "id": "Abk3ZeZmlghMhUVKP9mygDoPEPUbLediT7xb7UyGkIkm",
  "lastUsed": {
    "@odata.type": "microsoft.graph.usageDetails",
    "lastAccessedDateTime": "2016-12-31T23:58:50.8669622+03:00",
    "lastModifiedDateTime": "2016-12-31T23:58:21.1327021+03:00"
  },
  "resourceVisualization": {
    "@odata.type": "microsoft.graph.resourceVisualization",
    "title": "Org Chart",
    "type": "Visio",
    "mediaType": "application/vnd.visio",
    "previewImageUrl": "https://contoso.sharepoint.com/_api/v2.0/drives/b!uTdl/thumbnails/0/small/thumbnailContent",
    "previewText": "Page-1",
    "containerWebUrl": "https://contoso.sharepoint.com/sites/Retail/Shared Documents/NC460 Sales",
    "containerDisplayName": "Retail",
    "containerType": "Site"
  },
  "resourceReference": {
    "@odata.type": "microsoft.graph.resourceReference",
    "webUrl": "https://contoso.sharepoint.com/sites/Retail/_layouts/15/Doc.aspx?sourcedoc=%7BF4463999%7D&file=Org%20Chart.vsdx",
    "id": "drives/b!uTdl5maWCEyFRUo_2bKAOg8Q9Rst52JPvFvtTIaQiSaOy9HgmWBFQYDbyM0zog0D/items/01JSNPH6EZHFDPJNKPRNHZTFEWRRLDKPC3",
    "type": "microsoft.graph.driveItem"
  }
}`

// edit describes a change to the valid payload: set a path to raw JSON, or delete it (raw "").
type edit struct{ path, raw string }

func apply(t testing.TB, base string, edits ...edit) string {
	t.Helper()
	s := base
	var err error
	for _, e := range edits {
		if e.raw == "" {
			s, err = sjson.Delete(s, e.path)
		} else {
			s, err = sjson.SetRaw(s, e.path, e.raw)
		}
		if err != nil {
			t.Fatalf("edit %v: %v", e, err)
		}
	}
	return s
}

// want is an expected problem: code and path, error unless warn.
type want struct {
	code, path string
	warn       bool
}

func (w want) String() string {
	sev := "error"
	if w.warn {
		sev = "warning"
	}
	return fmt.Sprintf("%s %s at %q", sev, w.code, w.path)
}

func got(r Report) []want {
	var out []want
	for _, p := range r.Problems {
		out = append(out, want{p.Code, p.Path, p.Severity == Warning})
	}
	return out
}

func TestValidateRules(t *testing.T) {
	long := func(n int) string { return `"` + strings.Repeat("é", n) + `"` }
	url := func(n int) string {
		return `"https://example.com/` + strings.Repeat("a", n-len("https://example.com/")) + `"`
	}
	idOf := func(n int) string { return `"` + strings.Repeat("A", n) + `"` }
	tests := []struct {
		name  string
		edits []edit
		want  []want
	}{
		{"valid", nil, nil},
		// id
		{"id absent", []edit{{"id", ""}}, nil},
		{"id 512 characters", []edit{{"id", idOf(512)}}, nil},
		{"id 513 characters", []edit{{"id", idOf(513)}}, []want{{CodeInvalidID, "id", false}}},
		{"id all allowed characters", []edit{{"id", `"AZaz09-_.~"`}}, nil},
		{"id empty", []edit{{"id", `""`}}, []want{{CodeInvalidID, "id", false}}},
		{"id with slash", []edit{{"id", `"a/b"`}}, []want{{CodeInvalidID, "id", false}}},
		{"id with space", []edit{{"id", `"a b"`}}, []want{{CodeInvalidID, "id", false}}},
		{"id with non-ASCII", []edit{{"id", `"café"`}}, []want{{CodeInvalidID, "id", false}}},
		{"id number", []edit{{"id", `42`}}, []want{{CodeWrongType, "id", false}}},
		{"id null", []edit{{"id", `null`}}, []want{{CodeWrongType, "id", false}}},
		// required objects
		{"lastUsed missing", []edit{{"lastUsed", ""}}, []want{{CodeMissingMember, "lastUsed", false}}},
		{"lastUsed null", []edit{{"lastUsed", `null`}}, []want{{CodeWrongType, "lastUsed", false}}},
		{"lastUsed string", []edit{{"lastUsed", `"2016-12-31T23:58:50Z"`}}, []want{{CodeWrongType, "lastUsed", false}}},
		{"lastUsed array", []edit{{"lastUsed", `[]`}}, []want{{CodeWrongType, "lastUsed", false}}},
		{"resourceVisualization missing", []edit{{"resourceVisualization", ""}}, []want{{CodeMissingMember, "resourceVisualization", false}}},
		{"resourceVisualization null", []edit{{"resourceVisualization", `null`}}, []want{{CodeWrongType, "resourceVisualization", false}}},
		{"resourceVisualization empty object", []edit{{"resourceVisualization", `{}`}}, nil},
		{"resourceReference missing", []edit{{"resourceReference", ""}}, []want{{CodeMissingMember, "resourceReference", false}}},
		{"resourceReference null", []edit{{"resourceReference", `null`}}, []want{{CodeWrongType, "resourceReference", false}}},
		{"resourceReference number", []edit{{"resourceReference", `1`}}, []want{{CodeWrongType, "resourceReference", false}}},
		// lastUsed
		{"lastAccessedDateTime missing", []edit{{"lastUsed.lastAccessedDateTime", ""}}, []want{{CodeMissingMember, "lastUsed.lastAccessedDateTime", false}}},
		{"lastAccessedDateTime null", []edit{{"lastUsed.lastAccessedDateTime", `null`}}, []want{{CodeWrongType, "lastUsed.lastAccessedDateTime", false}}},
		{"lastAccessedDateTime number", []edit{{"lastUsed.lastAccessedDateTime", `1483228730`}}, []want{{CodeWrongType, "lastUsed.lastAccessedDateTime", false}}},
		{"lastAccessedDateTime yesterday", []edit{{"lastUsed.lastAccessedDateTime", `"yesterday"`}}, []want{{CodeInvalidDateTime, "lastUsed.lastAccessedDateTime", false}}},
		{"lastModifiedDateTime null", []edit{{"lastUsed.lastModifiedDateTime", `null`}}, nil},
		{"lastModifiedDateTime absent", []edit{{"lastUsed.lastModifiedDateTime", ""}}, nil},
		{"lastModifiedDateTime year 0001", []edit{{"lastUsed.lastModifiedDateTime", `"0001-01-01T00:00:00Z"`}}, nil},
		{"lastModifiedDateTime bad", []edit{{"lastUsed.lastModifiedDateTime", `"2016-02-30T00:00:00Z"`}}, []want{{CodeInvalidDateTime, "lastUsed.lastModifiedDateTime", false}}},
		{"lastModifiedDateTime boolean", []edit{{"lastUsed.lastModifiedDateTime", `true`}}, []want{{CodeWrongType, "lastUsed.lastModifiedDateTime", false}}},
		// resourceVisualization strings
		{"title null", []edit{{"resourceVisualization.title", `null`}}, nil},
		{"title empty", []edit{{"resourceVisualization.title", `""`}}, nil},
		{"title number", []edit{{"resourceVisualization.title", `1`}}, []want{{CodeWrongType, "resourceVisualization.title", false}}},
		{"title object", []edit{{"resourceVisualization.title", `{"a":1}`}}, []want{{CodeWrongType, "resourceVisualization.title", false}}},
		{"title 4096 characters", []edit{{"resourceVisualization.title", long(4096)}}, nil},
		{"title 4097 characters", []edit{{"resourceVisualization.title", long(4097)}}, []want{{CodeTooLong, "resourceVisualization.title", false}}},
		{"previewText 4097 characters", []edit{{"resourceVisualization.previewText", long(4097)}}, []want{{CodeTooLong, "resourceVisualization.previewText", false}}},
		{"containerDisplayName array", []edit{{"resourceVisualization.containerDisplayName", `[]`}}, []want{{CodeWrongType, "resourceVisualization.containerDisplayName", false}}},
		{"resourceReference.type 4097 characters", []edit{{"resourceReference.type", long(4097)}}, []want{{CodeTooLong, "resourceReference.type", false}}},
		{"resourceReference.id 4097 characters", []edit{{"resourceReference.id", long(4097)}}, []want{{CodeTooLong, "resourceReference.id", false}}},
		// URLs
		{"previewImageUrl javascript", []edit{{"resourceVisualization.previewImageUrl", `"javascript:alert(1)"`}}, []want{{CodeInvalidURL, "resourceVisualization.previewImageUrl", false}}},
		{"previewImageUrl data", []edit{{"resourceVisualization.previewImageUrl", `"data:text/html,<script>alert(1)</script>"`}}, []want{{CodeInvalidURL, "resourceVisualization.previewImageUrl", false}}},
		{"previewImageUrl relative", []edit{{"resourceVisualization.previewImageUrl", `"/sites/a.png"`}}, []want{{CodeInvalidURL, "resourceVisualization.previewImageUrl", false}}},
		{"previewImageUrl null", []edit{{"resourceVisualization.previewImageUrl", `null`}}, nil},
		{"containerWebUrl empty", []edit{{"resourceVisualization.containerWebUrl", `""`}}, nil},
		{"containerWebUrl ftp", []edit{{"resourceVisualization.containerWebUrl", `"ftp://example.com/a"`}}, []want{{CodeInvalidURL, "resourceVisualization.containerWebUrl", false}}},
		{"containerWebUrl number", []edit{{"resourceVisualization.containerWebUrl", `7`}}, []want{{CodeWrongType, "resourceVisualization.containerWebUrl", false}}},
		{"webUrl 2048 characters", []edit{{"resourceReference.webUrl", url(2048)}}, nil},
		{"webUrl 2049 characters", []edit{{"resourceReference.webUrl", url(2049)}}, []want{{CodeInvalidURL, "resourceReference.webUrl", false}}},
		{"webUrl no host", []edit{{"resourceReference.webUrl", `"https:///path"`}}, []want{{CodeInvalidURL, "resourceReference.webUrl", false}}},
		{"webUrl http with port", []edit{{"resourceReference.webUrl", `"http://127.0.0.1:8787/a b"`}}, nil},
		// resourceReference needs id or webUrl
		{"reference id only", []edit{{"resourceReference.webUrl", ""}}, nil},
		{"reference webUrl only", []edit{{"resourceReference.id", ""}}, nil},
		{"reference neither", []edit{{"resourceReference.id", ""}, {"resourceReference.webUrl", ""}}, []want{{CodeMissingReference, "resourceReference", false}}},
		{"reference both empty", []edit{{"resourceReference.id", `""`}, {"resourceReference.webUrl", `""`}}, []want{{CodeMissingReference, "resourceReference", false}}},
		{"reference both null", []edit{{"resourceReference.id", `null`}, {"resourceReference.webUrl", `null`}}, []want{{CodeMissingReference, "resourceReference", false}}},
		{"reference empty object", []edit{{"resourceReference", `{}`}}, []want{{CodeMissingReference, "resourceReference", false}}},
		{"reference id wrong type and no webUrl", []edit{{"resourceReference.id", `5`}, {"resourceReference.webUrl", ""}}, []want{{CodeMissingReference, "resourceReference", false}, {CodeWrongType, "resourceReference.id", false}}},
		// unknown members and annotations
		{"unknown top-level member", []edit{{"foo", `1`}}, []want{{CodeUnknownMember, "foo", false}}},
		{"unknown nested member", []edit{{"lastUsed.foo", `"x"`}}, []want{{CodeUnknownMember, "lastUsed.foo", false}}},
		{"navigation property resource", []edit{{"resource", `{}`}}, []want{{CodeUnknownMember, "resource", false}}},
		{"member names are case-sensitive", []edit{{"resourceReference.WebUrl", `"https://example.com/"`}}, []want{{CodeUnknownMember, "resourceReference.WebUrl", false}}},
		{"odata.type without hash", []edit{{`\@odata\.type`, `"microsoft.graph.usedInsight"`}}, nil},
		{"odata.type absent", []edit{{`\@odata\.type`, ""}, {`lastUsed.\@odata\.type`, ""}}, nil},
		{"odata.type wrong", []edit{{`\@odata\.type`, `"#microsoft.graph.sharedInsight"`}}, []want{{CodeInvalidODataType, "@odata.type", false}}},
		{"odata.type of nested wrong", []edit{{`lastUsed.\@odata\.type`, `"#microsoft.graph.usedInsight"`}}, []want{{CodeInvalidODataType, "lastUsed.@odata.type", false}}},
		{"odata.type number", []edit{{`resourceReference.\@odata\.type`, `1`}}, []want{{CodeInvalidODataType, "resourceReference.@odata.type", false}}},
		{"odata.type double hash", []edit{{`\@odata\.type`, `"##microsoft.graph.usedInsight"`}}, []want{{CodeInvalidODataType, "@odata.type", false}}},
		{"other odata annotations accepted", []edit{{`\@odata\.etag`, `"W/\"1\""`}, {`resourceVisualization.\@odata\.id`, `"x"`}, {`\@odata\.context`, `{"a":[1]}`}}, nil},
		{"non-odata annotation", []edit{{`\@microsoft\.graph\.tips`, `"x"`}}, []want{{CodeUnknownMember, "@microsoft.graph.tips", false}}},
		// warnings do not block
		{"type lower-case spsite", []edit{{"resourceVisualization.type", `"spsite"`}}, nil},
		{"type unknown", []edit{{"resourceVisualization.type", `"Spreadsheet"`}}, []want{{CodeUnknownType, "resourceVisualization.type", true}}},
		{"containerType DropBox any case", []edit{{"resourceVisualization.containerType", `"dropbox"`}}, nil},
		{"containerType unknown", []edit{{"resourceVisualization.containerType", `"Teams"`}}, []want{{CodeUnknownContainer, "resourceVisualization.containerType", true}}},
		{"mediaType with parameters", []edit{{"resourceVisualization.mediaType", `"text/html; charset=utf-8"`}}, nil},
		{"mediaType vendor", []edit{{"resourceVisualization.mediaType", `"application/vnd.openxmlformats-officedocument.wordprocessingml.document"`}}, nil},
		{"mediaType words", []edit{{"resourceVisualization.mediaType", `"Media Type value"`}}, []want{{CodeInvalidMediaType, "resourceVisualization.mediaType", true}}},
		{"mediaType no subtype", []edit{{"resourceVisualization.mediaType", `"text/"`}}, []want{{CodeInvalidMediaType, "resourceVisualization.mediaType", true}}},
		// everything at once, in text order
		{"many problems at once", []edit{
			{"id", `"a b"`},
			{"lastUsed.lastAccessedDateTime", `"yesterday"`},
			{"resourceVisualization.type", `"Spreadsheet"`},
			{"resourceVisualization.previewImageUrl", `"javascript:x"`},
			{"resourceReference", `{}`},
			{"extra", `true`},
		}, []want{
			{CodeInvalidID, "id", false},
			{CodeInvalidDateTime, "lastUsed.lastAccessedDateTime", false},
			{CodeUnknownType, "resourceVisualization.type", true},
			{CodeInvalidURL, "resourceVisualization.previewImageUrl", false},
			{CodeMissingReference, "resourceReference", false},
			{CodeUnknownMember, "extra", false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := apply(t, valid, tt.edits...)
			r := Validate([]byte(text))
			if g := got(r); fmt.Sprint(g) != fmt.Sprint(tt.want) {
				t.Errorf("problems:\n got %v\nwant %v\ntext: %s", g, tt.want, text)
			}
			wantValid := true
			for _, w := range tt.want {
				wantValid = wantValid && w.warn
			}
			if r.Valid() != wantValid {
				t.Errorf("Valid() = %v, want %v", r.Valid(), wantValid)
			}
			for _, p := range r.Problems {
				if p.Message == "" {
					t.Errorf("%s: empty message", p.Code)
				}
			}
		})
	}
}

func TestValidateBody(t *testing.T) {
	big := `{"lastUsed":{"lastAccessedDateTime":"2016-12-31T23:58:50Z"},"resourceVisualization":{"previewText":"` +
		strings.Repeat("x", MaxBodyBytes) + `"},"resourceReference":{"id":"x"}}`
	tests := []struct {
		name, text string
		code       string
		offset     int
	}{
		{"empty", ``, CodeEmptyBody, 0},
		{"white space", "  \n ", CodeEmptyBody, 4},
		{"array", `[1]`, CodeNotAnObject, 0},
		{"string", ` "x"`, CodeNotAnObject, 1},
		{"null", `null`, CodeNotAnObject, 0},
		{"malformed", `{"lastUsed": }`, CodeInvalidJSON, 13},
		{"truncated", `{"lastUsed": {`, CodeTruncatedJSON, 14},
		{"trailing data", `{} {}`, CodeTrailingData, 3},
		{"byte order mark", "\xEF\xBB\xBF{}", CodeByteOrderMark, 0},
		{"invalid UTF-8", "{\"id\": \"a\xffb\"}", CodeInvalidUTF8, 9},
		{"UTF-16", "\xFF\xFE{\x00}\x00", CodeInvalidUTF8, 0},
		{"raw control character", "{\"id\": \"a\tb\"}", CodeControlCharacter, 9},
		{"nesting 9 deep", `{"a":[[[[[[[[1]]]]]]]]}`, CodeNestingTooDeep, 12},
		{"nesting 10k deep", strings.Repeat(`{"a":`, 10000), CodeNestingTooDeep, 40},
		{"NaN", `{"id": NaN}`, CodeInvalidJSON, 7},
		{"over 64 KiB", big, CodeBodyTooLarge, MaxBodyBytes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Validate([]byte(tt.text))
			if len(r.Problems) != 1 {
				t.Fatalf("got %d problems %+v, want one %s", len(r.Problems), r.Problems, tt.code)
			}
			p := r.Problems[0]
			if p.Code != tt.code || p.Offset != tt.offset || p.Severity != Error || r.Valid() {
				t.Errorf("got %s %s at %d (%s), want error %s at %d", p.Severity, p.Code, p.Offset, p.Message, tt.code, tt.offset)
			}
		})
	}
}

func TestNestingLimitIsEight(t *testing.T) {
	eight := apply(t, valid, edit{`\@odata\.context`, `[[[[[[[1]]]]]]]`}) // 1 + 7 levels
	if r := Validate([]byte(eight)); !r.Valid() {
		t.Errorf("8 levels of nesting rejected: %+v", r.Problems)
	}
	nine := apply(t, valid, edit{`\@odata\.context`, `[[[[[[[[1]]]]]]]]`})
	if r := Validate([]byte(nine)); r.Valid() || r.Problems[0].Code != CodeNestingTooDeep {
		t.Errorf("9 levels of nesting: %+v", r.Problems)
	}
}

func TestDuplicateMembers(t *testing.T) {
	tests := []struct {
		name, text string
		want       []want
	}{
		{"top-level", strings.Replace(valid, `"id":`, `"lastUsed": {}, "id":`, 1), []want{{CodeMissingMember, "lastUsed.lastAccessedDateTime", false}, {CodeDuplicateMember, "lastUsed", false}}},
		{"nested", strings.Replace(valid, `"title": "Org Chart",`, `"title": "Org Chart", "title": "Other",`, 1), []want{{CodeDuplicateMember, "resourceVisualization.title", false}}},
		{"escaped name", strings.Replace(valid, `"id":`, `"i\u0064": "x", "id":`, 1), []want{{CodeDuplicateMember, "id", false}}},
		{"annotation", strings.Replace(valid, `"id":`, `"@odata.type": "#microsoft.graph.usedInsight", "id":`, 1), []want{{CodeDuplicateMember, "@odata.type", false}}},
		{"inside an annotation", strings.Replace(valid, `"id":`, `"@odata.x": {"a": 1, "a": 2}, "id":`, 1), []want{{CodeDuplicateMember, "@odata.x.a", false}}},
		{"inside an unknown member", strings.Replace(valid, `"id":`, `"x": [{"a": 1, "a": 2}], "id":`, 1), []want{{CodeUnknownMember, "x", false}, {CodeDuplicateMember, "x[0].a", false}}},
		{"unknown twice", strings.Replace(valid, `"id":`, `"x": 1, "x": 2, "id":`, 1), []want{{CodeUnknownMember, "x", false}, {CodeDuplicateMember, "x", false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g := got(Validate([]byte(tt.text))); fmt.Sprint(g) != fmt.Sprint(tt.want) {
				t.Errorf("got %v\nwant %v", g, tt.want)
			}
		})
	}
}

func TestPositions(t *testing.T) {
	// Problems point at the start of the offending value, or at the member name for unknown and
	// duplicate members; columns count UTF-16 code units.
	text := "{\n" +
		"  \"lastUsed\": {\"lastAccessedDateTime\": \"yesterday\"},\n" + // value at line 2
		"  \"resourceVisualization\": {\"title\": \"é😀\", \"type\": \"Spreadsheet\"},\n" +
		"  \"resourceReference\": {\"id\": \"x\"},\n" +
		"  \"bogus\": 1\n" +
		"}"
	r := Validate([]byte(text))
	tests := []struct {
		code         string
		line, column int
		at           string // the text at Offset
	}{
		{CodeInvalidDateTime, 2, 40, `"yesterday"`},
		{CodeUnknownType, 3, 53, `"Spreadsheet"`}, // é is 1 UTF-16 unit (2 bytes), 😀 is 2 (4 bytes)
		{CodeUnknownMember, 5, 3, `"bogus"`},
	}
	if len(r.Problems) != len(tests) {
		t.Fatalf("got %+v", r.Problems)
	}
	for i, tt := range tests {
		p := r.Problems[i]
		if p.Code != tt.code || p.Line != tt.line || p.Column != tt.column || !strings.HasPrefix(text[p.Offset:], tt.at) {
			t.Errorf("problem %d: got %s at line %d column %d (%q…), want %s at %d:%d (%s)", i, p.Code, p.Line, p.Column, text[p.Offset:min(len(text), p.Offset+12)], tt.code, tt.line, tt.column, tt.at)
		}
	}
	// A missing member points at its object.
	r = Validate([]byte(`{"lastUsed": {}, "resourceVisualization": {}, "resourceReference": {"id": "x"}}`))
	if len(r.Problems) != 1 || r.Problems[0].Offset != 13 || r.Problems[0].Column != 14 {
		t.Errorf("missing member: %+v", r.Problems)
	}
}

func TestTooManyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"lastUsed":{"lastAccessedDateTime":"2016-12-31T23:58:50Z"},"resourceVisualization":{},"resourceReference":{"id":"x"}`)
	for i := range 500 {
		fmt.Fprintf(&b, `,"x%d":1`, i)
	}
	b.WriteString("}")
	r := Validate([]byte(b.String()))
	if len(r.Problems) != MaxProblems+1 {
		t.Fatalf("got %d problems, want %d", len(r.Problems), MaxProblems+1)
	}
	last := r.Problems[MaxProblems]
	if last.Code != CodeTooManyProblems || !strings.HasPrefix(last.Message, "400 more") {
		t.Errorf("last problem = %+v", last)
	}
}

// TestGraphSamples validates every item of the real Graph responses in testdata/graph (copied
// from shared/reference/graph) as an item of the collection the file name names (used unless it
// names trending or shared): each must be valid, warnings allowed only where the data really
// deviates from the documented values.
func TestGraphSamples(t *testing.T) {
	files, _ := filepath.Glob("testdata/graph/*.json")
	n := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := resource.Used
		for _, other := range resource.Collections {
			if strings.Contains(filepath.Base(f), "-"+other.Name) {
				c = other
			}
		}
		items := gjson.GetBytes(data, "value").Array()
		if gjson.GetBytes(data, firstRequired(c)).Exists() { // a single item
			items = []gjson.Result{gjson.ParseBytes(data)}
		}
		for i, item := range items {
			raw := item.Raw
			if gjson.Get(raw, "_source").Exists() {
				raw, _ = sjson.Delete(raw, "_source")
			}
			if r := ValidateFor(c, []byte(raw)); len(r.Problems) != 0 {
				t.Errorf("%s item %d (%s): %+v", f, i, c.Name, r.Problems)
			}
			n[c.Name]++
		}
	}
	if n["used"] < 5 || n["trending"] < 1 || n["shared"] < 1 {
		t.Fatalf("validated %v Graph items, want at least 5 used, 1 trending, 1 shared", n)
	}
}

// firstRequired returns the name of the first required member of c's items.
func firstRequired(c *resource.Collection) string {
	for _, m := range c.Type.Members {
		if m.Required {
			return m.Name
		}
	}
	return ""
}

// TestGraphSamplesMatchShared keeps the testdata copies honest when shared/ is beside the repo:
// each copy must equal its original. (The reference holds more than the copies: samples of
// other resources are copied where a test uses them.)
func TestGraphSamplesMatchShared(t *testing.T) {
	const ref = "../../../shared/reference/graph"
	if _, err := os.Stat(ref); err != nil {
		t.Skip("shared/reference/graph is not beside this checkout")
	}
	copies, _ := filepath.Glob("testdata/graph/*.json")
	if len(copies) == 0 {
		t.Fatal("no copies in testdata/graph")
	}
	for _, f := range copies {
		got, _ := os.ReadFile(f)
		want, err := os.ReadFile(filepath.Join(ref, filepath.Base(f)))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s differs from its original in %s (%v)", f, ref, err)
		}
	}
}

func TestSeedPayload(t *testing.T) {
	data, err := os.ReadFile("testdata/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	r := Validate(data)
	want := []want{
		{CodeUnknownType, "resourceVisualization.type", true},
		{CodeInvalidMediaType, "resourceVisualization.mediaType", true},
		{CodeUnknownContainer, "resourceVisualization.containerType", true},
	}
	if g := got(r); fmt.Sprint(g) != fmt.Sprint(want) || !r.Valid() {
		t.Errorf("seed: got %v, want %v", g, want)
	}
	if p := r.Problems[0]; p.Line != 11 || p.Column != 13 {
		t.Errorf("seed type warning at %d:%d, want 11:13", p.Line, p.Column)
	}
}

// FuzzValidate checks Validate and ValidatePatch on arbitrary bodies: neither panics; their
// problems are well formed, at most MaxProblems and one more, in order of offset; a payload
// that Validate accepts has the shape every reader relies on and is a valid patch too; and a
// patch that ValidatePatch accepts merges into a stored record (Merge) as JSON that carries
// every member of the patch, as encoding/json reads the patch. The same body is then checked
// as a trending and a shared item (see checkOtherCollections).
func FuzzValidate(f *testing.F) {
	seed, _ := os.ReadFile("testdata/seed.json")
	for _, s := range []string{valid, string(seed), `{}`, `{"id":"\u0000"}`, `{"lastUsed":{"lastAccessedDateTime":"0001-01-01T00:00:00Z"}}`, "{\"a\":\"\xff\"}", `[{"a":1,"a":1}]`,
		`{"weight":"1e400","resourceVisualization":{},"resourceReference":{"id":"x"}}`, `{"weight":-0.5e-3}`,
		`{"lastShared":{"sharedDateTime":"2021-03-23T08:41:05Z","sharedBy":{"address":"a"},"sharingReference":{}},"sharingHistory":[{},5,{"x":1}]}`} {
		f.Add([]byte(s))
	}
	for _, c := range resource.Collections {
		for _, name := range []string{"valid/full.json", "invalid/" + map[string]string{"used": "trending-body", "trending": "weight-abc", "shared": "sharing-history-non-object-entry"}[c.Name] + ".json"} {
			data, err := os.ReadFile(filepath.Join("testdata/corpus", c.Name, name))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	stored := Record([]byte(valid), "stored-id")
	others := storedOthers(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkOtherCollections(t, others, data)
		r := Validate(data)
		checkProblems(t, "Validate", data, r)
		// A valid payload has the shape every reader relies on.
		if r.Valid() {
			s := string(data)
			if !gjson.Valid(s) || !gjson.Get(s, "lastUsed.lastAccessedDateTime").Exists() || !gjson.Get(s, "resourceReference").IsObject() {
				t.Fatalf("accepted %q", data)
			}
		}

		pr := ValidatePatch(data)
		checkProblems(t, "ValidatePatch", data, pr)
		if r.Valid() && !pr.Valid() {
			t.Fatalf("%q is a valid payload but not a valid patch: %+v", data, pr.Problems)
		}
		if !pr.Valid() {
			return
		}
		merged := Merge(stored, data)
		var got, patch map[string]json.RawMessage
		if err := json.Unmarshal(merged, &got); err != nil {
			t.Fatalf("Merge(%q) = %q: %v", data, merged, err)
		}
		if err := json.Unmarshal(data, &patch); err != nil {
			t.Fatalf("ValidatePatch accepted %q: %v", data, err)
		}
		Validate(merged)
		for name, val := range patch {
			if dropped(name) {
				continue
			}
			var obj map[string]json.RawMessage
			if json.Unmarshal(val, &obj) != nil || obj == nil {
				if !sameJSON(got[name], val) {
					t.Fatalf("Merge(%q): %q is %s, want %s", data, name, got[name], val)
				}
				continue
			}
			var gotObj map[string]json.RawMessage
			if err := json.Unmarshal(got[name], &gotObj); err != nil {
				t.Fatalf("Merge(%q): %q is %s, want an object", data, name, got[name])
			}
			for k, v := range obj {
				if !dropped(k) && v[0] != '{' && !sameJSON(gotObj[k], v) {
					t.Fatalf("Merge(%q): %q.%q is %s, want %s", data, name, k, gotObj[k], v)
				}
			}
		}
	})
}

// storedOthers returns a stored record of each collection but used, from its corpus.
func storedOthers(t testing.TB) map[*resource.Collection][]byte {
	m := map[*resource.Collection][]byte{}
	for _, c := range resource.Collections[1:] {
		data, err := os.ReadFile(filepath.Join("testdata/corpus", c.Name, "valid/full.json"))
		if err != nil {
			t.Fatal(err)
		}
		m[c] = RecordFor(c, data, "stored-id")
	}
	return m
}

// checkOtherCollections checks ValidateFor and ValidatePatchFor on data as an item of each
// collection of stored: their problems are well formed; a valid item holds its type's required
// members, is a valid patch, and its record is valid with every Number member a JSON number; a
// valid patch merges into a stored record as JSON.
func checkOtherCollections(t *testing.T, stored map[*resource.Collection][]byte, data []byte) {
	t.Helper()
	for _, c := range resource.Collections[1:] {
		r := ValidateFor(c, data)
		checkProblems(t, "ValidateFor "+c.Name, data, r)
		pr := ValidatePatchFor(c, data)
		checkProblems(t, "ValidatePatchFor "+c.Name, data, pr)
		if r.Valid() {
			for _, m := range c.Type.Members {
				if m.Required && !gjson.GetBytes(data, m.Name).Exists() {
					t.Fatalf("%s: accepted %q without %s", c.Name, data, m.Name)
				}
			}
			if !pr.Valid() {
				t.Fatalf("%s: %q is a valid item but not a valid patch: %+v", c.Name, data, pr.Problems)
			}
			rec := RecordFor(c, data, "id1")
			if rr := ValidateFor(c, rec); !rr.Valid() || !gjson.ValidBytes(rec) {
				t.Fatalf("%s: record %s of %q: %+v", c.Name, rec, data, rr.Problems)
			}
			for _, m := range c.Type.Members {
				if v := gjson.GetBytes(rec, m.Name); m.Kind == resource.Number && v.Type != gjson.Number {
					t.Fatalf("%s: record %s: %s is not a number", c.Name, rec, m.Name)
				}
			}
		}
		if pr.Valid() {
			if merged := MergeFor(c, stored[c], data); !gjson.ValidBytes(merged) {
				t.Fatalf("%s: MergeFor(%q) = %q", c.Name, data, merged)
			}
		}
	}
}

func checkProblems(t *testing.T, what string, data []byte, r Report) {
	t.Helper()
	if len(r.Problems) > MaxProblems+1 {
		t.Fatalf("%s: %d problems", what, len(r.Problems))
	}
	for i, p := range r.Problems {
		if p.Offset < 0 || p.Offset > len(data) || p.Line < 1 || p.Column < 1 || p.Code == "" || p.Message == "" {
			t.Fatalf("%s: bad problem %+v for %q", what, p, data)
		}
		if i > 0 && p.Offset < r.Problems[i-1].Offset {
			t.Fatalf("%s: problems out of order for %q: %+v", what, data, r.Problems)
		}
	}
}

// sameJSON reports whether two JSON texts are the same once compacted.
func sameJSON(a, b []byte) bool {
	var ca, cb bytes.Buffer
	return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
}

func BenchmarkValidate(b *testing.B) {
	seed, err := os.ReadFile("testdata/seed.json")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("seed", func(b *testing.B) { benchValidate(b, seed) })
	b.Run("64KiB", func(b *testing.B) { benchValidate(b, payload64K(b)) })
}

func benchValidate(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		Validate(data)
	}
}

// payload64K is a valid payload just under 64 KiB: long strings in every string member.
func payload64K(t testing.TB) []byte {
	text := valid
	fill := strings.Repeat("Quarterly sales review ", 170)[:3900]
	for _, p := range []string{"title", "previewText", "containerDisplayName"} {
		text = apply(t, text, edit{"resourceVisualization." + p, `"` + fill + `"`})
	}
	text = apply(t, text, edit{"resourceReference.type", `"` + fill + `"`})
	for i := 0; len(text) < MaxBodyBytes-4200; i++ {
		text = apply(t, text, edit{fmt.Sprintf(`\@odata\.note%d`, i), `"` + fill + `"`})
	}
	if r := Validate([]byte(text)); !r.Valid() || len(text) > MaxBodyBytes {
		t.Fatalf("64 KiB payload: %d bytes, %+v", len(text), r.Problems)
	}
	return []byte(text)
}

func BenchmarkValidateNoProblems(b *testing.B) { benchValidate(b, []byte(valid)) }
