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

// TestCreateOnEveryRoute: in each collection, POST of a valid payload (used: the seed; the
// others: the item of Graph's documentation) on every create route (with and without a
// version prefix, /$ref, /users/{id} and /users/{upn}) is a 201 whose body is the payload
// plus id and whose Location is an absolute URL that GETs the same record.
func TestCreateOnEveryRoute(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	eachCollection(t, func(t *testing.T, c *collection) { testCreateOnEveryRoute(t, w, c) })
}

func testCreateOnEveryRoute(t *testing.T, w *worker, c *collection) {
	user := newUser("routes")
	upn := user + "@Contoso.example"
	tok := w.devToken(t, `{"sub":"`+user+`","upn":"`+upn+`"}`)
	body := c.seedOf(t)
	sent := decode(t, []byte(body))
	col := "/insights/" + c.name
	tests := []struct{ path, version, collection string }{
		{"/me" + col, "", "/me" + col},
		{"/me" + col + "/$ref", "", "/me" + col},
		{"/v1.0/me" + col, "/v1.0", "/me" + col},
		{"/v1.0/me" + col + "/$ref", "/v1.0", "/me" + col},
		{"/beta/me" + col, "/beta", "/me" + col},
		{"/localtest/me" + col, "/localtest", "/me" + col},
		{"/localtest/me" + col + "/$ref", "/localtest", "/me" + col},
		{"/users/" + user + col, "", "/users/" + user + col},
		{"/v1.0/users/" + user + col + "/$ref", "/v1.0", "/users/" + user + col},
		{"/beta/users/" + strings.ToLower(upn) + col, "/beta", "/users/" + strings.ToLower(upn) + col},
	}
	var ids []string
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.path, "/", "_"), func(t *testing.T) {
			r := w.do(t, req{method: "POST", path: tt.path, body: body, token: tok})
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
				t.Errorf("body is not the payload plus id:\n got %s\nsent %s", r.body, body)
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
			if want := w.base + tt.version + "/$metadata#users('" + user + "')" + col + "/$entity"; rec["@odata.context"] != want {
				t.Errorf("@odata.context %v, want %s", rec["@odata.context"], want)
			}
			delete(rec, "@odata.context")
			if created := decode(t, r.body); !sameJSON(rec, created) {
				t.Errorf("GET Location %s differs from the created record %s", g.body, r.body)
			}
		})
	}
	// Every route created a record of the same user, in this collection only.
	if r := w.do(t, req{method: "GET", path: c.path("/$count"), token: tok}); r.status != 200 || string(r.body) != fmt.Sprint(len(tests)) {
		t.Errorf("count after creating on %d routes: %v", len(tests), r)
	}
	if r := w.do(t, req{method: "GET", path: c.other().path("/$count"), token: tok}); r.status != 200 || string(r.body) != "0" {
		t.Errorf("count of %s after creating in %s: %v", c.other().name, c.name, r)
	}
	listed := collect(t, w, tok, c.path("?$top=3"))
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

// TestListOrderFilterSelectCount: in each collection, list order (highest first by the
// value, not by its string: instants, or trending's weights, some written as strings), every
// $orderby, $filter eq on the three properties joined by and (paths and values compared
// without regard to case), $select, $count=true, /$count, and $top paging by nextLink.
func TestListOrderFilterSelectCount(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	eachCollection(t, func(t *testing.T, c *collection) { testListOrderFilterSelectCount(t, w, c) })
}

// listKeys are the order keys of the list test's records a to e, per collection: values
// whose strings sort differently from the values (first key desc: d c b a e; second key
// desc: a c b d e).
var listKeys = map[string][5][2]string{
	"used": {
		{`"2020-01-01T10:00:00+05:00"`, `"2019-06-01T00:00:00-12:00"`},   // 05:00Z; 12:00Z
		{`"2020-01-01T06:00:00Z"`, `"2019-06-01T13:00:00+02:00"`},        // 06:00Z; 11:00Z
		{`"2020-01-01T01:00:00-08:00"`, `"2019-06-01T11:30:00Z"`},        // 09:00Z; 11:30Z
		{`"2019-12-31T23:00:00.5-10:00"`, `"2019-06-01T20:00:00+10:00"`}, // 09:00:00.5Z; 10:00Z
		{`"0001-01-01T00:00:00Z"`, `"0001-01-01T00:00:00Z"`},             // the minimum
	},
	"trending": {
		{`-1`, `"2019-06-01T00:00:00-12:00"`},
		{`9.5`, `"2019-06-01T13:00:00+02:00"`},
		{`"10"`, `"2019-06-01T11:30:00Z"`}, // a string: stored as the number
		{`1e2`, `"2019-06-01T20:00:00+10:00"`},
		{`"-1e300"`, `"0001-01-01T00:00:00Z"`},
	},
}

