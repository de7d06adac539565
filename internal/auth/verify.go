package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"slices"
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

// Config says which tokens a Verifier accepts. NewVerifier checks that its settings make sense
// one by one; which combinations a deployment may use (audience and issuer pinned whenever
// provider keys are set, HS256 only without them) is decided by internal/config, which builds it.
type Config struct {
	// Secret is the HS256 key of the tokens the service issues itself, at least 32 bytes. Empty:
	// HS256 tokens are rejected.
	Secret string
	// DevTokens accepts the tokens IssueDevToken signs with a key derived from Secret.
	DevTokens bool
	// JWKS is a JSON Web Key Set, {"keys":[...]}, whose RSA and P-256 keys verify RS256 and ES256
	// tokens.
	JWKS string
	// JWKSURL is where to fetch such a key set.
	JWKSURL string
	// OIDCIssuer is an OpenID Connect issuer whose discovery document names the key set's URL.
	// It is also the accepted issuer when Issuer is empty.
	OIDCIssuer string
	// Audience, when not empty, lists the accepted aud values; the token's aud (a string or an
	// array) must hold one of them.
	Audience []string
	// Issuer, when not empty, lists the accepted iss values. "{tenantid}" in one stands for the
	// token's tid, which must then be a GUID.
	Issuer []string
	// Tenants, when not empty, lists the accepted tid values (GUIDs compare in any case).
	Tenants []string
	// Fetch gets key sets and discovery documents; required with JWKSURL or OIDCIssuer
	// (HTTPFetcher natively; the Worker passes the runtime's own fetch).
	Fetch Fetcher
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logf logs failed key fetches; nil means no logging.
	Logf func(format string, args ...any)
	// NoWait keeps a verification from waiting for a key fetch that another one started: it
	// uses the keys there are, or fails with ErrKeysUnavailable when there are none yet. The
	// Workers runtime cancels a request that waits with no I/O of its own as hung.
	NoWait bool
}

// MinSecretLen is the shortest Secret NewVerifier accepts: 32 bytes, SHA-256's block of entropy.
const MinSecretLen = 32

// DevKeyID is the kid of development tokens, which selects the development key.
const DevKeyID = "dev"

// Verifier checks bearer tokens. It is safe for concurrent use; make one with NewVerifier and keep it.
type Verifier struct {
	hasSecret bool
	macs      sync.Pool // of hash.Hash: HMAC-SHA256 keyed with the secret
	devTokens bool
	devMacs   sync.Pool // of hash.Hash: HMAC-SHA256 keyed with DevKey(secret)
	static    *keySet   // AUTH_JWKS
	remote    *remoteKeys
	audience  []string
	issuers   []string
	tenants   []string
	now       func() time.Time
	cache     tokenCache // tokens accepted before (cache.go)
}

// NewVerifier checks c and parses its keys once. It fails on a Secret shorter than
// MinSecretLen, DevTokens without a Secret, more than one of JWKS, JWKSURL and OIDCIssuer, a
// JWKS that is not a key set with at least one usable RS256 or ES256 key, a key URL or issuer
// that is not https, and an issuer pattern whose {tenantid} is not a whole path segment.
func NewVerifier(c Config) (*Verifier, error) {
	v := &Verifier{now: c.Now, audience: c.Audience, tenants: c.Tenants}
	if v.now == nil {
		v.now = time.Now
	}
	if c.Secret != "" {
		if len(c.Secret) < MinSecretLen {
			return nil, fmt.Errorf("auth: the secret is %d bytes, shorter than %d", len(c.Secret), MinSecretLen)
		}
		secret := []byte(c.Secret)
		v.hasSecret = true
		v.macs.New = func() any { return hmac.New(sha256.New, secret) }
	}
	if c.DevTokens {
		if c.Secret == "" {
			return nil, errors.New("auth: development tokens need a secret to derive their key from")
		}
		dev := DevKey(c.Secret)
		v.devTokens = true
		v.devMacs.New = func() any { return hmac.New(sha256.New, dev) }
	}
	sources := 0
	for _, s := range []string{c.JWKS, c.JWKSURL, c.OIDCIssuer} {
		if strings.TrimSpace(s) != "" {
			sources++
		}
	}
	if sources > 1 {
		return nil, errors.New("auth: set only one source of keys: a JWKS, a JWKS URL or an OpenID Connect issuer")
	}
	switch {
	case strings.TrimSpace(c.JWKS) != "":
		rsaKeys, ecKeys, err := parseJWKS(c.JWKS)
		if err != nil {
			return nil, err
		}
		v.static = &keySet{rsa: rsaKeys, ec: ecKeys}
	case c.JWKSURL != "" || c.OIDCIssuer != "":
		if c.JWKSURL != "" {
			if err := CheckKeysURL(c.JWKSURL); err != nil {
				return nil, err
			}
		} else if err := CheckKeysURL(DiscoveryURL(c.OIDCIssuer)); err != nil {
			return nil, err
		}
		if c.Fetch == nil {
			return nil, errors.New("auth: keys to fetch need a Fetcher (Config.Fetch)")
		}
		v.remote = &remoteKeys{fetch: c.Fetch, issuer: c.OIDCIssuer, jwksURL: c.JWKSURL, now: v.now, logf: c.Logf, noWait: c.NoWait}
	}
	v.issuers = c.Issuer
	if len(v.issuers) == 0 && c.OIDCIssuer != "" {
		v.issuers = []string{c.OIDCIssuer}
	}
	for _, iss := range v.issuers {
		if err := checkIssuerPattern(iss); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// DevKey is the HS256 key of development tokens: derived from the secret, so that a dev token
// is never a token the secret itself verifies.
func DevKey(secret string) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("usedinsight dev tokens"))
	return mac.Sum(nil)
}

