//go:build e2e

package e2e

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestAuthentication: requests without a usable token are a 401 InvalidAuthenticationToken
// with WWW-Authenticate: Bearer, whatever the method; exp and nbf have 60 s of leeway.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	user := newUser("authn")
	claims := map[string]any{"sub": user, "scp": "Sites.ReadWrite.All"}
	now := time.Now()
	b64 := base64.RawURLEncoding.EncodeToString
	unsigned := b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64([]byte(`{"sub":"`+user+`","scp":"Sites.ReadWrite.All","exp":9999999999}`)) + "."
	valid := w.sign(claims, time.Hour, now)
	tests := []struct {
		desc, authorization string
		status              int
	}{
		{"no token", "", 401},
		{"basic", "Basic YTpi", 401},
		{"empty bearer", "Bearer ", 401},
		{"garbage", "Bearer abc.def.ghi", 401},
		{"not a JWT", "Bearer " + strings.Repeat("x", 40), 401},
		{"alg none", "Bearer " + unsigned, 401},
		{"wrong key", "Bearer " + mustSign(randomHex(32), claims, time.Hour, now), 401},
		{"tampered", "Bearer " + valid[:len(valid)-2] + flip(valid[len(valid)-2:]), 401},
		{"expired", "Bearer " + w.sign(claims, time.Minute, now.Add(-time.Hour)), 401},
		{"not yet valid", "Bearer " + w.sign(claims, 2*time.Hour, now.Add(time.Hour)), 401},
		{"expired 30 s ago: within the leeway", "Bearer " + w.sign(claims, time.Minute, now.Add(-90*time.Second)), 200},
		{"valid", "Bearer " + valid, 200},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			for _, r := range []req{
				{method: "GET", path: "/me/insights/used"},
				{method: "GET", path: "/v1.0/me/insights/used/$count"},
				{method: "POST", path: "/beta/me/insights/used", body: seed(t)},
				{method: "DELETE", path: "/me/insights/used/nothing"},
			} {
				r.header = map[string]string{"Authorization": tt.authorization}
				res := w.do(t, r)
				switch {
				case tt.status == 401:
					checkError(t, res, 401, "InvalidAuthenticationToken")
				case res.status == 401 || res.status == 403:
					t.Errorf("%v: want it accepted", res)
				}
			}
		})
	}
}

func mustSign(secret string, claims map[string]any, ttl time.Duration, now time.Time) string {
	w := &worker{secret: secret}
	return w.sign(claims, ttl, now)
}

// flip changes the characters of a base64url tail so the signature no longer matches.
func flip(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
	}
	return string(b)
}

