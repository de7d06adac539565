//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"
)

const (
	concurrentCreates  = 500
	concurrentInFlight = 16
)

// TestConcurrentCreates: 500 creates, 16 at a time, are 500 201s, and every one of them is a
// record that a later list returns exactly once and that $count counts (SPEC §6, §10).
func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	_, tok := w.delegated(t, "concurrent")
	start := time.Now()
	type result struct {
		n   int
		id  string
		err string
	}
	jobs := make(chan int)
	results := make(chan result, concurrentCreates)
	var wg sync.WaitGroup
	for range concurrentInFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				body := insight("", time.Date(2024, 1, 1, 0, 0, n, 0, time.UTC).Format(time.RFC3339), "", "Word", "Site", "microsoft.graph.driveItem", fmt.Sprintf("c-%03d", n))
				r, err := w.send(req{method: "POST", path: "/me/insights/used", body: body, token: tok})
				res := result{n: n}
				var rec struct {
					ID                    string `json:"id"`
					ResourceVisualization struct {
						Title string `json:"title"`
					} `json:"resourceVisualization"`
				}
				switch {
				case err != nil:
					res.err = err.Error()
				case r.status != 201:
					res.err = r.String()
				case json.Unmarshal(r.body, &rec) != nil || rec.ResourceVisualization.Title != fmt.Sprintf("c-%03d", n) || r.header.Get("Location") != w.base+"/me/insights/used/"+rec.ID:
					res.err = fmt.Sprintf("created %s with Location %q", r.body, r.header.Get("Location"))
				default:
					res.id = rec.ID
				}
				results <- res
			}
		}()
	}
	for n := range concurrentCreates {
		jobs <- n
	}
	close(jobs)
	wg.Wait()
	close(results)
	created := map[string]int{} // id → n
	failures := 0
	for r := range results {
		if r.err != "" {
			if failures++; failures <= 10 {
				t.Errorf("create %d: %s", r.n, r.err)
			}
			continue
		}
		if prev, dup := created[r.id]; dup {
			t.Errorf("creates %d and %d both got id %s", prev, r.n, r.id)
		}
		created[r.id] = r.n
	}
	elapsed := time.Since(start)
	t.Logf("%d creates, %d at a time: %v (%.0f/s), %d failed", concurrentCreates, concurrentInFlight, elapsed.Round(time.Millisecond), concurrentCreates/elapsed.Seconds(), failures)
	if failures > 0 {
		t.Fatalf("%d of %d creates failed", failures, concurrentCreates)
	}

	// Every 201 is listed once, newest first, with the body it was created with.
	seen := map[string]bool{}
	next := "/me/insights/used?$top=999&$count=true"
	last := 1 << 30
	for pages := 0; next != ""; pages++ {
		if pages > concurrentCreates {
			t.Fatal("@odata.nextLink never ends")
		}
		p, r := getList(t, w, tok, next)
		if p.Count == nil || p.Count.String() != fmt.Sprint(concurrentCreates) {
			t.Errorf("@odata.count %v, want %d", p.Count, concurrentCreates)
		}
		for _, rec := range p.Value {
			id, _ := rec["id"].(string)
			n, ok := created[id]
			switch {
			case !ok:
				t.Errorf("listed %s, which no create returned", id)
			case seen[id]:
				t.Errorf("listed %s twice", id)
			case rec["resourceVisualization"].(map[string]any)["title"] != fmt.Sprintf("c-%03d", n):
				t.Errorf("listed %s as %v, created as c-%03d", id, rec, n)
			case n >= last:
				t.Errorf("listed c-%03d after c-%03d: not newest first", n, last)
			}
			seen[id] = true
			last = n
		}
		if p.Next != "" && len(p.Value) == 0 {
			t.Errorf("%v: an empty page with a nextLink", r)
		}
		next = p.Next
	}
	if len(seen) != concurrentCreates {
		t.Errorf("listed %d records, created %d", len(seen), concurrentCreates)
	}
	if r := w.do(t, req{method: "GET", path: "/me/insights/used/$count", token: tok}); r.status != 200 || string(r.body) != fmt.Sprint(concurrentCreates) {
		t.Errorf("$count: %v", r)
	}
}
