//go:build e2e

package e2e

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// An OpenID Connect provider of the tests' own, on 127.0.0.1: a discovery document and a JWKS
// of two RSA keys and one EC key, with switches to rotate its keys and to fail, counting the
// fetches. The Worker under test fetches from it with Go's net/http, which under js/wasm is the
// runtime's fetch.

// Tenants and users of the Entra-shaped tokens.
const (
	tenantA   = "aaaaaaaa-0000-4000-8000-00000000000a"
	tenantB   = "bbbbbbbb-0000-4000-8000-00000000000b"
	tenantC   = "cccccccc-0000-4000-8000-00000000000c" // not in AUTH_TENANTS
	clientID  = "11111111-2222-4333-8444-555555555555"
	appIDURI  = "api://usedinsight-e2e"
	aliceOid  = "a11ce000-0000-4000-8000-000000000001"
	bobOid    = "b0b00000-0000-4000-8000-000000000002"
	appSPOid  = "5e1f0000-0000-4000-8000-000000000003"
	issuersV  = "https://login.microsoftonline.com/{tenantid}/v2.0,https://sts.windows.net/{tenantid}/"
	aliceName = "Alice@A.example"
)

type oidcKey struct {
	kid string
	rsa *rsa.PrivateKey
	ec  *ecdsa.PrivateKey
}

type oidcServer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	keys     []*oidcKey // published
	failing  bool
	keyHits  atomic.Int32
	discHits atomic.Int32
	lastKeys atomic.Int64 // unix nanoseconds of the last key fetch
}

func newOIDCServer(t *testing.T, keys ...*oidcKey) *oidcServer {
	o := &oidcServer{keys: keys}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		failing, published := o.failing, o.keys
		o.mu.Unlock()
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			o.discHits.Add(1)
			if failing {
				http.Error(w, "down", 503)
				return
			}
			json.NewEncoder(w).Encode(map[string]string{"issuer": o.srv.URL, "jwks_uri": o.srv.URL + "/discovery/keys"})
		case "/discovery/keys":
			o.keyHits.Add(1)
			o.lastKeys.Store(time.Now().UnixNano())
			if failing {
				http.Error(w, "down", 503)
				return
			}
			var set []map[string]string
			for _, k := range published {
				set = append(set, publicJWK(k))
			}
			w.Header().Set("Cache-Control", "max-age=3600")
			json.NewEncoder(w).Encode(map[string]any{"keys": set})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *oidcServer) set(f func(o *oidcServer)) { o.mu.Lock(); f(o); o.mu.Unlock() }

func publicJWK(k *oidcKey) map[string]string {
	b64 := base64.RawURLEncoding.EncodeToString
	if k.rsa != nil {
		return map[string]string{"kty": "RSA", "use": "sig", "kid": k.kid, "n": b64(k.rsa.N.Bytes()), "e": b64(big.NewInt(int64(k.rsa.E)).Bytes())}
	}
	b, _ := k.ec.PublicKey.Bytes()
	return map[string]string{"kty": "EC", "crv": "P-256", "kid": k.kid, "x": b64(b[1:33]), "y": b64(b[33:])}
}

func newRSAKey(t *testing.T, kid string) *oidcKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return &oidcKey{kid: kid, rsa: k}
}

func newECKey(t *testing.T, kid string) *oidcKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &oidcKey{kid: kid, ec: k}
}

// sign makes a token of claims signed with k (RS256 or ES256), valid for an hour from now, with
// header typ "JWT" unless header overrides members.
func (k *oidcKey) sign(claims map[string]any, header ...string) string {
	now := time.Now().Unix()
	all := map[string]any{"iat": now, "nbf": now, "exp": now + 3600}
	for n, v := range claims {
		all[n] = v
	}
	alg := "RS256"
	if k.ec != nil {
		alg = "ES256"
	}
	h := map[string]any{"alg": alg, "kid": k.kid, "typ": "JWT"}
	for i := 0; i+1 < len(header); i += 2 {
		h[header[i]] = header[i+1]
	}
	hb, _ := json.Marshal(h)
	cb, _ := json.Marshal(all)
	b64 := base64.RawURLEncoding.EncodeToString
	in := b64(hb) + "." + b64(cb)
	d := sha256.Sum256([]byte(in))
	var sig []byte
	if k.rsa != nil {
		sig, _ = rsa.SignPKCS1v15(nil, k.rsa, crypto.SHA256, d[:])
	} else {
		r, s, _ := ecdsa.Sign(rand.Reader, k.ec, d[:])
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	}
	return in + "." + b64(sig)
}

