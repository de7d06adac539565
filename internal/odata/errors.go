package odata

import (
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/sjson"
)

// Error is a Microsoft Graph error: the HTTP status and the body's error object.
type Error struct {
	Status  int
	Code    string // such as "invalidRequest" or "itemNotFound"
	Message string
	Target  string   // the member or option at fault, if any
	Details []Detail // one entry per problem, for validation errors
}

// Detail is one entry of an error's details.
type Detail struct {
	Code, Message, Target string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Body renders the error in Graph's envelope, with innerError naming the request.
func (e *Error) Body(now time.Time, requestID, clientRequestID string) []byte {
	b := []byte(`{"error":{}}`)
	set := func(path string, v any) { b, _ = sjson.SetBytes(b, path, v) }
	set("error.code", e.Code)
	set("error.message", e.Message)
	if e.Target != "" {
		set("error.target", e.Target)
	}
	if len(e.Details) > 0 {
		b, _ = sjson.SetRawBytes(b, "error.details", []byte("[]"))
		for _, d := range e.Details {
			item := []byte(`{}`)
			item, _ = sjson.SetBytes(item, "code", d.Code)
			item, _ = sjson.SetBytes(item, "message", d.Message)
			item, _ = sjson.SetBytes(item, "target", d.Target)
			b, _ = sjson.SetRawBytes(b, "error.details.-1", item)
		}
	}
	set("error.innerError.date", now.UTC().Format("2006-01-02T15:04:05"))
	set("error.innerError.request-id", requestID)
	set("error.innerError.client-request-id", clientRequestID)
	return b
}

// ContextURL returns the @odata.context of a user's insights of a collection ("used",
// "trending", "shared") under serviceRoot, such as
// "https://host/v1.0/$metadata#users('id')/insights/used", with the selected members in
// parentheses when $select was given and suffix ("/$entity" for one item) appended.
func ContextURL(serviceRoot, user, collection string, sel []string, suffix string) string {
	var b strings.Builder
	b.WriteString(serviceRoot)
	b.WriteString("/$metadata#users('")
	// A key literal doubles its quotes; escape what a URL fragment cannot carry.
	for _, c := range []byte(strings.ReplaceAll(user, "'", "''")) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0) {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
		}
	}
	b.WriteString("')/insights/")
	b.WriteString(collection)
	if len(sel) > 0 {
		b.WriteString("(" + strings.Join(sel, ",") + ")")
	}
	b.WriteString(suffix)
	return b.String()
}
