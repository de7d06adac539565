package hostproto

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/usedinsight/usedinsight/internal/odata"
)

func TestAppendHead(t *testing.T) {
	for _, h := range []http.Header{
		{},
		{"Content-Type": {"application/json"}},
		{"Set-Cookie": {"a=1", "b=2"}, "X-Empty": {""}, "request-id": {"r"}},
		{"X-Utf8": {"é€"}},
	} {
		head := appendHead([]byte("kept"), h)
		if !strings.HasPrefix(string(head), "kept") {
			t.Errorf("appendHead(%v) dropped what was in dst", h)
		}
		if got := parseHead(head[len("kept"):]); !reflect.DeepEqual(got, h) {
			t.Errorf("appendHead(%v) reads back as %v", h, got)
		}
	}
}

// graphError is the body of a Graph error.
type graphError struct {
	Error struct {
		Code, Message string
		InnerError    map[string]string
	}
}

var uuid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestServe(t *testing.T) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/created":
			w.Header().Set("Location", "/x/1")
			w.Header().Add("Vary", "a")
			w.Header().Add("Vary", "b")
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"id":`))
			w.Write([]byte(`1}`))
		case "/nothing":
		case "/no-content":
			w.WriteHeader(http.StatusNoContent)
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			w.Write(append([]byte(r.Method+" "), b...))
		case "/panic":
			w.Header().Set("X-Half", "written")
			w.Write([]byte("half"))
			panic("boom")
		}
	})
	const graphHeaders = "Cache-Control Client-Request-Id Content-Length Content-Type Odata-Version Request-Id"
	for _, tt := range []struct {
		desc       string
		head       string
		body       []byte
		countKV    bool
		wantStatus int32
		wantBody   string // "<none>": nil
		wantNames  string // the header names, sorted
		wantHeader http.Header
		wantError  string // the Graph error code, when the body is one
	}{
		{desc: "status, headers and body", head: "GET\n/created\n", wantStatus: 201, wantBody: `{"id":1}`,
			wantNames: "Location Vary", wantHeader: http.Header{"Vary": {"a", "b"}}},
		{desc: "nothing written", head: "GET\n/nothing\n", wantStatus: 200, wantBody: "<none>"},
		{desc: "no content", head: "DELETE\n/no-content\n", wantStatus: 204, wantBody: "<none>"},
		{desc: "the body reaches the handler", head: "POST\n/echo\n", body: []byte("abc"), wantStatus: 200, wantBody: "POST abc"},
		{desc: "an empty body", head: "POST\n/echo\n", body: []byte{}, wantStatus: 200, wantBody: "POST "},
		{desc: "KV counts", head: "GET\n/nothing\n", countKV: true, wantStatus: 200, wantBody: "<none>",
			wantNames: "Server-Timing", wantHeader: http.Header{"Server-Timing": {`kv;desc="0 get, 0 put, 0 list, 0 delete"`}}},
		{desc: "a panic in the handler: 500, and nothing of what it wrote", head: "GET\n/panic\nclient-request-id\nmine\n",
			wantStatus: 500, wantNames: graphHeaders, wantError: "generalException", wantHeader: http.Header{"Client-Request-Id": {"mine"}}},
		{desc: "a URL that does not parse: 400", head: "GET\nhttps://h/%zz\nclient-request-id\nmine\n",
			wantStatus: 400, wantNames: graphHeaders, wantError: "invalidRequest", wantHeader: http.Header{"Client-Request-Id": {"mine"}}},
		{desc: "a URL that does not parse, HEAD: no body", head: "HEAD\nhttps://h/%zz\n",
			wantStatus: 400, wantNames: graphHeaders, wantBody: "<none>"},
		{desc: "a malformed head: 500", head: "GET\n/x\nname-only\n",
			wantStatus: 500, wantNames: graphHeaders, wantError: "generalException"},
	} {
		h, f, _ := testHost(handler, tt.countKV)
		send(h, 42, 1, tt.head, tt.body)
		c := f.next(t)
		if c.kind != "respond" || c.id != 42 {
			t.Fatalf("%s: Go called %s for request %d, want respond for 42", tt.desc, c.kind, c.id)
		}
		if names := strings.Join(sortedKeys(c.head), " "); c.status != tt.wantStatus || names != tt.wantNames {
			t.Errorf("%s: %d with headers %s; want %d with %s", tt.desc, c.status, names, tt.wantStatus, tt.wantNames)
		}
		for k, v := range tt.wantHeader {
			if !reflect.DeepEqual(c.head[k], v) {
				t.Errorf("%s: %s %q, want %q", tt.desc, k, c.head[k], v)
			}
		}
		switch {
		case tt.wantError != "":
			var e graphError
			if err := json.Unmarshal(c.body, &e); err != nil || e.Error.Code != tt.wantError {
				t.Errorf("%s: body %s, want a Graph error %s", tt.desc, c.body, tt.wantError)
			}
			checkGraphHeaders(t, tt.desc, c.head, e)
		case tt.wantBody == "<none>" && c.body != nil, tt.wantBody != "<none>" && string(c.body) != tt.wantBody:
			t.Errorf("%s: body %q, want %q", tt.desc, c.body, tt.wantBody)
		}
	}
}

// checkGraphHeaders checks the headers every error response carries, and that the body names
// the same request.
func checkGraphHeaders(t *testing.T, desc string, h http.Header, e graphError) {
	t.Helper()
	rid, cid := h.Get("Request-Id"), h.Get("Client-Request-Id")
	if !uuid.MatchString(rid) || cid == "" || h.Get("Odata-Version") != "4.0" || h.Get("Cache-Control") != "no-store" || h.Get("Content-Type") != odata.JSONContentType {
		t.Errorf("%s: headers %v", desc, h)
	}
	if e.Error.InnerError["request-id"] != rid || e.Error.InnerError["client-request-id"] != cid {
		t.Errorf("%s: the body names %v, the headers %s and %s", desc, e.Error.InnerError, rid, cid)
	}
}

func TestAppPerEnv(t *testing.T) {
	h, f, built := testHost(http.NotFoundHandler(), false)
	for i, env := range []int32{1, 1, 2, 1, 3, 4, 5, 6, 7, 8, 9} {
		send(h, int32(i+1), env, "GET\n/\n", nil)
		f.next(t)
	}
	if *built != 9 { // 1 to 8 once each, then 9 clears the full table and builds its own
		t.Errorf("%d apps built, want 9", *built)
	}
	if len(h.apps) != 1 {
		t.Errorf("%d apps kept after the table filled, want 1", len(h.apps))
	}
}

func TestWorkersAreReused(t *testing.T) {
	h, f, _ := testHost(http.NotFoundHandler(), false)
	for i := range 100 {
		send(h, int32(i+1), 1, "GET\n/\n", nil)
		f.next(t)
	}
	if n := h.idle.Load(); n < 0 || n > maxIdle {
		t.Errorf("%d idle workers, want 0 to %d", n, maxIdle)
	}
}