// Entra-shaped access tokens: v2.0 (iss login.microsoftonline.com/{tid}/v2.0, aud the client id,
// preferred_username) and v1.0 (iss sts.windows.net/{tid}/, aud the app id URI, upn).
func v2Delegated(tid, oid, name, scp string) map[string]any {
	return map[string]any{"ver": "2.0", "iss": "https://login.microsoftonline.com/" + tid + "/v2.0", "aud": clientID, "tid": tid,
		"oid": oid, "sub": "pairwise-" + oid, "preferred_username": name, "scp": scp, "azp": "client-app"}
}

func v1Delegated(tid, oid, name, scp string) map[string]any {
	return map[string]any{"ver": "1.0", "iss": "https://sts.windows.net/" + tid + "/", "aud": appIDURI, "tid": tid,
		"oid": oid, "sub": "pairwise1-" + oid, "upn": name, "scp": scp, "appid": "client-app"}
}

func v2App(tid string, roles ...string) map[string]any {
	return map[string]any{"ver": "2.0", "iss": "https://login.microsoftonline.com/" + tid + "/v2.0", "aud": clientID, "tid": tid,
		"oid": appSPOid, "sub": appSPOid, "roles": roles, "idtyp": "app", "azp": "daemon"}
}

func v1App(tid string, roles ...string) map[string]any {
	return map[string]any{"ver": "1.0", "iss": "https://sts.windows.net/" + tid + "/", "aud": appIDURI, "tid": tid,
		"oid": appSPOid, "sub": appSPOid, "roles": roles, "idtyp": "app", "appid": "daemon"}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(m)+len(kv)/2)
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

// startOIDCWorker starts a wrangler dev that takes the tokens of o, as an Entra deployment
// would be configured, ready once a token signed with ready answers readyStatus.
func startOIDCWorker(t *testing.T, o *oidcServer, ready *oidcKey, readyStatus int) *worker {
	return startOwn(t, options{
		vars: map[string]string{
			"AUTH_OIDC_ISSUER": o.srv.URL,
			"AUTH_AUDIENCE":    appIDURI + "," + clientID,
			"AUTH_ISSUER":      issuersV,
			"AUTH_TENANTS":     tenantA + "," + tenantB,
		},
		ready: func() string {
			return ready.sign(v2Delegated(tenantA, "e2e-readiness", "r@A.example", "Sites.Read.All"))
		},
		readyStatus: readyStatus,
	})
}

