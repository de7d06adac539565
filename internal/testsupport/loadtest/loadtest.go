// Package loadtest drives an insights API over HTTP with a mixed workload of creates, lists
// and deletes from many users at once, the way a careful client would: it honours Retry-After,
// and it names its records (client-chosen ids) so that retrying a create whose answer was lost
// is safe. Then it checks that nothing was lost: every record created (201, or 409 on the retry
// of a create whose first answer never came) is listed exactly once, in order, with the body it
// was created with, and every record deleted is gone.
//
// The Worker's end-to-end tests run it against `wrangler dev` with a rate limit, `make bench`
// runs it without one to report the sustained rate, and its own tests run it against the API
// handler over failing storage.
package loadtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/gjson"
)

// Config says what load to put on which API.
type Config struct {
	Base     string   // the API's base URL, such as http://127.0.0.1:8787
	Tokens   []string // bearer tokens of delegated users; half the work is the first user's
	Creates  int      // records to create; every 4th create is followed by a list, every 5th by a delete
	InFlight int      // requests in flight at once
	// Client sends the requests; http.DefaultClient when nil.
	Client *http.Client
	// Sleep waits out a Retry-After; a timer when nil. Tests with a fake clock advance it.
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxRetries is how often one request is retried after 429 or 503; 20 when zero.
	MaxRetries int
	// PageSize is the $top of the final check's list; 100 when zero.
	PageSize int
	// Collection is the collection loaded: "used" (when empty), "trending" or "shared".
	Collection string
}

// Report is what a run did and what it found wrong.
type Report struct {
	Creates, Lists, Deletes int            // operations that succeeded
	Retries                 map[int]int    // answers that were retried after Retry-After, by status
	Retried                 map[int]string // the first retried answer of each status, for a look
	Resets                  int            // requests retried because no answer came (a dropped connection)
	Waited                  time.Duration  // the sum of the Retry-After waits
	Elapsed                 time.Duration  // the workload, without the final check
	Listed                  int            // records the final check listed
	Problems                []string       // everything that went wrong; none when the run is clean
}

// Rate returns the operations per second the workload sustained.
func (r *Report) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Creates+r.Lists+r.Deletes) / r.Elapsed.Seconds()
}

// Err returns nil for a clean run, else an error listing (the first 20 of) its problems.
func (r *Report) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	p := r.Problems
	more := ""
	if len(p) > 20 {
		p, more = p[:20], fmt.Sprintf("\n... and %d more", len(r.Problems)-20)
	}
	return fmt.Errorf("%d problems:\n%s%s", len(r.Problems), strings.Join(p, "\n"), more)
}

// String summarises the run on one line.
func (r *Report) String() string {
	return fmt.Sprintf("%d creates, %d lists, %d deletes in %v (%.1f ops/s); retried %d×429, %d×503 (waited %v), %d without an answer; %d listed at the end; %d problems",
		r.Creates, r.Lists, r.Deletes, r.Elapsed.Round(time.Millisecond), r.Rate(), r.Retries[429], r.Retries[503], r.Waited, r.Resets, r.Listed, len(r.Problems))
}

// record is what the runner knows of one created record.
type record struct {
	n       int // its create's number: title load-<n>, last accessed base+n seconds
	deleted bool
}

type runner struct {
	c      Config
	run    string // names this run's records: <run>-<n>
	report Report
	mu     sync.Mutex
	users  []*user
}

type user struct {
	token   string
	records map[string]*record // by id
	live    []string           // ids not deleted, the oldest first
}

