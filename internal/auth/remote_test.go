package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// provider is an OpenID Connect provider for the tests: a discovery document and a JWKS whose
// keys, max-age and health the test switches, counting the fetches.
type provider struct {
	srv       *httptest.Server
	mu        sync.Mutex
	jwks      string
	cacheCtl  string
	failing   bool
	issuer    string // what discovery says; the server's URL when empty
	keyHits   atomic.Int32
	discHits  atomic.Int32
	keysDelay time.Duration
}

func newProvider(t *testing.T, jwks string) *provider {
	p := &provider{jwks: jwks}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		failing, jwks, cc, iss, delay := p.failing, p.jwks, p.cacheCtl, p.issuer, p.keysDelay
		p.mu.Unlock()
		if iss == "" {
			iss = p.srv.URL
		}
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			p.discHits.Add(1)
			if failing {
				http.Error(w, "down", 500)
				return
			}
			json.NewEncoder(w).Encode(map[string]string{"issuer": iss, "jwks_uri": p.srv.URL + "/keys"})
		case "/keys":
			p.keyHits.Add(1)
			time.Sleep(delay)
			if failing {
				http.Error(w, "down", 500)
				return
			}
			if cc != "" {
				w.Header().Set("Cache-Control", cc)
			}
			w.Write([]byte(jwks))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) set(f func(p *provider)) { p.mu.Lock(); f(p); p.mu.Unlock() }

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

const testAud = "api://usedinsight"

// providerToken is an RS256 token of p's issuer for testAud, signed by k with kid.
func providerToken(t *testing.T, iss, kid string, sign func(hdr, payload string) string, extra string) string {
	t.Helper()
	c := `"iss":"` + iss + `","aud":"` + testAud + `","oid":"o","scp":"Sites.Read.All"`
	if extra != "" {
		c += "," + extra
	}
	return sign(`{"alg":"RS256","kid":"`+kid+`","typ":"JWT"}`, claimsJSON(c))
}

