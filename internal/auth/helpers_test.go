package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

const testSecret = "test-secret-0123456789abcdef-0123456789"

// testNow is the fixed clock of the tests.
var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func enc(s string) string { return b64.EncodeToString([]byte(s)) }

// testKeys are the asymmetric keys of the tests, made once per test binary.
type testKeys struct {
	rsa, rsa2 *rsa.PrivateKey
	ec, ec2   *ecdsa.PrivateKey
}

var (
	keysOnce sync.Once
	keys     testKeys
	keysErr  error
)

func getKeys(tb testing.TB) testKeys {
	tb.Helper()
	keysOnce.Do(func() {
		var e1, e2, e3, e4 error
		keys.rsa, e1 = rsa.GenerateKey(rand.Reader, 2048)
		keys.rsa2, e2 = rsa.GenerateKey(rand.Reader, 2048)
		keys.ec, e3 = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		keys.ec2, e4 = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		keysErr = errors.Join(e1, e2, e3, e4)
	})
	if keysErr != nil {
		tb.Fatal(keysErr)
	}
	return keys
}

// rsaJWK is the public JWK of k.
func rsaJWK(kid string, k *rsa.PublicKey) map[string]any {
	e := big.NewInt(int64(k.E)).Bytes()
	m := map[string]any{"kty": "RSA", "n": b64.EncodeToString(k.N.Bytes()), "e": b64.EncodeToString(e)}
	if kid != "" {
		m["kid"] = kid
	}
	return m
}

// ecJWK is the public JWK of k.
func ecJWK(tb testing.TB, kid string, k *ecdsa.PublicKey) map[string]any {
	tb.Helper()
	b, err := k.Bytes()
	if err != nil {
		tb.Fatal(err)
	}
	m := map[string]any{"kty": "EC", "crv": "P-256", "x": b64.EncodeToString(b[1:33]), "y": b64.EncodeToString(b[33:])}
	if kid != "" {
		m["kid"] = kid
	}
	return m
}

// jwksText is the JWKS JSON of keys.
func jwksText(tb testing.TB, keys ...map[string]any) string {
	tb.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// standardJWKS holds rsa as "rsa-1", rsa2 as "rsa-2", ec as "ec-1" and ec2 as "ec-2".
func standardJWKS(tb testing.TB) string {
	k := getKeys(tb)
	return jwksText(tb, rsaJWK("rsa-1", &k.rsa.PublicKey), rsaJWK("rsa-2", &k.rsa2.PublicKey),
		ecJWK(tb, "ec-1", &k.ec.PublicKey), ecJWK(tb, "ec-2", &k.ec2.PublicKey))
}

// newTestVerifier has the test secret, the standard JWKS and the test clock, plus c's audience
// and issuer.
func newTestVerifier(tb testing.TB, c Config) *Verifier {
	tb.Helper()
	c.Secret = testSecret
	c.JWKS = standardJWKS(tb)
	c.Now = func() time.Time { return testNow }
	v, err := NewVerifier(c)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// rawHS256 signs the raw header and payload JSON texts with secret.
func rawHS256(secret, hdr, payload string) string {
	return record(signHS256([]byte(secret), enc(hdr)+"."+enc(payload)))
}

// rawRS256 signs the raw header and payload JSON texts with k.
func rawRS256(tb testing.TB, k *rsa.PrivateKey, hdr, payload string) string {
	tb.Helper()
	in := enc(hdr) + "." + enc(payload)
	d := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, d[:])
	if err != nil {
		tb.Fatal(err)
	}
	return record(in + "." + b64.EncodeToString(sig))
}

// rawES256 signs the raw header and payload JSON texts with k, writing the JWS r||s form.
func rawES256(tb testing.TB, k *ecdsa.PrivateKey, hdr, payload string) string {
	tb.Helper()
	in := enc(hdr) + "." + enc(payload)
	d := sha256.Sum256([]byte(in))
	r, s, err := ecdsa.Sign(rand.Reader, k, d[:])
	if err != nil {
		tb.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return record(in + "." + b64.EncodeToString(sig))
}

// claimsJSON is a valid payload for the test clock, with extra members (raw JSON) added.
func claimsJSON(extra string) string {
	base := `{"sub":"alice","exp":` + itoa(testNow.Add(time.Hour).Unix()) + `,"nbf":` + itoa(testNow.Unix())
	if extra != "" {
		base += "," + extra
	}
	return base + "}"
}

func itoa(n int64) string { return big.NewInt(n).String() }

// wantError asserts that err is an *Error with message msg ("" accepts any message).
func wantError(tb testing.TB, err error, msg string) {
	tb.Helper()
	var e *Error
	if !errors.As(err, &e) {
		tb.Fatalf("error = %v (%T), want *Error", err, err)
	}
	if e.Message == "" {
		tb.Fatalf("*Error with an empty message")
	}
	if msg != "" && e.Message != msg {
		tb.Fatalf("error message = %q, want %q", e.Message, msg)
	}
}

// splitToken splits a compact JWS into its three segments.
func splitToken(tb testing.TB, tok string) (h, p, s string) {
	tb.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		tb.Fatalf("token %q has %d segments", tok, len(parts))
	}
	return parts[0], parts[1], parts[2]
}

func sha256Sum(s string) [32]byte { return sha256.Sum256([]byte(s)) }