// Verify is VerifyContext without a context of its own.
func (v *Verifier) Verify(authorization string) (Principal, error) {
	return v.VerifyContext(context.Background(), authorization)
}

// VerifyContext checks the value of an Authorization header, "Bearer <JWT>" (the scheme in any
// case), and returns the caller. A failure is an *Error, or ErrKeysUnavailable when the token
// needs an identity provider's keys and there are none. ctx bounds a key fetch. A token accepted
// before is only checked for its lifetime again (cache.go); the Principal's slices are shared
// between such calls and must not be modified.
func (v *Verifier) VerifyContext(ctx context.Context, authorization string) (Principal, error) {
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
	p, lifetime, err := v.verifyToken(ctx, token)
	if err != nil {
		return Principal{}, err
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

// scratch is the working memory of one verification, pooled so that a verification allocates
// little: the decoding buffer, the header and the claims.
type scratch struct {
	buf []byte
	h   header
	c   claims
	o   objectReader
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
func (v *Verifier) verifyToken(ctx context.Context, token string) (Principal, cachedToken, error) {
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
		*sc = scratch{buf: sc.buf[:0], o: sc.o}
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
	if !sc.o.readHeader(hdr, h) {
		return Principal{}, cachedToken{}, fail(msgMalformed)
	}
	if h.alg == "" {
		return Principal{}, cachedToken{}, fail(msgNoAlg)
	}
	if h.crit {
		return Principal{}, cachedToken{}, fail(msgCrit)
	}
	// Only access tokens: an ID token or a logout token, say, is typed otherwise (RFC 8725).
	if h.typ != "" && !strings.EqualFold(h.typ, "JWT") && !strings.EqualFold(h.typ, "at+jwt") && !strings.EqualFold(h.typ, "application/at+jwt") {
		return Principal{}, cachedToken{}, fail(msgNotAccessToken)
	}
	if err := v.checkSignature(ctx, h.alg, h.kid, signingInput, sig, buf); err != nil {
		return Principal{}, cachedToken{}, err
	}

	// The signature is good: only now read the claims.
	c := &sc.c
	if !sc.o.readClaims(payload, c) {
		return Principal{}, cachedToken{}, fail(msgClaims)
	}
	// The Principal holds only strings and slices that decoding made afresh, none of sc.
	p, e := v.checkClaims(c)
	if e != nil {
		return Principal{}, cachedToken{}, e
	}
	return p, cachedToken{p: p, exp: c.exp.sec, nbf: c.nbf.sec, hasNbf: c.nbf.set}, nil
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
func (v *Verifier) checkSignature(ctx context.Context, alg, kid string, signingInput, sig, scratch []byte) error {
	switch alg {
	case "HS256":
		// Only the shared secret verifies HS256: never a JWKS key, whose public bytes anyone has.
		// The kid "dev" selects the development key, and nothing else does.
		pool := &v.macs
		if kid == DevKeyID {
			if !v.devTokens {
				return fail(msgNoKey)
			}
			pool = &v.devMacs
		} else if !v.hasSecret {
			return fail(msgNoKey)
		}
		if len(sig) != sha256.Size {
			return fail(msgSignature)
		}
		mac := pool.Get().(hash.Hash)
		mac.Reset()
		mac.Write(signingInput)
		sum := mac.Sum(scratch[len(scratch):len(scratch)])
		pool.Put(mac)
		if !hmac.Equal(sum, sig) {
			return fail(msgSignature)
		}
		return nil
	case "RS256", "ES256":
		set := v.static
		if set == nil && v.remote == nil {
			return fail(msgNoKey)
		}
		if set == nil {
			var err error
			if set, err = v.remote.keys(ctx, false); err != nil {
				return err
			}
		}
		e := checkAsymmetric(set, alg, kid, signingInput, sig, scratch)
		if e == nil || e.Message != msgKeyNotFound || v.remote == nil {
			return nilIfNone(e)
		}
		// A kid the set does not hold: perhaps the provider rotated its keys.
		fresh, err := v.remote.keys(ctx, true)
		if err != nil || fresh == set {
			return e
		}
		return nilIfNone(checkAsymmetric(fresh, alg, kid, signingInput, sig, scratch))
	}
	// "none", HS384, HS512, PS256, RS512, ES384, EdDSA, ...
	return fail(msgAlg)
}

// nilIfNone turns a nil *Error into a nil error.
func nilIfNone(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}

// checkAsymmetric checks an RS256 or ES256 signature with the keys of set that kid selects.
func checkAsymmetric(set *keySet, alg, kid string, signingInput, sig, scratch []byte) *Error {
	digest := sha256.Sum256(signingInput)
	found := false
	if alg == "RS256" {
		if len(set.rsa) == 0 {
			return fail(msgNoKey)
		}
		for i := range set.rsa {
			k := &set.rsa[i]
			if !kidMatches(kid, k.kid) {
				continue
			}
			found = true
			if rsa.VerifyPKCS1v15(k.pub, crypto.SHA256, digest[:], sig) == nil {
				return nil
			}
		}
		return signatureFailure(found)
	}
	if len(set.ec) == 0 {
		return fail(msgNoKey)
	}
	var der []byte
	if len(sig) == 64 {
		der = appendSignatureDER(scratch[len(scratch):len(scratch)], sig)
	}
	for i := range set.ec {
		k := &set.ec[i]
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

// checkClaims checks the kind, lifetime, audience, issuer and tenant of verified claims and
// makes the Principal.
func (v *Verifier) checkClaims(c *claims) (Principal, *Error) {
	if c.idToken {
		return Principal{}, fail(msgNotAccessToken)
	}
	if !c.exp.set {
		return Principal{}, fail(msgNoExp)
	}
	now := v.now()
	sec := float64(now.Unix()) + float64(now.Nanosecond())/1e9
	leeway := Leeway.Seconds()
	if sec >= c.exp.sec+leeway || (c.nbf.set && sec < c.nbf.sec-leeway) {
		return Principal{}, fail(msgLifetime)
	}
	if len(v.audience) > 0 && !anyIn(c.aud, v.audience) {
		return Principal{}, fail(msgAudience)
	}
	if len(v.issuers) > 0 && !v.issuerMatches(c.iss, c.tid) {
		return Principal{}, fail(msgIssuer)
	}
	tenant := CanonicalID(c.tid)
	if len(v.tenants) > 0 && !slices.ContainsFunc(v.tenants, func(t string) bool { return strings.EqualFold(t, tenant) }) {
		return Principal{}, fail(msgTenant)
	}
	id := c.oid
	if id == "" {
		id = c.sub
	}
	if id == "" || strings.IndexByte(id, 0) >= 0 || strings.IndexByte(tenant, 0) >= 0 {
		return Principal{}, fail(msgNoSubject)
	}
	id = CanonicalID(id)
	p := Principal{ID: id, Tenant: tenant, UPN: c.upn, Roles: c.roles}
	p.User = p.Qualify(id)
	if p.UPN == "" {
		p.UPN = c.preferred
	}
	if c.scp.set {
		p.Scopes = strings.Fields(c.scp.s)
	}
	// An application token has roles and no scp, and says it is one when it says at all (Entra's
	// idtyp): a user's token with app roles assigned to the user is not one.
	p.Application = !c.scp.set && c.hasRoles && (c.idtyp == "" || c.idtyp == "app")
	return p, nil
}

func anyIn(have, want []string) bool {
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}

// tenantPlaceholder in an accepted issuer stands for the token's tid.
const tenantPlaceholder = "{tenantid}"

// checkIssuerPattern checks that an issuer holds {tenantid} at most once.
func checkIssuerPattern(iss string) error {
	if strings.Count(iss, tenantPlaceholder) > 1 {
		return fmt.Errorf("auth: issuer %q holds {tenantid} more than once", iss)
	}
	if strings.TrimSpace(iss) == "" {
		return errors.New("auth: an empty issuer")
	}
	return nil
}

// issuerMatches reports whether iss is one of the accepted issuers, {tenantid} standing for tid,
// which must then be a GUID (so that it cannot carry a path of its own into the issuer).
func (v *Verifier) issuerMatches(iss, tid string) bool {
	for _, want := range v.issuers {
		before, after, templated := strings.Cut(want, tenantPlaceholder)
		if !templated {
			if iss == want {
				return true
			}
			continue
		}
		if IsGUID(tid) && len(iss) == len(before)+len(tid)+len(after) &&
			strings.HasPrefix(iss, before) && strings.HasSuffix(iss, after) && iss[len(before):len(before)+len(tid)] == tid {
			return true
		}
	}
	return false
}

// CanonicalID returns a user or tenant id as records are keyed by it: a GUID (an object or
// tenant id, which Entra writes in any letter case) in lower case, anything else as it is. Tokens
// and /users/{user} paths both go through it, so that one person is one record set.
func CanonicalID(s string) string {
	if IsGUID(s) {
		return strings.ToLower(s)
	}
	return s
}

// IsGUID reports whether s has the shape of a GUID: 8-4-4-4-12 hexadecimal digits, any case.
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
