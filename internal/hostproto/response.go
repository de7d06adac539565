package hostproto

import (
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/usedinsight/usedinsight/internal/httprec"
)

// response is the http.ResponseWriter of one request, with the buffer its head is encoded
// into; both are reused.
type response struct {
	httprec.Recorder
	head []byte
}

// send hands w's response to JavaScript, which copies it during the call.
func (req *request) send(w *response) {
	if req.countKV {
		w.Header().Set("Server-Timing", `kv;desc="`+req.kv.String()+`"`)
	}
	w.head = appendHead(w.head[:0], w.Header())
	body := w.Body()
	if len(body) == 0 {
		body = nil
	}
	req.host.imports.Respond(req.id, int32(w.Status()), w.head, body)
}

// appendHead appends the protocol's encoding of h to dst: each name and each value ending in
// "\n", a name once per value.
func appendHead(dst []byte, h http.Header) []byte {
	for k, vs := range h {
		for _, v := range vs {
			dst = append(dst, k...)
			dst = append(dst, '\n')
			dst = append(dst, v...)
			dst = append(dst, '\n')
		}
	}
	return dst
}

// kvCounts counts a request's KV operations, which may run in parallel.
type kvCounts struct{ gets, puts, lists, deletes atomic.Int32 }

func (c *kvCounts) String() string {
	return strconv.Itoa(int(c.gets.Load())) + " get, " + strconv.Itoa(int(c.puts.Load())) + " put, " +
		strconv.Itoa(int(c.lists.Load())) + " list, " + strconv.Itoa(int(c.deletes.Load())) + " delete"
}
