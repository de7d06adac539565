//go:build !js

// Package wrangler starts local `wrangler dev` servers for the Worker's end-to-end tests and
// its benchmark. Each runs offline in its own process group, from a configuration directory of
// its own (configuration, .dev.vars, wrangler's settings and logs), on free loopback ports, with
// its own local KV (--persist-to); stopping it takes its workerd children down too.
package wrangler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/usedinsight/usedinsight/internal/testsupport/jsonc"
)

// Options say what one wrangler dev runs.
type Options struct {
	// Name goes into the names of its temporary directories and into its errors.
	Name string
	// Config is the wrangler configuration as JSON, its paths absolute (see ReadConfig).
	Config []byte
	// Vars are written to its .dev.vars.
	Vars map[string]string
	// Persist is its --persist-to, kept when it stops; when empty, a new temporary directory
	// that Stop removes.
	Persist string
	// ReadyTimeout bounds the wait for wrangler to say it is ready (90 s when zero).
	ReadyTimeout time.Duration
	// StopGrace is the time from SIGTERM to SIGKILL (10 s when zero).
	StopGrace time.Duration
}

// Server is one running wrangler dev.
type Server struct {
	// Base is its address, http://127.0.0.1:<port>.
	Base string
	// Persist is its local KV directory.
	Persist string

	name      string
	dir       string   // configuration directory
	ownDirs   []string // removed by Stop
	cmd       *exec.Cmd
	out       *tail
	exited    chan struct{}
	waitErr   error
	debug     string    // the end of wrangler's debug log, kept when it stops
	once      sync.Once // Stop's work, done once; other callers wait for it
	stopErr   error
	stopGrace time.Duration
}

const (
	outputKept  = 96 << 10 // bytes of wrangler output kept
	outputShown = 24 << 10 // bytes of it that Output returns
)

// Start starts a wrangler dev and returns once wrangler says it is ready and its port accepts
// connections. It sends the Worker no request: callers that need one to succeed poll for it.
// A start that loses its port to another process is tried again.
func Start(o Options) (*Server, error) {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var s *Server
		s, err = tryStart(o)
		if err == nil {
			return s, nil
		}
		// Ports are picked by listening on :0 and closing: another process may take one first.
		if s == nil || !strings.Contains(s.out.String(), "in use") && !strings.Contains(s.out.String(), "EADDRINUSE") {
			return nil, err
		}
	}
	return nil, err
}

func tryStart(o Options) (*Server, error) {
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 90 * time.Second
	}
	if o.StopGrace == 0 {
		o.StopGrace = 10 * time.Second
	}
	bin, err := Path()
	if err != nil {
		return nil, err
	}
	s := &Server{name: o.Name, Persist: o.Persist, out: &tail{ready: make(chan struct{})}, exited: make(chan struct{}), stopGrace: o.StopGrace}
	if s.dir, err = os.MkdirTemp("", "usedinsight-wrangler-"+o.Name+"-"); err != nil {
		return nil, err
	}
	s.ownDirs = append(s.ownDirs, s.dir)
	if s.Persist == "" {
		if s.Persist, err = os.MkdirTemp("", "usedinsight-kv-"+o.Name+"-"); err != nil {
			s.removeDirs()
			return nil, err
		}
		s.ownDirs = append(s.ownDirs, s.Persist)
	}
	config := filepath.Join(s.dir, "wrangler.json")
	if err := writeFiles(s.dir, config, o); err != nil {
		s.removeDirs()
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		s.removeDirs()
		return nil, err
	}
	inspector, err := freePort()
	if err != nil {
		s.removeDirs()
		return nil, err
	}
	s.Base = "http://127.0.0.1:" + strconv.Itoa(port)
	s.cmd = exec.Command(bin, "dev", "--config", config,
		"--ip", "127.0.0.1", "--port", strconv.Itoa(port), "--inspector-port", strconv.Itoa(inspector), "--inspector-ip", "127.0.0.1",
		"--local-protocol", "http", "--persist-to", s.Persist, "--show-interactive-dev-session=false")
	s.cmd.Dir = s.dir
	s.cmd.Env = append(os.Environ(),
		"CLOUDFLARE_CF_FETCH_ENABLED=false", "WRANGLER_SEND_METRICS=false", "NO_COLOR=1", "FORCE_COLOR=0",
		// wrangler's own settings and logs go to the configuration directory, not the developer's.
		"XDG_CONFIG_HOME="+filepath.Join(s.dir, "xdg"), "WRANGLER_LOG_PATH="+filepath.Join(s.dir, "logs"))
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	// Its own process group, so that stopping it takes its workerd children too.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s.cmd.WaitDelay = o.StopGrace
	if err := servers.add(s); err != nil {
		s.removeDirs()
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		servers.remove(s)
		s.removeDirs()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(o.ReadyTimeout); err != nil {
		s.Stop()
		return s, fmt.Errorf("wrangler dev %s: %w\nwrangler output:\n%s", o.Name, err, s.Output())
	}
	return s, nil
}

// waitReady waits for wrangler's "Ready on" and for the port to accept connections.
func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.After(limit)
	select {
	case <-s.out.ready:
	case <-s.exited:
		return fmt.Errorf("exited before it was ready: %v", s.waitErr)
	case <-deadline:
		return fmt.Errorf("not ready within %v", limit)
	}
	addr := strings.TrimPrefix(s.Base, "http://")
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("exited before it was ready: %v", s.waitErr)
		case <-deadline:
			return fmt.Errorf("port not open within %v", limit)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Exited is closed when the wrangler process has exited.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// ExitErr is how the wrangler process ended, once Exited is closed.
