//go:build e2e

// Package e2e drives the usedinsight Worker end to end: each test talks HTTP to a real
// `wrangler dev` (workerd with local KV) on 127.0.0.1, the way a client would.
//
// Run it with `make test-e2e`, which builds the Worker (worker/build), the browser module
// (web/insight.wasm) and installs wrangler first. The suite never reads a developer's
// worker/.dev.vars or worker/.wrangler: every instance runs from a temporary copy of
// worker/wrangler.jsonc with its own .dev.vars (random AUTH_SECRET) and its own --persist-to,
// and serves a snapshot of worker/build and web/ taken when the test binary starts (wrangler
// dev reloads when the files it serves change, and others may rebuild them meanwhile).
//
// One wrangler dev, started by the first test that needs it, serves most tests, each as users
// of its own; tests that need another configuration or a restart start their own. Every
// wrangler dev is started by internal/testsupport/wrangler (as the Worker benchmark's are) in
// its own process group, which is killed when its test ends, when the test binary ends or is
// interrupted, and shortly before go test's -timeout.
package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/usedinsight/usedinsight/internal/testsupport/wrangler"
)

const (
	readyTimeout   = 60 * time.Second // how long a wrangler dev may take to serve
	stopGrace      = 10 * time.Second // SIGTERM to SIGKILL
	requestTimeout = 30 * time.Second // one HTTP exchange
	allowedOrigin  = "https://app.example"
)

