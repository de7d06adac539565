//go:build js && wasm

package main

// The wasm boundary of the host adapter: the imports host.mjs provides (module "usedinsight"),
// the exports it calls, and the one Host they reach. internal/hostproto documents the protocol
// and does the work; entry.mjs and host.mjs are the JavaScript half.
//
// syumai/workers' own entry starts a new WebAssembly instance, and so a new Go runtime, for
// every request, and converts requests and responses through streams. Here one Go program
// serves every request of the isolate, many at once, and the hot path crosses between
// JavaScript and Go only through these plain wasm imports and exports over linear memory,
// never through syscall/js values. syscall/js stays for what is not per request: syumai/workers'
// cloudflare.Getenv reads the configuration from the env (JavaScript sets the global
// context.env to the env of the request it dispatches, and the handler for an env is built
// synchronously inside request), and Go's runtime glue (wasm_exec.js) is syumai/workers' copy.

import (
	"unsafe"

	"github.com/usedinsight/usedinsight/internal/hostproto"
)

//go:wasmimport usedinsight ready
func hostReady(maxBody int32)

//go:wasmimport usedinsight respond
func hostRespond(id, status int32, head string, body unsafe.Pointer, bodyLen int32)

//go:wasmimport usedinsight kv_get
func hostKVGet(id, op int32, key string)

//go:wasmimport usedinsight kv_put
func hostKVPut(id, op int32, key string, value unsafe.Pointer, n int32)

//go:wasmimport usedinsight kv_delete
func hostKVDelete(id, op int32, key string)

//go:wasmimport usedinsight kv_list
func hostKVList(id, op int32, prefix, cursor string, limit int32)

// host is the program's one Host, the only state the wasm exports share.
var host = hostproto.New(wasmImports{}, func() hostproto.App {
	a := newApp()
	return hostproto.App{Handler: a.handler, CountKV: a.countKV}
})

// hostKV is kvstore.KV over the KV binding of each request's env, through host.mjs.
type hostKV = hostproto.KV

// serve tells JavaScript that the exports are ready and keeps the program alive.
func serve() {
	hostReady(hostproto.MaxBody)
	select {}
}

// alloc returns the address of a new buffer of n bytes for JavaScript to write into.
//
//go:wasmexport alloc
func alloc(n int32) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(host.Alloc(n))) }

// request starts serving request id with the handler of env; the buffer holds its head and body.
//
//go:wasmexport request
func request(id, env, headLen, bodyLen int32) { host.Request(id, env, headLen, bodyLen) }

// settle ends KV operation op; the buffer holds its n bytes of result.
//
//go:wasmexport settle
func settle(op, status, n int32) { host.Settle(op, status, n) }

// wasmImports are hostproto.Imports over the wasm imports.
type wasmImports struct{}

func (wasmImports) Respond(id, status int32, head, body []byte) {
	bodyLen := int32(len(body))
	if body == nil {
		bodyLen = -1
	}
	hostRespond(id, status, unsafe.String(unsafe.SliceData(head), len(head)), unsafe.Pointer(unsafe.SliceData(body)), bodyLen)
}

func (wasmImports) KVGet(id, op int32, key string) { hostKVGet(id, op, key) }

func (wasmImports) KVPut(id, op int32, key string, value []byte) {
	hostKVPut(id, op, key, unsafe.Pointer(unsafe.SliceData(value)), int32(len(value)))
}

func (wasmImports) KVDelete(id, op int32, key string) { hostKVDelete(id, op, key) }

func (wasmImports) KVList(id, op int32, prefix, cursor string, limit int32) {
	hostKVList(id, op, prefix, cursor, limit)
}
