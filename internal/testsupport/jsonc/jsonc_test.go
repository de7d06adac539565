package jsonc

import (
	"encoding/json"
	"os"
	"testing"
)

func TestStrip(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"plain JSON", `{"a": [1, 2]}`, `{"a": [1, 2]}`},
		{"line comment", "{\n  // note\n  \"a\": 1 // after\n}", "{\n  \n  \"a\": 1 \n}"},
		{"block comment", `{/* x */"a": 1}`, `{ "a": 1}`},
		{"comment markers in strings", `{"u": "https://x/*y*/", "q": "a\"//b"}`, `{"u": "https://x/*y*/", "q": "a\"//b"}`},
		{"trailing commas", "{\"a\": [1, 2,\n], \"b\": 3,\n}", "{\"a\": [1, 2\n], \"b\": 3\n}"},
		{"comma in a string", `{"a": ", }"}`, `{"a": ", }"}`},
	} {
		if got := string(Strip([]byte(tt.in))); got != tt.want {
			t.Errorf("%s: Strip(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// The Worker's own configuration is what the harnesses read.
func TestStripWranglerConfig(t *testing.T) {
	src, err := os.ReadFile("../../../worker/wrangler.jsonc")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Main   string `json:"main"`
		Assets struct {
			Directory string `json:"directory"`
		} `json:"assets"`
	}
	if err := json.Unmarshal(Strip(src), &c); err != nil {
		t.Fatalf("worker/wrangler.jsonc: %v", err)
	}
	if c.Main == "" || c.Assets.Directory == "" {
		t.Errorf("worker/wrangler.jsonc read as %+v: main and assets.directory missing", c)
	}
}
