package api

import (
	"encoding/xml"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
	"github.com/usedinsight/usedinsight/internal/odata"
)

// responsesOf checks a batch's 200 answer and returns its responses by id, in order.
func responsesOf(t *testing.T, w *httptest.ResponseRecorder) (map[string]gjson.Result, []string) {
	t.Helper()
	if w.Code != 200 {
		t.Fatalf("batch status %d: %s", w.Code, w.Body)
	}
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") || !gjson.Valid(w.Body.String()) {
		t.Fatalf("batch answer %q: %s", w.Header().Get("Content-Type"), w.Body)
	}
	byID := map[string]gjson.Result{}
	var ids []string
	for _, r := range gjson.Get(w.Body.String(), "responses").Array() {
		byID[r.Get("id").Str] = r
		ids = append(ids, r.Get("id").Str)
	}
	return byID, ids
}

// statuses lists "id:status" of a batch's responses in the order they come.
func statuses(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	byID, ids := responsesOf(t, w)
	var s []string
	for _, id := range ids {
		s = append(s, id+":"+byID[id].Get("status").String())
	}
	return strings.Join(s, " ")
}

// batchOf builds a batch body from requests given as JSON objects.
func batchOf(requests ...string) string { return `{"requests":[` + strings.Join(requests, ",") + `]}` }

func TestBatchRoundTrip(t *testing.T) {
	h := server(t)
	body := batchOf(
		`{"id":"get","method":"GET","url":"/me/insights/used/b1","dependsOn":["create"]}`, // listed first, runs second
		`{"id":"create","method":"POST","url":"/me/insights/used","body":`+insightAt("2020-01-01T00:00:00Z", "id", `"b1"`)+`,"headers":{"Content-Type":"application/json"}}`,
		`{"id":"patch","method":"patch","url":"me/insights/used/b1","body":{"resourceVisualization":{"title":"Patched"}},"headers":{"Prefer":"return=representation","client-request-id":"inner-1"},"dependsOn":["get"]}`,
		`{"id":"list","method":"GET","url":"me/insights/used?$filter=ResourceVisualization/Type eq 'Word'&$top=1&$count=true","dependsOn":["patch"]}`,
		`{"id":"count","method":"GET","url":"/me/insights/used/$count","dependsOn":["create"]}`,
		`{"id":"delete","method":"DELETE","url":"/me/insights/used/b1","dependsOn":["list","count"]}`,
		`{"id":"gone","method":"GET","url":"/me/insights/used/b1","dependsOn":["delete"]}`,
	)
	w := do(t, h, call{method: "POST", url: "/v1.0/$batch", body: body})
	if got := statuses(t, w); got != "get:200 create:201 patch:200 list:200 count:200 delete:204 gone:404" {
		t.Errorf("statuses %s", got)
	}
	r, _ := responsesOf(t, w)
	// JSON bodies are embedded as JSON; Location is the absolute URL under the batch's version.
	if loc := r["create"].Get("headers.Location").Str; loc != "http://api.test/v1.0/me/insights/used/b1" {
		t.Errorf("Location %q", loc)
	}
	if r["create"].Get("body.id").Str != "b1" || r["get"].Get("body.resourceVisualization.title").Str != "T" {
		t.Errorf("create/get bodies: %s %s", r["create"].Get("body").Raw, r["get"].Get("body").Raw)
	}
	if c := r["get"].Get(`body.\@odata\.context`).Str; c != "http://api.test/v1.0/$metadata#users('alice-oid')/insights/used/$entity" {
		t.Errorf("context %q", c)
	}
	p := r["patch"]
	if p.Get("body.resourceVisualization.title").Str != "Patched" || p.Get("headers.Preference-Applied").Str != "return=representation" || p.Get("headers.client-request-id").Str != "inner-1" {
		t.Errorf("patch: %s", p.Raw)
	}
	// Headers are strings, spelled as Graph spells them; transport headers stay out.
	hd := r["list"].Get("headers")
	if !strings.HasPrefix(hd.Get("Content-Type").Str, "application/json") || hd.Get("OData-Version").Str != "4.0" || !uuidRE.MatchString(hd.Get("request-id").Str) ||
		hd.Get("Content-Length").Exists() || hd.Get("Vary").Exists() {
		t.Errorf("list headers %s", hd.Raw)
	}
	hd.ForEach(func(k, v gjson.Result) bool {
		if v.Type != gjson.String {
			t.Errorf("header %s is %s", k, v.Raw)
		}
		return true
	})
	l := r["list"].Get("body")
	if l.Get(`\@odata\.count`).Int() != 1 || l.Get("value.0.id").Str != "b1" {
		t.Errorf("list body %s", l.Raw)
	}
	// A nextLink from inside a batch is a URL a client can follow directly.
	next := l.Get(`\@odata\.nextLink`)
	if next.Exists() {
		t.Errorf("one record, yet a nextLink: %s", next.Raw)
	}
	// Bodies that are not JSON are base64 strings, as Graph sends them.
	if c := r["count"]; c.Get("body").Str != "MQ==" || !strings.HasPrefix(c.Get("headers.Content-Type").Str, "text/plain") {
		t.Errorf("count: %s", c.Raw)
	}
	if d := r["delete"]; d.Get("body").Exists() {
		t.Errorf("204 with a body: %s", d.Raw)
	}
	if g := r["gone"].Get("body.error.code").Str; g != "itemNotFound" {
		t.Errorf("gone: %s", r["gone"].Raw)
	}
}

