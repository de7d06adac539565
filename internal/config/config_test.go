package config

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/usedinsight/usedinsight/internal/auth"
)

const secret = "0123456789abcdef0123456789abcdef" // 32 bytes

// jwks is a key set with one usable RSA key (2048 bits).
const jwks = `{"keys":[{"kty":"RSA","kid":"k","e":"AQAB","n":"` +
	"u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw" +
	`"}]}`

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestFromEnvErrors: every configuration error names its setting.
func TestFromEnvErrors(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		setting string
		says    string
	}{
		{"no secret", map[string]string{}, "AUTH_SECRET", "not set"},
		// A one-byte secret used to be accepted: anyone could guess it and sign any token.
		{"short secret", map[string]string{"AUTH_SECRET": "x"}, "AUTH_SECRET", "at least 32"},
		{"31-byte secret", map[string]string{"AUTH_SECRET": secret[:31]}, "AUTH_SECRET", "at least 32"},
		// With AUTH_JWKS and neither audience nor issuer, any token the provider ever signed was
		// accepted, for any app of any tenant.
		{"jwks without audience", map[string]string{"AUTH_SECRET": secret, "AUTH_JWKS": jwks, "AUTH_ISSUER": "https://i.example"}, "AUTH_AUDIENCE", "required"},
		{"jwks without issuer", map[string]string{"AUTH_SECRET": secret, "AUTH_JWKS": jwks, "AUTH_AUDIENCE": "api://x"}, "AUTH_ISSUER", "required"},
		{"jwks url without audience", map[string]string{"AUTH_SECRET": secret, "AUTH_JWKS_URL": "https://login.example/keys", "AUTH_ISSUER": "https://i.example"}, "AUTH_AUDIENCE", "required"},
		{"jwks url without issuer", map[string]string{"AUTH_SECRET": secret, "AUTH_JWKS_URL": "https://login.example/keys", "AUTH_AUDIENCE": "api://x"}, "AUTH_ISSUER", "required"},
		{"oidc without audience", map[string]string{"AUTH_SECRET": secret, "AUTH_OIDC_ISSUER": "https://login.example/t/v2.0"}, "AUTH_AUDIENCE", "required"},
		// DEV_TOKENS=1 let anyone mint tokens; with provider keys it is a deployment, not a laptop.
		{"dev tokens with jwks", map[string]string{"AUTH_SECRET": secret, "DEV_TOKENS": "1", "AUTH_JWKS": jwks, "AUTH_AUDIENCE": "a", "AUTH_ISSUER": "i"}, "DEV_TOKENS", "AUTH_JWKS"},
		{"dev tokens with oidc", map[string]string{"AUTH_SECRET": secret, "DEV_TOKENS": "1", "AUTH_OIDC_ISSUER": "https://login.example/t/v2.0", "AUTH_AUDIENCE": "a"}, "DEV_TOKENS", "AUTH_OIDC_ISSUER"},
		{"dev tokens not 0 or 1", map[string]string{"AUTH_SECRET": secret, "DEV_TOKENS": "yes"}, "DEV_TOKENS", "1 or 0"},
		{"two sources of keys", map[string]string{"AUTH_SECRET": secret, "AUTH_JWKS": jwks, "AUTH_JWKS_URL": "https://login.example/keys", "AUTH_AUDIENCE": "a", "AUTH_ISSUER": "i"}, "AUTH_JWKS_URL", "one source"},
		{"bad jwks", map[string]string{"AUTH_SECRET": secret, "AUTH_JWKS": `{"keys":[]}`, "AUTH_AUDIENCE": "a", "AUTH_ISSUER": "i"}, "AUTH_JWKS", "not usable"},
		{"http jwks url", map[string]string{"AUTH_SECRET": secret, "AUTH_JWKS_URL": "http://login.example/keys", "AUTH_AUDIENCE": "a", "AUTH_ISSUER": "i"}, "AUTH_JWKS_URL", "https"},
		{"http issuer", map[string]string{"AUTH_SECRET": secret, "AUTH_OIDC_ISSUER": "http://login.example/t", "AUTH_AUDIENCE": "a"}, "AUTH_OIDC_ISSUER", "https"},
		{"issuer with two placeholders", map[string]string{"AUTH_SECRET": secret, "AUTH_JWKS": jwks, "AUTH_AUDIENCE": "a", "AUTH_ISSUER": "https://x/{tenantid}/{tenantid}"}, "AUTH_ISSUER", "{tenantid}"},
		{"tenant not a guid", map[string]string{"AUTH_SECRET": secret, "AUTH_TENANTS": "contoso"}, "AUTH_TENANTS", "GUID"},
		{"rate limit", map[string]string{"AUTH_SECRET": secret, "RATE_LIMIT": "fast"}, "RATE_LIMIT", "number"},
		{"negative rate limit", map[string]string{"AUTH_SECRET": secret, "RATE_LIMIT": "-1"}, "RATE_LIMIT", "number"},
		{"NaN rate limit", map[string]string{"AUTH_SECRET": secret, "RATE_LIMIT": "NaN"}, "RATE_LIMIT", "number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromEnv(env(tt.env))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("FromEnv error = %v, want an *Error", err)
			}
			if e.Setting != tt.setting || !strings.HasPrefix(ErrorMessage(err), tt.setting+" ") || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("FromEnv error = %q (setting %s), want one naming %s and saying %q", err, e.Setting, tt.setting, tt.says)
			}
		})
	}
}

