package api

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// step is one request of a scenario and what its answer must hold.
type step struct {
	desc   string
	c      call
	status int
	// checks are "path=raw" (the gjson path of the body has exactly that raw JSON),
	// "path~text" (its string holds text), "!path" (absent) or "header:Name=value".
	checks []string
}

// run sends the steps in order to h.
func run(t *testing.T, h *Handler, steps []step) {
	t.Helper()
	for _, s := range steps {
		w := do(t, h, s.c)
		b := w.Body.String()
		if w.Code != s.status {
			t.Errorf("%s: %s %s: status %d, want %d: %s", s.desc, s.c.method, s.c.url, w.Code, s.status, b)
			continue
		}
		for _, c := range s.checks {
			switch {
			case strings.HasPrefix(c, "header:"):
				name, want, _ := strings.Cut(strings.TrimPrefix(c, "header:"), "=")
				if got := w.Header().Get(name); got != want {
					t.Errorf("%s: header %s %q, want %q", s.desc, name, got, want)
				}
			case strings.HasPrefix(c, "!"):
				if r := gjson.Get(b, c[1:]); r.Exists() {
					t.Errorf("%s: %s is %s, want it absent", s.desc, c[1:], r.Raw)
				}
			default:
				i := operator(c)
				path, want := c[:i], c[i+1:]
				if c[i] == '=' {
					if got := gjson.Get(b, path).Raw; got != want {
						t.Errorf("%s: %s = %s, want %s (body %.600s)", s.desc, path, got, want, b)
					}
				} else if got := gjson.Get(b, path).String(); !strings.Contains(got, want) {
					t.Errorf("%s: %s = %q, want it to hold %q", s.desc, path, got, want)
				}
			}
		}
	}
}

// operator returns the index of a check's = or ~: the first outside the parentheses of a gjson
// query.
func operator(check string) int {
	depth := 0
	for i, c := range check {
		switch {
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && (c == '=' || c == '~'):
			return i
		}
	}
	panic("no = or ~ in check " + check)
}

// graphItem is the item of Graph's documentation of a collection's list, without its id.
func graphItem(t *testing.T, collection string) string {
	t.Helper()
	b, err := os.ReadFile("../insight/testdata/graph/docs-v1.0-list-" + collection + ".response.json")
	if err != nil {
		t.Fatal(err)
	}
	item, _ := sjson.Delete(gjson.GetBytes(b, "value.0").Raw, "id")
	return item
}

// trendingItem is a valid trending item: weight and lastModifiedDateTime are raw JSON ("" for
// none).
func trendingItem(id, weight, modified, typ string) string {
	s := `{"weight":` + weight + `,"resourceVisualization":{"title":"T","type":"` + typ + `","containerType":"Site"},"resourceReference":{"id":"r","type":"microsoft.graph.driveItem"}}`
	if modified != "" {
		s, _ = sjson.SetRaw(s, "lastModifiedDateTime", modified)
	}
	return withID(s, id)
}

// withID puts "id" first in the item, when id is not "".
func withID(item, id string) string {
	if id == "" {
		return item
	}
	return `{"id":"` + id + `",` + item[1:]
}

// sharedItem is a valid shared insight, shared at the instant by the address.
func sharedItem(id, at, address, typ string) string {
	return withID(`{"lastShared":{"sharedDateTime":"`+at+`","sharingType":"Direct","sharedBy":{"address":"`+address+`","displayName":"D"},"sharingReference":{}},`+
		`"resourceVisualization":{"title":"T","type":"`+typ+`","containerType":"OneDriveBusiness"},"resourceReference":{"webUrl":"https://contoso.example/x","type":"microsoft.graph.driveItem"}}`, id)
}

