package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
	"github.com/usedinsight/usedinsight/internal/auth"
	"github.com/usedinsight/usedinsight/internal/kvstore"
	"github.com/usedinsight/usedinsight/internal/store"
)

const secret = "test-secret-0123456789abcdef0123456789"

var now = time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)

// token issues an HS256 token with the given claims on top of alice's delegated defaults.
func token(t testing.TB, claims map[string]any) string {
	t.Helper()
	c := map[string]any{"sub": "alice", "oid": "alice-oid", "upn": "Alice@Contoso.com", "scp": "Sites.ReadWrite.All"}
	for k, v := range claims {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	tok, err := auth.IssueHS256(secret, c, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type option func(*Config)

// server builds the API over an in-memory store.
func server(t testing.TB, opts ...option) *Handler {
	t.Helper()
	v, err := auth.NewVerifier(auth.Config{Secret: secret, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	c := Config{Store: store.NewMemory(store.NewTokenKey(secret)), Verifier: v, Now: func() time.Time { return now },
		NewID: func() string { n++; return fmt.Sprintf("gen%03d", n) }, Logf: func(string, ...any) {}}
	for _, o := range opts {
		o(&c)
	}
	h, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// call is one request to the handler.
type call struct {
	method, url string
	body        string
	header      map[string]string // Authorization defaults to alice's token; "" removes it
}

func do(t testing.TB, h http.Handler, c call) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	r := httptest.NewRequest(c.method, "http://api.test"+c.url, body)
	if host, ok := c.header["Host"]; ok {
		r.Host, r.URL.Host = host, host
	}
	if c.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer "+token(t, nil))
	for k, v := range c.header {
		if k == "Host" {
			continue
		}
		if v == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func seed(t testing.TB) string {
	b, err := os.ReadFile("../insight/testdata/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// insightAt is a valid payload used at the given instant, with optional edits (path, raw JSON).
func insightAt(when string, edits ...string) string {
	s := `{"lastUsed":{"lastAccessedDateTime":"` + when + `"},"resourceVisualization":{"title":"T","type":"Word","containerType":"Site"},"resourceReference":{"id":"r","type":"microsoft.graph.driveItem"}}`
	for i := 0; i+1 < len(edits); i += 2 {
		s, _ = sjson.SetRaw(s, edits[i], edits[i+1])
	}
	return s
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCreate(t *testing.T) {
	h := server(t)
	w := do(t, h, call{method: "POST", url: "/v1.0/me/insights/used", body: seed(t), header: map[string]string{"client-request-id": "c-1"}})
	if w.Code != 201 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	body := w.Body.String()
	id := gjson.Get(body, "id").Str
	if id != "gen001" {
		t.Errorf("id = %q", id)
	}
	if got, want := w.Header().Get("Location"), "http://api.test/v1.0/me/insights/used/gen001"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	// The body echoes every member sent, same values, plus id after @odata.type (the seed's example).
	want, _ := sjson.Delete(body, "id")
	sent, _ := sjson.Set(seed(t), "x", 0)
	sent, _ = sjson.Delete(sent, "x") // compact
	if gjson.Get(want, "@this|@ugly").Raw != gjson.Get(sent, "@this|@ugly").Raw {
		t.Errorf("body is not the payload plus id:\n%s\n%s", body, seed(t))
	}
	if !strings.HasPrefix(body, `{"@odata.type":"#microsoft.graph.usedInsight","id":"gen001",`) {
		t.Errorf("body starts %.80s", body)
	}
	hd := w.Header()
	if !uuidRE.MatchString(hd.Get("request-id")) || hd.Get("client-request-id") != "c-1" || hd.Get("OData-Version") != "4.0" ||
		hd.Get("Cache-Control") != "no-store" || !strings.HasPrefix(hd.Get("Content-Type"), "application/json") {
		t.Errorf("headers: %v", hd)
	}
	// The record is there.
	g := do(t, h, call{method: "GET", url: "/me/insights/used/gen001"})
	if g.Code != 200 || gjson.Get(g.Body.String(), "resourceVisualization.title").Str != "Title value" {
		t.Errorf("get after create: %d %s", g.Code, g.Body)
	}
}

func TestCreateRoutesAndIDs(t *testing.T) {
	h := server(t)
	for i, u := range []string{"/me/insights/used", "/v1.0/me/insights/used", "/beta/me/insights/used", "/localtest/me/insights/used", "/me/insights/used/$ref", "/v1.0/users/alice-oid/insights/used", "/users/alice@contoso.com/insights/used"} {
		w := do(t, h, call{method: "POST", url: u, body: insightAt("2020-01-01T00:00:00Z")})
		if w.Code != 201 {
			t.Errorf("POST %s: %d %s", u, w.Code, w.Body)
			continue
		}
		if loc := w.Header().Get("Location"); !strings.HasSuffix(loc, fmt.Sprintf("/gen%03d", i+1)) || !strings.HasPrefix(loc, "http://api.test/") {
			t.Errorf("POST %s: Location %s", u, loc)
		}
	}
	// All of them are alice's, whichever path created them.
	if w := do(t, h, call{method: "GET", url: "/me/insights/used/$count"}); w.Body.String() != "7" {
		t.Errorf("count = %s", w.Body)
	}
	// A chosen id is kept; a second create with it is a conflict.
	w := do(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2020-01-01T00:00:00Z", "id", `"my.id~1"`)})
	if w.Code != 201 || w.Header().Get("Location") != "http://api.test/me/insights/used/my.id~1" {
		t.Fatalf("chosen id: %d %s %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	w = do(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2021-01-01T00:00:00Z", "id", `"my.id~1"`)})
	if w.Code != 409 || gjson.Get(w.Body.String(), "error.code").Str != "nameAlreadyExists" {
		t.Errorf("duplicate id: %d %s", w.Code, w.Body)
	}
}

func TestErrors(t *testing.T) {
	h := server(t)
	big := insightAt("2020-01-01T00:00:00Z", "resourceVisualization.previewText", `"`+strings.Repeat("x", 70000)+`"`)
	tests := []struct {
		desc       string
		c          call
		wantStatus int
		wantCode   string
		check      func(t *testing.T, w *httptest.ResponseRecorder)
	}{
		{"invalid payload lists every problem", call{method: "POST", url: "/me/insights/used", body: `{"lastUsed":{"lastAccessedDateTime":"yesterday"},"resourceVisualization":{"previewImageUrl":"javascript:alert(1)"},"resourceReference":{},"x":1}`}, 400, "invalidRequest",
			func(t *testing.T, w *httptest.ResponseRecorder) {
				targets := gjson.Get(w.Body.String(), "error.details.#.target").String()
				if targets != `["lastUsed.lastAccessedDateTime","resourceVisualization.previewImageUrl","resourceReference","x"]` {
					t.Errorf("targets %s", targets)
				}
			}},
		{"one problem names its target", call{method: "POST", url: "/me/insights/used", body: insightAt("2020-02-30T00:00:00Z")}, 400, "invalidRequest",
			func(t *testing.T, w *httptest.ResponseRecorder) {
				if tg := gjson.Get(w.Body.String(), "error.target").Str; tg != "lastUsed.lastAccessedDateTime" {
					t.Errorf("target %q", tg)
				}
			}},
		{"malformed JSON", call{method: "POST", url: "/me/insights/used", body: `{"lastUsed": `}, 400, "invalidRequest",
			func(t *testing.T, w *httptest.ResponseRecorder) {
				if m := gjson.Get(w.Body.String(), "error.message").Str; !strings.HasPrefix(m, "Unable to read JSON request payload") {
					t.Errorf("message %q", m)
				}
			}},
		{"empty body", call{method: "POST", url: "/me/insights/used", header: map[string]string{"Content-Type": "application/json"}}, 400, "invalidRequest", nil},
		{"10k deep", call{method: "POST", url: "/me/insights/used", body: strings.Repeat("[", 10000)}, 400, "invalidRequest", nil},
		{"text/plain", call{method: "POST", url: "/me/insights/used", body: seed(t), header: map[string]string{"Content-Type": "text/plain"}}, 415, "invalidRequest", nil},
		{"form encoded (curl's default)", call{method: "POST", url: "/me/insights/used", body: seed(t), header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, "invalidRequest", nil},
		{"no content type", call{method: "POST", url: "/me/insights/used", body: seed(t), header: map[string]string{"Content-Type": ""}}, 415, "invalidRequest", nil},
		{"charset utf-16", call{method: "POST", url: "/me/insights/used", body: seed(t), header: map[string]string{"Content-Type": "application/json; charset=utf-16"}}, 415, "invalidRequest", nil},
		{"charset utf-8 is fine", call{method: "POST", url: "/me/insights/used", body: seed(t), header: map[string]string{"Content-Type": "application/json; charset=UTF-8"}}, 201, "", nil},
		{"brotli", call{method: "POST", url: "/me/insights/used", body: seed(t), header: map[string]string{"Content-Encoding": "br"}}, 415, "invalidRequest", nil},
		{"over 64 KiB", call{method: "POST", url: "/me/insights/used", body: big}, 413, "invalidRequest", nil},
		{"unknown route", call{method: "GET", url: "/me/insights/popular"}, 404, "itemNotFound", nil},
		{"unknown segment", call{method: "GET", url: "/me/insights/used/abc/resource"}, 404, "itemNotFound", nil},
		{"root API path", call{method: "GET", url: "/v1.0"}, 404, "itemNotFound", nil},
		{"no such record", call{method: "GET", url: "/me/insights/used/nope"}, 404, "itemNotFound", nil},
		{"bad id", call{method: "GET", url: "/me/insights/used/a%20b"}, 400, "invalidRequest", nil},
		{"encoded slash in id", call{method: "GET", url: "/me/insights/used/a%2Fb"}, 400, "invalidRequest", nil},
		{"dot-dot id", call{method: "DELETE", url: "/me/insights/used/%2E%2E"}, 400, "invalidRequest", nil},
		{"2,000-character id", call{method: "GET", url: "/me/insights/used/" + strings.Repeat("a", 2000)}, 400, "invalidRequest", nil},
		{"2,000-character user", call{method: "GET", url: "/users/" + strings.Repeat("a", 2000) + "/insights/used"}, 400, "invalidRequest", nil},
		{"PUT not allowed", call{method: "PUT", url: "/me/insights/used/x", body: seed(t)}, 405, "notAllowed",
			func(t *testing.T, w *httptest.ResponseRecorder) {
				if a := w.Header().Get("Allow"); a != "GET, PATCH, DELETE, OPTIONS" {
					t.Errorf("Allow %q", a)
				}
			}},
		{"DELETE collection not allowed", call{method: "DELETE", url: "/me/insights/used"}, 405, "notAllowed", nil},
		{"POST $count not allowed", call{method: "POST", url: "/me/insights/used/$count", body: seed(t)}, 405, "notAllowed", nil},
		{"GET $ref not allowed", call{method: "GET", url: "/me/insights/used/$ref"}, 405, "notAllowed", nil},
		{"bad $top", call{method: "GET", url: "/me/insights/used?$top=1000"}, 400, "invalidRequest",
			func(t *testing.T, w *httptest.ResponseRecorder) {
				if tg := gjson.Get(w.Body.String(), "error.target").Str; tg != "$top" {
					t.Errorf("target %q", tg)
				}
			}},
		{"unsupported $skip", call{method: "GET", url: "/me/insights/used?$skip=1"}, 400, "invalidRequest", nil},
		{"garbage $skiptoken", call{method: "GET", url: "/me/insights/used?$skiptoken=garbage"}, 400, "invalidRequest", nil},
		{"$top on $count", call{method: "GET", url: "/me/insights/used/$count?$top=1"}, 400, "invalidRequest", nil},
		{"$filter on create", call{method: "POST", url: "/me/insights/used?$filter=x", body: seed(t)}, 400, "invalidRequest", nil},
		{"other parameters are ignored", call{method: "GET", url: "/me/insights/used?foo=bar&top=3"}, 200, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			w := expect(t, h, tt.c, tt.wantStatus, tt.wantCode)
			if tt.check != nil {
				tt.check(t, w)
			}
		})
	}
}

// expect runs c and checks its status and, when code is set, Graph's error envelope.
func expect(t *testing.T, h http.Handler, c call, status int, code string) *httptest.ResponseRecorder {
	t.Helper()
	w := do(t, h, c)
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	if code != "" {
		checkEnvelope(t, w, code)
	}
	return w
}

// checkEnvelope asserts Graph's error envelope with the request's ids.
func checkEnvelope(t *testing.T, w *httptest.ResponseRecorder, code string) {
	t.Helper()
	b := w.Body.String()
	if !gjson.Valid(b) || gjson.Get(b, "error.code").Str != code || gjson.Get(b, "error.message").Str == "" {
		t.Errorf("envelope %s, want code %s", b, code)
	}
	if gjson.Get(b, "error.innerError.request-id").Str != w.Header().Get("request-id") || gjson.Get(b, "error.innerError.date").Str != "2026-11-29T08:00:00" {
		t.Errorf("innerError %s", gjson.Get(b, "error.innerError").Raw)
	}
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("Content-Type %q", w.Header().Get("Content-Type"))
	}
}

func gzipped(t testing.TB, s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

func TestGzipBodies(t *testing.T) {
	h := server(t)
	gz := map[string]string{"Content-Encoding": "gzip"}
	tests := []struct {
		desc, body string
		want       int
	}{
		{"seed", gzipped(t, seed(t)), 201},
		{"bomb: 10 MB of spaces", gzipped(t, strings.Repeat(" ", 10<<20)), 413},
		{"corrupt", "\x1f\x8b\x08\x00garbage", 400},
		{"truncated", gzipped(t, seed(t))[:40], 400},
		{"not gzip at all", seed(t), 400},
	}
	for _, tt := range tests {
		w := do(t, h, call{method: "POST", url: "/me/insights/used", body: tt.body, header: gz})
		if w.Code != tt.want {
			t.Errorf("%s: status %d, want %d: %s", tt.desc, w.Code, tt.want, w.Body)
		}
	}
}

func TestListPagingOrderFilterSelectCount(t *testing.T) {
	h := server(t)
	// Instants whose strings sort differently from the instants themselves.
	for _, p := range []string{
		insightAt("2020-01-01T10:00:00+05:00", "id", `"a"`),                                                              // 05:00Z
		insightAt("2020-01-01T06:00:00Z", "id", `"b"`, "resourceVisualization.type", `"Excel"`),                          // 06:00Z
		insightAt("2020-01-01T01:00:00-08:00", "id", `"c"`, "resourceVisualization.containerType", `"Mail"`),             // 09:00Z
		insightAt("2019-12-31T23:00:00.5-10:00", "id", `"d"`, "lastUsed.lastModifiedDateTime", `"2021-06-01T00:00:00Z"`), // 09:00:00.5Z
		insightAt("0001-01-01T00:00:00Z", "id", `"e"`, "resourceReference.type", `"microsoft.graph.siteItem"`),
	} {
		if w := do(t, h, call{method: "POST", url: "/me/insights/used", body: p}); w.Code != 201 {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
	}
	ids := func(body string) string { return gjson.Get(body, "value.#.id").String() }
	tests := []struct{ query, want string }{
		{"", `["d","c","b","a","e"]`},
		{"?$orderby=LastUsed/LastAccessedDateTime desc", `["d","c","b","a","e"]`},
		{"?$orderby=LastUsed/LastAccessedDateTime asc", `["e","a","b","c","d"]`},
		{"?$orderby=lastUsed/lastModifiedDateTime%20desc", `["d","a","b","c","e"]`},
		{"?$filter=ResourceVisualization/Type eq 'excel'", `["b"]`},
		{"?$filter=ResourceVisualization/containerType eq 'Site' and resourceReference/type eq 'microsoft.graph.driveItem'", `["d","b","a"]`},
		{"?$filter=resourceReference/type eq 'nothing'", `[]`},
	}
	for _, tt := range tests {
		w := do(t, h, call{method: "GET", url: "/me/insights/used" + strings.ReplaceAll(tt.query, " ", "%20")})
		if w.Code != 200 || ids(w.Body.String()) != tt.want {
			t.Errorf("GET %s: %d %s, want ids %s", tt.query, w.Code, w.Body, tt.want)
		}
	}
	w := do(t, h, call{method: "GET", url: "/v1.0/me/insights/used?$select=lastUsed&$count=true"})
	b := w.Body.String()
	if gjson.Get(b, `\@odata\.context`).Str != "http://api.test/v1.0/$metadata#users('alice-oid')/insights/used(id,lastUsed)" ||
		gjson.Get(b, `\@odata\.count`).Int() != 5 || gjson.Get(b, "value.0.resourceReference").Exists() || !gjson.Get(b, "value.0.lastUsed").Exists() || gjson.Get(b, "value.0.id").Str != "d" {
		t.Errorf("select/count: %s", b)
	}
	// Paging: follow nextLink with $top=2 and collect every id once.
	var got []string
	next := "http://api.test/beta/me/insights/used?$top=2&$filter=ResourceVisualization/containerType%20eq%20'Site'&$count=true"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("nextLink never ends")
		}
		w := do(t, h, call{method: "GET", url: strings.TrimPrefix(next, "http://api.test")})
		if w.Code != 200 {
			t.Fatalf("GET %s: %d %s", next, w.Code, w.Body)
		}
		b := w.Body.String()
		if gjson.Get(b, `\@odata\.count`).Int() != 4 {
			t.Errorf("count on page %d: %s", pages, b)
		}
		for _, id := range gjson.Get(b, "value.#.id").Array() {
			got = append(got, id.Str)
		}
		next = gjson.Get(b, `\@odata\.nextLink`).Str
		if next != "" && (!strings.HasPrefix(next, "http://api.test/beta/me/insights/used?") || !strings.Contains(next, "$top=2")) {
			t.Fatalf("nextLink %s", next)
		}
	}
	if fmt.Sprint(got) != "[d b a e]" {
		t.Errorf("paged ids %v", got)
	}
	// $count segment with a filter.
	if w := do(t, h, call{method: "GET", url: "/me/insights/used/$count?$filter=ResourceVisualization/Type%20eq%20'Word'"}); w.Code != 200 || w.Body.String() != "4" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("$count: %d %q %s", w.Code, w.Body, w.Header().Get("Content-Type"))
	}
}

func TestGetPatchDelete(t *testing.T) {
	h := server(t)
	do(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2020-01-01T00:00:00Z", "id", `"x1"`)})
	w := do(t, h, call{method: "GET", url: "/v1.0/me/insights/used/x1?$select=resourceReference"})
	if b := w.Body.String(); w.Code != 200 || gjson.Get(b, `\@odata\.context`).Str != "http://api.test/v1.0/$metadata#users('alice-oid')/insights/used(id,resourceReference)/$entity" ||
		gjson.Get(b, "id").Str != "x1" || gjson.Get(b, "lastUsed").Exists() || gjson.Get(b, "resourceReference.id").Str != "r" {
		t.Errorf("get with $select: %d %s", w.Code, b)
	}
	tests := []struct {
		desc       string
		c          call
		wantStatus int
		check      string // gjson path=value on the record after the call
	}{
		{"merge", call{method: "PATCH", url: "/me/insights/used/x1", body: `{"resourceVisualization":{"title":"New"}}`}, 204, "resourceVisualization.type=Word"},
		{"representation", call{method: "PATCH", url: "/me/insights/used/x1", body: `{"lastUsed":{"lastAccessedDateTime":"2024-01-01T00:00:00Z"}}`, header: map[string]string{"Prefer": "return=representation"}}, 200, "lastUsed.lastAccessedDateTime=2024-01-01T00:00:00Z"},
		{"invalid member", call{method: "PATCH", url: "/me/insights/used/x1", body: `{"lastUsed":{"lastAccessedDateTime":"soon"}}`}, 400, "resourceVisualization.title=New"},
		{"merged record invalid", call{method: "PATCH", url: "/me/insights/used/x1", body: `{"resourceReference":{"id":null}}`}, 400, "resourceReference.id=r"},
		{"id cannot change", call{method: "PATCH", url: "/me/insights/used/x1", body: `{"id":"x2"}`}, 400, "id=x1"},
		{"same id is fine", call{method: "PATCH", url: "/me/insights/used/x1", body: `{"id":"x1"}`}, 204, "id=x1"},
		{"unknown record", call{method: "PATCH", url: "/me/insights/used/x9", body: `{}`}, 404, "id=x1"},
		{"not JSON", call{method: "PATCH", url: "/me/insights/used/x1", body: `{`}, 400, "id=x1"},
	}
	for _, tt := range tests {
		w := do(t, h, tt.c)
		if w.Code != tt.wantStatus {
			t.Errorf("%s: status %d, want %d: %s", tt.desc, w.Code, tt.wantStatus, w.Body)
		}
		if tt.wantStatus == 200 && w.Header().Get("Preference-Applied") != "return=representation" {
			t.Errorf("%s: Preference-Applied missing", tt.desc)
		}
		rec := do(t, h, call{method: "GET", url: "/me/insights/used/x1"}).Body.String()
		path, want, _ := strings.Cut(tt.check, "=")
		if got := gjson.Get(rec, path).Str; got != want {
			t.Errorf("%s: after it %s = %q, want %q", tt.desc, path, got, want)
		}
	}
	// Ordering follows a PATCH of the instant.
	do(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2023-01-01T00:00:00Z", "id", `"x2"`)})
	if ids := gjson.Get(do(t, h, call{method: "GET", url: "/me/insights/used"}).Body.String(), "value.#.id").String(); ids != `["x1","x2"]` {
		t.Errorf("order after patch: %s", ids)
	}
	if w := do(t, h, call{method: "DELETE", url: "/me/insights/used/x1"}); w.Code != 204 || w.Body.Len() != 0 {
		t.Errorf("delete: %d %s", w.Code, w.Body)
	}
	if w := do(t, h, call{method: "DELETE", url: "/me/insights/used/x1"}); w.Code != 404 {
		t.Errorf("delete again: %d", w.Code)
	}
	if w := do(t, h, call{method: "GET", url: "/me/insights/used/x1"}); w.Code != 404 {
		t.Errorf("get deleted: %d", w.Code)
	}
}

func TestAuthorization(t *testing.T) {
	h := server(t)
	do(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2020-01-01T00:00:00Z", "id", `"mine"`)})
	bearer := func(claims map[string]any) map[string]string {
		return map[string]string{"Authorization": "Bearer " + token(t, claims)}
	}
	expired, _ := auth.IssueHS256(secret, map[string]any{"sub": "alice", "scp": "Sites.ReadWrite.All"}, time.Minute, now.Add(-time.Hour))
	wrongKey, _ := auth.IssueHS256("another-secret-0123456789abcdef012345", map[string]any{"sub": "alice", "scp": "Sites.ReadWrite.All"}, time.Hour, now)
	app := func(roles ...any) map[string]string {
		return bearer(map[string]any{"scp": nil, "sub": "app", "oid": nil, "upn": nil, "roles": roles})
	}
	tests := []struct {
		desc       string
		c          call
		wantStatus int
		wantCode   string
	}{
		{"no token", call{method: "GET", url: "/me/insights/used", header: map[string]string{"Authorization": ""}}, 401, "InvalidAuthenticationToken"},
		{"not bearer", call{method: "GET", url: "/me/insights/used", header: map[string]string{"Authorization": "Basic YTpi"}}, 401, "InvalidAuthenticationToken"},
		{"garbage", call{method: "GET", url: "/me/insights/used", header: map[string]string{"Authorization": "Bearer abc.def.ghi"}}, 401, "InvalidAuthenticationToken"},
		{"expired", call{method: "GET", url: "/me/insights/used", header: map[string]string{"Authorization": "Bearer " + expired}}, 401, "InvalidAuthenticationToken"},
		{"wrong key", call{method: "GET", url: "/me/insights/used", header: map[string]string{"Authorization": "Bearer " + wrongKey}}, 401, "InvalidAuthenticationToken"},
		{"read scope reads", call{method: "GET", url: "/me/insights/used", header: bearer(map[string]any{"scp": "Sites.Read.All"})}, 200, ""},
		{"read scope cannot write", call{method: "POST", url: "/me/insights/used", body: seed(t), header: bearer(map[string]any{"scp": "Sites.Read.All"})}, 403, "accessDenied"},
		{"read scope cannot delete", call{method: "DELETE", url: "/me/insights/used/mine", header: bearer(map[string]any{"scp": "Sites.Read.All"})}, 403, "accessDenied"},
		{"other scope cannot read", call{method: "GET", url: "/me/insights/used", header: bearer(map[string]any{"scp": "User.Read"})}, 403, "accessDenied"},
		{"self by oid", call{method: "GET", url: "/users/alice-oid/insights/used/mine"}, 200, ""},
		{"self by upn, any case", call{method: "GET", url: "/users/alice@contoso.com/insights/used/mine"}, 200, ""},
		{"another user", call{method: "GET", url: "/users/bob/insights/used"}, 403, "accessDenied"},
		{"another user's count", call{method: "GET", url: "/users/bob/insights/used/$count"}, 403, "accessDenied"},
		{"app on /me", call{method: "GET", url: "/me/insights/used", header: app("Sites.Read.All")}, 400, "invalidRequest"},
		{"app reads any user", call{method: "GET", url: "/users/alice-oid/insights/used/mine", header: app("Sites.Read.All")}, 200, ""},
		{"app read role cannot write", call{method: "POST", url: "/users/alice-oid/insights/used", body: seed(t), header: app("Sites.Read.All")}, 403, "accessDenied"},
		{"app without roles", call{method: "GET", url: "/users/alice-oid/insights/used", header: app()}, 403, "accessDenied"},
		{"app write role writes", call{method: "POST", url: "/users/bob/insights/used", body: seed(t), header: app("Sites.ReadWrite.All")}, 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			w := expect(t, h, tt.c, tt.wantStatus, tt.wantCode)
			if w.Code == 401 && !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", w.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

// TestIsolation: bob, a delegated user, can reach none of alice's records by any route.
func TestIsolation(t *testing.T) {
	h := server(t)
	do(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2020-01-01T00:00:00Z", "id", `"shared-id"`)})
	bob := map[string]string{"Authorization": "Bearer " + token(t, map[string]any{"sub": "bob", "oid": "bob-oid", "upn": "bob@contoso.com"})}
	for _, c := range []call{
		{method: "GET", url: "/me/insights/used/shared-id"},
		{method: "PATCH", url: "/me/insights/used/shared-id", body: `{}`},
		{method: "DELETE", url: "/me/insights/used/shared-id"},
	} {
		c.header = bob
		if w := do(t, h, c); w.Code != 404 {
			t.Errorf("bob %s %s: %d", c.method, c.url, w.Code)
		}
	}
	if w := do(t, h, call{method: "GET", url: "/me/insights/used?$count=true", header: bob}); gjson.Get(w.Body.String(), `\@odata\.count`).Int() != 0 || gjson.Get(w.Body.String(), "value.#").Int() != 0 {
		t.Errorf("bob lists %s", w.Body)
	}
	// Bob's own record with the same id does not touch alice's.
	do(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2021-01-01T00:00:00Z", "id", `"shared-id"`), header: bob})
	if w := do(t, h, call{method: "GET", url: "/me/insights/used/shared-id"}); gjson.Get(w.Body.String(), "lastUsed.lastAccessedDateTime").Str != "2020-01-01T00:00:00Z" {
		t.Errorf("alice's record changed: %s", w.Body)
	}
	// A nextLink token of alice's is no good to bob.
	do(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2022-01-01T00:00:00Z")})
	next := gjson.Get(do(t, h, call{method: "GET", url: "/me/insights/used?$top=1"}).Body.String(), `\@odata\.nextLink`).Str
	if next == "" {
		t.Fatal("no nextLink")
	}
	if w := do(t, h, call{method: "GET", url: strings.TrimPrefix(next, "http://api.test"), header: bob}); w.Code != 400 {
		t.Errorf("bob with alice's skiptoken: %d %s", w.Code, w.Body)
	}
}

func TestCORS(t *testing.T) {
	h := server(t, func(c *Config) { c.AllowedOrigins = []string{"https://app.example"} })
	preflight := func(origin string) *httptest.ResponseRecorder {
		return do(t, h, call{method: "OPTIONS", url: "/me/insights/used", header: map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}})
	}
	w := preflight("https://app.example")
	if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != "https://app.example" || !strings.Contains(w.Header().Get("Access-Control-Allow-Headers"), "Authorization") || !strings.Contains(w.Header().Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("allowed preflight: %d %v", w.Code, w.Header())
	}
	if w := preflight("https://evil.example"); w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", w.Header())
	}
	if w := preflight("http://api.test"); w.Header().Get("Access-Control-Allow-Origin") != "http://api.test" {
		t.Errorf("own origin refused: %v", w.Header())
	}
	w = do(t, h, call{method: "GET", url: "/me/insights/used", header: map[string]string{"Origin": "https://app.example"}})
	if w.Header().Get("Access-Control-Allow-Origin") != "https://app.example" || !strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), "request-id") {
		t.Errorf("simple request: %v", w.Header())
	}
	any := server(t, func(c *Config) { c.AllowedOrigins = []string{"*"} })
	if w := do(t, any, call{method: "GET", url: "/me/insights/used", header: map[string]string{"Origin": "https://x.example"}}); w.Header().Get("Access-Control-Allow-Origin") != "https://x.example" {
		t.Errorf("* did not allow: %v", w.Header())
	}
}

func TestDevToken(t *testing.T) {
	off := server(t)
	if w := do(t, off, call{method: "POST", url: "/dev/token"}); w.Code != 404 {
		t.Errorf("without DEV_TOKENS: %d", w.Code)
	}
	h := server(t, devTokens)
	tests := []struct {
		body, scopeCheck string
		wantStatus       int
	}{
		{"", "GET 200", 200},
		{`{"sub":"carol","scp":"Sites.Read.All"}`, "POST 403", 200},
		{`{"roles":["Sites.ReadWrite.All"]}`, "ME 400", 200},
		{`{"scp": 5}`, "", 400},
		{`not json`, "", 400},
	}
	for _, tt := range tests {
		c := call{method: "POST", url: "/dev/token", body: tt.body, header: map[string]string{"Authorization": "", "Host": "localhost:8787"}}
		w := do(t, h, c)
		if w.Code != tt.wantStatus {
			t.Errorf("%s: %d %s", tt.body, w.Code, w.Body)
			continue
		}
		if w.Code != 200 {
			continue
		}
		b := w.Body.String()
		if gjson.Get(b, "token_type").Str != "Bearer" || gjson.Get(b, "expires_in").Int() != 3600 {
			t.Errorf("token response %s", b)
		}
		auth := map[string]string{"Authorization": "Bearer " + gjson.Get(b, "access_token").Str}
		var got int
		switch tt.scopeCheck {
		case "GET 200":
			got = do(t, h, call{method: "GET", url: "/me/insights/used", header: auth}).Code
		case "POST 403":
			got = do(t, h, call{method: "POST", url: "/me/insights/used", body: seed(t), header: auth}).Code
		case "ME 400":
			got = do(t, h, call{method: "GET", url: "/me/insights/used", header: auth}).Code
		}
		if want, _ := strconv.Atoi(tt.scopeCheck[len(tt.scopeCheck)-3:]); got != want {
			t.Errorf("%s: using the token gave %d, want %d", tt.body, got, want)
		}
	}
}

func TestRateLimit(t *testing.T) {
	clock := now
	h := server(t, func(c *Config) { c.RateLimit = 2; c.Now = func() time.Time { return clock } })
	codes := ""
	for range 6 {
		codes += strconv.Itoa(do(t, h, call{method: "GET", url: "/me/insights/used/$count"}).Code) + " "
	}
	if codes != "200 200 200 200 429 429 " {
		t.Errorf("codes %s", codes)
	}
	w := do(t, h, call{method: "GET", url: "/me/insights/used/$count"})
	checkEnvelope(t, w, "activityLimitReached")
	if w.Header().Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", w.Header().Get("Retry-After"))
	}
	clock = clock.Add(time.Second) // honouring Retry-After works
	if w := do(t, h, call{method: "GET", url: "/me/insights/used/$count"}); w.Code != 200 {
		t.Errorf("after waiting: %d", w.Code)
	}
	// A rate under one a second still lets one request through, then asks for the right wait.
	slow := server(t, func(c *Config) { c.RateLimit = 0.25; c.Now = func() time.Time { return clock } })
	first := do(t, slow, call{method: "GET", url: "/me/insights/used/$count"})
	second := do(t, slow, call{method: "GET", url: "/me/insights/used/$count"})
	if first.Code != 200 || second.Code != 429 || second.Header().Get("Retry-After") != "5" {
		t.Errorf("RateLimit 0.25: %d, then %d with Retry-After %q", first.Code, second.Code, second.Header().Get("Retry-After"))
	}
}

// TestPatchReadsOnce: a PATCH reads the record from KV once, whether it stores the merged
// record, finds it invalid or finds no record.
func TestPatchReadsOnce(t *testing.T) {
	kv := kvstore.NewMemoryKV()
	h := server(t, func(c *Config) { c.Store = kvstore.New(kv, store.NewTokenKey(secret)) })
	expect(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2020-01-01T00:00:00Z", "id", `"x1"`)}, 201, "")
	tests := []struct {
		desc       string
		c          call
		wantStatus int
		want       kvstore.Ops
	}{
		{"moves the record", call{method: "PATCH", url: "/me/insights/used/x1", body: `{"lastUsed":{"lastAccessedDateTime":"2024-01-01T00:00:00Z"}}`}, 204, kvstore.Ops{Gets: 1, Puts: 5, Deletes: 4}},
		{"representation", call{method: "PATCH", url: "/me/insights/used/x1", body: `{"resourceVisualization":{"title":"New"}}`, header: map[string]string{"Prefer": "return=representation"}}, 200, kvstore.Ops{Gets: 1, Puts: 5, Deletes: 4}},
		{"merged record invalid", call{method: "PATCH", url: "/me/insights/used/x1", body: `{"resourceReference":{"id":null}}`}, 400, kvstore.Ops{Gets: 1}},
		{"unknown record", call{method: "PATCH", url: "/me/insights/used/x9", body: `{}`}, 404, kvstore.Ops{Gets: 1}},
		{"invalid body", call{method: "PATCH", url: "/me/insights/used/x1", body: `{"lastUsed":{"lastAccessedDateTime":"soon"}}`}, 400, kvstore.Ops{}},
	}
	for _, tt := range tests {
		before := kv.Ops()
		if w := do(t, h, tt.c); w.Code != tt.wantStatus {
			t.Errorf("%s: status %d, want %d: %s", tt.desc, w.Code, tt.wantStatus, w.Body)
		}
		if got := kv.Ops().Sub(before); got != tt.want {
			t.Errorf("%s: KV operations %v, want %v", tt.desc, got, tt.want)
		}
	}
}

// failing is a store whose every call fails, or panics.
type failing struct {
	store.Store
	panics bool
}

func (f failing) err() error {
	if f.panics {
		panic("boom")
	}
	return errors.New("KV timed out")
}
func (f failing) Create(context.Context, store.Space, store.Record) error { return f.err() }
func (f failing) Get(context.Context, store.Space, string) (store.Record, error) {
	return store.Record{}, f.err()
}
func (f failing) List(context.Context, store.Space, store.Query) (store.Page, error) {
	return store.Page{}, f.err()
}
func (f failing) Count(context.Context, store.Space, store.Filter) (int, error) { return 0, f.err() }
func (f failing) Delete(context.Context, store.Space, string) error             { return f.err() }
func (f failing) Update(context.Context, store.Space, string, func(store.Record) (store.Record, error)) error {
	return f.err()
}

func TestStorageFailures(t *testing.T) {
	for _, panics := range []bool{false, true} {
		h := server(t, func(c *Config) { c.Store = failing{store.NewMemory(store.NewTokenKey(secret)), panics} })
		for _, c := range []call{
			{method: "POST", url: "/me/insights/used", body: seed(t)},
			{method: "GET", url: "/me/insights/used"},
			{method: "GET", url: "/me/insights/used/$count"},
			{method: "GET", url: "/me/insights/used/x"},
			{method: "PATCH", url: "/me/insights/used/x", body: `{}`},
			{method: "DELETE", url: "/me/insights/used/x"},
		} {
			w := do(t, h, c)
			want, code := 503, "serviceNotAvailable"
			if panics {
				want, code = 500, "generalException"
			}
			if w.Code != want {
				t.Errorf("%s %s (panics %v): %d %s", c.method, c.url, panics, w.Code, w.Body)
				continue
			}
			checkEnvelope(t, w, code)
			if !panics && w.Header().Get("Retry-After") == "" {
				t.Errorf("%s %s: no Retry-After", c.method, c.url)
			}
		}
	}
}

func TestNewRequiresDependencies(t *testing.T) {
	v, _ := auth.NewVerifier(auth.Config{Secret: secret})
	if _, err := New(Config{Verifier: v}); err == nil {
		t.Error("New without a Store succeeded")
	}
	if _, err := New(Config{Store: store.NewMemory(store.NewTokenKey(secret))}); err == nil {
		t.Error("New without a Verifier succeeded")
	}
}

func BenchmarkCreate(b *testing.B) {
	h := server(b, func(c *Config) { c.NewID = newID })
	body := seed(b)
	tok := "Bearer " + token(b, nil)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "http://api.test/me/insights/used", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 201 {
			b.Fatal(w.Code, w.Body)
		}
	}
}