func init() { listKeys["shared"] = listKeys["used"] }

func testListOrderFilterSelectCount(t *testing.T, w *worker, c *collection) {
	user, tok := w.delegated(t, "list")
	values := [5][3]string{
		{"Word", "Site", "microsoft.graph.driveItem"},
		{"Excel", "Site", "microsoft.graph.driveItem"},
		{"Word", "Mail", "microsoft.graph.driveItem"},
		{"Word", "Site", "microsoft.graph.driveItem"},
		{"Word", "Site", "microsoft.graph.siteItem"},
	}
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		k := listKeys[c.name][i]
		if c.key1Path == "" {
			k[1] = ""
		}
		w.createIn(t, c, tok, c.item(id, k[0], k[1], values[i], strings.ToUpper(id)))
	}
	o1 := c.orders[0]
	if len(c.orders) > 1 {
		o1 = c.orders[1]
	}
	names := strings.NewReplacer("{O0}", c.orders[0], "{o0}", strings.ToLower(c.orders[0]), "{O1}", o1, "{o1}", strings.ToLower(o1),
		"{F0}", c.filters[0], "{f0}", strings.ToLower(c.filters[0]), "{F1}", c.filters[1], "{F1U}", strings.ToUpper(c.filters[1]),
		"{F2}", c.filters[2], "{F2U}", strings.ToUpper(c.filters[2]))
	ctx := w.base + "/$metadata#users('" + user + "')/insights/" + c.name
	tests := []struct {
		query string
		want  []string
		key1  bool // orders by the second key: only where there is one
	}{
		{"", []string{"d", "c", "b", "a", "e"}, false},
		{"$orderby={O0} desc", []string{"d", "c", "b", "a", "e"}, false},
		{"$orderby={o0} asc", []string{"e", "a", "b", "c", "d"}, false},
		{"$orderby={O1} desc", []string{"a", "c", "b", "d", "e"}, true},
		{"$orderby={o1} asc", []string{"e", "d", "b", "c", "a"}, true},
		{"$filter={F0} eq 'excel'", []string{"b"}, false},
		{"$filter={f0} eq 'WORD'", []string{"d", "c", "a", "e"}, false},
		{"$filter={F1} eq 'mail'", []string{"c"}, false},
		{"$filter={F2U} eq 'Microsoft.Graph.SiteItem'", []string{"e"}, false},
		{"$filter={F1} eq 'Site' and {F2} eq 'microsoft.graph.driveitem'", []string{"d", "b", "a"}, false},
		{"$filter={F0} eq 'word' and {F1U} eq 'SITE' and {F2} eq 'microsoft.graph.driveItem'&$orderby={O0} asc", []string{"a", "d"}, false},
		{"$filter={F2} eq 'nothing'", []string{}, false},
	}
	for _, tt := range tests {
		if tt.key1 && c.key1Path == "" {
			continue
		}
		query := names.Replace(tt.query)
		t.Run(query, func(t *testing.T) {
			q := ""
			if query != "" {
				q = "?" + strings.ReplaceAll(query, " ", "%20")
			}
			p, _ := getList(t, w, tok, c.path(q))
			if got := p.ids(); !slices.Equal(got, tt.want) {
				t.Errorf("ids %v, want %v", got, tt.want)
			}
			if p.Context != ctx || p.Next != "" || p.Count != nil {
				t.Errorf("context %q, nextLink %q, count %v", p.Context, p.Next, p.Count)
			}
			// The same filter on $count.
			if f, ok := strings.CutPrefix(query, "$filter="); ok {
				f, _, _ = strings.Cut(f, "&")
				r := w.do(t, req{method: "GET", path: c.path("/$count?$filter=" + url.QueryEscape(f)), token: tok})
				if r.status != 200 || string(r.body) != fmt.Sprint(len(tt.want)) {
					t.Errorf("$count with the filter: %v, want %d", r, len(tt.want))
				}
			}
		})
	}

	t.Run("$select and $count=true", func(t *testing.T) {
		p, _ := getList(t, w, tok, "/v1.0"+c.path("?$select="+c.key0+",resourceReference&$count=true"))
		if want := w.base + "/v1.0/$metadata#users('" + user + "')/insights/" + c.name + "(id," + c.key0 + ",resourceReference)"; p.Context != want {
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
			if want := slices.Sorted(slices.Values([]string{"id", c.key0, "resourceReference"})); !slices.Equal(keys, want) {
				t.Errorf("selected members %v", keys)
			}
		}
	})

	if c == trendingColl {
		t.Run("weights written as strings are stored as numbers", func(t *testing.T) {
			for id, want := range map[string]string{"c": "10", "e": "-1e300", "b": "9.5"} {
				r := w.do(t, req{method: "GET", path: c.path("/" + id), token: tok})
				n, ok := decode(t, r.body)["weight"].(json.Number)
				if f, err := n.Float64(); !ok || err != nil || fmt.Sprint(f) != fmt.Sprint(mustFloat(want)) {
					t.Errorf("%s: weight %v (%T), want the number %s: %v", id, n, decode(t, r.body)["weight"], want, r)
				}
			}
		})
	}

	t.Run("$count", func(t *testing.T) {
		r := w.do(t, req{method: "GET", path: "/beta" + c.path("/$count"), token: tok})
		checkAPIHeaders(t, r)
		if r.status != 200 || string(r.body) != "5" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Errorf("%v (Content-Type %q)", r, r.header.Get("Content-Type"))
		}
	})

	t.Run("paging", func(t *testing.T) {
		second, secondWant := names.Replace("{O1}"), []string{"e", "d", "b", "c", "a"}
		if c.key1Path == "" {
			second, secondWant = c.orders[0], []string{"e", "a", "b", "c", "d"}
		}
		for _, tt := range []struct {
			path string
			want []string
			size int
		}{
			{c.path("?$top=2"), []string{"d", "c", "b", "a", "e"}, 2},
			{"/beta" + c.path("?$top=1&$orderby="+second+"%20asc&$count=true"), secondWant, 1},
			{"/v1.0/users/" + user + "/insights/" + c.name + "?$filter=" + c.filters[1] + "%20eq%20'Site'&$top=2&$select=id", []string{"d", "b", "a", "e"}, 2},
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
					// The page token is this collection's: another's list refuses it.
					o := c.other()
					bad := w.do(t, req{method: "GET", path: o.path("?$top=" + sent.Get("$top") + "&$skiptoken=" + url.QueryEscape(u.Query().Get("$skiptoken"))), token: tok})
					checkError(t, bad, 400, "invalidRequest")
				}
				next = p.Next
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: paged ids %v, want %v", tt.path, got, tt.want)
			}
		}
	})
}

