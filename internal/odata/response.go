package odata

import (
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"github.com/usedinsight/usedinsight/internal/random"
)

// JSONContentType is the Content-Type of JSON responses, as Graph sends it.
const JSONContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

// IDs name a request in its response's headers and error body.
type IDs struct {
	Request string // request-id: new for each request
	Client  string // client-request-id: the client's own when it can be echoed, else Request
}

// NewIDs makes the ids of a request whose client sent the client-request-id header
// clientRequestID ("" when it sent none).
func NewIDs(clientRequestID string) IDs {
	ids := IDs{Request: newUUID(), Client: clientRequestID}
	if !echoable(clientRequestID) {
		ids.Client = ids.Request
	}
	return ids
}

// SetHeaders sets the headers every response of the service carries: request-id,
// client-request-id, OData-Version and Cache-Control no-store.
func (ids IDs) SetHeaders(h http.Header) {
	h.Set("request-id", ids.Request)
	h.Set("client-request-id", ids.Client)
	h.Set("OData-Version", "4.0")
	h.Set("Cache-Control", "no-store")
}

// WriteError answers with e: the headers SetHeaders sets, Content-Type, Content-Length,
// Retry-After for a 503 that has none yet, and Graph's error body dated now (none to a HEAD
// request). It is the one writer of the service's error responses.
func WriteError(w http.ResponseWriter, method string, ids IDs, e *Error, now time.Time) {
	h := w.Header()
	ids.SetHeaders(h)
	if e.Status == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
		h.Set("Retry-After", "5")
	}
	body := e.Body(now, ids.Request, ids.Client)
	h.Set("Content-Type", JSONContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	if method != http.MethodHead {
		w.Write(body)
	}
}

// echoable reports whether a client's client-request-id may be echoed: 1 to 200 bytes of
// visible ASCII.
func echoable(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	random.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	hex.Encode(s[9:13], b[4:6])
	hex.Encode(s[14:18], b[6:8])
	hex.Encode(s[19:23], b[8:10])
	hex.Encode(s[24:], b[10:])
	s[8], s[13], s[18], s[23] = '-', '-', '-', '-'
	return string(s[:])
}