func (s *Server) ExitErr() error { return s.waitErr }

// Pid is the process id of wrangler dev (workerd runs as its descendant), 0 before it started.
func (s *Server) Pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Stop ends wrangler dev and everything it started: SIGTERM to its process group, SIGKILL
// after the grace time. It removes the directories Start made (not a Persist it was given).
// Later calls wait for the first and return its result.
func (s *Server) Stop() error {
	s.once.Do(func() { s.stopErr = s.kill(s.stopGrace) })
	return s.stopErr
}

func (s *Server) kill(grace time.Duration) error {
	defer func() {
		servers.remove(s)
		s.debug = s.debugLog()
		s.removeDirs()
	}()
	pgid := s.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(grace):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.exited
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

// Output is the end of what wrangler dev printed and, once it stopped, the end of its debug
// log, which records what the console does not, such as an isolate restarting.
func (s *Server) Output() string {
	if s.debug == "" {
		return s.out.String()
	}
	return s.out.String() + "\n--- the end of wrangler's debug log:\n" + s.debug
}

// debugLog returns the end of wrangler's debug log (WRANGLER_LOG_PATH) without its request lines.
func (s *Server) debugLog() string {
	files, _ := filepath.Glob(filepath.Join(s.dir, "logs", "*.log"))
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

func (s *Server) removeDirs() {
	for _, d := range s.ownDirs {
		os.RemoveAll(d)
	}
	s.ownDirs = nil
}

// servers are the wrangler devs not yet stopped, so that an interrupted or timed-out program
// still takes them (and their workerd) down.
var servers = &serverSet{m: map[*Server]bool{}}

type serverSet struct {
	mu       sync.Mutex
	m        map[*Server]bool
	shutdown bool // after Shutdown, none may start
}

func (ss *serverSet) add(s *Server) error {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.shutdown {
		return errors.New("not starting wrangler dev: the program is stopping")
	}
	ss.m[s] = true
	return nil
}

func (ss *serverSet) remove(s *Server) { ss.mu.Lock(); delete(ss.m, s); ss.mu.Unlock() }

// StopAll stops every wrangler dev this program started and has not stopped.
func StopAll() {
	servers.mu.Lock()
	all := make([]*Server, 0, len(servers.m))
	for s := range servers.m {
		all = append(all, s)
	}
	servers.mu.Unlock()
	for _, s := range all {
		s.Stop()
	}
}

// Shutdown stops every wrangler dev, as StopAll does, and makes every later Start fail: for
// a program that is being interrupted or is about to time out.
func Shutdown() {
	servers.mu.Lock()
	servers.shutdown = true
	servers.mu.Unlock()
	StopAll()
}

// ReadConfig reads a wrangler.jsonc (JSON with comments) and returns it with main, the assets
// directory and build.cwd made absolute and without its "dev" section (the command line says
// how to serve), ready to be changed and marshalled into Options.Config.
func ReadConfig(path string) (map[string]any, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c map[string]any
	if err := json.Unmarshal(jsonc.Strip(src), &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	base := filepath.Dir(path)
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(base, p)
	}
	if m, ok := c["main"].(string); ok {
		c["main"] = abs(m)
	}
	if a, ok := c["assets"].(map[string]any); ok {
		if d, ok := a["directory"].(string); ok {
			a["directory"] = abs(d)
		}
	}
	if b, ok := c["build"].(map[string]any); ok {
		d, _ := b["cwd"].(string)
		b["cwd"] = abs(d)
	}
	delete(c, "dev")
	return c, nil
}

// writeFiles writes the configuration and the .dev.vars into dir.
func writeFiles(dir, config string, o Options) error {
	if err := os.WriteFile(config, o.Config, 0o644); err != nil {
		return err
	}
	names := make([]string, 0, len(o.Vars))
	for k := range o.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	var vars bytes.Buffer
	for _, k := range names {
		fmt.Fprintf(&vars, "%s=%q\n", k, o.Vars[k])
	}
	return os.WriteFile(filepath.Join(dir, ".dev.vars"), vars.Bytes(), 0o600)
}

// Root returns the repository root: the directory of the go.mod of
// github.com/usedinsight/usedinsight at or above the working directory.
func Root() (string, error) {
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

// Path returns the wrangler that worker/package-lock.json pins, as `make` installs it.
func Path() (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "worker", "node_modules", ".bin", "wrangler"), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail keeps the last outputKept bytes written to it and closes ready when wrangler prints
// "Ready on http"; safe for concurrent use.
type tail struct {
	mu      sync.Mutex
	b       []byte
	dropped bool
	ready   chan struct{}
	isReady bool
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if !t.isReady && bytes.Contains(t.b[max(0, len(t.b)-len(p)-len("Ready on http")):], []byte("Ready on http")) {
		t.isReady = true
		close(t.ready)
	}
	if len(t.b) > outputKept {
		t.b = append(t.b[:0], t.b[len(t.b)-outputKept:]...)
		t.dropped = true
	}
	return len(p), nil
}

// String is the last outputShown bytes, lines longer than 300 bytes clipped.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, dropped := string(t.b), t.dropped
	if len(s) > outputShown {
		s, dropped = s[len(s)-outputShown:], true
	}
	// Lines with 2,000-character paths say no more than their first few hundred characters.
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if len(l) > 300 {
			lines[i] = l[:300] + "…"
		}
	}
	s = strings.Join(lines, "\n")
	if dropped {
		return "[…]" + s
	}
	return s
}
