package odata

import (
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var uuid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewIDs(t *testing.T) {
	for _, tt := range []struct {
		client string
		echoed bool
	}{
		{"", false},
		{"abc-123", true},
		{"with space", false},
		{"tab\t", false},
		{"é", false},
		{"\x7f", false},
		{"!~", true},
		{strings.Repeat("x", 200), true},
		{strings.Repeat("x", 201), false},
	} {
		ids := NewIDs(tt.client)
		if !uuid.MatchString(ids.Request) {
			t.Errorf("NewIDs(%q).Request = %q, not a version 4 UUID", tt.client, ids.Request)
		}
		want := ids.Request
		if tt.echoed {
			want = tt.client
		}
		if ids.Client != want {
			t.Errorf("NewIDs(%q).Client = %q, want %q", tt.client, ids.Client, want)
		}
	}
	if a, b := NewIDs(""), NewIDs(""); a.Request == b.Request {
		t.Errorf("two requests share the request-id %s", a.Request)
	}
}

func TestWriteError(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ids := IDs{Request: "r-id", Client: "c-id"}
	for _, tt := range []struct {
		desc       string
		method     string
		e          *Error
		preset     string // Retry-After set before
		wantRetry  string
		wantNoBody bool
	}{
		{"400", "GET", &Error{Status: 400, Code: "invalidRequest", Message: "m"}, "", "", false},
		{"HEAD has no body", "HEAD", &Error{Status: 404, Code: "itemNotFound", Message: "m"}, "", "", true},
		{"503 gets Retry-After", "POST", &Error{Status: 503, Code: "serviceNotAvailable", Message: "m"}, "", "5", false},
		{"503 keeps its Retry-After", "POST", &Error{Status: 503, Code: "serviceNotAvailable", Message: "m"}, "9", "9", false},
		{"429 keeps its Retry-After", "GET", &Error{Status: 429, Code: "activityLimitReached", Message: "m"}, "2", "2", false},
	} {
		w := httptest.NewRecorder()
		if tt.preset != "" {
			w.Header().Set("Retry-After", tt.preset)
		}
		WriteError(w, tt.method, ids, tt.e, now)
		body := string(tt.e.Body(now, "r-id", "c-id"))
		h := w.Header()
		for name, want := range map[string]string{
			"request-id": "r-id", "client-request-id": "c-id", "OData-Version": "4.0", "Cache-Control": "no-store",
			"Content-Type": JSONContentType, "Content-Length": strconv.Itoa(len(body)), "Retry-After": tt.wantRetry,
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", tt.desc, name, got, want)
			}
		}
		if tt.wantNoBody {
			body = ""
		}
		if w.Code != tt.e.Status || w.Body.String() != body {
			t.Errorf("%s: %d %s, want %d %s", tt.desc, w.Code, w.Body, tt.e.Status, body)
		}
	}
}
