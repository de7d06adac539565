//go:build !js

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/usedinsight/usedinsight/internal/testsupport/jsonc"
)

// devServer is one running `wrangler dev`, in its own process group, with its own
// configuration directory, ports and --persist-to.
type devServer struct {
	name    string
	base    string // http://127.0.0.1:<port>
	dir     string // configuration directory, removed by stop
	cmd     *exec.Cmd
	out     *tail
	ready   chan struct{} // closed when wrangler prints "Ready on"
	exited  chan struct{}
	waitErr error
}

// serverConfig says what one wrangler dev runs.
type serverConfig struct {
	name    string
	config  string            // a wrangler.jsonc
	main    string            // overrides the configuration's main when not empty
	vars    map[string]string // written to .dev.vars
	persist string            // --persist-to
	noAsset bool              // drop "assets"
}

// startServer writes a copy of the configuration (paths made absolute) and starts wrangler dev.
func startServer(c serverConfig) (*devServer, error) {
	dir, err := os.MkdirTemp("", "usedinsight-bench-"+c.name+"-")
	if err != nil {
		return nil, err
	}
	cfgPath, err := writeConfig(dir, c)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	inspector, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &devServer{name: c.name, base: "http://127.0.0.1:" + strconv.Itoa(port), dir: dir,
		out: &tail{max: 64 << 10}, ready: make(chan struct{}), exited: make(chan struct{})}
	s.cmd = exec.Command(filepath.Join(root, "worker", "node_modules", ".bin", "wrangler"), "dev",
		"--config", cfgPath, "--ip", "127.0.0.1", "--port", strconv.Itoa(port),
		"--inspector-port", strconv.Itoa(inspector), "--inspector-ip", "127.0.0.1",
		"--local-protocol", "http", "--persist-to", c.persist, "--show-interactive-dev-session=false")
	s.cmd.Dir = dir
	s.cmd.Env = append(os.Environ(), "CLOUDFLARE_CF_FETCH_ENABLED=false", "WRANGLER_SEND_METRICS=false",
		"NO_COLOR=1", "FORCE_COLOR=0", "XDG_CONFIG_HOME="+filepath.Join(dir, "xdg"), "WRANGLER_LOG_PATH="+filepath.Join(dir, "logs"))
	pr, pw := io.Pipe()
	s.cmd.Stdout, s.cmd.Stderr = pw, pw
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	servers.add(s)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			s.out.Write([]byte(line + "\n"))
			if strings.Contains(line, "Ready on http") {
				once.Do(func() { close(s.ready) })
			}
		}
		io.Copy(io.Discard, pr)
	}()
	go func() {
		s.waitErr = s.cmd.Wait()
		pw.Close()
		close(s.exited)
	}()
	if err := s.waitReady(90 * time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("%s: %w\n%s", c.name, err, s.out.String())
	}
	return s, nil
}

// waitReady waits for wrangler's "Ready on" and for the port to accept connections, without
// sending the Worker a request (the first one is measured).
func (s *devServer) waitReady(limit time.Duration) error {
	deadline := time.After(limit)
	select {
	case <-s.ready:
	case <-s.exited:
		return fmt.Errorf("wrangler dev exited: %v", s.waitErr)
	case <-deadline:
		return fmt.Errorf("wrangler dev was not ready within %v", limit)
	}
	addr := strings.TrimPrefix(s.base, "http://")
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("wrangler dev exited: %v", s.waitErr)
		case <-deadline:
			return fmt.Errorf("port of wrangler dev not open within %v", limit)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop ends the process group: SIGTERM, then SIGKILL after 5 s.
func (s *devServer) stop() {
	pgid := s.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.exited
	}
	if syscall.Kill(-pgid, 0) == nil { // a workerd of the group may linger
		syscall.Kill(-pgid, syscall.SIGKILL)
		for i := 0; i < 50 && syscall.Kill(-pgid, 0) == nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}
	os.RemoveAll(s.dir)
	servers.remove(s)
}

// servers are the wrangler devs still running, stopped on exit and on interrupt.
var servers = &serverSet{m: map[*devServer]bool{}}

type serverSet struct {
	mu sync.Mutex
	m  map[*devServer]bool
}

func (ss *serverSet) add(s *devServer)    { ss.mu.Lock(); ss.m[s] = true; ss.mu.Unlock() }
func (ss *serverSet) remove(s *devServer) { ss.mu.Lock(); delete(ss.m, s); ss.mu.Unlock() }
func (ss *serverSet) stopAll() {
	ss.mu.Lock()
	var all []*devServer
	for s := range ss.m {
		all = append(all, s)
	}
	ss.mu.Unlock()
	for _, s := range all {
		s.stop()
	}
}

// writeConfig writes the configuration as JSON with absolute paths, and the .dev.vars.
func writeConfig(dir string, c serverConfig) (string, error) {
	src, err := os.ReadFile(c.config)
	if err != nil {
		return "", err
	}
	var cfg map[string]any
	if err := json.Unmarshal(jsonc.Strip(src), &cfg); err != nil {
		return "", fmt.Errorf("%s: %w", c.config, err)
	}
	base := filepath.Dir(c.config)
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	if c.main != "" {
		cfg["main"] = c.main
	} else if m, ok := cfg["main"].(string); ok {
		cfg["main"] = abs(m)
	}
	if a, ok := cfg["assets"].(map[string]any); ok {
		if c.noAsset {
			delete(cfg, "assets")
		} else if d, ok := a["directory"].(string); ok {
			a["directory"] = abs(d)
		}
	}
	out, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "wrangler.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return "", err
	}
	var vars bytes.Buffer
	for k, v := range c.vars {
		fmt.Fprintf(&vars, "%s=%s\n", k, v)
	}
	return path, os.WriteFile(filepath.Join(dir, ".dev.vars"), vars.Bytes(), 0o600)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail keeps the last max bytes written.
type tail struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

var errStopped = errors.New("stopped")
