package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxTokenLen is the longest token, in bytes, that Verify accepts; a longer one is rejected before
// any decoding.
const MaxTokenLen = 16 << 10

// Leeway is the clock skew allowed when checking a token's exp and nbf.
const Leeway = 60 * time.Second

// b64 decodes JWS segments: base64url without padding, with no stray bits in the last character.
var b64 = base64.RawURLEncoding.Strict()

// Config says which tokens a Verifier accepts.
type Config struct {
	// Secret is the shared HS256 key (AUTH_SECRET), used as raw bytes. Empty: HS256 tokens are
	// rejected.
	Secret string
	// JWKS is a JSON Web Key Set, {"keys":[...]}, whose RSA and P-256 keys verify RS256 and ES256
	// tokens. Empty: RS256 and ES256 tokens are rejected.
	JWKS string
	// Audience, when not empty, must be the token's aud claim or one of its elements.
	Audience string
	// Issuer, when not empty, must be the token's iss claim.
	Issuer string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Verifier checks bearer tokens. It is safe for concurrent use; make one with NewVerifier and keep it.
type Verifier struct {
	hasSecret bool
	macs      sync.Pool // of hash.Hash: HMAC-SHA256 keyed with the secret
	rsaKeys   []rsaKey
	ecKeys    []ecKey
	audience  string
	issuer    string
	now       func() time.Time
	cache     tokenCache // tokens accepted before (cache.go)
}

// NewVerifier parses the keys of c once. It fails when c.JWKS is not a key set with at least one
// usable RS256 or ES256 key. A Verifier with neither a secret nor a JWKS rejects every token.
func NewVerifier(c Config) (*Verifier, error) {
	v := &Verifier{audience: c.Audience, issuer: c.Issuer, now: c.Now}
	if v.now == nil {
		v.now = time.Now
	}
	if c.Secret != "" {
		secret := []byte(c.Secret)
		v.hasSecret = true
		v.macs.New = func() any { return hmac.New(sha256.New, secret) }
	}
	if strings.TrimSpace(c.JWKS) != "" {
		var err error
		if v.rsaKeys, v.ecKeys, err = parseJWKS(c.JWKS); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Verify checks the value of an Authorization header, "Bearer <JWT>" (the scheme in any case), and
// returns the caller. Every failure is an *Error. A token accepted before is only checked for its
// lifetime again (cache.go); the Principal's slices are shared between such calls and must not be
// modified.
func (v *Verifier) Verify(authorization string) (Principal, error) {
	token, e := bearerToken(authorization)
	if e != nil {
		return Principal{}, e
	}
	if t, ok := v.cache.get(token); ok {
		if v.live(t) {
			return t.p, nil
		}
		v.cache.remove(token)
	}
	p, lifetime, e := v.verifyToken(token)
	if e != nil {
		return Principal{}, e
	}
	v.cache.put(token, lifetime)
	return p, nil
}

// bearerToken returns the token of an Authorization header value.
func bearerToken(h string) (string, *Error) {
	h = strings.Trim(h, " \t")
	if h == "" {
		return "", fail(msgEmpty)
	}
	scheme, token, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", fail(msgScheme)
	}
	token = strings.TrimLeft(token, " ")
	if token == "" {
		return "", fail(msgEmpty)
	}
	return token, nil
}

// header is the JOSE header of a token.
type header struct {
	Alg  string   `json:"alg"`
	Kid  string   `json:"kid"`
	Crit presence `json:"crit"`
}

// claims are the claims of a token that Verify reads. Their JSON types are checked: a number
// where a string belongs, or the reverse, makes the token invalid. (encoding/json matches member
// names regardless of case and keeps the last of duplicates; the claims are read only once the
// signature shows that a trusted issuer wrote them, so that leniency grants an attacker nothing.)
// null is the same as absence, also when it is the last of duplicates.
type claims struct {
	Exp               numericDate `json:"exp"`
	Nbf               numericDate `json:"nbf"`
	Aud               audience    `json:"aud"`
	Iss               claimString `json:"iss"`
	Oid               claimString `json:"oid"`
	Sub               claimString `json:"sub"`
	Upn               claimString `json:"upn"`
	PreferredUsername claimString `json:"preferred_username"`
	Scp               optString   `json:"scp"`
	Roles             []string    `json:"roles"`
}

// presence records that a member is in an object, whatever its value.
type presence bool

// UnmarshalJSON notes that the member is present.
func (p *presence) UnmarshalJSON([]byte) error { *p = true; return nil }

// numericDate is an RFC 7519 NumericDate: a JSON number of seconds since the epoch.
type numericDate struct {
	sec float64
	set bool
}

// UnmarshalJSON reads a JSON number; null leaves the date unset, anything else is an error.
func (d *numericDate) UnmarshalJSON(b []byte) error {
	*d = numericDate{}
	if string(b) == "null" {
		return nil
	}
	// b is a valid JSON value (encoding/json checked it), so ParseFloat accepts exactly the numbers.
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return errors.New("NumericDate is not a number in range")
	}
	d.sec, d.set = f, true
	return nil
}

// optString is a string member that may be absent: null counts as absent.
type optString struct {
	s   string
	set bool
}

// UnmarshalJSON reads a JSON string or null.
func (o *optString) UnmarshalJSON(b []byte) error {
	s, set, err := stringOrNull(b)
	*o = optString{s, set}
	return err
}

// claimString is a string claim; null, like absence, is "". (A plain string would keep an
// earlier duplicate's value through a later null, which encoding/json does not assign.)
type claimString string

// UnmarshalJSON reads a JSON string or null.
func (c *claimString) UnmarshalJSON(b []byte) error {
	s, _, err := stringOrNull(b)
	if err == nil {
		*c = claimString(s)
	}
	return err
}

// stringOrNull decodes b, a JSON string or null; set is false for null.
func stringOrNull(b []byte) (s string, set bool, err error) {
	switch b[0] {
	case 'n':
		return "", false, nil
	case '"':
		if plain, ok := plainString(b); ok {
			return string(plain), true, nil
		}
		var decoded string
		if err := json.Unmarshal(b, &decoded); err != nil {
			return "", false, err
		}
		return decoded, true, nil
	}
	return "", false, errors.New("not a string")
}

// audience is the aud claim: a string or an array of strings. Rather than keep it, decoding
// compares it with want, the configured audience, and sets matched.
type audience struct {
	want    string
	matched bool
}

// UnmarshalJSON checks that b is a string, an array of strings or null, and whether want is
// among them.
func (a *audience) UnmarshalJSON(b []byte) error {
	a.matched = false
	switch b[0] {
	case 'n':
		return nil
	case '"':
		if plain, ok := plainString(b); ok {
			a.matched = a.want != "" && string(plain) == a.want
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		a.matched = a.want != "" && s == a.want
		return nil
	case '[':
		var list []string
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		for _, s := range list {
			if a.want != "" && s == a.want {
				a.matched = true
			}
		}
		return nil
	}
	return errors.New("aud is neither a string nor an array")
}

// plainString returns the contents of the valid JSON string literal b when they need no
// unescaping: printable ASCII without backslashes, which read the same as encoding/json reads them.
func plainString(b []byte) ([]byte, bool) {
	in := b[1 : len(b)-1]
	for _, c := range in {
		if c < 0x20 || c > 0x7e || c == '\\' {
			return nil, false
		}
	}
	return in, true
}

// scratch is the working memory of one verification, pooled so that a verification allocates
// little: the decoding buffer, the header and the claims.
type scratch struct {
	buf []byte
	h   header
	c   claims
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// isObject reports whether the JSON text b starts as an object.
func isObject(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c == '{'
	}
	return false
}

// verifyToken checks a compact JWS token: its shape, header, signature, then its claims.
func (v *Verifier) verifyToken(token string) (Principal, cachedToken, *Error) {
	if len(token) > MaxTokenLen {
		return Principal{}, cachedToken{}, fail(msgTooLong)
	}
	// One pass over the token: only base64url characters and exactly two dots.
	dot1, dot2, dots := 0, 0, 0
	for i := 0; i < len(token); i++ {
		c := token[i]
		switch {
		case c == '.':
			dots++
			if dots == 1 {
				dot1 = i
			} else {
				dot2 = i
			}
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return Principal{}, cachedToken{}, fail(msgMalformed)
		}
	}
	if dots != 2 {
		return Principal{}, cachedToken{}, fail(msgMalformed)
	}

	sc := scratchPool.Get().(*scratch)
	defer func() {
		*sc = scratch{buf: sc.buf[:0]}
		scratchPool.Put(sc)
	}()

	// A single buffer holds the token bytes, the decoded segments and room for a MAC or a DER
	// signature.
	need := len(token) + b64.DecodedLen(len(token)) + derMax
	if cap(sc.buf) < need {
		sc.buf = make([]byte, 0, need)
	}
	buf := append(sc.buf[:0], token...)
	raw := buf[:len(token):len(token)]
	signingInput := raw[:dot2]
	hdr, buf, ok := decodeSegment(buf, raw[:dot1])
	if !ok {
		return Principal{}, cachedToken{}, fail(msgMalformed)
	}
	payload, buf, ok := decodeSegment(buf, raw[dot1+1:dot2])
	if !ok {
		return Principal{}, cachedToken{}, fail(msgMalformed)
	}
	sig, buf, ok := decodeSegment(buf, raw[dot2+1:])
	if !ok {
		return Principal{}, cachedToken{}, fail(msgMalformed)
	}

	h := &sc.h
	if !isObject(hdr) || json.Unmarshal(hdr, h) != nil {
		return Principal{}, cachedToken{}, fail(msgMalformed)
	}
	if h.Alg == "" {
		return Principal{}, cachedToken{}, fail(msgNoAlg)
	}
	if h.Crit {
		return Principal{}, cachedToken{}, fail(msgCrit)
	}
	if e := v.checkSignature(h.Alg, h.Kid, signingInput, sig, buf); e != nil {
		return Principal{}, cachedToken{}, e
	}

	// The signature is good: only now read the claims.
	c := &sc.c
	c.Aud.want = v.audience
	if !isObject(payload) || json.Unmarshal(payload, c) != nil {
		return Principal{}, cachedToken{}, fail(msgClaims)
	}
	// The Principal holds only strings and slices that decoding made afresh, none of sc.
	p, e := v.checkClaims(c)
	if e != nil {
		return Principal{}, cachedToken{}, e
	}
	return p, cachedToken{p: p, exp: c.Exp.sec, nbf: c.Nbf.sec, hasNbf: c.Nbf.set}, nil
}

// decodeSegment appends the base64url decoding of src to buf and returns the decoded bytes and
// the extended buffer. buf has room enough, so it is never reallocated.
func decodeSegment(buf, src []byte) (seg, rest []byte, ok bool) {
	n := len(buf)
	buf, err := b64.AppendDecode(buf, src)
	if err != nil {
		return nil, nil, false
	}
	return buf[n:len(buf):len(buf)], buf, true
}

// checkSignature checks sig over signingInput with the key that alg and kid select. scratch has
// spare capacity of at least derMax bytes.
func (v *Verifier) checkSignature(alg, kid string, signingInput, sig, scratch []byte) *Error {
	switch alg {
	case "HS256":
		// Only the shared secret verifies HS256: never a JWKS key, whose public bytes anyone has.
		if !v.hasSecret {
			return fail(msgNoKey)
		}
		if len(sig) != sha256.Size {
			return fail(msgSignature)
		}
		mac := v.macs.Get().(hash.Hash)
		mac.Reset()
		mac.Write(signingInput)
		sum := mac.Sum(scratch[len(scratch):len(scratch)])
		v.macs.Put(mac)
		if !hmac.Equal(sum, sig) {
			return fail(msgSignature)
		}
		return nil
	case "RS256":
		if len(v.rsaKeys) == 0 {
			return fail(msgNoKey)
		}
		digest := sha256.Sum256(signingInput)
		found := false
		for i := range v.rsaKeys {
			k := &v.rsaKeys[i]
			if !kidMatches(kid, k.kid) {
				continue
			}
			found = true
			if rsa.VerifyPKCS1v15(k.pub, crypto.SHA256, digest[:], sig) == nil {
				return nil
			}
		}
		return signatureFailure(found)
	case "ES256":
		if len(v.ecKeys) == 0 {
			return fail(msgNoKey)
		}
		digest := sha256.Sum256(signingInput)
		found := false
		var der []byte
		if len(sig) == 64 {
			der = appendSignatureDER(scratch[len(scratch):len(scratch)], sig)
		}
		for i := range v.ecKeys {
			k := &v.ecKeys[i]
			if !kidMatches(kid, k.kid) {
				continue
			}
			found = true
			if der != nil && ecdsa.VerifyASN1(k.pub, digest[:], der) {
				return nil
			}
		}
		return signatureFailure(found)
	}
	// "none", HS384, HS512, PS256, RS512, ES384, EdDSA, ...
	return fail(msgAlg)
}

// kidMatches reports whether a key with id keyKid may verify a token with id tokenKid: a token
// without kid tries every key, a key without kid is tried for every token.
func kidMatches(tokenKid, keyKid string) bool {
	return tokenKid == "" || keyKid == "" || tokenKid == keyKid
}

func signatureFailure(keyFound bool) *Error {
	if !keyFound {
		return fail(msgKeyNotFound)
	}
	return fail(msgSignature)
}

// derMax is the longest DER encoding of an ES256 signature: SEQUENCE of two INTEGERs of at most
// 33 bytes each.
const derMax = 2 + 2*(2+33)

// appendSignatureDER appends the ASN.1 DER form of the JWS ES256 signature rs (r||s, 32 bytes
// each) to dst.
func appendSignatureDER(dst, rs []byte) []byte {
	r, s := minimalInt(rs[:32]), minimalInt(rs[32:])
	dst = append(dst, 0x30, byte(derIntLen(r)+derIntLen(s)))
	dst = appendDERInt(dst, r)
	return appendDERInt(dst, s)
}

// minimalInt strips the leading zero bytes of the big-endian unsigned b, keeping at least one.
func minimalInt(b []byte) []byte {
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

func derIntLen(b []byte) int {
	if b[0]&0x80 != 0 {
		return 2 + 1 + len(b)
	}
	return 2 + len(b)
}

func appendDERInt(dst, b []byte) []byte {
	if b[0]&0x80 != 0 {
		dst = append(dst, 0x02, byte(len(b)+1), 0)
	} else {
		dst = append(dst, 0x02, byte(len(b)))
	}
	return append(dst, b...)
}

// checkClaims checks the lifetime, audience and issuer of verified claims and makes the Principal.
func (v *Verifier) checkClaims(c *claims) (Principal, *Error) {
	if !c.Exp.set {
		return Principal{}, fail(msgNoExp)
	}
	now := v.now()
	sec := float64(now.Unix()) + float64(now.Nanosecond())/1e9
	leeway := Leeway.Seconds()
	if sec >= c.Exp.sec+leeway || (c.Nbf.set && sec < c.Nbf.sec-leeway) {
		return Principal{}, fail(msgLifetime)
	}
	if v.audience != "" && !c.Aud.matched {
		return Principal{}, fail(msgAudience)
	}
	if v.issuer != "" && string(c.Iss) != v.issuer {
		return Principal{}, fail(msgIssuer)
	}
	p := Principal{User: string(c.Oid), UPN: string(c.Upn), Roles: c.Roles, Application: !c.Scp.set}
	if p.User == "" {
		p.User = string(c.Sub)
	}
	if p.User == "" {
		return Principal{}, fail(msgNoSubject)
	}
	if p.UPN == "" {
		p.UPN = string(c.PreferredUsername)
	}
	if c.Scp.set {
		p.Scopes = strings.Fields(c.Scp.s)
	}
	return p, nil
}
