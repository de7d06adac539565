package auth

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestVerifyHS256Principal(t *testing.T) {
	v := newTestVerifier(t, Config{})
	tests := []struct {
		name   string
		claims map[string]any
		want   Principal
	}{
		{"delegated with oid, sub and upn",
			map[string]any{"oid": "0001-oid", "sub": "pairwise-sub", "upn": "Alice@Contoso.com", "preferred_username": "other@contoso.com", "scp": "User.Read Sites.Read.All"},
			Principal{User: "0001-oid", UPN: "Alice@Contoso.com", Scopes: []string{"User.Read", "Sites.Read.All"}}},
		{"delegated with sub only and preferred_username",
			map[string]any{"sub": "alice", "preferred_username": "alice@example.org", "scp": "  Sites.ReadWrite.All  "},
			Principal{User: "alice", UPN: "alice@example.org", Scopes: []string{"Sites.ReadWrite.All"}}},
		{"delegated with empty scp keeps roles but is not an application",
			map[string]any{"sub": "bob", "scp": "", "roles": []string{"Sites.ReadWrite.All"}},
			Principal{User: "bob", Scopes: []string{}, Roles: []string{"Sites.ReadWrite.All"}}},
		{"application token",
			map[string]any{"oid": "app-sp-oid", "sub": "app-sp-oid", "roles": []string{"Sites.Read.All"}},
			Principal{User: "app-sp-oid", Roles: []string{"Sites.Read.All"}, Application: true}},
		{"application token with null scp",
			map[string]any{"sub": "daemon", "scp": nil, "roles": []string{}},
			Principal{User: "daemon", Roles: []string{}, Application: true}},
		{"unicode claims",
			map[string]any{"sub": "ålice-日本", "upn": "ÅLICE@例え.jp", "scp": "Sites.Read.All"},
			Principal{User: "ålice-日本", UPN: "ÅLICE@例え.jp", Scopes: []string{"Sites.Read.All"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := IssueHS256(testSecret, tt.claims, time.Hour, testNow)
			if err != nil {
				t.Fatal(err)
			}
			got, err := v.Verify("Bearer " + tok)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want := tt.want
			want.ID = want.User
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Principal = %#v, want %#v", got, want)
			}
		})
	}
}

func TestPermissions(t *testing.T) {
	tests := []struct {
		name            string
		p               Principal
		canRead, canWrt bool
	}{
		{"delegated read", Principal{Scopes: []string{"User.Read", PermissionRead}}, true, false},
		{"delegated readwrite", Principal{Scopes: []string{PermissionReadWrite}}, true, true},
		{"delegated both", Principal{Scopes: []string{PermissionRead, PermissionReadWrite}}, true, true},
		{"delegated unrelated", Principal{Scopes: []string{"Files.ReadWrite.All", "Sites.Manage.All"}}, false, false},
		{"delegated none", Principal{}, false, false},
		{"delegated wrong case", Principal{Scopes: []string{"sites.readwrite.all"}}, false, false},
		{"delegated roles grant nothing", Principal{Scopes: []string{"User.Read"}, Roles: []string{PermissionReadWrite}}, false, false},
		{"app read", Principal{Application: true, Roles: []string{PermissionRead}}, true, false},
		{"app readwrite", Principal{Application: true, Roles: []string{PermissionReadWrite}}, true, true},
		{"app unrelated", Principal{Application: true, Roles: []string{"Sites.Selected"}}, false, false},
		{"app none", Principal{Application: true}, false, false},
		{"app scopes grant nothing", Principal{Application: true, Scopes: []string{PermissionReadWrite}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.CanRead(); got != tt.canRead {
				t.Errorf("CanRead = %v, want %v", got, tt.canRead)
			}
			if got := tt.p.CanWrite(); got != tt.canWrt {
				t.Errorf("CanWrite = %v, want %v", got, tt.canWrt)
			}
		})
	}
}

// TestPermissionsFromTokens checks the permission decisions end to end, from signed tokens.
func TestPermissionsFromTokens(t *testing.T) {
	v := newTestVerifier(t, Config{})
	tests := []struct {
		claims          map[string]any
		canRead, canWrt bool
	}{
		{map[string]any{"sub": "u", "scp": "Sites.Read.All"}, true, false},
		{map[string]any{"sub": "u", "scp": "openid Sites.ReadWrite.All profile"}, true, true},
		{map[string]any{"sub": "u", "scp": "Sites.Read.AllX"}, false, false},
		{map[string]any{"sub": "u", "scp": "User.Read", "roles": []string{"Sites.ReadWrite.All"}}, false, false},
		{map[string]any{"sub": "u", "roles": []string{"Sites.Read.All"}}, true, false},
		{map[string]any{"sub": "u", "roles": []string{"Sites.Read.All", "Sites.ReadWrite.All"}}, true, true},
		{map[string]any{"sub": "u", "roles": []string{"Sites.Read.All Sites.ReadWrite.All"}}, false, false},
	}
	for _, tt := range tests {
		tok, err := IssueHS256(testSecret, tt.claims, time.Hour, testNow)
		if err != nil {
			t.Fatal(err)
		}
		p, err := v.Verify("Bearer " + tok)
		if err != nil {
			t.Fatalf("%v: %v", tt.claims, err)
		}
		if p.CanRead() != tt.canRead || p.CanWrite() != tt.canWrt {
			t.Errorf("%v: CanRead, CanWrite = %v, %v, want %v, %v", tt.claims, p.CanRead(), p.CanWrite(), tt.canRead, tt.canWrt)
		}
	}
}

