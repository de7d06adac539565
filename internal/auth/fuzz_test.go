package auth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
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

// refStrict reports whether b is one JSON object, valid UTF-8, nested at most 32 deep, without
// a duplicate member name in any object: what the package's strict reader accepts, written
// anew with encoding/json's tokenizer.
func refStrict(b []byte) bool {
	if !utf8.Valid(b) || !strings.HasPrefix(strings.TrimLeft(string(b), " \t\r\n"), "{") || !json.Valid(b) {
		return false
	}
	d := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		names  map[string]bool
		object bool
		key    bool // the next token of an object is a name
	}
	var stack []frame
	for {
		t, err := d.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			f := &stack[n-1]
			if f.key {
				if name, ok := t.(string); ok {
					if f.names[name] {
						return false
					}
					f.names[name] = true
					f.key = false
					continue
				}
			} else {
				f.key = true
			}
		}
		switch t {
		case json.Delim('{'):
			stack = append(stack, frame{names: map[string]bool{}, object: true, key: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 32 {
			return false
		}
	}
}

// refPrincipal is the caller that a token with these (correctly signed) claims is, for a
// verifier with the given audience and issuer at testNow; ok is false when the token must be
// rejected. Member names match exactly; null is absence.
func refPrincipal(claims []byte, audience, issuer string) (p Principal, ok bool) {
	if !refStrict(claims) {
		return Principal{}, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(claims, &m) != nil {
		return Principal{}, false
	}
	present := func(name string) bool { v, ok := m[name]; return ok && string(v) != "null" }
	str := func(name string) (string, bool) {
		if !present(name) {
			return "", true
		}
		var s string
		return s, m[name][0] == '"' && json.Unmarshal(m[name], &s) == nil
	}
	num := func(name string) (float64, bool, bool) {
		if !present(name) {
			return 0, false, true
		}
		var f float64
		return f, true, m[name][0] != '"' && json.Unmarshal(m[name], &f) == nil
	}
	strs := func(name string) ([]string, bool) {
		if !present(name) {
			return nil, true
		}
		var list []string
		return list, m[name][0] == '[' && json.Unmarshal(m[name], &list) == nil
	}
	_, hasNonce := m["nonce"]
	_, hasAtHash := m["at_hash"]
	exp, hasExp, ok1 := num("exp")
	nbf, hasNbf, ok2 := num("nbf")
	iss, ok3 := str("iss")
	oid, ok4 := str("oid")
	sub, ok5 := str("sub")
	tid, ok6 := str("tid")
	upn, ok7 := str("upn")
	pref, ok8 := str("preferred_username")
	scp, ok9 := str("scp")
	idtyp, ok10 := str("idtyp")
	roles, ok11 := strs("roles")
	if v, ok := m["aud"]; ok && string(v) == "null" {
		return Principal{}, false
	}
	var aud []string
	ok12 := true
	if present("aud") {
		var one string
		switch {
		case m["aud"][0] == '"':
			ok12 = json.Unmarshal(m["aud"], &one) == nil
			aud = []string{one}
		default:
			aud, ok12 = strs("aud")
		}
	}
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8 && ok9 && ok10 && ok11 && ok12) {
		return Principal{}, false // a claim of the wrong type
	}
	if hasNonce || hasAtHash || !hasExp {
		return Principal{}, false
	}
	if audience != "" && !slices.Contains(aud, audience) {
		return Principal{}, false
	}
	if issuer != "" && iss != issuer {
		return Principal{}, false
	}
	now := float64(testNow.Unix()) + float64(testNow.Nanosecond())/1e9
	if now >= exp+60 || hasNbf && now < nbf-60 {
		return Principal{}, false
	}
	id := oid
	if id == "" {
		id = sub
	}
	if id == "" || strings.Contains(id, "\x00") || strings.Contains(tid, "\x00") {
		return Principal{}, false
	}
	lowerGUID := func(s string) string {
		if _, err := uuid(s); err == nil {
			return strings.ToLower(s)
		}
		return s
	}
	p = Principal{ID: lowerGUID(id), Tenant: lowerGUID(tid), UPN: upn, Roles: roles}
	p.User = p.ID
	if p.Tenant != "" {
		p.User = p.Tenant + "\x00" + p.ID
	}
	if p.UPN == "" {
		p.UPN = pref
	}
	if present("scp") {
		p.Scopes = strings.Fields(scp)
	}
	p.Application = !present("scp") && present("roles") && (idtyp == "" || idtyp == "app")
	return p, true
}

// uuid checks the 8-4-4-4-12 hexadecimal shape of a GUID.
func uuid(s string) (string, error) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return "", errors.New("not a GUID")
	}
	if _, err := hex.DecodeString(s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]); err != nil {
		return "", err
	}
	return s, nil
}

func samePrincipal(a, b Principal) bool {
	return a.User == b.User && a.ID == b.ID && a.Tenant == b.Tenant && a.UPN == b.UPN && a.Application == b.Application && slices.Equal(a.Scopes, b.Scopes) && slices.Equal(a.Roles, b.Roles)
}

// FuzzVerifyClaims signs arbitrary claims with the test secret (HS256) and checks what Verify
// makes of them against refPrincipal: it accepts exactly the claims that must be accepted,
// as the caller they name. The same token edited in one character (edit picks where and
// what) never verifies.
func FuzzVerifyClaims(f *testing.F) {
	const aud, iss = "api://usedinsight", "https://login.microsoftonline.com/tid/v2.0"
	v, err := NewVerifier(Config{Secret: testSecret, Audience: []string{aud}, Issuer: []string{iss}, Now: func() time.Time { return testNow }})
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