func TestTrending(t *testing.T) {
	h := server(t)
	const col = "/me/insights/trending"
	ctx := "http://api.test/$metadata#users('alice-oid')/insights/trending"
	rep := map[string]string{"Prefer": "return=representation"}
	run(t, h, []step{
		{"Graph's item, weight as a string", call{method: "POST", url: "/v1.0" + col, body: graphItem(t, "trending")}, 201,
			[]string{`id="gen001"`, `weight=0.1583399742569597`, `resourceVisualization.title="LiveCaptions"`, "header:Location=http://api.test/v1.0" + col + "/gen001"}},
		{"$ref, weight a string of an integer", call{method: "POST", url: col + "/$ref", body: trendingItem("w100", `"100"`, `"2020-01-01T00:00:00Z"`, "Excel")}, 201, []string{`weight=100`}},
		{"weight a number", call{method: "POST", url: col, body: trendingItem("w2", `2`, `"2023-01-01T00:00:00Z"`, "Word")}, 201, []string{`weight=2`}},
		{"weight negative", call{method: "POST", url: col, body: trendingItem("wneg", `-1.5`, `"2021-01-01T00:00:00+05:00"`, "Word")}, 201, nil},
		{"weight -0 as a string", call{method: "POST", url: col, body: trendingItem("wzero", `"-0"`, "", "Word")}, 201, nil},
		{"duplicate id", call{method: "POST", url: col, body: trendingItem("w2", `3`, "", "Word")}, 409, []string{`error.code="nameAlreadyExists"`, "error.message~trending item with id 'w2'"}},
		{"weight \"abc\"", call{method: "POST", url: col, body: trendingItem("", `"abc"`, "", "Word")}, 400, []string{`error.details.#=1`, `error.details.0.target="weight"`}},
		{"weight 1e400", call{method: "POST", url: col, body: trendingItem("", `1e400`, "", "Word")}, 400, []string{`error.details.0.target="weight"`}},
		{"weight null", call{method: "POST", url: col, body: trendingItem("", `null`, "", "Word")}, 400, []string{`error.details.0.target="weight"`}},
		{"a used insight", call{method: "POST", url: col, body: insightAt("2020-01-01T00:00:00Z")}, 400, []string{`error.details.#(target=="weight").target="weight"`, `error.details.#(target=="lastUsed").target="lastUsed"`}},
		{"@odata.type of used", call{method: "POST", url: col, body: `{"@odata.type":"#microsoft.graph.usedInsight",` + trendingItem("x", "1", "", "Word")[1:]}, 400,
			[]string{`error.details.#(target=="@odata.type").code="invalidODataType"`}},
		{"@odata.type its own", call{method: "POST", url: col, body: `{"@odata.type":"#microsoft.graph.trending",` + trendingItem("own", "-5", "", "Pdf")[1:]}, 201, nil},
		{"default order: weight desc", call{method: "GET", url: col}, 200,
			[]string{`value.#.id=["w100","w2","gen001","wzero","wneg","own"]`, `\@odata\.context="` + ctx + `"`, `!\@odata\.nextLink`}},
		{"weight asc", call{method: "GET", url: col + "?$orderby=WEIGHT%20asc"}, 200, []string{`value.#.id=["own","wneg","wzero","gen001","w2","w100"]`}},
		{"lastModifiedDateTime desc", call{method: "GET", url: col + "?$orderby=lastmodifieddatetime%20desc"}, 200,
			[]string{`value.#.id=["w2","wneg","w100","gen001","own","wzero"]`}},
		{"lastModifiedDateTime asc", call{method: "GET", url: col + "?$orderby=lastModifiedDateTime"}, 200,
			[]string{`value.#.id=["gen001","own","wzero","w100","wneg","w2"]`}},
		{"$filter type", call{method: "GET", url: col + "?$filter=resourceVisualization/type%20eq%20'excel'&$count=true"}, 200, []string{`value.#.id=["w100"]`, `\@odata\.count=1`}},
		{"$filter container and reference", call{method: "GET", url: col + "?$filter=ResourceVisualization/containerType%20eq%20'site'%20and%20resourceReference/type%20eq%20'microsoft.graph.driveItem'&$top=2"}, 200,
			[]string{`value.#.id=["w100","w2"]`, `\@odata\.nextLink~$skiptoken=`}},
		{"$count with a filter", call{method: "GET", url: col + "/$count?$filter=ResourceVisualization/Type%20eq%20'Word'"}, 200, nil},
		{"$select", call{method: "GET", url: col + "?$select=weight&$top=1"}, 200, []string{`\@odata\.context="` + ctx + `(id,weight)"`, `value.0={"id":"w100","weight":100}`}},
		{"$orderby of used", call{method: "GET", url: col + "?$orderby=LastUsed/LastAccessedDateTime"}, 400, []string{`error.target="$orderby"`, "error.message~use weight or lastModifiedDateTime"}},
		{"$filter of shared", call{method: "GET", url: col + "?$filter=lastShared/sharedBy/address%20eq%20'x'"}, 400, []string{`error.target="$filter"`, "error.message~resourceReference/type"}},
		{"$select of used", call{method: "GET", url: col + "?$select=lastUsed"}, 400, []string{"error.message~microsoft.graph.trending"}},
		{"get", call{method: "GET", url: col + "/w2"}, 200, []string{`\@odata\.context="` + ctx + `/$entity"`, `weight=2`}},
		{"PATCH weight as a string", call{method: "PATCH", url: col + "/w2", body: `{"weight":"7.25"}`, header: rep}, 200, []string{`weight=7.25`, `lastModifiedDateTime="2023-01-01T00:00:00Z"`}},
		{"PATCH weight invalid", call{method: "PATCH", url: col + "/w2", body: `{"weight":"abc"}`}, 400, []string{`error.details.0.target="weight"`}},
		{"PATCH weight null", call{method: "PATCH", url: col + "/w2", body: `{"weight":null}`}, 400, []string{`error.details.0.target="weight"`}},
		{"PATCH a used member", call{method: "PATCH", url: col + "/w2", body: `{"lastUsed":{"lastAccessedDateTime":"2020-01-01T00:00:00Z"}}`}, 400, nil},
		{"PATCH moves it", call{method: "PATCH", url: col + "/wneg", body: `{"weight":1000}`}, 204, nil},
		{"order after PATCH", call{method: "GET", url: col + "?$select=id"}, 200, []string{`value.#.id=["wneg","w100","w2","gen001","wzero","own"]`}},
		{"delete", call{method: "DELETE", url: col + "/wneg"}, 204, nil},
		{"gone", call{method: "GET", url: col + "/wneg"}, 404, []string{"error.message~trending item 'wneg'"}},
		{"HEAD", call{method: "HEAD", url: col}, 200, nil},
		{"PUT", call{method: "PUT", url: col, body: `{}`}, 405, []string{"header:Allow=GET, POST, OPTIONS", "error.message~trending items"}},
		{"PUT an item", call{method: "PUT", url: col + "/w2", body: `{}`}, 405, []string{"header:Allow=GET, PATCH, DELETE, OPTIONS", "error.message~a trending item"}},
		{"OPTIONS", call{method: "OPTIONS", url: col + "/$count", header: map[string]string{"Origin": "http://api.test", "Access-Control-Request-Method": "GET"}}, 204, []string{"header:Allow=GET, OPTIONS"}},
		{"/users/{id}", call{method: "GET", url: "/users/alice-oid/insights/trending?$select=id"}, 200, []string{`value.#.id=["w100","w2","gen001","wzero","own"]`}},
		{"not in used", call{method: "GET", url: "/me/insights/used/w2"}, 404, nil},
		{"not in shared", call{method: "GET", url: "/me/insights/shared/$count"}, 200, nil},
	})
	if w := do(t, h, call{method: "GET", url: col + "/$count"}); w.Body.String() != "5" {
		t.Errorf("count %s", w.Body)
	}
	if w := do(t, h, call{method: "GET", url: "/me/insights/used/$count"}); w.Body.String() != "0" {
		t.Errorf("used count %s", w.Body)
	}
}

