package api

import (
	"testing"
)

// TestHead: HEAD is served wherever GET is, as GET without the body (RFC 9110 §9.3.2): the
// same status and headers, Content-Length included; it is a read, so Sites.Read.All may; on
// a path without GET it is a 405 like any other method.
func TestHead(t *testing.T) {
	h := server(t)
	expect(t, h, call{method: "POST", url: "/me/insights/used", body: insightAt("2020-01-01T00:00:00Z", "id", `"one"`)}, 201, "")
	reader := map[string]string{"Authorization": "Bearer " + token(t, map[string]any{"scp": "Sites.Read.All"})}
	for _, tt := range []struct {
		url    string
		status int
	}{
		{"/me/insights/used", 200},
		{"/v1.0/me/insights/used?$top=1&$select=id", 200},
		{"/me/insights/used/one", 200},
		{"/me/insights/used/$count", 200},
		{"/$metadata", 200},
		{"/me/insights/used/nope", 404},
		{"/me/insights/used?$top=0", 400},
	} {
		get := do(t, h, call{method: "GET", url: tt.url, header: reader})
		head := do(t, h, call{method: "HEAD", url: tt.url, header: reader})
		if get.Code != tt.status || head.Code != tt.status {
			t.Errorf("HEAD %s: %d, GET %d; want %d", tt.url, head.Code, get.Code, tt.status)
		}
		if head.Body.Len() != 0 {
			t.Errorf("HEAD %s: a body: %s", tt.url, head.Body)
		}
		for _, k := range []string{"Content-Type", "Content-Length", "OData-Version", "Cache-Control"} {
			if head.Header().Get(k) != get.Header().Get(k) {
				t.Errorf("HEAD %s: %s %q, GET has %q", tt.url, k, head.Header().Get(k), get.Header().Get(k))
			}
		}
	}
	for _, tt := range []struct{ url, allow string }{
		{"/me/insights/used/$ref", "POST, OPTIONS"},
		{"/$batch", "POST, OPTIONS"},
		{"/dev/token", "POST, OPTIONS"},
	} {
		w := do(t, h, call{method: "HEAD", url: tt.url})
		if w.Code != 405 || w.Header().Get("Allow") != tt.allow || w.Body.Len() != 0 {
			t.Errorf("HEAD %s: %d, Allow %q, body %q; want 405 with Allow %q", tt.url, w.Code, w.Header().Get("Allow"), w.Body, tt.allow)
		}
	}
	// Nothing a HEAD did created anything: a HEAD of the collection is never a create.
	if w := expect(t, h, call{method: "GET", url: "/me/insights/used/$count"}, 200, ""); w.Body.String() != "1" {
		t.Errorf("count %s", w.Body)
	}
}
