package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/auth"
)

// devTokens turns on /dev/token and a Verifier that accepts its tokens, as DEV_TOKENS=1 does.
func devTokens(c *Config) {
	v, err := auth.NewVerifier(auth.Config{Secret: secret, DevTokens: true, Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	c.Verifier, c.DevSecret = v, secret
}

// TestDevTokenHostAndClaims: /dev/token used to sign any claims an anonymous caller sent with
// the real secret, on any host; an application token with any oid, aud and iss came out.
func TestDevTokenHostAndClaims(t *testing.T) {
	h := server(t, devTokens)
	tests := []struct {
		host, body string
		want       int
		says       string
	}{
		{"localhost", "", 200, ""},
		{"localhost:8787", "", 200, ""},
		{"LOCALHOST:1", "", 200, ""},
		{"127.0.0.1:8787", "", 200, ""},
		{"[::1]:8787", "", 200, ""},
		{"[::1]", "", 200, ""},
		{"usedinsight.example.workers.dev", "", 404, ""},
		{"localhost.evil.example", "", 404, ""},
		{"127.0.0.1.nip.io", "", 404, ""},
		{"localhost:80x", "", 404, ""},
		{"[::2]:8787", "", 404, ""},
		{"localhost", `{"sub":"bob","aud":"api://usedinsight"}`, 400, `"aud"`},
		{"localhost", `{"roles":["Sites.ReadWrite.All"],"iss":"https://sts.windows.net/x/"}`, 400, `"iss"`},
		{"localhost", `{"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47"}`, 400, `"tid"`},
		{"localhost", `{"exp":99999999999}`, 400, `"exp"`},
		{"localhost", `{"sub":"a","sub":"b"}`, 400, "duplicate"},
	}
	for _, tt := range tests {
		w := do(t, h, call{method: "POST", url: "/dev/token", body: tt.body, header: map[string]string{"Authorization": "", "Host": tt.host}})
		if msg := gjson.Get(w.Body.String(), "error.message").Str; w.Code != tt.want || !strings.Contains(msg, tt.says) {
			t.Errorf("host %s body %s: %d %s, want %d saying %s", tt.host, tt.body, w.Code, w.Body, tt.want, tt.says)
		}
	}
	// A dev token is not a token of the secret: a service without DEV_TOKENS=1 refuses it.
	tok, err := auth.IssueDevToken(secret, []byte(`{"roles":["Sites.ReadWrite.All"]}`), now)
	if err != nil {
		t.Fatal(err)
	}
	if w := do(t, server(t), call{method: "GET", url: "/users/victim/insights/used", header: map[string]string{"Authorization": "Bearer " + tok.AccessToken}}); w.Code != 401 {
		t.Errorf("dev token without DEV_TOKENS: %d %s", w.Code, w.Body)
	}
}

// TestTokenKinds: a token without scp used to be an application token, so an ID token, or a
// user's token carrying app roles, could read any user.
func TestTokenKinds(t *testing.T) {
	h := server(t)
	const other = "/users/bob-oid/insights/used"
	tests := []struct {
		name   string
		claims map[string]any
		url    string
		want   int
	}{
		{"application token", map[string]any{"scp": nil, "roles": []string{"Sites.Read.All"}}, other, 200},
		{"application token, idtyp app", map[string]any{"scp": nil, "roles": []string{"Sites.Read.All"}, "idtyp": "app"}, other, 200},
		{"user token with app roles, idtyp user", map[string]any{"scp": nil, "roles": []string{"Sites.Read.All"}, "idtyp": "user"}, other, 403},
		{"neither scp nor roles", map[string]any{"scp": nil}, "/me/insights/used", 403},
		{"ID token with app roles", map[string]any{"scp": nil, "roles": []string{"Sites.Read.All"}, "nonce": "n"}, other, 401},
		{"ID token by at_hash", map[string]any{"at_hash": "x"}, "/me/insights/used", 401},
		{"delegated token with roles reads only its own", map[string]any{"roles": []string{"Sites.ReadWrite.All"}}, other, 403},
	}
	for _, tt := range tests {
		w := do(t, h, call{method: "GET", url: tt.url, header: map[string]string{"Authorization": "Bearer " + token(t, tt.claims)}})
		if w.Code != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, w.Code, w.Body, tt.want)
		}
	}
}

