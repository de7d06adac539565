package random

import (
	"bytes"
	"sync"
	"testing"
)

func TestReadNeverRepeats(t *testing.T) {
	// 16-byte reads across several refills: any repeat means bytes were handed out twice.
	seen := map[[16]byte]bool{}
	for range 3 * bufSize / 16 {
		var b [16]byte
		Read(b[:])
		if seen[b] {
			t.Fatalf("Read returned %x twice", b)
		}
		seen[b] = true
	}
}

func TestReadSizes(t *testing.T) {
	for _, n := range []int{0, 1, 6, 22, bufSize / 4, bufSize/4 + 1, bufSize, 3 * bufSize} {
		b := make([]byte, n)
		Read(b)
		if n >= 16 && bytes.Equal(b, make([]byte, n)) {
			t.Errorf("Read of %d bytes left them all zero", n)
		}
	}
}

func TestReadConcurrent(t *testing.T) {
	const goroutines, reads = 8, 500
	var mu sync.Mutex
	seen := map[[22]byte]bool{}
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range reads {
				var b [22]byte
				Read(b[:])
				mu.Lock()
				if seen[b] {
					t.Errorf("Read returned %x twice", b)
				}
				seen[b] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

func BenchmarkRead22(b *testing.B) {
	var id [22]byte
	for b.Loop() {
		Read(id[:])
	}
}
