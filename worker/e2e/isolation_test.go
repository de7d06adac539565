//go:build e2e

package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestIsolation is the matrix of who may touch whose records: a delegated user (bob) tries
// every route, under every version prefix, with every list query option, directly and inside
// $batch, on another user's (alice's) records: by /me (his own records: never hers) and by
// /users/{alice} (403). Users whose names are crafted to look like alice's, or like a piece of
// the storage layout, see nothing of hers either. At the end alice's records, listed in every
// order and counted, are exactly what they were.
//
// It runs in each collection.
func TestIsolation(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	eachCollection(t, func(t *testing.T, c *collection) { testIsolation(t, w, c) })
}

func testIsolation(t *testing.T, w *worker, c *collection) {
	alice := newUser("alice")
	upn := alice + "@Contoso.com"
	sign := func(claims map[string]any) string { return w.sign(claims, time.Hour, time.Now()) }
	aliceTok := sign(map[string]any{"sub": alice, "upn": upn, "scp": "Sites.ReadWrite.All"})
	bobTok := sign(map[string]any{"sub": newUser("bob"), "scp": "Sites.ReadWrite.All"})
	k1 := func(date string) string {
		if c.key1Path == "" || date == "" {
			return ""
		}
		return quote(date)
	}
	w.createIn(t, c, aliceTok, c.item("shared-id", c.at(2020), k1("2019-01-01T00:00:00Z"), [3]string{"Word", "Site", "microsoft.graph.driveItem"}, "Alice1"))
	w.createIn(t, c, aliceTok, c.item("alice-2", c.at(2021), k1("2018-01-01T00:00:00Z"), [3]string{"Excel", "Mail", "microsoft.graph.message"}, "Alice2"))
	w.createIn(t, c, aliceTok, c.item("a.b~c_d-e", c.at(2022), "", [3]string{"Pdf", "OneDriveBusiness", "microsoft.graph.driveItem"}, "Alice3"))
	before := view(t, w, c, aliceTok)
	col := "/insights/" + c.name
	next := w.do(t, req{method: "GET", path: c.path("?$top=1"), token: aliceTok})
	var page struct {
		Next string `json:"@odata.nextLink"`
	}
	if json.Unmarshal(next.body, &page); page.Next == "" {
		t.Fatalf("alice's first page of one has no nextLink: %v", next)
	}
	skiptoken, _ := url.ParseQuery(page.Next[strings.Index(page.Next, "?")+1:])

	lists := []string{"", "?$count=true", "?$top=1", "?$top=999"}
	for _, o := range c.orders {
		lists = append(lists, "?$orderby="+o+"%20asc", "?$orderby="+o+"%20desc")
	}
	lastOrder := c.orders[len(c.orders)-1]
	lists = append(lists, "?$filter="+c.filters[0]+"%20eq%20'Excel'", "?$filter="+strings.ToLower(c.filters[1])+"%20eq%20'Site'",
		"?$filter="+c.filters[2]+"%20eq%20'microsoft.graph.driveItem'%20and%20"+c.filters[0]+"%20eq%20'Word'",
		"?$select=id,resourceVisualization", "?$count=true&$top=1&$orderby="+lastOrder+"%20asc&$select="+c.key0)
	ids := []string{"shared-id", "alice-2", "a.b~c_d-e"}
	patch := `{"resourceVisualization":{"title":"Bob was here"}}`
	// ops are every request bob can make on a collection path (…/insights/used).
	type op struct{ method, suffix, body string }
	var ops []op
	for _, q := range lists {
		ops = append(ops, op{"GET", q, ""})
	}
	ops = append(ops, op{"GET", "/$count", ""}, op{"GET", "/$count?$filter=" + c.filters[0] + "%20eq%20'Excel'", ""})
	for _, id := range ids {
		ops = append(ops, op{"GET", "/" + id, ""}, op{"GET", "/" + id + "?$select=resourceVisualization", ""},
			op{"PATCH", "/" + id, patch}, op{"PATCH", "/" + id, `{}`}, op{"DELETE", "/" + id, ""})
	}
	// Creates are tried only on alice's path: bob's own records would change what /me shows.
	bobs := [3]string{"Word", "Site", "microsoft.graph.driveItem"}
	creates := []op{{"POST", "", c.item("shared-id", c.at(2023), "", bobs, "Bob")}, {"POST", "/$ref", c.item("alice-2", c.at(2023), "", bobs, "Bob")}}

	// want is what bob gets for an op through /me (mine) or through alice's user path.
	want := func(o op, mine bool) (int, string) {
		switch {
		case !mine:
			return 403, "accessDenied"
		case o.method == "GET" && (o.suffix == "" || o.suffix[0] == '?' || strings.HasPrefix(o.suffix, "/$count")):
			return 200, ""
		default:
			return 404, "itemNotFound"
		}
	}
	// check judges one answer: a 200 list or count of bob's may hold only his own records.
	check := func(desc string, o op, mine bool, status int, body []byte) {
		t.Helper()
		ws, code := want(o, mine)
		if status != ws {
			t.Errorf("%s: %d %.300s, want %d", desc, status, body, ws)
			return
		}
		if strings.Contains(string(body), "Alice") {
			t.Errorf("%s: answer has alice's data: %.300s", desc, body)
		}
		if code != "" {
			var e gErr
			if json.Unmarshal(body, &e) != nil || e.Error.Code != code {
				t.Errorf("%s: %.300s, want error %s", desc, body, code)
			}
		}
		if o.suffix == "/$count" && status == 200 && string(body) != "0" {
			t.Errorf("%s: bob counts %s", desc, body)
		}
	}
	paths := []struct {
		base string
		mine bool
	}{
		{"/me" + col, true},
		{"/users/" + alice + col, false},
		{"/users/" + url.PathEscape(upn) + col, false},
		{"/users/" + url.PathEscape(strings.ToUpper(upn)) + col, false},
	}
	n := 0
	var batch []string
	var batchOps []struct {
		desc string
		o    op
		mine bool
	}
	for _, prefix := range []string{"", "/v1.0", "/beta", "/localtest"} {
		for _, p := range paths {
			all := ops
			if !p.mine {
				all = append(slices.Clip(ops), creates...)
			}
			for _, o := range all {
				path := prefix + p.base + o.suffix
				desc := o.method + " " + path
				r := w.do(t, req{method: o.method, path: path, body: o.body, token: bobTok})
				check(desc, o, p.mine, r.status, r.body)
				n++
				// The same request in a $batch, with a relative URL as Graph's SDKs send it.
				item := map[string]any{"id": fmt.Sprint(len(batch)), "method": o.method, "url": strings.TrimPrefix(p.base+o.suffix, "/")}
				if o.body != "" {
					item["body"] = json.RawMessage(o.body)
					item["headers"] = map[string]string{"Content-Type": "application/json"}
				}
				b, _ := json.Marshal(item)
				batch = append(batch, string(b))
				batchOps = append(batchOps, struct {
					desc string
					o    op
					mine bool
				}{"$batch " + desc, o, p.mine})
			}
		}
	}
	// A batch holds at most 20 requests; their ids are their places in batchOps.
	for start := 0; start < len(batch); start += 20 {
		k := min(20, len(batch)-start)
		r := w.do(t, req{method: "POST", path: "/v1.0/$batch", body: `{"requests":[` + strings.Join(batch[start:start+k], ",") + `]}`, token: bobTok})
		responses := batchResponses(t, r)
		if len(responses) != k {
			t.Fatalf("$batch: %d answers to %d requests: %v", len(responses), k, r)
		}
		for _, x := range responses {
			var i int
			fmt.Sscan(x.ID, &i)
			bo := batchOps[i]
			body := []byte(x.Body)
			var err error
			var s string
			if json.Unmarshal(x.Body, &s) == nil { // $count: text/plain, base64-encoded as Graph does
				if body, err = base64.StdEncoding.DecodeString(s); err != nil {
					t.Errorf("%s: body %s", bo.desc, x.Body)
				}
			}
			check(bo.desc, bo.o, bo.mine, x.Status, body)
			n++
		}
	}

	// Alice's page token is bound to her: for bob it is a bad $skiptoken, directly and in a batch.
	tokenQuery := "?$top=1&$skiptoken=" + url.QueryEscape(skiptoken.Get("$skiptoken"))
	checkError(t, w.do(t, req{method: "GET", path: c.path(tokenQuery), token: bobTok}), 400, "invalidRequest")
	r := w.do(t, req{method: "POST", path: "/$batch", token: bobTok,
		body: `{"requests":[{"id":"1","method":"GET","url":"me` + col + tokenQuery + `"},` +
			`{"id":"2","method":"DELETE","url":"/users/` + alice + col + `/shared-id","dependsOn":["1"]},` +
			`{"id":"3","method":"GET","url":"/users/` + alice + col + `/shared-id","headers":{"Authorization":"Bearer ` + bobTok + `"}}]}`})
	if got := batchStatuses(t, r); got != "1:400 2:424 3:403" {
		t.Errorf("bob's batch with alice's page token: %s", got)
	}

	// Users whose names are crafted from alice's, or from the storage layout, are not alice.
	for _, sub := range []string{alice + "/", alice + "/r", alice + "/r/shared-id", alice + "\x00", " " + alice, strings.ToUpper(alice),
		alice + "/../" + alice, "u/" + alice, "../" + alice, alice + "%2F", upn} {
		tok := sign(map[string]any{"sub": sub, "scp": "Sites.ReadWrite.All"})
		desc := fmt.Sprintf("user %q", sub)
		for _, o := range []op{{"GET", "?$count=true", ""}, {"GET", "/$count", ""}, {"GET", "/shared-id", ""}, {"DELETE", "/alice-2", ""}, {"PATCH", "/a.b~c_d-e", patch}} {
			r := w.do(t, req{method: o.method, path: c.path(o.suffix), body: o.body, token: tok})
			n++
			if r.status == 401 { // a name the service does not take is no way in either
				checkError(t, r, 401, "InvalidAuthenticationToken")
				continue
			}
			check(desc+": "+o.method+" "+c.path(o.suffix), o, true, r.status, r.body)
		}
		if r := w.do(t, req{method: "GET", path: "/users/" + url.PathEscape(sub) + col, token: bobTok}); r.status != 403 && r.status != 400 && r.status != 404 {
			t.Errorf("bob reading user %q: %v", sub, r)
		}
	}
	t.Logf("%d requests of bob's and look-alike users; none saw or changed alice's records", n)

	// Bob's record with alice's id is his own: a 201, not a 409; hers stays as it was.
	if r := w.do(t, req{method: "POST", path: c.path(""), body: creates[0].body, token: bobTok}); r.status != 201 {
		t.Errorf("bob creating his shared-id: %v", r)
	}
	if r := w.do(t, req{method: "GET", path: c.path("/shared-id"), token: bobTok}); r.status != 200 || !strings.Contains(string(r.body), `"Bob"`) {
		t.Errorf("bob reading his shared-id: %v", r)
	}
	if after := view(t, w, c, aliceTok); after != before {
		t.Errorf("alice's records changed:\n%s\nwere\n%s", after, before)
	}
	// Alice's records of this collection are not in her others.
	for _, o := range collections {
		if o == c {
			continue
		}
		if r := w.do(t, req{method: "GET", path: o.path("/shared-id"), token: aliceTok}); r.status != 404 {
			t.Errorf("alice's %s record read through %s: %v", c.name, o.name, r)
		}
		if r := w.do(t, req{method: "GET", path: o.path("/$count"), token: aliceTok}); r.status != 200 || string(r.body) != "0" {
			t.Errorf("alice's %s count: %v", o.name, r)
		}
	}
}

