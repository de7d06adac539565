//go:build !js

package snippet

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// received is what the test server saw.
type received struct {
	method, path string
	query        url.Values
	header       http.Header
	body         string
}

// recorder starts a server that records the one request it expects.
func recorder(t *testing.T) (*httptest.Server, <-chan received) {
	ch := make(chan received, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading body: %v", err)
		}
		select {
		case ch <- received{r.Method, r.URL.Path, r.URL.Query(), r.Header, string(body)}:
		default:
			t.Errorf("unexpected second request %s %s", r.Method, r.URL)
		}
		io.WriteString(w, "recorded\n")
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

// need skips the test when a program is not installed.
func need(t *testing.T, program string) string {
	path, err := exec.LookPath(program)
	if err != nil {
		t.Skipf("%s not installed: %v", program, err)
	}
	return path
}

// TestRunSnippets runs the curl, fetch and Go snippets for a hostile request
// and checks that the server got it byte for byte.
func TestRunSnippets(t *testing.T) {
	tests := []struct {
		lang string
		argv func(t *testing.T, dir, code string) []string // command to run code
	}{
		{"curl", func(t *testing.T, dir, code string) []string {
			need(t, "curl")
			return []string{need(t, "sh"), "-c", code}
		}},
		{"fetch", func(t *testing.T, dir, code string) []string {
			writeFile(t, filepath.Join(dir, "snippet.mjs"), code)
			return []string{need(t, "node"), "snippet.mjs"}
		}},
		{"go", func(t *testing.T, dir, code string) []string {
			writeFile(t, filepath.Join(dir, "main.go"), code)
			return []string{need(t, "go"), "run", "main.go"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			srv, got := recorder(t)
			r := hostile(srv.URL)
			code, err := Generate(tt.lang, r)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			argv := tt.argv(t, dir, code)
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "recorded") {
				t.Fatalf("%q: %v\noutput:\n%s\nsnippet:\n%s", argv, err, out, code)
			}
			checkReceived(t, <-got, r)
		})
	}
}

// checkReceived compares what the server got with r. Repeated headers are
// compared joined with ", ", since fetch joins them.
func checkReceived(t *testing.T, got received, r Request) {
	t.Helper()
	want, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got.method != r.Method {
		t.Errorf("method = %q, want %q", got.method, r.Method)
	}
	if got.path != want.Path {
		t.Errorf("path = %q, want %q", got.path, want.Path)
	}
	if !reflect.DeepEqual(got.query, want.Query()) {
		t.Errorf("query = %v, want %v", got.query, want.Query())
	}
	for _, h := range mergeHeaders(r.Headers) {
		if v := strings.Join(got.header.Values(h[0]), ", "); v != h[1] {
			t.Errorf("header %s = %q, want %q", h[0], v, h[1])
		}
	}
	if got.body != r.Body {
		t.Errorf("body = %q, want %q", got.body, r.Body)
	}
}

func writeFile(t *testing.T, name, content string) {
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hostileStrings are the values the shell quoting must pass through intact.
var hostileStrings = []string{
	"", "'", "''", `\'`, `'\''`, `"`, `\`, "`id`", "$HOME", "${HOME}", "$(id)",
	"a\nb\r\n", "\t", "!!", "~", "*", "; echo pwned", "é 😀 ‘’", "-n", "%s %%",
	hostileBody, hostileHeader,
}

// TestWriteShRoundTrip has sh print each quoted string back.
func TestWriteShRoundTrip(t *testing.T) {
	sh := need(t, "sh")
	for _, s := range hostileStrings {
		var b strings.Builder
		b.WriteString("printf %s ")
		writeSh(&b, s)
		out, err := exec.Command(sh, "-c", b.String()).Output()
		if err != nil || string(out) != s {
			t.Errorf("sh -c %q printed %q (%v), want %q", b.String(), out, err, s)
		}
	}
}

// TestHTTPieArgs runs the httpie snippet with a stand-in http function that
// prints its arguments, and checks them against HTTPie's documented syntax.
func TestHTTPieArgs(t *testing.T) {
	sh := need(t, "sh")
	r := hostile("http://h")
	r.Headers = append(r.Headers, [2]string{"X-Empty", ""}, [2]string{"X-Eq", "=@x"})
	code, err := Generate("httpie", r)
	if err != nil {
		t.Fatal(err)
	}
	script := "http() { for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }\n" + code
	out, err := exec.Command(sh, "-c", script).Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, code)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	want := []string{
		"PATCH",
		r.URL,
		"Authorization:Bearer xyz",
		"Content-Type:application/json; charset=utf-8",
		"X-Hostile:" + hostileHeader,
		"X-Multi:one",
		"x-multi:two",
		"X-Empty;",
		`X-Eq:\=@x`,
		"--raw=" + hostileBody,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("http got arguments\n%q\nwant\n%q", got, want)
	}
}
