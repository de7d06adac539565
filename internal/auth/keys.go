package auth

// Keys an identity provider publishes at a URL (a JWKS URL, or the jwks_uri of OpenID Connect
// discovery) change on the provider's schedule, so they are fetched, not configured: cached for
// the response's max-age (default 1 h, at most 24 h), fetched again when a token names a kid the
// set does not hold (at most once a minute, so tokens with made-up kids cannot make the service
// hammer the provider), and kept when a fetch fails. One fetch runs at a time; requests that need
// keys meanwhile wait for it rather than start their own.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrKeysUnavailable is returned by Verify when a token needs the identity provider's keys and
// none could be fetched: not the client's fault, so it is not an *Error.
var ErrKeysUnavailable = errors.New("auth: the identity provider's signing keys are unavailable")

// Fetcher gets the body of an HTTP(S) URL and how long it may be cached (zero: no max-age given).
type Fetcher func(ctx context.Context, url string) (body []byte, maxAge time.Duration, err error)

// Key set caching.
const (
	DefaultKeysMaxAge = time.Hour        // cache time when the response gives no max-age
	MaxKeysMaxAge     = 24 * time.Hour   // the longest a fetched key set is trusted
	MinRefetch        = time.Minute      // the shortest time between two fetches of a key set
	EmptyRetry        = 5 * time.Second  // with no key set, the shortest time between two failed fetches
	MaxKeysBody       = 1 << 20          // a key set or discovery document larger than this is refused
	FetchTimeout      = 10 * time.Second // a fetch that takes longer fails
)

// HTTPFetcher returns a Fetcher that uses client (http.DefaultClient when nil). It accepts only
// 200 responses of at most 1 MiB and reads max-age from Cache-Control.
func HTTPFetcher(client *http.Client) Fetcher {
	if client == nil {
		client = http.DefaultClient
	}
	return func(ctx context.Context, u string) ([]byte, time.Duration, error) {
		ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, 0, err
		}
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return nil, 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, 0, fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, MaxKeysBody+1))
		if err != nil {
			return nil, 0, err
		}
		if len(body) > MaxKeysBody {
			return nil, 0, fmt.Errorf("GET %s: body larger than %d bytes", u, MaxKeysBody)
		}
		return body, MaxAge(resp.Header.Values("Cache-Control")...), nil
	}
}

// MaxAge reads the max-age directive of Cache-Control header values, at most MaxKeysMaxAge; 0
// when there is none, or when no-store or no-cache forbid reuse.
func MaxAge(values ...string) time.Duration {
	var age time.Duration
	for _, v := range values {
		for _, d := range strings.Split(v, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(name) {
			case "no-store", "no-cache":
				return 0
			case "max-age":
				if n, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64); err == nil && n > 0 {
					age = time.Duration(min(n, int64(MaxKeysMaxAge/time.Second))) * time.Second
				}
			}
		}
	}
	return age
}

// keySet is a parsed JWKS.
type keySet struct {
	rsa []rsaKey
	ec  []ecKey
}

// remoteKeys is a key set fetched from a URL, found by discovery when issuer is set.
type remoteKeys struct {
	fetch   Fetcher
	issuer  string // OpenID Connect issuer to discover jwks_uri from; "" when jwksURL is given
	jwksURL string // the key set's URL; found by discovery when issuer is set
	now     func() time.Time
	logf    func(format string, args ...any)
	noWait  bool // Config.NoWait

	mu       sync.Mutex
	set      *keySet       // the last good set; nil before the first successful fetch
	expires  time.Time     // when set goes stale
	lastTry  time.Time     // the start of the last fetch, good or not
	fetching chan struct{} // closed when the fetch in flight ends; nil when none is
}