// Run puts the load on the API and checks the result. The error is for a run that could not
// be made (a bad Config, a cancelled context); what went wrong with the API is in the Report.
func Run(ctx context.Context, c Config) (*Report, error) {
	if c.Base == "" || len(c.Tokens) == 0 || c.Creates <= 0 || c.InFlight <= 0 {
		return nil, fmt.Errorf("loadtest: Base, Tokens, Creates and InFlight are required")
	}
	if c.Client == nil {
		c.Client = http.DefaultClient
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 20
	}
	if c.Collection == "" {
		c.Collection = "used"
	}
	if BodyFor(c.Collection, "x", 0) == "" {
		return nil, fmt.Errorf("loadtest: no collection %q", c.Collection)
	}
	if c.PageSize == 0 {
		c.PageSize = 100
	}
	c.Base = strings.TrimSuffix(c.Base, "/")
	r := &runner{c: c, run: newRunName(), report: Report{Retries: map[int]int{}, Retried: map[int]string{}}}
	for _, t := range c.Tokens {
		r.users = append(r.users, &user{token: t, records: map[string]*record{}})
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range c.InFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				r.step(ctx, n)
			}
		}()
	}
feed:
	for n := range c.Creates {
		select {
		case jobs <- n:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	r.report.Elapsed = time.Since(start)
	if err := ctx.Err(); err != nil {
		return &r.report, err
	}
	for _, u := range r.users {
		r.check(ctx, u)
	}
	return &r.report, ctx.Err()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *runner) problem(format string, args ...any) {
	r.mu.Lock()
	r.report.Problems = append(r.report.Problems, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

// userOf spreads the work: even creates are the first user's, the rest go round the others.
func (r *runner) userOf(n int) *user {
	if n%2 == 0 || len(r.users) == 1 {
		return r.users[0]
	}
	return r.users[1+(n/2)%(len(r.users)-1)]
}

// Base is the instant of create 0's lastAccessedDateTime; create n is n seconds later.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

var types = []string{"Word", "Excel", "PowerPoint", "Pdf", "Other"}

// Body returns the payload of create n: a valid usedInsight with the id, titled load-<n>.
func Body(id string, n int) string { return BodyFor("used", id, n) }

// BodyFor returns the payload of create n in a collection ("" for an unknown one): a valid
// item with the id, titled load-<n>, that lists before create n-1 in the default order (used
// and shared: n seconds after Base; trending: weight n, every other one written as a string).
func BodyFor(collection, id string, n int) string {
	at := Base.Add(time.Duration(n) * time.Second).Format(time.RFC3339)
	var own string
	switch collection {
	case "used":
		own = `"lastUsed":{"lastAccessedDateTime":"` + at + `","lastModifiedDateTime":"2023-06-01T00:00:00Z"}`
	case "trending":
		w := strconv.Itoa(n) + ".5"
		if n%2 == 1 {
			w = `"` + w + `"`
		}
		own = `"weight":` + w + `,"lastModifiedDateTime":"2023-06-01T00:00:00Z"`
	case "shared":
		own = `"lastShared":{"sharedDateTime":"` + at + `","sharedBy":{"address":"load@contoso.com"},"sharingReference":{}},` +
			`"sharingHistory":[{"sharedDateTime":"2023-06-01T00:00:00Z"}]`
	default:
		return ""
	}
	return `{"id":"` + id + `",` + own + `,"resourceVisualization":{"title":"load-` + strconv.Itoa(n) +
		`","type":"` + types[n%len(types)] + `","mediaType":"application/octet-stream","containerType":"Site"},` +
		`"resourceReference":{"webUrl":"https://contoso.sharepoint.com/load/` + strconv.Itoa(n) + `.docx","type":"microsoft.graph.driveItem"}}`
}

// path is the path of the collection loaded, plus suffix.
func (r *runner) path(suffix string) string { return "/me/insights/" + r.c.Collection + suffix }

// step is create n, then maybe a list and a delete for the same user.
func (r *runner) step(ctx context.Context, n int) {
	u := r.userOf(n)
	r.create(ctx, u, n)
	if n%4 == 3 {
		r.list(ctx, u)
	}
	if n%5 == 4 {
		r.deleteOne(ctx, u)
	}
}

func (r *runner) create(ctx context.Context, u *user, n int) {
	id := r.run + "-" + strconv.Itoa(n)
	a := r.send(ctx, u, "POST", r.path(""), BodyFor(r.c.Collection, id, n))
	if a == nil {
		return
	}
	// A 409 after a lost answer: the first attempt was stored.
	if !(a.status == 409 && a.retried[0]) && !r.createdAs(a, id, n) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := u.records[id]; dup {
		r.report.Problems = append(r.report.Problems, fmt.Sprintf("create %d: id %s was created before", n, id))
		return
	}
	u.records[id] = &record{n: n}
	u.live = append(u.live, id)
	r.report.Creates++
}

// createdAs reports whether a is the 201 of create n with the id, noting a problem if not.
func (r *runner) createdAs(a *answer, id string, n int) bool {
	switch {
	case a.status != 201:
		r.problem("create %d: %s", n, a)
	case gjson.GetBytes(a.body, "id").Str != id || gjson.GetBytes(a.body, "resourceVisualization.title").Str != "load-"+strconv.Itoa(n):
		r.problem("create %d: 201 with body %.300s", n, a.body)
	case a.header.Get("Location") != r.c.Base+r.path("/"+id):
		r.problem("create %d: Location %q for id %q", n, a.header.Get("Location"), id)
	default:
		return true
	}
	return false
}

// list reads the user's first page while others write: it must be a page of their records.
func (r *runner) list(ctx context.Context, u *user) {
	a := r.send(ctx, u, "GET", r.path("?$top=25"), "")
	if a == nil {
		return
	}
	v := gjson.GetBytes(a.body, "value")
	if a.status != 200 || !v.IsArray() {
		r.problem("list: %s", a)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.report.Lists++
	for _, item := range v.Array() {
		if _, ok := u.records[item.Get("id").Str]; !ok && !r.createdLater(u, item) {
			r.report.Problems = append(r.report.Problems, fmt.Sprintf("list: item %.200s is no record of this user", item.Raw))
		}
	}
}

// createdLater reports whether a listed item may be a create of this run for user u whose 201
// has not arrived yet.
func (r *runner) createdLater(u *user, item gjson.Result) bool {
	title := item.Get("resourceVisualization.title").Str
	n, err := strconv.Atoi(strings.TrimPrefix(title, "load-"))
	return err == nil && strings.HasPrefix(title, "load-") && n >= 0 && n < r.c.Creates && r.userOf(n) == u
}

// deleteOne deletes the user's oldest record that is not deleted yet.
func (r *runner) deleteOne(ctx context.Context, u *user) {
	r.mu.Lock()
	if len(u.live) == 0 {
		r.mu.Unlock()
		return
	}
	id := u.live[0]
	u.live = u.live[1:]
	r.mu.Unlock()
	a := r.send(ctx, u, "DELETE", r.path("/"+url.PathEscape(id)), "")
	if a == nil {
		return
	}
	// A 404 after a 503 or a lost answer: the earlier attempt had deleted the record.
	if a.status != 204 && !(a.status == 404 && (a.retried[503] || a.retried[0])) {
		r.problem("delete %s: %s", id, a)
		return
	}
	r.mu.Lock()
	u.records[id].deleted = true
	r.report.Deletes++
	r.mu.Unlock()
}

// check lists all the user's records and reads every deleted one.
func (r *runner) check(ctx context.Context, u *user) {
	want := 0
	for _, rec := range u.records {
		if !rec.deleted {
			want++
		}
	}
	seen := map[string]bool{}
	last := -1
	next := r.path("?$count=true&$top=" + strconv.Itoa(r.c.PageSize))
	for pages := 0; next != ""; pages++ {
		if pages > r.c.Creates/r.c.PageSize+1 {
			r.problem("check: @odata.nextLink never ends")
			return
		}
		a := r.send(ctx, u, "GET", next, "")
		if a == nil {
			return
		}
		if a.status != 200 {
			r.problem("check: list: %s", a)
			return
		}
		if n := gjson.GetBytes(a.body, "@odata\\.count"); n.Type != gjson.Number || int(n.Int()) != want {
			r.problem("check: @odata.count %s, want %d", n.Raw, want)
		}
		for _, item := range gjson.GetBytes(a.body, "value").Array() {
			id := item.Get("id").Str
			rec, ok := u.records[id]
			switch {
			case !ok:
				r.problem("check: listed %s (%s), which no 201 returned", id, item.Get("resourceVisualization.title").Str)
			case seen[id]:
				r.problem("check: listed %s twice", id)
			case rec.deleted:
				r.problem("check: listed %s (load-%d), which was deleted", id, rec.n)
			case item.Get("resourceVisualization.title").Str != "load-"+strconv.Itoa(rec.n):
				r.problem("check: listed %s as %.200s, created as load-%d", id, item.Raw, rec.n)
			case last >= 0 && rec.n >= last:
				r.problem("check: listed load-%d after load-%d: not in the default order", rec.n, last)
			}
			if ok {
				last = rec.n
			}
			seen[id] = true
		}
		next = gjson.GetBytes(a.body, "@odata\\.nextLink").Str
		next = strings.TrimPrefix(next, r.c.Base)
	}
	r.report.Listed += len(seen)
	for id, rec := range u.records {
		if !rec.deleted && !seen[id] {
			r.problem("check: %s (load-%d) was created (201) and is not listed", id, rec.n)
		}
		if rec.deleted {
			a := r.send(ctx, u, "GET", r.path("/"+url.PathEscape(id)), "")
			if a != nil && a.status != 404 {
				r.problem("check: deleted %s (load-%d) reads as %s", id, rec.n, a)
			}
		}
	}
	if a := r.send(ctx, u, "GET", r.path("/$count"), ""); a != nil && (a.status != 200 || string(a.body) != strconv.Itoa(want)) {
		r.problem("check: $count: %s, want %d", a, want)
	}
}

// newRunName returns 8 random URL-safe characters.
func newRunName() string {
	var b [6]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// answer is the last answer to a request, after any retries.
type answer struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
	retried      map[int]bool // statuses that were retried
}

func (a *answer) String() string {
	return fmt.Sprintf("%s %s: %d %.300s", a.method, a.path, a.status, a.body)
}

// send makes one request, retrying 429 and 503 after their Retry-After. It returns nil, after
// noting the problem, when there is no answer to judge.
func (r *runner) send(ctx context.Context, u *user, method, path, body string) *answer {
	a := &answer{method: method, path: path, retried: map[int]bool{}}
	for attempt := 0; ; attempt++ {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, r.c.Base+path, rd)
		if err != nil {
			r.problem("%s %s: %v", method, path, err)
			return nil
		}
		req.Header.Set("Authorization", "Bearer "+u.token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := r.c.Client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if attempt == r.c.MaxRetries {
				r.problem("%s %s: no answer after %d retries: %v", method, path, attempt, err)
				return nil
			}
			// Every request of the workload is safe to repeat: creates name their records.
			r.mu.Lock()
			r.report.Resets++
			r.mu.Unlock()
			a.retried[0] = true
			if err := r.c.Sleep(ctx, time.Second); err != nil {
				return nil
			}
			continue
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			r.problem("%s %s: reading the answer: %v", method, path, err)
			return nil
		}
		a.status, a.header, a.body = res.StatusCode, res.Header, b
		if a.status >= 500 && a.status != 503 {
			r.problem("%s", a)
			return nil
		}
		if a.status != 429 && a.status != 503 {
			return a
		}
		secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || secs < 0 {
			r.problem("%s %s: %d without a Retry-After in seconds (%q)", method, path, a.status, res.Header.Get("Retry-After"))
			return nil
		}
		if attempt == r.c.MaxRetries {
			r.problem("%s %s: still %d after %d retries", method, path, a.status, attempt)
			return nil
		}
		wait := time.Duration(secs) * time.Second
		r.mu.Lock()
		r.report.Retries[a.status]++
		if _, ok := r.report.Retried[a.status]; !ok {
			r.report.Retried[a.status] = fmt.Sprintf("%s; headers %v", a, a.header)
		}
		r.report.Waited += wait
		r.mu.Unlock()
		a.retried[a.status] = true
		if err := r.c.Sleep(ctx, wait); err != nil {
			return nil
		}
	}
}
