package auth

// The verifier is written by hand so that it can be stricter than the libraries; this test
// makes it earn that. Every token of the fuzz corpora, every token the tests sign with the
// helpers (recorded as they go) and the tokens below go through both Verify and go-jose. The test
// fails on a token that Verify accepts and go-jose rejects, and on claims that the two read
// differently. Where Verify is deliberately stricter, stricterThanGoJose lists the difference
// with its reason and a token that shows it.

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// signed records the tokens the test helpers sign, for the differential check in TestMain; not
// while fuzzing, whose inputs the corpora hold.
var signed struct {
	sync.Mutex
	off    bool
	tokens []string
}

// maxRecorded bounds the tokens recorded.
const maxRecorded = 20000

func record(tok string) string {
	signed.Lock()
	if !signed.off && len(signed.tokens) < maxRecorded {
		signed.tokens = append(signed.tokens, tok)
	}
	signed.Unlock()
	return tok
}

func TestMain(m *testing.M) {
	flag.Parse()
	fuzzing := flag.Lookup("test.fuzz").Value.String() != "" || flag.Lookup("test.fuzzworker").Value.String() == "true"
	signed.off = fuzzing
	code := m.Run()
	if code == 0 && !fuzzing {
		signed.Lock()
		tokens := slices.Clone(signed.tokens)
		signed.Unlock()
		if testing.Verbose() {
			println("differential: checking the", len(tokens), "tokens the tests signed against go-jose")
		}
		if problems := differential(nil, tokens); len(problems) > 0 {
			for _, p := range problems {
				println("differential:", p)
			}
			code = 1
		}
	}
	os.Exit(code)
}

// fuzzEC is the fixed P-256 key of FuzzVerify, whose corpus tokens are signed with it.
func fuzzEC(tb testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), []byte("fuzz-fixed-p256-private-scalar!!"))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// differential checks tokens against go-jose and returns what disagrees. tb may be nil (in
// TestMain), where key generation cannot fail the test.
func differential(tb testing.TB, tokens []string) []string {
	if tb == nil {
		tb = &testing.T{}
	}
	k := getKeys(tb)
	ec := fuzzEC(tb)
	v, err := NewVerifier(Config{
		Secret: testSecret,
		JWKS: jwksText(tb, rsaJWK("rsa-1", &k.rsa.PublicKey), rsaJWK("rsa-2", &k.rsa2.PublicKey),
			ecJWK(tb, "ec-1", &k.ec.PublicKey), ecJWK(tb, "ec-2", &k.ec2.PublicKey), ecJWK(tb, "ec-1", &ec.PublicKey)),
		Now: func() time.Time { return testNow },
	})
	if err != nil {
		return []string{err.Error()}
	}
	keys := []any{[]byte(testSecret), &k.rsa.PublicKey, &k.rsa2.PublicKey, &k.ec.PublicKey, &k.ec2.PublicKey, &ec.PublicKey}
	var problems []string
	for _, tok := range tokens {
		p, ct, err := v.verifyToken(context.Background(), tok)
		if err != nil {
			continue // stricter is allowed
		}
		claims, joseErr := goJose(tok, keys)
		if joseErr != nil {
			problems = append(problems, "accepted, go-jose rejects ("+joseErr.Error()+"): "+tok)
			continue
		}
		want := principalOf(claims)
		if !samePrincipal(p, want) {
			problems = append(problems, "claims differ: "+tok)
		}
		var std jwt.Claims
		b, _ := json.Marshal(claims)
		if json.Unmarshal(b, &std) == nil && std.Expiry != nil && int64(ct.exp) != int64(*std.Expiry) {
			problems = append(problems, "exp differs: "+tok)
		}
	}
	return problems
}

// goJose verifies tok with go-jose with whichever of keys fits and validates its lifetime; it
// returns the claims.
func goJose(tok string, keys []any) (map[string]any, error) {
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.HS256, jose.RS256, jose.ES256})
	if err != nil {
		return nil, err
	}
	for _, key := range keys {
		var claims map[string]any
		var std jwt.Claims
		if err = parsed.Claims(key, &claims, &std); err != nil {
			continue
		}
		if err = std.ValidateWithLeeway(jwt.Expected{Time: testNow}, Leeway); err != nil {
			return nil, err
		}
		return claims, nil
	}
	return nil, err
}