// keys returns the key set, fetching it when there is none or it is stale, or, when
// unknownKid, when the last fetch is at least MinRefetch old. It fails only when there is no
// set at all.
func (k *remoteKeys) keys(ctx context.Context, unknownKid bool) (*keySet, error) {
	k.mu.Lock()
	now := k.now()
	set := k.set
	due := set == nil || !now.Before(k.expires) || unknownKid
	switch {
	case set != nil && due && now.Sub(k.lastTry) < MinRefetch:
		due = false // fetched a moment ago: keep what there is
	case set == nil && k.fetching == nil && !k.lastTry.IsZero() && now.Sub(k.lastTry) < EmptyRetry:
		k.mu.Unlock() // the provider failed just now: do not ask it again for every request
		return nil, ErrKeysUnavailable
	}
	if !due {
		k.mu.Unlock()
		return set, nil
	}
	if wait := k.fetching; wait != nil {
		k.mu.Unlock()
		switch {
		case set != nil && (!unknownKid || k.noWait):
			return set, nil // stale but good, or not worth a wait: use it
		case k.noWait:
			return nil, ErrKeysUnavailable
		}
		select {
		case <-wait: // someone just fetched: use their result
		case <-ctx.Done():
			return nil, ErrKeysUnavailable
		}
		k.mu.Lock()
		set = k.set
		k.mu.Unlock()
		if set == nil {
			return nil, ErrKeysUnavailable
		}
		return set, nil
	}
	done := make(chan struct{})
	k.fetching, k.lastTry = done, now
	k.mu.Unlock()

	fresh, age, err := k.load(ctx)
	k.mu.Lock()
	if err == nil {
		k.set, k.expires = fresh, k.now().Add(age)
	} else if k.logf != nil {
		k.logf("auth: fetching signing keys: %v", err)
	}
	k.fetching = nil
	close(done)
	set = k.set
	k.mu.Unlock()
	if set == nil {
		return nil, ErrKeysUnavailable
	}
	return set, nil
}

// load fetches the key set, discovering its URL first when needed.
func (k *remoteKeys) load(ctx context.Context) (*keySet, time.Duration, error) {
	k.mu.Lock()
	jwksURL := k.jwksURL
	k.mu.Unlock()
	if jwksURL == "" {
		body, _, err := k.fetch(ctx, DiscoveryURL(k.issuer))
		if err != nil {
			return nil, 0, err
		}
		if jwksURL, err = ParseDiscovery(body, k.issuer); err != nil {
			return nil, 0, err
		}
		k.mu.Lock()
		k.jwksURL = jwksURL // an issuer's jwks_uri does not change; its keys do
		k.mu.Unlock()
	}
	body, age, err := k.fetch(ctx, jwksURL)
	if err != nil {
		return nil, 0, err
	}
	rsaKeys, ecKeys, err := parseJWKS(string(body))
	if err != nil {
		return nil, 0, err
	}
	if age <= 0 {
		age = DefaultKeysMaxAge
	}
	return &keySet{rsa: rsaKeys, ec: ecKeys}, min(age, MaxKeysMaxAge), nil
}

// DiscoveryURL is where the OpenID Connect discovery document of issuer is.
func DiscoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// ParseDiscovery reads the jwks_uri of an OpenID Connect discovery document, checking that the
// document is a JSON object without duplicate members whose issuer is exactly issuer, and that
// jwks_uri is an absolute https URL (http only for a loopback host, as in tests).
func ParseDiscovery(doc []byte, issuer string) (string, error) {
	var o objectReader
	ms, ok := o.read(doc)
	if !ok {
		return "", errors.New("auth: the OpenID Connect discovery document is not a JSON object without duplicate members")
	}
	var got, jwks string
	var hasIssuer, hasJWKS bool
	for _, m := range ms {
		switch string(m.name) {
		case "issuer":
			got, hasIssuer = stringValue(m)
		case "jwks_uri":
			jwks, hasJWKS = stringValue(m)
		}
	}
	if !hasIssuer || got != issuer {
		return "", fmt.Errorf("auth: the discovery document's issuer %q is not %q", clip(got), issuer)
	}
	if !hasJWKS {
		return "", errors.New("auth: the discovery document has no jwks_uri")
	}
	if err := CheckKeysURL(jwks); err != nil {
		return "", err
	}
	return jwks, nil
}

// CheckKeysURL checks that u is an absolute https URL, or an http one of a loopback host.
func CheckKeysURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.User != nil {
		return fmt.Errorf("auth: %q is not an absolute URL", clip(u))
	}
	switch {
	case p.Scheme == "https":
		return nil
	case p.Scheme == "http" && IsLoopback(p.Host):
		return nil
	}
	return fmt.Errorf("auth: %q is not an https URL", clip(u))
}

// IsLoopback reports whether host, a URL or Host header host with an optional port, names this
// machine: localhost, 127.0.0.1 or [::1].
func IsLoopback(host string) bool {
	h := host
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return false
		}
		rest := h[end+1:]
		if rest != "" && !validPort(rest) {
			return false
		}
		return h[1:end] == "::1"
	}
	if i := strings.IndexByte(h, ':'); i >= 0 {
		if !validPort(h[i:]) {
			return false
		}
		h = h[:i]
	}
	return strings.EqualFold(h, "localhost") || h == "127.0.0.1"
}

// validPort reports whether s is ":" and 1 to 5 digits.
func validPort(s string) bool {
	if len(s) < 2 || len(s) > 6 || s[0] != ':' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
