package auth

import (
	"strings"
	"testing"
)

// FuzzParseDiscovery feeds arbitrary discovery documents to ParseDiscovery: it must never
// panic, and a jwks_uri it returns comes from a document that is one JSON object without
// duplicate members, whose issuer is the configured one, and is an https (or loopback http) URL.
func FuzzParseDiscovery(f *testing.F) {
	const iss = "https://login.example/t/v2.0"
	for _, s := range []string{
		`{"issuer":"` + iss + `","jwks_uri":"https://login.example/keys"}`,
		`{"issuer":"` + iss + `","jwks_uri":"http://127.0.0.1:8080/keys","token_endpoint":"x"}`,
		`{"issuer":"` + iss + `","issuer":"` + iss + `","jwks_uri":"https://k"}`,
		`{"jwks_uri":"https://k","issuer":"https://login.example/t/v2.0/"}`,
		`{"issuer":"` + iss + `","jwks_uri":"https://u@k/"}`,
		`{"issuer":"https://login.example/{tenantid}/v2.0","jwks_uri":"https://k"}`,
		`{"issuer":"` + iss + `","jwks_uri":null}`,
		`[]`, ``, `{"a":{"b":1,"b":2}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		u, err := ParseDiscovery(doc, iss)
		if err != nil {
			if u != "" {
				t.Fatalf("error %v with a URL %q", err, u)
			}
			return
		}
		if !refStrict(doc) {
			t.Fatalf("accepted %q, not a strict JSON object", doc)
		}
		if CheckKeysURL(u) != nil || !(strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) {
			t.Fatalf("accepted jwks_uri %q", u)
		}
	})
}

// FuzzIssuerMatch checks tenant-qualified issuers: a match means iss is the pattern with
// {tenantid} replaced by tid, and tid is a GUID; without {tenantid}, iss is the pattern.
func FuzzIssuerMatch(f *testing.F) {
	const tid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	for _, s := range [][3]string{
		{"https://login.microsoftonline.com/{tenantid}/v2.0", "https://login.microsoftonline.com/" + tid + "/v2.0", tid},
		{"https://sts.windows.net/{tenantid}/", "https://sts.windows.net/" + tid + "/", tid},
		{"https://sts.windows.net/{tenantid}/", "https://sts.windows.net/" + tid + "/x/", tid + "/x"},
		{"https://sts.windows.net/{tenantid}/", "https://sts.windows.net//", ""},
		{"https://a/{tenantid}", "https://a/" + strings.ToUpper(tid), tid},
		{"https://i.example", "https://i.example", ""},
		{"{tenantid}", tid, tid},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, pattern, iss, tid string) {
		if checkIssuerPattern(pattern) != nil {
			return
		}
		v := &Verifier{issuers: []string{pattern}}
		got := v.issuerMatches(iss, tid)
		want := iss == pattern && !strings.Contains(pattern, tenantPlaceholder) ||
			IsGUID(tid) && strings.Contains(pattern, tenantPlaceholder) && iss == strings.Replace(pattern, tenantPlaceholder, tid, 1)
		if got != want {
			t.Fatalf("issuerMatches(%q, %q) with %q = %v, want %v", iss, tid, pattern, got, want)
		}
	})
}

// FuzzClaimsReader compares the strict reader with refStrict, written anew with encoding/json:
// they accept the same texts, and the top-level members it returns are the object's.
func FuzzClaimsReader(f *testing.F) {
	for _, s := range []string{
		`{"sub":"a","exp":1,"aud":["x"],"x":{"y":[1,{"z":null}]}}`,
		`{"OID":"a","oid":"me","Oid":"victim"}`,
		`{"a":1,"a":2}`, `{"a":{"b":1,"b":2}}`, `{"a":[{"b":1},{"b":1}]}`, `{"s\u0075b":1,"sub":2}`,
		`{"a":"\ud800"}`, "{\"a\":\"\xff\"}", ` {} `, `[]`, `{}x`, `{"a":1,}`,
		strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var o objectReader
		ms, ok := o.read(b)
		if ok != refStrict(b) {
			t.Fatalf("read(%q) ok = %v, refStrict %v", b, ok, !ok)
		}
		if !ok {
			return
		}
		var c claims
		if !o.readClaims(b, &c) {
			return
		}
		seen := map[string]bool{}
		for _, m := range ms {
			if seen[string(m.name)] {
				t.Fatalf("read(%q) returned %q twice", b, m.name)
			}
			seen[string(m.name)] = true
		}
	})
}
