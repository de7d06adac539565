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
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzVerify feeds arbitrary Authorization header values to Verify. It must never panic, every
// failure must be an *Error, and every success must be a token that the fuzz test itself signed:
// an independent check of the signature, written here without the package's code, must pass with
// one of the test's keys, and the caller must be the one its claims name (refPrincipal).
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
		if err := json.Unmarshal(hdrJSON, &hdr); err != nil {
			t.Fatalf("accepted %q: %v", header, err)
		}
		if want, ok := refPrincipal(claimsJSON, "", ""); !ok {
			t.Fatalf("accepted %q, whose claims %s must be rejected", header, claimsJSON)
		} else if !samePrincipal(p, want) {
			t.Fatalf("accepted %q as %+v; its claims %s name %+v", header, p, claimsJSON, want)
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

// refClaims are the claims that Verify reads, decoded by encoding/json as the package documents
// (member names in any case, the last of duplicates), with the checks written out anew.
type refClaims struct {
	Exp, Nbf          *float64
	Aud               json.RawMessage
	Iss               *string
	Oid, Sub, Upn     *string
	PreferredUsername *string `json:"preferred_username"`
	Scp               *string
	Roles             []string
}

// refPrincipal is the caller that a token with these (correctly signed) claims is, for a
// verifier with the given audience and issuer at testNow; ok is false when the token must be
// rejected.
func refPrincipal(claims []byte, audience, issuer string) (p Principal, ok bool) {
	trimmed := strings.TrimLeft(string(claims), " \t\r\n")
	var c refClaims
	if !strings.HasPrefix(trimmed, "{") || json.Unmarshal(claims, &c) != nil || c.Exp == nil {
		return Principal{}, false
	}
	switch aud := c.Aud; {
	case aud == nil || string(aud) == "null":
		if audience != "" {
			return Principal{}, false
		}
	default:
		var one string
		var list []string
		switch {
		case json.Unmarshal(aud, &one) == nil && aud[0] == '"':
			list = []string{one}
		case aud[0] == '[' && json.Unmarshal(aud, &list) == nil:
		default:
			return Principal{}, false // neither a string nor an array of strings
		}
		if audience != "" && !slices.Contains(list, audience) {
			return Principal{}, false
		}
	}
	if issuer != "" && (c.Iss == nil || *c.Iss != issuer) {
		return Principal{}, false
	}
	now := float64(testNow.Unix()) + float64(testNow.Nanosecond())/1e9
	if now >= *c.Exp+60 || c.Nbf != nil && now < *c.Nbf-60 {
		return Principal{}, false
	}
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	p = Principal{User: deref(c.Oid), UPN: deref(c.Upn), Roles: c.Roles, Application: c.Scp == nil}
	if p.User == "" {
		p.User = deref(c.Sub)
	}
	if p.UPN == "" {
		p.UPN = deref(c.PreferredUsername)
	}
	if c.Scp != nil {
		p.Scopes = strings.Fields(*c.Scp)
	}
	return p, p.User != ""
}

func samePrincipal(a, b Principal) bool {
	return a.User == b.User && a.UPN == b.UPN && a.Application == b.Application && slices.Equal(a.Scopes, b.Scopes) && slices.Equal(a.Roles, b.Roles)
}

// FuzzVerifyClaims signs arbitrary claims with the test secret (HS256) and checks what Verify
// makes of them against refPrincipal: it accepts exactly the claims that must be accepted,
// as the caller they name. The same token edited in one character (edit picks where and
// what) never verifies.
func FuzzVerifyClaims(f *testing.F) {
	const aud, iss = "api://usedinsight", "https://login.microsoftonline.com/tid/v2.0"
	v, err := NewVerifier(Config{Secret: testSecret, Audience: aud, Issuer: iss, Now: func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	both := `"aud":"` + aud + `","iss":"` + iss + `"`
	for _, c := range []string{
		claimsJSON(both + `,"oid":"c74dcd16-d8af-4df8-9621-d123b58de3e6","upn":"alice@contoso.com","scp":"Sites.ReadWrite.All User.Read"`),
		claimsJSON(both + `,"roles":["Sites.Read.All"]`),
		claimsJSON(`"aud":["x","` + aud + `"],"iss":"` + iss + `","scp":null,"preferred_username":"a@b"`),
		claimsJSON(both + `,"OID":"o","Sub":"s","scp":"  Sites.Read.All\tx  "`),
		claimsJSON(both + `,"sub":"bob","sub":"carol","scp":"a","scp":null`),
		claimsJSON(both + `,"exp":null`),
		claimsJSON(both + `,"exp":"9999999999"`),
		claimsJSON(both + `,"nbf":1e400`),
		claimsJSON(`"aud":7,"iss":"` + iss + `"`),
		claimsJSON(both + `,"sub":"\u00e9\ud800","upn":"\u0000"`),
		`{"sub":"a","exp":` + itoa(testNow.Add(-2*time.Minute).Unix()) + `,` + both + `}`,
		`[` + claimsJSON(both) + `]`,
		"{\"sub\":\"\xff\",\"exp\":1e10," + both + "}",
		strings.Repeat(`{"a":`, 200) + strings.Repeat(`}`, 200),
	} {
		f.Add([]byte(c), uint16(0x2a11))
	}
	f.Fuzz(func(t *testing.T, claims []byte, edit uint16) {
		tok := rawHS256(testSecret, `{"alg":"HS256","typ":"JWT"}`, string(claims))
		p, err := v.Verify("Bearer " + tok)
		want, ok := refPrincipal(claims, aud, iss)
		switch {
		case err != nil && ok:
			t.Fatalf("rejected claims %s (%v); they name %+v", claims, err, want)
		case err == nil && !ok:
			t.Fatalf("accepted claims %s as %+v; they must be rejected", claims, p)
		case err == nil && !samePrincipal(p, want):
			t.Fatalf("accepted claims %s as %+v; they name %+v", claims, p, want)
		case err != nil:
			if e := (*Error)(nil); !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("error %v (%T) is not an *Error with a message", err, err)
			}
		}
		at := int(edit) % len(tok)
		if c := (base64URL + ".")[int(edit>>8)%65]; c != tok[at] {
			edited := tok[:at] + string(c) + tok[at+1:]
			if p, err := v.Verify("Bearer " + edited); err == nil {
				t.Fatalf("%q, an edit of a token, verified as %+v", edited, p)
			}
		}
	})
}

const base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
