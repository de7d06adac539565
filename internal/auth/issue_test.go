package auth

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// payloadOf decodes the claims of a token without verifying it.
func payloadOf(t *testing.T, tok string) map[string]any {
	t.Helper()
	_, p, _ := splitToken(t, tok)
	b, err := b64.DecodeString(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestIssueHS256(t *testing.T) {
	in := map[string]any{"sub": "alice", "scp": "Sites.Read.All", "exp": 1, "iat": "x"}
	tok, err := IssueHS256(testSecret, in, 10*time.Minute, testNow)
	if err != nil {
		t.Fatal(err)
	}
	h, _, _ := splitToken(t, tok)
	if hdr, _ := b64.DecodeString(h); string(hdr) != `{"alg":"HS256","typ":"JWT"}` {
		t.Fatalf("header = %s", hdr)
	}
	got := payloadOf(t, tok)
	want := map[string]any{"sub": "alice", "scp": "Sites.Read.All",
		"iat": float64(testNow.Unix()), "nbf": float64(testNow.Unix()), "exp": float64(testNow.Add(10 * time.Minute).Unix())}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("claims = %v, want %v", got, want)
	}
	if in["exp"] != 1 || in["iat"] != "x" || len(in) != 4 {
		t.Fatalf("IssueHS256 changed its argument: %v", in)
	}
	v := newTestVerifier(t, Config{})
	if p, err := v.Verify("Bearer " + tok); err != nil || p.User != "alice" {
		t.Fatalf("Verify = %v, %v", p, err)
	}
	// The token lives ttl plus the leeway.
	v.now = func() time.Time { return testNow.Add(10*time.Minute + Leeway - time.Second) }
	if _, err := v.Verify("Bearer " + tok); err != nil {
		t.Fatalf("just before expiry: %v", err)
	}
	v.now = func() time.Time { return testNow.Add(10*time.Minute + Leeway) }
	_, err = v.Verify("Bearer " + tok)
	wantError(t, err, msgLifetime)
	// Another secret does not verify it.
	other, _ := NewVerifier(Config{Secret: testSecret + "x", Now: func() time.Time { return testNow }})
	_, err = other.Verify("Bearer " + tok)
	wantError(t, err, msgSignature)
}

func TestIssueHS256Errors(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		claims map[string]any
		ttl    time.Duration
		want   string
	}{
		{"no secret", "", map[string]any{"sub": "a"}, time.Hour, "no secret"},
		{"zero ttl", testSecret, map[string]any{"sub": "a"}, 0, "lifetime"},
		{"negative ttl", testSecret, map[string]any{"sub": "a"}, -time.Hour, "lifetime"},
		{"unmarshalable claim", testSecret, map[string]any{"sub": "a", "c": make(chan int)}, time.Hour, "claims"},
		{"roles not an array", testSecret, map[string]any{"sub": "a", "roles": "Sites.Read.All"}, time.Hour, "claims"},
		{"scp not a string", testSecret, map[string]any{"sub": "a", "scp": []string{"Sites.Read.All"}}, time.Hour, "claims"},
		{"sub not a string", testSecret, map[string]any{"sub": 7}, time.Hour, "claims"},
		{"too long", testSecret, map[string]any{"sub": strings.Repeat("a", MaxTokenLen)}, time.Hour, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := IssueHS256(tt.secret, tt.claims, tt.ttl, testNow)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("IssueHS256 = %q, %v; want an error containing %q", tok, err, tt.want)
			}
		})
	}
}

func TestIssueDevToken(t *testing.T) {
	v := newTestVerifier(t, Config{DevTokens: true})
	tests := []struct {
		name    string
		request string
		want    Principal
		wantErr string
	}{
		{"empty body", "", Principal{User: "alice", Scopes: []string{PermissionReadWrite}}, ""},
		{"blank body", " \n", Principal{User: "alice", Scopes: []string{PermissionReadWrite}}, ""},
		{"empty object", "{}", Principal{User: "alice", Scopes: []string{PermissionReadWrite}}, ""},
		{"other user and scope", `{"sub":"bob","upn":"Bob@X.org","scp":"Sites.Read.All"}`,
			Principal{User: "bob", UPN: "Bob@X.org", Scopes: []string{PermissionRead}}, ""},
		{"application", `{"sub":"daemon","roles":["Sites.ReadWrite.All"]}`,
			Principal{User: "daemon", Roles: []string{PermissionReadWrite}, Application: true}, ""},
		{"roles and scp stays delegated", `{"roles":["Sites.ReadWrite.All"],"scp":"Sites.Read.All"}`,
			Principal{User: "alice", Scopes: []string{PermissionRead}, Roles: []string{PermissionReadWrite}}, ""},
		{"null scp removes it: no permissions at all", `{"scp":null}`, Principal{User: "alice"}, ""},
		{"oid wins", `{"oid":"o-9"}`, Principal{User: "o-9", Scopes: []string{PermissionReadWrite}}, ""},
		{"exp cannot be set", `{"exp":1}`, Principal{}, `the claim "exp" cannot be set`},
		{"aud cannot be set", `{"aud":"api://usedinsight"}`, Principal{}, `the claim "aud" cannot be set`},
		{"iss cannot be set", `{"sub":"bob","iss":"https://sts.windows.net/x/"}`, Principal{}, `the claim "iss" cannot be set`},
		{"tid cannot be set", `{"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47"}`, Principal{}, `the claim "tid" cannot be set`},
		{"idtyp cannot be set", `{"idtyp":"app","roles":["Sites.Read.All"]}`, Principal{}, `the claim "idtyp" cannot be set`},
		{"duplicate member", `{"sub":"a","sub":"b"}`, Principal{}, "duplicate"},
		{"not an object", `["sub"]`, Principal{}, "not a JSON object"},
		{"null", `null`, Principal{}, "not a JSON object"},
		{"bad JSON", `{"sub":`, Principal{}, "not a JSON object"},
		{"roles of wrong type", `{"roles":"Sites.Read.All"}`, Principal{}, "wrong JSON type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := IssueDevToken(testSecret, []byte(tt.request), testNow)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("IssueDevToken error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.TokenType != "Bearer" || resp.ExpiresIn != 3600 {
				t.Fatalf("response = %+v", resp)
			}
			p, err := v.Verify("Bearer " + resp.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.ID = want.User
			if !reflect.DeepEqual(p, want) {
				t.Fatalf("Principal = %#v, want %#v", p, want)
			}
		})
	}
	// The JSON form of the response is what POST /dev/token answers.
	resp, err := IssueDevToken(testSecret, nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(resp)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 3 || m["access_token"] != resp.AccessToken || m["token_type"] != "Bearer" || m["expires_in"] != float64(3600) {
		t.Fatalf("response JSON = %s", b)
	}
	if _, err := IssueDevToken("", nil, testNow); err == nil {
		t.Fatal("IssueDevToken without a secret succeeded")
	}
}
