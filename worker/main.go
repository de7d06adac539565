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
	"strconv"
	"strings"
	"time"

	"github.com/syumai/workers/cloudflare"
	"github.com/usedinsight/usedinsight/internal/api"
	"github.com/usedinsight/usedinsight/internal/auth"
	"github.com/usedinsight/usedinsight/internal/kvstore"
	"github.com/usedinsight/usedinsight/internal/odata"
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
		return broken("the KV namespace binding " + binding + " is missing: " + binding + " is undefined")
	}
	// AUTH_SECRET signs HS256 tokens and, through a key derived from it (store.NewTokenKey),
	// page tokens: without it a client could forge a $skiptoken for its own list carrying a
	// garbage KV cursor, so it is required even when tokens come from AUTH_JWKS.
	secret := cloudflare.Getenv("AUTH_SECRET")
	if secret == "" {
		return broken("AUTH_SECRET is not set (wrangler secret put AUTH_SECRET); it signs tokens and page tokens")
	}
	v, err := auth.NewVerifier(auth.Config{
		Secret:   secret,
		JWKS:     cloudflare.Getenv("AUTH_JWKS"),
		Audience: cloudflare.Getenv("AUTH_AUDIENCE"),
		Issuer:   cloudflare.Getenv("AUTH_ISSUER"),
	})
	if err != nil {
		return broken("AUTH_JWKS is not a usable JSON Web Key Set: " + err.Error())
	}
	c := api.Config{Store: kvstore.New(hostKV{}, store.NewTokenKey(secret)), Verifier: v}
	if cloudflare.Getenv("DEV_TOKENS") == "1" {
		c.DevSecret = secret
	}
	for _, o := range strings.Split(cloudflare.Getenv("ALLOWED_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.AllowedOrigins = append(c.AllowedOrigins, o)
		}
	}
	if r := cloudflare.Getenv("RATE_LIMIT"); r != "" {
		c.RateLimit, err = strconv.ParseFloat(r, 64)
		if err != nil || c.RateLimit < 0 {
			return broken("RATE_LIMIT must be a number of requests per second per user")
		}
	}
	h, err := api.New(c)
	if err != nil {
		return broken(err.Error())
	}
	return h
}

// broken answers every request with a 500 that names the configuration problem.
func broken(problem string) http.Handler {
	log.Print("usedinsight: misconfigured: ", problem)
	e := &odata.Error{Status: http.StatusInternalServerError, Code: "generalException", Message: "The service is misconfigured: " + problem}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", api.JSONContentType)
		w.WriteHeader(e.Status)
		w.Write(e.Body(time.Now(), "", r.Header.Get("client-request-id")))
	})
}