// TestFromEnv: what valid settings configure.
func TestFromEnv(t *testing.T) {
	hs, _ := auth.IssueHS256(secret, map[string]any{"sub": "alice", "scp": auth.PermissionRead}, 3600e9, nowish())
	dev, _ := auth.IssueDevToken(secret, nil, nowish())
	tests := []struct {
		name      string
		env       map[string]string
		hs256     bool // a token signed with AUTH_SECRET verifies
		devToken  bool // a dev token verifies
		devSecret bool // /dev/token is served
	}{
		{"own issuer", map[string]string{"AUTH_SECRET": secret}, true, false, false},
		{"dev tokens", map[string]string{"AUTH_SECRET": secret, "DEV_TOKENS": "1"}, true, true, true},
		{"dev tokens off", map[string]string{"AUTH_SECRET": secret, "DEV_TOKENS": "0"}, true, false, false},
		// With provider keys, HS256 is off: AUTH_SECRET then only keys page tokens.
		{"provider keys", map[string]string{"AUTH_SECRET": secret, "AUTH_JWKS": jwks, "AUTH_AUDIENCE": "api://x, 1234", "AUTH_ISSUER": "https://login.microsoftonline.com/{tenantid}/v2.0"}, false, false, false},
		{"oidc", map[string]string{"AUTH_SECRET": secret, "AUTH_OIDC_ISSUER": "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0", "AUTH_AUDIENCE": "api://x"}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := FromEnv(env(tt.env), offline)
			if err != nil {
				t.Fatal(err)
			}
			if s.Secret != secret {
				t.Errorf("Secret = %q", s.Secret)
			}
			_, err = s.API.Verifier.Verify("Bearer " + hs)
			if (err == nil) != tt.hs256 {
				t.Errorf("HS256 token: %v, want accepted %v", err, tt.hs256)
			}
			_, err = s.API.Verifier.Verify("Bearer " + dev.AccessToken)
			if (err == nil) != tt.devToken {
				t.Errorf("dev token: %v, want accepted %v", err, tt.devToken)
			}
			if (s.API.DevSecret != "") != tt.devSecret {
				t.Errorf("DevSecret set = %v, want %v", s.API.DevSecret != "", tt.devSecret)
			}
		})
	}
	s, err := FromEnv(env(map[string]string{"AUTH_SECRET": secret, "ALLOWED_ORIGINS": " https://a.example ,, https://b.example", "RATE_LIMIT": "2.5"}))
	if err != nil || len(s.API.AllowedOrigins) != 2 || s.API.AllowedOrigins[1] != "https://b.example" || s.API.RateLimit != 2.5 {
		t.Errorf("FromEnv = %+v, %v", s.API, err)
	}
}

func nowish() time.Time { return time.Now() }

// offline is the Fetcher option of a test that fetches nothing: the network is not there.
func offline(c *auth.Config) {
	c.Fetch = func(context.Context, string) ([]byte, time.Duration, error) {
		return nil, 0, errors.New("offline")
	}
}
