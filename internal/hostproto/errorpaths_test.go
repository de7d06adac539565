package hostproto

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/api"
	"github.com/usedinsight/usedinsight/internal/auth"
	"github.com/usedinsight/usedinsight/internal/odata"
	"github.com/usedinsight/usedinsight/internal/store"
)

// TestErrorPathsShareHeaders: every way the service answers with an error, served through the
// host as in the Worker, carries the same headers: the API's own errors, the errors of the
// requests of a $batch (served by the API or not run), and the host's (a request it could not
// read, a panic that escaped the handler).
func TestErrorPathsShareHeaders(t *testing.T) {
	const secret = "test-secret-0123456789abcdef0123456789"
	v, err := auth.NewVerifier(auth.Config{Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.New(api.Config{Store: store.NewMemory(store.NewTokenKey(secret)), Verifier: v, Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := auth.IssueHS256(secret, map[string]any{"sub": "alice", "scp": "Sites.ReadWrite.All"}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1.0/panic" {
			panic("escaped the handler")
		}
		a.ServeHTTP(w, r)
	})
	batch := func(cid string) []byte {
		return []byte(`{"requests":[` +
			`{"id":"a","method":"GET","url":"/me/insights/used/missing","headers":{"client-request-id":` + string(gjson.AppendJSONString(nil, cid)) + `}},` +
			`{"id":"b","method":"GET","url":"/me/insights/used","dependsOn":["a"],"headers":{"client-request-id":` + string(gjson.AppendJSONString(nil, cid)) + `}}]}`)
	}
	for _, cid := range []string{"my-request-1", "not printable", ""} {
		for _, tt := range []struct {
			desc   string
			head   string
			body   []byte
			inner  string // for a batch: the id of the inner response to check
			status int
		}{
			{desc: "API: no token", head: "GET\nhttps://h.example/v1.0/me/insights/used\n", status: 401},
			{desc: "API: no such resource", head: "GET\nhttps://h.example/v1.0/nowhere\n", status: 404},
			{desc: "API: method not allowed", head: "PUT\nhttps://h.example/v1.0/me/insights/used\n", status: 405},
			{desc: "batch: served by the API", head: "POST\nhttps://h.example/v1.0/$batch\ncontent-type\napplication/json\nauthorization\nBearer " + tok + "\n",
				inner: "a", status: 404},
			{desc: "batch: not run", head: "POST\nhttps://h.example/v1.0/$batch\ncontent-type\napplication/json\nauthorization\nBearer " + tok + "\n",
				inner: "b", status: 424},
			{desc: "host: a URL that does not parse", head: "GET\nhttps://h.example/%zz\n", status: 400},
			{desc: "host: a malformed head", head: "GET\nhttps://h.example/v1.0/me\nx-name-only\n", status: 500},
			{desc: "host: a panic", head: "GET\nhttps://h.example/v1.0/panic\n", status: 500},
		} {
			desc := tt.desc + ", client-request-id " + cid
			head := tt.head
			if cid != "" && tt.inner == "" && !strings.Contains(tt.desc, "malformed") {
				head += "client-request-id\n" + cid + "\n"
			}
			body := tt.body
			if tt.inner != "" {
				body = batch(cid)
			}
			h, f, _ := testHost(handler, false)
			send(h, 1, 1, head, body)
			c := f.next(t)
			hd, out, status := c.head, c.body, int(c.status)
			if tt.inner != "" {
				if status != 200 {
					t.Fatalf("%s: batch answered %d %s", desc, status, out)
				}
				r := gjson.GetBytes(out, `responses.#(id=="`+tt.inner+`")`)
				status, out, hd = int(r.Get("status").Int()), []byte(r.Get("body").Raw), http.Header{}
				r.Get("headers").ForEach(func(k, v gjson.Result) bool { hd.Set(k.Str, v.Str); return true })
				hd.Set("Content-Length", "-") // the batch's own response carries it
			}
			if status != tt.status {
				t.Errorf("%s: status %d, want %d: %s", desc, status, tt.status, out)
			}
			for _, name := range []string{"request-id", "client-request-id", "OData-Version", "Cache-Control", "Content-Type", "Content-Length"} {
				if hd.Get(name) == "" {
					t.Errorf("%s: no %s header", desc, name)
				}
			}
			rid := hd.Get("request-id")
			wantCID := rid
			if cid == "my-request-1" && !strings.Contains(tt.desc, "malformed") {
				wantCID = cid
			}
			if !uuid.MatchString(rid) || hd.Get("client-request-id") != wantCID || hd.Get("OData-Version") != "4.0" ||
				hd.Get("Cache-Control") != "no-store" || hd.Get("Content-Type") != odata.JSONContentType {
				t.Errorf("%s: headers %v; want a request-id, client-request-id %q, OData-Version 4.0, no-store, JSON", desc, hd, wantCID)
			}
			inner := gjson.GetBytes(out, "error.innerError")
			if inner.Get("request-id").Str != rid || inner.Get("client-request-id").Str != hd.Get("client-request-id") {
				t.Errorf("%s: the body names %s, the headers %s and %s", desc, inner.Raw, rid, hd.Get("client-request-id"))
			}
		}
	}
}
