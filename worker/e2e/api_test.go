//go:build e2e

package e2e

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var idRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,512}$`)

// TestCreateOnEveryRoute: POST of the seed payload on every create route (with and
// without a version prefix, /$ref, /users/{id} and /users/{upn}) is a 201 whose body is the
// payload plus id and whose Location is an absolute URL that GETs the same record.
func TestCreateOnEveryRoute(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	user := newUser("routes")
	upn := user + "@Contoso.example"
	tok := w.devToken(t, `{"sub":"`+user+`","upn":"`+upn+`"}`)
	sent := decode(t, []byte(seed(t)))
	tests := []struct{ path, version, collection string }{
		{"/me/insights/used", "", "/me/insights/used"},
		{"/me/insights/used/$ref", "", "/me/insights/used"},
		{"/v1.0/me/insights/used", "/v1.0", "/me/insights/used"},
		{"/v1.0/me/insights/used/$ref", "/v1.0", "/me/insights/used"},
		{"/beta/me/insights/used", "/beta", "/me/insights/used"},
		{"/localtest/me/insights/used", "/localtest", "/me/insights/used"},
		{"/localtest/me/insights/used/$ref", "/localtest", "/me/insights/used"},
		{"/users/" + user + "/insights/used", "", "/users/" + user + "/insights/used"},
		{"/v1.0/users/" + user + "/insights/used/$ref", "/v1.0", "/users/" + user + "/insights/used"},
		{"/beta/users/" + strings.ToLower(upn) + "/insights/used", "/beta", "/users/" + strings.ToLower(upn) + "/insights/used"},
	}
	var ids []string
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.path, "/", "_"), func(t *testing.T) {
			r := w.do(t, req{method: "POST", path: tt.path, body: seed(t), token: tok})
			if r.status != 201 {
				t.Fatalf("%v", r)
			}
			checkAPIHeaders(t, r)
			got := decode(t, r.body)
			id, _ := got["id"].(string)
			if !idRE.MatchString(id) || slices.Contains(ids, id) {
				t.Fatalf("id %q is not a new URL-safe id (ids so far %v)", id, ids)
			}
			ids = append(ids, id)
			delete(got, "id")
			if !sameJSON(got, sent) {
				t.Errorf("body is not the payload plus id:\n got %s\nsent %s", r.body, seed(t))
			}
			loc := r.header.Get("Location")
			u, err := url.Parse(loc)
			if want := w.base + tt.version + tt.collection + "/" + id; err != nil || !u.IsAbs() || loc != want {
				t.Errorf("Location %q, want %q", loc, want)
			}
			g := w.do(t, req{method: "GET", path: loc, token: tok})
			if g.status != 200 {
				t.Fatalf("GET Location: %v", g)
			}
			checkAPIHeaders(t, g)
			rec := decode(t, g.body)
			if want := w.base + tt.version + "/$metadata#users('" + user + "')/insights/used/$entity"; rec["@odata.context"] != want {
				t.Errorf("@odata.context %v, want %s", rec["@odata.context"], want)
			}
			delete(rec, "@odata.context")
			if created := decode(t, r.body); !sameJSON(rec, created) {
				t.Errorf("GET Location %s differs from the created record %s", g.body, r.body)
			}
		})
	}
	// Every route created a record of the same user.
	if r := w.do(t, req{method: "GET", path: "/me/insights/used/$count", token: tok}); r.status != 200 || string(r.body) != fmt.Sprint(len(tests)) {
		t.Errorf("count after creating on %d routes: %v", len(tests), r)
	}
	listed := collect(t, w, tok, "/me/insights/used?$top=3")
	slices.Sort(listed)
	slices.Sort(ids)
	if !slices.Equal(listed, ids) {
		t.Errorf("listed %v, created %v", listed, ids)
	}
}

// listPage is one page of a list.
type listPage struct {
	Context string           `json:"@odata.context"`
	Count   *json.Number     `json:"@odata.count"`
	Next    string           `json:"@odata.nextLink"`
	Value   []map[string]any `json:"value"`
}

func (p listPage) ids() []string {
	ids := make([]string, len(p.Value))
	for i, v := range p.Value {
		ids[i], _ = v["id"].(string)
	}
	return ids
}

func getList(t testing.TB, w *worker, tok, path string) (listPage, *resp) {
	t.Helper()
	r := w.do(t, req{method: "GET", path: path, token: tok})
	var p listPage
	if r.status != 200 {
		t.Fatalf("%v", r)
	}
	checkAPIHeaders(t, r)
	d := json.NewDecoder(bytes.NewReader(r.body))
	d.UseNumber()
	if err := d.Decode(&p); err != nil || p.Value == nil {
		t.Fatalf("%v: not a list (%v)", r, err)
	}
	return p, r
}

// collect follows @odata.nextLink from path to the end and returns the ids in order. Every
// nextLink must be an absolute URL of this instance.
func collect(t testing.TB, w *worker, tok, path string) []string {
	t.Helper()
	var ids []string
	for pages := 0; path != ""; pages++ {
		if pages > 1000 {
			t.Fatal("@odata.nextLink never ends")
		}
		p, _ := getList(t, w, tok, path)
		ids = append(ids, p.ids()...)
		if p.Next != "" && !strings.HasPrefix(p.Next, w.base+"/") {
			t.Fatalf("@odata.nextLink %q is not an absolute URL of %s", p.Next, w.base)
		}
		path = p.Next
	}
	return ids
}

// TestListOrderFilterSelectCount: list order (newest first by instant, not by string), every
// $orderby, $filter eq on the three properties joined by and (paths and values compared
// without regard to case), $select, $count=true, /$count, and $top paging by nextLink.
func TestListOrderFilterSelectCount(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	user, tok := w.delegated(t, "list")
	// Instants whose strings sort differently from the instants (accessed desc: d c b a e;
	// as strings: a b c d e; modified desc: a c b d e; as strings: d b c a e).
	for _, p := range []string{
		insight("a", "2020-01-01T10:00:00+05:00", "2019-06-01T00:00:00-12:00", "Word", "Site", "microsoft.graph.driveItem", "A"),   // 05:00Z; 12:00Z
		insight("b", "2020-01-01T06:00:00Z", "2019-06-01T13:00:00+02:00", "Excel", "Site", "microsoft.graph.driveItem", "B"),       // 06:00Z; 11:00Z
		insight("c", "2020-01-01T01:00:00-08:00", "2019-06-01T11:30:00Z", "Word", "Mail", "microsoft.graph.driveItem", "C"),        // 09:00Z; 11:30Z
		insight("d", "2019-12-31T23:00:00.5-10:00", "2019-06-01T20:00:00+10:00", "Word", "Site", "microsoft.graph.driveItem", "D"), // 09:00:00.5Z; 10:00Z
		insight("e", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "Word", "Site", "microsoft.graph.siteItem", "E"),              // the minimum
	} {
		w.create(t, tok, p)
	}
	ctx := w.base + "/$metadata#users('" + user + "')/insights/used"
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"d", "c", "b", "a", "e"}},
		{"$orderby=LastUsed/LastAccessedDateTime desc", []string{"d", "c", "b", "a", "e"}},
		{"$orderby=lastUsed/lastAccessedDateTime asc", []string{"e", "a", "b", "c", "d"}},
		{"$orderby=LastUsed/LastModifiedDateTime desc", []string{"a", "c", "b", "d", "e"}},
		{"$orderby=lastused/lastmodifieddatetime asc", []string{"e", "d", "b", "c", "a"}},
		{"$filter=ResourceVisualization/Type eq 'excel'", []string{"b"}},
		{"$filter=resourcevisualization/type eq 'WORD'", []string{"d", "c", "a", "e"}},
		{"$filter=ResourceVisualization/containerType eq 'mail'", []string{"c"}},
		{"$filter=RESOURCEREFERENCE/TYPE eq 'Microsoft.Graph.SiteItem'", []string{"e"}},
		{"$filter=ResourceVisualization/containerType eq 'Site' and resourceReference/type eq 'microsoft.graph.driveitem'", []string{"d", "b", "a"}},
		{"$filter=ResourceVisualization/Type eq 'word' and ResourceVisualization/ContainerType eq 'SITE' and resourceReference/type eq 'microsoft.graph.driveItem'&$orderby=LastUsed/LastAccessedDateTime asc", []string{"a", "d"}},
		{"$filter=resourceReference/type eq 'nothing'", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q := ""
			if tt.query != "" {
				q = "?" + strings.ReplaceAll(tt.query, " ", "%20")
			}
			p, _ := getList(t, w, tok, "/me/insights/used"+q)
			if got := p.ids(); !slices.Equal(got, tt.want) {
				t.Errorf("ids %v, want %v", got, tt.want)
			}
			if p.Context != ctx || p.Next != "" || p.Count != nil {
				t.Errorf("context %q, nextLink %q, count %v", p.Context, p.Next, p.Count)
			}
			// The same filter on $count.
			if f, ok := strings.CutPrefix(tt.query, "$filter="); ok {
				f, _, _ = strings.Cut(f, "&")
				r := w.do(t, req{method: "GET", path: "/me/insights/used/$count?$filter=" + url.QueryEscape(f), token: tok})
				if r.status != 200 || string(r.body) != fmt.Sprint(len(tt.want)) {
					t.Errorf("$count with the filter: %v, want %d", r, len(tt.want))
				}
			}
		})
	}

	t.Run("$select and $count=true", func(t *testing.T) {
		p, _ := getList(t, w, tok, "/v1.0/me/insights/used?$select=lastUsed,resourceReference&$count=true")
		if want := w.base + "/v1.0/$metadata#users('" + user + "')/insights/used(id,lastUsed,resourceReference)"; p.Context != want {
			t.Errorf("@odata.context %q, want %q", p.Context, want)
		}
		if p.Count == nil || p.Count.String() != "5" {
			t.Errorf("@odata.count %v, want 5", p.Count)
		}
		if !slices.Equal(p.ids(), []string{"d", "c", "b", "a", "e"}) {
			t.Errorf("ids %v", p.ids())
		}
		for _, v := range p.Value {
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, []string{"id", "lastUsed", "resourceReference"}) {
				t.Errorf("selected members %v", keys)
			}
		}
	})

	t.Run("$count", func(t *testing.T) {
		r := w.do(t, req{method: "GET", path: "/beta/me/insights/used/$count", token: tok})
		checkAPIHeaders(t, r)
		if r.status != 200 || string(r.body) != "5" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Errorf("%v (Content-Type %q)", r, r.header.Get("Content-Type"))
		}
	})

	t.Run("paging", func(t *testing.T) {
		for _, tt := range []struct {
			path string
			want []string
			size int
		}{
			{"/me/insights/used?$top=2", []string{"d", "c", "b", "a", "e"}, 2},
			{"/beta/me/insights/used?$top=1&$orderby=LastUsed/LastModifiedDateTime%20asc&$count=true", []string{"e", "d", "b", "c", "a"}, 1},
			{"/v1.0/users/" + user + "/insights/used?$filter=ResourceVisualization/containerType%20eq%20'Site'&$top=2&$select=id", []string{"d", "b", "a", "e"}, 2},
		} {
			var got []string
			next := tt.path
			for pages := 0; next != ""; pages++ {
				if pages > 10 {
					t.Fatalf("%s: nextLink never ends", tt.path)
				}
				p, r := getList(t, w, tok, next)
				if len(p.Value) > tt.size {
					t.Errorf("%v: more than $top records", r)
				}
				got = append(got, p.ids()...)
				if strings.Contains(tt.path, "$count=true") && (p.Count == nil || p.Count.String() != "5") {
					t.Errorf("%v: @odata.count on a later page", r)
				}
				if p.Next != "" {
					// An absolute URL on the same version prefix and path, with the request's options.
					prefix, query, _ := strings.Cut(w.base+tt.path, "?")
					sent, _ := url.ParseQuery(query)
					u, err := url.Parse(p.Next)
					if err != nil || !strings.HasPrefix(p.Next, prefix+"?") || u.Query().Get("$top") != sent.Get("$top") || u.Query().Get("$skiptoken") == "" {
						t.Fatalf("@odata.nextLink %q (request %s)", p.Next, tt.path)
					}
				}
				next = p.Next
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: paged ids %v, want %v", tt.path, got, tt.want)
			}
		}
	})
}

// TestGetPatchDelete: GET an item (with @odata.context and $select), PATCH as a merge (204,
// or 200 with the record for Prefer: return=representation), PATCHes that must not change
// the record, the order following a PATCH, DELETE 204 and then 404.
func TestGetPatchDelete(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	user, tok := w.delegated(t, "item")
	w.create(t, tok, insight("x1", "2020-01-01T00:00:00Z", "2019-01-01T00:00:00Z", "Word", "Site", "microsoft.graph.driveItem", "Old"))
	w.create(t, tok, insight("x2", "2023-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", "Other"))
	get := func(t *testing.T) map[string]any {
		t.Helper()
		r := w.do(t, req{method: "GET", path: "/me/insights/used/x1", token: tok})
		if r.status != 200 {
			t.Fatalf("%v", r)
		}
		m := decode(t, r.body)
		delete(m, "@odata.context")
		return m
	}
	path := func(m map[string]any, p string) any {
		var v any = m
		for _, k := range strings.Split(p, ".") {
			o, _ := v.(map[string]any)
			v = o[k]
		}
		return v
	}

	r := w.do(t, req{method: "GET", path: "/localtest/me/insights/used/x1?$select=resourceReference", token: tok})
	checkAPIHeaders(t, r)
	m := decode(t, r.body)
	if want := w.base + "/localtest/$metadata#users('" + user + "')/insights/used(id,resourceReference)/$entity"; r.status != 200 || m["@odata.context"] != want || m["id"] != "x1" || m["lastUsed"] != nil || path(m, "resourceReference.id") != "ref-Old" {
		t.Errorf("GET with $select: %v", r)
	}

	tests := []struct {
		desc   string
		r      req
		status int
		check  string // member path = value on the record after the request
	}{
		{"merge", req{body: `{"resourceVisualization":{"title":"New"}}`}, 204, "resourceVisualization.type=Word"},
		{"merged", req{body: `{"resourceVisualization":{"containerType":"Mail"}}`}, 204, "resourceVisualization.title=New"},
		{"representation", req{body: `{"lastUsed":{"lastAccessedDateTime":"2024-01-01T00:00:00+01:00"}}`, header: map[string]string{"Prefer": "return=representation"}}, 200, "lastUsed.lastModifiedDateTime=2019-01-01T00:00:00Z"},
		{"invalid member", req{body: `{"lastUsed":{"lastAccessedDateTime":"soon"}}`}, 400, "lastUsed.lastAccessedDateTime=2024-01-01T00:00:00+01:00"},
		{"merged record invalid", req{body: `{"resourceReference":{"id":null,"webUrl":null}}`}, 400, "resourceReference.id=ref-Old"},
		{"id cannot change", req{body: `{"id":"x3"}`}, 400, "id=x1"},
		{"unknown member", req{body: `{"nope":1}`}, 400, "resourceVisualization.title=New"},
		{"not JSON", req{body: `{`}, 400, "resourceVisualization.title=New"},
		{"unknown record", req{path: "/me/insights/used/x9", body: `{}`}, 404, "id=x1"},
		{"query option", req{path: "/me/insights/used/x1?$select=id", body: `{}`}, 400, "id=x1"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			rq := tt.r
			rq.method, rq.token = "PATCH", tok
			if rq.path == "" {
				rq.path = "/me/insights/used/x1"
			}
			r := w.do(t, rq)
			switch tt.status {
			case 204:
				checkAPIHeaders(t, r)
				if r.status != 204 || len(r.body) != 0 {
					t.Errorf("%v, want 204 without a body", r)
				}
			case 200:
				checkAPIHeaders(t, r)
				if r.status != 200 || r.header.Get("Preference-Applied") != "return=representation" {
					t.Fatalf("%v (Preference-Applied %q)", r, r.header.Get("Preference-Applied"))
				}
				if got := decode(t, r.body); !sameJSON(got, get(t)) {
					t.Errorf("representation %s is not the stored record %v", r.body, get(t))
				}
			default:
				code := "invalidRequest"
				if tt.status == 404 {
					code = "itemNotFound"
				}
				checkError(t, r, tt.status, code)
			}
			p, want, _ := strings.Cut(tt.check, "=")
			if got := path(get(t), p); got != want {
				t.Errorf("after it, %s = %v, want %q", p, got, want)
			}
		})
	}

	// x1 is now used on 2024-01-01: it lists before x2.
	if p, _ := getList(t, w, tok, "/me/insights/used"); !slices.Equal(p.ids(), []string{"x1", "x2"}) {
		t.Errorf("order after PATCH: %v", p.ids())
	}
	r = w.do(t, req{method: "DELETE", path: "/me/insights/used/x1", token: tok})
	checkAPIHeaders(t, r)
	if r.status != 204 || len(r.body) != 0 {
		t.Errorf("DELETE: %v", r)
	}
	checkError(t, w.do(t, req{method: "DELETE", path: "/me/insights/used/x1", token: tok}), 404, "itemNotFound")
	checkError(t, w.do(t, req{method: "GET", path: "/me/insights/used/x1", token: tok}), 404, "itemNotFound")
	checkError(t, w.do(t, req{method: "PATCH", path: "/me/insights/used/x1", body: `{}`, token: tok}), 404, "itemNotFound")
	if p, _ := getList(t, w, tok, "/me/insights/used?$count=true"); !slices.Equal(p.ids(), []string{"x2"}) || p.Count == nil || p.Count.String() != "1" {
		t.Errorf("after DELETE: %v count %v", p.ids(), p.Count)
	}
}

func gzipped(b []byte) string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.String()
}

// TestErrors: every documented 4xx of the API in Graph's error envelope. (Bodies
// the Worker reads only in part, such as a gzip bomb, are in TestHostileInputs, on an instance
// of their own.)
func TestErrors(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	_, tok := w.delegated(t, "errors")
	w.create(t, tok, insight("taken", "2020-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", "T"))
	big := insight("", "2020-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", strings.Repeat("x", 70000))
	seedGz := gzipped([]byte(seed(t)))
	gz := map[string]string{"Content-Encoding": "gzip"}
	targets := func(want ...string) func(*testing.T, gErr) {
		return func(t *testing.T, e gErr) {
			var got []string
			for _, d := range e.Error.Details {
				got = append(got, d.Target)
				if d.Code == "" || d.Message == "" {
					t.Errorf("detail without code or message: %+v", d)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("details targets %q, want %q", got, want)
			}
		}
	}
	target := func(want string) func(*testing.T, gErr) {
		return func(t *testing.T, e gErr) {
			if e.Error.Target != want {
				t.Errorf("error.target %q, want %q", e.Error.Target, want)
			}
		}
	}
	messageHas := func(s string) func(*testing.T, gErr) {
		return func(t *testing.T, e gErr) {
			if !strings.Contains(e.Error.Message, s) {
				t.Errorf("error.message %q does not mention %q", e.Error.Message, s)
			}
		}
	}
	tests := []struct {
		desc   string
		r      req
		status int
		code   string
		check  func(*testing.T, gErr)
		allow  string
	}{
		{"invalid payload lists every problem", req{method: "POST", path: "/me/insights/used", body: `{"lastUsed":{"lastAccessedDateTime":"yesterday"},"resourceVisualization":{"previewImageUrl":"javascript:alert(1)"},"resourceReference":{},"x":1}`}, 400, "invalidRequest",
			targets("lastUsed.lastAccessedDateTime", "resourceVisualization.previewImageUrl", "resourceReference", "x"), ""},
		{"one problem", req{method: "POST", path: "/v1.0/me/insights/used", body: insight("", "2020-02-30T00:00:00Z", "", "Word", "Site", "t", "T")}, 400, "invalidRequest",
			func(t *testing.T, e gErr) {
				targets("lastUsed.lastAccessedDateTime")(t, e)
				target("lastUsed.lastAccessedDateTime")(t, e)
			}, ""},
		{"malformed JSON", req{method: "POST", path: "/me/insights/used", body: `{"lastUsed": `}, 400, "invalidRequest", messageHas("Unable to read JSON request payload"), ""},
		{"duplicate member", req{method: "POST", path: "/me/insights/used", body: `{"id":"a","id":"b"}`}, 400, "invalidRequest", nil, ""},
		{"empty body", req{method: "POST", path: "/me/insights/used", header: map[string]string{"Content-Type": "application/json"}}, 400, "invalidRequest", nil, ""},
		{"$top too large", req{method: "GET", path: "/me/insights/used?$top=1000"}, 400, "invalidRequest", target("$top"), ""},
		{"$top zero", req{method: "GET", path: "/me/insights/used?$top=0"}, 400, "invalidRequest", target("$top"), ""},
		{"$top not a number", req{method: "GET", path: "/me/insights/used?$top=ten"}, 400, "invalidRequest", target("$top"), ""},
		{"$skip", req{method: "GET", path: "/me/insights/used?$skip=1"}, 400, "invalidRequest", messageHas("$skip"), ""},
		{"$expand", req{method: "GET", path: "/me/insights/used?$expand=resource"}, 400, "invalidRequest", messageHas("$expand"), ""},
		{"$filter on another property", req{method: "GET", path: "/me/insights/used?$filter=id%20eq%20'x'"}, 400, "invalidRequest", target("$filter"), ""},
		{"$orderby on another property", req{method: "GET", path: "/me/insights/used?$orderby=id"}, 400, "invalidRequest", target("$orderby"), ""},
		{"garbage $skiptoken", req{method: "GET", path: "/me/insights/used?$skiptoken=garbage"}, 400, "invalidRequest", target("$skiptoken"), ""},
		{"$top on $count", req{method: "GET", path: "/me/insights/used/$count?$top=1"}, 400, "invalidRequest", nil, ""},
		{"bad id", req{method: "GET", path: "/me/insights/used/a%20b"}, 400, "invalidRequest", nil, ""},
		{"encoded slash in id", req{method: "DELETE", path: "/me/insights/used/a%2Fb"}, 400, "invalidRequest", nil, ""},
		{"bad id in the payload", req{method: "POST", path: "/me/insights/used", body: insight("a b", "2020-01-01T00:00:00Z", "", "Word", "Site", "t", "T")}, 400, "invalidRequest", targets("id"), ""},
		{"duplicate id", req{method: "POST", path: "/me/insights/used", body: insight("taken", "2021-01-01T00:00:00Z", "", "Word", "Site", "t", "T")}, 409, "nameAlreadyExists", nil, ""},
		{"over 64 KiB", req{method: "POST", path: "/me/insights/used", body: big}, 413, "invalidRequest", nil, ""},
		{"text/plain", req{method: "POST", path: "/me/insights/used", body: seed(t), header: map[string]string{"Content-Type": "text/plain"}}, 415, "invalidRequest", nil, ""},
		{"charset utf-16", req{method: "POST", path: "/me/insights/used", body: seed(t), header: map[string]string{"Content-Type": "application/json; charset=utf-16"}}, 415, "invalidRequest", nil, ""},
		{"brotli", req{method: "POST", path: "/me/insights/used", body: seed(t), header: map[string]string{"Content-Encoding": "br"}}, 415, "invalidRequest", nil, ""},
		{"corrupt gzip", req{method: "POST", path: "/me/insights/used", body: "\x1f\x8b\x08\x00garbage", header: gz}, 400, "invalidRequest", nil, ""},
		{"truncated gzip", req{method: "POST", path: "/me/insights/used", body: seedGz[:len(seedGz)/2], header: gz}, 400, "invalidRequest", nil, ""},
		{"not gzip at all", req{method: "POST", path: "/me/insights/used", body: seed(t), header: gz}, 400, "invalidRequest", nil, ""},
		{"unknown route", req{method: "GET", path: "/me/insights/trending"}, 404, "itemNotFound", nil, ""},
		{"unknown segment", req{method: "GET", path: "/me/insights/used/abc/resource"}, 404, "itemNotFound", nil, ""},
		{"unknown version", req{method: "GET", path: "/v2.0/me/insights/used"}, 404, "itemNotFound", nil, ""},
		{"root API path", req{method: "GET", path: "/v1.0"}, 404, "itemNotFound", nil, ""},
		{"no such record", req{method: "GET", path: "/me/insights/used/nope"}, 404, "itemNotFound", nil, ""},
		{"PUT an item", req{method: "PUT", path: "/me/insights/used/taken", body: seed(t)}, 405, "notAllowed", nil, "GET, PATCH, DELETE, OPTIONS"},
		{"DELETE the collection", req{method: "DELETE", path: "/me/insights/used"}, 405, "notAllowed", nil, "GET, POST, OPTIONS"},
		{"POST $count", req{method: "POST", path: "/v1.0/me/insights/used/$count", body: seed(t)}, 405, "notAllowed", nil, "GET, OPTIONS"},
		{"GET $ref", req{method: "GET", path: "/me/insights/used/$ref"}, 405, "notAllowed", nil, "POST, OPTIONS"},
		{"GET /dev/token", req{method: "GET", path: "/dev/token"}, 405, "notAllowed", nil, "POST, OPTIONS"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			rq := tt.r
			rq.token = tok
			r := w.do(t, rq)
			e := checkError(t, r, tt.status, tt.code)
			if tt.check != nil && r.status == tt.status {
				tt.check(t, e)
			}
			if got := r.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
		})
	}

	// Nothing above created or changed a record; a gzip-compressed seed does.
	if r := w.do(t, req{method: "GET", path: "/me/insights/used/$count", token: tok}); string(r.body) != "1" {
		t.Errorf("count after the errors: %v", r)
	}
	r := w.do(t, req{method: "POST", path: "/me/insights/used", body: seedGz, token: tok, header: gz})
	if r.status != 201 {
		t.Fatalf("gzip-compressed seed: %v", r)
	}
	got := decode(t, r.body)
	delete(got, "id")
	if !sameJSON(got, decode(t, []byte(seed(t)))) {
		t.Errorf("gzip-compressed seed stored as %s", r.body)
	}
	if g := w.do(t, req{method: "GET", path: r.header.Get("Location"), token: tok}); g.status != 200 {
		t.Errorf("GET the gzip-created record: %v", g)
	}
}
