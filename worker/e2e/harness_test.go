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
// wrangler dev runs in its own process group, which is killed when its test ends, when the
// test binary ends or is interrupted, and shortly before go test's -timeout.
package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/usedinsight/usedinsight/internal/jsonc"
)

const (
	readyTimeout   = 60 * time.Second // how long a wrangler dev may take to serve
	stopGrace      = 10 * time.Second // SIGTERM to SIGKILL
	requestTimeout = 30 * time.Second // one HTTP exchange
	outputTail     = 24 << 10         // bytes of wrangler output shown on failure
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
	// running lists every wrangler dev not yet stopped, so an interrupt or a timeout of the
	// test binary still takes them (and their workerd) down; after stopAll, none may start.
	runningMu sync.Mutex
	running   = map[*worker]bool{}
	stopping  bool
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if root, err = repoRoot(); err != nil {
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
	defer stopAll()

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

// repoRoot walks up from the package directory to the module's go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/usedinsight/usedinsight\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the repository root (go.mod of github.com/usedinsight/usedinsight) above the working directory")
		}
		dir = parent
	}
}

func wranglerPath() string { return filepath.Join(root, "worker", "node_modules", ".bin", "wrangler") }

// prerequisites fails clearly when what `make test-e2e` builds is not there.
func prerequisites() error {
	for _, p := range []struct{ path, what string }{
		{filepath.Join(root, "worker", "build", "app.wasm"), "the Worker build"},
		{filepath.Join(root, "worker", "build", "worker.mjs"), "the Worker's JavaScript entry"},
		{wranglerPath(), "wrangler"},
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

// worker is one running `wrangler dev`.
type worker struct {
	base        string         // http://127.0.0.1:<port>
	secret      string         // its AUTH_SECRET
	claims      map[string]any // added to the tokens of sign (options.claims)
	persist     string         // its local KV
	dir         string         // its configuration directory (removed on stop)
	ownDirs     []string
	cmd         *exec.Cmd
	out         *tailBuffer
	exited      chan struct{} // closed when the process has exited
	waitErr     error
	ready       func() string // options.ready
	readyStatus int           // options.readyStatus
	debug       string        // the end of wrangler's debug log, kept when it stops
	once        sync.Once     // stop's work, done once; other callers wait for it
	stopErr     error
}

// startWorker starts a wrangler dev and waits until it serves the API.
func startWorker(o options) (*worker, error) {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var w *worker
		w, err = tryStart(o)
		if err == nil {
			return w, nil
		}
		// Ports are picked by listening on :0 and closing: another process may take one first.
		if w == nil || !strings.Contains(w.output(), "in use") && !strings.Contains(w.output(), "EADDRINUSE") {
			return nil, err
		}
	}
	return nil, err
}

func tryStart(o options) (*worker, error) {
	w := &worker{secret: o.secret, claims: o.claims, persist: o.persist, ready: o.ready, readyStatus: o.readyStatus, out: &tailBuffer{max: 4 * outputTail}, exited: make(chan struct{})}
	if w.secret == "" {
		w.secret = randomHex(32)
	}
	var err error
	if w.dir, err = os.MkdirTemp("", "usedinsight-e2e-config-"); err != nil {
		return nil, err
	}
	w.ownDirs = append(w.ownDirs, w.dir)
	if w.persist == "" {
		if w.persist, err = os.MkdirTemp("", "usedinsight-e2e-kv-"); err != nil {
			w.removeDirs()
			return nil, err
		}
		w.ownDirs = append(w.ownDirs, w.persist)
	}
	config, err := writeConfig(w.dir, w.secret, o.vars)
	if err != nil {
		w.removeDirs()
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		w.removeDirs()
		return nil, err
	}
	inspector, err := freePort()
	if err != nil {
		w.removeDirs()
		return nil, err
	}
	w.base = "http://127.0.0.1:" + strconv.Itoa(port)
	w.cmd = exec.Command(wranglerPath(), "dev", "--config", config,
		"--ip", "127.0.0.1", "--port", strconv.Itoa(port), "--inspector-port", strconv.Itoa(inspector), "--inspector-ip", "127.0.0.1",
		"--local-protocol", "http", "--persist-to", w.persist, "--show-interactive-dev-session=false")
	w.cmd.Dir = w.dir
	w.cmd.Env = append(os.Environ(),
		"CLOUDFLARE_CF_FETCH_ENABLED=false", "WRANGLER_SEND_METRICS=false", "NO_COLOR=1", "FORCE_COLOR=0",
		// wrangler's own settings and logs go to the temporary directory, not the developer's.
		"XDG_CONFIG_HOME="+filepath.Join(w.dir, "xdg"), "WRANGLER_LOG_PATH="+filepath.Join(w.dir, "logs"))
	w.cmd.Stdout, w.cmd.Stderr = w.out, w.out
	// Its own process group, so stopping it takes its workerd children too.
	w.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	w.cmd.WaitDelay = stopGrace
	runningMu.Lock()
	if stopping {
		runningMu.Unlock()
		w.removeDirs()
		return nil, errors.New("not starting wrangler dev: the test binary is stopping")
	}
	if err := w.cmd.Start(); err != nil {
		runningMu.Unlock()
		w.removeDirs()
		return nil, fmt.Errorf("starting %s: %w", wranglerPath(), err)
	}
	running[w] = true
	runningMu.Unlock()
	go func() {
		w.waitErr = w.cmd.Wait()
		close(w.exited)
	}()
	if err := w.waitReady(); err != nil {
		w.stop()
		return w, fmt.Errorf("%w\nwrangler output:\n%s", err, w.output())
	}
	return w, nil
}

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
		case <-w.exited:
			return fmt.Errorf("wrangler dev exited before it served requests: %v", w.waitErr)
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

// stop ends wrangler dev and everything it started: SIGTERM to its process group, SIGKILL
// after stopGrace. It also removes the directories it made (not a --persist-to it was given).
func (w *worker) stop() error {
	w.once.Do(func() { w.stopErr = w.kill() })
	return w.stopErr
}

func (w *worker) kill() error {
	defer func() {
		runningMu.Lock()
		delete(running, w)
		runningMu.Unlock()
		w.debug = w.debugLog()
		w.removeDirs()
	}()
	pgid := w.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-w.exited:
	case <-time.After(stopGrace):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-w.exited
	}
	// wrangler may be gone while a workerd of its group lingers: make sure none does.
	if syscall.Kill(-pgid, 0) == nil {
		syscall.Kill(-pgid, syscall.SIGKILL)
		for i := 0; i < 50 && syscall.Kill(-pgid, 0) == nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
		if syscall.Kill(-pgid, 0) == nil {
			return fmt.Errorf("processes of group %d survive SIGKILL", pgid)
		}
	}
	return nil
}

