package hostproto

import (
	"errors"
	"io"
	"net/http"
	"reflect"
	"testing"
)

func TestDecode(t *testing.T) {
	for _, tt := range []struct {
		desc     string
		buf      string // head then body
		headLen  int    // -1: all of buf
		bodyLen  int32
		wantErr  error // errTruncated, errHead or errURL (any other error)
		method   string
		url      string
		header   http.Header
		body     string // "<none>": http.NoBody
		length   int64  // ContentLength
		remote   string // RemoteAddr
		reqOnErr bool   // a request with method and header comes with the error
	}{
		{desc: "no headers, no body", buf: "GET\nhttps://h.example/v1.0/me/insights/used\n", headLen: -1, bodyLen: -1,
			method: "GET", url: "https://h.example/v1.0/me/insights/used", header: http.Header{}, body: "<none>"},
		{desc: "names canonical, values as sent, repeated names in order",
			buf: "GET\n/x\ncontent-type\napplication/json\nx-a\n1\nx-a\n2\nclient-request-id\né\n", headLen: -1, bodyLen: -1,
			method: "GET", url: "/x", header: http.Header{"Content-Type": {"application/json"}, "X-A": {"1", "2"}, "Client-Request-Id": {"é"}}, body: "<none>"},
		{desc: "an empty value", buf: "GET\n/x\nx-empty\n\n", headLen: -1, bodyLen: -1,
			method: "GET", url: "/x", header: http.Header{"X-Empty": {""}}, body: "<none>"},
		{desc: "remote address from Cloudflare", buf: "GET\n/x\ncf-connecting-ip\n203.0.113.9\n", headLen: -1, bodyLen: -1,
			method: "GET", url: "/x", header: http.Header{"Cf-Connecting-Ip": {"203.0.113.9"}}, body: "<none>", remote: "203.0.113.9"},
		{desc: "an empty body", buf: "POST\n/x\n", headLen: -1, bodyLen: 0,
			method: "POST", url: "/x", header: http.Header{}, body: "", length: -1},
		{desc: "a body with Content-Length", buf: "POST\n/x\ncontent-length\n3\nabc", headLen: len("POST\n/x\ncontent-length\n3\n"), bodyLen: 3,
			method: "POST", url: "/x", header: http.Header{"Content-Length": {"3"}}, body: "abc", length: 3},
		{desc: "a body with a Content-Length that is not a number", buf: "POST\n/x\ncontent-length\nx\nabc", headLen: len("POST\n/x\ncontent-length\nx\n"), bodyLen: 3,
			method: "POST", url: "/x", header: http.Header{"Content-Length": {"x"}}, body: "abc", length: -1},
		{desc: "a body shorter than the buffer", buf: "PUT\n/x\nabcdef", headLen: len("PUT\n/x\n"), bodyLen: 2,
			method: "PUT", url: "/x", header: http.Header{}, body: "ab", length: -1},

		{desc: "no buffer", buf: "", headLen: 0, bodyLen: -1, wantErr: errTruncated},
		{desc: "head longer than the buffer", buf: "GET\n/x\n", headLen: 99, bodyLen: -1, wantErr: errTruncated},
		{desc: "body longer than the buffer", buf: "POST\n/x\nab", headLen: len("POST\n/x\n"), bodyLen: 3, wantErr: errTruncated},
		{desc: "method only", buf: "GET", headLen: -1, bodyLen: -1, wantErr: errHead},
		{desc: "URL without its newline", buf: "GET\n/x", headLen: -1, bodyLen: -1, wantErr: errHead},
		{desc: "empty method", buf: "\n/x\n", headLen: -1, bodyLen: -1, wantErr: errHead},
		{desc: "a name without a value", buf: "GET\n/x\nx-a\n", headLen: -1, bodyLen: -1, wantErr: errHead},
		{desc: "a value without its newline", buf: "GET\n/x\nx-a\n1\nx-b\n2", headLen: -1, bodyLen: -1, wantErr: errHead},
		{desc: "a URL Go cannot parse", buf: "GET\nhttps://h.example/%zz\nclient-request-id\nabc\n", headLen: -1, bodyLen: -1,
			wantErr: errURL, method: "GET", header: http.Header{"Client-Request-Id": {"abc"}}, reqOnErr: true},
	} {
		h, _, _ := testHost(nil, false)
		var buf []byte
		if tt.buf != "" {
			buf = []byte(tt.buf)
		}
		headLen := int32(tt.headLen)
		if tt.headLen < 0 {
			headLen = int32(len(tt.buf))
		}
		req := &request{id: 7, host: h}
		r, err := h.decode(req, buf, headLen, tt.bodyLen)
		switch {
		case tt.wantErr == nil && err != nil:
			t.Errorf("%s: %v", tt.desc, err)
			continue
		case tt.wantErr == errURL && (err == nil || err == errHead || err == errTruncated),
			tt.wantErr != nil && tt.wantErr != errURL && !errors.Is(err, tt.wantErr):
			t.Errorf("%s: error %v, want %v", tt.desc, err, tt.wantErr)
			continue
		case tt.wantErr != nil:
			if (r != nil) != tt.reqOnErr || r != nil && (r.Method != tt.method || !reflect.DeepEqual(r.Header, tt.header)) {
				t.Errorf("%s: with the error, request %+v", tt.desc, r)
			}
			continue
		}
		if r.Method != tt.method || r.URL.String() != tt.url || !reflect.DeepEqual(r.Header, tt.header) || r.RemoteAddr != tt.remote {
			t.Errorf("%s: %s %s %v from %q; want %s %s %v from %q", tt.desc, r.Method, r.URL, r.Header, r.RemoteAddr, tt.method, tt.url, tt.header, tt.remote)
		}
		if requestOf(r.Context()) != req {
			t.Errorf("%s: the request's context does not carry its state", tt.desc)
		}
		if tt.body == "<none>" {
			if r.Body != http.NoBody {
				t.Errorf("%s: body %v, want http.NoBody", tt.desc, r.Body)
			}
			continue
		}
		b, err := io.ReadAll(r.Body)
		if err != nil || string(b) != tt.body || r.ContentLength != tt.length || r.Body.Close() != nil {
			t.Errorf("%s: body %q (%v), length %d; want %q, %d", tt.desc, b, err, r.ContentLength, tt.body, tt.length)
		}
	}
}

