package api

import (
	"net/http"
	"strings"
)

// Headers a browser may send and read across origins.
const (
	corsAllowHeaders  = "Authorization, Content-Type, Content-Encoding, client-request-id, Prefer, ConsistencyLevel, SdkVersion, return-client-request-id"
	corsExposeHeaders = "request-id, client-request-id, Location, OData-Version, Retry-After, Preference-Applied, WWW-Authenticate"
)

// cors adds the CORS headers for an allowed Origin: configured origins, any origin when "*"
// is configured, and the API's own origin, which the playground is served from.
func (h *Handler) cors(q *request) {
	origin := q.r.Header.Get("Origin")
	q.w.Header().Add("Vary", "Origin")
	if origin == "" || !h.originAllowed(origin, baseURL(q.r)) {
		return
	}
	hd := q.w.Header()
	hd.Set("Access-Control-Allow-Origin", origin)
	hd.Set("Access-Control-Expose-Headers", corsExposeHeaders)
}

func (h *Handler) originAllowed(origin, self string) bool {
	if strings.EqualFold(origin, self) {
		return true
	}
	for _, o := range h.c.AllowedOrigins {
		if o == "*" || strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}

// preflight answers OPTIONS: the methods the path serves and, for a CORS preflight from an
// allowed origin, what the browser may send.
func (h *Handler) preflight(q *request) {
	hd := q.w.Header()
	hd.Set("Allow", q.route.allow())
	if hd.Get("Access-Control-Allow-Origin") != "" && q.r.Header.Get("Access-Control-Request-Method") != "" {
		hd.Set("Access-Control-Allow-Methods", q.route.allow())
		hd.Set("Access-Control-Allow-Headers", corsAllowHeaders)
		hd.Set("Access-Control-Max-Age", "86400")
	}
	h.write(q, http.StatusNoContent, "", nil)
}
