//go:build js && wasm && hostcrash

package main

// Only in test builds (-tags hostcrash; worker/hosttest makes one): paths that end the Go
// program the ways a bug would, so that worker/test/gohost.test.mjs can check how the entry
// recovers. Production builds have no such paths.

import (
	"net/http"
	"os"
)

func init() {
	wrap = func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/__crash/panic": // a panic on a goroutine of its own, which nothing recovers
				done := make(chan struct{})
				go func() { panic("hostcrash: panic outside any handler") }()
				<-done
			case "/__crash/exit":
				os.Exit(3)
			case "/__crash/handler": // a panic in the handler's goroutine: answered with a 500
				panic("hostcrash: panic in a handler")
			default:
				h.ServeHTTP(w, r)
			}
		})
	}
}
