package auth

import (
	"strings"
	"sync"
)

// tokenCacheSize bounds the tokens a Verifier remembers. A token is a few hundred bytes.
const tokenCacheSize = 1024

// tokenCache remembers the tokens a Verifier accepted, so that a client presenting the same
// token again (as clients do until it expires) costs a map lookup and the lifetime check
// instead of decoding, a signature check (an RSA or ECDSA one with a JWKS) and JSON parsing.
// Only tokens that passed every check are kept, with their Principal and lifetime; the
// lifetime is checked again on every use. A Verifier's configuration never changes, so what
// was accepted stays accepted until it expires. Safe for concurrent use.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]*cachedToken // pointers: a lookup copies 8 bytes, not the Principal
}

type cachedToken struct {
	p        Principal
	exp, nbf float64 // seconds since the epoch; nbf is meaningful when hasNbf
	hasNbf   bool
}

func (c *tokenCache) get(token string) (*cachedToken, bool) {
	c.mu.Lock()
	t, ok := c.m[token]
	c.mu.Unlock()
	return t, ok
}

func (c *tokenCache) put(token string, t cachedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*cachedToken)
	}
	if len(c.m) >= tokenCacheSize {
		for k := range c.m { // an arbitrary one: map order is random
			delete(c.m, k)
			break
		}
	}
	// The token may be a substring of a larger request buffer: keep a copy only.
	c.m[strings.Clone(token)] = &t
}

func (c *tokenCache) remove(token string) {
	c.mu.Lock()
	delete(c.m, token)
	c.mu.Unlock()
}

// live reports whether a cached token is within its lifetime now, by checkClaims' rule.
func (v *Verifier) live(t *cachedToken) bool {
	now := v.now()
	sec := float64(now.Unix()) + float64(now.Nanosecond())/1e9
	leeway := Leeway.Seconds()
	return sec < t.exp+leeway && !(t.hasNbf && sec < t.nbf-leeway)
}
