// Package auth verifies the bearer tokens (JWTs) of incoming requests and says who the caller is and what they may do.
package auth

import "strings"

// The Microsoft Graph permissions that govern the usedInsight resource. Reading needs either one;
// writing needs ReadWrite.
const (
	PermissionRead      = "Sites.Read.All"
	PermissionReadWrite = "Sites.ReadWrite.All"
)

// Error is a token verification failure. Every one is answered with HTTP 401 and the Graph error
// code InvalidAuthenticationToken; Message is the error message to write.
type Error struct {
	// Message says what is wrong, in Graph's words where Graph has them.
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Code returns the Graph error code for a verification failure: "InvalidAuthenticationToken".
func (e *Error) Code() string { return "InvalidAuthenticationToken" }

// HTTPStatus returns the HTTP status for a verification failure: 401.
func (e *Error) HTTPStatus() int { return 401 }

// The messages of verification failures.
const (
	msgEmpty       = "Access token is empty."
	msgScheme      = "Authorization header is not a Bearer token."
	msgTooLong     = "Access token is too long."
	msgMalformed   = "CompactToken parsing failed with error code: 80049217"
	msgNoAlg       = "Access token header has no signing algorithm."
	msgCrit        = "Access token header has critical extensions that are not supported."
	msgAlg         = "Access token signing algorithm is not supported."
	msgNoKey       = "No key is configured for the access token's signing algorithm."
	msgKeyNotFound = "Access token signing key was not found."
	msgSignature   = "Invalid signature."
	msgClaims      = "Access token claims are not valid."
	msgNoExp       = "Access token has no expiry time."
	msgLifetime    = "Access token has expired or is not yet valid."
	msgAudience    = "Access token validation failure. Invalid audience."
	msgIssuer      = "Access token validation failure. Invalid issuer."
	msgNoSubject   = "Access token has no subject."
	msgTenant      = "Access token validation failure. Invalid tenant."
	// msgNotAccessToken: an ID token (nonce, at_hash) or a token typed as something else.
	msgNotAccessToken = "Access token validation failure. The token is not an access token."
)

func fail(msg string) *Error { return &Error{Message: msg} }

// Principal is the verified caller of a request.
type Principal struct {
	// User is whose records the caller's own are: ID, qualified by Tenant when there is one
	// (Qualify). Never empty.
	User string
	// ID is the oid claim, else sub; lower-cased when it is a GUID.
	ID string
	// Tenant is the tid claim, lower-cased when it is a GUID; may be empty.
	Tenant string
	// UPN is the upn claim, else preferred_username; may be empty.
	UPN string
	// Scopes are the delegated permissions of the scp claim, split at spaces.
	Scopes []string
	// Roles are the roles claim: an application's permissions.
	Roles []string
	// Application is true for an application (app-only) token: one with roles, without scp, and
	// with idtyp "app" when it has an idtyp.
	Application bool
}

// Qualify returns the storage user of the user id in p's tenant: id alone without a tenant,
// else tenant, NUL, id. No id or tenant holds a NUL (Verify refuses them, and paths cannot
// carry one), so a qualified user is never a plain one, nor another tenant's.
func (p Principal) Qualify(id string) string {
	if p.Tenant == "" {
		return id
	}
	return p.Tenant + "\x00" + id
}

// permissions returns the permissions that count for p: scopes for a delegated token, roles for
// an application token. The roles of a delegated token are app roles of the user, not Graph
// permissions, so they grant nothing here.
func (p Principal) permissions() []string {
	if p.Application {
		return p.Roles
	}
	return p.Scopes
}

// CanRead reports whether p may read: it holds Sites.Read.All or Sites.ReadWrite.All.
func (p Principal) CanRead() bool {
	for _, s := range p.permissions() {
		if s == PermissionRead || s == PermissionReadWrite {
			return true
		}
	}
	return false
}

// CanWrite reports whether p may write: it holds Sites.ReadWrite.All.
func (p Principal) CanWrite() bool {
	for _, s := range p.permissions() {
		if s == PermissionReadWrite {
			return true
		}
	}
	return false
}

// Is reports whether the user path segment user (as in /users/{user}) names p: it equals p.ID
// (in any case when a GUID), or p.UPN ignoring case. The sub of a token that also has an oid
// does not name p: oid is the user's id. An empty user names nobody.
func (p Principal) Is(user string) bool {
	if user == "" {
		return false
	}
	return user == p.ID || (IsGUID(user) && strings.EqualFold(user, p.ID)) || (p.UPN != "" && strings.EqualFold(user, p.UPN))
}
