//go:build js && wasm

// Command worker is the usedinsight Cloudflare Worker: the API of internal/api over Workers KV.
// Its configuration comes from the Worker's environment (wrangler.jsonc, secrets, .dev.vars).
//
// One Go program serves every request of an isolate: entry.mjs and host.mjs start it once and
// hand it each request (host.go is the Go half of that adapter).
package main

import (
	"log"
	"net/http"

	"github.com/syumai/workers/cloudflare"
	"github.com/usedinsight/usedinsight/internal/api"
	"github.com/usedinsight/usedinsight/internal/auth"
	"github.com/usedinsight/usedinsight/internal/config"
	"github.com/usedinsight/usedinsight/internal/kvstore"
	"github.com/usedinsight/usedinsight/internal/store"
)

// binding is the KV namespace binding named in wrangler.jsonc (host.mjs uses the same name).
const binding = "INSIGHTS"

// main does nothing heavy: the handler is built on the first request, from its env.
func main() { serve() }

// app is what serves the requests of one env.
type app struct {
	handler http.Handler
	// countKV adds the KV operations of each request to its response, in a Server-Timing
	// header, for `make bench-worker` (KV_OP_COUNTS=1).
	countKV bool
}

// newApp builds the API from the environment, or a handler that explains what is missing. It
// reads the env that the request being dispatched brought (see host.go).
func newApp() *app {
	a := &app{countKV: cloudflare.Getenv("KV_OP_COUNTS") == "1"}
	a.handler = wrap(handler())
	return a
}

// wrap is the identity, except in test builds (crashhook.go).
var wrap = func(h http.Handler) http.Handler { return h }

func handler() http.Handler {
	if cloudflare.GetBinding(binding).IsUndefined() {
		return api.Misconfigured("the KV namespace binding " + binding + " is missing: " + binding + " is undefined")
	}
	// internal/config decides what the settings mean; here only where they come from.
	s, err := config.FromEnv(cloudflare.Getenv, func(c *auth.Config) { c.Logf, c.NoWait, c.Fetch = log.Printf, true, fetchKeys })
	if err != nil {
		return api.Misconfigured(config.ErrorMessage(err))
	}
	s.API.Store = kvstore.New(hostKV{}, store.NewTokenKey(s.Secret))
	h, err := api.New(s.API)
	if err != nil {
		return api.Misconfigured(err.Error())
	}
	return h
}