var (
	// root is the repository root.
	root string
	// shared is the wrangler dev most tests use, started by the first of them (sharedWorker).
	shared     *worker
	sharedErr  error
	sharedOnce sync.Once
	// sharedReported is set once a test has shown why the shared wrangler dev did not start.
	sharedReported atomic.Bool
	// snapshot holds copies of the Worker build and the static assets, taken once, so that
	// someone rebuilding worker/build or web/ meanwhile (wrangler dev watches them and reloads)
	// does not change what the suite tests; config is the wrangler configuration that uses them.
	snapshot string
	config   []byte
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if root, err = wrangler.Root(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if err := prerequisites(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if snapshot, err = os.MkdirTemp("", "usedinsight-e2e-snapshot-"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(snapshot)
	if config, err = snapshotConfig(snapshot); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	stopAllOnSignal()
	stopAllBeforeTimeout()
	defer wrangler.Shutdown()

	code := m.Run()
	if shared != nil {
		if err := shared.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: stopping the shared wrangler dev:", err)
			code = 1
		}
		if code != 0 {
			fmt.Fprintf(os.Stderr, "e2e: output of the shared wrangler dev (%s):\n%s\n", shared.base, shared.output())
		}
	}
	return code
}

// sharedWorker returns the wrangler dev that most tests share (DEV_TOKENS=1, ALLOWED_ORIGINS
// set), starting it on first use; TestMain stops it. Tests on it use users of their own.
func sharedWorker(t testing.TB) *worker {
	t.Helper()
	sharedOnce.Do(func() {
		start := time.Now()
		shared, sharedErr = startWorker(options{vars: map[string]string{"DEV_TOKENS": "1", "ALLOWED_ORIGINS": allowedOrigin}})
		if sharedErr == nil && testing.Verbose() {
			fmt.Fprintf(os.Stderr, "e2e: shared wrangler dev at %s ready in %v\n", shared.base, time.Since(start).Round(time.Millisecond))
		}
	})
	if sharedErr != nil {
		if sharedReported.Swap(true) {
			t.Fatal("the shared wrangler dev did not start (output shown by the first test that needed it)")
		}
		t.Fatal("the shared wrangler dev did not start: ", sharedErr)
	}
	return shared
}

// prerequisites fails clearly when what `make test-e2e` builds is not there.
func prerequisites() error {
	for _, p := range []struct{ path, what string }{
		{filepath.Join(root, "worker", "build", "app.wasm"), "the Worker build"},
		{filepath.Join(root, "worker", "build", "worker.mjs"), "the Worker's JavaScript entry"},
		{filepath.Join(root, "worker", "node_modules", ".bin", "wrangler"), "wrangler"},
	} {
		if _, err := os.Stat(p.path); err != nil {
			return fmt.Errorf("%s (%s) is missing: run `make test-e2e`, which builds and installs what these tests need", p.what, p.path)
		}
	}
	// A stale build tests old code: say so (make test-e2e rebuilds it). The sources are those of
	// the packages the Worker is built from, as go list names them.
	built, _ := os.Stat(filepath.Join(root, "worker", "build", "app.wasm"))
	var newest string
	var newestTime time.Time
	list := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{range .GoFiles}}{{$.Dir}}/{{.}}\n{{end}}{{end}}", "./worker")
	list.Dir, list.Env = root, append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, _ := list.Output()
	for _, p := range strings.Fields(string(out)) {
		if fi, err := os.Stat(p); err == nil && strings.HasPrefix(p, root) && fi.ModTime().After(newestTime) {
			newest, newestTime = p, fi.ModTime()
		}
	}
	if newestTime.After(built.ModTime()) {
		fmt.Fprintf(os.Stderr, "e2e: warning: %s is newer than worker/build/app.wasm; run `make test-e2e` to test the current code\n", newest)
	}
	return nil
}

// options configure one wrangler dev.
type options struct {
	vars    map[string]string // the .dev.vars, besides AUTH_SECRET
	secret  string            // AUTH_SECRET; random when empty
	persist string            // --persist-to; a new temporary directory when empty
	// claims are added to every token its sign issues (readiness checks included) unless the
	// token sets them: aud and iss for an instance with AUTH_AUDIENCE and AUTH_ISSUER.
	claims map[string]any
	// ready, when set, is the token of the readiness check instead of one sign issues: for an
	// instance that takes an identity provider's tokens, and so no HS256 ones.
	ready func() string
	// readyStatus is the status of a ready instance's answer to that token; 200 when 0.
	readyStatus int
}

// worker is one running `wrangler dev` and what its tests need to talk to it.
type worker struct {
	srv         *wrangler.Server
	base        string         // http://127.0.0.1:<port>
	secret      string         // its AUTH_SECRET
	claims      map[string]any // added to the tokens of sign (options.claims)
	ready       func() string  // options.ready
	readyStatus int            // options.readyStatus
}

// startWorker starts a wrangler dev on the snapshot and waits until it serves the API.
func startWorker(o options) (*worker, error) {
	w := &worker{secret: o.secret, claims: o.claims, ready: o.ready, readyStatus: o.readyStatus}
	if w.secret == "" {
		w.secret = randomHex(32)
	}
	vars := map[string]string{"AUTH_SECRET": w.secret}
	for k, v := range o.vars {
		vars[k] = v
	}
	var err error
	w.srv, err = wrangler.Start(wrangler.Options{Name: "e2e", Config: config, Vars: vars, Persist: o.persist,
		ReadyTimeout: readyTimeout, StopGrace: stopGrace})
	if err != nil {
		return nil, err
	}
	w.base = w.srv.Base
	if err := w.waitReady(); err != nil {
		w.stop()
		return nil, fmt.Errorf("%w\nwrangler output:\n%s", err, w.output())
	}
	return w, nil
}

// stop ends the wrangler dev (wrangler.Server.Stop).
func (w *worker) stop() error { return w.srv.Stop() }

// output is what wrangler dev printed (wrangler.Server.Output).
func (w *worker) output() string { return w.srv.Output() }

// waitReady polls until the Worker answers an authenticated API request with 200: that is
// the Worker with this instance's secret, with its KV binding working.
func (w *worker) waitReady() error {
	var tok string
	if w.ready != nil {
		tok = w.ready()
	} else {
		tok = w.sign(map[string]any{"sub": "e2e-readiness", "scp": "Sites.Read.All"}, time.Hour, time.Now())
	}
	deadline := time.Now().Add(readyTimeout)
	c := &http.Client{Timeout: 5 * time.Second, Transport: client.Transport}
	var last string
	var failingSince time.Time // the start of an unbroken run of 5xx answers
	for time.Now().Before(deadline) {
		select {
		case <-w.srv.Exited():
			return fmt.Errorf("wrangler dev exited before it served requests: %v", w.srv.ExitErr())
		default:
		}
		req, _ := http.NewRequest("GET", w.base+"/me/insights/used/$count", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := c.Do(req)
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 200 && w.readyStatus == 0 || w.readyStatus != 0 && res.StatusCode == w.readyStatus {
				return nil
			}
			last = fmt.Sprintf("last answer %d %s", res.StatusCode, b)
			// A Worker that answers, but only with server errors, is broken, not starting.
			if res.StatusCode < 500 {
				failingSince = time.Time{}
			} else if failingSince.IsZero() {
				failingSince = time.Now()
			} else if time.Since(failingSince) > 10*time.Second {
				return fmt.Errorf("the Worker at %s answers only with server errors (%s)", w.base, last)
			}
		} else {
			last = "last error " + err.Error()
			failingSince = time.Time{}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("wrangler dev at %s was not ready within %v (%s)", w.base, readyTimeout, last)
}

// stopAllOnSignal stops every wrangler dev when the test binary is interrupted.
func stopAllOnSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-ch
		fmt.Fprintf(os.Stderr, "e2e: %v: stopping every wrangler dev\n", s)
		wrangler.Shutdown()
		os.RemoveAll(snapshot)
		os.Exit(2)
	}()
}

// stopAllBeforeTimeout stops every wrangler dev shortly before go test's -timeout panics
// (a panic runs no cleanup).
func stopAllBeforeTimeout() {
	f := flag.Lookup("test.timeout")
	if f == nil {
		return
	}
	d, ok := f.Value.(flag.Getter).Get().(time.Duration)
	if !ok || d <= 0 {
		return
	}
	time.AfterFunc(max(d-15*time.Second, d*9/10), func() {
		fmt.Fprintln(os.Stderr, "e2e: the test binary is about to time out: stopping every wrangler dev")
		wrangler.Shutdown()
	})
}

// startOwn starts a wrangler dev for one test; it is stopped when the test ends, and its
// output is shown when the test failed.
func startOwn(t *testing.T, o options) *worker {
	t.Helper()
	w, err := startWorker(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("output of wrangler dev at %s:\n%s", w.base, w.output())
		}
	})
	return w
}

