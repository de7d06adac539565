package insight

import (
	"strings"
	"testing"

	"github.com/usedinsight/usedinsight/internal/jsoncheck"
)

// TestSyntaxErrorPath checks that a syntax error names the member whose value could not be
// read, and keeps the code, position and message it had without one.
func TestSyntaxErrorPath(t *testing.T) {
	tests := []struct {
		name, text        string
		code, path        string
		offset, line, col int
	}{
		{"NaN", `{"weight": NaN}`, CodeInvalidJSON, "weight", 11, 1, 12},
		{"Infinity", `{"weight": Infinity}`, CodeInvalidJSON, "weight", 11, 1, 12},
		{"-Infinity", `{"weight": -Infinity}`, CodeInvalidJSON, "weight", 12, 1, 13},
		{"bare date-time", "{\n \"lastUsed\": {\"lastAccessedDateTime\": 2016-12-31}}", CodeInvalidJSON, "lastUsed.lastAccessedDateTime", 44, 2, 43},
		{"bare date-time with time", `{"lastUsed": {"lastAccessedDateTime": 2016-12-31T23:58:50Z}}`, CodeInvalidJSON, "lastUsed.lastAccessedDateTime", 42, 1, 43},
		{"truncated string", `{"lastUsed": {"lastAccessedDateTime": "2016-12-31`, CodeTruncatedJSON, "lastUsed.lastAccessedDateTime", 49, 1, 50},
		{"truncated before a value", `{"weight": `, CodeTruncatedJSON, "weight", 11, 1, 12},
		{"truncated literal", `{"weight": tru`, CodeTruncatedJSON, "weight", 14, 1, 15},
		{"truncated between members", `{"weight": 1`, CodeTruncatedJSON, "", 12, 1, 13},
		{"bad fraction", `{"weight": 1.}`, CodeInvalidJSON, "weight", 13, 1, 14},
		{"missing comma", `{"id": "a" "weight": 1}`, CodeInvalidJSON, "", 11, 1, 12},
		{"missing comma in a nested object", `{"lastUsed": {"a": 1 "b": 2}}`, CodeInvalidJSON, "lastUsed", 21, 1, 22},
		{"trailing comma", `{"id": "x",}`, CodeInvalidJSON, "", 11, 1, 12},
		{"name not quoted", `{x: 1}`, CodeInvalidJSON, "", 1, 1, 2},
		{"name not quoted in a nested object", `{"lastUsed": {x: 1}}`, CodeInvalidJSON, "lastUsed", 14, 1, 15},
		{"nested object", `{"resourceVisualization": {"title": "T", "type": 'Word'}}`, CodeInvalidJSON, "resourceVisualization.type", 49, 1, 50},
		{"after a nested object", `{"lastUsed": {}, "weight": NaN}`, CodeInvalidJSON, "weight", 27, 1, 28},
		{"escaped name", `{"we\u0069ght": NaN}`, CodeInvalidJSON, "weight", 16, 1, 17},
		{"sharingHistory element", `{"sharingHistory": [{}, {}, {"sharedBy": {"address": NaN}}]}`, CodeInvalidJSON, "sharingHistory[2].sharedBy.address", 53, 1, 54},
		{"sharingHistory element value", `{"sharingHistory": [{}, {}, NaN]}`, CodeInvalidJSON, "sharingHistory[2]", 28, 1, 29},
		{"sharingHistory first element", `{"sharingHistory": [NaN]}`, CodeInvalidJSON, "sharingHistory[0]", 20, 1, 21},
		{"sharingHistory trailing comma", `{"sharingHistory": [{}, {}, ]}`, CodeInvalidJSON, "sharingHistory[2]", 28, 1, 29},
		{"sharingHistory missing comma", `{"sharingHistory": [{}, {} {}]}`, CodeInvalidJSON, "sharingHistory", 27, 1, 28},
		{"nested arrays", `{"a": [[1], [2, NaN]]}`, CodeInvalidJSON, "a[1][1]", 16, 1, 17},
		{"invalid UTF-8", "{\"id\": \"a\xffb\"}", CodeInvalidUTF8, "id", 9, 1, 10},
		{"invalid UTF-8 in a name", "{\"lastUsed\": {\"a\xffb\": 1}}", CodeInvalidUTF8, "lastUsed", 16, 1, 17},
		{"control character", "{\"id\": \"a\tb\"}", CodeControlCharacter, "id", 9, 1, 10},
		// At the top level, and errors about the whole body: no path.
		{"top level", `{"id": "x" x`, CodeInvalidJSON, "", 11, 1, 12},
		{"top level value", `NaN`, CodeInvalidJSON, "", 0, 1, 1},
		{"array body", `[1, NaN]`, CodeInvalidJSON, "", 4, 1, 5},
		{"empty", ` `, CodeEmptyBody, "", 1, 1, 2},
		{"byte order mark", "\xEF\xBB\xBF{}", CodeByteOrderMark, "", 0, 1, 1},
		{"trailing data", `{"id": "x"} x`, CodeTrailingData, "", 12, 1, 13},
		{"nesting too deep", `{"a":[[[[[[[[1]]]]]]]]}`, CodeNestingTooDeep, "", 12, 1, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, patch := range []bool{false, true} {
				r := Validate([]byte(tt.text))
				if patch {
					r = ValidatePatch([]byte(tt.text))
				}
				if len(r.Problems) != 1 {
					t.Fatalf("got %d problems %+v, want one", len(r.Problems), r.Problems)
				}
				p := r.Problems[0]
				if p.Code != tt.code || p.Path != tt.path || p.Offset != tt.offset || p.Line != tt.line || p.Column != tt.col {
					t.Errorf("got %s at %q, offset %d, %d:%d (%s); want %s at %q, offset %d, %d:%d",
						p.Code, p.Path, p.Offset, p.Line, p.Column, p.Message, tt.code, tt.path, tt.offset, tt.line, tt.col)
				}
				if err := jsoncheck.Check([]byte(tt.text), MaxDepth); err == nil || p.Message != err.Msg || p.Offset != err.Offset {
					t.Errorf("message %q at %d, want jsoncheck's %v", p.Message, p.Offset, err)
				}
			}
		})
	}
}

// TestSyntaxErrorPathLongBody checks that the path is found after many members and deep in
// a body, and does not keep bytes of the body.
func TestSyntaxErrorPathLongBody(t *testing.T) {
	text := []byte(`{"sharingHistory": [` + strings.Repeat(`{"sharedBy": {"address": "a@b"}},`, 100) + `{"sharedBy": {"address": NaN}}]}`)
	r := Validate(text)
	if len(r.Problems) != 1 || r.Problems[0].Path != "sharingHistory[100].sharedBy.address" {
		t.Fatalf("got %+v", r.Problems)
	}
	path := r.Problems[0].Path
	for i := range text {
		text[i] = 'x'
	}
	if path != "sharingHistory[100].sharedBy.address" {
		t.Errorf("path %q changed with the body", path)
	}
}
