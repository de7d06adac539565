//go:build js && wasm && benchfloor

package main

// Only in the floor build of `make bench-worker` (-tags benchfloor; worker/bench builds it):
// POST /me/insights/used does the create peer's KV work and nothing else: no token check, no
// validation, no record building. It measures what the Go runtime and the host adapter cost
// a create on their own, the floor under the Go Worker. Production builds have no such path.

import (
	"encoding/hex"
	"io"
	"net/http"
	"strings"

	"github.com/usedinsight/usedinsight/internal/random"
)

func init() {
	wrap = func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.URL.Path != "/me/insights/used" {
				h.ServeHTTP(w, r)
				return
			}
			floorCreate(w, r)
		})
	}
}

// floorCreate: the body read, an id, a get of the primary key, four index keys put at once,
// the primary put, a 201 with the body and Location; keys of the store's shape and length, and
// values too: with empty index values a create cost local KV about 9% less CPU.
func floorCreate(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var b [11]byte
	random.Read(b[:])
	id := hex.EncodeToString(b[:])
	ctx, kv := r.Context(), hostKV{}
	const user = "u/AAAAAAAAAAAAAAAAAAAAAA/"
	primary := user + "p/" + id + strings.Repeat("x", 20)
	if _, _, err := kv.Get(ctx, primary); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	tail := "/" + id + "!nonce1" + strings.Repeat("x", 33)
	index := []string{user + "ad/" + id[:16] + tail, user + "aa/" + id[:16] + tail, user + "md/" + id[:16] + tail, user + "ma/" + id[:16] + tail}
	if err := kv.PutAll(ctx, index, []byte("1")); err != nil { // the store's index value, and the peer's
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if err := kv.Put(ctx, primary, append([]byte("nonce1\n"), body...)); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Location", "http://"+r.Host+"/me/insights/used/"+id)
	w.WriteHeader(http.StatusCreated)
	w.Write(body)
}
