package loadtest

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/usedinsight/usedinsight/internal/api"
	"github.com/usedinsight/usedinsight/internal/auth"
	"github.com/usedinsight/usedinsight/internal/kvstore"
	"github.com/usedinsight/usedinsight/internal/store"
)

const secret = "loadtest-secret-0123456789abcdef0123"

// clock is the fake time of the API and of the client's Retry-After waits: waiting advances it,
// so a run that meets many 429s and 503s takes no real time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

// flakyKV fails a share of the operations, before they touch the data, as an unavailable
// Workers KV does.
type flakyKV struct {
	kvstore.KV
	mu   sync.Mutex
	rnd  *rand.Rand
	rate float64
}

var errFlaky = errors.New("injected KV failure")

func (f *flakyKV) fail() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rnd.Float64() < f.rate
}

func (f *flakyKV) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if f.fail() {
		return nil, false, errFlaky
	}
	return f.KV.Get(ctx, key)
}

func (f *flakyKV) Put(ctx context.Context, key string, value []byte) error {
	if f.fail() {
		return errFlaky
	}
	return f.KV.Put(ctx, key, value)
}

func (f *flakyKV) Delete(ctx context.Context, key string) error {
	if f.fail() {
		return errFlaky
	}
	return f.KV.Delete(ctx, key)
}

func (f *flakyKV) List(ctx context.Context, prefix, cursor string, limit int) ([]string, string, error) {
	if f.fail() {
		return nil, "", errFlaky
	}
	return f.KV.List(ctx, prefix, cursor, limit)
}

// lossy acknowledges every 7th create of a user without storing it.
type lossy struct {
	store.Store
	mu sync.Mutex
	n  int
}

func (l *lossy) Create(ctx context.Context, sp store.Space, r store.Record) error {
	l.mu.Lock()
	l.n++
	drop := l.n%7 == 0
	l.mu.Unlock()
	if drop {
		return nil
	}
	return l.Store.Create(ctx, sp, r)
}

// forgetful answers every delete and deletes nothing.
type forgetful struct{ store.Store }

func (forgetful) Delete(context.Context, store.Space, string) error { return nil }

// noRetryAfter strips Retry-After from every answer.
func noRetryAfter(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(headerless{w}, r)
	})
}

type headerless struct{ http.ResponseWriter }

// dropping serves every 10th request and then drops the connection without an answer, as a
// dev server restarting mid-request does.
func dropping(h http.Handler) http.Handler {
	var mu sync.Mutex
	n := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		drop := n%10 == 0
		mu.Unlock()
		if !drop {
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
}

func (h headerless) WriteHeader(status int) {
	h.Header().Del("Retry-After")
	h.ResponseWriter.WriteHeader(status)
}

func TestRun(t *testing.T) {
	key := store.NewTokenKey(secret)
	kv := func(rate float64, seed uint64) store.Store {
		return kvstore.New(&flakyKV{KV: kvstore.NewMemoryKV(), rnd: rand.New(rand.NewPCG(seed, 1)), rate: rate}, key)
	}
	tests := []struct {
		desc      string
		store     store.Store
		rateLimit float64
		wrap      func(http.Handler) http.Handler
		want429   bool
		want503   bool
		wantReset bool
		problems  []string // substrings of the problems a run must report; none when empty
		coll      string   // the collection loaded; used when empty
	}{
		{desc: "in-memory store", store: store.NewMemory(key)},
		{desc: "KV store, rate limited", store: kv(0, 1), rateLimit: 5, want429: true},
		{desc: "KV failing 3% of operations", store: kv(0.03, 2), want503: true},
		{desc: "KV failing 3%, rate limited", store: kv(0.03, 3), rateLimit: 5, want429: true, want503: true},
		{desc: "answers lost after the work is done", store: kv(0, 5), wrap: dropping, wantReset: true},
		{desc: "a store that loses creates", store: &lossy{Store: store.NewMemory(key)}, problems: []string{"was created (201) and is not listed"}},
		{desc: "a store that does not delete", store: forgetful{store.NewMemory(key)}, problems: []string{"which was deleted", "deleted"}},
		{desc: "429 without Retry-After", store: store.NewMemory(key), rateLimit: 5, wrap: noRetryAfter, problems: []string{"429 without a Retry-After"}},
		{desc: "503 without Retry-After", store: kv(0.03, 4), wrap: noRetryAfter, problems: []string{"503 without a Retry-After"}},
		{desc: "trending, KV failing 3%", store: kv(0.03, 6), want503: true, coll: "trending"},
		{desc: "shared, KV failing 3%, rate limited", store: kv(0.03, 7), rateLimit: 5, want429: true, want503: true, coll: "shared"},
		{desc: "trending, a store that loses creates", store: &lossy{Store: store.NewMemory(key)}, problems: []string{"was created (201) and is not listed"}, coll: "trending"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			clk := &clock{now: time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)}
			v, err := auth.NewVerifier(auth.Config{Secret: secret, Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			h, err := api.New(api.Config{Store: tt.store, Verifier: v, Now: clk.Now, RateLimit: tt.rateLimit, Logf: func(string, ...any) {}})
			if err != nil {
				t.Fatal(err)
			}
			var handler http.Handler = h
			if tt.wrap != nil {
				handler = tt.wrap(handler)
			}
			srv := httptest.NewServer(handler)
			defer srv.Close()
			var tokens []string
			for _, u := range []string{"alice", "bob", "carol"} {
				tok, err := auth.IssueHS256(secret, map[string]any{"sub": u, "scp": "Sites.ReadWrite.All"}, 24*time.Hour, clk.Now())
				if err != nil {
					t.Fatal(err)
				}
				tokens = append(tokens, tok)
			}
			const creates = 300
			rep, err := Run(context.Background(), Config{Base: srv.URL, Tokens: tokens, Creates: creates, InFlight: 8, Sleep: clk.Sleep, PageSize: 25, Collection: tt.coll})
			if err != nil {
				t.Fatal(err)
			}
			t.Log(rep)
			if len(tt.problems) > 0 {
				all := strings.Join(rep.Problems, "\n")
				for _, p := range tt.problems {
					if !strings.Contains(all, p) {
						t.Errorf("no problem mentions %q; problems:\n%s", p, all)
					}
				}
				return
			}
			if err := rep.Err(); err != nil {
				t.Fatal(err)
			}
			if rep.Creates != creates || rep.Lists != creates/4 || rep.Deletes != creates/5 || rep.Listed != creates-creates/5 {
				t.Errorf("%v; want %d creates, %d lists, %d deletes, %d listed", rep, creates, creates/4, creates/5, creates-creates/5)
			}
			if got := rep.Retries[429] > 0; got != tt.want429 {
				t.Errorf("retried 429s: %d", rep.Retries[429])
			}
			if got := rep.Retries[503] > 0; got != tt.want503 {
				t.Errorf("retried 503s: %d", rep.Retries[503])
			}
			if got := rep.Resets > 0; got != tt.wantReset {
				t.Errorf("retried without an answer: %d", rep.Resets)
			}
		})
	}
}

func TestRunConfig(t *testing.T) {
	if _, err := Run(context.Background(), Config{Base: "http://127.0.0.1:1"}); err == nil {
		t.Error("Run without Tokens, Creates and InFlight succeeded")
	}
	if _, err := Run(context.Background(), Config{Base: "http://127.0.0.1:1", Tokens: []string{"t"}, Creates: 1, InFlight: 1, Collection: "popular"}); err == nil {
		t.Error("Run of an unknown collection succeeded")
	}
}