func TestShared(t *testing.T) {
	h := server(t)
	const col = "/me/insights/shared"
	ctx := "http://api.test/$metadata#users('alice-oid')/insights/shared"
	history := `,"sharingHistory":[{"sharedDateTime":"2019-01-01T00:00:00Z","sharingReference":{}},{"sharedDateTime":"2018-01-01T00:00:00Z"}]`
	run(t, h, []step{
		{"Graph's item", call{method: "POST", url: col, body: graphItem(t, "shared")}, 201,
			[]string{`id="gen001"`, `lastShared.sharingReference={}`, `lastShared.sharedBy.address="MeganB@contoso.com"`, "header:Location=http://api.test" + col + "/gen001"}},
		{"s1", call{method: "POST", url: col + "/$ref", body: sharedItem("s1", "2021-01-01T00:00:00Z", "Megan@Contoso.com", "Word")}, 201, nil},
		{"s2", call{method: "POST", url: col, body: sharedItem("s2", "2022-01-01T00:00:00+01:00", "alex@contoso.com", "Excel")}, 201, nil},
		{"s3 with a history", call{method: "POST", url: col, body: strings.TrimSuffix(sharedItem("s3", "2020-06-01T00:00:00Z", "MEGAN@contoso.com", "Word"), "}") + history + "}"}, 201,
			[]string{`sharingHistory.#=2`}},
		{"lastShared without sharedDateTime", call{method: "POST", url: col, body: `{"lastShared":{"sharingType":"Direct"},"resourceVisualization":{},"resourceReference":{"id":"r"}}`}, 400,
			[]string{`error.details.#=1`, `error.details.0.target="lastShared.sharedDateTime"`}},
		{"sharingHistory of 101", call{method: "POST", url: col, body: strings.TrimSuffix(sharedItem("", "2020-01-01T00:00:00Z", "a", "Word"), "}") + `,"sharingHistory":[` + strings.TrimSuffix(strings.Repeat(`{"sharedDateTime":"2020-01-01T00:00:00Z"},`, 101), ",") + `]}`}, 400,
			[]string{`error.details.0.target~sharingHistory`}},
		{"a trending item", call{method: "POST", url: col, body: trendingItem("t", "1", "", "Word")}, 400, []string{`error.details.#(target=="weight").target="weight"`}},
		{"duplicate id", call{method: "POST", url: col, body: sharedItem("s1", "2021-01-01T00:00:00Z", "x", "Word")}, 409, []string{"error.message~shared insight with id 's1'"}},
		{"default order: lastShared desc", call{method: "GET", url: col + "?$select=id"}, 200,
			[]string{`value.#.id=["s2","gen001","s1","s3"]`, `\@odata\.context="` + ctx + `(id)"`}},
		{"lastShared asc", call{method: "GET", url: col + "?$orderby=lastshared/shareddatetime%20asc&$select=id"}, 200, []string{`value.#.id=["s3","s1","gen001","s2"]`}},
		{"$filter by sharer, as Graph writes it", call{method: "GET", url: col + "?$filter=lastshared/sharedby/address%20eq%20'megan@contoso.com'&$count=true&$select=id"}, 200,
			[]string{`value.#.id=["s1","s3"]`, `\@odata\.count=2`}},
		{"$filter by sharer and type", call{method: "GET", url: col + "?$filter=lastShared/sharedBy/address%20eq%20'MEGAN@CONTOSO.COM'%20and%20ResourceVisualization/Type%20eq%20'word'&$select=id"}, 200,
			[]string{`value.#.id=["s1","s3"]`}},
		{"$filter container", call{method: "GET", url: col + "?$filter=resourceVisualization/containerType%20eq%20'onedrivebusiness'&$select=id&$top=3"}, 200,
			[]string{`value.#.id=["s2","gen001","s1"]`, `\@odata\.nextLink~/me/insights/shared?`}},
		{"$count by sharer", call{method: "GET", url: col + "/$count?$filter=lastShared/sharedBy/address%20eq%20'alex@contoso.com'"}, 200, nil},
		{"$orderby weight", call{method: "GET", url: col + "?$orderby=weight"}, 400, []string{`error.target="$orderby"`, "error.message~lastShared/sharedDateTime"}},
		{"$filter of used", call{method: "GET", url: col + "?$filter=resourceReference/type%20eq%20'x'"}, 400, []string{`error.target="$filter"`, "error.message~lastShared/sharedBy/address"}},
		{"PATCH lastShared merges", call{method: "PATCH", url: col + "/s3", body: `{"lastShared":{"sharedDateTime":"2023-01-01T00:00:00Z"}}`}, 204, nil},
		{"merged", call{method: "GET", url: col + "/s3"}, 200, []string{`lastShared.sharedBy.address="MEGAN@contoso.com"`, `lastShared.sharedDateTime="2023-01-01T00:00:00Z"`, `sharingHistory.#=2`, `\@odata\.context="` + ctx + `/$entity"`}},
		{"PATCH replaces arrays", call{method: "PATCH", url: col + "/s3", body: `{"sharingHistory":[{"sharedDateTime":"2017-01-01T00:00:00Z"}]}`, header: map[string]string{"Prefer": "return=representation"}}, 200, []string{`sharingHistory.#=1`}},
		{"PATCH the sharer", call{method: "PATCH", url: col + "/s1", body: `{"lastShared":{"sharedBy":{"address":"alex@contoso.com"}}}`}, 204, nil},
		{"PATCH lastShared null", call{method: "PATCH", url: col + "/s3", body: `{"lastShared":null}`}, 400, nil},
		{"order and filter after PATCH", call{method: "GET", url: col + "?$filter=lastShared/sharedBy/address%20eq%20'alex@contoso.com'&$select=id"}, 200, []string{`value.#.id=["s2","s1"]`}},
		{"order after PATCH", call{method: "GET", url: col + "?$select=id"}, 200, []string{`value.#.id=["s3","s2","gen001","s1"]`}},
		{"delete", call{method: "DELETE", url: col + "/s2"}, 204, nil},
		{"gone", call{method: "DELETE", url: col + "/s2"}, 404, []string{"error.message~shared insight 's2'"}},
		{"POST $count", call{method: "POST", url: col + "/$count", body: `{}`}, 405, []string{"header:Allow=GET, OPTIONS"}},
		{"/users/{upn}", call{method: "GET", url: "/users/alice@contoso.com/insights/shared/$count"}, 200, nil},
	})
	if w := do(t, h, call{method: "GET", url: col + "/$count"}); w.Body.String() != "3" {
		t.Errorf("count %s", w.Body)
	}
}

