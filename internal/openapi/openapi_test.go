package openapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/usedinsight/usedinsight/internal/insight"
	"github.com/usedinsight/usedinsight/internal/resource"
)

// openapi.json is generated here. To regenerate it after changing the description:
//
//	go test ./internal/openapi -run TestGenerated -update
var rewrite = flag.Bool("update", false, "rewrite openapi.json")

// TestGenerated regenerates openapi.json and fails when the committed file differs.
func TestGenerated(t *testing.T) {
	want := Generate()
	if *rewrite {
		if err := os.WriteFile("openapi.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := os.ReadFile("openapi.json"); err != nil || !bytes.Equal(got, want) {
		t.Errorf("openapi.json is stale (%v): run go test ./internal/openapi -run TestGenerated -update", err)
	}
	if !bytes.Equal(Document, want) {
		t.Error("Document is not openapi.json")
	}
	if !bytes.Equal(Generate(), want) {
		t.Error("Generate is not deterministic")
	}
}

// TestPaths: every route of every collection, under /me and /users/{user-id}.
func TestPaths(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(Document, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"/$batch": {"post"}, "/$metadata": {"get"}, "/openapi.json": {"get"}}
	for _, c := range resource.Collections {
		for _, p := range []string{"/me", "/users/{user-id}"} {
			base := p + "/insights/" + c.Name
			want[base] = []string{"get", "post"}
			want[base+"/$ref"] = []string{"post"}
			want[base+"/$count"] = []string{"get"}
			want[base+"/{"+c.Type.Name+"-id}"] = []string{"delete", "get", "patch"}
		}
	}
	for path, methods := range want {
		var got []string
		for m := range doc.Paths[path] {
			got = append(got, m)
		}
		slices.Sort(got)
		if !slices.Equal(got, methods) {
			t.Errorf("%s: methods %v, want %v", path, got, methods)
		}
	}
	if len(doc.Paths) != len(want) {
		t.Errorf("%d paths, want %d", len(doc.Paths), len(want))
	}
}

// TestPatterns: the patterns agree with the validator on the shapes they can say.
func TestPatterns(t *testing.T) {
	id := regexp.MustCompile(IDPattern)
	for _, tt := range []struct {
		s    string
		want bool
	}{{"a", true}, {"A-z_0.9~", true}, {strings.Repeat("a", 512), true}, {strings.Repeat("a", 513), false}, {"", false}, {"a b", false}, {"a/b", false}} {
		if got := id.MatchString(tt.s); got != tt.want || got && !insight.ValidID(tt.s) {
			t.Errorf("id %q: pattern %v, want %v (ValidID %v)", tt.s, got, tt.want, insight.ValidID(tt.s))
		}
	}
	dt := regexp.MustCompile(DateTimePattern)
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"2016-12-31T23:58:50.8669622+03:00", true}, {"2016-12-31T23:58Z", true}, {"2016-12-31T23:58:50Z", true},
		{"2016-12-31T23:58:50-14:00", true}, {"0001-01-01T00:00:00Z", true},
		{"2016-12-31T23:58:50.86696221Z", false}, {"2016-12-31T23:58:50", false}, {"2016-12-31 23:58:50Z", false},
		{"2016-13-01T00:00:00Z", false}, {"2016-12-31T24:00:00Z", false}, {"2016-12-31T23:58:50+14:01", false},
		{"2016-12-31t23:58:50z", false}, {"16-12-31T23:58:50Z", false},
	} {
		_, valid := insight.ParseDateTime(tt.s)
		if got := dt.MatchString(tt.s); got != tt.want || got != valid {
			t.Errorf("date-time %q: pattern %v, want %v (validator %v)", tt.s, got, tt.want, valid)
		}
	}
	num := regexp.MustCompile(NumberPattern)
	for _, s := range []string{"0", "-1.5", "0.1583399742569597", "1e5", "-1E-5", "abc", "", "+1", " 1", "0x10", "1.", ".5", "NaN", "Infinity", "01"} {
		_, ok := insight.ParseNumber(s)
		if num.MatchString(s) != ok {
			t.Errorf("number %q: pattern %v, validator %v", s, num.MatchString(s), ok)
		}
	}
}