func TestIs(t *testing.T) {
	withOid := Principal{User: "11111111-oid", ID: "11111111-oid", UPN: "Alice@Contoso.com"}
	subOnly := Principal{User: "alice", ID: "alice"}
	guid := Principal{User: "t\x00c74dcd16-d8af-4df8-9621-d123b58de3e6", ID: "c74dcd16-d8af-4df8-9621-d123b58de3e6", Tenant: "t"}
	tests := []struct {
		name string
		p    Principal
		user string
		want bool
	}{
		{"oid", withOid, "11111111-oid", true},
		{"oid is exact", withOid, "11111111-OID", false},
		{"upn", withOid, "Alice@Contoso.com", true},
		{"upn lower case", withOid, "alice@contoso.com", true},
		{"upn upper case", withOid, "ALICE@CONTOSO.COM", true},
		{"other user", withOid, "bob@contoso.com", false},
		{"upn prefix", withOid, "Alice@Contoso", false},
		{"empty", withOid, "", false},
		{"sub", subOnly, "alice", true},
		{"sub is exact", subOnly, "Alice", false},
		{"empty upn matches nothing", subOnly, "", false},
		{"other", subOnly, "bob", false},
		{"guid", guid, "c74dcd16-d8af-4df8-9621-d123b58de3e6", true},
		{"guid in upper case", guid, "C74DCD16-D8AF-4DF8-9621-D123B58DE3E6", true},
		{"qualified user is not a name", guid, guid.User, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Is(tt.user); got != tt.want {
				t.Fatalf("Is(%q) = %v, want %v", tt.user, got, tt.want)
			}
		})
	}
}

// TestIsFromTokens checks Is on principals made from tokens: oid wins over sub.
func TestIsFromTokens(t *testing.T) {
	v := newTestVerifier(t, Config{})
	tok, err := IssueHS256(testSecret, map[string]any{"oid": "the-oid", "sub": "the-sub", "upn": "Ann@X.org", "scp": "Sites.Read.All"}, time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify("Bearer " + tok)
	if err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string]bool{"the-oid": true, "ann@x.org": true, "ANN@X.ORG": true, "the-sub": false, "bob": false} {
		if got := p.Is(user); got != want {
			t.Errorf("Is(%q) = %v, want %v", user, got, want)
		}
	}
}

// TestDuplicateAndCaseClaims: claim names are case-sensitive and a duplicate member, at any
// depth, makes the token invalid. encoding/json, which read the claims before, matched names in
// any case and kept the last duplicate: {"OID":"a","oid":"me","Oid":"victim"} was user "victim".
func TestDuplicateAndCaseClaims(t *testing.T) {
	const iss = "https://login.example.org/tenant/v2.0"
	v := newTestVerifier(t, Config{Issuer: []string{iss}})
	exp := `"exp":` + itoa(testNow.Add(time.Hour).Unix()) + `,"iss":"` + iss + `"`
	tests := []struct {
		name, header, claims string
		user, upn            string // "" user: rejected with msg
		msg                  string
	}{
		{"names in other cases are other claims", "", `{"OID":"a","oid":"me","Oid":"victim",` + exp + `}`, "me", "", ""},
		{"SUB is not sub", "", `{"sub":null,` + exp + `,"SUB":"alice"}`, "", "", msgNoSubject},
		{"oid twice", "", `{"oid":"me","sub":"s",` + exp + `,"oid":"victim"}`, "", "", msgClaims},
		{"sub then null", "", `{"suB":"00000",` + exp + `,"suB":null}`, "", "", msgClaims},
		{"sub twice", "", `{"sub":"bob","sub":"alice",` + exp + `}`, "", "", msgClaims},
		{"upn twice", "", `{"sub":"s","upn":"u@x",` + exp + `,"upn":"v@x"}`, "", "", msgClaims},
		{"iss then null", "", `{"sub":"s",` + exp + `,"iss":null}`, "", "", msgClaims},
		{"sub as number after a string", "", `{"sub":"s",` + exp + `,"sub":7}`, "", "", msgClaims},
		{"escaped duplicate", "", `{"sub":"s","s\u0075b":"t",` + exp + `}`, "", "", msgClaims},
		{"duplicate in a nested object", "", `{"sub":"s","x":[{"a":1,"a":2}],` + exp + `}`, "", "", msgClaims},
		{"same name in sibling objects is fine", "", `{"sub":"s","x":{"a":1},"y":{"a":1},` + exp + `}`, "s", "", ""},
		{"duplicate alg in the header", `{"alg":"HS256","alg":"HS256"}`, `{"sub":"s",` + exp + `}`, "", "", msgMalformed},
		{"ALG is not alg", `{"ALG":"HS256"}`, `{"sub":"s",` + exp + `}`, "", "", msgNoAlg},
		{"null upn falls back to preferred_username", "", `{"sub":"s","upn":null,"preferred_username":"p@x",` + exp + `}`, "s", "p@x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := tt.header
			if hdr == "" {
				hdr = `{"alg":"HS256"}`
			}
			p, err := v.Verify("Bearer " + rawHS256(testSecret, hdr, tt.claims))
			if tt.user == "" {
				wantError(t, err, tt.msg)
				return
			}
			if err != nil || p.User != tt.user || p.UPN != tt.upn {
				t.Fatalf("Verify = %+v, %v; want user %q, upn %q", p, err, tt.user, tt.upn)
			}
		})
	}
}

