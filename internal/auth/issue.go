package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// hs256Header is the encoded JOSE header of the tokens IssueHS256 makes: {"alg":"HS256","typ":"JWT"}.
var hs256Header = b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// IssueHS256 makes a token with the claims of claimSet signed with secret by HS256, for local development and
// tests. It sets iat and nbf to now and exp to now+ttl, over any such claims given. It fails on an
// empty secret, a ttl that is not positive, claims that Verify would reject as being of the wrong
// JSON type (such as a string exp or a roles that is not an array of strings), and a token longer
// than MaxTokenLen.
func IssueHS256(secret string, claimSet map[string]any, ttl time.Duration, now time.Time) (string, error) {
	if secret == "" {
		return "", errors.New("auth: no secret to sign with")
	}
	if ttl <= 0 {
		return "", errors.New("auth: token lifetime is not positive")
	}
	m := make(map[string]any, len(claimSet)+3)
	maps.Copy(m, claimSet)
	m["iat"] = now.Unix()
	m["nbf"] = now.Unix()
	m["exp"] = now.Add(ttl).Unix()
	payload, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("auth: claims: %w", err)
	}
	var o objectReader
	if !o.readClaims(payload, new(claims)) {
		return "", errors.New("auth: claims: a claim has the wrong JSON type")
	}
	token := signHS256([]byte(secret), hs256Header+"."+b64.EncodeToString(payload))
	if len(token) > MaxTokenLen {
		return "", fmt.Errorf("auth: token of %d bytes is longer than %d", len(token), MaxTokenLen)
	}
	return token, nil
}

// signHS256 returns signingInput (encoded header "." encoded payload) with its HS256 signature.
func signHS256(key []byte, signingInput string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(signingInput))
	return signingInput + "." + b64.EncodeToString(mac.Sum(nil))
}

// DevTokenTTL is the lifetime of the tokens IssueDevToken makes.
const DevTokenTTL = time.Hour

// TokenResponse is the JSON body that POST /dev/token answers with.
type TokenResponse struct {
	AccessToken string `json:"access_token"` // the signed token
	TokenType   string `json:"token_type"`   // always "Bearer"
	ExpiresIn   int    `json:"expires_in"`   // lifetime in seconds: 3600
}

// devHeader is the encoded JOSE header of development tokens; the kid selects the dev key.
var devHeader = b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT","kid":"` + DevKeyID + `"}`))

// devClaims are the claims a POST /dev/token body may set. Anything else (aud, iss, tid, exp...)
// is refused: a dev token must not pass for one of a real issuer's.
var devClaims = []string{"sub", "oid", "upn", "scp", "roles"}

// IssueDevToken makes the answer to POST /dev/token, a development aid. request is the request
// body: empty, or a JSON object of some of the claims sub, oid, upn, scp and roles, laid over the
// defaults {"sub":"alice","scp":"Sites.ReadWrite.All"}. A request with "roles" and no "scp" gets
// an application token (the default scp is dropped); a claim set to null is removed. The token
// is signed by HS256 with DevKey(secret), kid "dev", and lives DevTokenTTL. Errors mean a bad
// request (the message names a claim that may not be set) or no secret.
func IssueDevToken(secret string, request []byte, now time.Time) (TokenResponse, error) {
	if secret == "" {
		return TokenResponse{}, errors.New("auth: no secret to sign with")
	}
	m := map[string]any{"sub": "alice", "scp": PermissionReadWrite}
	if !isBlank(request) {
		var o objectReader
		ms, ok := o.read(request)
		if !ok {
			return TokenResponse{}, errors.New("auth: dev token request is not a JSON object without duplicate members")
		}
		for _, mb := range ms {
			if !slices.Contains(devClaims, string(mb.name)) {
				return TokenResponse{}, fmt.Errorf("auth: dev token request: the claim %q cannot be set; only sub, oid, upn, scp and roles can", clip(string(mb.name)))
			}
		}
		var req map[string]any
		if err := json.Unmarshal(request, &req); err != nil {
			return TokenResponse{}, fmt.Errorf("auth: dev token request: %w", err)
		}
		if _, ok := req["roles"]; ok {
			if _, ok := req["scp"]; !ok {
				delete(m, "scp")
			}
		}
		for k, v := range req {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
	}
	m["iat"] = now.Unix()
	m["nbf"] = now.Unix()
	m["exp"] = now.Add(DevTokenTTL).Unix()
	payload, err := json.Marshal(m)
	if err != nil {
		return TokenResponse{}, fmt.Errorf("auth: claims: %w", err)
	}
	var o objectReader
	if !o.readClaims(payload, new(claims)) {
		return TokenResponse{}, errors.New("auth: dev token request: a claim has the wrong JSON type (sub, oid, upn and scp are strings, roles an array of strings)")
	}
	token := signHS256(DevKey(secret), devHeader+"."+b64.EncodeToString(payload))
	if len(token) > MaxTokenLen {
		return TokenResponse{}, fmt.Errorf("auth: token of %d bytes is longer than %d", len(token), MaxTokenLen)
	}
	return TokenResponse{AccessToken: token, TokenType: "Bearer", ExpiresIn: int(DevTokenTTL / time.Second)}, nil
}

// isBlank reports whether b is empty or JSON whitespace only.
func isBlank(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return false
		}
	}
	return true
}
