//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"syscall/js"
	"time"

	"github.com/usedinsight/usedinsight/internal/auth"
)

// fetchKeys gets an identity provider's key set or discovery document with the Workers
// runtime's own fetch. (net/http's client would do the same through its js/wasm transport, but
// linking that transport adds about 4.5 MB to the Worker's module, and the module's size is
// what an isolate's first request waits for.) Like auth.HTTPFetcher it accepts only 200
// answers of at most auth.MaxKeysBody bytes, reads max-age from Cache-Control and gives up
// after auth.FetchTimeout.
func fetchKeys(ctx context.Context, url string) ([]byte, time.Duration, error) {
	type result struct {
		body   []byte
		maxAge time.Duration
		err    error
	}
	done := make(chan result, 2)
	fail := func(format string, args ...any) { done <- result{err: fmt.Errorf("GET "+url+": "+format, args...)} }
	var maxAge time.Duration
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		fail("%s", args[0].Call("toString").String())
		return nil
	})
	onBody := js.FuncOf(func(_ js.Value, args []js.Value) any {
		b := js.Global().Get("Uint8Array").New(args[0])
		if n := b.Length(); n > auth.MaxKeysBody {
			fail("body of %d bytes, larger than %d", n, auth.MaxKeysBody)
			return nil
		}
		body := make([]byte, b.Length())
		js.CopyBytesToGo(body, b)
		done <- result{body: body, maxAge: maxAge}
		return nil
	})
	onResponse := js.FuncOf(func(_ js.Value, args []js.Value) any {
		r := args[0]
		if status := r.Get("status").Int(); status != 200 {
			fail("status %d", status)
			return nil
		}
		if cc := r.Get("headers").Call("get", "Cache-Control"); cc.Type() == js.TypeString {
			maxAge = auth.MaxAge(cc.String())
		}
		r.Call("arrayBuffer").Call("then", onBody, onError)
		return nil
	})
	// Called on the real globalThis: workerd refuses a fetch whose this is anything else, and
	// js.Global() is syumai/workers' Proxy of it.
	global := js.Global().Get("globalThis")
	abort := global.Get("AbortController").New()
	init := map[string]any{"headers": map[string]any{"Accept": "application/json"}, "signal": abort.Get("signal")}
	global.Call("fetch", url, init).Call("then", onResponse, onError)

	ctx, cancel := context.WithTimeout(ctx, auth.FetchTimeout)
	defer cancel()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		abort.Call("abort")
		<-done // the promise settles (rejected) before its callbacks are released
		r = result{err: fmt.Errorf("GET %s: %w", url, ctx.Err())}
	}
	onError.Release()
	onBody.Release()
	onResponse.Release()
	return r.body, r.maxAge, r.err
}