// TestCollectionsApart: the same id in each collection is three records; a page token of one
// collection is a bad $skiptoken in the others; another user sees none of them.
func TestCollectionsApart(t *testing.T) {
	h := server(t)
	bodies := map[string]func(id string) string{
		"used":     func(id string) string { return insightAt("2020-01-01T00:00:00Z", "id", `"`+id+`"`) },
		"trending": func(id string) string { return trendingItem(id, "1", "", "Word") },
		"shared":   func(id string) string { return sharedItem(id, "2020-01-01T00:00:00Z", "a@b", "Word") },
	}
	next := map[string]string{}
	for name, body := range bodies {
		for _, id := range []string{"same", "other"} {
			expect(t, h, call{method: "POST", url: "/me/insights/" + name, body: body(id)}, 201, "")
		}
		w := expect(t, h, call{method: "GET", url: "/me/insights/" + name + "?$top=1"}, 200, "")
		u, err := url.Parse(gjson.Get(w.Body.String(), `\@odata\.nextLink`).Str)
		if err != nil || u.Query().Get("$skiptoken") == "" {
			t.Fatalf("%s: no nextLink: %s", name, w.Body)
		}
		next[name] = u.Query().Get("$skiptoken")
	}
	bob := map[string]string{"Authorization": "Bearer " + token(t, map[string]any{"sub": "bob", "oid": "bob-oid", "upn": "bob@contoso.com"})}
	for name := range bodies {
		col := "/me/insights/" + name
		w := expect(t, h, call{method: "GET", url: col + "/same"}, 200, "")
		if _, isTrending := gjson.Get(w.Body.String(), "weight").Value().(float64); isTrending != (name == "trending") {
			t.Errorf("%s/same is %s", name, w.Body)
		}
		for from, tok := range next {
			w := do(t, h, call{method: "GET", url: col + "?$top=1&$skiptoken=" + url.QueryEscape(tok)})
			if want := map[bool]int{true: 200, false: 400}[from == name]; w.Code != want {
				t.Errorf("%s with a token of %s: %d, want %d: %s", name, from, w.Code, want, w.Body)
			}
		}
		expect(t, h, call{method: "DELETE", url: col + "/same"}, 204, "")
		expect(t, h, call{method: "GET", url: col + "/same", header: bob}, 404, "itemNotFound")
		expect(t, h, call{method: "GET", url: "/users/alice-oid/insights/" + name, header: bob}, 403, "accessDenied")
		if w := expect(t, h, call{method: "GET", url: col + "/$count", header: bob}, 200, ""); w.Body.String() != "0" {
			t.Errorf("bob counts %s in %s", w.Body, name)
		}
	}
	for name := range bodies {
		if w := expect(t, h, call{method: "GET", url: "/me/insights/" + name + "/$count"}, 200, ""); w.Body.String() != "1" {
			t.Errorf("%s count after deleting each collection's own 'same': %s", name, w.Body)
		}
	}
}