func TestBatchFailedDependency(t *testing.T) {
	h := server(t)
	body := batchOf(
		`{"id":"1","method":"GET","url":"/me/insights/used/nope"}`,
		`{"id":"2","method":"POST","url":"/me/insights/used","body":`+insightAt("2020-01-01T00:00:00Z")+`,"dependsOn":["1"]}`,
		`{"id":"3","method":"GET","url":"/me/insights/used","dependsOn":["2"]}`,
		`{"id":"4","method":"POST","url":"/me/insights/used","body":{"lastUsed":{}}}`,
		`{"id":"5","method":"GET","url":"/me/insights/used/$count","dependsOn":["4"]}`,
		`{"id":"6","method":"GET","url":"/me/insights/used/$count","headers":{"client-request-id":"mine"}}`,
	)
	w := do(t, h, call{method: "POST", url: "/$batch", body: body})
	if got := statuses(t, w); got != "1:404 2:424 3:424 4:400 5:424 6:200" {
		t.Errorf("statuses %s", got)
	}
	r, _ := responsesOf(t, w)
	for _, id := range []string{"2", "3", "5"} {
		e := r[id].Get("body.error")
		if e.Get("code").Str != "failedDependency" || !strings.Contains(e.Get("message").Str, "'") || e.Get("innerError.request-id").Str != r[id].Get("headers.request-id").Str {
			t.Errorf("%s: %s", id, r[id].Raw)
		}
	}
	if !strings.Contains(r["3"].Get("body.error.message").Str, "request '2', which failed with status 424") {
		t.Errorf("3: %s", r["3"].Get("body.error.message").Str)
	}
	if r["4"].Get("body.error.details.#").Int() < 1 {
		t.Errorf("inner validation errors keep their details: %s", r["4"].Raw)
	}
	// 2 never ran: nothing was created.
	if r["6"].Get("body").Str != "MA==" || r["6"].Get("headers.client-request-id").Str != "mine" {
		t.Errorf("6: %s", r["6"].Raw)
	}
}

