package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return "", fmt.Errorf("auth: claims: %w", err)
	}
	token := signHS256(secret, hs256Header+"."+b64.EncodeToString(payload))
	if len(token) > MaxTokenLen {
		return "", fmt.Errorf("auth: token of %d bytes is longer than %d", len(token), MaxTokenLen)
	}
	return token, nil
}

// signHS256 returns signingInput (encoded header "." encoded payload) with its HS256 signature.
func signHS256(secret, signingInput string) string {
	mac := hmac.New(sha256.New, []byte(secret))
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

// IssueDevToken makes the answer to POST /dev/token, a development aid that must not be served in
// production. request is the request body: empty, or a JSON object of claims laid over the default
// claims {"sub":"alice","scp":"Sites.ReadWrite.All"}. A request with "roles" and no "scp" gets an
// application token (the default scp is dropped); a claim set to null is removed. The token is
// signed with secret by HS256 and lives DevTokenTTL. Errors mean a bad request or no secret.
func IssueDevToken(secret string, request []byte, now time.Time) (TokenResponse, error) {
	m := map[string]any{"sub": "alice", "scp": PermissionReadWrite}
	if !isBlank(request) {
		if !isObject(request) {
			return TokenResponse{}, errors.New("auth: dev token request is not a JSON object")
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
	token, err := IssueHS256(secret, m, DevTokenTTL, now)
	if err != nil {
		return TokenResponse{}, err
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