func mustFloat(s string) float64 {
	var f float64
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		panic(err)
	}
	return f
}

// TestGetPatchDelete: in each collection, GET an item (with @odata.context and $select),
// PATCH as a merge (204, or 200 with the record for Prefer: return=representation), PATCHes
// that must not change the record, the order following a PATCH, DELETE 204 and then 404.
func TestGetPatchDelete(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	eachCollection(t, func(t *testing.T, c *collection) { testGetPatchDelete(t, w, c) })
}

func testGetPatchDelete(t *testing.T, w *worker, c *collection) {
	user, tok := w.delegated(t, "item")
	f := [3]string{"Word", "Site", "microsoft.graph.driveItem"}
	k1 := ""
	if c.key1Path != "" {
		k1 = quote("2019-01-01T00:00:00Z")
	}
	w.createIn(t, c, tok, c.item("x1", c.at(2020), k1, f, "Old"))
	w.createIn(t, c, tok, c.item("x2", c.at(2023), "", f, "Other"))
	get := func(t *testing.T) map[string]any {
		t.Helper()
		r := w.do(t, req{method: "GET", path: c.path("/x1"), token: tok})
		if r.status != 200 {
			t.Fatalf("%v", r)
		}
		m := decode(t, r.body)
		delete(m, "@odata.context")
		return m
	}
	path := func(m map[string]any, p string) string {
		var v any = m
		for _, k := range strings.Split(p, ".") {
			o, _ := v.(map[string]any)
			v = o[k]
		}
		return fmt.Sprint(v)
	}
	patchKey0 := func(v string) string { return patchKey0Of(c, v) }
	at2024 := c.at(2024)
	var stored2024 string // the first order key after the PATCH, as the record has it
	if c == trendingColl {
		stored2024 = "2024.5"
	} else {
		stored2024 = "2024-01-01T00:00:00Z"
	}

	r := w.do(t, req{method: "GET", path: "/localtest" + c.path("/x1?$select=resourceReference"), token: tok})
	checkAPIHeaders(t, r)
	m := decode(t, r.body)
	if want := w.base + "/localtest/$metadata#users('" + user + "')/insights/" + c.name + "(id,resourceReference)/$entity"; r.status != 200 || m["@odata.context"] != want || m["id"] != "x1" || m[c.key0] != nil || path(m, "resourceReference.id") != "ref-Old" {
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
		{"representation", req{body: patchKey0(at2024), header: map[string]string{"Prefer": "return=representation"}}, 200, c.sibling + "=" + c.siblingValue},
		{"invalid member", req{body: patchKey0(c.badKey0)}, 400, c.key0Path + "=" + stored2024},
		{"merged record invalid", req{body: `{"resourceReference":{"id":null,"webUrl":null}}`}, 400, "resourceReference.id=ref-Old"},
		{"id cannot change", req{body: `{"id":"x3"}`}, 400, "id=x1"},
		{"unknown member", req{body: `{"nope":1}`}, 400, "resourceVisualization.title=New"},
		{"another collection's member", req{body: patchKey0Of(c.other(), c.other().at(2025))}, 400, c.key0Path + "=" + stored2024},
		{"not JSON", req{body: `{`}, 400, "resourceVisualization.title=New"},
		{"unknown record", req{path: c.path("/x9"), body: `{}`}, 404, "id=x1"},
		{"query option", req{path: c.path("/x1?$select=id"), body: `{}`}, 400, "id=x1"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			rq := tt.r
			rq.method, rq.token = "PATCH", tok
			if rq.path == "" {
				rq.path = c.path("/x1")
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
				e := checkError(t, r, tt.status, code)
				if tt.desc == "invalid member" && (len(e.Error.Details) != 1 || e.Error.Details[0].Target != c.badKey0Target) {
					t.Errorf("details %+v, want one with target %s", e.Error.Details, c.badKey0Target)
				}
			}
			p, want, _ := strings.Cut(tt.check, "=")
			if got := path(get(t), p); got != want {
				t.Errorf("after it, %s = %v, want %q", p, got, want)
			}
		})
	}

	// x1's first order key is now 2024: it lists before x2.
	if p, _ := getList(t, w, tok, c.path("")); !slices.Equal(p.ids(), []string{"x1", "x2"}) {
		t.Errorf("order after PATCH: %v", p.ids())
	}
	r = w.do(t, req{method: "DELETE", path: c.path("/x1"), token: tok})
	checkAPIHeaders(t, r)
	if r.status != 204 || len(r.body) != 0 {
		t.Errorf("DELETE: %v", r)
	}
	e := checkError(t, w.do(t, req{method: "DELETE", path: c.path("/x1"), token: tok}), 404, "itemNotFound")
	if !strings.Contains(e.Error.Message, c.noun) {
		t.Errorf("404 message %q does not name a %s", e.Error.Message, c.noun)
	}
	checkError(t, w.do(t, req{method: "GET", path: c.path("/x1"), token: tok}), 404, "itemNotFound")
	checkError(t, w.do(t, req{method: "PATCH", path: c.path("/x1"), body: `{}`, token: tok}), 404, "itemNotFound")
	if p, _ := getList(t, w, tok, c.path("?$count=true")); !slices.Equal(p.ids(), []string{"x2"}) || p.Count == nil || p.Count.String() != "1" {
		t.Errorf("after DELETE: %v count %v", p.ids(), p.Count)
	}
}