// TestPermissions: Sites.Read.All reads but does not write; other scopes do nothing; an
// application token (roles) may not use /me but reaches any /users/{user}; a delegated token
// reaches no other user.
func TestPermissions(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	owner, ownerTok := w.delegated(t, "perm-owner")
	id := w.create(t, ownerTok, insight("", "2020-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", "Owned"))
	item := "/me/insights/used/" + id
	reader := w.devToken(t, `{"sub":"`+owner+`","scp":"Sites.Read.All"}`)
	other := w.devToken(t, `{"sub":"`+owner+`","scp":"User.Read Files.Read"}`)
	appRW := w.devToken(t, `{"sub":"app-rw","roles":["Sites.ReadWrite.All"]}`)
	appR := w.devToken(t, `{"sub":"app-r","roles":["Sites.Read.All"]}`)
	appNone := w.devToken(t, `{"sub":"app-none","roles":[]}`)
	_, stranger := w.delegated(t, "perm-stranger")
	users := "/users/" + owner + "/insights/used"

	tests := []struct {
		desc   string
		token  string
		r      req
		status int
		code   string
	}{
		{"read scope lists", reader, req{method: "GET", path: "/me/insights/used"}, 200, ""},
		{"read scope counts", reader, req{method: "GET", path: "/me/insights/used/$count"}, 200, ""},
		{"read scope gets", reader, req{method: "GET", path: item}, 200, ""},
		{"read scope cannot create", reader, req{method: "POST", path: "/me/insights/used", body: seed(t)}, 403, "accessDenied"},
		{"read scope cannot $ref", reader, req{method: "POST", path: "/me/insights/used/$ref", body: seed(t)}, 403, "accessDenied"},
		{"read scope cannot patch", reader, req{method: "PATCH", path: item, body: `{}`}, 403, "accessDenied"},
		{"read scope cannot delete", reader, req{method: "DELETE", path: item}, 403, "accessDenied"},
		{"other scopes cannot read", other, req{method: "GET", path: "/me/insights/used"}, 403, "accessDenied"},
		{"other scopes cannot count", other, req{method: "GET", path: "/me/insights/used/$count"}, 403, "accessDenied"},
		{"app on /me", appRW, req{method: "GET", path: "/me/insights/used"}, 400, "invalidRequest"},
		{"app on /me create", appRW, req{method: "POST", path: "/v1.0/me/insights/used", body: seed(t)}, 400, "invalidRequest"},
		{"app reads a user", appR, req{method: "GET", path: users + "/" + id}, 200, ""},
		{"app counts a user", appR, req{method: "GET", path: users + "/$count"}, 200, ""},
		{"app read role cannot write", appR, req{method: "POST", path: users, body: seed(t)}, 403, "accessDenied"},
		{"app without roles", appNone, req{method: "GET", path: users}, 403, "accessDenied"},
		{"delegated on another user: list", stranger, req{method: "GET", path: users}, 403, "accessDenied"},
		{"delegated on another user: count", stranger, req{method: "GET", path: users + "/$count"}, 403, "accessDenied"},
		{"delegated on another user: get", stranger, req{method: "GET", path: users + "/" + id}, 403, "accessDenied"},
		{"delegated on another user: create", stranger, req{method: "POST", path: users, body: seed(t)}, 403, "accessDenied"},
		{"delegated on another user: patch", stranger, req{method: "PATCH", path: users + "/" + id, body: `{}`}, 403, "accessDenied"},
		{"delegated on another user: delete", stranger, req{method: "DELETE", path: users + "/" + id}, 403, "accessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			r := tt.r
			r.token = tt.token
			res := w.do(t, r)
			if tt.code != "" {
				e := checkError(t, res, tt.status, tt.code)
				if tt.status == 400 && !strings.Contains(e.Error.Message, "/me request is only valid with delegated authentication flow") {
					t.Errorf("message %q", e.Error.Message)
				}
				return
			}
			if res.status != tt.status {
				t.Errorf("%v: want %d", res, tt.status)
			}
			checkAPIHeaders(t, res)
		})
	}

	// An application token writes a user's records; that user sees them as their own.
	r := w.do(t, req{method: "POST", path: users, body: insight("by-app", "2021-01-01T00:00:00Z", "", "Word", "Site", "microsoft.graph.driveItem", "App"), token: appRW})
	if r.status != 201 || r.header.Get("Location") != w.base+users+"/by-app" {
		t.Fatalf("app create: %v (Location %q)", r, r.header.Get("Location"))
	}
	if p, _ := getList(t, w, ownerTok, "/me/insights/used"); !slices.Equal(p.ids(), []string{"by-app", id}) {
		t.Errorf("the owner lists %v", p.ids())
	}
	if r := w.do(t, req{method: "PATCH", path: users + "/by-app", body: `{"resourceVisualization":{"title":"Patched"}}`, token: appRW}); r.status != 204 {
		t.Errorf("app patch: %v", r)
	}
	if r := w.do(t, req{method: "GET", path: "/me/insights/used/by-app", token: ownerTok}); r.status != 200 || !strings.Contains(string(r.body), `"title":"Patched"`) {
		t.Errorf("owner get after app patch: %v", r)
	}
	if r := w.do(t, req{method: "DELETE", path: users + "/by-app", token: appRW}); r.status != 204 {
		t.Errorf("app delete: %v", r)
	}
	// Nothing a refused request did changed the owner's records.
	if p, _ := getList(t, w, ownerTok, "/me/insights/used?$count=true"); !slices.Equal(p.ids(), []string{id}) || p.Count == nil || p.Count.String() != "1" {
		t.Errorf("the owner has %v (count %v)", p.ids(), p.Count)
	}
	if r := w.do(t, req{method: "GET", path: item, token: ownerTok}); r.status != 200 || !strings.Contains(string(r.body), `"title":"Owned"`) {
		t.Errorf("the owner's record: %v", r)
	}
}
