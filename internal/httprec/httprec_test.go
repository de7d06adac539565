package httprec

import (
	"net/http"
	"testing"
)

func TestRecorder(t *testing.T) {
	for _, tt := range []struct {
		desc       string
		handler    func(w http.ResponseWriter)
		wantStatus int
		wantBody   string
		wantHeader string // of X
	}{
		{"nothing written", func(http.ResponseWriter) {}, 200, "", ""},
		{"status only", func(w http.ResponseWriter) { w.WriteHeader(204) }, 204, "", ""},
		{"first status counts", func(w http.ResponseWriter) { w.WriteHeader(404); w.WriteHeader(500) }, 404, "", ""},
		{"write implies 200", func(w http.ResponseWriter) { w.Write([]byte("a")); w.WriteHeader(500) }, 200, "a", ""},
		{"writes append", func(w http.ResponseWriter) {
			w.Header().Set("X", "1")
			w.WriteHeader(201)
			w.Write([]byte("ab"))
			w.Write([]byte("cd"))
		}, 201, "abcd", "1"},
	} {
		var r Recorder
		for round := 0; round < 2; round++ { // a Reset recorder records like a new one
			tt.handler(&r)
			if r.Status() != tt.wantStatus || string(r.Body()) != tt.wantBody || r.Header().Get("X") != tt.wantHeader {
				t.Errorf("%s (round %d): status %d, body %q, X %q; want %d, %q, %q", tt.desc, round, r.Status(), r.Body(), r.Header().Get("X"), tt.wantStatus, tt.wantBody, tt.wantHeader)
			}
			r.Header().Set("X", "stale")
			r.Write([]byte("stale"))
			r.Reset()
		}
	}
}

func TestResetKeepsMemory(t *testing.T) {
	var r Recorder
	r.Header().Set("A", "1")
	r.Write(make([]byte, 1000))
	r.Reset()
	if n := testing.AllocsPerRun(100, func() {
		r.Header().Set("A", "1")
		r.Write(make([]byte, 1000))
		r.Reset()
	}); n > 1 { // the header value's slice
		t.Errorf("a reused Recorder allocates %v times per response", n)
	}
}