// foreignFilter is a $filter property of another collection that c does not have.
func foreignFilter(c *collection) string {
	for _, o := range collections {
		if o.filters[2] != c.filters[2] {
			return o.filters[2]
		}
	}
	panic("every collection filters on the same properties")
}

// patchKey0Of is a PATCH body of collection c that sets its first order key to v.
func patchKey0Of(c *collection, v string) string {
	parts := strings.Split(c.key0Path, ".")
	body := v
	for i := len(parts) - 1; i >= 0; i-- {
		body = `{"` + parts[i] + `":` + body + `}`
	}
	return body
}

func gzipped(b []byte) string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.String()
}

// TestErrors: in each collection, every documented 4xx of the API in Graph's error envelope.
// (Bodies the Worker reads only in part, such as a gzip bomb, are in TestHostileInputs, on an
// instance of their own.)
func TestErrors(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	eachCollection(t, func(t *testing.T, c *collection) { testErrors(t, w, c) })
}

func testErrors(t *testing.T, w *worker, c *collection) {
	_, tok := w.delegated(t, "errors")
	f := [3]string{"Word", "Site", "microsoft.graph.driveItem"}
	item := func(id string, year int, title string) string { return c.item(id, c.at(year), "", f, title) }
	w.createIn(t, c, tok, item("taken", 2020, "T"))
	big := item("", 2020, strings.Repeat("x", 70000))
	seed := c.seedOf(t)
	seedGz := gzipped([]byte(seed))
	gz := map[string]string{"Content-Encoding": "gzip"}
	col := c.path("")
	// Payloads with one problem in the first order key, and with problems everywhere.
	oneProblem := strings.Replace(item("", 2020, "T"), c.at(2020), c.badKey0, 1)
	everywhere := `{` + strings.TrimSuffix(strings.TrimPrefix(patchKey0Of(c, c.badKey0), "{"), "}") +
		`,"resourceVisualization":{"previewImageUrl":"javascript:alert(1)"},"resourceReference":{},"x":1}`
	otherType := strings.Replace(item("", 2020, "T"), `{`, `{"@odata.type":"#microsoft.graph.`+c.other().typeName+`",`, 1)
	ownType := strings.Replace(item("", 2020, "T"), `{`, `{"@odata.type":"#microsoft.graph.`+c.typeName+`",`, 1)
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
	detailTargets := func(want string) func(*testing.T, gErr) {
		return func(t *testing.T, e gErr) {
			for _, d := range e.Error.Details {
				if d.Target == want {
					return
				}
			}
			t.Errorf("no detail names %q: %+v", want, e.Error.Details)
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
		{"invalid payload lists every problem", req{method: "POST", path: col, body: everywhere}, 400, "invalidRequest",
			targets(c.badKey0Target, "resourceVisualization.previewImageUrl", "resourceReference", "x"), ""},
		{"one problem", req{method: "POST", path: "/v1.0" + col, body: oneProblem}, 400, "invalidRequest",
			func(t *testing.T, e gErr) {
				targets(c.badKey0Target)(t, e)
				target(c.badKey0Target)(t, e)
			}, ""},
		{"another collection's @odata.type", req{method: "POST", path: col, body: otherType}, 400, "invalidRequest", detailTargets("@odata.type"), ""},
		{"another collection's item", req{method: "POST", path: col, body: c.other().item("", c.other().at(2020), "", f, "T")}, 400, "invalidRequest", detailTargets(c.other().key0), ""},
		{"malformed JSON", req{method: "POST", path: col, body: `{"lastUsed": `}, 400, "invalidRequest", messageHas("Unable to read JSON request payload"), ""},
		{"duplicate member", req{method: "POST", path: col, body: `{"id":"a","id":"b"}`}, 400, "invalidRequest", nil, ""},
		{"empty body", req{method: "POST", path: col, header: map[string]string{"Content-Type": "application/json"}}, 400, "invalidRequest", nil, ""},
		{"$top too large", req{method: "GET", path: col + "?$top=1000"}, 400, "invalidRequest", target("$top"), ""},
		{"$top zero", req{method: "GET", path: col + "?$top=0"}, 400, "invalidRequest", target("$top"), ""},
		{"$top not a number", req{method: "GET", path: col + "?$top=ten"}, 400, "invalidRequest", target("$top"), ""},
		{"$skip", req{method: "GET", path: col + "?$skip=1"}, 400, "invalidRequest", messageHas("$skip"), ""},
		{"$expand", req{method: "GET", path: col + "?$expand=resource"}, 400, "invalidRequest", messageHas("$expand"), ""},
		{"$filter on another property", req{method: "GET", path: col + "?$filter=id%20eq%20'x'"}, 400, "invalidRequest", messageHas(c.filters[2]), ""},
		{"$filter on another collection's property", req{method: "GET", path: col + "?$filter=" + url.QueryEscape(foreignFilter(c)+" eq 'x'")}, 400, "invalidRequest", target("$filter"), ""},
		{"$orderby on another property", req{method: "GET", path: col + "?$orderby=id"}, 400, "invalidRequest", messageHas(c.orders[0]), ""},
		{"$orderby on another collection's property", req{method: "GET", path: col + "?$orderby=" + url.QueryEscape(c.other().orders[0])}, 400, "invalidRequest", target("$orderby"), ""},
		{"$select of another collection's member", req{method: "GET", path: col + "?$select=" + c.other().key0}, 400, "invalidRequest", messageHas(c.typeName), ""},
		{"garbage $skiptoken", req{method: "GET", path: col + "?$skiptoken=garbage"}, 400, "invalidRequest", target("$skiptoken"), ""},
		{"$top on $count", req{method: "GET", path: col + "/$count?$top=1"}, 400, "invalidRequest", nil, ""},
		{"bad id", req{method: "GET", path: col + "/a%20b"}, 400, "invalidRequest", nil, ""},
		{"encoded slash in id", req{method: "DELETE", path: col + "/a%2Fb"}, 400, "invalidRequest", nil, ""},
		{"bad id in the payload", req{method: "POST", path: col, body: item("a b", 2020, "T")}, 400, "invalidRequest", targets("id"), ""},
		{"duplicate id", req{method: "POST", path: col, body: item("taken", 2021, "T")}, 409, "nameAlreadyExists", messageHas(c.noun), ""},
		{"over 64 KiB", req{method: "POST", path: col, body: big}, 413, "invalidRequest", nil, ""},
		{"text/plain", req{method: "POST", path: col, body: seed, header: map[string]string{"Content-Type": "text/plain"}}, 415, "invalidRequest", nil, ""},
		{"charset utf-16", req{method: "POST", path: col, body: seed, header: map[string]string{"Content-Type": "application/json; charset=utf-16"}}, 415, "invalidRequest", nil, ""},
		{"brotli", req{method: "POST", path: col, body: seed, header: map[string]string{"Content-Encoding": "br"}}, 415, "invalidRequest", nil, ""},
		{"corrupt gzip", req{method: "POST", path: col, body: "\x1f\x8b\x08\x00garbage", header: gz}, 400, "invalidRequest", nil, ""},
		{"truncated gzip", req{method: "POST", path: col, body: seedGz[:len(seedGz)/2], header: gz}, 400, "invalidRequest", nil, ""},
		{"not gzip at all", req{method: "POST", path: col, body: seed, header: gz}, 400, "invalidRequest", nil, ""},
		{"unknown collection", req{method: "GET", path: "/me/insights/popular"}, 404, "itemNotFound", nil, ""},
		{"collection name in another case", req{method: "GET", path: "/me/insights/" + strings.ToUpper(c.name)}, 404, "itemNotFound", nil, ""},
		{"unknown segment", req{method: "GET", path: col + "/abc/resource"}, 404, "itemNotFound", nil, ""},
		{"unknown version", req{method: "GET", path: "/v2.0" + col}, 404, "itemNotFound", nil, ""},
		{"root API path", req{method: "GET", path: "/v1.0"}, 404, "itemNotFound", nil, ""},
		{"no such record", req{method: "GET", path: col + "/nope"}, 404, "itemNotFound", messageHas(c.noun), ""},
		{"another collection's record", req{method: "GET", path: c.other().path("/taken")}, 404, "itemNotFound", nil, ""},
		{"PUT an item", req{method: "PUT", path: col + "/taken", body: seed}, 405, "notAllowed", nil, "GET, PATCH, DELETE, OPTIONS"},
		{"DELETE the collection", req{method: "DELETE", path: col}, 405, "notAllowed", nil, "GET, POST, OPTIONS"},
		{"POST $count", req{method: "POST", path: "/v1.0" + col + "/$count", body: seed}, 405, "notAllowed", nil, "GET, OPTIONS"},
		{"GET $ref", req{method: "GET", path: col + "/$ref"}, 405, "notAllowed", nil, "POST, OPTIONS"},
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

	// Nothing above created or changed a record; a gzip-compressed seed does, and so does the
	// collection's own @odata.type.
	if r := w.do(t, req{method: "GET", path: c.path("/$count"), token: tok}); string(r.body) != "1" {
		t.Errorf("count after the errors: %v", r)
	}
	if r := w.do(t, req{method: "POST", path: col, body: ownType, token: tok}); r.status != 201 {
		t.Errorf("create with the collection's own @odata.type: %v", r)
	}
	r := w.do(t, req{method: "POST", path: col, body: seedGz, token: tok, header: gz})
	if r.status != 201 {
		t.Fatalf("gzip-compressed seed: %v", r)
	}
	got := decode(t, r.body)
	delete(got, "id")
	if !sameJSON(got, decode(t, []byte(seed))) {
		t.Errorf("gzip-compressed seed stored as %s", r.body)
	}
	if g := w.do(t, req{method: "GET", path: r.header.Get("Location"), token: tok}); g.status != 200 {
		t.Errorf("GET the gzip-created record: %v", g)
	}
}
