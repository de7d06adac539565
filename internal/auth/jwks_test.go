package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/asn1"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestAsymmetricTokens(t *testing.T) {
	k := getKeys(t)
	v := newTestVerifier(t, Config{})
	payload := claimsJSON(`"oid":"o-1","scp":"Sites.Read.All"`)
	tamperedPayload := enc(claimsJSON(`"oid":"o-2","scp":"Sites.ReadWrite.All"`))

	type tc struct {
		name  string
		token string
		msg   string // "" means valid
	}
	var tests []tc
	for _, a := range []struct {
		alg  string
		sign func(hdr, payload string) string
	}{
		{"RS256", func(h, p string) string { return rawRS256(t, k.rsa, h, p) }},
		{"ES256", func(h, p string) string { return rawES256(t, k.ec, h, p) }},
	} {
		kid, otherKid, otherTypeKid := "rsa-1", "rsa-2", "ec-1"
		if a.alg == "ES256" {
			kid, otherKid, otherTypeKid = "ec-1", "ec-2", "rsa-1"
		}
		good := a.sign(`{"alg":"`+a.alg+`","kid":"`+kid+`"}`, payload)
		h, p, s := splitToken(t, good)
		sigBytes, _ := b64.DecodeString(s)
		flipped := append([]byte(nil), sigBytes...)
		flipped[len(flipped)/2] ^= 1
		tests = append(tests,
			tc{a.alg + " with kid", good, ""},
			tc{a.alg + " without kid tries each key", a.sign(`{"alg":"`+a.alg+`","typ":"JWT"}`, payload), ""},
			tc{a.alg + " unknown kid", a.sign(`{"alg":"`+a.alg+`","kid":"nope"}`, payload), msgKeyNotFound},
			tc{a.alg + " kid of another key", a.sign(`{"alg":"`+a.alg+`","kid":"`+otherKid+`"}`, payload), msgSignature},
			tc{a.alg + " kid of a key of the other type", a.sign(`{"alg":"`+a.alg+`","kid":"`+otherTypeKid+`"}`, payload), msgKeyNotFound},
			tc{a.alg + " tampered payload", h + "." + tamperedPayload + "." + s, msgSignature},
			tc{a.alg + " tampered header", enc(`{"alg":"`+a.alg+`","kid":"`+kid+`","x":1}`) + "." + p + "." + s, msgSignature},
			tc{a.alg + " tampered signature", h + "." + p + "." + b64.EncodeToString(flipped), msgSignature},
			tc{a.alg + " truncated signature", h + "." + p + "." + b64.EncodeToString(sigBytes[:len(sigBytes)-1]), msgSignature},
			tc{a.alg + " extended signature", h + "." + p + "." + b64.EncodeToString(append(sigBytes, 0)), msgSignature},
			tc{a.alg + " empty signature", h + "." + p + ".", msgSignature},
		)
	}
	// An ES256 signature in ASN.1 form, as some libraries write it by mistake, is rejected.
	{
		in := enc(`{"alg":"ES256","kid":"ec-1"}`) + "." + enc(payload)
		d := sha256Sum(in)
		der, err := ecdsa.SignASN1(rand.Reader, k.ec, d[:])
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, tc{"ES256 ASN.1 signature", in + "." + b64.EncodeToString(der), msgSignature})
	}
	// The alg decides the key type: an RS256 signature relabelled ES256 or the reverse fails.
	{
		h, p, s := splitToken(t, rawRS256(t, k.rsa, `{"alg":"RS256"}`, payload))
		_ = h
		tests = append(tests, tc{"RS256 signature labelled ES256", enc(`{"alg":"ES256"}`) + "." + p + "." + s, msgSignature})
		_, p, s = splitToken(t, rawES256(t, k.ec, `{"alg":"ES256"}`, payload))
		tests = append(tests, tc{"ES256 signature labelled RS256", enc(`{"alg":"RS256"}`) + "." + p + "." + s, msgSignature})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := v.Verify("Bearer " + tt.token)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if p.User != "o-1" || !p.CanRead() || p.CanWrite() || p.Application {
					t.Fatalf("Principal = %#v", p)
				}
				return
			}
			wantError(t, err, tt.msg)
		})
	}
}

