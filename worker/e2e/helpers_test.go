//go:build e2e

package e2e

// Helpers of the tests: tokens, requests, and assertions on what a client sees.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/usedinsight/usedinsight/internal/auth"
)

// ---- tokens ----

// sign issues an HS256 token with this instance's AUTH_SECRET, valid from now for ttl, with the
// instance's own claims (options.claims) where claims has none of that name.
func (w *worker) sign(claims map[string]any, ttl time.Duration, now time.Time) string {
	if len(w.claims) > 0 {
		all := make(map[string]any, len(claims)+len(w.claims))
		for k, v := range w.claims {
			all[k] = v
		}
		for k, v := range claims {
			all[k] = v
		}
		claims = all
	}
	tok, err := auth.IssueHS256(w.secret, claims, ttl, now)
	if err != nil {
		panic(err)
	}
	return tok
}

// devToken asks POST /dev/token for a token; body "" sends none.
func (w *worker) devToken(t testing.TB, body string) string {
	t.Helper()
	r := w.do(t, req{method: "POST", path: "/dev/token", body: body})
	if r.status != 200 {
		t.Fatalf("POST /dev/token %s: %d %s", body, r.status, r.body)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(r.body, &tr); err != nil || tr.AccessToken == "" || tr.TokenType != "Bearer" || tr.ExpiresIn != 3600 {
		t.Fatalf("POST /dev/token %s: %s (%v)", body, r.body, err)
	}
	return tr.AccessToken
}

var userSeq atomic.Int64

// newUser names a user no other test (or earlier run against the same KV) has used.
func newUser(prefix string) string {
	return fmt.Sprintf("%s-%d-%s", prefix, userSeq.Add(1), randomHex(4))
}

// delegated returns a new user and a /dev/token token for them with Sites.ReadWrite.All.
func (w *worker) delegated(t testing.TB, prefix string) (user, token string) {
	t.Helper()
	user = newUser(prefix)
	return user, w.devToken(t, `{"sub":"`+user+`","scp":"Sites.ReadWrite.All"}`)
}

// ---- HTTP ----

var client = &http.Client{
	Timeout: requestTimeout,
	Transport: &http.Transport{
		Proxy:               nil, // 127.0.0.1 only, whatever HTTP_PROXY says
		DisableCompression:  true,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
	},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// req is one request. path is below the instance's base URL, or an absolute URL.
type req struct {
	method, path string
	body         string
	token        string            // Bearer token; none when empty
	header       map[string]string // extra headers; a "" value removes one
	chunked      bool              // send the body without Content-Length
	client       *http.Client      // the default client when nil
}

// resp is what the client saw.
type resp struct {
	method, url string
	status      int
	header      http.Header
	body        []byte
	crid        string // the client-request-id sent
}

func (r *resp) String() string {
	b := r.body
	if len(b) > 2000 {
		b = append(b[:2000:2000], "…"...)
	}
	return fmt.Sprintf("%s %s → %d %s", r.method, r.url, r.status, b)
}

var cridSeq atomic.Int64

// do sends r and reads the whole answer; a failed exchange ends the test. Every request
// carries a fresh client-request-id unless r.header sets one. A 5xx is a test failure: no
// input may cause one.
func (w *worker) do(t testing.TB, r req) *resp {
	t.Helper()
	out, err := w.send(r)
	if err != nil {
		t.Fatal(err)
	}
	if out.status >= 500 {
		t.Errorf("server error: %v", out)
	}
	return out
}

// send is do for any goroutine: it reports a failed exchange as an error.
func (w *worker) send(r req) (*resp, error) {
	u := r.path
	if !strings.Contains(u, "://") {
		u = w.base + u
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
		if r.chunked {
			body = struct{ io.Reader }{body} // of unknown length: sent chunked
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, u, err)
	}
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	hr.Header.Set("client-request-id", "e2e-"+strconv.FormatInt(cridSeq.Add(1), 10)+"-"+randomHex(4))
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	c := r.client
	if c == nil {
		c = client
	}
	res, err := c.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, u, err)
	}
	return readResp(r.method, u, res, hr.Header.Get("client-request-id"))
}

// readResp reads the answer to method u, sent with client-request-id crid, and closes its body.
func readResp(method, u string, res *http.Response, crid string) (*resp, error) {
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the body: %w", method, u, err)
	}
	return &resp{method: method, url: u, status: res.StatusCode, header: res.Header, body: b, crid: crid}, nil
}