// snapshotConfig reads worker/wrangler.jsonc, copies the directories it serves from (the
// one of main, the assets directory) into dir and returns the configuration, as JSON, that
// runs from those copies. A developer's worker/.dev.vars and worker/.wrangler are not used.
func snapshotConfig(dir string) ([]byte, error) {
	c, err := wrangler.ReadConfig(filepath.Join(root, "worker", "wrangler.jsonc"))
	if err != nil {
		return nil, err
	}
	main, _ := c["main"].(string)
	if main == "" {
		return nil, errors.New("worker/wrangler.jsonc has no main")
	}
	if err := copyTree(filepath.Dir(main), filepath.Join(dir, "main")); err != nil {
		return nil, fmt.Errorf("copying the Worker build: %w", err)
	}
	c["main"] = filepath.Join(dir, "main", filepath.Base(main))
	if a, ok := c["assets"].(map[string]any); ok {
		if d, ok := a["directory"].(string); ok {
			if err := copyTree(d, filepath.Join(dir, "assets")); err != nil {
				return nil, fmt.Errorf("copying the static assets: %w", err)
			}
			a["directory"] = filepath.Join(dir, "assets")
		}
	}
	return json.MarshalIndent(c, "", "  ")
}

// copyTree copies the regular files under src to dst, leaving out node_modules, .wrangler and
// .dev.vars (secrets).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch d.Name() {
		case "node_modules", ".wrangler", ".dev.vars", ".git":
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
