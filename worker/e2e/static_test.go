//go:build e2e

package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDevToken: POST /dev/token (DEV_TOKENS=1) issues working HS256 tokens: alice's
// delegated defaults, other claims when asked, an application token for roles; a body that
// is not a claims object is a 400.
func TestDevToken(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	r := w.do(t, req{method: "POST", path: "/dev/token"})
	checkAPIHeaders(t, r)
	if r.status != 200 {
		t.Fatalf("%v", r)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(r.body, &tr); err != nil || tr.TokenType != "Bearer" || tr.ExpiresIn != 3600 {
		t.Fatalf("%v", r)
	}
	parts := strings.Split(tr.AccessToken, ".")
	if len(parts) != 3 {
		t.Fatalf("access_token %q is not a JWT", tr.AccessToken)
	}
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	json.Unmarshal(payload, &claims)
	if !strings.Contains(string(header), `"HS256"`) || claims["sub"] != "alice" || claims["scp"] != "Sites.ReadWrite.All" || claims["exp"] == nil {
		t.Errorf("token header %s claims %s", header, payload)
	}
	if p, _ := getList(t, w, tr.AccessToken, "/me/insights/used?$top=1"); p.Context != w.base+"/$metadata#users('alice')/insights/used" {
		t.Errorf("alice's list context %q", p.Context)
	}

	user := newUser("carol")
	carolRead := w.devToken(t, `{"sub":"`+user+`","scp":"Sites.Read.All"}`)
	if r := w.do(t, req{method: "GET", path: "/me/insights/used/$count", token: carolRead}); r.status != 200 || string(r.body) != "0" {
		t.Errorf("read token GET: %v", r)
	}
	checkError(t, w.do(t, req{method: "POST", path: "/me/insights/used", body: seed(t), token: carolRead}), 403, "accessDenied")
	app := w.devToken(t, `{"roles":["Sites.ReadWrite.All"]}`)
	checkError(t, w.do(t, req{method: "GET", path: "/me/insights/used", token: app}), 400, "invalidRequest")
	if r := w.do(t, req{method: "GET", path: "/users/" + user + "/insights/used/$count", token: app}); r.status != 200 {
		t.Errorf("application token on /users: %v", r)
	}
	for _, body := range []string{`{"scp": 5}`, `not json`, `[]`} {
		checkError(t, w.do(t, req{method: "POST", path: "/dev/token", body: body}), 400, "invalidRequest")
	}
}

// TestStaticAssets: the playground's files come from Workers static assets with their media
// types, byte for byte; web/insight.wasm must have been built (make test-e2e builds it).
func TestStaticAssets(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	if _, err := os.Stat(filepath.Join(root, "web", "insight.wasm")); err != nil {
		t.Fatalf("web/insight.wasm is missing (%v): run `make test-e2e`, which builds it", err)
	}
	for _, tt := range []struct{ path, mediaType string }{
		{"/insight.mjs", "javascript"},
		{"/insight.wasm", "application/wasm"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(snapshot, "assets", tt.path))
			if err != nil {
				t.Fatalf("the snapshot of web/ has no %s: %v", tt.path, err)
			}
			r := w.do(t, req{method: "GET", path: tt.path})
			if r.status != 200 {
				t.Fatalf("%v", r)
			}
			ct := r.header.Get("Content-Type")
			mt, _, _ := mime.ParseMediaType(ct)
			if tt.mediaType == "javascript" && mt != "text/javascript" && mt != "application/javascript" || tt.mediaType != "javascript" && mt != tt.mediaType {
				t.Errorf("Content-Type %q, want %s", ct, tt.mediaType)
			}
			if !bytes.Equal(r.body, want) {
				t.Errorf("body of %d bytes differs from web%s (%d bytes)", len(r.body), tt.path, len(want))
			}
		})
	}
}

// TestCORS: a preflight from an origin in ALLOWED_ORIGINS (or the Worker's own) gets the
// CORS answer; a foreign origin gets none; actual responses, errors included, carry
// Access-Control-Allow-Origin for allowed origins only.
func TestCORS(t *testing.T) {
	t.Parallel()
	w := sharedWorker(t)
	_, tok := w.delegated(t, "cors")
	preflight := func(path, origin string) *resp {
		return w.do(t, req{method: "OPTIONS", path: path, header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type,client-request-id"}})
	}
	for _, tt := range []struct{ path, origin, allow string }{
		{"/me/insights/used", allowedOrigin, "GET, POST, OPTIONS"},
		{"/v1.0/me/insights/used/abc", allowedOrigin, "GET, PATCH, DELETE, OPTIONS"},
		{"/beta/users/x/insights/used/$count", allowedOrigin, "GET, OPTIONS"},
		{"/me/insights/used", w.base, "GET, POST, OPTIONS"},
	} {
		r := preflight(tt.path, tt.origin)
		checkAPIHeaders(t, r)
		h := r.header
		if r.status != 204 || h.Get("Access-Control-Allow-Origin") != tt.origin || h.Get("Access-Control-Allow-Methods") != tt.allow || h.Get("Allow") != tt.allow ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "Content-Type") ||
			!strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "client-request-id") || h.Get("Access-Control-Max-Age") == "" || !strings.Contains(h.Get("Vary"), "Origin") {
			t.Errorf("preflight %s from %s: %v %v", tt.path, tt.origin, r, h)
		}
	}
	for _, origin := range []string{"https://evil.example", "https://app.example.evil.example", "http://app.example", "null"} {
		r := preflight("/me/insights/used", origin)
		if h := r.header; h.Get("Access-Control-Allow-Origin") != "" || h.Get("Access-Control-Allow-Methods") != "" || h.Get("Access-Control-Allow-Headers") != "" {
			t.Errorf("preflight from %s allowed: %v %v", origin, r, h)
		}
	}
	// Actual requests.
	r := w.do(t, req{method: "GET", path: "/me/insights/used", token: tok, header: map[string]string{"Origin": allowedOrigin}})
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != allowedOrigin || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "request-id") || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "Location") {
		t.Errorf("GET from the allowed origin: %v %v", r, r.header)
	}
	r = w.do(t, req{method: "GET", path: "/me/insights/used", header: map[string]string{"Origin": allowedOrigin}})
	if r.status != 401 || r.header.Get("Access-Control-Allow-Origin") != allowedOrigin || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "WWW-Authenticate") {
		t.Errorf("401 to the allowed origin (a browser must be able to read it): %v %v", r, r.header)
	}
	r = w.do(t, req{method: "GET", path: "/me/insights/used", token: tok, header: map[string]string{"Origin": "https://evil.example"}})
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET from a foreign origin: %v %v", r, r.header)
	}
}
