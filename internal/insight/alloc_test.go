package insight

import (
	"os"
	"strings"
	"testing"
)

// TestValidateAllocatesOnlyProblems: a payload without problems costs no allocation, however
// many annotations it has. (Only escaped names, and escaped values that must be decoded to be
// checked, allocate their decoded copies.)
func TestValidateAllocatesOnlyProblems(t *testing.T) {
	for name, text := range map[string][]byte{
		"valid":         []byte(valid),
		"64 KiB":        payload64K(t),
		"escaped":       []byte(strings.Replace(valid, `"Org Chart"`, `"Org\u0020Chart\n"`, 1)),
		"deep odata":    []byte(apply(t, valid, edit{`\@odata\.context`, `{"a":[[{"b":[1,{"c":null}]}]],"d":{"e":true}}`})),
		"patch":         []byte(`{"lastUsed": {"lastAccessedDateTime": "2016-12-31T23:58:50Z"}}`),
		"many names":    []byte(apply(t, valid, edit{`\@odata\.x`, `{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10}`})),
		"reference web": []byte(apply(t, valid, edit{"resourceReference.id", ""})),
	} {
		validate := Validate
		if name == "patch" {
			validate = ValidatePatch
		}
		if r := validate(text); len(r.Problems) != 0 {
			t.Fatalf("%s: %+v", name, r.Problems)
		}
		if n := testing.AllocsPerRun(20, func() { validate(text) }); n != 0 {
			t.Errorf("%s: %v allocations, want 0", name, n)
		}
	}
}

// TestProblemPositions: every problem's line and column are those Position gives for its
// offset, whether the problem is reported where the validator reads (most), at an object it
// has left (missing members) or at the end, on lines of any length and characters of any size.
func TestProblemPositions(t *testing.T) {
	seed, err := os.ReadFile("testdata/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		string(seed),
		strings.ReplaceAll(string(seed), "\n", "\r\n"),
		strings.ReplaceAll(string(seed), "  ", "\t"),
		"{\"é😀\": 1, \"lastUsed\": {\n\"x\": 1}, \"resourceVisualization\": {\"title\": \"é😀\", \"type\": \"😀\"},\n \"resourceReference\": {\n\n}, \"a\": [{\"b\": 1, \"b\": 2}]}",
		`{"lastUsed": {}, "resourceVisualization": {"type": "x", "containerType": "y", "mediaType": "z"}, "resourceReference": {}, "id": "a b"}`,
		"{\n  \"resourceReference\": {\n    \"type\": 1\n  },\n  \"lastUsed\": {\n    \"lastModifiedDateTime\": \"é\"\n  }\n}",
		"\n\n  [1]",
		"\n {\"id\": \"x\", \"i\\u0064\": 2}",
	}
	var many strings.Builder
	many.WriteString("{\n")
	for i := range 150 {
		many.WriteString(strings.Repeat(" ", i%7) + `"x` + strings.Repeat("é", i%3) + `": 1,` + "\n"[:i%2])
	}
	many.WriteString(`"lastUsed": 1}`)
	texts = append(texts, many.String())
	for _, text := range texts {
		r := Validate([]byte(text))
		if len(r.Problems) == 0 {
			t.Fatalf("no problems in %q", text)
		}
		for i, p := range r.Problems {
			if line, column := Position([]byte(text), p.Offset); p.Line != line || p.Column != column {
				t.Errorf("%q: problem %d (%s at %d) at %d:%d, Position says %d:%d", text, i, p.Code, p.Offset, p.Line, p.Column, line, column)
			}
			if i > 0 && p.Offset < r.Problems[i-1].Offset {
				t.Errorf("%q: problem %d out of text order", text, i)
			}
		}
	}
}