// debugLog returns the end of wrangler's debug log (WRANGLER_LOG_PATH) without its
// request lines: it records what the console does not, such as a Worker's isolate restarting.
func (w *worker) debugLog() string {
	files, _ := filepath.Glob(filepath.Join(w.dir, "logs", "*.log"))
	if len(files) == 0 {
		return ""
	}
	b, err := os.ReadFile(files[len(files)-1])
	if err != nil {
		return ""
	}
	var keep []string
	for _, entry := range strings.Split(string(b), "\n---\n") {
		if !strings.Contains(entry, "[wrangler:info]") && strings.TrimSpace(entry) != "" {
			keep = append(keep, strings.TrimSpace(entry))
		}
	}
	out := strings.Join(keep, "\n")
	if len(out) > 8<<10 {
		out = "[…]" + out[len(out)-8<<10:]
	}
	return out
}

func (w *worker) removeDirs() {
	for _, d := range w.ownDirs {
		os.RemoveAll(d)
	}
	w.ownDirs = nil
}

// output is what wrangler dev printed and, once it stopped, the end of its debug log.
func (w *worker) output() string {
	if w.debug == "" {
		return w.out.String()
	}
	return w.out.String() + "\n--- the end of wrangler's debug log:\n" + w.debug
}

func stopAll() {
	runningMu.Lock()
	stopping = true
	ws := make([]*worker, 0, len(running))
	for w := range running {
		ws = append(ws, w)
	}
	runningMu.Unlock()
	for _, w := range ws {
		w.stop()
	}
}

// stopAllOnSignal stops every wrangler dev when the test binary is interrupted.
func stopAllOnSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-ch
		fmt.Fprintf(os.Stderr, "e2e: %v: stopping every wrangler dev\n", s)
		stopAll()
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
		stopAll()
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
	workerDir := filepath.Join(root, "worker")
	src, err := os.ReadFile(filepath.Join(workerDir, "wrangler.jsonc"))
	if err != nil {
		return nil, err
	}
	var c map[string]any
	if err := json.Unmarshal(jsonc.Strip(src), &c); err != nil {
		return nil, fmt.Errorf("worker/wrangler.jsonc: %w", err)
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(workerDir, p)
	}
	main, _ := c["main"].(string)
	if main == "" {
		return nil, errors.New("worker/wrangler.jsonc has no main")
	}
	mainDir := filepath.Dir(abs(main))
	if err := copyTree(mainDir, filepath.Join(dir, "main")); err != nil {
		return nil, fmt.Errorf("copying the Worker build: %w", err)
	}
	c["main"] = filepath.Join(dir, "main", filepath.Base(main))
	if a, ok := c["assets"].(map[string]any); ok {
		if d, ok := a["directory"].(string); ok {
			if err := copyTree(abs(d), filepath.Join(dir, "assets")); err != nil {
				return nil, fmt.Errorf("copying the static assets: %w", err)
			}
			a["directory"] = filepath.Join(dir, "assets")
		}
	}
	if b, ok := c["build"].(map[string]any); ok {
		d, _ := b["cwd"].(string)
		b["cwd"] = abs(d)
	}
	delete(c, "dev") // the command line says how to serve
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

// writeConfig writes into dir the snapshot's configuration and a .dev.vars with AUTH_SECRET
// and vars. It returns the configuration's path.
func writeConfig(dir, secret string, vars map[string]string) (string, error) {
	path := filepath.Join(dir, "wrangler.json")
	if err := os.WriteFile(path, config, 0o644); err != nil {
		return "", err
	}
	var dv strings.Builder
	fmt.Fprintf(&dv, "AUTH_SECRET=%q\n", secret)
	for k, v := range vars {
		fmt.Fprintf(&dv, "%s=%q\n", k, v)
	}
	return path, os.WriteFile(filepath.Join(dir, ".dev.vars"), []byte(dv.String()), 0o600)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// tailBuffer keeps the last max bytes written to it; safe for concurrent use.
type tailBuffer struct {
	mu      sync.Mutex
	max     int
	b       []byte
	dropped bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
		t.dropped = true
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(t.b)
	if len(s) > outputTail {
		s, t.dropped = s[len(s)-outputTail:], true
	}
	// Lines with 2,000-character paths say no more than their first few hundred characters.
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if len(l) > 300 {
			lines[i] = l[:300] + "…"
		}
	}
	s = strings.Join(lines, "\n")
	if t.dropped {
		return "[…]" + s
	}
	return s
}