// TestOnePersonOneRecordSet: an application writing /users/Alice@contoso.com,
// /users/alice@contoso.com and /users/{object id} used to write three record sets, none of them
// the one Alice sees on /me. Now names are refused for applications, object ids in any case are
// one user, and users are qualified by tenant.
func TestOnePersonOneRecordSet(t *testing.T) {
	h := server(t)
	const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	const aliceOid = "c74dcd16-d8af-4df8-9621-d123b58de3e6"
	app := map[string]string{"Authorization": "Bearer " + token(t, map[string]any{"sub": "app", "oid": "app-sp", "upn": nil, "scp": nil, "tid": tenant, "roles": []string{"Sites.ReadWrite.All"}})}
	for _, u := range []string{"Alice@contoso.com", "alice@contoso.com"} {
		w := do(t, h, call{method: "POST", url: "/users/" + u + "/insights/used", body: seed(t), header: app})
		if w.Code != 400 || !strings.Contains(w.Body.String(), "object id") {
			t.Errorf("application POST /users/%s: %d %s", u, w.Code, w.Body)
		}
	}
	for _, u := range []string{aliceOid, strings.ToUpper(aliceOid)} {
		if w := do(t, h, call{method: "POST", url: "/users/" + u + "/insights/used", body: seed(t), header: app}); w.Code != 201 {
			t.Fatalf("application POST /users/%s: %d %s", u, w.Code, w.Body)
		}
	}
	alice := map[string]string{"Authorization": "Bearer " + token(t, map[string]any{"oid": strings.ToUpper(aliceOid), "tid": tenant, "upn": "Alice@contoso.com"})}
	for _, url := range []string{"/me/insights/used/$count", "/users/alice@CONTOSO.com/insights/used/$count", "/users/" + strings.ToUpper(aliceOid) + "/insights/used/$count"} {
		if w := do(t, h, call{method: "GET", url: url, header: alice}); w.Code != 200 || w.Body.String() != "2" {
			t.Errorf("Alice GET %s: %d %s, want 2", url, w.Code, w.Body)
		}
	}
	w := do(t, h, call{method: "GET", url: "/me/insights/used", header: alice})
	if ctx := gjson.Get(w.Body.String(), "@odata\\.context").Str; !strings.Contains(ctx, "users('"+aliceOid+"')") {
		t.Errorf("@odata.context = %q", ctx)
	}
	// The same object id in another tenant is another person.
	otherTenant := map[string]string{"Authorization": "Bearer " + token(t, map[string]any{"oid": aliceOid, "tid": "00000000-0000-0000-0000-000000000001"})}
	if w := do(t, h, call{method: "GET", url: "/me/insights/used/$count", header: otherTenant}); w.Body.String() != "0" {
		t.Errorf("another tenant's user sees %s records", w.Body)
	}
	otherApp := map[string]string{"Authorization": "Bearer " + token(t, map[string]any{"sub": "app", "oid": "app-sp", "scp": nil, "tid": "00000000-0000-0000-0000-000000000001", "roles": []string{"Sites.Read.All"}})}
	if w := do(t, h, call{method: "GET", url: "/users/" + aliceOid + "/insights/used/$count", header: otherApp}); w.Body.String() != "0" {
		t.Errorf("another tenant's application sees %s records", w.Body)
	}
	// $batch takes the same path.
	batch := `{"requests":[{"id":"1","method":"GET","url":"/users/alice@contoso.com/insights/used"},{"id":"2","method":"GET","url":"/users/` + strings.ToUpper(aliceOid) + `/insights/used/$count"},{"id":"3","method":"GET","url":"/me/insights/used"}]}`
	w = do(t, h, call{method: "POST", url: "/$batch", body: batch, header: app})
	b := w.Body.String()
	if gjson.Get(b, `responses.#(id=="1").status`).Int() != 400 || gjson.Get(b, `responses.#(id=="2").body`).Raw == "" || gjson.Get(b, `responses.#(id=="3").status`).Int() != 400 {
		t.Errorf("batch: %s", b)
	}
}

// TestKeysUnavailable: when the identity provider's keys cannot be had, the answer is a 503 with
// Retry-After, not a 401 that makes the client drop a good token.
func TestKeysUnavailable(t *testing.T) {
	v, err := auth.NewVerifier(auth.Config{JWKSURL: "https://login.example/keys", Audience: []string{"a"}, Issuer: []string{"i"},
		Fetch: func(context.Context, string) ([]byte, time.Duration, error) { return nil, 0, context.DeadlineExceeded }})
	if err != nil {
		t.Fatal(err)
	}
	h := server(t, func(c *Config) { c.Verifier = v })
	tok := "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJhIn0.AAAA"
	w := do(t, h, call{method: "GET", url: "/me/insights/used", header: map[string]string{"Authorization": "Bearer " + tok}})
	checkEnvelope(t, w, "serviceNotAvailable")
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Errorf("%d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
}

// TestMisconfiguredHeaders: a configuration error is a 500 naming the setting with the headers
// of every other API error.
func TestMisconfiguredHeaders(t *testing.T) {
	hdr := map[string]string{"client-request-id": "abc-123", "Origin": "http://api.test", "Authorization": ""}
	ordinary := do(t, server(t), call{method: "GET", url: "/me/insights/used", header: hdr})
	bad := do(t, Misconfigured("AUTH_AUDIENCE is required"), call{method: "GET", url: "/me/insights/used", header: hdr})
	if bad.Code != 500 || !strings.Contains(gjson.Get(bad.Body.String(), "error.message").Str, "AUTH_AUDIENCE") {
		t.Fatalf("misconfigured: %d %s", bad.Code, bad.Body)
	}
	if gjson.Get(bad.Body.String(), "error.code").Str != "generalException" || gjson.Get(bad.Body.String(), "error.innerError.client-request-id").Str != "abc-123" {
		t.Errorf("misconfigured body %s", bad.Body)
	}
	for _, name := range []string{"Content-Type", "OData-Version", "Cache-Control", "client-request-id", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Vary"} {
		if got, want := bad.Header().Get(name), ordinary.Header().Get(name); got != want {
			t.Errorf("%s = %q, an ordinary error has %q", name, got, want)
		}
	}
	if bad.Header().Get("request-id") == "" || gjson.Get(bad.Body.String(), "error.innerError.request-id").Str != bad.Header().Get("request-id") {
		t.Errorf("request-id %q, body %s", bad.Header().Get("request-id"), bad.Body)
	}
	// An unprintable client-request-id is not echoed, as elsewhere.
	w := do(t, Misconfigured("x"), call{method: "GET", url: "/", header: map[string]string{"client-request-id": "a\x01b"}})
	if w.Header().Get("client-request-id") != w.Header().Get("request-id") {
		t.Errorf("client-request-id %q", w.Header().Get("client-request-id"))
	}
	_ = http.StatusOK
}
