package auth

import (
	"strconv"
	"testing"
	"time"
)

// TestCacheAnswersLikeAFullCheck: a token accepted once is accepted again with the same
// Principal, and stops being accepted when its lifetime ends, exactly as without the cache.
func TestCacheAnswersLikeAFullCheck(t *testing.T) {
	now := testNow
	v, err := NewVerifier(Config{Secret: testSecret, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	exp := testNow.Add(time.Hour)
	tok := rawHS256(testSecret, `{"alg":"HS256"}`, `{"sub":"alice","upn":"alice@contoso.com","scp":"Sites.Read.All other","exp":`+itoa(exp.Unix())+`,"nbf":`+itoa(testNow.Unix())+`}`)
	first, err := v.Verify("Bearer " + tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := v.cache.get(tok); !ok {
		t.Fatal("an accepted token is not cached")
	}
	second, err := v.Verify("bearer  " + tok)
	if err != nil {
		t.Fatal(err)
	}
	if first.User != second.User || first.UPN != second.UPN || len(second.Scopes) != 2 || !second.CanRead() || second.CanWrite() {
		t.Fatalf("cached principal %+v, first %+v", second, first)
	}

	now = exp.Add(Leeway - time.Second) // still within the leeway
	if _, err := v.Verify("Bearer " + tok); err != nil {
		t.Fatalf("within the leeway: %v", err)
	}
	now = exp.Add(Leeway)
	_, err = v.Verify("Bearer " + tok)
	wantError(t, err, msgLifetime)
	if _, ok := v.cache.get(tok); ok {
		t.Fatal("an expired token stays cached")
	}

	// Not yet valid: nbf in the future beyond the leeway is refused, cached or not.
	now = testNow
	later := rawHS256(testSecret, `{"alg":"HS256"}`, `{"sub":"bob","scp":"Sites.Read.All","exp":`+itoa(testNow.Add(3*time.Hour).Unix())+`,"nbf":`+itoa(testNow.Add(time.Hour).Unix())+`}`)
	_, err = v.Verify("Bearer " + later)
	wantError(t, err, msgLifetime)
	now = testNow.Add(time.Hour)
	if _, err := v.Verify("Bearer " + later); err != nil {
		t.Fatal(err)
	}
	now = testNow // the clock going back: cached, yet not valid
	_, err = v.Verify("Bearer " + later)
	wantError(t, err, msgLifetime)
}

// TestCacheKeepsOnlyAcceptedTokens: a refused token is never cached, and one Verifier's cache
// does not vouch for a token another Verifier would refuse.
func TestCacheKeepsOnlyAcceptedTokens(t *testing.T) {
	v := newTestVerifier(t, Config{})
	bad := rawHS256("another-secret", `{"alg":"HS256"}`, claimsJSON(`"scp":"Sites.Read.All"`))
	for i := 0; i < 2; i++ {
		_, err := v.Verify("Bearer " + bad)
		wantError(t, err, msgSignature)
	}
	if len(v.cache.m) != 0 {
		t.Fatalf("%d refused tokens cached", len(v.cache.m))
	}
	good := rawHS256(testSecret, `{"alg":"HS256"}`, claimsJSON(`"scp":"Sites.Read.All"`))
	if _, err := v.Verify("Bearer " + good); err != nil {
		t.Fatal(err)
	}
	other := newTestVerifier(t, Config{Audience: []string{"api://elsewhere"}})
	_, err := other.Verify("Bearer " + good)
	wantError(t, err, msgAudience)
}

// TestCacheIsBounded: the cache never holds more than tokenCacheSize tokens.
func TestCacheIsBounded(t *testing.T) {
	v := newTestVerifier(t, Config{})
	for i := 0; i < tokenCacheSize+50; i++ {
		tok := rawHS256(testSecret, `{"alg":"HS256"}`, claimsJSON(`"scp":"Sites.Read.All","jti":"`+strconv.Itoa(i)+`"`))
		if _, err := v.Verify("Bearer " + tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(v.cache.m); n > tokenCacheSize {
		t.Fatalf("cache holds %d tokens, bound %d", n, tokenCacheSize)
	}
}