// ---- assertions ----

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// checkAPIHeaders asserts the headers every API response carries.
func checkAPIHeaders(t testing.TB, r *resp) {
	t.Helper()
	h := r.header
	if id := h.Get("request-id"); !uuidRE.MatchString(id) {
		t.Errorf("%s %s: request-id %q is not a UUID", r.method, r.url, id)
	}
	if got := h.Get("client-request-id"); got != r.crid {
		t.Errorf("%s %s: client-request-id %q, sent %q", r.method, r.url, got, r.crid)
	}
	if got := h.Get("OData-Version"); got != "4.0" {
		t.Errorf("%s %s: OData-Version %q", r.method, r.url, got)
	}
	if got := h.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s %s: Cache-Control %q", r.method, r.url, got)
	}
	// Every body but $count's number is JSON.
	if path, _, _ := strings.Cut(r.url, "?"); len(r.body) > 0 && !(r.status == 200 && strings.HasSuffix(path, "/$count")) {
		checkJSON(t, r)
	}
}

// checkJSON asserts a JSON Content-Type and a body that is one JSON value.
func checkJSON(t testing.TB, r *resp) {
	t.Helper()
	mt, _, err := mime.ParseMediaType(r.header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", r.method, r.url, r.header.Get("Content-Type"))
	}
	if !json.Valid(r.body) {
		t.Errorf("%s %s: body is not JSON: %q", r.method, r.url, r.body)
	}
}

// gErr is Graph's error envelope.
type gErr struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Target  string `json:"target"`
		Details []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Target  string `json:"target"`
		} `json:"details"`
		InnerError struct {
			Date            string `json:"date"`
			RequestID       string `json:"request-id"`
			ClientRequestID string `json:"client-request-id"`
		} `json:"innerError"`
	} `json:"error"`
}

var graphDateRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`)

// checkError asserts status, the API headers and Graph's error envelope with code.
func checkError(t testing.TB, r *resp, status int, code string) gErr {
	t.Helper()
	var e gErr
	if r.status != status {
		t.Errorf("%v: want status %d", r, status)
		return e
	}
	checkAPIHeaders(t, r)
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Errorf("%v: not an error envelope: %v", r, err)
		return e
	}
	ie := e.Error.InnerError
	switch {
	case e.Error.Code != code:
		t.Errorf("%v: error.code %q, want %q", r, e.Error.Code, code)
	case e.Error.Message == "":
		t.Errorf("%v: no error.message", r)
	case ie.RequestID != r.header.Get("request-id"):
		t.Errorf("%v: innerError.request-id %q, header %q", r, ie.RequestID, r.header.Get("request-id"))
	case ie.ClientRequestID != r.crid:
		t.Errorf("%v: innerError.client-request-id %q, sent %q", r, ie.ClientRequestID, r.crid)
	case !graphDateRE.MatchString(ie.Date):
		t.Errorf("%v: innerError.date %q", r, ie.Date)
	}
	if status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("%v: WWW-Authenticate %q", r, r.header.Get("WWW-Authenticate"))
	}
	return e
}

// decode parses JSON with numbers kept as written.
func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("not a JSON object: %v: %s", err, b)
	}
	return m
}

func sameJSON(a, b any) bool { return reflect.DeepEqual(a, b) }

func seed(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "internal", "insight", "testdata", "seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// insight is a valid payload used at accessed (and modified, when not ""), with id when not "".
func insight(id, accessed, modified, typ, containerType, refType, title string) string {
	m := map[string]any{
		"lastUsed":              map[string]any{"lastAccessedDateTime": accessed},
		"resourceVisualization": map[string]any{"title": title, "type": typ, "containerType": containerType},
		"resourceReference":     map[string]any{"id": "ref-" + title, "type": refType, "webUrl": "https://contoso.example/Shared Documents/" + title},
	}
	if modified != "" {
		m["lastUsed"].(map[string]any)["lastModifiedDateTime"] = modified
	}
	if id != "" {
		m["id"] = id
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// create POSTs body as the token's user and returns the created record's id.
func (w *worker) create(t testing.TB, token, body string) string {
	t.Helper()
	r := w.do(t, req{method: "POST", path: "/me/insights/used", body: body, token: token})
	if r.status != 201 {
		t.Fatalf("create: %v", r)
	}
	id, _ := decode(t, r.body)["id"].(string)
	if id == "" {
		t.Fatalf("create: no id: %v", r)
	}
	return id
}
