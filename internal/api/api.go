// Package api is the Graph-compatible HTTP API of the service as a plain net/http handler:
// routing, authorization, the used-insight operations and Graph's headers and errors.
package api

import (
	"errors"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/usedinsight/usedinsight/internal/auth"
	"github.com/usedinsight/usedinsight/internal/clip"
	"github.com/usedinsight/usedinsight/internal/odata"
	"github.com/usedinsight/usedinsight/internal/openapi"
	"github.com/usedinsight/usedinsight/internal/random"
	"github.com/usedinsight/usedinsight/internal/store"
)

// Config is what a Handler needs. Store and Verifier are required.
type Config struct {
	Store    store.Store
	Verifier *auth.Verifier
	// DevSecret, when set, enables POST /dev/token for requests addressed to a loopback host:
	// it issues development tokens signed with a key derived from it (auth.IssueDevToken),
	// which the Verifier accepts only when made with DevTokens. Local development only
	// (DEV_TOKENS=1).
	DevSecret string
	// AllowedOrigins lists the origins that may call the API from a browser; "*" allows any.
	// A page on the API's own origin is always allowed.
	AllowedOrigins []string
	// RateLimit is the sustained requests per second allowed per user, with bursts of twice
	// that; 0 means no limit. Counted per process (per Worker isolate).
	RateLimit float64
	Now       func() time.Time // the clock; time.Now when nil
	NewID     func() string    // record ids; random 22-character base64url when nil
	Logf      func(format string, args ...any)
}

// Handler serves the API. Build it with New.
type Handler struct {
	c       Config
	limiter *limiter
	// misconfigured, when set, is the configuration problem every request is answered with.
	misconfigured string
}

// Misconfigured returns a handler that answers every request with a 500 generalException whose
// message names the configuration problem, with the headers of every other API error.
func Misconfigured(problem string) http.Handler {
	log.Print("usedinsight: misconfigured: ", problem)
	return &Handler{c: Config{Now: time.Now, Logf: log.Printf}, misconfigured: problem}
}

// New checks c and returns the API handler.
func New(c Config) (*Handler, error) {
	if c.Store == nil {
		return nil, errors.New("api: a Store is required")
	}
	if c.Verifier == nil {
		return nil, errors.New("api: a token Verifier is required")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.NewID == nil {
		c.NewID = newID
	}
	if c.Logf == nil {
		c.Logf = log.Printf
	}
	h := &Handler{c: c}
	if c.RateLimit > 0 {
		h.limiter = newLimiter(c.RateLimit, c.Now)
	}
	return h, nil
}

// JSONContentType is the Content-Type of JSON responses, as Graph sends it.
const JSONContentType = odata.JSONContentType

// request is one request in flight with what the handler learned about it.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	ids     odata.IDs
	root    string // service root: scheme://host plus the version prefix
	route   route
	user    string // whose records: the storage user
	display string // the user as @odata.context names it
	wrote   bool
}

// ServeHTTP answers one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := &request{w: w, r: r, ids: odata.NewIDs(r.Header.Get("client-request-id"))}
	q.ids.SetHeaders(w.Header())
	defer func() {
		if v := recover(); v != nil {
			h.c.Logf("api: panic serving %s %s: %v", r.Method, r.URL.Path, v)
			if !q.wrote {
				h.fail(q, &odata.Error{Status: 500, Code: "generalException", Message: "An internal server error occurred."})
			}
		}
	}()
	h.cors(q)
	if h.misconfigured != "" {
		q.root = baseURL(r)
		h.fail(q, &odata.Error{Status: 500, Code: "generalException", Message: "The service is misconfigured: " + h.misconfigured})
		return
	}
	rt, version, err := parsePath(r.URL.EscapedPath())
	q.route = rt
	q.root = baseURL(r) + version
	if err != nil {
		h.fail(q, err)
		return
	}
	if r.Method == http.MethodOptions {
		h.preflight(q)
		return
	}
	// HEAD is GET without the body (RFC 9110 §9.3.2), wherever GET is served: write sends none.
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	if !rt.allows(method) {
		w.Header().Set("Allow", rt.allow())
		h.fail(q, &odata.Error{Status: 405, Code: "notAllowed", Message: "The HTTP method '" + clip.Message(r.Method) + "' is not allowed on " + rt.describe() + "."})
		return
	}
	if rt.kind == routeDevToken {
		h.devToken(q)
		return
	}
	if rt.kind == routeMetadata {
		h.write(q, http.StatusOK, odata.MetadataContentType, odata.Metadata)
		return
	}
	if rt.kind == routeOpenAPI {
		w.Header().Set("Cache-Control", "public, max-age=3600") // the same for everyone, until a deploy
		h.write(q, http.StatusOK, openapi.ContentType, openapi.Document)
		return
	}
	if !h.authorize(q) {
		return
	}
	if rt.kind == routeBatch {
		h.batch(q) // each request in it is authorised and rate-limited on its own
		return
	}
	if h.limiter != nil {
		if wait := h.limiter.take(q.user); wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			h.fail(q, &odata.Error{Status: 429, Code: "activityLimitReached", Message: "The request has been throttled. Retry after the time in Retry-After."})
			return
		}
	}
	switch rt.kind {
	case routeCollection:
		if method == http.MethodGet {
			h.list(q)
		} else {
			h.create(q)
		}
	case routeRef:
		h.create(q)
	case routeCount:
		h.count(q)
	case routeItem:
		switch method {
		case http.MethodGet:
			h.get(q)
		case http.MethodPatch:
			h.patch(q)
		case http.MethodDelete:
			h.delete(q)
		}
	}
}

