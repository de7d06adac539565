//go:build !js

// Package hosttest runs the Node.js tests of the Worker's JavaScript entry (worker/test/*.test.mjs)
// as part of `go test ./...`: host.test.mjs against a fake Go program, gohost.test.mjs against
// the real one built with -tags hostcrash (worker/crashhook.go), whose test-only paths panic and
// exit, and precompressed.test.mjs (the answer for the playground's large files). Production
// builds (make worker) never have that tag.
package hosttest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestEntry(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the Worker entry's tests need Node.js 20")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run := func(env []string, name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out.String())
		}
		if testing.Verbose() {
			t.Logf("%s", out.String())
		}
	}
	// The Go program with the test-only crash paths, and syumai/workers' runtime glue.
	run(nil, "go", "run", "github.com/syumai/workers/cmd/workers-assets-gen", "-mode=go", "-o", dir)
	run([]string{"GOOS=js", "GOARCH=wasm"}, "go", "build", "-tags", "hostcrash", "-o", filepath.Join(dir, "app.wasm"), "./worker")
	run([]string{"USEDINSIGHT_TEST_BUILD=" + dir}, node, "--test",
		filepath.Join("worker", "test", "host.test.mjs"), filepath.Join("worker", "test", "gohost.test.mjs"),
		filepath.Join("worker", "test", "precompressed.test.mjs"))
}