func TestAuthorizationHeader(t *testing.T) {
	v := newTestVerifier(t, Config{})
	tok, err := IssueHS256(testSecret, map[string]any{"sub": "alice", "scp": "Sites.Read.All"}, time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		header string
		msg    string // "" means the header is accepted
	}{
		{"Bearer " + tok, ""},
		{"bearer " + tok, ""},
		{"BEARER " + tok, ""},
		{"Bearer    " + tok, ""},
		{"  Bearer " + tok + "  ", ""},
		{"", msgEmpty},
		{"   ", msgEmpty},
		{"Bearer", msgEmpty},
		{"Bearer ", msgEmpty},
		{"Bearer      ", msgEmpty},
		{"bearer\t", msgEmpty},
		{tok, msgScheme},
		{"Basic " + tok, msgScheme},
		{"Bearer\t" + tok, msgScheme},
		{"Bearerx " + tok, msgScheme},
		{"Token " + tok, msgScheme},
		{"Bearer " + tok + " extra", msgMalformed},
		{"Bearer " + tok + "\x00", msgMalformed},
	}
	for _, tt := range tests {
		p, err := v.Verify(tt.header)
		if tt.msg == "" {
			if err != nil || p.User != "alice" {
				t.Errorf("Verify(%q) = %v, %v; want alice", tt.header, p, err)
			}
			continue
		}
		wantError(t, err, tt.msg)
		if !reflect.DeepEqual(p, Principal{}) {
			t.Errorf("Verify(%q) failed but returned principal %#v", tt.header, p)
		}
	}
}

func TestErrorType(t *testing.T) {
	v := newTestVerifier(t, Config{})
	_, err := v.Verify("")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not *Error", err)
	}
	if e.Error() != "Access token is empty." || e.Code() != "InvalidAuthenticationToken" || e.HTTPStatus() != 401 {
		t.Fatalf("Error = %q, %q, %d", e.Error(), e.Code(), e.HTTPStatus())
	}
	// A success returns a nil error interface, not a typed nil *Error.
	tok, _ := IssueHS256(testSecret, map[string]any{"sub": "a"}, time.Hour, testNow)
	if _, err := v.Verify("Bearer " + tok); err != nil {
		t.Fatalf("valid token: %v", err)
	}
}

func TestNoKeysConfigured(t *testing.T) {
	v, err := NewVerifier(Config{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := IssueHS256(testSecret, map[string]any{"sub": "a"}, time.Hour, testNow)
	_, err = v.Verify("Bearer " + tok)
	wantError(t, err, msgNoKey)
}

func TestDefaultClock(t *testing.T) {
	v, err := NewVerifier(Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := IssueHS256(testSecret, map[string]any{"sub": "a"}, time.Hour, time.Now())
	if _, err := v.Verify("Bearer " + fresh); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	old, _ := IssueHS256(testSecret, map[string]any{"sub": "a"}, time.Hour, testNow)
	_, err = v.Verify("Bearer " + old)
	wantError(t, err, msgLifetime)
}

// TestConcurrentVerify checks that concurrent verifications, which share pooled scratch memory,
// each see their own token.
func TestConcurrentVerify(t *testing.T) {
	v := newTestVerifier(t, Config{Audience: []string{"aud"}})
	const n = 8
	tokens := make([]string, n)
	for i := range tokens {
		claims := map[string]any{"sub": "user-" + itoa(int64(i)), "aud": "aud", "scp": "Sites.Read.All"}
		if i%2 == 1 {
			claims["aud"] = []string{"x", "aud"}
			delete(claims, "scp")
			claims["roles"] = []string{"Sites.ReadWrite.All"}
		}
		tok, err := IssueHS256(testSecret, claims, time.Hour, testNow)
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = tok
	}
	errs := make(chan error, n)
	for i := range n {
		go func() {
			for range 300 {
				p, err := v.Verify("Bearer " + tokens[i])
				if err == nil && (p.User != "user-"+itoa(int64(i)) || p.Application != (i%2 == 1) || !p.CanRead()) {
					err = errors.New("wrong principal " + p.User)
				}
				if err == nil && i%3 == 0 {
					_, err = v.Verify("Bearer " + tokens[i] + "x")
					if err == nil {
						err = errors.New("accepted a tampered token")
					} else {
						err = nil
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
