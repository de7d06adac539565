//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// quick is a client for requests that must not hang: a hang is a failure, soon.
var quick = &http.Client{Timeout: 10 * time.Second, Transport: client.Transport, CheckRedirect: client.CheckRedirect}

// The audience and issuer of TestHostileInputs' instance: set, as in production, so that
// tokens for another audience or from another issuer are among the hostile inputs.
const (
	hostileAudience = "api://usedinsight-hostile"
	hostileIssuer   = "https://login.example/hostile/v2.0"
)

// hostile is one bad input and the answer the API gives it.
type hostile struct {
	desc string
	r    req     // sent with net/http, with the test user's token unless r.header sets Authorization
	raw  *rawReq // or else sent byte for byte: what net/http refuses to send
	// status is the documented answer; error.code follows from it (hostileCodes).
	status int
	// why, when set, shows that the input was refused for the intended reason: a substring of
	// error.message, or error.target, or the code of one of error.details.
	why   string
	allow string // the Allow header of a 405
	// coll, when set, is a collection besides used that must have no records after the case.
	coll *collection
}

var hostileCodes = map[int]string{
	400: "invalidRequest", 401: "InvalidAuthenticationToken", 403: "accessDenied", 404: "itemNotFound",
	405: "notAllowed", 413: "invalidRequest", 415: "invalidRequest",
}

// hostileEnv is what the case tables are built from.
type hostileEnv struct {
	w     *worker
	user  string // the user every case acts as
	token string // a valid token of user
	seed  string // the seed payload
	now   time.Time
}

// TestHostileInputs: on an instance configured as in production (no DEV_TOKENS, so /dev/token
// is a 404; AUTH_AUDIENCE and AUTH_ISSUER set), well over 80 distinct hostile bodies, query
// options, paths, headers and methods each get their documented 4xx in Graph's envelope, none a
// 5xx; after each, the Worker answers the next request at once and nothing was stored; after all
// of them it creates and reads a record as usual. Inputs that workerd answers
// before the Worker runs (runtimeCases) and odd inputs that are served (toleratedCases) are
// checked too, apart.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	w := startOwn(t, options{
		vars:   map[string]string{"AUTH_AUDIENCE": hostileAudience, "AUTH_ISSUER": hostileIssuer},
		claims: map[string]any{"aud": hostileAudience, "iss": hostileIssuer},
	})
	hx := &hostileEnv{w: w, user: newUser("hostile"), now: time.Now(), seed: seed(t)}
	hx.token = w.sign(map[string]any{"sub": hx.user, "scp": "Sites.ReadWrite.All"}, time.Hour, hx.now)

	categories := []struct {
		name  string
		cases []hostile
	}{
		{"body", hx.bodyCases(t)},
		{"query", hx.queryCases()},
		{"path", hx.pathCases()},
		{"header", hx.headerCases()},
		{"method", hx.methodCases()},
		{"collections", hx.collectionCases(t)},
	}
	seen := map[string]bool{}
	var serverErrors []string
	for _, c := range categories {
		t.Logf("%s: %d hostile inputs", c.name, len(c.cases))
		for _, tt := range c.cases {
			name := c.name + ": " + tt.desc
			if seen[name] {
				t.Errorf("two cases named %q", name)
			}
			seen[name] = true
			t.Run(name, func(t *testing.T) {
				res, err := hx.send(tt)
				switch {
				case err != nil:
					t.Errorf("no answer: %v", err)
				case res.status >= 500:
					serverErrors = append(serverErrors, name)
					t.Errorf("server error: %v", res)
				default:
					hx.check(t, tt, res)
				}
				hx.stillServing(t, "0")
				if tt.coll != nil {
					hx.emptyIn(t, tt.coll)
				}
			})
		}
	}
	if len(seen) < 80 {
		t.Errorf("%d hostile inputs; the suite keeps at least 80", len(seen))
	}
	if len(serverErrors) > 0 {
		t.Errorf("%d inputs got a 5xx: %q", len(serverErrors), serverErrors)
	}

	// Some inputs that workerd answers itself, before the Worker could: not Graph's answers, but
	// answers, and the Worker serves on.
	for _, tt := range hx.runtimeCases() {
		t.Run("runtime: "+tt.desc, func(t *testing.T) {
			res, err := hx.send(tt)
			switch {
			case err != nil:
				t.Errorf("no answer: %v", err)
			case res.status != tt.status:
				t.Errorf("%v: want workerd's %d", res, tt.status)
			case res.header.Get("request-id") != "":
				t.Errorf("%v: the Worker answered (request-id %s): move the case to the hostile inputs", res, res.header.Get("request-id"))
			}
			hx.stillServing(t, "0")
		})
	}

	// Some inputs look odd but are fine: they are served.
	for _, tt := range hx.toleratedCases() {
		t.Run("tolerated: "+tt.desc, func(t *testing.T) {
			res, err := hx.send(tt)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			if res.status != tt.status {
				t.Errorf("%v: want %d", res, tt.status)
			}
			if _, ok := tt.r.header["client-request-id"]; ok {
				// Too long to echo: the request-id stands in for it.
				if got := res.header.Get("client-request-id"); got != res.header.Get("request-id") {
					t.Errorf("client-request-id %q, request-id %q", got, res.header.Get("request-id"))
				}
			} else {
				checkAPIHeaders(t, res)
			}
			if tt.r.method == http.MethodHead && len(res.body) != 0 {
				t.Errorf("%v: a body", res)
			}
			hx.stillServing(t, "0")
		})
	}

	// After all of that, the Worker serves a create and a read as usual.
	r := w.do(t, req{method: "POST", path: "/me/insights/used", body: insight("after-hostile", "2020-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", "After"), token: hx.token, client: quick})
	if r.status != 201 {
		t.Fatalf("create after the hostile inputs: %v", r)
	}
	if g := w.do(t, req{method: "GET", path: r.header.Get("Location"), token: hx.token, client: quick}); g.status != 200 || !strings.Contains(string(g.body), `"title":"After"`) {
		t.Errorf("get after the hostile inputs: %v", g)
	}
	hx.stillServing(t, "1")
}

// check asserts the documented error answer of tt.
func (hx *hostileEnv) check(t *testing.T, tt hostile, res *resp) {
	t.Helper()
	if got := res.header.Get("Allow"); got != tt.allow {
		t.Errorf("%v: Allow %q, want %q", res, got, tt.allow)
	}
	if res.method == http.MethodHead {
		// No body to carry the envelope: the status and the headers say it all.
		if res.status != tt.status || len(res.body) != 0 {
			t.Errorf("%v: want status %d and no body", res, tt.status)
		}
		checkAPIHeaders(t, res)
		return
	}
	e := checkError(t, res, tt.status, hostileCodes[tt.status])
	if tt.why == "" || res.status != tt.status {
		return
	}
	if strings.Contains(e.Error.Message, tt.why) || e.Error.Target == tt.why {
		return
	}
	for _, d := range e.Error.Details {
		if d.Code == tt.why {
			return
		}
	}
	t.Errorf("%v: the answer does not say %q", res, tt.why)
}

// stillServing asserts that the Worker answers at once and that the user has count records.
func (hx *hostileEnv) stillServing(t *testing.T, count string) {
	t.Helper()
	after, err := hx.w.send(req{method: "GET", path: "/me/insights/used/$count", token: hx.token, client: quick})
	if err != nil || after.status != 200 || string(after.body) != count {
		t.Errorf("the next request: %v %v; want 200 and the count %s", after, err, count)
	}
}

// emptyIn asserts that the user has no records in c.
func (hx *hostileEnv) emptyIn(t *testing.T, c *collection) {
	t.Helper()
	r, err := hx.w.send(req{method: "GET", path: c.path("/$count"), token: hx.token, client: quick})
	if err != nil || r.status != 200 || string(r.body) != "0" {
		t.Errorf("%s count: %v %v; want 0", c.name, r, err)
	}
}

// ---- collections ----