// TestBatchIsolation: a request in a batch is authorised exactly as the same request sent
// alone, with the batch's token, whatever the batch's requests say.
func TestBatchIsolation(t *testing.T) {
	h := server(t)
	do(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2020-01-01T00:00:00Z", "id", `"alices"`)})
	bobToken := "Bearer " + token(t, map[string]any{"sub": "bob", "oid": "bob-oid", "upn": "bob@contoso.com"})
	bob := map[string]string{"Authorization": bobToken}
	alice := "Bearer " + token(t, nil)
	body := batchOf(
		`{"id":"list","method":"GET","url":"/users/alice-oid/insights/used"}`,
		`{"id":"upn","method":"GET","url":"/users/Alice@Contoso.com/insights/used/alices"}`,
		`{"id":"count","method":"GET","url":"/users/alice-oid/insights/used/$count"}`,
		`{"id":"create","method":"POST","url":"/users/alice-oid/insights/used","body":`+insightAt("2020-01-01T00:00:00Z")+`}`,
		`{"id":"token","method":"DELETE","url":"/users/alice-oid/insights/used/alices","headers":{"Authorization":"`+alice+`"}}`,
		`{"id":"me","method":"GET","url":"/me/insights/used/alices","headers":{"authorization":"`+alice+`"}}`,
		`{"id":"mine","method":"GET","url":"/me/insights/used?$count=true"}`,
	)
	w := do(t, h, call{method: "POST", url: "/$batch", body: body, header: bob})
	if got := statuses(t, w); got != "list:403 upn:403 count:403 create:403 token:403 me:404 mine:200" {
		t.Errorf("bob's batch: %s", got)
	}
	r, _ := responsesOf(t, w)
	if r["list"].Get("body.error.code").Str != "accessDenied" || r["mine"].Get(`body.\@odata\.count`).Int() != 0 {
		t.Errorf("bob's batch: %s", w.Body)
	}
	// Alice's record is untouched.
	if w := do(t, h, call{method: "GET", url: "/me/insights/used/alices"}); w.Code != 200 {
		t.Errorf("alice's record after bob's batch: %d", w.Code)
	}
	// Scopes and token kinds apply inside as outside.
	read := map[string]string{"Authorization": "Bearer " + token(t, map[string]any{"scp": "Sites.Read.All"})}
	app := map[string]string{"Authorization": "Bearer " + token(t, map[string]any{"scp": nil, "sub": "app", "oid": nil, "upn": nil, "roles": []any{"Sites.ReadWrite.All"}})}
	for _, tt := range []struct {
		desc   string
		header map[string]string
		want   string
	}{
		{"read scope", read, "read:200 write:403 del:403"},
		{"application", app, "read:400 write:400 del:400"},
	} {
		w := do(t, h, call{method: "POST", url: "/$batch", header: tt.header, body: batchOf(
			`{"id":"read","method":"GET","url":"/me/insights/used"}`,
			`{"id":"write","method":"POST","url":"/me/insights/used","body":`+insightAt("2020-01-01T00:00:00Z")+`}`,
			`{"id":"del","method":"DELETE","url":"/me/insights/used/alices"}`)})
		if got := statuses(t, w); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.desc, got, tt.want)
		}
	}
	// An application may reach any user, in a batch too.
	w = do(t, h, call{method: "POST", url: "/$batch", header: app, body: batchOf(`{"id":"1","method":"GET","url":"/users/alice-oid/insights/used/alices"}`)})
	if got := statuses(t, w); got != "1:200" {
		t.Errorf("application: %s", got)
	}
}

