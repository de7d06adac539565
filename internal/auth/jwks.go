package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// rsaKey is an RS256 verification key of the JWKS.
type rsaKey struct {
	kid string
	pub *rsa.PublicKey
}

// ecKey is an ES256 (P-256) verification key of the JWKS.
type ecKey struct {
	kid string
	pub *ecdsa.PublicKey
}

// jwk holds the members of a JSON Web Key (RFC 7517, RFC 7518 section 6) that matter here.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
	D   string `json:"d"`
}

// parseJWKS reads the RSA and P-256 signing keys of a JWK Set. Keys meant for encryption, for
// another algorithm, of another type or on another curve are skipped, as an identity provider's
// set may hold such keys; a malformed RSA or P-256 key, or one with private parts, is an error.
func parseJWKS(text string) ([]rsaKey, []ecKey, error) {
	if !isObject([]byte(text)) {
		return nil, nil, errors.New("auth: JWKS is not a JSON object")
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal([]byte(text), &set); err != nil {
		return nil, nil, fmt.Errorf("auth: JWKS: %w", err)
	}
	var rsaKeys []rsaKey
	var ecKeys []ecKey
	for i, k := range set.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		switch k.Kty {
		case "RSA":
			if k.Alg != "" && k.Alg != "RS256" {
				continue
			}
			if k.D != "" {
				return nil, nil, fmt.Errorf("auth: JWKS key %d (kid %q) is a private key", i, k.Kid)
			}
			pub, err := rsaPublicKey(k.N, k.E)
			if err != nil {
				return nil, nil, fmt.Errorf("auth: JWKS key %d (kid %q): %w", i, k.Kid, err)
			}
			rsaKeys = append(rsaKeys, rsaKey{kid: k.Kid, pub: pub})
		case "EC":
			if k.Crv != "P-256" || (k.Alg != "" && k.Alg != "ES256") {
				continue
			}
			if k.D != "" {
				return nil, nil, fmt.Errorf("auth: JWKS key %d (kid %q) is a private key", i, k.Kid)
			}
			pub, err := p256PublicKey(k.X, k.Y)
			if err != nil {
				return nil, nil, fmt.Errorf("auth: JWKS key %d (kid %q): %w", i, k.Kid, err)
			}
			ecKeys = append(ecKeys, ecKey{kid: k.Kid, pub: pub})
		}
	}
	if len(rsaKeys) == 0 && len(ecKeys) == 0 {
		return nil, nil, errors.New("auth: JWKS has no RS256 or ES256 signing key")
	}
	return rsaKeys, ecKeys, nil
}

// keyBytes decodes a base64url member of a JWK. Trailing padding, which some publishers add, is
// tolerated.
func keyBytes(name, s string) ([]byte, error) {
	b, err := b64.DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%s is not base64url", name)
	}
	return b, nil
}

// rsaPublicKey makes an RSA public key of the n and e members of a JWK.
func rsaPublicKey(n64, e64 string) (*rsa.PublicKey, error) {
	nb, err := keyBytes("n", n64)
	if err != nil {
		return nil, err
	}
	eb, err := keyBytes("e", e64)
	if err != nil {
		return nil, err
	}
	n := new(big.Int).SetBytes(nb)
	if bits := n.BitLen(); bits < 2048 || bits > 16384 {
		return nil, fmt.Errorf("RSA modulus of %d bits, want 2048 to 16384", bits)
	}
	eb = minimalInt(eb)
	if len(eb) > 4 {
		return nil, errors.New("RSA exponent too large")
	}
	e := 0
	for _, c := range eb {
		e = e<<8 | int(c)
	}
	if e < 3 || e > 1<<31-1 || e%2 == 0 {
		return nil, fmt.Errorf("RSA exponent %d is not valid", e)
	}
	return &rsa.PublicKey{N: n, E: e}, nil
}

// p256PublicKey makes a P-256 public key of the x and y members of a JWK, checking that the
// point is on the curve.
func p256PublicKey(x64, y64 string) (*ecdsa.PublicKey, error) {
	x, err := keyBytes("x", x64)
	if err != nil {
		return nil, err
	}
	y, err := keyBytes("y", y64)
	if err != nil {
		return nil, err
	}
	if len(x) > 32 || len(y) > 32 {
		return nil, errors.New("P-256 coordinate longer than 32 bytes")
	}
	// RFC 7518 wants full-length coordinates; left-pad the short ones some publishers write.
	var point [65]byte
	point[0] = 4
	copy(point[1+32-len(x):33], x)
	copy(point[33+32-len(y):], y)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point[:])
	if err != nil {
		return nil, errors.New("not a point on P-256")
	}
	return pub, nil
}