func TestRemoteKeys(t *testing.T) {
	k := getKeys(t)
	rs1 := func(h, p string) string { return rawRS256(t, k.rsa, h, p) }
	rs2 := func(h, p string) string { return rawRS256(t, k.rsa2, h, p) }
	p := newProvider(t, jwksText(t, rsaJWK("rsa-1", &k.rsa.PublicKey)))
	p.set(func(p *provider) { p.cacheCtl = "max-age=300" })
	clk := &clock{t: testNow}
	v, err := NewVerifier(Config{OIDCIssuer: p.srv.URL, Audience: []string{testAud}, Fetch: HTTPFetcher(p.srv.Client()), Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	verify := func(tok string) error { _, err := v.Verify("Bearer " + tok); return err }
	iss := p.srv.URL
	if err := verify(providerToken(t, iss, "rsa-1", rs1, "")); err != nil {
		t.Fatal(err)
	}
	if p.discHits.Load() != 1 || p.keyHits.Load() != 1 {
		t.Fatalf("first token: %d discovery, %d key fetches", p.discHits.Load(), p.keyHits.Load())
	}
	// Cached: another token, no fetch.
	if err := verify(providerToken(t, iss, "rsa-1", rs1, `"jti":"x"`)); err != nil || p.keyHits.Load() != 1 {
		t.Fatalf("second token: %v, %d key fetches", err, p.keyHits.Load())
	}
	// Rotation: a token with a new kid makes one fetch, and is accepted.
	p.set(func(p *provider) {
		p.jwks = jwksText(t, rsaJWK("rsa-2", &k.rsa2.PublicKey))
	})
	clk.advance(2 * MinRefetch)
	if err := verify(providerToken(t, iss, "rsa-2", rs2, "")); err != nil || p.keyHits.Load() != 2 {
		t.Fatalf("rotated key: %v, %d key fetches", err, p.keyHits.Load())
	}
	// An unknown kid right after: no fetch (at most one a minute), a 401.
	err = verify(providerToken(t, iss, "made-up", rs2, ""))
	wantError(t, err, msgKeyNotFound)
	if p.keyHits.Load() != 2 {
		t.Fatalf("unknown kid within a minute fetched: %d", p.keyHits.Load())
	}
	// Provider down after the set went stale: the last good set keeps working.
	p.set(func(p *provider) { p.failing = true })
	clk.advance(10 * time.Minute)
	if err := verify(providerToken(t, iss, "rsa-2", rs2, `"jti":"y"`)); err != nil {
		t.Fatalf("with the provider down: %v", err)
	}
	if p.keyHits.Load() != 3 {
		t.Fatalf("stale set with the provider down: %d key fetches, want 3", p.keyHits.Load())
	}
	// Tokens of another issuer (discovery pins it) and a discovered issuer that differs.
	wantError(t, verify(providerToken(t, "https://evil.example", "rsa-2", rs2, `"jti":"z"`)), msgIssuer)
}

func TestRemoteKeysUnavailable(t *testing.T) {
	k := getKeys(t)
	p := newProvider(t, "")
	p.set(func(p *provider) { p.failing = true })
	v, err := NewVerifier(Config{JWKSURL: p.srv.URL + "/keys", Audience: []string{testAud}, Issuer: []string{"i"}, Fetch: HTTPFetcher(p.srv.Client())})
	if err != nil {
		t.Fatal(err)
	}
	tok := providerToken(t, "i", "rsa-1", func(h, pl string) string { return rawRS256(t, k.rsa, h, pl) }, "")
	if _, err := v.Verify("Bearer " + tok); !errors.Is(err, ErrKeysUnavailable) {
		t.Fatalf("Verify = %v, want ErrKeysUnavailable", err)
	}
	// HS256 is still only the secret's, and there is none: a 401, not a 503.
	if _, err := v.Verify("Bearer " + rawHS256(testSecret, `{"alg":"HS256"}`, claimsJSON(""))); !errors.As(err, new(*Error)) {
		t.Fatalf("HS256: %v", err)
	}
}

// TestRemoteKeysNoStampede: concurrent requests on a cold cache make one fetch.
func TestRemoteKeysNoStampede(t *testing.T) {
	k := getKeys(t)
	p := newProvider(t, jwksText(t, rsaJWK("rsa-1", &k.rsa.PublicKey)))
	p.set(func(p *provider) { p.keysDelay = 50 * time.Millisecond })
	v, err := NewVerifier(Config{JWKSURL: p.srv.URL + "/keys", Audience: []string{testAud}, Issuer: []string{"i"}, Fetch: HTTPFetcher(p.srv.Client()), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		tok := providerToken(t, "i", "rsa-1", func(h, pl string) string { return rawRS256(t, k.rsa, h, pl) }, `"jti":"`+itoa(int64(i))+`"`)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := v.Verify("Bearer " + tok); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := p.keyHits.Load(); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
}

func TestMaxAge(t *testing.T) {
	tests := []struct {
		values []string
		want   time.Duration
	}{
		{nil, 0},
		{[]string{"public, max-age=3600"}, time.Hour},
		{[]string{"max-age=\"60\""}, time.Minute},
		{[]string{"max-age=999999999"}, MaxKeysMaxAge},
		{[]string{"max-age=-5"}, 0},
		{[]string{"max-age=60", "no-cache"}, 0},
		{[]string{"MAX-AGE=120"}, 2 * time.Minute},
	}
	for _, tt := range tests {
		if got := MaxAge(tt.values...); got != tt.want {
			t.Errorf("MaxAge(%q) = %v, want %v", tt.values, got, tt.want)
		}
	}
}

func TestKeysExpire(t *testing.T) {
	k := getKeys(t)
	p := newProvider(t, jwksText(t, rsaJWK("rsa-1", &k.rsa.PublicKey)))
	p.set(func(p *provider) { p.cacheCtl = "max-age=600" })
	clk := &clock{t: testNow}
	v, err := NewVerifier(Config{JWKSURL: p.srv.URL + "/keys", Audience: []string{testAud}, Issuer: []string{"i"}, Fetch: HTTPFetcher(p.srv.Client()), Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	sign := func(h, pl string) string { return rawRS256(t, k.rsa, h, pl) }
	for i, step := range []time.Duration{0, 9 * time.Minute, 2 * time.Minute} {
		clk.advance(step)
		if _, err := v.Verify("Bearer " + providerToken(t, "i", "rsa-1", sign, `"jti":"`+itoa(int64(i))+`"`)); err != nil {
			t.Fatal(err)
		}
	}
	if n := p.keyHits.Load(); n != 2 {
		t.Errorf("%d fetches over 11 minutes with max-age 600, want 2", n)
	}
}

func TestParseDiscovery(t *testing.T) {
	const iss = "https://login.example/t/v2.0"
	tests := []struct {
		name, doc, want, err string
	}{
		{"ok", `{"issuer":"` + iss + `","jwks_uri":"https://login.example/keys"}`, "https://login.example/keys", ""},
		{"other issuer", `{"issuer":"https://login.example/u/v2.0","jwks_uri":"https://login.example/keys"}`, "", "issuer"},
		{"issuer case", `{"issuer":"https://LOGIN.example/t/v2.0","jwks_uri":"https://login.example/keys"}`, "", "issuer"},
		{"duplicate issuer", `{"issuer":"https://evil.example","issuer":"` + iss + `","jwks_uri":"https://login.example/keys"}`, "", "duplicate"},
		{"no jwks_uri", `{"issuer":"` + iss + `"}`, "", "jwks_uri"},
		{"http jwks_uri", `{"issuer":"` + iss + `","jwks_uri":"http://login.example/keys"}`, "", "https"},
		{"loopback http jwks_uri", `{"issuer":"` + iss + `","jwks_uri":"http://127.0.0.1:1/keys"}`, "http://127.0.0.1:1/keys", ""},
		{"relative jwks_uri", `{"issuer":"` + iss + `","jwks_uri":"/keys"}`, "", "absolute"},
		{"jwks_uri not a string", `{"issuer":"` + iss + `","jwks_uri":7}`, "", "jwks_uri"},
		{"not an object", `[]`, "", "object"},
	}
	for _, tt := range tests {
		got, err := ParseDiscovery([]byte(tt.doc), iss)
		if got != tt.want || (tt.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: ParseDiscovery = %q, %v; want %q, error with %q", tt.name, got, err, tt.want, tt.err)
		}
	}
}

func TestIssuerTenantAndKind(t *testing.T) {
	const tid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	const other = "00000000-0000-0000-0000-000000000001"
	v := newTestVerifier(t, Config{
		Audience: []string{"api://usedinsight", "11111111-2222-3333-4444-555555555555"},
		Issuer:   []string{"https://login.microsoftonline.com/{tenantid}/v2.0", "https://sts.windows.net/{tenantid}/"},
		Tenants:  []string{tid, strings.ToUpper(other)},
	})
	k := getKeys(t)
	v2 := `"iss":"https://login.microsoftonline.com/` + tid + `/v2.0","tid":"` + tid + `","aud":"11111111-2222-3333-4444-555555555555"`
	v1 := `"iss":"https://sts.windows.net/` + tid + `/","tid":"` + tid + `","aud":"api://usedinsight"`
	tests := []struct {
		name, hdr, claims, msg string
	}{
		{"v2 delegated", "", v2 + `,"oid":"o","scp":"Sites.Read.All"`, ""},
		{"v1 application", "", v1 + `,"oid":"o","roles":["Sites.Read.All"],"idtyp":"app"`, ""},
		{"other listed tenant, upper case", "", `"iss":"https://sts.windows.net/` + other + `/","tid":"` + other + `","aud":"api://usedinsight","oid":"o"`, ""},
		{"unlisted tenant", "", `"iss":"https://sts.windows.net/00000000-0000-0000-0000-000000000002/","tid":"00000000-0000-0000-0000-000000000002","aud":"api://usedinsight","oid":"o"`, msgTenant},
		{"iss tenant is not tid", "", `"iss":"https://sts.windows.net/` + other + `/","tid":"` + tid + `","aud":"api://usedinsight","oid":"o"`, msgIssuer},
		{"no tid", "", `"iss":"https://sts.windows.net/` + tid + `/","aud":"api://usedinsight","oid":"o"`, msgIssuer},
		{"tid not a guid", "", `"iss":"https://sts.windows.net/x/","tid":"x","aud":"api://usedinsight","oid":"o"`, msgIssuer},
		{"tid with a path", "", `"iss":"https://sts.windows.net/` + tid + `/x/","tid":"` + tid + `/x","aud":"api://usedinsight","oid":"o"`, msgIssuer},
		{"other audience", "", `"iss":"https://sts.windows.net/` + tid + `/","tid":"` + tid + `","aud":"api://other","oid":"o"`, msgAudience},
		{"ID token: nonce", "", v2 + `,"oid":"o","nonce":"n"`, msgNotAccessToken},
		{"ID token: null nonce", "", v2 + `,"oid":"o","nonce":null`, msgNotAccessToken},
		{"ID token: at_hash", "", v2 + `,"oid":"o","at_hash":"h"`, msgNotAccessToken},
		{"typ at+jwt", `{"alg":"RS256","kid":"rsa-1","typ":"at+JWT"}`, v2 + `,"oid":"o"`, ""},
		{"typ application/at+jwt", `{"alg":"RS256","kid":"rsa-1","typ":"application/at+jwt"}`, v2 + `,"oid":"o"`, ""},
		{"typ jwt lower case", `{"alg":"RS256","kid":"rsa-1","typ":"jwt"}`, v2 + `,"oid":"o"`, ""},
		{"typ id_token", `{"alg":"RS256","kid":"rsa-1","typ":"id_token+jwt"}`, v2 + `,"oid":"o"`, msgNotAccessToken},
		{"typ logout", `{"alg":"RS256","kid":"rsa-1","typ":"logout+jwt"}`, v2 + `,"oid":"o"`, msgNotAccessToken},
		{"typ not a string", `{"alg":"RS256","kid":"rsa-1","typ":1}`, v2 + `,"oid":"o"`, msgMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := tt.hdr
			if hdr == "" {
				hdr = `{"alg":"RS256","kid":"rsa-1"}`
			}
			p, err := v.Verify("Bearer " + rawRS256(t, k.rsa, hdr, claimsJSON(tt.claims)))
			if tt.msg != "" {
				wantError(t, err, tt.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Tenant == "" || p.User != p.Tenant+"\x00o" {
				t.Fatalf("Principal %+v", p)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "localhost:8787": true, "LocalHost:1": true, "127.0.0.1": true, "127.0.0.1:80": true,
		"[::1]": true, "[::1]:8787": true, "": false, "localhost.": false, "localhost:": false, "localhost:x": false,
		"127.0.0.2": false, "127.0.0.1.example": false, "[::1]x": false, "::1": false, "[::1": false, "example.com": false,
		"localhost:123456": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v", host, got)
		}
	}
}

func TestDevKey(t *testing.T) {
	tok, err := IssueDevToken(testSecret, nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	off := newTestVerifier(t, Config{})
	on := newTestVerifier(t, Config{DevTokens: true})
	if _, err := off.Verify("Bearer " + tok.AccessToken); err == nil {
		t.Error("a dev token verified without DevTokens")
	}
	if _, err := on.Verify("Bearer " + tok.AccessToken); err != nil {
		t.Error(err)
	}
	// The secret itself does not sign dev tokens, nor the dev key secret tokens.
	forged := rawHS256(testSecret, `{"alg":"HS256","kid":"dev"}`, claimsJSON(""))
	wantError(t, func() error { _, err := on.Verify("Bearer " + forged); return err }(), msgSignature)
	devSigned := signHS256(DevKey(testSecret), enc(`{"alg":"HS256"}`)+"."+enc(claimsJSON("")))
	wantError(t, func() error { _, err := on.Verify("Bearer " + devSigned); return err }(), msgSignature)
	if _, err := NewVerifier(Config{Secret: "short"}); err == nil {
		t.Error("a 5-byte secret was accepted")
	}
	if _, err := NewVerifier(Config{DevTokens: true}); err == nil {
		t.Error("DevTokens without a secret was accepted")
	}
	_ = context.Background
}

// TestRemoteKeysNoWait: with NoWait, a verification that finds a fetch in flight and no keys
// fails at once with ErrKeysUnavailable instead of waiting (the Workers runtime would cancel it).
func TestRemoteKeysNoWait(t *testing.T) {
	k := getKeys(t)
	p := newProvider(t, jwksText(t, rsaJWK("rsa-1", &k.rsa.PublicKey)))
	p.set(func(p *provider) { p.keysDelay = 300 * time.Millisecond })
	v, err := NewVerifier(Config{JWKSURL: p.srv.URL + "/keys", Audience: []string{testAud}, Issuer: []string{"i"}, Fetch: HTTPFetcher(p.srv.Client()), Now: func() time.Time { return testNow }, NoWait: true})
	if err != nil {
		t.Fatal(err)
	}
	sign := func(h, pl string) string { return rawRS256(t, k.rsa, h, pl) }
	first := make(chan error, 1)
	go func() {
		_, err := v.Verify("Bearer " + providerToken(t, "i", "rsa-1", sign, `"jti":"1"`))
		first <- err
	}()
	for p.keyHits.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if _, err := v.Verify("Bearer " + providerToken(t, "i", "rsa-1", sign, `"jti":"2"`)); !errors.Is(err, ErrKeysUnavailable) {
		t.Errorf("during the first fetch: %v, want ErrKeysUnavailable", err)
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify("Bearer " + providerToken(t, "i", "rsa-1", sign, `"jti":"3"`)); err != nil {
		t.Errorf("after it: %v", err)
	}
}
