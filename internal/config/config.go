// Package config reads the service's settings from its environment (the Worker's vars and
// secrets) and decides which combinations are safe to run.
package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/usedinsight/usedinsight/internal/api"
	"github.com/usedinsight/usedinsight/internal/auth"
)

// Error is a configuration problem; its message names the setting to fix.
type Error struct {
	Setting string // such as "AUTH_AUDIENCE"
	Problem string // what is wrong with it
}

// Error returns the setting and the problem, as in "AUTH_AUDIENCE is required with ...".
func (e *Error) Error() string { return e.Setting + " " + e.Problem }

func bad(setting, problem string, args ...any) *Error {
	return &Error{Setting: setting, Problem: fmt.Sprintf(problem, args...)}
}

// Settings is what the environment configures.
type Settings struct {
	// API is the handler's configuration, without its Store.
	API api.Config
	// Secret is AUTH_SECRET, which also keys page tokens (store.NewTokenKey).
	Secret string
}

// FromEnv reads the settings with getenv. Options lets a caller add to the Verifier's
// configuration what the environment cannot say (a Fetcher, a clock). Every error is an *Error.
//
// With provider keys (AUTH_JWKS, AUTH_JWKS_URL or AUTH_OIDC_ISSUER) the service takes an identity
// provider's tokens: AUTH_AUDIENCE and an issuer (AUTH_ISSUER, or the discovered one) are then
// required, HS256 tokens are refused (AUTH_SECRET only keys page tokens) and DEV_TOKENS=1 is an
// error. Without provider keys the service is its own issuer: HS256 tokens signed with
// AUTH_SECRET.
func FromEnv(getenv func(string) string, options ...func(*auth.Config)) (Settings, error) {
	var s Settings
	secret := getenv("AUTH_SECRET")
	switch {
	case secret == "":
		return s, bad("AUTH_SECRET", "is not set (wrangler secret put AUTH_SECRET); it signs tokens and page tokens")
	case len(secret) < auth.MinSecretLen:
		return s, bad("AUTH_SECRET", "is %d bytes; it must be at least %d (openssl rand -base64 32)", len(secret), auth.MinSecretLen)
	}
	s.Secret = secret
	ac := auth.Config{
		JWKS:       strings.TrimSpace(getenv("AUTH_JWKS")),
		JWKSURL:    strings.TrimSpace(getenv("AUTH_JWKS_URL")),
		OIDCIssuer: strings.TrimSpace(getenv("AUTH_OIDC_ISSUER")),
		Audience:   list(getenv("AUTH_AUDIENCE")),
		Issuer:     list(getenv("AUTH_ISSUER")),
		Tenants:    list(getenv("AUTH_TENANTS")),
	}
	for _, iss := range ac.Issuer {
		if strings.Count(iss, "{tenantid}") > 1 {
			return s, bad("AUTH_ISSUER", "holds %q, with {tenantid} more than once", iss)
		}
	}
	for _, t := range ac.Tenants {
		if !auth.IsGUID(t) {
			return s, bad("AUTH_TENANTS", "holds %q, which is not a tenant id (a GUID)", t)
		}
	}
	dev := getenv("DEV_TOKENS")
	if dev != "" && dev != "0" && dev != "1" {
		return s, bad("DEV_TOKENS", "must be 1 or 0, not %q", dev)
	}
	ac.DevTokens = dev == "1"
	providers := providerSettings(ac)
	switch {
	case len(providers) > 1:
		return s, bad(providers[1], "is set together with %s: set one source of keys", providers[0])
	case len(providers) == 1 && ac.DevTokens:
		return s, bad("DEV_TOKENS", "=1 is set together with %s: development tokens are for local development without an identity provider", providers[0])
	case len(providers) == 1 && len(ac.Audience) == 0:
		return s, bad("AUTH_AUDIENCE", "is required with %s: the aud values of this API's tokens (its application id URI and client id), comma-separated", providers[0])
	case len(providers) == 1 && len(ac.Issuer) == 0 && ac.OIDCIssuer == "":
		return s, bad("AUTH_ISSUER", "is required with %s: the iss values of the accepted tokens, comma-separated ({tenantid} for any tenant)", providers[0])
	case len(providers) == 0:
		ac.Secret = secret // the service is its own issuer
	}
	for _, o := range options {
		o(&ac)
	}
	v, err := auth.NewVerifier(ac)
	if err != nil {
		// What is left to fail is the one source of keys.
		setting := "AUTH_SECRET"
		if len(providers) == 1 {
			setting = providers[0]
		}
		return s, bad(setting, "is not usable: %v", strings.TrimPrefix(err.Error(), "auth: "))
	}
	s.API.Verifier = v
	if ac.DevTokens {
		s.API.DevSecret = secret
	}
	s.API.AllowedOrigins = list(getenv("ALLOWED_ORIGINS"))
	if r := getenv("RATE_LIMIT"); r != "" {
		s.API.RateLimit, err = strconv.ParseFloat(r, 64)
		if err != nil || s.API.RateLimit < 0 || s.API.RateLimit != s.API.RateLimit {
			return s, bad("RATE_LIMIT", "must be a number of requests per second per user, not %q", r)
		}
	}
	return s, nil
}

// providerSettings names the provider key settings that are set.
func providerSettings(c auth.Config) []string {
	var names []string
	if c.JWKS != "" {
		names = append(names, "AUTH_JWKS")
	}
	if c.JWKSURL != "" {
		names = append(names, "AUTH_JWKS_URL")
	}
	if c.OIDCIssuer != "" {
		names = append(names, "AUTH_OIDC_ISSUER")
	}
	return names
}

// list splits a comma-separated setting, dropping blanks.
func list(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ErrorMessage is the problem to report for err, naming the setting when err is an *Error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return err.Error()
}
