package insight

import (
	"fmt"
	"slices"
	"testing"

	"github.com/usedinsight/usedinsight/internal/resource"
)

// Tests of what trending and shared items add to used's rules; the corpus (TestCorpus) holds a
// valid and an invalid payload for every rule.

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"0.1583399742569597", 0.1583399742569597, true},
		{"42", 42, true},
		{"-2.5e3", -2500, true},
		{"1E+2", 100, true},
		{"1e-400", 0, true}, // underflows to zero: finite
		{"1.7976931348623157e308", 1.7976931348623157e308, true},
		{"1e400", 0, false},
		{"-1e400", 0, false},
		{"1.8e308", 0, false},
		{"", 0, false},
		{"abc", 0, false},
		{"NaN", 0, false},
		{"Infinity", 0, false},
		{"inf", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"+1", 0, false},
		{"01", 0, false},
		{".5", 0, false},
		{"1.", 0, false},
		{"1e", 0, false},
		{"0x10", 0, false},
		{"1_000", 0, false},
		{"-", 0, false},
	}
	for _, tt := range tests {
		if got, ok := ParseNumber(tt.in); ok != tt.ok || got != tt.want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestNumberAndArrayMessages pins the messages of the new kinds' problems.
func TestNumberAndArrayMessages(t *testing.T) {
	tests := []struct {
		c          *resource.Collection
		text, want string
	}{
		{resource.TrendingItems, `{"weight": 1e400}`, `invalidNumber at weight: the number 1e400 is beyond the range of a double`},
		{resource.TrendingItems, `{"weight": "abc"}`, `invalidNumber at weight: expected a finite decimal number, got "abc"`},
		{resource.TrendingItems, `{"weight": null}`, `wrongType at weight: expected a number or a string holding one, got null`},
		{resource.Shared, `{"sharingHistory": 5}`, `wrongType at sharingHistory: expected an array of microsoft.graph.sharingDetail objects, got a number (5)`},
		{resource.Shared, `{"sharingHistory": [{}, 5]}`, `wrongType at sharingHistory[1]: expected a microsoft.graph.sharingDetail object, got a number (5)`},
		{resource.Shared, `{"sharingHistory": [` + repeat(`{}`, 101) + `]}`, `tooManyItems at sharingHistory: the array has 101 items; at most 100 are allowed`},
		{resource.Shared, `{"sharingHistory": [{"@odata.type": "#microsoft.graph.trending"}]}`, `invalidODataType at sharingHistory[0].@odata.type: expected "#microsoft.graph.sharingDetail", got "#microsoft.graph.trending"`},
		{resource.Shared, `{"sharingHistory": [{}, {"@odata.x": {"a": 1, "a": 2}}]}`, `duplicateMember at sharingHistory[1].@odata.x.a: duplicate member "a"`},
		{resource.Used, `{"weight": 1}`, `unknownMember at weight: Property 'weight' does not exist on type 'microsoft.graph.usedInsight'`},
		{resource.Shared, `5`, `notAnObject at : expected a sharedInsight JSON object, got a number (5)`},
	}
	for _, tt := range tests {
		r := ValidatePatchFor(tt.c, []byte(tt.text))
		var got []string
		for _, p := range r.Problems {
			got = append(got, fmt.Sprintf("%s at %s: %s", p.Code, p.Path, p.Message))
		}
		if !slices.Contains(got, tt.want) {
			t.Errorf("%s %s:\n got %q\nwant %q", tt.c.Name, tt.text, got, tt.want)
		}
	}
}

func repeat(s string, n int) string {
	out := s
	for range n - 1 {
		out += "," + s
	}
	return out
}

func TestRecordFor(t *testing.T) {
	tests := []struct {
		c                   *resource.Collection
		name, payload, want string
	}{
		{resource.TrendingItems, "weight as a string stored as a number",
			`{"weight": "0.1583399742569597", "resourceVisualization": {}, "resourceReference": {"id": "x"}}`,
			`{"id":"n1","weight":0.1583399742569597,"resourceVisualization":{},"resourceReference":{"id":"x"}}`},
		{resource.TrendingItems, "escaped weight",
			`{"weight": "\u0031e2", "resourceVisualization": {}, "resourceReference": {"id": "x"}}`,
			`{"id":"n1","weight":1e2,"resourceVisualization":{},"resourceReference":{"id":"x"}}`},
		{resource.TrendingItems, "weight as a number, as sent",
			`{"@odata.type": "#microsoft.graph.trending", "weight": -1.50E+2, "resourceVisualization": {}, "resourceReference": {"id": "x"}}`,
			`{"@odata.type":"#microsoft.graph.trending","id":"n1","weight":-1.50E+2,"resourceVisualization":{},"resourceReference":{"id":"x"}}`},
		{resource.Shared, "annotations dropped at every depth, arrays compact",
			`{"lastShared": {"sharedDateTime": "2021-03-23T08:41:05Z", "sharedBy": {"@odata.etag": "e", "address": "a"}}, "sharingHistory": [ {"@odata.id": "i", "sharedDateTime": "2021-03-23T08:41:05Z"} ], "resourceVisualization": {}, "resourceReference": {"id": "x"}}`,
			`{"id":"n1","lastShared":{"sharedDateTime":"2021-03-23T08:41:05Z","sharedBy":{"address":"a"}},"sharingHistory":[{"sharedDateTime":"2021-03-23T08:41:05Z"}],"resourceVisualization":{},"resourceReference":{"id":"x"}}`},
		{resource.Shared, "null history kept",
			`{"lastShared": {"sharedDateTime": "2021-03-23T08:41:05Z"}, "sharingHistory": null, "resourceVisualization": {}, "resourceReference": {"id": "x"}}`,
			`{"id":"n1","lastShared":{"sharedDateTime":"2021-03-23T08:41:05Z"},"sharingHistory":null,"resourceVisualization":{},"resourceReference":{"id":"x"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := ValidateFor(tt.c, []byte(tt.payload)); !r.Valid() {
				t.Fatalf("payload invalid: %+v", r.Problems)
			}
			got := string(RecordFor(tt.c, []byte(tt.payload), "n1"))
			if got != tt.want {
				t.Errorf("RecordFor =\n%s\nwant\n%s", got, tt.want)
			}
			if r := ValidateFor(tt.c, []byte(got)); !r.Valid() {
				t.Errorf("record invalid: %+v", r.Problems)
			}
		})
	}
}

func TestMergeFor(t *testing.T) {
	shared := `{"id":"a","lastShared":{"sharedDateTime":"2021-03-23T08:41:05Z","sharedBy":{"address":"a@x","displayName":"A"}},"sharingHistory":[{"sharedDateTime":"2021-03-20T08:41:05Z"},{"sharedDateTime":"2021-03-21T08:41:05Z"}],"resourceVisualization":{},"resourceReference":{"id":"r"}}`
	trending := `{"id":"a","weight":1,"resourceVisualization":{"title":"T"},"resourceReference":{"id":"r"}}`
	tests := []struct {
		c                         *resource.Collection
		name, record, patch, want string
	}{
		{resource.Shared, "nested objects merged member by member at any depth", shared, `{"lastShared": {"sharedBy": {"address": "b@x"}}}`,
			`{"id":"a","lastShared":{"sharedDateTime":"2021-03-23T08:41:05Z","sharedBy":{"address":"b@x","displayName":"A"}},"sharingHistory":[{"sharedDateTime":"2021-03-20T08:41:05Z"},{"sharedDateTime":"2021-03-21T08:41:05Z"}],"resourceVisualization":{},"resourceReference":{"id":"r"}}`},
		{resource.Shared, "arrays replaced whole", shared, `{"sharingHistory": [ {"sharedDateTime": "2022-01-01T00:00:00Z", "@odata.id": "x"} ]}`,
			`{"id":"a","lastShared":{"sharedDateTime":"2021-03-23T08:41:05Z","sharedBy":{"address":"a@x","displayName":"A"}},"sharingHistory":[{"sharedDateTime":"2022-01-01T00:00:00Z"}],"resourceVisualization":{},"resourceReference":{"id":"r"}}`},
		{resource.Shared, "object added where there was none", shared, `{"lastShared": {"sharingReference": {}}}`,
			`{"id":"a","lastShared":{"sharedDateTime":"2021-03-23T08:41:05Z","sharedBy":{"address":"a@x","displayName":"A"},"sharingReference":{}},"sharingHistory":[{"sharedDateTime":"2021-03-20T08:41:05Z"},{"sharedDateTime":"2021-03-21T08:41:05Z"}],"resourceVisualization":{},"resourceReference":{"id":"r"}}`},
		{resource.TrendingItems, "weight as a string stored as a number", trending, `{"weight": "2.5", "resourceVisualization": {"type": "Word"}}`,
			`{"id":"a","weight":2.5,"resourceVisualization":{"title":"T","type":"Word"},"resourceReference":{"id":"r"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := ValidatePatchFor(tt.c, []byte(tt.patch)); !r.Valid() {
				t.Fatalf("patch invalid: %+v", r.Problems)
			}
			got := string(MergeFor(tt.c, []byte(tt.record), []byte(tt.patch)))
			if got != tt.want {
				t.Errorf("MergeFor =\n%s\nwant\n%s", got, tt.want)
			}
			if r := ValidateFor(tt.c, []byte(got)); !r.Valid() {
				t.Errorf("merged record invalid: %+v", r.Problems)
			}
		})
	}
}

func TestBuildFor(t *testing.T) {
	tests := []struct {
		c    *resource.Collection
		f    Fields
		want string
	}{
		{resource.TrendingItems, Fields{"weight": "0.5", "resourceReference.id": "r"},
			`{"weight":0.5,"resourceVisualization":{},"resourceReference":{"id":"r"}}`},
		{resource.TrendingItems, Fields{"weight": "abc", "lastModifiedDateTime": "2021-03-23T08:41:05Z", "resourceReference.id": "r"},
			`{"weight":"abc","lastModifiedDateTime":"2021-03-23T08:41:05Z","resourceVisualization":{},"resourceReference":{"id":"r"}}`},
		{resource.Shared, Fields{"lastShared.sharedDateTime": "2021-03-23T08:41:05Z", "resourceReference.id": "r"},
			`{"lastShared":{"sharedDateTime":"2021-03-23T08:41:05Z"},"resourceVisualization":{},"resourceReference":{"id":"r"}}`},
		{resource.Shared, Fields{"lastShared.sharedBy.address": "a@x", "lastShared.sharingType": "Direct", "resourceReference.webUrl": "https://e.example/"},
			`{"lastShared":{"sharedBy":{"address":"a@x"},"sharingType":"Direct"},"resourceVisualization":{},"resourceReference":{"webUrl":"https://e.example/"}}`},
	}
	for _, tt := range tests {
		if got := string(BuildFor(tt.c, tt.f, false)); got != tt.want {
			t.Errorf("BuildFor(%s, %v) =\n%s\nwant\n%s", tt.c.Name, tt.f, got, tt.want)
		}
	}
	// A complete set of fields validates without problems, with and without annotations, and
	// reads back whole.
	for _, c := range resource.Collections {
		f := Fields{}
		for _, p := range FieldPathsFor(c) {
			f[p] = completeValue(c, p)
		}
		for _, annotate := range []bool{false, true} {
			out := BuildFor(c, f, annotate)
			if r := ValidateFor(c, out); len(r.Problems) != 0 {
				t.Errorf("%s: BuildFor(complete, %v) = %s\n%+v", c.Name, annotate, out, r.Problems)
			}
			if back := FieldsOfFor(c, out); fmt.Sprint(back) != fmt.Sprint(f) {
				t.Errorf("%s: FieldsOfFor(BuildFor(f)) = %v, want %v", c.Name, back, f)
			}
		}
	}
}

// completeValue is a valid value for the field at path of c's items.
func completeValue(c *resource.Collection, path string) string {
	if v, ok := complete[path]; ok {
		return v
	}
	switch path {
	case "weight":
		return "0.1583399742569597"
	case "id":
		return "x"
	}
	if slices.Contains([]string{"lastModifiedDateTime", "lastShared.sharedDateTime"}, path) {
		return "2021-03-23T08:41:05Z"
	}
	if len(path) > 6 && path[len(path)-6:] == "webUrl" {
		return "https://example.com/" + c.Name
	}
	return "Value of " + path
}

func TestFieldPathsFor(t *testing.T) {
	if !slices.Equal(FieldPathsFor(resource.Used), FieldPaths) || len(FieldPaths) != 14 {
		t.Errorf("FieldPaths %v", FieldPaths)
	}
	want := []string{"id", "lastShared.sharedBy.address", "lastShared.sharedBy.displayName", "lastShared.sharedBy.id",
		"lastShared.sharedDateTime", "lastShared.sharingReference.webUrl", "lastShared.sharingReference.id",
		"lastShared.sharingReference.type", "lastShared.sharingSubject", "lastShared.sharingType"}
	if got := FieldPathsFor(resource.Shared); !slices.Equal(got[:len(want)], want) {
		t.Errorf("FieldPathsFor(shared) = %v", got)
	}
}

// TestCollectionNotDescribed: a collection that is not among resource.Collections is validated
// by its own description.
func TestCollectionNotDescribed(t *testing.T) {
	c := &resource.Collection{Name: "x", Type: &resource.Type{Name: "x", Entity: true, Members: []resource.Member{
		{Name: "n", Kind: resource.Number, Required: true},
	}}}
	if r := ValidateFor(c, []byte(`{"n": "1"}`)); len(r.Problems) != 0 {
		t.Errorf("%+v", r.Problems)
	}
	if g := got(ValidateFor(c, []byte(`{"m": 1}`))); fmt.Sprint(g) != fmt.Sprint([]want{{CodeMissingMember, "n", false}, {CodeUnknownMember, "m", false}}) {
		t.Errorf("%v", g)
	}
}
