//go:build e2e

package e2e

// The collections the suites run over, and what a test needs to know of each to write valid
// and invalid payloads for it.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// collection is one collection of /me/insights.
type collection struct {
	name     string    // the path segment: used, trending, shared
	typeName string    // the entity type: usedInsight, trending, sharedInsight
	noun     string    // one item, as messages name it
	orders   []string  // the $orderby names; the first is the default, descending
	filters  [3]string // the $filter names
	// key0 is the top-level member that holds the first order key ($select names it).
	key0 string
	// key0Path and key1Path are the JSON paths of the order keys (key1Path "" when none).
	key0Path, key1Path string
	// at returns the JSON value of the first order key that sorts as the year does: a date-time
	// in that year, or (trending) a weight of year.5.
	at func(year int) string
	// item returns a valid payload with the id (none when ""), the JSON values of the order
	// keys (k1 "" for none), the values of the three filters and the title.
	item func(id, k0, k1 string, f [3]string, title string) string
	// badKey0 is an invalid JSON value of the first order key, and the detail target it gets.
	badKey0, badKey0Target string
	// sibling is a member path beside the first order key that a PATCH of the key keeps, and
	// its value in every item (item sets it).
	sibling, siblingValue string
}

var collections = []*collection{usedColl, trendingColl, sharedColl}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// visual and reference are the members every item has.
func visual(m map[string]any, f0, f1, refType, title string) {
	m["resourceVisualization"] = map[string]any{"title": title, "type": f0, "containerType": f1}
	m["resourceReference"] = map[string]any{"id": "ref-" + title, "type": refType, "webUrl": "https://contoso.example/Shared Documents/" + title}
}

func marshal(m map[string]any, id string) string {
	if id != "" {
		m["id"] = id
	}
	b, _ := json.Marshal(m)
	return string(b)
}

var usedColl = &collection{
	name: "used", typeName: "usedInsight", noun: "used insight",
	orders:  []string{"LastUsed/LastAccessedDateTime", "LastUsed/LastModifiedDateTime"},
	filters: [3]string{"ResourceVisualization/Type", "ResourceVisualization/containerType", "resourceReference/type"},
	key0:    "lastUsed", key0Path: "lastUsed.lastAccessedDateTime", key1Path: "lastUsed.lastModifiedDateTime",
	at: func(year int) string { return quote(yearStart(year)) },
	item: func(id, k0, k1 string, f [3]string, title string) string {
		lastUsed := map[string]any{"lastAccessedDateTime": json.RawMessage(k0)}
		if k1 != "" {
			lastUsed["lastModifiedDateTime"] = json.RawMessage(k1)
		}
		m := map[string]any{"lastUsed": lastUsed}
		visual(m, f[0], f[1], f[2], title)
		return marshal(m, id)
	},
	badKey0: `"yesterday"`, badKey0Target: "lastUsed.lastAccessedDateTime",
}

var trendingColl = &collection{
	name: "trending", typeName: "trending", noun: "trending item",
	orders:  []string{"weight", "lastModifiedDateTime"},
	filters: [3]string{"ResourceVisualization/Type", "ResourceVisualization/containerType", "resourceReference/type"},
	key0:    "weight", key0Path: "weight", key1Path: "lastModifiedDateTime",
	at: func(year int) string { return itoa(year) + ".5" },
	item: func(id, k0, k1 string, f [3]string, title string) string {
		m := map[string]any{"weight": json.RawMessage(k0)}
		if k1 != "" {
			m["lastModifiedDateTime"] = json.RawMessage(k1)
		}
		visual(m, f[0], f[1], f[2], title)
		return marshal(m, id)
	},
	badKey0: `"heavy"`, badKey0Target: "weight",
}