// TestOIDC: keys from OpenID Connect discovery, fetched by the Worker, with the tokens pinned to
// audience, issuer and tenant, rotation, a failing provider and none at all.
func TestOIDC(t *testing.T) {
	t.Parallel()
	rsa1, rsa2, ec1 := newRSAKey(t, "rsa-1"), newRSAKey(t, "rsa-2"), newECKey(t, "ec-1")

	t.Run("tokens", func(t *testing.T) {
		t.Parallel()
		o := newOIDCServer(t, rsa1, rsa2, ec1)
		w := startOIDCWorker(t, o, rsa1, 0)
		firstFetch := time.Unix(0, o.lastKeys.Load())
		if o.discHits.Load() != 1 || o.keyHits.Load() != 1 {
			t.Errorf("starting: %d discovery and %d key fetches, want 1 and 1", o.discHits.Load(), o.keyHits.Load())
		}
		checkOIDCTokens(t, w, rsa1, rsa2, ec1)

		// Rotation: the provider publishes a new key; a token with its kid works without a
		// restart, after exactly one key fetch. A refetch for an unknown kid is allowed once a
		// minute, so the test waits for the minute since the first fetch to pass.
		rsa3 := newRSAKey(t, "rsa-3")
		o.set(func(o *oidcServer) { o.keys = []*oidcKey{rsa2, rsa3, ec1} })
		time.Sleep(time.Until(firstFetch.Add(61 * time.Second)))
		before := o.keyHits.Load()
		tok := rsa3.sign(v2Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"))
		for i := range 3 {
			if r := w.do(t, req{method: "GET", path: "/me/insights/used/$count", token: tok}); r.status != 200 {
				t.Fatalf("rotated key, request %d: %v", i, r)
			}
		}
		if n := o.keyHits.Load() - before; n != 1 {
			t.Errorf("rotation took %d key fetches, want 1", n)
		}
		if o.discHits.Load() != 1 {
			t.Errorf("rotation fetched discovery again: %d", o.discHits.Load())
		}
	})

	t.Run("provider failing", func(t *testing.T) {
		t.Parallel()
		o := newOIDCServer(t, rsa1, rsa2, ec1)
		w := startOIDCWorker(t, o, rsa1, 0)
		firstFetch := time.Unix(0, o.lastKeys.Load())
		// Each key: a token works before the provider fails.
		user := newUser("oidc-fail")
		tokens := []string{
			rsa1.sign(v2Delegated(tenantA, user, "f@A.example", "Sites.Read.All")),
			rsa2.sign(v1Delegated(tenantA, user, "f@A.example", "Sites.Read.All")),
			ec1.sign(v2App(tenantA, "Sites.Read.All")),
		}
		path := []string{"/me/insights/used/$count", "/me/insights/used/$count", "/users/" + aliceOid + "/insights/used/$count"}
		o.set(func(o *oidcServer) { o.failing = true })
		// After a minute, a token with a kid the set lacks makes the Worker fetch again; the
		// fetch fails, the token is a 401 (its key cannot be found) and the keys it had keep
		// working.
		time.Sleep(time.Until(firstFetch.Add(61 * time.Second)))
		before := o.keyHits.Load()
		unknown := newRSAKey(t, "rsa-9").sign(v2Delegated(tenantA, user, "f@A.example", "Sites.Read.All"))
		checkError(t, w.do(t, req{method: "GET", path: "/me/insights/used", token: unknown}), 401, "InvalidAuthenticationToken")
		if n := o.keyHits.Load() - before; n != 1 {
			t.Errorf("unknown kid with the provider failing: %d key fetches, want 1", n)
		}
		for i, tok := range tokens {
			if r := w.do(t, req{method: "GET", path: path[i], token: tok}); r.status != 200 {
				t.Errorf("key %d after the failed fetch: %v", i, r)
			}
		}
	})

	t.Run("no keys", func(t *testing.T) {
		t.Parallel()
		o := newOIDCServer(t, rsa1)
		o.set(func(o *oidcServer) { o.failing = true })
		w := startOIDCWorker(t, o, rsa1, 503)
		// send, not do: this 5xx is the expected answer.
		r, err := w.send(req{method: "GET", path: "/me/insights/used", token: rsa1.sign(v2Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"))})
		if err != nil {
			t.Fatal(err)
		}
		checkError(t, r, 503, "serviceNotAvailable")
		if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra <= 0 {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
		// Only tokens that need the provider's keys: a malformed one is still the client's 401.
		checkError(t, w.do(t, req{method: "GET", path: "/me/insights/used", token: "abc.def.ghi"}), 401, "InvalidAuthenticationToken")
	})
}

// checkOIDCTokens: which tokens the Worker accepts, and whose records each reaches.
func checkOIDCTokens(t *testing.T, w *worker, rsa1, rsa2, ec1 *oidcKey) {
	get := func(tok, path string) *resp { return w.do(t, req{method: "GET", path: path, token: tok}) }
	count := func(tok, path string) string {
		t.Helper()
		r := get(tok, path+"/insights/used/$count")
		if r.status != 200 {
			t.Errorf("GET %s/insights/used/$count: %v", path, r)
			return ""
		}
		return string(r.body)
	}
	aliceV2 := rsa1.sign(v2Delegated(tenantA, aliceOid, aliceName, "Sites.ReadWrite.All"))
	aliceV1 := ec1.sign(v1Delegated(tenantA, aliceOid, strings.ToLower(aliceName), "Sites.Read.All"))
	bobV1 := rsa2.sign(v1Delegated(tenantA, bobOid, "bob@A.example", "Sites.ReadWrite.All"))
	appV2 := rsa2.sign(v2App(tenantA, "Sites.ReadWrite.All"))
	appV1 := rsa1.sign(v1App(tenantA, "Sites.Read.All"))
	aliceInB := rsa1.sign(v2Delegated(tenantB, aliceOid, "alice@B.example", "Sites.ReadWrite.All"))
	appInB := ec1.sign(v1App(tenantB, "Sites.ReadWrite.All"))

	// Refused: 401 for a token that is not this API's access token.
	for _, tt := range []struct{ name, tok string }{
		{"another audience", rsa1.sign(with(v2Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"), "aud", "22222222-2222-4222-8222-222222222222"))},
		{"Microsoft Graph's audience", rsa1.sign(with(v1Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"), "aud", "https://graph.microsoft.com"))},
		{"another issuer", rsa1.sign(with(v2Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"), "iss", "https://evil.example/"+tenantA+"/v2.0"))},
		{"the discovery issuer", rsa1.sign(with(v2Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"), "iss", w.base))},
		{"issuer of another tenant than tid", rsa1.sign(with(v2Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"), "iss", "https://login.microsoftonline.com/"+tenantB+"/v2.0"))},
		{"a tenant not listed", rsa1.sign(v2Delegated(tenantC, aliceOid, aliceName, "Sites.Read.All"))},
		{"ID token", rsa1.sign(with(v2Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"), "scp", nil, "nonce", "n", "aud", clientID))},
		{"ID token with app roles", rsa1.sign(with(v2Delegated(tenantA, aliceOid, aliceName, ""), "scp", nil, "roles", []string{"Sites.ReadWrite.All"}, "at_hash", "h"))},
		{"typed as an ID token", rsa1.sign(v2Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"), "typ", "id_token+jwt")},
		{"HS256 with AUTH_SECRET", w.sign(v2Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"), time.Hour, time.Now())},
		{"unknown kid, within a minute of the last fetch", newRSAKey(t, "rsa-x").sign(v2Delegated(tenantA, aliceOid, aliceName, "Sites.Read.All"))},
	} {
		checkError(t, get(tt.tok, "/me/insights/used"), 401, "InvalidAuthenticationToken")
		_ = tt.name
	}
	// A user's token with app roles but no scp is no application: no permission at all.
	userWithRoles := rsa1.sign(with(v2Delegated(tenantA, bobOid, "bob@A.example", ""), "scp", nil, "roles", []string{"Sites.ReadWrite.All"}, "idtyp", "user"))
	checkError(t, get(userWithRoles, "/users/"+aliceOid+"/insights/used"), 403, "accessDenied")
	// No /dev/token on a deployment with an identity provider.
	checkError(t, w.do(t, req{method: "POST", path: "/dev/token", body: `{"roles":["Sites.ReadWrite.All"]}`}), 404, "itemNotFound")

	// Alice writes with her v2 token; her v1 token, by any of her names, reads the same set.
	w.create(t, aliceV2, seed(t))
	for _, path := range []string{"/me", "/users/" + aliceOid, "/users/" + strings.ToUpper(aliceOid), "/users/" + aliceName, "/users/alice@a.EXAMPLE"} {
		if n := count(aliceV1, path); n != "1" {
			t.Errorf("Alice (v1) %s: %s records, want 1", path, n)
		}
	}
	checkError(t, get(aliceV1, "/users/"+bobOid+"/insights/used"), 403, "accessDenied")
	checkError(t, w.do(t, req{method: "POST", path: "/me/insights/used", body: seed(t), token: aliceV1}), 403, "accessDenied")

	// The application of tenant A reaches tenant A's users by object id, in any case.
	if n := count(appV2, "/users/"+strings.ToUpper(aliceOid)); n != "1" {
		t.Errorf("app (v2) on Alice: %s records, want 1", n)
	}
	checkError(t, get(appV2, "/users/"+aliceName+"/insights/used"), 400, "invalidRequest")
	checkError(t, get(appV2, "/me/insights/used"), 400, "invalidRequest")
	if r := w.do(t, req{method: "POST", path: "/users/" + bobOid + "/insights/used", body: seed(t), token: appV2}); r.status != 201 {
		t.Fatalf("app (v2) POST for Bob: %v", r)
	}
	if n := count(appV1, "/users/"+bobOid); n != "1" {
		t.Errorf("app (v1) on Bob: %s records, want 1", n)
	}
	checkError(t, w.do(t, req{method: "POST", path: "/users/" + bobOid + "/insights/used", body: seed(t), token: appV1}), 403, "accessDenied")
	if n := count(bobV1, "/me"); n != "1" {
		t.Errorf("Bob (v1) sees %s records, want the 1 the application wrote", n)
	}
	if n := count(aliceV2, "/me"); n != "1" {
		t.Errorf("Alice (v2) sees %s records, want 1", n)
	}

	// The same object id in tenant B is another person; tenant B's application sees none of A's.
	if n := count(aliceInB, "/me"); n != "0" {
		t.Errorf("tenant B's Alice sees %s records", n)
	}
	if n := count(appInB, "/users/"+aliceOid); n != "0" {
		t.Errorf("tenant B's application sees %s of tenant A's Alice's records", n)
	}
}

// TestMisconfigured: provider keys without an audience, or development tokens beside them, make
// every request a 500 that names the setting, with the API's usual headers.
func TestMisconfigured(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		setting string
		vars    map[string]string
	}{
		{"AUTH_AUDIENCE", map[string]string{"AUTH_OIDC_ISSUER": "https://login.microsoftonline.com/" + tenantA + "/v2.0"}},
		{"DEV_TOKENS", map[string]string{"DEV_TOKENS": "1", "AUTH_JWKS_URL": "https://login.microsoftonline.com/common/discovery/v2.0/keys", "AUTH_AUDIENCE": clientID, "AUTH_ISSUER": issuersV}},
	} {
		t.Run(tt.setting, func(t *testing.T) {
			w := startOwn(t, options{vars: tt.vars, ready: func() string { return "x.y.z" }, readyStatus: 500})
			for _, r := range []req{
				{method: "GET", path: "/me/insights/used", token: "x.y.z"},
				{method: "POST", path: "/dev/token"},
			} {
				res, err := w.send(r)
				if err != nil {
					t.Fatal(err)
				}
				e := checkError(t, res, 500, "generalException")
				if !strings.Contains(e.Error.Message, tt.setting) {
					t.Errorf("%s %s: message %q does not name %s", r.method, r.path, e.Error.Message, tt.setting)
				}
			}
		})
	}
}
