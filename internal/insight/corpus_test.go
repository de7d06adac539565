package insight

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/usedinsight/usedinsight/internal/resource"
)

// The corpus, testdata/corpus/<collection>/{valid,invalid}/*.json, holds a valid and an invalid
// payload for every rule of each collection; <collection>/expected.json lists each file's
// problems (code and path, in any order; none for most valid files). Other tests (the Node
// parity test, the API's hostile-input tests) read it too.

// corpusProblem is one expected problem of a corpus file.
type corpusProblem struct {
	Code string `json:"code"`
	Path string `json:"path"`
}

// corpusFile is one payload of the corpus.
type corpusFile struct {
	name  string // such as "invalid/weight-abc.json"
	data  []byte
	valid bool // in valid/
	want  []corpusProblem
}

// readCorpus returns the corpus of collection c, checking that expected.json names exactly its files.
func readCorpus(t testing.TB, c *resource.Collection) []corpusFile {
	t.Helper()
	dir := filepath.Join("testdata", "corpus", c.Name)
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string][]corpusProblem
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatalf("%s/expected.json: %v", dir, err)
	}
	var files []corpusFile
	for _, verdict := range []string{"valid", "invalid"} {
		names, _ := filepath.Glob(filepath.Join(dir, verdict, "*.json"))
		for _, path := range names {
			name := verdict + "/" + filepath.Base(path)
			want, ok := expected[name]
			if !ok {
				t.Errorf("%s: %s is not in expected.json", dir, name)
			}
			delete(expected, name)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, corpusFile{name, data, verdict == "valid", want})
		}
	}
	for name := range expected {
		t.Errorf("%s/expected.json names %s, which is not there", dir, name)
	}
	return files
}

// problemList renders problems as sorted "code at path" lines, for comparing.
func problemList(ps []corpusProblem) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = fmt.Sprintf("%s at %q", p.Code, p.Path)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestCorpus runs every file of each collection's corpus through ValidateFor: valid files have
// no errors, invalid ones at least one, and each has exactly the problems expected.json lists.
// An invalid file of one collection that is valid JSON is no valid item of the others either.
func TestCorpus(t *testing.T) {
	for _, c := range resource.Collections {
		files := readCorpus(t, c)
		if len(files) < 40 {
			t.Errorf("%s: %d corpus files", c.Name, len(files))
		}
		for _, f := range files {
			t.Run(c.Name+"/"+f.name, func(t *testing.T) {
				r := ValidateFor(c, f.data)
				if r.Valid() != f.valid {
					t.Errorf("Valid() = %v, want %v: %+v", r.Valid(), f.valid, r.Problems)
				}
				var got []corpusProblem
				for _, p := range r.Problems {
					got = append(got, corpusProblem{p.Code, p.Path})
				}
				if g, w := problemList(got), problemList(f.want); g != w {
					t.Errorf("problems:\n got %s\nwant %s", strings.ReplaceAll(g, "\n", "\n     "), strings.ReplaceAll(w, "\n", "\n     "))
				}
				checkProblems(t, "ValidateFor", f.data, r)
				for _, p := range r.Problems {
					if line, column := Position(f.data, p.Offset); p.Line != line || p.Column != column {
						t.Errorf("%s at %d:%d, Position says %d:%d", p.Code, p.Line, p.Column, line, column)
					}
				}
				if !f.valid {
					return
				}
				// A valid item is a valid patch, and its record is valid too.
				if pr := ValidatePatchFor(c, f.data); !pr.Valid() {
					t.Errorf("not a valid patch: %+v", pr.Problems)
				}
				if rr := ValidateFor(c, RecordFor(c, f.data, "id1")); !rr.Valid() {
					t.Errorf("record invalid: %+v", rr.Problems)
				}
				for _, other := range resource.Collections {
					if other != c && ValidateFor(other, f.data).Valid() {
						t.Errorf("also a valid %s item", other.Name)
					}
				}
			})
		}
	}
}
