//go:build !js

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// profileCPU prints where a request's CPU time goes, measured in Node.js by profile.mjs: the
// Go Worker's entry (with an app.wasm that keeps its symbols, built here from the working tree
// when the entry is the repository's own) and the JavaScript baseline.
func profileCPU(entry string) error {
	dir := filepath.Dir(entry)
	kind := "host"
	if _, err := os.Stat(filepath.Join(dir, "host.mjs")); err != nil {
		kind = "syumai" // syumai/workers' generated entry
	}
	if *goMain == "" {
		tmp, err := os.MkdirTemp("", "usedinsight-bench-symbols-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := buildWorker(tmp, dir, []string{"wasm_exec.js", "host.mjs"}); err != nil {
			return fmt.Errorf("building app.wasm with symbols: %w", err)
		}
		dir = tmp
	}
	type result struct {
		Label      string             `json:"label"`
		What       string             `json:"what"`
		US         float64            `json:"us"`
		Ops        map[string]float64 `json:"ops"`
		Categories [][3]any           `json:"categories"`
	}
	run := func(args ...string) (result, error) {
		var r result
		cmd := exec.Command("node", append([]string{filepath.Join(root, "worker", "bench", "profile.mjs"), "--json"}, args...)...)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				return r, fmt.Errorf("profile.mjs %v: %v\n%s", args, err, ee.Stderr)
			}
			return r, err
		}
		return r, json.Unmarshal(out, &r)
	}
	n := "1500"
	if kind == "syumai" {
		n = "200" // a new Go runtime per request
	}
	var results []result
	var columns []string
	for _, what := range []string{"create", "get", "list", "update", "delete"} {
		r, err := run("--entry", kind, "--dir", dir, "--what", what, "--n", n, "--cpu-prof", filepath.Join(os.TempDir(), "usedinsight-bench-"+what+".cpuprofile"))
		if err != nil {
			return err
		}
		p, err := run("--peer", "--what", what, "--n", "2000", "--cpu-prof", filepath.Join(os.TempDir(), "usedinsight-bench-peer-"+what+".cpuprofile"))
		if err != nil {
			return err
		}
		results = append(results, r, p)
		columns = append(columns, "go "+what, "js "+what)
	}
	base, err := run("--baseline", "--n", "4000", "--cpu-prof", filepath.Join(os.TempDir(), "usedinsight-bench-baseline.cpuprofile"))
	if err != nil {
		return err
	}
	results = append(results, base)
	columns = append(columns, "1-put js")

	fmt.Println()
	fmt.Println("CPU time of one request in Node.js (same V8 as workerd), in-memory KV answering each operation as a separate I/O")
	fmt.Println("event, 16 requests at once, without wrangler's HTTP and local KV; where it goes, from a V8 CPU profile")
	fmt.Println("(go: the Go Worker, js: the JavaScript create peer, 1-put js: the JavaScript baseline):")
	fmt.Printf("  %-60s", "")
	for _, c := range columns {
		fmt.Printf(" %10s", c)
	}
	fmt.Println()
	fmt.Printf("  %-60s", "total µs")
	for _, r := range results {
		fmt.Printf(" %10.0f", r.US)
	}
	fmt.Println()
	fmt.Printf("  %-60s", "Go / JS create peer")
	for i := 0; i+1 < len(results)-1; i += 2 {
		fmt.Printf(" %9.2fx %10s", results[i].US/results[i+1].US, "")
	}
	fmt.Println()
	var groups []string
	seen := map[string]bool{}
	for _, r := range results {
		for _, c := range r.Categories {
			if g := c[0].(string); !seen[g] {
				seen[g] = true
				groups = append(groups, g)
			}
		}
	}
	for _, g := range groups {
		fmt.Printf("  %-60s", g)
		for _, r := range results {
			v := 0.0
			for _, c := range r.Categories {
				if c[0].(string) == g {
					v = c[1].(float64) * r.US
				}
			}
			fmt.Printf(" %10.0f", v)
		}
		fmt.Println()
	}
	fmt.Println("  (\"JS platform\" is Node.js's own Request and Response, much slower than workerd's; the Go Worker's share is the")
	fmt.Println("   Go and adapter rows. The profiles are " + filepath.Join(os.TempDir(), "usedinsight-bench-*.cpuprofile") + ", for Chrome DevTools.)")
	return nil
}

// buildWorker builds ./worker for js/wasm as dir/app.wasm, with the extra go build arguments,
// beside copies of the files of from (the entry's directory) that it names.
func buildWorker(dir, from string, files []string, args ...string) error {
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(from, f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			return err
		}
	}
	build := exec.Command("go", append(append([]string{"build", "-trimpath"}, args...), "-o", filepath.Join(dir, "app.wasm"), "./worker")...)
	build.Dir, build.Env = root, append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("%v\n%s", err, out)
	}
	return nil
}
