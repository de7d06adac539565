package insight

import (
	"os"
	"strings"
	"testing"
)

func TestRecord(t *testing.T) {
	tests := []struct{ name, payload, id, want string }{
		{"id after @odata.type, annotations dropped, white space gone",
			`{ "@odata.type": "#microsoft.graph.usedInsight", "@odata.etag": "x", "lastUsed": { "@odata.type": "microsoft.graph.usageDetails", "@odata.id": "y", "lastAccessedDateTime": "2016-12-31T23:58:50.8669622+03:00" }, "resourceVisualization": {}, "resourceReference": {"id": "Id value"} }`,
			"abc",
			`{"@odata.type":"#microsoft.graph.usedInsight","id":"abc","lastUsed":{"@odata.type":"microsoft.graph.usageDetails","lastAccessedDateTime":"2016-12-31T23:58:50.8669622+03:00"},"resourceVisualization":{},"resourceReference":{"id":"Id value"}}`},
		{"id first without @odata.type",
			`{"lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z"},"resourceVisualization":{"title":null},"resourceReference":{"webUrl":"https://x.example/a b"}}`,
			"n1",
			`{"id":"n1","lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z"},"resourceVisualization":{"title":null},"resourceReference":{"webUrl":"https://x.example/a b"}}`},
		{"a sent id stays where it was, escapes stay as sent",
			`{"resourceReference":{"id":"caf\u00e9 \"q\""},"id":"mine","lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z"},"resourceVisualization":{}}`,
			"ignored",
			`{"resourceReference":{"id":"caf\u00e9 \"q\""},"id":"mine","lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z"},"resourceVisualization":{}}`},
		{"id right after @odata.type when that comes last, even after a dropped annotation",
			`{"lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z"},"resourceVisualization":{},"resourceReference":{"id":"r"},"@odata.type":"#microsoft.graph.usedInsight","@odata.etag":"x"}`,
			"last",
			`{"lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z"},"resourceVisualization":{},"resourceReference":{"id":"r"},"@odata.type":"#microsoft.graph.usedInsight","id":"last"}`},
		{"a sent id after @odata.type: nothing added",
			`{"@odata.type":"#microsoft.graph.usedInsight","lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z"},"resourceVisualization":{},"resourceReference":{"id":"r"},"id":"mine"}`,
			"ignored",
			`{"@odata.type":"#microsoft.graph.usedInsight","lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z"},"resourceVisualization":{},"resourceReference":{"id":"r"},"id":"mine"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := Validate([]byte(tt.payload)); !r.Valid() {
				t.Fatalf("payload invalid: %+v", r.Problems)
			}
			got := string(Record([]byte(tt.payload), tt.id))
			if got != tt.want {
				t.Errorf("Record =\n%s\nwant\n%s", got, tt.want)
			}
			if r := Validate([]byte(got)); !r.Valid() {
				t.Errorf("record invalid: %+v", r.Problems)
			}
		})
	}
}

// TestRecordSeed: the 201 body of the seed's example is the request plus id, after @odata.type.
func TestRecordSeed(t *testing.T) {
	seed, _ := os.ReadFile("testdata/seed.json")
	got, _ := Format(Record(seed, "6b4978a5-78a5-6b49-a578-496ba578496b"))
	want := `{
  "@odata.type": "#microsoft.graph.usedInsight",
  "id": "6b4978a5-78a5-6b49-a578-496ba578496b",
  "lastUsed": {`
	if string(got[:len(want)]) != want {
		t.Errorf("got\n%s", got)
	}
	mini, _ := Minify(seed)
	want = strings.Replace(string(mini), `usedInsight",`, `usedInsight","id":"6b4978a5-78a5-6b49-a578-496ba578496b",`, 1)
	if rec := string(Record(seed, "6b4978a5-78a5-6b49-a578-496ba578496b")); rec != want {
		t.Errorf("seed record\n%s\nis not the seed plus id\n%s", rec, want)
	}
}

func TestMerge(t *testing.T) {
	record := `{"id":"a","lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z","lastModifiedDateTime":"2020-03-16T13:31:50Z"},"resourceVisualization":{"title":"Old","type":"Word"},"resourceReference":{"id":"r"}}`
	tests := []struct{ name, patch, want string }{
		{"nested member replaced, others kept", `{"lastUsed": {"lastAccessedDateTime": "2021-01-01T00:00:00Z"}}`,
			`{"id":"a","lastUsed":{"lastAccessedDateTime":"2021-01-01T00:00:00Z","lastModifiedDateTime":"2020-03-16T13:31:50Z"},"resourceVisualization":{"title":"Old","type":"Word"},"resourceReference":{"id":"r"}}`},
		{"nested member added and nulled", `{"resourceVisualization": {"title": null, "previewText": "p"}}`,
			`{"id":"a","lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z","lastModifiedDateTime":"2020-03-16T13:31:50Z"},"resourceVisualization":{"title":null,"type":"Word","previewText":"p"},"resourceReference":{"id":"r"}}`},
		{"annotations ignored, @odata.type kept", `{"@odata.etag": "x", "@odata.type": "#microsoft.graph.usedInsight", "resourceReference": {"@odata.id": "z", "webUrl": "https://e.example/"}}`,
			`{"id":"a","lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z","lastModifiedDateTime":"2020-03-16T13:31:50Z"},"resourceVisualization":{"title":"Old","type":"Word"},"resourceReference":{"id":"r","webUrl":"https://e.example/"},"@odata.type":"#microsoft.graph.usedInsight"}`},
		{"empty patch", `{}`, record},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := ValidatePatch([]byte(tt.patch)); !r.Valid() {
				t.Fatalf("patch invalid: %+v", r.Problems)
			}
			if got := string(Merge([]byte(record), []byte(tt.patch))); got != tt.want {
				t.Errorf("Merge =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestValidatePatch(t *testing.T) {
	tests := []struct {
		patch string
		want  []want
	}{
		{`{}`, nil},
		{`{"lastUsed": {"lastModifiedDateTime": null}}`, nil},
		{`{"resourceReference": {"type": "x"}}`, nil},
		{`{"lastUsed": {"lastAccessedDateTime": "soon"}}`, []want{{CodeInvalidDateTime, "lastUsed.lastAccessedDateTime", false}}},
		{`{"bogus": 1}`, []want{{CodeUnknownMember, "bogus", false}}},
		{`[]`, []want{{CodeNotAnObject, "", false}}},
		{`{"resourceVisualization": null}`, []want{{CodeWrongType, "resourceVisualization", false}}},
	}
	for _, tt := range tests {
		if g := got(ValidatePatch([]byte(tt.patch))); len(g) != len(tt.want) || (len(g) > 0 && g[0] != tt.want[0]) {
			t.Errorf("ValidatePatch(%s) = %v, want %v", tt.patch, g, tt.want)
		}
	}
}