var sharedColl = &collection{
	name: "shared", typeName: "sharedInsight", noun: "shared insight",
	orders:  []string{"lastShared/sharedDateTime"},
	filters: [3]string{"ResourceVisualization/Type", "ResourceVisualization/containerType", "lastShared/sharedBy/address"},
	key0:    "lastShared", key0Path: "lastShared.sharedDateTime",
	at: func(year int) string { return quote(yearStart(year)) },
	item: func(id, k0, _ string, f [3]string, title string) string {
		m := map[string]any{"lastShared": map[string]any{"sharedDateTime": json.RawMessage(k0), "sharingType": "Direct",
			"sharedBy": map[string]any{"address": f[2], "displayName": "Megan Bowen"}, "sharingReference": map[string]any{}}}
		visual(m, f[0], f[1], "microsoft.graph.driveItem", title)
		return marshal(m, id)
	},
	badKey0: `"yesterday"`, badKey0Target: "lastShared.sharedDateTime",
}

func init() {
	// The sibling a PATCH of the first order key keeps: used's lastModifiedDateTime is in
	// the same object; shared's sharedBy too; trending's key is top-level, so any member.
	usedColl.sibling, usedColl.siblingValue = "lastUsed.lastModifiedDateTime", "2019-01-01T00:00:00Z"
	trendingColl.sibling, trendingColl.siblingValue = "lastModifiedDateTime", "2019-01-01T00:00:00Z"
	sharedColl.sibling, sharedColl.siblingValue = "lastShared.sharingType", "Direct"
}

func yearStart(year int) string { return itoa(year) + "-01-01T00:00:00Z" }

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// seedOf is a valid payload of c without id whose record is the payload plus id: the seed for
// used, the item of Graph's documentation for the others (trending's weight as a number).
func (c *collection) seedOf(t testing.TB) string {
	t.Helper()
	if c == usedColl {
		return seed(t)
	}
	b, err := os.ReadFile(filepath.Join(root, "..", "shared", "reference", "graph", "docs-v1.0-list-"+c.name+".response.json"))
	if err != nil {
		// Without the reference material beside the repository: an item of the same shape.
		return c.item("", c.at(2021), "", [3]string{"Word", "OneDriveBusiness", "MeganB@contoso.com"}, "CE Annual Report")
	}
	var list struct {
		Value []map[string]json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &list); err != nil || len(list.Value) == 0 {
		t.Fatalf("%s: %v", c.name, err)
	}
	item := list.Value[0]
	delete(item, "id")
	if w, ok := item["weight"]; ok {
		var s string
		if json.Unmarshal(w, &s) == nil {
			item["weight"] = json.RawMessage(s)
		}
	}
	out, _ := json.Marshal(item)
	return string(out)
}

// path is c's collection path under /me.
func (c *collection) path(suffix string) string { return "/me/insights/" + c.name + suffix }

// createIn POSTs body to c as the token's user and returns the created record's id.
func (w *worker) createIn(t testing.TB, c *collection, token, body string) string {
	t.Helper()
	r := w.do(t, req{method: "POST", path: c.path(""), body: body, token: token})
	if r.status != 201 {
		t.Fatalf("create in %s: %v", c.name, r)
	}
	id, _ := decode(t, r.body)["id"].(string)
	if id == "" {
		t.Fatalf("create in %s: no id: %v", c.name, r)
	}
	return id
}

// eachCollection runs fn as a parallel subtest for each collection.
func eachCollection(t *testing.T, fn func(t *testing.T, c *collection)) {
	for _, c := range collections {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fn(t, c)
		})
	}
}

// corpus returns the files of internal/insight/testdata/corpus/<c>/<kind> (kind valid or
// invalid), by name; none when the corpus is not there.
func (c *collection) corpus(t testing.TB, kind string) map[string]string {
	t.Helper()
	dir := filepath.Join(root, "internal", "insight", "testdata", "corpus", c.name, kind)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// other returns a collection other than c.
func (c *collection) other() *collection {
	i := slices.Index(collections, c)
	return collections[(i+1)%len(collections)]
}

// expected reads internal/insight/testdata/corpus/<c>/expected.json: the problems of each
// corpus file, by its path below the collection's directory; none when it is not there.
func (c *collection) expected(t testing.TB) map[string][]struct{ Code, Path string } {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "internal", "insight", "testdata", "corpus", c.name, "expected.json"))
	if err != nil {
		return nil
	}
	var out map[string][]struct{ Code, Path string }
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s expected.json: %v", c.name, err)
	}
	return out
}
