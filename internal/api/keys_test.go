package api

import (
	"testing"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/resource"
)

// TestKeyPathsFill: one walk of a record finds every key path where gjson.Get finds it, including
// in records with repeated members, where Get looks on past a first member of the name.
func TestKeyPathsFill(t *testing.T) {
	for _, rec := range []string{
		`{"id":"a","lastUsed":{"lastAccessedDateTime":"2020-03-16T13:31:55Z","lastModifiedDateTime":"2020-03-16T13:31:50Z"},"resourceVisualization":{"type":"Word","containerType":"Site"},"resourceReference":{"type":"microsoft.graph.driveItem"}}`,
		`{"lastModifiedDateTime":"2020-03-16T13:31:50Z","weight":0.5,"lastShared":{"sharedBy":{"address":"a@b.example"},"sharedDateTime":"2020-03-16T13:31:55Z"}}`,
		`{"resourceVisualization":{"type":null},"lastUsed":{}}`,
		`{}`,
		`{"lastUsed":"x","lastUsed":{"lastAccessedDateTime":"second"}}`,
		`{"resourceVisualization":{"type":"T"},"resourceVisualization":{"type":"U","containerType":"C"},"weight":3,"weight":4}`,
		`{"lastUsed":{"lastAccessedDateTime":"a","lastAccessedDateTime":"b"},"lastUsed":{"lastModifiedDateTime":"m"}}`,
		`{"lastShared":{"sharedB\u0079":{"address":"escaped name"}},"lastUsed":[{"lastAccessedDateTime":"in an array"}]}`,
	} {
		for _, c := range resource.Collections {
			var paths []string
			for _, o := range c.Orders {
				paths = append(paths, o.Path)
			}
			for _, f := range c.Filters {
				paths = append(paths, f.Path)
			}
			got := make([]gjson.Result, len(paths))
			keyPaths[c].fill(gjson.Parse(rec), got)
			for i, p := range paths {
				want := gjson.Get(rec, p)
				if got[i].Raw != want.Raw || got[i].Index != want.Index {
					t.Errorf("%s in %s: %s at %d, want %s at %d", c.Name, rec, got[i].Raw, got[i].Index, want.Raw, want.Index)
				}
			}
		}
	}
}
