//go:build !js

package wrangler

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestTailReady(t *testing.T) {
	tl := &tail{ready: make(chan struct{})}
	tl.Write([]byte("starting\n⎔ Ready on ht"))
	select {
	case <-tl.ready:
		t.Fatal("ready before the whole line")
	default:
	}
	tl.Write([]byte("tp://127.0.0.1:8787\n"))
	select {
	case <-tl.ready:
	default:
		t.Fatal(`not ready after "Ready on http" split over two writes`)
	}
	tl.Write([]byte("Ready on http again\n")) // closes nothing twice
}

func TestTailKeepsTheEnd(t *testing.T) {
	tl := &tail{ready: make(chan struct{})}
	for i := 0; i < outputKept/100+10; i++ {
		tl.Write([]byte(strings.Repeat("x", 99) + "\n"))
	}
	tl.Write([]byte(strings.Repeat("y", 1000) + "\nlast\n"))
	s := tl.String()
	if !strings.HasPrefix(s, "[…]") || !strings.HasSuffix(s, "last\n") || len(s) > outputShown+10 {
		t.Errorf("String() = %d bytes %q…%q", len(s), s[:10], s[len(s)-10:])
	}
	if !strings.Contains(s, strings.Repeat("y", 300)+"…\n") || strings.Contains(s, strings.Repeat("y", 301)) {
		t.Error("a long line is not clipped to 300 bytes")
	}
}

// The Worker's own configuration is what the harnesses start.
func TestReadConfig(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	c, err := ReadConfig(filepath.Join(root, "worker", "wrangler.jsonc"))
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := c["main"].(string); !filepath.IsAbs(m) || !strings.HasPrefix(m, filepath.Join(root, "worker")) {
		t.Errorf("main = %q, want an absolute path under worker/", c["main"])
	}
	if a, _ := c["assets"].(map[string]any); a != nil {
		if d, _ := a["directory"].(string); !filepath.IsAbs(d) {
			t.Errorf("assets.directory = %q, want an absolute path", d)
		}
	}
	if _, ok := c["dev"]; ok {
		t.Error(`"dev" is kept`)
	}
}
