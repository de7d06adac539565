// Package random reads cryptographically secure random bytes for ids and nonces, through a
// buffer that crypto/rand refills.
//
// Under WebAssembly in JavaScript, each crypto/rand.Read is a call into the host's
// crypto.getRandomValues through syscall/js; a create needs three small reads (the record's
// id, the store's nonce, the response's request-id), and buffering turns them into one refill
// every few hundred requests.
package random

import (
	"crypto/rand"
	"sync"
)

// bufSize is how many bytes one refill reads.
const bufSize = 4096

var (
	mu  sync.Mutex
	buf [bufSize]byte
	off = bufSize // bytes of buf already handed out
)

// Read fills b with random bytes from crypto/rand. Each byte is handed out once.
func Read(b []byte) {
	if len(b) > bufSize/4 {
		rand.Read(b)
		return
	}
	mu.Lock()
	defer mu.Unlock()
	if off+len(b) > bufSize {
		rand.Read(buf[:])
		off = 0
	}
	n := copy(b, buf[off:])
	clear(buf[off : off+n]) // handed out: nothing of it stays behind
	off += n
}
