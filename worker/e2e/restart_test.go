//go:build e2e

package e2e

import (
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRestartPersistence: what one wrangler dev stored (creates, a PATCH, a DELETE) is what a
// new wrangler dev on the same --persist-to directory serves, byte for byte.
func TestRestartPersistence(t *testing.T) {
	t.Parallel()
	// Under the snapshot directory, which an interrupted run removes too.
	persist, err := os.MkdirTemp(snapshot, "restart-kv-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(persist) })
	opts := options{secret: randomHex(32), persist: persist, vars: map[string]string{"DEV_TOKENS": "1"}}
	first := startOwn(t, opts)
	user, tok := first.delegated(t, "restart")
	ids := []string{
		first.create(t, tok, seed(t)),
		first.create(t, tok, insight("chosen.id~1", "2021-03-04T05:06:07.1234567-02:00", "2021-03-01T00:00:00Z", "PowerPoint", "OneDriveBusiness", "microsoft.graph.driveItem", "Deck")),
		first.create(t, tok, insight("", "2022-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", "Doomed")),
		first.create(t, tok, insight("", "2023-01-01T00:00:00+14:00", "", "Excel", "Site", "microsoft.graph.siteItem", "Patched")),
	}
	if r := first.do(t, req{method: "DELETE", path: "/me/insights/used/" + ids[2], token: tok}); r.status != 204 {
		t.Fatalf("delete: %v", r)
	}
	if r := first.do(t, req{method: "PATCH", path: "/me/insights/used/" + ids[3], body: `{"resourceVisualization":{"title":"Patched twice"}}`, token: tok}); r.status != 204 {
		t.Fatalf("patch: %v", r)
	}
	want := records(t, first, tok)
	if len(want) != 3 {
		t.Fatalf("before the restart: %d records", len(want))
	}
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", strings.TrimPrefix(first.base, "http://"), time.Second); err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections after stop", first.base)
	}

	second := startOwn(t, opts)
	// A token the second instance never issued: signed with the same AUTH_SECRET.
	tok2 := second.sign(map[string]any{"sub": user, "scp": "Sites.Read.All"}, time.Hour, time.Now())
	got := records(t, second, tok2)
	if !sameJSON(got, want) {
		t.Errorf("after the restart:\n%v\nbefore:\n%v", got, want)
	}
	p, _ := getList(t, second, tok2, "/me/insights/used?$count=true&$filter=ResourceVisualization/Type%20eq%20'powerpoint'")
	if !slices.Equal(p.ids(), []string{"chosen.id~1"}) || p.Count == nil || p.Count.String() != "1" {
		t.Errorf("filtered after the restart: %v (count %v)", p.ids(), p.Count)
	}
	checkError(t, second.do(t, req{method: "GET", path: "/me/insights/used/" + ids[2], token: tok2}), 404, "itemNotFound")
	if r := second.do(t, req{method: "GET", path: "/me/insights/used/$count", token: tok2}); string(r.body) != "3" {
		t.Errorf("count after the restart: %v", r)
	}
}

// records is every record of the token's user: the list (newest first) and each GET of an
// item, which must agree; @odata.context, which names the instance's URL, is left out.
func records(t *testing.T, w *worker, tok string) []map[string]any {
	t.Helper()
	p, _ := getList(t, w, tok, "/me/insights/used")
	if p.Next != "" {
		t.Fatal("more than one page")
	}
	for _, rec := range p.Value {
		r := w.do(t, req{method: "GET", path: "/me/insights/used/" + rec["id"].(string), token: tok})
		if r.status != 200 {
			t.Fatalf("%v", r)
		}
		item := decode(t, r.body)
		delete(item, "@odata.context")
		if !sameJSON(item, rec) {
			t.Errorf("GET %v differs from its listing %v", item, rec)
		}
	}
	return p.Value
}