// TestBatchMixesCollections: one batch creates, reads, lists and deletes in all three
// collections, with dependencies across them.
func TestBatchMixesCollections(t *testing.T) {
	h := server(t)
	hd := `,"headers":{"Content-Type":"application/json"}`
	w := do(t, h, call{method: "POST", url: "/v1.0/$batch", body: batchOf(
		`{"id":"u","method":"POST","url":"/me/insights/used","body":`+insightAt("2020-01-01T00:00:00Z", "id", `"b1"`)+hd+`}`,
		`{"id":"t","method":"POST","url":"/me/insights/trending","body":`+trendingItem("b1", `"0.5"`, "", "Word")+hd+`,"dependsOn":["u"]}`,
		`{"id":"s","method":"POST","url":"me/insights/shared/$ref","body":`+sharedItem("b1", "2020-01-01T00:00:00Z", "a@b", "Word")+hd+`,"dependsOn":["t"]}`,
		`{"id":"tget","method":"GET","url":"/me/insights/trending/b1","dependsOn":["s"]}`,
		`{"id":"slist","method":"GET","url":"/me/insights/shared?$filter=lastShared/sharedBy/address eq 'A@B'&$count=true","dependsOn":["s"]}`,
		`{"id":"tcount","method":"GET","url":"/me/insights/trending/$count","dependsOn":["t"]}`,
		`{"id":"udel","method":"DELETE","url":"/me/insights/used/b1","dependsOn":["tget","slist","tcount"]}`,
		`{"id":"tstill","method":"GET","url":"/users/alice-oid/insights/trending/b1","dependsOn":["udel"]}`,
		`{"id":"bad","method":"GET","url":"/me/insights/shared?$orderby=weight"}`,
	)})
	r, _ := responsesOf(t, w)
	for id, want := range map[string]int{"u": 201, "t": 201, "s": 201, "tget": 200, "slist": 200, "tcount": 200, "udel": 204, "tstill": 200, "bad": 400} {
		if got := int(r[id].Get("status").Int()); got != want {
			t.Errorf("%s: status %d, want %d: %s", id, got, want, r[id].Raw)
		}
	}
	if loc := r["t"].Get("headers.Location").Str; loc != "http://api.test/v1.0/me/insights/trending/b1" {
		t.Errorf("trending Location %q", loc)
	}
	if loc := r["s"].Get("headers.Location").Str; loc != "http://api.test/v1.0/me/insights/shared/b1" {
		t.Errorf("shared Location %q", loc)
	}
	if g := r["tget"].Get("body"); g.Get("weight").Raw != "0.5" || g.Get(`\@odata\.context`).Str != "http://api.test/v1.0/$metadata#users('alice-oid')/insights/trending/$entity" {
		t.Errorf("trending get %s", g.Raw)
	}
	if l := r["slist"].Get("body"); l.Get(`\@odata\.count`).Int() != 1 || l.Get("value.0.id").Str != "b1" || l.Get("value.0.lastShared").Raw == "" {
		t.Errorf("shared list %s", l.Raw)
	}
	if c := r["tcount"].Get("body").Str; c != "MQ==" {
		t.Errorf("trending count %s", r["tcount"].Raw)
	}
}