// authorize verifies the token, resolves whose records the route names and checks the
// permission the method needs. It answers the request itself when the caller may not proceed.
func (h *Handler) authorize(q *request) bool {
	p, err := h.c.Verifier.VerifyContext(q.r.Context(), q.r.Header.Get("Authorization"))
	if errors.Is(err, auth.ErrKeysUnavailable) {
		// The identity provider's fault, not the client's: a 401 would make it drop a good token.
		h.c.Logf("api: %v", err)
		q.w.Header().Set("Retry-After", strconv.Itoa(int(auth.EmptyRetry/time.Second)))
		h.fail(q, &odata.Error{Status: 503, Code: "serviceNotAvailable", Message: "The identity provider's signing keys are unavailable. Retry after the time in Retry-After."})
		return false
	}
	if err != nil {
		q.w.Header().Set("WWW-Authenticate", `Bearer realm="usedinsight", error="invalid_token"`)
		msg := "Access token validation failure."
		var ae *auth.Error
		if errors.As(err, &ae) {
			msg = ae.Message
		}
		h.fail(q, &odata.Error{Status: 401, Code: "InvalidAuthenticationToken", Message: msg})
		return false
	}
	if q.route.kind == routeBatch {
		return true // a valid token; the batch's requests are authorised one by one
	}
	name := auth.CanonicalID(q.route.user) // object ids in any case are one user
	switch {
	case q.route.me && p.Application:
		h.fail(q, &odata.Error{Status: 400, Code: "invalidRequest", Message: "/me request is only valid with delegated authentication flow."})
		return false
	case q.route.me:
		q.user, q.display = p.User, p.ID
	case p.Application && strings.Contains(name, "@"):
		// Without a directory a name cannot be resolved to the object id /me uses; writing
		// under the name would split one person's records in two.
		h.fail(q, &odata.Error{Status: 400, Code: "invalidRequest", Message: "An application token must name the user by object id, not by user principal name: use /users/{object id}."})
		return false
	case p.Application:
		q.user, q.display = p.Qualify(name), name // a user of the application's own tenant
	case p.Is(name):
		q.user, q.display = p.User, p.ID // /users/{upn} and /me reach the same records
	default:
		h.fail(q, &odata.Error{Status: 403, Code: "accessDenied", Message: "Access is denied: a delegated token may only reach its own user's insights."})
		return false
	}
	write := q.r.Method != http.MethodGet && q.r.Method != http.MethodHead
	if write && !p.CanWrite() || !write && !p.CanRead() {
		need := auth.PermissionRead + " or " + auth.PermissionReadWrite
		if write {
			need = auth.PermissionReadWrite
		}
		h.fail(q, &odata.Error{Status: 403, Code: "accessDenied", Message: "Insufficient privileges to complete the operation: the token needs " + need + "."})
		return false
	}
	return true
}

// fail writes a Graph error response.
func (h *Handler) fail(q *request, e *odata.Error) {
	q.wrote = true
	odata.WriteError(q.w, q.r.Method, q.ids, e, h.c.Now())
}

func (h *Handler) write(q *request, status int, contentType string, body []byte) {
	q.wrote = true
	if body != nil {
		q.w.Header().Set("Content-Type", contentType)
		q.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	q.w.WriteHeader(status)
	if body != nil && q.r.Method != http.MethodHead {
		q.w.Write(body)
	}
}

// storeFailed answers a storage error that is not one of the store's own answers.
func (h *Handler) storeFailed(q *request, err error) {
	h.c.Logf("api: storage failed for %s %s: %v", q.r.Method, q.r.URL.Path, err)
	h.fail(q, &odata.Error{Status: 503, Code: "serviceNotAvailable", Message: "The storage is unavailable. Retry after the time in Retry-After."})
}

// baseURL is the scheme and host the client used.
func baseURL(r *http.Request) string {
	if r.URL.IsAbs() {
		return r.URL.Scheme + "://" + r.URL.Host
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// newID returns 22 random base64url characters (132 bits).
func newID() string {
	var b [22]byte
	random.Read(b[:])
	for i := range b {
		b[i] = idAlphabet[b[i]&63]
	}
	return string(b[:])
}