// principalOf is the caller go-jose's reading of the claims names, by the package's rules.
func principalOf(c map[string]any) Principal {
	str := func(name string) string { s, _ := c[name].(string); return s }
	strs := func(name string) []string {
		list, ok := c[name].([]any)
		if !ok {
			return nil
		}
		out := []string{}
		for _, e := range list {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	lower := func(s string) string {
		if IsGUID(s) {
			return strings.ToLower(s)
		}
		return s
	}
	p := Principal{ID: lower(str("oid")), Tenant: lower(str("tid")), UPN: str("upn"), Roles: strs("roles")}
	if p.ID == "" {
		p.ID = lower(str("sub"))
	}
	p.User = p.Qualify(p.ID)
	if p.UPN == "" {
		p.UPN = str("preferred_username")
	}
	scp, hasScp := c["scp"].(string)
	if hasScp {
		p.Scopes = strings.Fields(scp)
	}
	_, hasRoles := c["roles"].([]any)
	p.Application = !hasScp && hasRoles && (str("idtyp") == "" || str("idtyp") == "app")
	return p
}

// corpusTokens reads the fuzz corpora: FuzzVerify's Authorization values, and the claims of
// FuzzVerifyClaims and FuzzClaimsReader signed as FuzzVerifyClaims signs them.
func corpusTokens(t *testing.T) []string {
	var tokens []string
	for _, target := range []string{"FuzzVerify", "FuzzVerifyClaims", "FuzzClaimsReader"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
		if len(files) == 0 {
			t.Fatalf("no corpus for %s", target)
		}
		for _, f := range files {
			args := corpusArgs(t, f)
			switch target {
			case "FuzzVerify":
				if tok, err := bearerToken(args[0]); err == nil {
					tokens = append(tokens, tok)
				}
			case "FuzzVerifyClaims", "FuzzClaimsReader":
				tokens = append(tokens, rawHS256(testSecret, `{"alg":"HS256","typ":"JWT"}`, args[0]))
			}
		}
	}
	return tokens
}

// corpusArgs reads the string and []byte arguments of a "go test fuzz v1" file.
func corpusArgs(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var args []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, prefix := range []string{"string(", "[]byte("} {
			if strings.HasPrefix(line, prefix) && strings.HasSuffix(line, ")") {
				s, err := strconv.Unquote(line[len(prefix) : len(line)-1])
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				args = append(args, s)
			}
		}
	}
	return args
}

func TestGoJoseDifferential(t *testing.T) {
	k := getKeys(t)
	ec := fuzzEC(t)
	tokens := corpusTokens(t)
	payload := claimsJSON(`"oid":"O","tid":"72F988BF-86F1-41AF-91AB-2D7CD011DB47","upn":"a@b","scp":"Sites.Read.All x","aud":["a","b"],"iss":"i"`)
	for _, hdr := range []string{`{"alg":"HS256"}`, `{"alg":"HS256","typ":"JWT"}`, `{"alg":"HS256","typ":"at+jwt","kid":"x"}`} {
		tokens = append(tokens, rawHS256(testSecret, hdr, payload))
	}
	tokens = append(tokens,
		rawRS256(t, k.rsa, `{"alg":"RS256","kid":"rsa-1"}`, payload),
		rawRS256(t, k.rsa2, `{"alg":"RS256"}`, claimsJSON(`"roles":["Sites.ReadWrite.All"],"idtyp":"app"`)),
		rawES256(t, k.ec, `{"alg":"ES256","kid":"ec-1"}`, claimsJSON(`"roles":["r"],"idtyp":"user"`)),
		rawES256(t, ec, `{"alg":"ES256","kid":"ec-1"}`, claimsJSON(`"sub":null,"oid":"\u00e9"`)),
		rawHS256(testSecret, `{"alg":"HS256"}`, `{"sub":"s","exp":1e10,"nbf":1.5}`),
	)
	if problems := differential(t, tokens); len(problems) > 0 {
		t.Fatalf("%d disagreements:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	t.Logf("%d tokens, plus those the other tests sign (checked in TestMain)", len(tokens))
}

// TestStricterThanGoJose lists where Verify deliberately refuses what go-jose accepts, each with
// a token that shows it. (go-jose, too, refuses duplicate members and a sub that is not a
// string, so those are not differences.)
func TestStricterThanGoJose(t *testing.T) {
	k := getKeys(t)
	keys := []any{[]byte(testSecret), &k.rsa.PublicKey}
	exp := `"exp":` + itoa(testNow.Add(time.Hour).Unix())
	tests := []struct {
		difference, reason, token string
	}{
		{"exp is required", "a token without expiry would be good forever once leaked",
			rawHS256(testSecret, `{"alg":"HS256"}`, `{"sub":"s"}`)},
		{"ID tokens (nonce) are refused", "an ID token says who signed in to a client, not that this API may be called",
			rawHS256(testSecret, `{"alg":"HS256"}`, `{"sub":"s","nonce":"n",`+exp+`}`)},
		{"ID tokens (at_hash) are refused", "as nonce",
			rawHS256(testSecret, `{"alg":"HS256"}`, `{"sub":"s","at_hash":"h",`+exp+`}`)},
		{"typ other than JWT or at+jwt is refused", "a token typed for another purpose (RFC 8725 section 3.11)",
			rawHS256(testSecret, `{"alg":"HS256","typ":"logout+jwt"}`, `{"sub":"s",`+exp+`}`)},
		{"a kid that names another key is refused", "a kid selects the key; no trying other keys",
			rawRS256(t, k.rsa, `{"alg":"RS256","kid":"rsa-2"}`, `{"sub":"s",`+exp+`}`)},
		{"no sub or oid is refused", "every caller is someone",
			rawHS256(testSecret, `{"alg":"HS256"}`, `{`+exp+`}`)},
		{"exp at exactly the leeway's end is expired", "RFC 7519: on or after exp is expired",
			rawHS256(testSecret, `{"alg":"HS256"}`, `{"sub":"s","exp":`+itoa(testNow.Add(-Leeway).Unix())+`}`)},
		{"invalid UTF-8 in a claim is refused", "RFC 8259 JSON is UTF-8; decoders disagree on repairs",
			rawHS256(testSecret, `{"alg":"HS256"}`, "{\"sub\":\"a\xffb\","+exp+"}")},
	}
	v := newTestVerifier(t, Config{})
	for _, tt := range tests {
		if _, err := v.Verify("Bearer " + tt.token); err == nil {
			t.Errorf("%s: Verify accepts the example", tt.difference)
		}
		if _, err := goJose(tt.token, keys); err != nil {
			t.Errorf("%s: go-jose rejects the example too (%v): not a difference", tt.difference, err)
		}
	}
}
