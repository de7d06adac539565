package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

// FuzzVerify feeds arbitrary Authorization header values to Verify. It must never panic, every
// failure must be an *Error, and every success must be a token that the fuzz test itself signed:
// an independent check of the signature, written here without the package's code, must pass with
// one of the test's keys, and the token must be unexpired.
func FuzzVerify(f *testing.F) {
	k := getKeys(f) // RSA keys differ between fuzz worker processes; the EC key below does not.
	ec, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), []byte("fuzz-fixed-p256-private-scalar!!"))
	if err != nil {
		f.Fatal(err)
	}
	v, err := NewVerifier(Config{
		Secret: testSecret,
		JWKS:   jwksText(f, rsaJWK("rsa-1", &k.rsa.PublicKey), ecJWK(f, "ec-1", &ec.PublicKey)),
		Now:    func() time.Time { return testNow },
	})
	if err != nil {
		f.Fatal(err)
	}

	payload := claimsJSON(`"oid":"o","upn":"a@b","scp":"Sites.Read.All","roles":["x"],"aud":["a","b"]`)
	hs := rawHS256(testSecret, `{"alg":"HS256","typ":"JWT"}`, payload)
	for _, s := range []string{
		"Bearer " + hs,
		"bearer  " + hs,
		"Bearer " + rawHS256(testSecret, `{"alg":"HS256"}`, `{"sub":"s","exp":1e10}`),
		"Bearer " + rawHS256(testSecret, `{"alg":"HS256"}`, `{"sub":"s","exp":"1e10"}`),
		"Bearer " + rawHS256(testSecret, `{"alg":"none"}`, payload),
		"Bearer " + rawHS256("wrong", `{"alg":"HS256"}`, payload),
		"Bearer " + rawRS256(f, k.rsa, `{"alg":"RS256","kid":"rsa-1"}`, payload),
		"Bearer " + rawES256(f, ec, `{"alg":"ES256","kid":"ec-1"}`, payload),
		"Bearer " + rawES256(f, ec, `{"alg":"ES256"}`, `{"sub":"s","exp":2e9,"nbf":1e9}`),
		"Bearer " + enc(`{"alg":"none"}`) + "." + enc(payload) + ".",
		"Bearer " + hs + ".",
		"Bearer " + strings.Repeat("A", MaxTokenLen+1),
		"Bearer ..",
		"Bearer e30.e30.",
		"Basic " + hs,
		"Bearer",
		"",
		"Bearer ✓.✓.✓",
		"Bearer " + enc(`{"alg":"HS256","x":[[[[`) + ".e30.AAAA",
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, header string) {
		p, err := v.Verify(header)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("error %v (%T) is not an *Error with a message", err, err)
			}
			return
		}
		if p.User == "" {
			t.Fatalf("accepted %q with an empty user", header)
		}
		fields := strings.Fields(header)
		if len(fields) != 2 || !strings.EqualFold(fields[0], "Bearer") {
			t.Fatalf("accepted header %q", header)
		}
		parts := strings.Split(fields[1], ".")
		if len(parts) != 3 {
			t.Fatalf("accepted %q with %d segments", header, len(parts))
		}
		std := base64.RawURLEncoding
		hdrJSON, err1 := std.DecodeString(parts[0])
		claimsJSON, err2 := std.DecodeString(parts[1])
		sig, err3 := std.DecodeString(parts[2])
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatalf("accepted %q: %v", header, err)
		}
		var hdr struct{ Alg string }
		var cl struct{ Exp float64 }
		if err := errors.Join(json.Unmarshal(hdrJSON, &hdr), json.Unmarshal(claimsJSON, &cl)); err != nil {
			t.Fatalf("accepted %q: %v", header, err)
		}
		if float64(testNow.Unix()) >= cl.Exp+60 {
			t.Fatalf("accepted %q, expired", header)
		}
		in := []byte(parts[0] + "." + parts[1])
		digest := sha256.Sum256(in)
		switch hdr.Alg {
		case "HS256":
			mac := hmac.New(sha256.New, []byte(testSecret))
			mac.Write(in)
			if !hmac.Equal(mac.Sum(nil), sig) {
				t.Fatalf("accepted %q, not signed with the test secret", header)
			}
		case "RS256":
			if rsa.VerifyPKCS1v15(&k.rsa.PublicKey, crypto.SHA256, digest[:], sig) != nil {
				t.Fatalf("accepted %q, not signed with the test RSA key", header)
			}
		case "ES256":
			if len(sig) != 64 || !ecdsa.Verify(&ec.PublicKey, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
				t.Fatalf("accepted %q, not signed with the test EC key", header)
			}
		default:
			t.Fatalf("accepted %q with alg %q", header, hdr.Alg)
		}
	})
}