// TestJWKSWithoutKids checks that keys without kid are tried for tokens with or without kid.
func TestJWKSWithoutKids(t *testing.T) {
	k := getKeys(t)
	v, err := NewVerifier(Config{
		JWKS: jwksText(t, rsaJWK("", &k.rsa2.PublicKey), rsaJWK("", &k.rsa.PublicKey), ecJWK(t, "", &k.ec.PublicKey)),
		Now:  func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{
		rawRS256(t, k.rsa, `{"alg":"RS256"}`, claimsJSON("")),
		rawRS256(t, k.rsa, `{"alg":"RS256","kid":"whatever"}`, claimsJSON("")),
		rawES256(t, k.ec, `{"alg":"ES256"}`, claimsJSON("")),
	} {
		if _, err := v.Verify("Bearer " + tok); err != nil {
			t.Errorf("Verify: %v", err)
		}
	}
	_, err = v.Verify("Bearer " + rawES256(t, k.ec2, `{"alg":"ES256"}`, claimsJSON("")))
	wantError(t, err, msgSignature)
	// This verifier has no secret: HS256 is refused outright.
	_, err = v.Verify("Bearer " + rawHS256(testSecret, `{"alg":"HS256"}`, claimsJSON("")))
	wantError(t, err, msgNoKey)
}

// TestJWKSOnlyOneType checks that a token whose key type is absent from the JWKS is refused.
func TestJWKSOnlyOneType(t *testing.T) {
	k := getKeys(t)
	v, err := NewVerifier(Config{JWKS: jwksText(t, ecJWK(t, "ec-1", &k.ec.PublicKey)), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Verify("Bearer " + rawRS256(t, k.rsa, `{"alg":"RS256","kid":"ec-1"}`, claimsJSON("")))
	wantError(t, err, msgNoKey)
	if _, err := v.Verify("Bearer " + rawES256(t, k.ec, `{"alg":"ES256","kid":"ec-1"}`, claimsJSON(""))); err != nil {
		t.Fatal(err)
	}
}

func TestNewVerifierJWKS(t *testing.T) {
	k := getKeys(t)
	goodRSA := rsaJWK("r", &k.rsa.PublicKey)
	goodEC := ecJWK(t, "e", &k.ec.PublicKey)
	with := func(m map[string]any, kv ...any) map[string]any {
		c := map[string]any{}
		for k, v := range m {
			c[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			c[kv[i].(string)] = kv[i+1]
		}
		return c
	}
	small, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader) // only for an off-curve point below
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := small.PublicKey.Bytes()
	offCurveY := append([]byte(nil), pb[33:]...)
	offCurveY[31] ^= 1

	tests := []struct {
		name    string
		jwks    string
		wantErr string // substring; "" means success
		rsa, ec int
	}{
		{"rsa and ec", jwksText(t, goodRSA, goodEC), "", 1, 1},
		{"padded members", jwksText(t, with(goodRSA, "n", goodRSA["n"].(string)+"=", "e", "AQAB=")), "", 1, 0},
		{"skips enc, other alg, other kty, other curve", jwksText(t, goodRSA,
			with(goodRSA, "use", "enc"), with(goodRSA, "alg", "RS512"), with(goodEC, "alg", "ES384"),
			map[string]any{"kty": "oct", "k": "c2VjcmV0"}, map[string]any{"kty": "OKP", "crv": "Ed25519", "x": "AA"},
			with(goodEC, "crv", "P-384")), "", 1, 0},
		{"explicit use sig and alg", jwksText(t, with(goodRSA, "use", "sig", "alg", "RS256"), with(goodEC, "use", "sig", "alg", "ES256")), "", 1, 1},
		{"not json", `{"keys":[`, "JWKS", 0, 0},
		{"array", `[]`, "not a JSON object", 0, 0},
		{"keys not array", `{"keys":{}}`, "JWKS", 0, 0},
		{"no keys", `{"keys":[]}`, "no RS256 or ES256", 0, 0},
		{"only unusable keys", jwksText(t, with(goodRSA, "use", "enc")), "no RS256 or ES256", 0, 0},
		{"kid not a string", jwksText(t, with(goodRSA, "kid", 7)), "JWKS", 0, 0},
		{"rsa 1024 bits", jwksText(t, with(goodRSA, "n", b64.EncodeToString(k.rsa.N.Bytes()[:128]))), "modulus of", 0, 0},
		{"rsa bad n", jwksText(t, with(goodRSA, "n", "a+b/")), "n is not base64url", 0, 0},
		{"rsa missing e", jwksText(t, with(goodRSA, "e", "")), "e is not base64url", 0, 0},
		{"rsa even e", jwksText(t, with(goodRSA, "e", "AQA")), "exponent", 0, 0},
		{"rsa e one", jwksText(t, with(goodRSA, "e", "AQ")), "exponent", 0, 0},
		{"rsa huge e", jwksText(t, with(goodRSA, "e", "AQAAAAAB")), "exponent", 0, 0},
		{"rsa private", jwksText(t, with(goodRSA, "d", "AQAB")), "private key", 0, 0},
		{"ec off curve", jwksText(t, with(goodEC, "y", b64.EncodeToString(offCurveY))), "not a point", 0, 0},
		{"ec long x", jwksText(t, with(goodEC, "x", b64.EncodeToString(make([]byte, 33)))), "longer than 32", 0, 0},
		{"ec private", jwksText(t, with(goodEC, "d", "AQAB")), "private key", 0, 0},
		{"ec missing y", jwksText(t, with(goodEC, "y", "")), "y is not base64url", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewVerifier(Config{JWKS: tt.jwks})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NewVerifier error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewVerifier: %v", err)
			}
			if len(v.static.rsa) != tt.rsa || len(v.static.ec) != tt.ec {
				t.Fatalf("keys: %d RSA, %d EC; want %d, %d", len(v.static.rsa), len(v.static.ec), tt.rsa, tt.ec)
			}
		})
	}
}

// TestShortCoordinates checks that a P-256 key whose coordinate was written without its leading
// zero byte still verifies.
func TestShortCoordinates(t *testing.T) {
	var key *ecdsa.PrivateKey
	for i := 0; ; i++ {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := k.PublicKey.Bytes(); b[1] == 0 {
			key = k
			break
		}
		if i > 5000 {
			t.Skip("no key with a leading zero x byte found")
		}
	}
	b, _ := key.PublicKey.Bytes()
	jwks := jwksText(t, map[string]any{"kty": "EC", "crv": "P-256", "x": b64.EncodeToString(b[2:33]), "y": b64.EncodeToString(b[33:])})
	v, err := NewVerifier(Config{JWKS: jwks, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify("Bearer " + rawES256(t, key, `{"alg":"ES256"}`, claimsJSON(""))); err != nil {
		t.Fatal(err)
	}
}

// TestSignatureDER checks the r||s to ASN.1 DER conversion against encoding/asn1, on values with
// leading zero bytes, the high bit set, zero and the maximum.
func TestSignatureDER(t *testing.T) {
	vals := [][]byte{make([]byte, 32), append(make([]byte, 31), 1), append(make([]byte, 31), 0x80)}
	ff := make([]byte, 32)
	for i := range ff {
		ff[i] = 0xff
	}
	vals = append(vals, ff, append([]byte{0, 0, 0x7f}, ff[3:]...), append([]byte{0x80}, make([]byte, 31)...))
	for range 200 {
		b := make([]byte, 32)
		rand.Read(b)
		b[0] &= byte(0xff >> (len(vals) % 9))
		vals = append(vals, b)
	}
	for _, r := range vals {
		for _, s := range vals[:12] {
			rs := append(append([]byte(nil), r...), s...)
			want, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(r), new(big.Int).SetBytes(s)})
			if err != nil {
				t.Fatal(err)
			}
			if got := appendSignatureDER(nil, rs); string(got) != string(want) || len(got) > derMax {
				t.Fatalf("DER of %x = %x, want %x", rs, got, want)
			}
		}
	}
}
