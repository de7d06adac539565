//go:build e2e

package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/usedinsight/usedinsight/internal/testsupport/loadtest"
)

// TestLoad: 2,000 creates of used insights from six users, 48 in flight, mixed with lists and
// deletes, on the shared Worker, then 600 of trending items and 600 of shared insights: no 5xx
// from the Worker, every 201 is listed exactly once, in the collection's default order, with
// its body, every deleted record is gone, and $count agrees. On a loaded
// machine wrangler dev now and then restarts the Worker mid-request (its own 503 with
// Retry-After: 0, or a dropped connection); the client retries those, safely, because its
// creates carry their ids, and the report counts them.
func TestLoad(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	for _, c := range []struct {
		collection string
		creates    int
	}{{"used", 2000}, {"trending", 600}, {"shared", 600}} {
		t.Run(c.collection, func(t *testing.T) {
			rep := runLoad(t, w, 6, loadtest.Config{Creates: c.creates, InFlight: 48, Collection: c.collection})
			if rep.Creates != c.creates {
				t.Errorf("%d creates, want %d", rep.Creates, c.creates)
			}
		})
	}
}

// TestLoadHonouringRetryAfter: with RATE_LIMIT=10 (per user, bursts of 20) the first wave of
// 48 requests, half of them one user's, meets 429s; a client that waits out their Retry-After
// and retries loses nothing and stores nothing twice.
func TestLoadHonouringRetryAfter(t *testing.T) {
	t.Parallel()
	w := startOwn(t, options{vars: map[string]string{"RATE_LIMIT": "10"}})
	rep := runLoad(t, w, 2, loadtest.Config{Creates: 200, InFlight: 48})
	if rep.Retries[429] == 0 {
		t.Errorf("no 429 to honour: %v", rep)
	}
}

// runLoad runs the workload for users new users of w and fails the test on any problem.
func runLoad(t *testing.T, w *worker, users int, c loadtest.Config) *loadtest.Report {
	t.Helper()
	for range users {
		c.Tokens = append(c.Tokens, w.sign(map[string]any{"sub": newUser("load"), "scp": "Sites.ReadWrite.All"}, time.Hour, time.Now()))
	}
	c.Base, c.Client = w.base, client
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	rep, err := loadtest.Run(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	for status, a := range rep.Retried {
		t.Logf("first %d: %s", status, a)
	}
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	return rep
}
