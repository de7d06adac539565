//go:build e2e

package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// quick is a client for requests that must not hang: a hang is a failure, soon.
var quick = &http.Client{Timeout: 10 * time.Second, Transport: client.Transport, CheckRedirect: client.CheckRedirect}

// TestHostileInputs: on an instance configured as in production (no DEV_TOKENS, so
// /dev/token is a 404; tokens signed with its AUTH_SECRET), hostile paths and bodies each get
// a 4xx in Graph's envelope, and the Worker answers the next request normally (SPEC §10).
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	w := startOwn(t, options{})
	token := func() string {
		return w.sign(map[string]any{"sub": newUser("hostile"), "scp": "Sites.ReadWrite.All"}, time.Hour, time.Now())
	}
	checkError(t, w.do(t, req{method: "POST", path: "/dev/token", body: `{"sub":"admin"}`}), 404, "itemNotFound")

	long := strings.Repeat("a", 2000)
	deepArrays := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	deepObjects := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	valid := insight("", "2020-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", "T")
	gz := map[string]string{"Content-Encoding": "gzip"}
	oversize := insight("", "2020-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", strings.Repeat("x", 70000))
	tests := []struct {
		desc   string
		r      req
		status int // 0: any 4xx
	}{
		{"2,000-character id: GET", req{method: "GET", path: "/me/insights/used/" + long}, 400},
		{"2,000-character id: PATCH", req{method: "PATCH", path: "/v1.0/me/insights/used/" + long, body: `{}`}, 400},
		{"2,000-character id: DELETE", req{method: "DELETE", path: "/me/insights/used/" + long}, 400},
		{"2,000-character user", req{method: "GET", path: "/users/" + long + "/insights/used"}, 400},
		{"2,000-character user: create", req{method: "POST", path: "/users/" + long + "/insights/used", body: valid}, 400},
		{"%00 as the id", req{method: "GET", path: "/me/insights/used/%00"}, 0},
		{"%00 inside the id", req{method: "DELETE", path: "/me/insights/used/a%00b"}, 0},
		{"%00 as the user", req{method: "GET", path: "/users/%00/insights/used"}, 0},
		{"%00 after me", req{method: "GET", path: "/me%00/insights/used"}, 404},
		{"%00 in the version", req{method: "POST", path: "/v1.0%00/me/insights/used", body: valid}, 404},
		{"10,000-deep arrays", req{method: "POST", path: "/me/insights/used", body: deepArrays}, 400},
		{"10,000 open brackets", req{method: "POST", path: "/me/insights/used", body: strings.Repeat("[", 10000)}, 400},
		{"10,000-deep objects", req{method: "POST", path: "/me/insights/used", body: deepObjects}, 400},
		{"10,000-deep PATCH", req{method: "PATCH", path: "/me/insights/used/x", body: deepObjects}, 400},
		{"10,000-deep gzip-compressed", req{method: "POST", path: "/me/insights/used", body: gzipped([]byte(deepArrays)), header: gz}, 400},
		{"10,000 parentheses in $filter", req{method: "GET", path: "/me/insights/used?$filter=" + strings.Repeat("(", 10000)}, 400},
		{"invalid UTF-8", req{method: "POST", path: "/me/insights/used", body: strings.Replace(valid, `"T"`, "\"\xff\xfe\"", 1)}, 400},
		{"NUL in a string", req{method: "POST", path: "/me/insights/used", body: strings.Replace(valid, `"T"`, "\"a\x00b\"", 1)}, 400},
		{"over 64 KiB with Content-Length", req{method: "POST", path: "/me/insights/used", body: oversize}, 413},
		// The Worker reads these bodies only in part before it answers.
		{"over 64 KiB, chunked", req{method: "POST", path: "/me/insights/used", body: oversize, chunked: true}, 413},
		{"gzip bomb: 10 MB of zeros", req{method: "POST", path: "/me/insights/used", body: gzipped(make([]byte, 10<<20)), header: gz}, 413},
		{"gzip bomb: 10 MB of spaces, chunked", req{method: "POST", path: "/me/insights/used", body: gzipped([]byte(strings.Repeat(" ", 10<<20))), header: gz, chunked: true}, 413},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			r := tt.r
			r.token, r.client = token(), quick
			res, err := w.send(r)
			switch {
			case err != nil:
				t.Errorf("no answer: %v", err)
			case tt.status == 0 && (res.status < 400 || res.status > 499):
				t.Errorf("%v: want a 4xx", res)
			case tt.status == 0:
				code := "invalidRequest"
				if res.status == 404 {
					code = "itemNotFound"
				}
				checkError(t, res, res.status, code)
			default:
				code := "invalidRequest"
				if tt.status == 404 {
					code = "itemNotFound"
				}
				checkError(t, res, tt.status, code)
			}
			// The Worker still serves, at once.
			for i := range 2 {
				after, err := w.send(req{method: "GET", path: "/me/insights/used/$count", token: token(), client: quick})
				if err != nil || after.status != 200 || string(after.body) != "0" {
					t.Errorf("request %d after it: %v %v", i+1, after, err)
				}
			}
		})
	}
}

// TestRateLimit: with RATE_LIMIT=1 (per user: 1 request a second, bursts of 2), a burst of
// requests meets a 429 activityLimitReached with Retry-After, other users are not limited,
// and the user is served again after Retry-After.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	w := startOwn(t, options{vars: map[string]string{"RATE_LIMIT": "1"}})
	sign := func(user string) string {
		return w.sign(map[string]any{"sub": user, "scp": "Sites.Read.All"}, time.Hour, time.Now())
	}
	user := newUser("limited")
	tok := sign(user)
	const burst = 8
	var mu sync.Mutex
	var statuses []int
	var limited *resp
	var wg sync.WaitGroup
	start := time.Now()
	for range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := w.send(req{method: "GET", path: "/me/insights/used/$count", token: tok})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			statuses = append(statuses, r.status)
			if r.status == 429 {
				limited = r
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	ok := 0
	for _, s := range statuses {
		if s == 200 {
			ok++
		}
	}
	// At most 2 + elapsed seconds of them may succeed.
	if allowed := 2 + int(elapsed.Seconds()) + 1; ok > allowed {
		t.Fatalf("%d concurrent requests in %v: statuses %v; RATE_LIMIT=1 allows at most %d", burst, elapsed.Round(time.Millisecond), statuses, allowed)
	}
	if limited == nil {
		t.Fatalf("statuses %v: no 429", statuses)
	}
	checkError(t, limited, 429, "activityLimitReached")
	retry, err := strconv.Atoi(limited.header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 {
		t.Errorf("Retry-After %q", limited.header.Get("Retry-After"))
	}
	if r := w.do(t, req{method: "GET", path: "/me/insights/used/$count", token: sign(newUser("unlimited"))}); r.status != 200 {
		t.Errorf("another user: %v", r)
	}
	// Honouring Retry-After works (bounded polling).
	deadline := time.Now().Add(time.Duration(retry)*time.Second + 5*time.Second)
	for {
		time.Sleep(time.Duration(retry) * time.Second)
		r := w.do(t, req{method: "GET", path: "/me/insights/used/$count", token: tok})
		if r.status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still limited after Retry-After: %v", r)
		}
	}
}
