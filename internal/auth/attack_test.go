package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"
)

func TestAttacks(t *testing.T) {
	k := getKeys(t)
	v := newTestVerifier(t, Config{})
	payload := claimsJSON(`"scp":"Sites.ReadWrite.All"`)

	// Key confusion: the attacker HMACs with bytes of the public key, which everyone has.
	der, err := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	jwksN := rsaJWK("", &k.rsa.PublicKey)["n"].(string)
	ecDER, _ := x509.MarshalPKIXPublicKey(&k.ec.PublicKey)
	outsider, err := rsa.GenerateKey(rand.Reader, 2048) // a key not in the JWKS
	if err != nil {
		t.Fatal(err)
	}

	// alg none and unknown algs, each carrying an otherwise valid HS256 signature so that only
	// the alg can be the reason for failure.
	hsSig := func(hdr string) string { return rawHS256(testSecret, hdr, payload) }
	rsSig := rawRS256(t, k.rsa, `{"alg":"RS256"}`, payload)
	_, _, rsS := splitToken(t, rsSig)

	tests := []struct {
		name  string
		token string
		msg   string
	}{
		{"alg none without signature", enc(`{"alg":"none","typ":"JWT"}`) + "." + enc(payload) + ".", msgAlg},
		{"alg none with HS256 signature", hsSig(`{"alg":"none"}`), msgAlg},
		{"alg None", hsSig(`{"alg":"None"}`), msgAlg},
		{"alg NONE", hsSig(`{"alg":"NONE"}`), msgAlg},
		{"alg hs256 lower case", hsSig(`{"alg":"hs256"}`), msgAlg},
		{"alg HS512", hsSig(`{"alg":"HS512"}`), msgAlg},
		{"alg HS384", hsSig(`{"alg":"HS384"}`), msgAlg},
		{"alg PS256 with RS256 signature", enc(`{"alg":"PS256"}`) + "." + enc(payload) + "." + rsS, msgAlg},
		{"alg RS512", hsSig(`{"alg":"RS512"}`), msgAlg},
		{"alg ES384", hsSig(`{"alg":"ES384"}`), msgAlg},
		{"alg EdDSA", hsSig(`{"alg":"EdDSA"}`), msgAlg},
		{"alg with trailing space", hsSig(`{"alg":"HS256 "}`), msgAlg},
		{"alg empty", hsSig(`{"alg":""}`), msgNoAlg},
		{"alg null", hsSig(`{"alg":null}`), msgNoAlg},
		{"HS256 keyed with the RSA public key PEM", rawHS256(pemKey, `{"alg":"HS256"}`, payload), msgSignature},
		{"HS256 keyed with the RSA public key DER", rawHS256(string(der), `{"alg":"HS256"}`, payload), msgSignature},
		{"HS256 keyed with the JWKS n", rawHS256(jwksN, `{"alg":"HS256","kid":"rsa-1"}`, payload), msgSignature},
		{"HS256 keyed with the EC public key", rawHS256(string(ecDER), `{"alg":"HS256","kid":"ec-1"}`, payload), msgSignature},
		{"HS256 keyed with another secret", rawHS256("not-the-secret", `{"alg":"HS256"}`, payload), msgSignature},
		{"crit header", hsSig(`{"alg":"HS256","crit":["exp"],"exp":1}`), msgCrit},
		{"b64 false", hsSig(`{"alg":"HS256","b64":false,"crit":["b64"]}`), msgCrit},
		{"embedded jwk is not trusted", rawRS256(t, outsider, `{"alg":"RS256","jwk":`+jwksText(t, rsaJWK("", &outsider.PublicKey))+`}`, payload), msgSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify("Bearer " + tt.token)
			wantError(t, err, tt.msg)
		})
	}

	// Without a secret, HS256 is refused even when signed with the public key bytes.
	jwksOnly, err := NewVerifier(Config{JWKS: standardJWKS(t), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{pemKey, string(der), jwksN, ""} {
		in := enc(`{"alg":"HS256","kid":"rsa-1"}`) + "." + enc(payload)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(in))
		_, err := jwksOnly.Verify("Bearer " + in + "." + b64.EncodeToString(mac.Sum(nil)))
		wantError(t, err, msgNoKey)
	}
	// Without a JWKS, RS256 and ES256 are refused.
	secretOnly, err := NewVerifier(Config{Secret: testSecret, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{rsSig, rawES256(t, k.ec, `{"alg":"ES256"}`, payload)} {
		_, err := secretOnly.Verify("Bearer " + tok)
		wantError(t, err, msgNoKey)
	}
}

func TestLifetime(t *testing.T) {
	v := newTestVerifier(t, Config{})
	now := testNow.Unix()
	n := func(d int64) string { return itoa(now + d) }
	tests := []struct {
		name   string
		claims string
		msg    string // "" means valid
	}{
		{"valid", `"exp":` + n(3600) + `,"nbf":` + n(-10), ""},
		{"no nbf", `"exp":` + n(3600), ""},
		{"fractional exp", `"exp":` + n(3600) + `.25`, ""},
		{"exponent exp", `"exp":1.8e9`, ""},
		{"expired within leeway", `"exp":` + n(-59), ""},
		{"expired at leeway", `"exp":` + n(-60), msgLifetime},
		{"expired beyond leeway", `"exp":` + n(-61), msgLifetime},
		{"expired long ago", `"exp":` + n(-86400), msgLifetime},
		{"nbf within leeway", `"exp":` + n(3600) + `,"nbf":` + n(59), ""},
		{"nbf at leeway", `"exp":` + n(3600) + `,"nbf":` + n(60), ""},
		{"nbf beyond leeway", `"exp":` + n(3600) + `,"nbf":` + n(61), msgLifetime},
		{"nbf null", `"exp":` + n(3600) + `,"nbf":null`, ""},
		{"missing exp", `"nbf":` + n(-10), msgNoExp},
		{"exp null", `"exp":null`, msgNoExp},
		{"exp zero", `"exp":0`, msgLifetime},
		{"exp negative", `"exp":-1`, msgLifetime},
		{"exp as string", `"exp":"` + n(3600) + `"`, msgClaims},
		{"exp as bool", `"exp":true`, msgClaims},
		{"exp as array", `"exp":[` + n(3600) + `]`, msgClaims},
		{"exp out of range", `"exp":1e400`, msgClaims},
		{"nbf as string", `"exp":` + n(3600) + `,"nbf":"0"`, msgClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify("Bearer " + rawHS256(testSecret, `{"alg":"HS256"}`, `{"sub":"a",`+tt.claims+`}`))
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			wantError(t, err, tt.msg)
		})
	}
}

func TestAudienceIssuer(t *testing.T) {
	const aud, iss = "api://usedinsight", "https://login.example.org/tenant/v2.0"
	strict := newTestVerifier(t, Config{Audience: []string{aud}, Issuer: []string{iss}})
	lax := newTestVerifier(t, Config{})
	tests := []struct {
		name      string
		claims    string
		strictMsg string // "" means valid; the lax verifier accepts every case
	}{
		{"both right", `"aud":"` + aud + `","iss":"` + iss + `"`, ""},
		{"aud array with it", `"aud":["other","` + aud + `"],"iss":"` + iss + `"`, ""},
		{"wrong aud string", `"aud":"api://other","iss":"` + iss + `"`, msgAudience},
		{"wrong aud array", `"aud":["api://other","api://usedinsight/"],"iss":"` + iss + `"`, msgAudience},
		{"empty aud array", `"aud":[],"iss":"` + iss + `"`, msgAudience},
		{"aud case differs", `"aud":"API://USEDINSIGHT","iss":"` + iss + `"`, msgAudience},
		{"missing aud", `"iss":"` + iss + `"`, msgAudience},
		{"wrong iss", `"aud":"` + aud + `","iss":"https://evil.example.org/tenant/v2.0"`, msgIssuer},
		{"iss with trailing slash", `"aud":"` + aud + `","iss":"` + iss + `/"`, msgIssuer},
		{"missing iss", `"aud":"` + aud + `"`, msgIssuer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := "Bearer " + rawHS256(testSecret, `{"alg":"HS256"}`, claimsJSON(tt.claims))
			_, err := strict.Verify(tok)
			if tt.strictMsg == "" {
				if err != nil {
					t.Fatalf("strict Verify: %v", err)
				}
			} else {
				wantError(t, err, tt.strictMsg)
			}
			if _, err := lax.Verify(tok); err != nil {
				t.Fatalf("lax Verify: %v", err)
			}
		})
	}
	// A malformed aud is a malformed token even when no audience is configured (null too, as
	// go-jose reads it).
	for _, bad := range []string{`"aud":null`, `"aud":1`, `"aud":[1]`, `"aud":{"a":1}`, `"aud":true`, `"iss":7`} {
		_, err := lax.Verify("Bearer " + rawHS256(testSecret, `{"alg":"HS256"}`, claimsJSON(bad)))
		wantError(t, err, msgClaims)
	}
}
