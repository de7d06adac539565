package api

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/kvstore"
	"github.com/usedinsight/usedinsight/internal/resource"
	"github.com/usedinsight/usedinsight/internal/store"
)

// TestSkipToken: a $skiptoken that the service did not issue for this user's query, under its
// own key, is a 400 naming $skiptoken, never a 5xx. The store is kvstore, whose tokens carry
// KV list cursors that KV fails on when they are garbage (a 503, before tokens were keyed).
func TestSkipToken(t *testing.T) {
	key := store.NewTokenKey(secret)
	h := server(t, func(c *Config) { c.Store = kvstore.New(kvstore.NewMemoryKV(), key) })
	for i := range 5 {
		expect(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt(fmt.Sprintf("2020-01-0%dT00:00:00Z", i+1))}, 201, "")
	}
	next := gjson.Get(expect(t, h, call{method: "GET", url: "/me/insights/used?$top=2"}, 200, "").Body.String(), `\@odata\.nextLink`).Str
	u, err := url.Parse(next)
	if err != nil || u.Query().Get("$skiptoken") == "" {
		t.Fatalf("nextLink %q", next)
	}
	tok := u.Query().Get("$skiptoken")
	if w := expect(t, h, call{method: "GET", url: strings.TrimPrefix(next, "http://api.test")}, 200, ""); gjson.Get(w.Body.String(), "value.#").Int() != 2 {
		t.Errorf("next page: %s", w.Body)
	}

	alicesQuery := store.Query{} // GET .../insights/used: newest accessed first, no filter
	alice := store.Space{Collection: resource.Used, User: "alice-oid"}
	// A KV cursor that the Memory KV (like Workers KV) fails on, in a well-formed cursor payload.
	garbage := []byte("\x19\x00not a cursor")
	bob := map[string]string{"Authorization": "Bearer " + token(t, map[string]any{"sub": "bob", "oid": "bob-oid", "upn": "bob@contoso.com"})}
	// The premise: that payload, under the service's own key, reaches KV and fails there. So
	// the cases below are turned away by the key alone.
	if w := do(t, h, call{method: "GET", url: "/me/insights/used?$top=2&$skiptoken=" + key.EncodeToken(alice, alicesQuery, garbage)}); w.Code != 503 {
		t.Fatalf("garbage cursor under the service's key: %d, want KV's failure (503): %s", w.Code, w.Body)
	}
	for _, tt := range []struct {
		desc   string
		token  string
		query  string // more of the request's query
		header map[string]string
	}{
		{"garbage cursor, signed with another key", store.NewTokenKey("not the secret").EncodeToken(alice, alicesQuery, garbage), "", nil},
		{"garbage cursor, signed with the empty secret's key", store.NewTokenKey("").EncodeToken(alice, alicesQuery, garbage), "", nil},
		{"valid token, other user", tok, "", bob},
		{"valid token, other order", tok, "&$orderby=LastUsed/LastAccessedDateTime%20asc", nil},
		{"valid token, other filter", tok, "&$filter=ResourceVisualization/Type%20eq%20'Word'", nil},
		{"valid token, made with another key", store.NewTokenKey(secret+"x").EncodeToken(alice, alicesQuery, mustDecode(t, key, tok, alice, alicesQuery)), "", nil},
		{"truncated", tok[:len(tok)-3], "", nil},
		{"garbage", "!@#$", "", nil},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			w := expect(t, h, call{method: "GET", url: "/me/insights/used?$top=2&$skiptoken=" + url.QueryEscape(tt.token) + tt.query, header: tt.header}, 400, "invalidRequest")
			if target := gjson.Get(w.Body.String(), "error.target").Str; target != "$skiptoken" {
				t.Errorf("error target %q, want $skiptoken", target)
			}
		})
	}
}

func mustDecode(t *testing.T, key *store.TokenKey, tok string, sp store.Space, q store.Query) []byte {
	t.Helper()
	p, err := key.DecodeToken(tok, sp, q)
	if err != nil {
		t.Fatalf("the nextLink's token for %+v does not decode: %v", sp, err)
	}
	return p
}

// BenchmarkList: a first page and a next page (its $skiptoken checked) of 200 records.
func BenchmarkList(b *testing.B) {
	h := server(b)
	for i := range 200 {
		if w := do(b, h, call{method: "POST", url: "/me/insights/used", body: insightAt(fmt.Sprintf("2020-01-01T00:%02d:%02dZ", i/60, i%60))}); w.Code != 201 {
			b.Fatalf("create: %d %s", w.Code, w.Body)
		}
	}
	first := call{method: "GET", url: "/me/insights/used?$top=25", header: map[string]string{"Authorization": "Bearer " + token(b, nil)}}
	next := gjson.Get(do(b, h, first).Body.String(), `\@odata\.nextLink`).Str
	if next == "" {
		b.Fatal("no nextLink")
	}
	second := call{method: "GET", url: strings.TrimPrefix(next, "http://api.test"), header: first.header}
	for _, c := range []struct {
		name string
		call call
	}{{"page=1", first}, {"page=2", second}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if w := do(b, h, c.call); w.Code != 200 {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}