// errURL stands for the error of a URL that does not parse.
var errURL = errors.New("a URL error")

func TestCanonicalNamesBounded(t *testing.T) {
	h, _, _ := testHost(nil, false)
	for i := range 300 {
		h.canonicalName("x-name-" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
	}
	if len(h.names) != 256 {
		t.Errorf("%d names remembered, want 256", len(h.names))
	}
	if got := h.canonicalName("x-not-remembered"); got != "X-Not-Remembered" {
		t.Errorf("canonicalName beyond the bound = %q", got)
	}
}

func TestAllocTake(t *testing.T) {
	h, _, _ := testHost(nil, false)
	if b := h.Alloc(0); b == nil || len(b) != 0 {
		t.Errorf("Alloc(0) = %v, want an empty buffer with an address", b)
	}
	if b := h.take(0); b == nil || len(b) != 0 {
		t.Errorf("take(0) after Alloc(0) = %v", b)
	}
	if b := h.take(0); b != nil {
		t.Errorf("a second take = %v, want nil: a buffer is taken once", b)
	}
	h.Alloc(4)
	if b := h.take(5); b != nil {
		t.Errorf("take(5) of 4 bytes = %v, want nil", b)
	}
	h.Alloc(4)
	if b := h.take(-1); b != nil {
		t.Errorf("take(-1) = %v, want nil", b)
	}
	h.Alloc(4)
	if b := h.take(3); len(b) != 3 || cap(b) != 3 {
		t.Errorf("take(3) of 4 = len %d cap %d, want 3 and 3", len(b), cap(b))
	}
}