func TestBatchRejected(t *testing.T) {
	ok := `{"id":"ok","method":"POST","url":"/me/insights/used","body":` + insightAt("2020-01-01T00:00:00Z") + `}`
	req := func(id, url string) string {
		return `{"id":"` + id + `","method":"GET","url":` + strconv.Quote(url) + `}`
	}
	many := make([]string, 21)
	for i := range many {
		many[i] = req(strconv.Itoa(i), "/me/insights/used/$count")
	}
	tests := []struct {
		desc, body, target string
	}{
		{"not JSON", `{"requests":[`, ""},
		{"not an object", `[]`, "requests"},
		{"no requests", `{}`, "requests"},
		{"requests not an array", `{"requests":{}}`, "requests"},
		{"no request at all", `{"requests":[]}`, "requests"},
		{"21 requests", batchOf(many...), "requests"},
		{"a request that is not an object", batchOf(ok, `"GET /me"`), "requests[1]"},
		{"no id", batchOf(ok, `{"method":"GET","url":"/me/insights/used"}`), "requests[1].id"},
		{"empty id", batchOf(ok, `{"id":"","method":"GET","url":"/me/insights/used"}`), "requests[1].id"},
		{"numeric id", batchOf(ok, `{"id":2,"method":"GET","url":"/me/insights/used"}`), "requests[1].id"},
		{"duplicate ids", batchOf(ok, req("a", "/me/insights/used"), req("a", "/me/insights/used/$count")), "requests[2].id"},
		{"no method", batchOf(ok, `{"id":"2","url":"/me/insights/used"}`), "requests[1].method"},
		{"bad method", batchOf(ok, `{"id":"2","method":"GE T","url":"/me/insights/used"}`), "requests[1].method"},
		{"no url", batchOf(ok, `{"id":"2","method":"GET"}`), "requests[1].url"},
		{"empty url", batchOf(ok, req("2", "")), "requests[1].url"},
		{"absolute URL", batchOf(ok, req("2", "https://graph.microsoft.com/v1.0/me/insights/used")), "requests[1].url"},
		{"absolute URL of this host", batchOf(ok, req("2", "http://api.test/me/insights/used")), "requests[1].url"},
		{"protocol-relative URL", batchOf(ok, req("2", "//evil.example/me/insights/used")), "requests[1].url"},
		{"backslashes", batchOf(ok, req("2", `/\evil.example/me/insights/used`)), "requests[1].url"},
		{"another scheme", batchOf(ok, req("2", "javascript:alert(1)")), "requests[1].url"},
		{"nested batch", batchOf(ok, `{"id":"2","method":"POST","url":"/$batch","body":{"requests":[]}}`), "requests[1].url"},
		{"nested batch, escaped", batchOf(ok, `{"id":"2","method":"POST","url":"%24batch","body":{"requests":[]}}`), "requests[1].url"},
		{"version prefix", batchOf(ok, req("2", "/v1.0/me/insights/used")), "requests[1].url"},
		{"dev tokens", batchOf(ok, `{"id":"2","method":"POST","url":"/dev/token"}`), "requests[1].url"},
		{"$metadata", batchOf(ok, req("2", "/$metadata")), "requests[1].url"},
		{"a static file", batchOf(ok, req("2", "/index.html")), "requests[1].url"},
		{"dot-dot", batchOf(ok, req("2", "/me/insights/used/../../../users/bob/insights/used")), "requests[1].url"},
		{"escaped dot-dot", batchOf(ok, req("2", "/users/bob/%2e%2e/alice-oid/insights/used")), "requests[1].url"},
		{"fragment", batchOf(ok, req("2", "/me/insights/used#x")), "requests[1].url"},
		{"newline in url", batchOf(ok, req("2", "/me/insights/used\r\nX-Evil: 1")), "requests[1].url"},
		{"headers not an object", batchOf(ok, `{"id":"2","method":"GET","url":"/me/insights/used","headers":["Prefer"]}`), "requests[1].headers"},
		{"header value not a string", batchOf(ok, `{"id":"2","method":"GET","url":"/me/insights/used","headers":{"Prefer":1}}`), "requests[1].headers"},
		{"header value on two lines", batchOf(ok, `{"id":"2","method":"GET","url":"/me/insights/used","headers":{"Prefer":"a\r\nb"}}`), "requests[1].headers"},
		{"bad header name", batchOf(ok, `{"id":"2","method":"GET","url":"/me/insights/used","headers":{"a b":"c"}}`), "requests[1].headers"},
		{"body not base64", batchOf(ok, `{"id":"2","method":"POST","url":"/me/insights/used","headers":{"Content-Type":"text/plain"},"body":"not base64!"}`), "requests[1].body"},
		{"unknown dependsOn", batchOf(ok, `{"id":"2","method":"GET","url":"/me/insights/used","dependsOn":["9"]}`), "requests[1].dependsOn"},
		{"dependsOn not an array", batchOf(ok, `{"id":"2","method":"GET","url":"/me/insights/used","dependsOn":"ok"}`), "requests[1].dependsOn"},
		{"dependsOn a number", batchOf(ok, `{"id":"2","method":"GET","url":"/me/insights/used","dependsOn":[1]}`), "requests[1].dependsOn"},
		{"depends on itself", batchOf(ok, `{"id":"2","method":"GET","url":"/me/insights/used","dependsOn":["2"]}`), "requests[1].dependsOn"},
		{"cycle", batchOf(ok, `{"id":"a","method":"GET","url":"/me/insights/used","dependsOn":["c"]}`, `{"id":"b","method":"GET","url":"/me/insights/used","dependsOn":["a"]}`, `{"id":"c","method":"GET","url":"/me/insights/used","dependsOn":["b","ok"]}`), "requests[1].dependsOn"},
		{"10k deep", `{"requests":[{"id":"1","method":"POST","url":"/me/insights/used","body":` + strings.Repeat("[", 10000) + `}]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			h := server(t)
			w := do(t, h, call{method: "POST", url: "/v1.0/$batch", body: tt.body})
			if w.Code != 400 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			checkEnvelope(t, w, "invalidRequest")
			if tg := gjson.Get(w.Body.String(), "error.target").Str; tg != tt.target {
				t.Errorf("target %q, want %q (%s)", tg, tt.target, gjson.Get(w.Body.String(), "error.message").Str)
			}
			// The batch is checked whole before anything runs: the valid create did not happen.
			if c := do(t, h, call{method: "GET", url: "/me/insights/used/$count"}).Body.String(); c != "0" {
				t.Errorf("%s records after a rejected batch", c)
			}
		})
	}
}

func TestBatchRequest(t *testing.T) {
	h := server(t)
	one := batchOf(`{"id":"1","method":"GET","url":"/me/insights/used/$count"}`)
	big := batchOf(`{"id":"1","method":"POST","url":"/me/insights/used","body":` + insightAt("2020-01-01T00:00:00Z", "resourceVisualization.previewText", `"`+strings.Repeat("x", MaxBatchBytes)+`"`) + `}`)
	tests := []struct {
		desc       string
		c          call
		wantStatus int
		wantCode   string
	}{
		{"no token", call{method: "POST", url: "/$batch", body: one, header: map[string]string{"Authorization": ""}}, 401, "InvalidAuthenticationToken"},
		{"bad token", call{method: "POST", url: "/$batch", body: one, header: map[string]string{"Authorization": "Bearer x.y.z"}}, 401, "InvalidAuthenticationToken"},
		{"GET", call{method: "GET", url: "/$batch"}, 405, "notAllowed"},
		{"text/plain", call{method: "POST", url: "/$batch", body: one, header: map[string]string{"Content-Type": "text/plain"}}, 415, "invalidRequest"},
		{"brotli", call{method: "POST", url: "/$batch", body: one, header: map[string]string{"Content-Encoding": "br"}}, 415, "invalidRequest"},
		{"over the limit", call{method: "POST", url: "/$batch", body: big}, 413, "invalidRequest"},
		{"gzip bomb", call{method: "POST", url: "/$batch", body: gzipped(t, `{"requests":[`+strings.Repeat(" ", 10<<20)+`]}`), header: map[string]string{"Content-Encoding": "gzip"}}, 413, "invalidRequest"},
		{"gzip of endless empty members", call{method: "POST", url: "/$batch", body: strings.Repeat(gzipped(t, ""), 2*MaxBatchBytes/20+1), header: map[string]string{"Content-Encoding": "gzip"}}, 413, "invalidRequest"},
		{"corrupt gzip", call{method: "POST", url: "/$batch", body: "\x1f\x8b\x08\x00garbage", header: map[string]string{"Content-Encoding": "gzip"}}, 400, "invalidRequest"},
		{"query options", call{method: "POST", url: "/$batch?$top=1", body: one}, 400, "invalidRequest"},
		{"gzip", call{method: "POST", url: "/$batch", body: gzipped(t, one), header: map[string]string{"Content-Encoding": "gzip"}}, 200, ""},
		{"escaped path", call{method: "POST", url: "/beta/%24batch", body: one}, 200, ""},
		{"under /localtest", call{method: "POST", url: "/localtest/$batch", body: one}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			w := expect(t, h, tt.c, tt.wantStatus, tt.wantCode)
			if w.Code == 405 && w.Header().Get("Allow") != "POST, OPTIONS" {
				t.Errorf("Allow %q", w.Header().Get("Allow"))
			}
			if w.Code == 200 && statuses(t, w) != "1:200" {
				t.Errorf("statuses %s", statuses(t, w))
			}
		})
	}
}

func TestBatchBodies(t *testing.T) {
	h := server(t)
	payload := insightAt("2020-01-01T00:00:00Z", "id", `"z"`)
	w := do(t, h, call{method: "POST", url: "/$batch", body: batchOf(
		// No Content-Type: a JSON body is sent as application/json.
		`{"id":"json","method":"POST","url":"/me/insights/used","body":`+payload+`}`,
		// A body in base64 for a Content-Type that is not JSON reaches the handler decoded, which refuses it.
		`{"id":"text","method":"POST","url":"/me/insights/used","headers":{"Content-Type":"text/plain"},"body":"aGVsbG8="}`,
		// A body with the wrong shape is the handler's 400, not the batch's.
		`{"id":"array","method":"POST","url":"/me/insights/used","body":[1,2]}`,
		// Unknown routes and bad ids answer as they do alone.
		`{"id":"route","method":"GET","url":"/me/insights/popular"}`,
		`{"id":"badid","method":"GET","url":"/me/insights/used/a%20b"}`,
		`{"id":"method","method":"PUT","url":"/me/insights/used/z"}`,
	)})
	if got := statuses(t, w); got != "json:201 text:415 array:400 route:404 badid:400 method:405" {
		t.Errorf("statuses %s", got)
	}
	r, _ := responsesOf(t, w)
	if r["method"].Get("headers.Allow").Str != "GET, PATCH, DELETE, OPTIONS" {
		t.Errorf("405 headers %s", r["method"].Get("headers").Raw)
	}
}

func TestBatchRateLimit(t *testing.T) {
	h := server(t, func(c *Config) { c.RateLimit = 2 })
	var reqs []string
	for i := range 6 {
		reqs = append(reqs, fmt.Sprintf(`{"id":"%d","method":"GET","url":"/me/insights/used/$count"}`, i))
	}
	w := do(t, h, call{method: "POST", url: "/$batch", body: batchOf(reqs...)})
	if got := statuses(t, w); got != "0:200 1:200 2:200 3:200 4:429 5:429" {
		t.Errorf("a batch counts each request against the limit: %s", got)
	}
	r, _ := responsesOf(t, w)
	if r["5"].Get("headers.Retry-After").Str == "" {
		t.Errorf("429 without Retry-After: %s", r["5"].Raw)
	}
}

func TestBatchURLs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/me/insights/used", "/me/insights/used"},
		{"me/insights/used", "/me/insights/used"},
		{"me/insights/used?$top=1", "/me/insights/used?$top=1"},
		{"/me/insights/used?$filter=ResourceVisualization/Type eq 'Word'", "/me/insights/used?$filter=ResourceVisualization/Type%20eq%20'Word'"},
		{"/users/Al%C3%AFce/insights/used", "/users/Al%C3%AFce/insights/used"},
		{"/users/Alïce/insights/used", "/users/Al%C3%AFce/insights/used"},
		{"/me/insights/used?next=https://x.example/", "/me/insights/used?next=https://x.example/"},
		{"https://x.example/me", ""},
		{"/%2E%2E/me", ""},
		{"/v1.0/me/insights/used", ""},
		{"/beta/$batch", ""},
	}
	for _, tt := range tests {
		got, msg := batchURL(tt.in)
		if got != tt.want || (got == "") != (msg != "") {
			t.Errorf("batchURL(%q) = %q, %q; want %q", tt.in, got, msg, tt.want)
		}
	}
}

func TestMetadata(t *testing.T) {
	h := server(t)
	for _, u := range []string{"/$metadata", "/v1.0/$metadata", "/beta/%24metadata"} {
		// Served to anyone, as Graph serves its own.
		w := do(t, h, call{method: "GET", url: u, header: map[string]string{"Authorization": ""}})
		if w.Code != 200 || w.Header().Get("Content-Type") != odata.MetadataContentType || w.Body.String() != string(odata.Metadata) {
			t.Fatalf("GET %s: %d %q", u, w.Code, w.Header().Get("Content-Type"))
		}
		var doc struct {
			Types []struct {
				Name string `xml:"Name,attr"`
			} `xml:"DataServices>Schema>EntityType"`
		}
		if err := xml.Unmarshal(w.Body.Bytes(), &doc); err != nil || len(doc.Types) == 0 {
			t.Fatalf("GET %s: %v", u, err)
		}
		if !strings.Contains(fmt.Sprint(doc.Types), "usedInsight") {
			t.Errorf("GET %s names %v", u, doc.Types)
		}
	}
	if w := do(t, h, call{method: "POST", url: "/$metadata", body: "{}"}); w.Code != 405 || w.Header().Get("Allow") != "GET, OPTIONS" {
		t.Errorf("POST $metadata: %d %q", w.Code, w.Header().Get("Allow"))
	}
	// Every context URL the API sends points into this document.
	do(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2020-01-01T00:00:00Z")})
	ctx := gjson.Get(do(t, h, call{method: "GET", url: "/v1.0/me/insights/used"}).Body.String(), `\@odata\.context`).Str
	if doc, _, _ := strings.Cut(ctx, "#"); doc != "http://api.test/v1.0/$metadata" {
		t.Errorf("context %q", ctx)
	}
}

// TestBatchFromSeed sends the seed payload in a batch: the bytes reach the validator as sent.
func TestBatchFromSeed(t *testing.T) {
	h := server(t)
	s := seed(t)
	b, _ := sjson.SetRaw(`{"requests":[{"id":"1","method":"POST","url":"/me/insights/used/$ref"}]}`, "requests.0.body", s)
	w := do(t, h, call{method: "POST", url: "/$batch", body: b})
	r, _ := responsesOf(t, w)
	if r["1"].Get("status").Int() != 201 || r["1"].Get("body.resourceVisualization.title").Str != "Title value" {
		t.Errorf("seed in a batch: %s", r["1"].Raw)
	}
}
