package hostproto

import (
	"net/http"
	"testing"
)

// respondOnly is Imports that only signals each response.
type respondOnly chan int32

func (c respondOnly) Respond(id, status int32, head, body []byte)           { c <- status }
func (respondOnly) KVGet(id, op int32, key string)                          {}
func (respondOnly) KVPut(id, op int32, key string, value []byte)            {}
func (respondOnly) KVDelete(id, op int32, key string)                       {}
func (respondOnly) KVList(id, op int32, prefix, cursor string, limit int32) {}

// BenchmarkRequest is one request through the host: decode a head of a browser's size, serve
// it with a handler that writes a small JSON answer, encode the response head.
func BenchmarkRequest(b *testing.B) {
	done := make(respondOnly, 1)
	h := New(done, func() App {
		return App{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hd := w.Header()
			hd.Set("Content-Type", "application/json")
			hd.Set("request-id", "00000000-0000-4000-8000-000000000000")
			w.Write([]byte(`{"value":[]}`))
		})}
	})
	head := "GET\nhttps://h.example/v1.0/me/insights/used?$top=5\naccept\napplication/json\naccept-encoding\ngzip, br\n" +
		"authorization\nBearer eyJhbGciOiJIUzI1NiJ9.e30.x\ncf-connecting-ip\n203.0.113.9\nclient-request-id\nabc\nuser-agent\nbench\n"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		send(h, int32(i+1), 1, head, nil)
		<-done
	}
}
