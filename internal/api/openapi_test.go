package api

import (
	"bytes"
	"testing"

	"github.com/usedinsight/usedinsight/internal/openapi"
)

// TestOpenAPI: /openapi.json under every version prefix, without a token, cacheable; HEAD
// without the body; other methods a 405.
func TestOpenAPI(t *testing.T) {
	h := server(t)
	noToken := map[string]string{"Authorization": ""}
	for _, prefix := range []string{"", "/v1.0", "/beta", "/localtest"} {
		w := expect(t, h, call{method: "GET", url: prefix + "/openapi.json", header: noToken}, 200, "")
		if !bytes.Equal(w.Body.Bytes(), openapi.Document) {
			t.Errorf("GET %s/openapi.json: not the document", prefix)
		}
		if ct, cc := w.Header().Get("Content-Type"), w.Header().Get("Cache-Control"); ct != "application/json" || cc != "public, max-age=3600" {
			t.Errorf("GET %s/openapi.json: Content-Type %q, Cache-Control %q", prefix, ct, cc)
		}
		head := expect(t, h, call{method: "HEAD", url: prefix + "/openapi.json", header: noToken}, 200, "")
		if head.Body.Len() != 0 || head.Header().Get("Content-Length") != w.Header().Get("Content-Length") {
			t.Errorf("HEAD %s/openapi.json: body %d bytes, Content-Length %q", prefix, head.Body.Len(), head.Header().Get("Content-Length"))
		}
	}
	w := expect(t, h, call{method: "POST", url: "/openapi.json", body: "{}"}, 405, "notAllowed")
	if w.Header().Get("Allow") != "GET, OPTIONS" {
		t.Errorf("Allow %q", w.Header().Get("Allow"))
	}
}

// TestOpenAPILimits: the limits the document states are the ones the API enforces.
func TestOpenAPILimits(t *testing.T) {
	if openapi.MaxUserLen != MaxUserLen || openapi.MaxBatchRequests != MaxBatchRequests {
		t.Errorf("openapi states {user} at most %d and $batch at most %d; the API has %d and %d",
			openapi.MaxUserLen, openapi.MaxBatchRequests, MaxUserLen, MaxBatchRequests)
	}
}