// view is everything a user can read of their records of c: every order in full, and the
// count.
func view(t *testing.T, w *worker, c *collection, tok string) string {
	t.Helper()
	var b strings.Builder
	queries := []string{""}
	for _, o := range c.orders {
		queries = append(queries, "?$orderby="+o+"%20asc", "?$orderby="+o+"%20desc")
	}
	for _, q := range queries {
		r := w.do(t, req{method: "GET", path: c.path(q), token: tok})
		var p struct {
			Value []json.RawMessage `json:"value"`
		}
		if r.status != 200 || json.Unmarshal(r.body, &p) != nil {
			t.Fatalf("listing: %v", r)
		}
		for _, v := range p.Value {
			b.Write(v)
			b.WriteByte('\n')
		}
	}
	r := w.do(t, req{method: "GET", path: c.path("/$count"), token: tok})
	b.WriteString("count " + string(r.body))
	return b.String()
}

// batchResponse is one answer inside a $batch answer.
type batchResponse struct {
	ID     string          `json:"id"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// batchResponses decodes a $batch answer, which must be a 200.
func batchResponses(t *testing.T, r *resp) []batchResponse {
	t.Helper()
	var res struct {
		Responses []batchResponse `json:"responses"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &res) != nil {
		t.Fatalf("$batch: %v", r)
	}
	return res.Responses
}

// batchStatuses returns "id:status ..." of a $batch answer, in the order of the responses.
func batchStatuses(t *testing.T, r *resp) string {
	t.Helper()
	var s []string
	for _, x := range batchResponses(t, r) {
		s = append(s, fmt.Sprintf("%s:%d", x.ID, x.Status))
	}
	return strings.Join(s, " ")
}