// collectionCases are the hostile inputs of trending and shared: each rule of their own
// members, their query options and paths, and every invalid file of their corpora
// (internal/insight/testdata/corpus/<collection>/invalid).
func (hx *hostileEnv) collectionCases(t *testing.T) []hostile {
	f := [3]string{"Word", "Site", "megan@contoso.com"}
	trending := trendingColl.item("", "0.5", "", f, "T")
	shared := sharedColl.item("", sharedColl.at(2021), "", f, "T")
	edit := func(valid, old, new string) string {
		if !strings.Contains(valid, old) {
			t.Fatalf("%q is not in %s", old, valid)
		}
		return strings.Replace(valid, old, new, 1)
	}
	postT := func(body string) req { return req{method: "POST", path: trendingColl.path(""), body: body} }
	postS := func(body string) req { return req{method: "POST", path: sharedColl.path(""), body: body} }
	weight := func(v string) req { return postT(edit(trending, `"weight":0.5`, `"weight":`+v)) } // members are in name order
	detail := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"sharedDateTime":"2020-01-01T00:00:00Z"}`)
		}
		return b.String()
	}
	sharedWith := func(member string) req {
		return postS(edit(shared, `"resourceVisualization"`, member+`,"resourceVisualization"`))
	}
	tc, sc := trendingColl, sharedColl
	cases := []hostile{
		{desc: "trending: weight NaN", r: weight("NaN"), status: 400, coll: tc},
		{desc: "trending: weight Infinity", r: weight("Infinity"), status: 400, coll: tc},
		{desc: "trending: weight -Infinity", r: weight("-Infinity"), status: 400, coll: tc},
		{desc: "trending: weight 1e400", r: weight("1e400"), status: 400, why: "weight", coll: tc},
		{desc: "trending: weight -1e400", r: weight("-1e400"), status: 400, why: "weight", coll: tc},
		{desc: `trending: weight "abc"`, r: weight(`"abc"`), status: 400, why: "weight", coll: tc},
		{desc: `trending: weight ""`, r: weight(`""`), status: 400, why: "weight", coll: tc},
		{desc: `trending: weight "NaN"`, r: weight(`"NaN"`), status: 400, why: "weight", coll: tc},
		{desc: `trending: weight "Infinity"`, r: weight(`"Infinity"`), status: 400, why: "weight", coll: tc},
		{desc: `trending: weight "1e400"`, r: weight(`"1e400"`), status: 400, why: "weight", coll: tc},
		{desc: `trending: weight " 1"`, r: weight(`" 1"`), status: 400, why: "weight", coll: tc},
		{desc: `trending: weight "0x10"`, r: weight(`"0x10"`), status: 400, why: "weight", coll: tc},
		{desc: "trending: weight of 10,000 digits as a string", r: weight(`"1` + strings.Repeat("0", 10000) + `"`), status: 400, why: "weight", coll: tc},
		{desc: "trending: weight null", r: weight("null"), status: 400, why: "weight", coll: tc},
		{desc: "trending: weight true", r: weight("true"), status: 400, why: "weight", coll: tc},
		{desc: "trending: weight an array", r: weight("[1]"), status: 400, why: "weight", coll: tc},
		{desc: "trending: weight an object", r: weight(`{"value":1}`), status: 400, why: "weight", coll: tc},
		{desc: "trending: weight missing", r: postT(edit(trending, `,"weight":0.5`, ``)), status: 400, why: "weight", coll: tc},
		{desc: "trending: lastModifiedDateTime not a date", r: postT(edit(trending, `"weight":0.5`, `"weight":0.5,"lastModifiedDateTime":"soon"`)), status: 400, why: "lastModifiedDateTime", coll: tc},
		{desc: "trending: @odata.type of used", r: postT(edit(trending, `{`, `{"@odata.type":"#microsoft.graph.usedInsight",`)), status: 400, why: "@odata.type", coll: tc},
		{desc: "trending: a shared insight", r: postT(shared), status: 400, coll: tc},
		{desc: `trending: PATCH weight "abc"`, r: req{method: "PATCH", path: tc.path("/x"), body: `{"weight":"abc"}`}, status: 400, why: "weight", coll: tc},
		{desc: "trending: $orderby of used", r: req{method: "GET", path: tc.path("?$orderby=LastUsed/LastAccessedDateTime")}, status: 400, why: "$orderby"},
		{desc: "trending: $orderby weight sideways", r: req{method: "GET", path: tc.path("?$orderby=weight%20sideways")}, status: 400, why: "$orderby"},
		{desc: "trending: $filter on weight", r: req{method: "GET", path: tc.path("?$filter=weight%20eq%201")}, status: 400, why: "$filter"},
		{desc: "trending: $filter of shared", r: req{method: "GET", path: tc.path("/$count?$filter=lastShared/sharedBy/address%20eq%20'x'")}, status: 400, why: "$filter"},
		{desc: "trending: forged $skiptoken", r: req{method: "GET", path: tc.path("?$skiptoken=" + forgedPageToken(hx.user))}, status: 400, why: "$skiptoken"},
		{desc: "trending: a trailing /", r: req{method: "GET", path: tc.path("/")}, status: 404},
		{desc: "trending: in capitals", r: req{method: "GET", path: "/me/insights/TRENDING"}, status: 404},
		{desc: "trending: %2F inside the collection", r: req{method: "GET", path: "/me/insights/trending%2Fx"}, status: 404},
		{desc: "trending: PUT the collection", r: req{method: "PUT", path: tc.path(""), body: trending}, status: 405, allow: "GET, POST, OPTIONS"},
		{desc: "shared: lastShared without sharedDateTime", r: postS(edit(shared, `"sharedDateTime":"2021-01-01T00:00:00Z",`, ``)), status: 400, why: "lastShared.sharedDateTime", coll: sc},
		{desc: "shared: sharedDateTime not a date", r: postS(edit(shared, `"2021-01-01T00:00:00Z"`, `"2021-02-30T00:00:00Z"`)), status: 400, why: "lastShared.sharedDateTime", coll: sc},
		{desc: "shared: lastShared null", r: postS(edit(shared, `"lastShared":{`, `"lastShared":null,"x":{`)), status: 400, coll: sc},
		{desc: "shared: lastShared a string", r: postS(`{"lastShared":"yesterday","resourceVisualization":{},"resourceReference":{"id":"x"}}`), status: 400, why: "lastShared", coll: sc},
		{desc: "shared: lastShared missing", r: postS(`{"resourceVisualization":{},"resourceReference":{"id":"x"}}`), status: 400, why: "lastShared", coll: sc},
		{desc: "shared: sharingHistory of 101", r: sharedWith(`"sharingHistory":[` + detail(101) + `]`), status: 400, coll: sc},
		{desc: "shared: sharingHistory of 1,000", r: sharedWith(`"sharingHistory":[` + detail(1000) + `]`), status: 400, coll: sc},
		{desc: "shared: sharingHistory of 10,000", r: sharedWith(`"sharingHistory":[` + detail(10000) + `]`), status: 413, coll: sc},
		{desc: "shared: sharingHistory with a number", r: sharedWith(`"sharingHistory":[1]`), status: 400, coll: sc},
		{desc: "shared: sharingHistory with null", r: sharedWith(`"sharingHistory":[` + detail(1) + `,null]`), status: 400, coll: sc},
		{desc: "shared: sharingHistory an object", r: sharedWith(`"sharingHistory":{"sharedDateTime":"2020-01-01T00:00:00Z"}`), status: 400, why: "sharingHistory", coll: sc},
		{desc: "shared: sharingHistory entry without sharedDateTime", r: sharedWith(`"sharingHistory":[{"sharingType":"Direct"}]`), status: 400, coll: sc},
		{desc: "shared: sharedBy.address of 5,000 characters", r: postS(edit(shared, `"megan@contoso.com"`, `"`+strings.Repeat("m", 5000)+`"`)), status: 400, why: "lastShared.sharedBy.address", coll: sc},
		{desc: "shared: sharedBy a string", r: postS(edit(shared, `"sharedBy":{`, `"sharedBy":"megan","x":{`)), status: 400, coll: sc},
		{desc: "shared: an unknown member of sharedBy", r: postS(edit(shared, `"address":`, `"mail":"x","address":`)), status: 400, why: "lastShared.sharedBy.mail", coll: sc},
		{desc: "shared: sharingReference with a javascript: URL", r: postS(edit(shared, `"sharingReference":{}`, `"sharingReference":{"webUrl":"javascript:alert(1)"}`)), status: 400, why: "lastShared.sharingReference.webUrl", coll: sc},
		{desc: "shared: @odata.type of trending", r: postS(edit(shared, `{`, `{"@odata.type":"#microsoft.graph.trending",`)), status: 400, why: "@odata.type", coll: sc},
		{desc: "shared: a trending item", r: postS(trending), status: 400, coll: sc},
		{desc: "shared: $filter address ne", r: req{method: "GET", path: sc.path("?$filter=lastShared/sharedBy/address%20ne%20'x'")}, status: 400, why: "$filter"},
		{desc: "shared: $filter address twice", r: req{method: "GET", path: sc.path("?$filter=lastShared/sharedBy/address%20eq%20'x'%20and%20LASTSHARED/SHAREDBY/ADDRESS%20eq%20'y'")}, status: 400, why: "$filter"},
		{desc: "shared: $filter on sharedBy", r: req{method: "GET", path: sc.path("?$filter=lastShared/sharedBy%20eq%20'x'")}, status: 400, why: "$filter"},
		{desc: "shared: $orderby weight", r: req{method: "GET", path: sc.path("?$orderby=weight")}, status: 400, why: "$orderby"},
		{desc: "shared: $orderby by a second key", r: req{method: "GET", path: sc.path("?$orderby=lastShared/sharedDateTime,weight")}, status: 400, why: "$orderby"},
		{desc: "shared: $select of used's member", r: req{method: "GET", path: sc.path("?$select=lastUsed")}, status: 400, why: "$select"},
		{desc: "shared: DELETE $count", r: req{method: "DELETE", path: sc.path("/$count")}, status: 405, allow: "GET, OPTIONS"},
		{desc: "used: a trending item", r: req{method: "POST", path: "/me/insights/used", body: trending}, status: 400, why: "unknownMember"},
		{desc: "used: @odata.type of shared", r: req{method: "POST", path: "/me/insights/used", body: strings.Replace(hx.seed, `{`, `{"@odata.type":"#microsoft.graph.sharedInsight",`, 1)}, status: 400, why: "invalidODataType"},
	}
	for _, c := range collections {
		files := c.corpus(t, "invalid")
		expected := c.expected(t)
		names := slices.Sorted(maps.Keys(files))
		for _, name := range names {
			h := hostile{desc: "corpus " + c.name + "/invalid/" + name, r: req{method: "POST", path: c.path(""), body: files[name]}, status: 400}
			if len(files[name]) > 64<<10 {
				h.status = 413
			} else if e := expected["invalid/"+name]; len(e) > 0 {
				h.why = e[0].Code // the code of the first detail
			}
			if c != usedColl {
				h.coll = c
			}
			if files[name] == "" {
				h.r.header = map[string]string{"Content-Type": "application/json"}
			}
			cases = append(cases, h)
		}
	}
	return cases
}

// send sends tt as the test user.
func (hx *hostileEnv) send(tt hostile) (*resp, error) {
	if tt.raw != nil {
		return hx.w.sendRaw(*tt.raw, hx.token)
	}
	r := tt.r
	if _, ok := r.header["Authorization"]; !ok && r.token == "" {
		r.token = hx.token
	}
	r.client = quick
	return hx.w.send(r)
}

// rawReq is a request written byte for byte. sendRaw adds Host, client-request-id and
// Connection: close, and Authorization (the test user's token) and Content-Length unless
// header has them.
type rawReq struct {
	method, target string
	header         []string // "Name: value" lines
	body           string
}

// sendRaw writes r on a new connection and reads the answer.
func (w *worker) sendRaw(r rawReq, token string) (*resp, error) {
	addr := strings.TrimPrefix(w.base, "http://")
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	crid := "e2e-raw-" + strconv.FormatInt(cridSeq.Add(1), 10) + "-" + randomHex(4)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nclient-request-id: %s\r\nConnection: close\r\n", r.method, r.target, addr, crid)
	hasAuth, hasLength := false, false
	for _, h := range r.header {
		name, _, _ := strings.Cut(h, ":")
		switch strings.ToLower(name) {
		case "authorization":
			hasAuth = true
		case "content-length", "transfer-encoding":
			hasLength = true
		}
		b.WriteString(h + "\r\n")
	}
	if !hasAuth && token != "" {
		b.WriteString("Authorization: Bearer " + token + "\r\n")
	}
	if r.body != "" && !hasLength {
		b.WriteString("Content-Length: " + strconv.Itoa(len(r.body)) + "\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(r.body)
	u := w.base + r.target
	if _, err := io.WriteString(conn, b.String()); err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, u, err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: r.method})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, u, err)
	}
	return readResp(r.method, u, res, crid)
}

// ---- bodies ----

func (hx *hostileEnv) bodyCases(t *testing.T) []hostile {
	valid := insight("", "2020-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", "T")
	// edit replaces the first old in valid (the title "T", the date, the type "Word", ...).
	edit := func(old, new string) string {
		if !strings.Contains(valid, old) {
			t.Fatalf("%q is not in %s", old, valid)
		}
		return strings.Replace(valid, old, new, 1)
	}
	post := func(body string) req { return req{method: "POST", path: "/me/insights/used", body: body} }
	postAs := func(body, contentType string) req {
		return req{method: "POST", path: "/me/insights/used", body: body, header: map[string]string{"Content-Type": contentType}}
	}
	gz := map[string]string{"Content-Encoding": "gzip"}
	postGz := func(body string) req { return req{method: "POST", path: "/me/insights/used", body: body, header: gz} }
	encoded := func(enc string) req {
		return req{method: "POST", path: "/me/insights/used", body: valid, header: map[string]string{"Content-Encoding": enc}}
	}

	deepArrays := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	deepObjects := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	digits := strings.Repeat("7", 5000)
	validGz := gzipped([]byte(valid))
	badCRC := []byte(validGz)
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 of the trailer
	noise := make([]byte, 8<<20)
	rand.Read(noise)
	utf16le := func(s string, bom bool) string {
		var b bytes.Buffer
		if bom {
			b.WriteString("\xff\xfe")
		}
		for _, u := range utf16.Encode([]rune(s)) {
			b.WriteByte(byte(u))
			b.WriteByte(byte(u >> 8))
		}
		return b.String()
	}
	utf16be := func(s string) string {
		var b bytes.Buffer
		for _, u := range utf16.Encode([]rune(s)) {
			b.WriteByte(byte(u >> 8))
			b.WriteByte(byte(u))
		}
		return b.String()
	}
	// padded is valid JSON of exactly n bytes: valid and then spaces.
	padded := func(n int) string { return valid + strings.Repeat(" ", n-len(valid)) }
	mib := padded(1 << 20)
	eight := padded(8 << 20)
	batch := func(n int) string {
		var rs []string
		for i := range n {
			rs = append(rs, fmt.Sprintf(`{"id":"%d","method":"GET","url":"/me/insights/used/$count"}`, i+1))
		}
		return `{"requests":[` + strings.Join(rs, ",") + `]}`
	}
	postBatch := func(body string) req { return req{method: "POST", path: "/$batch", body: body} }

	return []hostile{
		// Malformed and truncated JSON.
		{desc: "truncated after a member name", r: post(`{"lastUsed"`), status: 400, why: "truncatedJson"},
		{desc: "truncated half-way", r: post(valid[:len(valid)/2]), status: 400, why: "truncatedJson"},
		{desc: "truncated inside a string", r: post(valid[:strings.Index(valid, "Word")+2]), status: 400, why: "truncatedJson"},
		{desc: "truncated inside an escape", r: post(`{"id":"\u00`), status: 400},
		{desc: "trailing comma", r: post(edit(`"Word"}`, `"Word",}`)), status: 400, why: "invalidJson"},
		{desc: "missing comma", r: post(edit(`"T","type"`, `"T" "type"`)), status: 400, why: "invalidJson"},
		{desc: "single quotes", r: post(`{'lastUsed':{}}`), status: 400, why: "invalidJson"},
		{desc: "unquoted member names", r: post(`{lastUsed:{}}`), status: 400, why: "invalidJson"},
		{desc: "a comment", r: post("/* hello */" + valid), status: 400, why: "invalidJson"},
		{desc: "two objects", r: post(valid + valid), status: 400, why: "trailingData"},
		{desc: "garbage after the object", r: post(valid + "garbage"), status: 400, why: "trailingData"},
		{desc: "an array of the object", r: post("[" + valid + "]"), status: 400, why: "notAnObject"},
		{desc: "a string", r: post(`"lastUsed"`), status: 400, why: "notAnObject"},
		{desc: "null", r: post(`null`), status: 400, why: "notAnObject"},
		{desc: "whitespace only", r: post(" \t\r\n "), status: 400, why: "emptyBody"},
		{desc: "empty object", r: post(`{}`), status: 400, why: "missingMember"},
		{desc: "hexadecimal number", r: post(edit(`"T"`, `0x10`)), status: 400, why: "invalidJson"},
		{desc: "number with a leading zero", r: post(edit(`"T"`, `012`)), status: 400, why: "invalidJson"},
		// Nesting.
		{desc: "10,000-deep arrays", r: post(deepArrays), status: 400, why: "nestingTooDeep"},
		{desc: "10,000 open brackets", r: post(strings.Repeat("[", 10000)), status: 400},
		{desc: "10,000-deep objects", r: post(deepObjects), status: 400, why: "nestingTooDeep"},
		{desc: "10,000-deep inside a valid record", r: post(edit(`"T"`, deepArrays)), status: 400, why: "nestingTooDeep"},
		{desc: "10,000-deep PATCH", r: req{method: "PATCH", path: "/me/insights/used/x", body: deepObjects}, status: 400, why: "nestingTooDeep"},
		{desc: "10,000-deep gzip-compressed", r: postGz(gzipped([]byte(deepArrays))), status: 400, why: "nestingTooDeep"},
		{desc: "10,000-deep $batch", r: postBatch(deepArrays), status: 400},
		// Invalid and overlong UTF-8.
		{desc: "invalid UTF-8 (FF FE)", r: post(edit(`"T"`, "\"\xff\xfe\"")), status: 400, why: "invalidUtf8"},
		{desc: "overlong UTF-8 for '/' (C0 AF)", r: post(edit(`"T"`, "\"\xc0\xaf\"")), status: 400, why: "invalidUtf8"},
		{desc: "overlong UTF-8 for NUL (E0 80 80)", r: post(edit(`"T"`, "\"\xe0\x80\x80\"")), status: 400, why: "invalidUtf8"},
		{desc: "a surrogate encoded in UTF-8 (ED A0 80)", r: post(edit(`"T"`, "\"\xed\xa0\x80\"")), status: 400, why: "invalidUtf8"},
		{desc: "beyond U+10FFFF (F4 90 80 80)", r: post(edit(`"T"`, "\"\xf4\x90\x80\x80\"")), status: 400, why: "invalidUtf8"},
		{desc: "truncated UTF-8 sequence", r: post(edit(`"T"`, "\"\xe2\x82\"")), status: 400, why: "invalidUtf8"},
		{desc: "lone continuation byte", r: post(edit(`"T"`, "\"\x80\"")), status: 400, why: "invalidUtf8"},
		{desc: "invalid UTF-8 in a member name", r: post(edit(`"title"`, "\"ti\xfftle\"")), status: 400, why: "invalidUtf8"},
		{desc: "invalid UTF-8 before the object", r: post("\xc3" + valid), status: 400},
		// Raw control characters.
		{desc: "raw NUL in a string", r: post(edit(`"T"`, "\"a\x00b\"")), status: 400, why: "controlCharacter"},
		{desc: "raw tab in a string", r: post(edit(`"T"`, "\"a\tb\"")), status: 400, why: "controlCharacter"},
		{desc: "raw newline in a string", r: post(edit(`"T"`, "\"a\nb\"")), status: 400, why: "controlCharacter"},
		{desc: "raw ESC in a string", r: post(edit(`"T"`, "\"\x1b[31m\"")), status: 400, why: "controlCharacter"},
		{desc: "raw control character in a member name", r: post(edit(`"title"`, "\"ti\x01tle\"")), status: 400, why: "controlCharacter"},
		{desc: "raw NUL between members", r: post(edit(`,"resourceReference"`, "\x00,\"resourceReference\"")), status: 400},
		// Numbers JSON does not have, and numbers too long for anything.
		{desc: "NaN", r: post(edit(`"T"`, `NaN`)), status: 400, why: "invalidJson"},
		{desc: "Infinity", r: post(edit(`"T"`, `Infinity`)), status: 400, why: "invalidJson"},
		{desc: "-Infinity", r: post(edit(`"T"`, `-Infinity`)), status: 400, why: "invalidJson"},
		{desc: "NaN as the date", r: post(edit(`"2020-01-01T00:00:00Z"`, `NaN`)), status: 400, why: "invalidJson"},
		{desc: "5,000-digit number as the title", r: post(edit(`"T"`, digits)), status: 400, why: "wrongType"},
		{desc: "5,000-digit number as the date", r: post(edit(`"2020-01-01T00:00:00Z"`, digits)), status: 400, why: "wrongType"},
		{desc: "5,000-digit fraction as the id", r: post(edit(`{"lastUsed"`, `{"id":0.`+digits+`,"lastUsed"`)), status: 400, why: "wrongType"},
		{desc: "exponent 1e999999", r: post(edit(`"T"`, `1e999999`)), status: 400, why: "wrongType"},
		// Duplicate members.
		{desc: "duplicate lastUsed", r: post(edit(`{"lastUsed"`, `{"lastUsed":{"lastAccessedDateTime":"2021-01-01T00:00:00Z"},"lastUsed"`)), status: 400, why: "duplicateMember"},
		{desc: "duplicate nested title", r: post(edit(`"title":"T"`, `"title":"T","title":"U"`)), status: 400, why: "duplicateMember"},
		{desc: "duplicate @odata.type", r: post(edit(`{"lastUsed"`, `{"@odata.type":"#microsoft.graph.usedInsight","@odata.type":"#microsoft.graph.usedInsight","lastUsed"`)), status: 400, why: "duplicateMember"},
		{desc: `duplicate id spelled "\u0069d"`, r: post(edit(`{"lastUsed"`, `{"id":"a","\u0069d":"b","lastUsed"`)), status: 400, why: "duplicateMember"},
		{desc: "duplicate member in a PATCH", r: req{method: "PATCH", path: "/me/insights/used/x", body: `{"resourceVisualization":{"title":"a","title":"b"}}`}, status: 400, why: "duplicateMember"},
		// Byte order marks and UTF-16.
		{desc: "UTF-8 byte order mark", r: post("\xef\xbb\xbf" + valid), status: 400, why: "byteOrderMark"},
		{desc: "UTF-16LE with a byte order mark", r: post(utf16le(valid, true)), status: 400},
		{desc: "UTF-16LE without a byte order mark", r: post(utf16le(valid, false)), status: 400},
		{desc: "UTF-16BE", r: post(utf16be(valid)), status: 400},
		{desc: "UTF-16 declared in the charset", r: postAs(utf16le(valid, true), "application/json; charset=utf-16"), status: 415},
		// Wrong or missing content types.
		{desc: "no Content-Type", r: req{method: "POST", path: "/me/insights/used", body: valid, header: map[string]string{"Content-Type": ""}}, status: 415},
		{desc: "text/json", r: postAs(valid, "text/json"), status: 415},
		{desc: "form-urlencoded", r: postAs("lastUsed=x", "application/x-www-form-urlencoded"), status: 415},
		{desc: "multipart", r: postAs("--x\r\n\r\n"+valid+"\r\n--x--", "multipart/form-data; boundary=x"), status: 415},
		{desc: "XML", r: postAs("<usedInsight/>", "application/xml"), status: 415},
		{desc: "application/json-patch+json", r: postAs(`[{"op":"remove","path":"/id"}]`, "application/json-patch+json"), status: 415},
		{desc: "application/jsonx", r: postAs(valid, "application/jsonx"), status: 415},
		{desc: "*/*", r: postAs(valid, "*/*"), status: 415},
		{desc: "a malformed media type parameter", r: postAs(valid, "application/json; charset"), status: 415},
		{desc: "charset latin1", r: postAs(valid, "application/json; charset=iso-8859-1"), status: 415},
		{desc: "two media types", r: postAs(valid, "application/json, text/plain"), status: 415},
		{desc: "text/plain on PATCH", r: req{method: "PATCH", path: "/me/insights/used/x", body: `{}`, header: map[string]string{"Content-Type": "text/plain"}}, status: 415},
		{desc: "text/plain on $batch", r: req{method: "POST", path: "/$batch", body: batch(1), header: map[string]string{"Content-Type": "text/plain"}}, status: 415},
		// Sizes, up to 8 MiB, with Content-Length and chunked. (The Worker reads these only in part.)
		{desc: "64 KiB and 1 byte", r: post(padded(64<<10 + 1)), status: 413},
		{desc: "70 KB record", r: post(edit(`"T"`, `"`+strings.Repeat("x", 70000)+`"`)), status: 413},
		{desc: "70 KB record, chunked", r: req{method: "POST", path: "/me/insights/used", body: edit(`"T"`, `"`+strings.Repeat("x", 70000)+`"`), chunked: true}, status: 413},
		{desc: "1 MiB with Content-Length", r: post(mib), status: 413},
		{desc: "1 MiB chunked", r: req{method: "POST", path: "/me/insights/used", body: mib, chunked: true}, status: 413},
		{desc: "8 MiB with Content-Length", r: post(eight), status: 413},
		{desc: "8 MiB chunked", r: req{method: "POST", path: "/me/insights/used", body: eight, chunked: true}, status: 413},
		{desc: "8 MiB PATCH", r: req{method: "PATCH", path: "/me/insights/used/x", body: eight}, status: 413},
		{desc: "8 MiB $batch", r: postBatch(eight), status: 413},
		{desc: "gzip bomb: 10 MB of zeros", r: postGz(gzipped(make([]byte, 10<<20))), status: 413},
		{desc: "gzip bomb: 10 MB of spaces, chunked", r: req{method: "POST", path: "/me/insights/used", body: gzipped([]byte(strings.Repeat(" ", 10<<20))), header: gz, chunked: true}, status: 413},
		{desc: "8 MiB of noise called gzip", r: postGz(string(noise)), status: 400},
		// Content encodings.
		{desc: "deflate", r: encoded("deflate"), status: 415},
		{desc: "br", r: encoded("br"), status: 415},
		{desc: "gzip twice over", r: req{method: "POST", path: "/me/insights/used", body: gzipped([]byte(validGz)), header: map[string]string{"Content-Encoding": "gzip, gzip"}}, status: 415},
		{desc: "gzip with a wrong CRC", r: postGz(string(badCRC)), status: 400},
		{desc: "gzip with garbage after it", r: postGz(validGz + "garbage"), status: 400},
		{desc: "gzip magic only", r: postGz("\x1f\x8b"), status: 400},
		{desc: "a malformed chunk size", raw: &rawReq{method: "POST", target: "/me/insights/used", header: []string{"Content-Type: application/json", "Transfer-Encoding: chunked"}, body: "zz\r\n{}\r\n0\r\n\r\n"}, status: 400},
		{desc: "gzip of invalid UTF-8", r: postGz(gzipped([]byte(edit(`"T"`, "\"\xff\"")))), status: 400, why: "invalidUtf8"},
		// Valid JSON, hostile content.
		{desc: "lastUsed a string", r: post(`{"lastUsed":"yesterday","resourceVisualization":{},"resourceReference":{"id":"x"}}`), status: 400, why: "wrongType"},
		{desc: "resourceVisualization an array", r: post(edit(`"resourceVisualization":{"containerType":"Site","title":"T","type":"Word"}`, `"resourceVisualization":[]`)), status: 400, why: "wrongType"},
		{desc: "4,097-character title", r: post(edit(`"T"`, `"`+strings.Repeat("t", 4097)+`"`)), status: 400, why: "tooLong"},
		{desc: "513-character id", r: post(edit(`{"lastUsed"`, `{"id":"`+strings.Repeat("i", 513)+`","lastUsed"`)), status: 400, why: "invalidId"},
		{desc: "id with a slash", r: post(edit(`{"lastUsed"`, `{"id":"../x","lastUsed"`)), status: 400, why: "invalidId"},
		{desc: "javascript: URL", r: post(edit(`"https://contoso.example/Shared Documents/T"`, `"javascript:alert(1)"`)), status: 400, why: "invalidUrl"},
		{desc: "__proto__ member", r: post(edit(`{"lastUsed"`, `{"__proto__":{"admin":true},"lastUsed"`)), status: 400, why: "unknownMember"},
		{desc: "wrong @odata.type", r: post(edit(`{"lastUsed"`, `{"@odata.type":"#microsoft.graph.user","lastUsed"`)), status: 400, why: "invalidODataType"},
		{desc: "$batch not JSON", r: postBatch("requests=1"), status: 400},
		{desc: "$batch of 21 requests", r: postBatch(batch(21)), status: 400},
	}
}

// ---- query options ----

func (hx *hostileEnv) queryCases() []hostile {
	list := func(query string) req { return req{method: "GET", path: "/me/insights/used?" + query} }
	valid := base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"k":"garbage","h":"0000"}`))
	return []hostile{
		{desc: "$top=-1", r: list("$top=-1"), status: 400, why: "$top"},
		{desc: "$top=0", r: list("$top=0"), status: 400, why: "$top"},
		{desc: "$top=1000", r: list("$top=1000"), status: 400, why: "$top"},
		{desc: "$top=99999999999999999999", r: list("$top=99999999999999999999"), status: 400, why: "$top"},
		{desc: "$top=abc", r: list("$top=abc"), status: 400, why: "$top"},
		{desc: "$top=1.5", r: list("$top=1.5"), status: 400, why: "$top"},
		{desc: "$top=0x10", r: list("$top=0x10"), status: 400, why: "$top"},
		{desc: "$top empty", r: list("$top="), status: 400, why: "$top"},
		{desc: "$top repeated", r: list("$top=1&$top=2"), status: 400, why: "more than once"},
		{desc: "$top and $TOP", r: list("$top=1&$TOP=2"), status: 400, why: "more than once"},
		{desc: "$skiptoken=garbage", r: list("$skiptoken=garbage"), status: 400, why: "$skiptoken"},
		{desc: "$skiptoken of 6,000 characters", r: list("$skiptoken=" + strings.Repeat("A", 6000)), status: 400, why: "$skiptoken"},
		{desc: "$skiptoken of valid base64url garbage", r: list("$skiptoken=" + valid), status: 400, why: "$skiptoken"},
		{desc: "$skiptoken forged with an unkeyed check and a garbage KV cursor", r: list("$skiptoken=" + forgedPageToken(hx.user)), status: 400, why: "$skiptoken"},
		{desc: "$skiptoken empty", r: list("$skiptoken="), status: 400, why: "$skiptoken"},
		{desc: "$skiptoken with NUL", r: list("$skiptoken=a%00b"), status: 400, why: "$skiptoken"},
		{desc: "$skiptoken repeated", r: list("$skiptoken=a&$skiptoken=b"), status: 400, why: "more than once"},
		{desc: "$filter with an unbalanced quote", r: list("$filter=ResourceVisualization/Type%20eq%20'Word"), status: 400, why: "$filter"},
		{desc: "$filter with an unbalanced parenthesis", r: list("$filter=(ResourceVisualization/Type%20eq%20'Word'"), status: 400, why: "$filter"},
		{desc: "$filter with an extra parenthesis", r: list("$filter=ResourceVisualization/Type%20eq%20'Word')"), status: 400, why: "$filter"},
		{desc: "$filter with 10,000 parentheses", r: list("$filter=" + strings.Repeat("(", 10000)), status: 400, why: "$filter"},
		{desc: "$filter with an unknown function", r: list("$filter=startswith(ResourceVisualization/Type,'W')"), status: 400, why: "$filter"},
		{desc: "$filter with or", r: list("$filter=ResourceVisualization/Type%20eq%20'Word'%20or%20ResourceVisualization/Type%20eq%20'Excel'"), status: 400, why: "$filter"},
		{desc: "$filter with ne", r: list("$filter=ResourceVisualization/Type%20ne%20'Word'"), status: 400, why: "$filter"},
		{desc: "$filter empty", r: list("$filter="), status: 400, why: "$filter"},
		{desc: "$filter with NUL", r: list("$filter=ResourceVisualization/Type%20eq%20'%00'%00"), status: 400, why: "$filter"},
		{desc: "$filter on $count, unbalanced", r: req{method: "GET", path: "/me/insights/used/$count?$filter=('"}, status: 400, why: "$filter"},
		{desc: "$orderby on an unknown property", r: list("$orderby=resourceVisualization/title"), status: 400, why: "$orderby"},
		{desc: "$orderby sideways", r: list("$orderby=LastUsed/LastAccessedDateTime%20sideways"), status: 400, why: "$orderby"},
		{desc: "$orderby with three words", r: list("$orderby=LastUsed/LastAccessedDateTime%20asc%20desc"), status: 400, why: "$orderby"},
		{desc: "$select of an unknown member", r: list("$select=password"), status: 400, why: "$select"},
		{desc: "$select of a nested member", r: list("$select=lastUsed/lastAccessedDateTime"), status: 400, why: "$select"},
		{desc: "$expand", r: list("$expand=resource"), status: 400, why: "$expand"},
		{desc: "$search", r: list(`$search="word"`), status: 400, why: "$search"},
		{desc: "$format", r: list("$format=xml"), status: 400, why: "$format"},
		{desc: "$apply", r: list("$apply=groupby((id))"), status: 400, why: "$apply"},
		{desc: "an unknown $ option", r: list("$evil=1"), status: 400, why: "$evil"},
		{desc: "$count=maybe", r: list("$count=maybe"), status: 400, why: "$count"},
		{desc: "%zz in a value", r: list("$top=%zz"), status: 400},
		{desc: "%zz in a name", r: list("%zz=1"), status: 400},
		{desc: "a lone %", r: list("$filter=%"), status: 400},
		{desc: "$top on an item", r: req{method: "GET", path: "/me/insights/used/x?$top=1"}, status: 400, why: "$top"},
		{desc: "$select on a create", r: req{method: "POST", path: "/me/insights/used?$select=id", body: hx.seed}, status: 400, why: "$select"},
		{desc: "$orderby on $count", r: req{method: "GET", path: "/me/insights/used/$count?$orderby=LastUsed/LastAccessedDateTime"}, status: 400, why: "$orderby"},
	}
}

// forgedPageToken is a page token for user's default list in the format of version 1, whose
// check was an unkeyed SHA-256 anyone could compute (internal/store/token.go before keyed tags),
// carrying a resume point with a garbage Workers KV cursor. The Worker took such a token for
// its own and handed the cursor to KV, which may refuse it (a 503).
func forgedPageToken(user string) string {
	str := func(b []byte, s string) []byte { return append(binary.AppendUvarint(b, uint64(len(s))), s...) }
	payload := binary.AppendUvarint(nil, 100)      // the List limit
	payload = binary.AppendUvarint(payload, 0)     // no "after" key
	payload = append(payload, "garbage-cursor"...) // the KV cursor
	in := str(nil, "usedinsight page token")
	in = append(in, 1, 0, 0) // version 1, by lastAccessedDateTime, descending
	in = str(in, user)
	in = append(in, 0, 0, 0) // no filter
	sum := sha256.Sum256(append(in, payload...))
	tok := append(append([]byte{1}, sum[:8]...), payload...)
	return base64.RawURLEncoding.EncodeToString(tok)
}

// ---- paths ----

func (hx *hostileEnv) pathCases() []hostile {
	get := func(path string) req { return req{method: "GET", path: path} }
	raw := func(target string) *rawReq { return &rawReq{method: "GET", target: target} }
	long := strings.Repeat("a", 2000)
	valid := insight("", "2020-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", "T")
	return []hostile{
		{desc: "2,000-character id: GET", r: get("/me/insights/used/" + long), status: 400, why: "Invalid id"},
		{desc: "2,000-character id: PATCH", r: req{method: "PATCH", path: "/v1.0/me/insights/used/" + long, body: `{}`}, status: 400, why: "Invalid id"},
		{desc: "2,000-character id: DELETE", r: req{method: "DELETE", path: "/me/insights/used/" + long}, status: 400, why: "Invalid id"},
		{desc: "513-character id", r: get("/me/insights/used/" + strings.Repeat("b", 513)), status: 400, why: "Invalid id"},
		{desc: "2,000-character user", r: get("/users/" + long + "/insights/used"), status: 400, why: "longer than any user name"},
		{desc: "2,000-character user: create", r: req{method: "POST", path: "/users/" + long + "/insights/used", body: valid}, status: 400, why: "longer than any user name"},
		{desc: "16,000-character path", r: get("/me/insights/used/x" + strings.Repeat("/y", 8000)), status: 404},
		{desc: "%00 as the id", r: get("/me/insights/used/%00"), status: 404},
		{desc: "%00 inside the id", r: req{method: "DELETE", path: "/me/insights/used/a%00b"}, status: 404},
		{desc: "%00 as the user", r: get("/users/%00/insights/used"), status: 404},
		{desc: "%00 after me", r: get("/me%00/insights/used"), status: 404},
		{desc: "%00 in the version", r: req{method: "POST", path: "/v1.0%00/me/insights/used", body: valid}, status: 404},
		{desc: "%2e%2e as the id", r: get("/me/insights/used/%2e%2e"), status: 404},
		{desc: "%2e%2e traversal to another user", r: get("/me/insights/used/%2e%2e/%2e%2e/%2e%2e/users/someone-else/insights/used"), status: 403},
		{desc: "../ traversal", raw: raw("/me/insights/used/../../../etc/passwd"), status: 404},
		{desc: "../ traversal to another user", raw: raw("/me/../users/someone-else/insights/used"), status: 403},
		{desc: "%2F in the id", r: get("/me/insights/used/..%2F..%2Fetc%2Fpasswd"), status: 400, why: "Invalid id"},
		{desc: "%5C in the id", r: get("/me/insights/used/..%5C..%5Cwin.ini"), status: 400, why: "Invalid id"},
		{desc: "a leading //", raw: raw("//me/insights/used"), status: 404},
		{desc: "// in the middle", r: get("/me//insights/used"), status: 404},
		{desc: "a trailing /", r: get("/me/insights/used/"), status: 404},
		{desc: "an empty user", r: get("/users//insights/used"), status: 404},
		{desc: "a space as the id", r: get("/me/insights/used/%20"), status: 400, why: "Invalid id"},
		{desc: "a unicode id", r: get("/me/insights/used/caf%C3%A9"), status: 400, why: "Invalid id"},
		{desc: "an emoji id", r: get("/me/insights/used/%F0%9F%98%80"), status: 400, why: "Invalid id"},
		{desc: "an overlong UTF-8 id", r: get("/me/insights/used/%C0%AE%C0%AE"), status: 400, why: "Invalid id"},
		{desc: "an invalid UTF-8 id", r: get("/me/insights/used/%FF%FE"), status: 400, why: "Invalid id"},
		// The Fetch API passes these on as they are; Go's URL parser refuses them.
		{desc: "%zz in the path", raw: raw("/me/insights/used/%zz"), status: 400, why: `invalid URL escape "%zz"`},
		{desc: "a lone % in the path", raw: raw("/me/insights/used/%"), status: 400, why: `invalid URL escape "%"`},
		{desc: "$COUNT", r: get("/me/insights/used/$COUNT"), status: 400, why: "Invalid id"},
		{desc: "$count/$count", r: get("/me/insights/used/$count/$count"), status: 404},
		{desc: "a path parameter", r: get("/me/insights/used;jsessionid=1"), status: 404},
		{desc: "a user name with /", r: get("/users/" + hx.user + "%2Fx/insights/used"), status: 403},
		{desc: "a user name with .. and /", r: get("/users/..%2F" + hx.user + "/insights/used"), status: 403},
		{desc: "a unicode user name", r: get("/users/%C3%A9ric/insights/used"), status: 403},
		{desc: "an invalid UTF-8 user name", r: get("/users/%FF/insights/used"), status: 403},
		{desc: "/dev/token without DEV_TOKENS", r: req{method: "POST", path: "/dev/token", body: `{"sub":"admin","roles":["Sites.ReadWrite.All"]}`}, status: 404},
	}
}

// ---- headers ----

// jws makes a compact JWS of header and claims signed by sign (nil: no signature).
func jws(header string, claims map[string]any, sign func(input string) []byte) string {
	b64 := base64.RawURLEncoding.EncodeToString
	c, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	in := b64([]byte(header)) + "." + b64(c)
	if sign == nil {
		return in + "."
	}
	return in + "." + b64(sign(in))
}

func hmacWith(h func() hash.Hash, key string) func(string) []byte {
	return func(in string) []byte {
		m := hmac.New(h, []byte(key))
		m.Write([]byte(in))
		return m.Sum(nil)
	}
}

func (hx *hostileEnv) headerCases() []hostile {
	now := hx.now
	// claims are those of the test user's valid token, with edits (nil removes a claim).
	claims := func(edits ...any) map[string]any {
		c := map[string]any{"sub": hx.user, "scp": "Sites.ReadWrite.All", "aud": hostileAudience, "iss": hostileIssuer,
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		for i := 0; i+1 < len(edits); i += 2 {
			if edits[i+1] == nil {
				delete(c, edits[i].(string))
			} else {
				c[edits[i].(string)] = edits[i+1]
			}
		}
		return c
	}
	hs256 := hmacWith(sha256.New, hx.w.secret)
	const jwtHS256 = `{"alg":"HS256","typ":"JWT"}`
	auth := func(value string) req {
		return req{method: "GET", path: "/me/insights/used", header: map[string]string{"Authorization": value}}
	}
	create := func(value string) req {
		return req{method: "POST", path: "/me/insights/used", body: hx.seed, header: map[string]string{"Authorization": value}}
	}
	valid := hx.token
	head, payload, _ := strings.Cut(valid, ".")
	payload, sig, _ := strings.Cut(payload, ".")
	// tokenOf is a validly signed token of exactly n bytes.
	tokenOf := func(n int) string {
		tok := jws(jwtHS256, claims("pad", ""), hs256)
		pad := (n - len(tok)) * 3 / 4
		for {
			tok = jws(jwtHS256, claims("pad", strings.Repeat("p", pad)), hs256)
			if len(tok) >= n {
				return tok
			}
			pad++
		}
	}
	// duplicated is the valid token's claims with one more member of that name, validly signed.
	duplicated := func(name, value string) string {
		c, _ := json.Marshal(claims())
		c = append(c[:len(c)-1], `,"`+name+`":"`+value+`"}`...)
		b64 := base64.RawURLEncoding.EncodeToString
		in := b64([]byte(jwtHS256)) + "." + b64(c)
		return in + "." + b64(hs256(in))
	}
	return []hostile{
		{desc: "no Authorization", r: auth(""), status: 401, why: "empty"},
		{desc: "Bearer and nothing", r: auth("Bearer"), status: 401},
		{desc: "Bearer and spaces", raw: &rawReq{method: "GET", target: "/me/insights/used", header: []string{"Authorization: Bearer    "}}, status: 401},
		{desc: "Basic", r: auth("Basic dXNlcjpwYXNzd29yZA=="), status: 401, why: "not a Bearer token"},
		{desc: "Digest", r: auth(`Digest username="u", realm="r", nonce="n", uri="/", response="x"`), status: 401, why: "not a Bearer token"},
		{desc: "a valid token without a scheme", r: auth(valid), status: 401, why: "not a Bearer token"},
		{desc: "a valid token with the scheme Token", r: auth("Token " + valid), status: 401, why: "not a Bearer token"},
		{desc: "a valid token and more", r: auth("Bearer " + valid + " " + valid), status: 401},
		{desc: "two Authorization headers", raw: &rawReq{method: "GET", target: "/me/insights/used", header: []string{"Authorization: Bearer " + valid, "Authorization: Bearer " + valid}}, status: 401},
		{desc: "two segments", r: auth("Bearer " + head + "." + payload), status: 401, why: "80049217"},
		{desc: "four segments", r: auth("Bearer " + valid + ".e30"), status: 401, why: "80049217"},
		{desc: "three dots", r: auth("Bearer ..."), status: 401, why: "80049217"},
		{desc: "dots only, two", r: auth("Bearer .."), status: 401, why: "80049217"},
		{desc: "garbage base64", r: auth("Bearer !!!.@@@.###"), status: 401, why: "80049217"},
		{desc: "padded base64", r: auth("Bearer " + head + "==." + payload + "." + sig), status: 401, why: "80049217"},
		{desc: "standard base64 alphabet", r: auth("Bearer " + strings.NewReplacer("-", "+", "_", "/").Replace(valid) + "+/"), status: 401, why: "80049217"},
		{desc: "a header that is not JSON", r: auth("Bearer " + base64.RawURLEncoding.EncodeToString([]byte("not json")) + "." + payload + "." + sig), status: 401, why: "80049217"},
		{desc: "a signature of garbage", r: auth("Bearer " + head + "." + payload + ".AAAA"), status: 401, why: "Invalid signature"},
		{desc: "a signature for other claims", r: auth("Bearer " + head + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin","roles":["Sites.ReadWrite.All"]}`)) + "." + sig), status: 401, why: "Invalid signature"},
		{desc: "alg none", r: auth("Bearer " + jws(`{"alg":"none","typ":"JWT"}`, claims(), nil)), status: 401},
		{desc: "alg None, signed", r: auth("Bearer " + jws(`{"alg":"None","typ":"JWT"}`, claims(), hs256)), status: 401, why: "not supported"},
		{desc: "no alg", r: auth("Bearer " + jws(`{"typ":"JWT"}`, claims(), hs256)), status: 401, why: "no signing algorithm"},
		{desc: "HS512 with the secret", r: auth("Bearer " + jws(`{"alg":"HS512","typ":"JWT"}`, claims(), hmacWith(sha512.New, hx.w.secret))), status: 401, why: "not supported"},
		{desc: "HS512 header, HS256 signature", r: auth("Bearer " + jws(`{"alg":"HS512","typ":"JWT"}`, claims(), hs256)), status: 401, why: "not supported"},
		{desc: "RS256 header, HMAC with the secret", r: auth("Bearer " + jws(`{"alg":"RS256","typ":"JWT"}`, claims(), hs256)), status: 401, why: "No key is configured"},
		{desc: "ES256 header, HMAC with the secret", r: auth("Bearer " + jws(`{"alg":"ES256","typ":"JWT"}`, claims(), hs256)), status: 401, why: "No key is configured"},
		{desc: "crit header", r: auth("Bearer " + jws(`{"alg":"HS256","crit":["exp"],"typ":"JWT"}`, claims(), hs256)), status: 401, why: "critical extensions"},
		{desc: "expired 2 minutes ago", r: auth("Bearer " + jws(jwtHS256, claims("exp", now.Add(-2*time.Minute).Unix()), hs256)), status: 401, why: "expired"},
		{desc: "expired in 1970", r: create("Bearer " + jws(jwtHS256, claims("exp", 1), hs256)), status: 401, why: "expired"},
		{desc: "nbf 2 minutes ahead", r: auth("Bearer " + jws(jwtHS256, claims("nbf", now.Add(2*time.Minute).Unix()), hs256)), status: 401, why: "not yet valid"},
		{desc: "no exp", r: auth("Bearer " + jws(jwtHS256, claims("exp", nil), hs256)), status: 401, why: "no expiry"},
		{desc: "exp a string", r: auth("Bearer " + jws(jwtHS256, claims("exp", "9999999999"), hs256)), status: 401},
		{desc: "exp 1e400", r: auth("Bearer " + jws(jwtHS256, claims("exp", json.Number("1e400")), hs256)), status: 401},
		{desc: "wrong audience", r: create("Bearer " + jws(jwtHS256, claims("aud", "api://someone-else"), hs256)), status: 401, why: "Invalid audience"},
		{desc: "no audience", r: auth("Bearer " + jws(jwtHS256, claims("aud", nil), hs256)), status: 401, why: "Invalid audience"},
		{desc: "audiences without ours", r: auth("Bearer " + jws(jwtHS256, claims("aud", []string{"a", "b"}), hs256)), status: 401, why: "Invalid audience"},
		{desc: "audience of another case", r: auth("Bearer " + jws(jwtHS256, claims("aud", strings.ToUpper(hostileAudience)), hs256)), status: 401, why: "Invalid audience"},
		{desc: "wrong issuer", r: auth("Bearer " + jws(jwtHS256, claims("iss", "https://evil.example/"), hs256)), status: 401, why: "Invalid issuer"},
		{desc: "no subject", r: auth("Bearer " + jws(jwtHS256, claims("sub", nil), hs256)), status: 401, why: "no subject"},
		{desc: "signed with another secret", r: create("Bearer " + jws(jwtHS256, claims(), hmacWith(sha256.New, "not-"+hx.w.secret))), status: 401, why: "Invalid signature"},
		{desc: "17 KB token", r: auth("Bearer " + tokenOf(17_000)), status: 401, why: "too long"},
		// 100 KB is within workerd's 128 KiB for a request head: the Worker sees it.
		{desc: "100 KB token", r: create("Bearer " + tokenOf(100_000)), status: 401, why: "too long"},
		{desc: "Authorization with a control character", raw: &rawReq{method: "GET", target: "/me/insights/used", header: []string{"Authorization: Bearer \x01" + valid}}, status: 401},
		{desc: "Authorization with Latin-1 bytes", raw: &rawReq{method: "GET", target: "/me/insights/used", header: []string{"Authorization: Bearer \xe9" + valid}}, status: 401},
		{desc: "an empty scp", r: auth("Bearer " + jws(jwtHS256, claims("scp", ""), hs256)), status: 403},
		// Without scp and without roles it is no application token either: no permission at all.
		{desc: "neither scp nor roles", r: auth("Bearer " + jws(jwtHS256, claims("scp", nil), hs256)), status: 403},
		{desc: "roles without scp: an application, refused /me", r: auth("Bearer " + jws(jwtHS256, claims("scp", nil, "roles", []string{"Sites.Read.All"}), hs256)), status: 400, why: "/me request is only valid with delegated authentication flow"},
		{desc: "roles of a user (idtyp user)", r: auth("Bearer " + jws(jwtHS256, claims("scp", nil, "roles", []string{"Sites.Read.All"}, "idtyp", "user"), hs256)), status: 403},
		{desc: "an ID token", r: auth("Bearer " + jws(jwtHS256, claims("nonce", "n"), hs256)), status: 401},
		{desc: "a duplicate claim", r: auth("Bearer " + duplicated("sub", "someone-else")), status: 401},
		{desc: "a scope that reads, creating", r: create("Bearer " + jws(jwtHS256, claims("scp", "Sites.Read.All"), hs256)), status: 403},
		{desc: "a scope in the wrong case", r: auth("Bearer " + jws(jwtHS256, claims("scp", "sites.readwrite.all"), hs256)), status: 403},
		{desc: "roles with scp", r: create("Bearer " + jws(jwtHS256, claims("scp", "User.Read", "roles", []string{"Sites.ReadWrite.All"}), hs256)), status: 403},
		{desc: "an application token on /me", r: auth("Bearer " + jws(jwtHS256, claims("scp", nil, "roles", []string{"Sites.ReadWrite.All"}), hs256)), status: 400, why: "/me request is only valid with delegated authentication flow"},
	}
}

// ---- methods ----

func (hx *hostileEnv) methodCases() []hostile {
	const (
		collection = "GET, POST, OPTIONS"
		item       = "GET, PATCH, DELETE, OPTIONS"
	)
	seedBody := hx.seed
	return []hostile{
		{desc: "PUT the collection", r: req{method: "PUT", path: "/me/insights/used", body: seedBody}, status: 405, allow: collection},
		{desc: "PATCH the collection", r: req{method: "PATCH", path: "/me/insights/used", body: `{}`}, status: 405, allow: collection},
		{desc: "DELETE the collection", r: req{method: "DELETE", path: "/me/insights/used"}, status: 405, allow: collection},
		{desc: "DELETE another user's collection", r: req{method: "DELETE", path: "/users/someone-else/insights/used"}, status: 405, allow: collection},
		{desc: "POST an item", r: req{method: "POST", path: "/me/insights/used/x", body: seedBody}, status: 405, allow: item},
		{desc: "PUT an item", r: req{method: "PUT", path: "/beta/me/insights/used/x", body: seedBody}, status: 405, allow: item},
		{desc: "TRACE", r: req{method: "TRACE", path: "/me/insights/used"}, status: 405, allow: collection},
		// Methods workerd knows reach the Worker (unknown ones do not: runtimeCases).
		{desc: "PROPFIND", r: req{method: "PROPFIND", path: "/me/insights/used"}, status: 405, allow: collection},
		{desc: "MKCOL", r: req{method: "MKCOL", path: "/me/insights/used/x"}, status: 405, allow: item},
		{desc: "PURGE", r: req{method: "PURGE", path: "/me/insights/used/$count"}, status: 405, allow: "GET, OPTIONS"},
		{desc: "PATCH $count", r: req{method: "PATCH", path: "/me/insights/used/$count", body: `{}`}, status: 405, allow: "GET, OPTIONS"},
		{desc: "DELETE $ref", r: req{method: "DELETE", path: "/me/insights/used/$ref"}, status: 405, allow: "POST, OPTIONS"},
		{desc: "GET $batch", r: req{method: "GET", path: "/$batch"}, status: 405, allow: "POST, OPTIONS"},
		{desc: "DELETE $metadata", r: req{method: "DELETE", path: "/v1.0/$metadata"}, status: 405, allow: "GET, OPTIONS"},
		{desc: "HEAD $ref", r: req{method: "HEAD", path: "/me/insights/used/$ref"}, status: 405, allow: "POST, OPTIONS"},
		{desc: "HEAD an item that does not exist", r: req{method: "HEAD", path: "/me/insights/used/nothing"}, status: 404},
	}
}

// toleratedCases are odd inputs that are fine: each is served (as the test user, reading).
func (hx *hostileEnv) toleratedCases() []hostile {
	now := hx.now
	claims := map[string]any{"sub": hx.user, "scp": "Sites.ReadWrite.All", "aud": hostileAudience, "iss": hostileIssuer, "exp": now.Add(time.Hour).Unix()}
	handMade := jws(`{"alg":"HS256","typ":"JWT"}`, claims, hmacWith(sha256.New, hx.w.secret))
	claims["aud"] = []string{"other", hostileAudience}
	audiences := jws(`{"alg":"HS256","typ":"JWT"}`, claims, hmacWith(sha256.New, hx.w.secret))
	auth := func(value string) req {
		return req{method: "GET", path: "/me/insights/used", header: map[string]string{"Authorization": value}}
	}
	var thousand []string
	for i := range 1000 {
		thousand = append(thousand, fmt.Sprintf("X-Header-%d: %d", i, i))
	}
	return []hostile{
		// The baseline of the forged tokens above: made the same way, signed right.
		{desc: "a hand-made HS256 token", r: auth("Bearer " + handMade), status: 200},
		{desc: "aud an array with ours", r: auth("Bearer " + audiences), status: 200},
		// RFC 7235 §2.1: the auth-scheme is case-insensitive.
		{desc: "bearer in lower case", r: auth("bearer " + hx.token), status: 200},
		{desc: "BEARER", r: auth("BEARER " + hx.token), status: 200},
		{desc: "expired 30 s ago: within the leeway", r: auth("Bearer " + hx.w.sign(map[string]any{"sub": hx.user, "scp": "Sites.Read.All"}, time.Minute, time.Now().Add(-90*time.Second))), status: 200},
		{desc: "a 300-character client-request-id", r: req{method: "GET", path: "/me/insights/used", header: map[string]string{"client-request-id": strings.Repeat("c", 300)}}, status: 200},
		{desc: "a query parameter that is not an option", r: req{method: "GET", path: "/me/insights/used?foo=%00&$top=5&bar"}, status: 200},
		{desc: "HEAD the collection", r: req{method: "HEAD", path: "/me/insights/used"}, status: 200},
		{desc: "a 100 KB header", r: req{method: "GET", path: "/me/insights/used", header: map[string]string{"X-Padding": strings.Repeat("x", 100_000)}}, status: 200},
		{desc: "1,000 headers", raw: &rawReq{method: "GET", target: "/me/insights/used/$count", header: thousand}, status: 200},
	}
}

// runtimeCases are inputs that the runtime answers itself, under wrangler dev 4.86 (workerd's
// HTTP server, kj-http), before any code of the Worker runs: the answer is workerd's (no
// request-id, not Graph's envelope). Each is answered, and the Worker serves the next request.
func (hx *hostileEnv) runtimeCases() []hostile {
	return []hostile{
		// kj-http knows a fixed set of methods (those of WebDAV included) and answers others
		// 501 Not Implemented, as RFC 9110 §9.1 recommends for an unrecognized method.
		{desc: "an unknown method", r: req{method: "FOO", path: "/me/insights/used/x"}, status: 501},
		{desc: "a 100-character method", r: req{method: strings.Repeat("M", 100), path: "/me/insights/used"}, status: 501},
		{desc: "a method in lower case", raw: &rawReq{method: "get", target: "/me/insights/used/$count"}, status: 501},
		// A request head (request line and headers) may have up to 128 KiB; a longer one is a
		// 431 Request Header Fields Too Large, whatever header makes it long. (The Worker's own
		// limit on a token, 16 KiB, is far below: the 100 KB token above reaches it.)
		{desc: "a 140 KB token", r: req{method: "GET", path: "/me/insights/used", header: map[string]string{"Authorization": "Bearer " + strings.Repeat("t", 140_000)}}, status: 431},
		{desc: "a head of 128 KiB", r: req{method: "GET", path: "/me/insights/used", header: map[string]string{"X-Padding": strings.Repeat("x", 128<<10)}}, status: 431},
		{desc: "a header line without a colon", raw: &rawReq{method: "GET", target: "/me/insights/used/$count", header: []string{"NoColonHere"}}, status: 400},
		{desc: "NUL in a header value", raw: &rawReq{method: "GET", target: "/me/insights/used/$count", header: []string{"X-A: a\x00b"}}, status: 400},
		{desc: "NUL in the request target", raw: &rawReq{method: "GET", target: "/me/insights/used/a\x00b"}, status: 400},
		// workerd fails these with a bare 500 Internal Server Error, logging an uncaught
		// exception of its own ("Incoming CONNECT on a worker not supported", "invalid URL",
		// "unknown transfer encoding"); Cloudflare's edge refuses them before a Worker runs.
		{desc: "CONNECT", raw: &rawReq{method: "CONNECT", target: "/me/insights/used"}, status: 500},
		{desc: "Content-Length not a number", raw: &rawReq{method: "POST", target: "/me/insights/used", header: []string{"Content-Type: application/json", "Content-Length: abc"}, body: "{}"}, status: 500},
		{desc: "two different Content-Lengths", raw: &rawReq{method: "POST", target: "/me/insights/used", header: []string{"Content-Type: application/json", "Content-Length: 2", "Content-Length: 3"}, body: "{}x"}, status: 500},
		{desc: "Transfer-Encoding gzip", raw: &rawReq{method: "POST", target: "/me/insights/used", header: []string{"Content-Type: application/json", "Transfer-Encoding: gzip, chunked"}, body: "2\r\n{}\r\n0\r\n\r\n"}, status: 500},
		{desc: "an absolute-form target of another host", raw: &rawReq{method: "GET", target: "http://evil.example/me/insights/used/$count"}, status: 500},
		{desc: "OPTIONS *", raw: &rawReq{method: "OPTIONS", target: "*"}, status: 500},
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
