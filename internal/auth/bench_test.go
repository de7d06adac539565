package auth

import (
	"context"
	"testing"
)

// benchmarkVerify measures a full verification, as of a token not seen before (Verify would
// answer a token it accepted before from its cache; BenchmarkVerifyCached measures that).
func benchmarkVerify(b *testing.B, header string) {
	v := newTestVerifier(b, Config{Audience: []string{"api://usedinsight"}, Issuer: []string{"https://issuer.example.org"}})
	token, _ := bearerToken(header)
	if _, _, err := v.verifyToken(context.Background(), token); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := v.verifyToken(context.Background(), token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyCached measures Verify of a token it accepted before.
func BenchmarkVerifyCached(b *testing.B) {
	v := newTestVerifier(b, Config{Audience: []string{"api://usedinsight"}, Issuer: []string{"https://issuer.example.org"}})
	header := "Bearer " + rawRS256(b, getKeys(b).rsa, `{"alg":"RS256","typ":"JWT","kid":"rsa-1"}`, benchClaims)
	if _, err := v.Verify(header); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(header); err != nil {
			b.Fatal(err)
		}
	}
}

// benchClaims are typical Entra ID delegated claims.
var benchClaims = claimsJSON(`"aud":"api://usedinsight","iss":"https://issuer.example.org","oid":"00000000-0000-0000-0000-000000000001",` +
	`"upn":"alice@contoso.com","name":"Alice","tid":"00000000-0000-0000-0000-00000000000a","scp":"openid profile Sites.ReadWrite.All","ver":"2.0"`)

func BenchmarkVerifyHS256(b *testing.B) {
	benchmarkVerify(b, "Bearer "+rawHS256(testSecret, `{"alg":"HS256","typ":"JWT"}`, benchClaims))
}

func BenchmarkVerifyRS256(b *testing.B) {
	benchmarkVerify(b, "Bearer "+rawRS256(b, getKeys(b).rsa, `{"alg":"RS256","typ":"JWT","kid":"rsa-1"}`, benchClaims))
}

func BenchmarkVerifyES256(b *testing.B) {
	benchmarkVerify(b, "Bearer "+rawES256(b, getKeys(b).ec, `{"alg":"ES256","typ":"JWT","kid":"ec-1"}`, benchClaims))
}

// BenchmarkVerifyGarbage measures how cheaply a malformed token is refused.
func BenchmarkVerifyGarbage(b *testing.B) {
	v := newTestVerifier(b, Config{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify("Bearer not-a-token"); err == nil {
			b.Fatal("accepted")
		}
	}
}
