//go:build !js

// Command bench is the Worker benchmark, run by `make bench-worker`: the Go Worker against
// JavaScript reference Workers on one local `wrangler dev` setup (the wrangler and workerd
// pinned in worker/package-lock.json), each started by internal/testsupport/wrangler.
//
// Beside it: baseline/ holds the JavaScript reference Workers and their wrangler.jsonc (never
// deployed), profile.mjs and cpuprofile.mjs measure where a request's CPU time goes in Node.js.
//
// It starts, each in its own `wrangler dev` with its own local KV:
//
//   - the Go Worker as built by `make worker` (worker/wrangler.jsonc without its static assets,
//     so that all three have the same shape: main and the KV binding; -assets keeps them),
//   - the JavaScript create peer, worker/bench/baseline/create.mjs: the same create as the Go
//     Worker (HS256 bearer check with WebCrypto, accepted tokens cached; JSON.parse and the
//     required members; an id; 1 get, the index puts in parallel, the primary put; a 201 with
//     the record and Location), and get, list page, update and delete of used likewise,
//   - the JavaScript baseline, worker/bench/baseline/worker.mjs: JSON.parse, crypto.randomUUID
//     and one KV.put of the body, no validation, no authentication,
//   - a JavaScript Worker that does the KV work of the store's Create and nothing else
//     (worker/bench/baseline/kvwork.mjs), to show how much of the gap is KV,
//   - the Go floor: the Go Worker built with -tags benchfloor (worker/benchfloor.go), whose
//     create does the peer's KV work through the same host and nothing else (no token check,
//     no validation): what the Go runtime and the host adapter cost on their own,
//   - with -compare DIR, the Go Worker built in DIR: a change measured against the current
//     build in the same run; without it (unless -aa=false), the Go Worker's own build a second
//     time, an A/A control: how far two identical Workers come apart in one run, which is how
//     much of a ratio to the peer is noise,
//
// and prints:
//
//   - create: POSTs of the seed payload at 16 concurrent, first half a minute of warm-up for
//     each Worker (its rate every 5s: V8 optimizes their code meanwhile), then alternating
//     rounds between the Workers
//     (the order reversed every round), req/s, p50, p99 and the CPU time of workerd per
//     request (/proc), and the ratios of the Go Worker to the create peer (also per round);
//   - the KV operations (reads, writes, lists, deletes) one create, get, update, list page and
//     delete make in each collection (used, trending, shared), counted by the Go Worker's
//     adapter (KV_OP_COUNTS=1 makes it report them in a Server-Timing header); -kvops prints
//     only these;
//   - each kind of request of used (create, get, update, list page, delete) on the Go Worker
//     and the create peer: the KV operations each counted and the workerd CPU time of each;
//   - list latency, GET ?$top=25, with 50 and with 5,000 stored records;
//   - the latency of the first request after a cold start (wrangler dev just ready).
//
// With -kv memory, each Worker's KV binding is an in-memory KV in its own isolate
// (memkv.mjs) instead of local KV, which costs workerd several times a Worker's own work per
// request: the create rounds and each kind of request then measure what the Workers themselves
// and workerd's HTTP path cost, and nothing else is run. `make bench-worker` runs both.
//
// Every load loop is bounded in time and in count, and only 127.0.0.1 is contacted.
package main

import (
	"bytes"
	"context"
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
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/usedinsight/usedinsight/internal/auth"
	"github.com/usedinsight/usedinsight/internal/testsupport/loadtest"
	"github.com/usedinsight/usedinsight/internal/testsupport/wrangler"
)

var (
	rounds      = flag.Int("rounds", 8, "create rounds per Worker (alternating)")
	roundTime   = flag.Duration("round", 4*time.Second, "length of one create round")
	warmup      = flag.Duration("warmup", 30*time.Second, "create warm-up per Worker before the rounds, in slices of 5s (V8 optimizes both Workers' code over the first half minute of load)")
	concurrency = flag.Int("c", 16, "concurrent requests in the create rounds")
	records     = flag.Int("records", 5000, "records stored for the large list")
	small       = flag.Int("small", 50, "records stored for the small list")
	listN       = flag.Int("list", 100, "list requests measured per size")
	colds       = flag.Int("cold", 3, "cold starts per Worker")
	budget      = flag.Duration("budget", 25*time.Minute, "the most the whole benchmark may take")
	kvwork      = flag.Bool("kvwork", true, "also run the JavaScript Worker that does the store's KV work")
	floor       = flag.Bool("floor", true, "also run the Go floor: the Go Worker built with -tags benchfloor, whose create does only the KV work (worker/benchfloor.go)")
	compare     = flag.String("compare", "", "also run the Go Worker built in this directory (its worker.mjs, host.mjs, app.wasm...), to compare a change with the current build in one run")
	aa          = flag.Bool("aa", true, "without -compare, also run the Go Worker's own build a second time (an A/A control): the spread of the ratios between identical Workers in one run")
	label       = flag.String("label", "", "a label printed in the title, such as before or after")
	goMain      = flag.String("main", "", "the Go Worker's entry module instead of worker/wrangler.jsonc's main (to compare builds)")
	kvKind      = flag.String("kv", "local", "the Workers' KV: local (wrangler dev's local KV, on disk) or memory (worker/bench/memkv.mjs in each isolate, so that the figures are the Workers' own CPU time, without local KV's)")
	kvDir       = flag.String("kv-dir", "", "where the Workers' local KV is kept (--persist-to); a new directory in the system's temporary directory by default")
	assets      = flag.Bool("assets", false, "keep worker/wrangler.jsonc's static assets for the Go Worker (wrangler dev then routes each request through its asset router first, which the JavaScript Workers do not have)")
	loadCreates = flag.Int("load", 2000, "creates in the sustained mixed load (with a list after every 4th and a delete after every 5th); 0 skips it")
	loadC       = flag.Int("load-c", 48, "requests in flight in the sustained mixed load")
	profile     = flag.Bool("profile", true, "also measure the CPU time of a request in Node.js, by where it goes (worker/bench/profile.mjs)")
	kvOpsOnly   = flag.Bool("kvops", false, "only count the KV operations of each request of each collection, on the Go Worker")
)

const maxRequestsPerRound = 200_000 // a bound on every load loop besides its time

var (
	root     string
	seed     []byte
	deadline time.Time
)

func main() {
	flag.Parse()
	if *kvKind != "local" && *kvKind != "memory" {
		fatal(fmt.Errorf("-kv %q: local or memory", *kvKind))
	}
	var err error
	if root, err = wrangler.Root(); err != nil {
		fatal(err)
	}
	if seed, err = os.ReadFile(filepath.Join(root, "internal", "insight", "testdata", "seed.json")); err != nil {
		fatal(err)
	}
	for _, p := range []string{"worker/build/worker.mjs", "worker/build/app.wasm", "worker/node_modules/.bin/wrangler"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			fatal(fmt.Errorf("%s is missing: run `make bench-worker`, which builds it", p))
		}
	}
	deadline = time.Now().Add(*budget)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-sig
		wrangler.StopAll()
		os.Exit(2)
	}()
	time.AfterFunc(*budget, func() {
		fmt.Fprintln(os.Stderr, "bench-worker: over its time budget; stopping")
		wrangler.StopAll()
		os.Exit(1)
	})
	err = run()
	wrangler.StopAll()
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench-worker:", err)
	wrangler.StopAll()
	os.Exit(1)
}

// target is one Worker under test.
type target struct {
	name   string
	cfg    serverConfig
	srv    *wrangler.Server
	url    string // the create URL
	header http.Header
	cold   []time.Duration
	warm   []time.Duration // the requests right after the first
	create *samples
	warmup *samples // each slice of the warm-up is one of its rounds
}

func run() (err error) {
	start := time.Now()
	secret := randomHex(32)
	tmp, err := os.MkdirTemp(*kvDir, "usedinsight-bench-kv-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	goW := &target{name: "Go Worker (usedinsight)", cfg: serverConfig{name: "go", config: filepath.Join(root, "worker", "wrangler.jsonc"),
		main: *goMain, vars: map[string]string{"AUTH_SECRET": secret, "KV_OP_COUNTS": "1"}, persist: filepath.Join(tmp, "go"), noAsset: !*assets}}
	goW.header = bearer(secret, "bench-create")
	jsW := &target{name: "JS baseline (parse, randomUUID, 1 put)", cfg: serverConfig{name: "js", config: filepath.Join(root, "worker", "bench", "baseline", "wrangler.jsonc"),
		persist: filepath.Join(tmp, "js")}}
	peer := &target{name: "JS create peer (same create)", cfg: serverConfig{name: "peer", config: filepath.Join(root, "worker", "bench", "baseline", "wrangler.jsonc"),
		main: filepath.Join(root, "worker", "bench", "baseline", "create.mjs"), vars: map[string]string{"AUTH_SECRET": secret, "KV_OP_COUNTS": "1"}, persist: filepath.Join(tmp, "peer")}}
	peer.header = bearer(secret, "bench-create")
	kvW := &target{name: "JS with the store's KV work", cfg: serverConfig{name: "kvwork", config: filepath.Join(root, "worker", "bench", "baseline", "wrangler.jsonc"),
		main: filepath.Join(root, "worker", "bench", "baseline", "kvwork.mjs"), persist: filepath.Join(tmp, "kvwork")}}
	floorW := &target{name: "Go floor (host and KV work only)", cfg: serverConfig{name: "floor", config: filepath.Join(root, "worker", "wrangler.jsonc"),
		main: filepath.Join(tmp, "floor-build", "worker.mjs"), vars: map[string]string{"AUTH_SECRET": secret}, persist: filepath.Join(tmp, "floor"), noAsset: true}}
	floorW.header = goW.header
	// The other Go Worker: a build to compare, or the same build again; with the same settings
	// as the Go Worker, KV_OP_COUNTS's header included.
	other := *compare != "" || *aa
	otherW := &target{name: "Go Worker (same build again)", cfg: goW.cfg}
	otherW.cfg.name, otherW.cfg.persist = "again", filepath.Join(tmp, "again")
	if *compare != "" {
		otherW.name = "Go Worker (" + filepath.Base(*compare) + ")"
		otherW.cfg.name, otherW.cfg.main, otherW.cfg.persist = "compare", filepath.Join(*compare, "worker.mjs"), filepath.Join(tmp, "compare")
	}
	otherW.header = goW.header
	targets := []*target{goW, peer, jsW}
	if *kvOpsOnly {
		if goW.srv, err = startServer(goW.cfg); err != nil {
			return err
		}
		ops, err := kvOps(goW, secret, kvSamples)
		if err != nil {
			return err
		}
		printKVOps(ops)
		return nil
	}
	memory := *kvKind == "memory"
	if *kvwork && !memory { // with KV in memory, it does what the baseline does
		targets = append(targets, kvW)
	}
	if *floor {
		dir := filepath.Join(tmp, "floor-build")
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
		if err := buildWorker(dir, filepath.Join(root, "worker", "build"), []string{"worker.mjs", "host.mjs", "precompressed.mjs", "wasm_exec.js"},
			"-tags", "benchfloor", "-ldflags=-s -w -buildid="); err != nil {
			return fmt.Errorf("building the Go floor: %w", err)
		}
		targets = append(targets, floorW)
	}
	if other {
		targets = append(targets, otherW)
	}
	for _, t := range targets {
		t.header = mergeHeader(t.header, http.Header{"Content-Type": {"application/json"}})
		t.create = &samples{}
	}
	defer func() {
		for _, t := range targets {
			if err != nil && t.srv != nil {
				fmt.Fprintf(os.Stderr, "bench-worker: output of wrangler dev %s (%s):\n%s\n", t.cfg.name, t.srv.Base, lastLines(t.srv.Output(), 40))
			}
		}
	}()

	load1 := loadAvg()
	fmt.Printf("== Worker benchmark%s: %s ==\n", labelSuffix(), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	entry := filepath.Join(root, "worker", "build", "worker.mjs")
	if *goMain != "" {
		entry = *goMain
	}
	fmt.Printf("wrangler %s, workerd %s, %s, %d CPUs; Go Worker %s (app.wasm %s)\n", pkgVersion("wrangler"), pkgVersion("workerd"),
		nodeVersion(), runtime.NumCPU(), relPath(entry), fileSize(filepath.Join(filepath.Dir(entry), "app.wasm")))

	// Cold starts: the first request after `wrangler dev` is ready; the last start of each
	// Worker stays up for the rest.
	for i := 0; i < *colds; i++ {
		for _, t := range targets {
			if t.srv != nil {
				t.srv.Stop()
			}
			if t.srv, err = startServer(t.cfg); err != nil {
				return err
			}
			t.url = t.srv.Base + "/me/insights/used"
			if t == jsW || t == kvW {
				t.url = t.srv.Base + "/"
			}
			time.Sleep(500 * time.Millisecond) // let wrangler settle; the Worker is not called yet
			d, err := t.post(context.Background())
			if err != nil {
				return fmt.Errorf("%s: first request: %w", t.name, err)
			}
			t.cold = append(t.cold, d)
			for j := 0; j < 5; j++ {
				d, err := t.post(context.Background())
				if err != nil {
					return fmt.Errorf("%s: %w", t.name, err)
				}
				t.warm = append(t.warm, d)
			}
		}
	}

	// Create rounds, alternating, each Worker warmed up first: V8 compiles the optimized code of
	// both (the Go program's wasm and the JavaScript) while they serve, and under this load their
	// rate rises for about half a minute.
	for _, t := range targets {
		t.warmup = &samples{}
		for left := *warmup; left > 0; left -= warmupSlice {
			if _, err := t.load(min(left, warmupSlice), t.warmup); err != nil {
				return err
			}
		}
	}
	for r := 0; r < *rounds; r++ {
		order := slices.Clone(targets)
		if r%2 == 1 {
			slices.Reverse(order)
		}
		for _, t := range order {
			if _, err := t.load(*roundTime, t.create); err != nil {
				return err
			}
		}
	}

	// The same for used on both Workers, with the workerd CPU time of each kind of request.
	kinds, kindsErr := compareKinds(goW, peer, secret)
	if memory {
		printCreate(targets, goW, peer, jsW, kvW, floorW, otherW, tmp, load1, start)
		fmt.Println()
		printKinds(kinds, kindsErr)
		return nil
	}
	// KV operations per request, as the Go Worker's adapter counts them.
	ops, opsErr := kvOps(goW, secret, kvSamples)

	// List latency with few and many records: seed through the API, concurrently.
	seedStart := time.Now()
	smallUser, largeUser := "bench-list-small", "bench-list-large"
	if err := seedRecords(goW, secret, smallUser, *small); err != nil {
		return err
	}
	if err := seedRecords(goW, secret, largeUser, *records); err != nil {
		return err
	}
	seedTime := time.Since(seedStart)
	listSmall, listLarge, err := listLatency(goW, secret, smallUser, largeUser)
	if err != nil {
		return err
	}

	// Sustained mixed load on the Go Worker, then the check that nothing was lost.
	var mixed *loadtest.Report
	if *loadCreates > 0 {
		var tokens []string
		for i := range 6 {
			tokens = append(tokens, bearer(secret, fmt.Sprintf("bench-load-%d", i)).Get("Authorization")[len("Bearer "):])
		}
		mixed, err = loadtest.Run(context.Background(), loadtest.Config{Base: goW.srv.Base, Tokens: tokens, Creates: *loadCreates, InFlight: *loadC, Client: client})
		if err != nil {
			return err
		}
	}

	printCreate(targets, goW, peer, jsW, kvW, floorW, otherW, tmp, load1, start)
	fmt.Println()
	if opsErr != nil {
		fmt.Println("KV operations per request (counted by the Go Worker's adapter):")
		fmt.Printf("  not reported: %v\n", opsErr)
	} else {
		printKVOps(ops)
	}
	fmt.Println()
	printKinds(kinds, kindsErr)
	fmt.Println()
	fmt.Printf("List: GET ?$top=25, one at a time, %d requests per size, alternating (seeding %d records through the API took %v)\n",
		*listN, *small+*records, seedTime.Round(100*time.Millisecond))
	fmt.Printf("  %-10s %9s %9s\n", "records", "p50 ms", "p99 ms")
	fmt.Printf("  %-10d %9.1f %9.1f\n", *small, ms(listSmall.pct(50)), ms(listSmall.pct(99)))
	fmt.Printf("  %-10d %9.1f %9.1f\n", *records, ms(listLarge.pct(50)), ms(listLarge.pct(99)))
	fmt.Printf("  %-10s %8.2fx %8.2fx\n", fmt.Sprintf("%d/%d", *records, *small), ratio(listLarge.pct(50), listSmall.pct(50)), ratio(listLarge.pct(99), listSmall.pct(99)))
	fmt.Println()
	if mixed != nil {
		fmt.Printf("Sustained mixed load on the Go Worker: %d creates from 6 users (half from one), a list ($top=25) after every 4th,\n", *loadCreates)
		fmt.Printf("a delete after every 5th, %d in flight; then every record checked (internal/testsupport/loadtest)\n", *loadC)
		fmt.Printf("  %-10s %9s %9s %9s %9s %10s %9s %9s\n", "ops/s", "creates/s", "creates", "lists", "deletes", "429, 503", "listed", "problems")
		fmt.Printf("  %-10.1f %9.1f %9d %9d %9d %10s %9d %9d\n", mixed.Rate(), float64(mixed.Creates)/mixed.Elapsed.Seconds(), mixed.Creates, mixed.Lists, mixed.Deletes,
			fmt.Sprintf("%d, %d", mixed.Retries[429], mixed.Retries[503]), mixed.Listed, len(mixed.Problems))
		if err := mixed.Err(); err != nil {
			fmt.Printf("  %v\n", err)
		}
		fmt.Println()
	}
	fmt.Printf("Cold start: the first request (POST of the seed) after wrangler dev is ready, %d starts per Worker\n", *colds)
	fmt.Printf("  %-42s %10s %22s %12s\n", "worker", "median ms", "each ms", "next 5 p50")
	for _, t := range targets {
		var each []string
		var cs samples
		for _, d := range t.cold {
			each = append(each, fmt.Sprintf("%.0f", ms(d)))
			cs.add(d, true)
		}
		var ws samples
		for _, d := range t.warm {
			ws.add(d, true)
		}
		fmt.Printf("  %-42s %10.1f %22s %12.1f\n", t.name, ms(cs.pct(50)), strings.Join(each, " "), ms(ws.pct(50)))
	}
	if *profile {
		wrangler.StopAll() // nothing else runs while CPU time is measured
		return profileCPU(entry)
	}
	return nil
}

// workerdParts says what the workerd CPU time measured holds.
func workerdParts() string {
	if *kvKind == "memory" {
		return "the Worker with its KV in memory, and its HTTP"
	}
	return "the Worker, its HTTP and local KV"
}

// warmupSlice is the length of each slice of a Worker's warm-up, whose rate is printed.
const warmupSlice = 5 * time.Second

// printCreate prints the create rounds of targets: each Worker's figures and the Go Workers'
// ratios to the create peer (of the floor, the other Go Worker and the KV-work Worker when they
// are among targets).
func printCreate(targets []*target, goW, peer, jsW, kvW, floorW, otherW *target, tmp, load1 string, start time.Time) {
	shape := "the Go Worker with worker/wrangler.jsonc minus its static assets, the JavaScript Workers with worker/bench/baseline/wrangler.jsonc"
	if *assets {
		shape = "the Go Worker with worker/wrangler.jsonc including its static assets, the JavaScript Workers with worker/bench/baseline/wrangler.jsonc"
	}
	fmt.Printf("%s\n", shape)
	where := "local KV in " + tmp
	if *kvKind == "memory" {
		where = "KV in memory in each isolate (worker/bench/memkv.mjs): CPU ms is the Worker's own and workerd's HTTP path, without local KV's"
	}
	fmt.Printf("%s; load average (1 min) %s at start, %s at end; total %v\n\n", where, load1, loadAvg(), time.Since(start).Round(time.Second))
	fmt.Printf("Create: POST of the seed payload (%d bytes), %d concurrent, %d alternating rounds of %v per Worker (after a %v warm-up)\n",
		len(seed), *concurrency, *rounds, *roundTime, *warmup)
	fmt.Printf("  warm-up: req/s of each %v\n", warmupSlice)
	for _, t := range targets {
		fmt.Printf("  %-42s %s\n", t.name, roundRates(t.warmup.rounds))
	}
	fmt.Printf("  %-42s %9s %9s %9s %8s %9s   %s\n", "worker", "req/s", "p50 ms", "p99 ms", "errors", "CPU ms", "req/s of each round")
	for _, t := range targets {
		s := t.create
		fmt.Printf("  %-42s %9.1f %9.1f %9.1f %8d %9.2f   %s\n", t.name, s.rate(), ms(s.pct(50)), ms(s.pct(99)), s.errors, s.cpuPerRequest(), roundRates(s.rounds))
	}
	g, j, pc := goW.create, jsW.create, peer.create
	printVersus("Go Worker / JS create peer", g, pc, true, "   (req/s: higher is better; p50, p99, CPU: lower is better)")
	fmt.Printf("  (CPU ms: CPU time of the Worker's workerd processes per request, from /proc: %s)\n", workerdParts())
	if slices.Contains(targets, floorW) {
		printVersus("Go floor / JS create peer", floorW.create, pc, false, "")
	}
	if slices.Contains(targets, otherW) {
		printVersus(otherW.name+" / JS create peer", otherW.create, pc, true, "")
		printVersus(otherW.name+" / Go Worker", otherW.create, g, true, "")
		if *compare == "" {
			fmt.Println("  (the same build twice: ratios between identical Workers, the spread of this run's ratios to the peer)")
		}
	}
	fmt.Printf("  %-42s %8.2fx %8.2fx %8.2fx\n", "Go Worker / JS baseline",
		g.rate()/j.rate(), ratio(g.pct(50), j.pct(50)), ratio(g.pct(99), j.pct(99)))
	if slices.Contains(targets, kvW) {
		k := kvW.create
		fmt.Printf("  %-42s %8.2fx %8.2fx %8.2fx\n", "JS with the store's KV work / JS baseline", k.rate()/j.rate(), ratio(k.pct(50), j.pct(50)), ratio(k.pct(99), j.pct(99)))
		fmt.Printf("  %-42s %8.2fx %8.2fx %8.2fx\n", "Go Worker / JS with the store's KV work", g.rate()/k.rate(), ratio(g.pct(50), k.pct(50)), ratio(g.pct(99), k.pct(99)))
	}
}

// medianRatio is the median of a[i]/b[i] over the rounds.
func medianRatio(a, b []float64) float64 {
	var r []float64
	for i := range min(len(a), len(b)) {
		if b[i] > 0 {
			r = append(r, a[i]/b[i])
		}
	}
	if len(r) == 0 {
		return 0
	}
	slices.Sort(r)
	if len(r)%2 == 1 {
		return r[len(r)/2]
	}
	return (r[len(r)/2-1] + r[len(r)/2]) / 2
}

func labelSuffix() string {
	if *label == "" {
		return ""
	}
	return " (" + *label + ")"
}

// serverConfig says what one wrangler dev of the benchmark runs.
type serverConfig struct {
	name    string
	config  string            // a wrangler.jsonc
	main    string            // overrides the configuration's main when not empty
	vars    map[string]string // its .dev.vars
	persist string            // --persist-to
	noAsset bool              // drop "assets"
}

// roundRates is the req/s of each round, rounded, for a table row.
func roundRates(rates []float64) string {
	each := make([]string, len(rates))
	for i, r := range rates {
		each[i] = fmt.Sprintf("%.0f", r)
	}
	return strings.Join(each, " ")
}

// printVersus prints a's create figures as ratios to b's (req/s, p50, p99, CPU), then the
// ratio of each round's req/s and, with cpu, of each round's CPU, with their medians.
func printVersus(name string, a, b *samples, cpu bool, note string) {
	fmt.Printf("  %-42s %8.2fx %8.2fx %8.2fx %8s %8.2fx%s\n", name,
		a.rate()/b.rate(), ratio(a.pct(50), b.pct(50)), ratio(a.pct(99), b.pct(99)), "", a.cpuPerRequest()/b.cpuPerRequest(), note)
	type row struct {
		what   string
		of, to []float64
	}
	rows := []row{{", each round", a.rounds, b.rounds}}
	if cpu {
		rows = append(rows, row{", CPU each round", a.roundCPU, b.roundCPU})
	}
	for _, r := range rows {
		fmt.Printf("  %-42s %9s", name+r.what, "")
		for i := range min(len(r.of), len(r.to)) {
			fmt.Printf(" %.2f", r.of[i]/r.to[i])
		}
		fmt.Printf("  (median %.2fx)\n", medianRatio(r.of, r.to))
	}
}

// startServer starts the wrangler dev of c (internal/testsupport/wrangler, as the end-to-end
// tests do) and returns when it is ready, without sending the Worker a request: the first one
// is measured.
func startServer(c serverConfig) (*wrangler.Server, error) {
	cfg, err := wrangler.ReadConfig(c.config)
	if err != nil {
		return nil, err
	}
	if c.main != "" {
		cfg["main"] = c.main
	}
	if *kvKind == "memory" {
		wrapper := filepath.Join(filepath.Dir(c.persist), c.name+"-memkv.mjs")
		src := fmt.Sprintf("import worker from %q;\nimport { withMemoryKV } from %q;\nexport default withMemoryKV(worker);\n",
			cfg["main"], filepath.Join(root, "worker", "bench", "memkv.mjs"))
		if err := os.WriteFile(wrapper, []byte(src), 0o644); err != nil {
			return nil, err
		}
		cfg["main"] = wrapper
	}
	if c.noAsset {
		delete(cfg, "assets")
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	return wrangler.Start(wrangler.Options{Name: "bench-" + c.name, Config: b, Vars: c.vars, Persist: c.persist, StopGrace: 5 * time.Second})
}

// post sends one create and returns its latency; anything but 201 is an error.
func (t *target) post(ctx context.Context) (time.Duration, error) {
	d, status, _, err := do(ctx, client, http.MethodPost, t.url, t.header, seed)
	if err == nil && status != http.StatusCreated {
		err = fmt.Errorf("POST %s: status %d", t.url, status)
	}
	return d, err
}

// load runs creates at the configured concurrency for d (and at most maxRequestsPerRound).
func (t *target) load(d time.Duration, s *samples) (int, error) {
	if time.Now().Add(d).After(deadline) {
		return 0, errors.New("out of time budget")
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var n atomic.Int64
	var wg sync.WaitGroup
	local := make([]samples, *concurrency)
	begin := time.Now()
	cpu0 := workerdCPU(t.srv.Pid())
	for i := 0; i < *concurrency; i++ {
		wg.Add(1)
		go func(s *samples) {
			defer wg.Done()
			for ctx.Err() == nil && n.Add(1) <= maxRequestsPerRound {
				d, err := t.post(context.Background())
				s.add(d, err == nil)
			}
		}(&local[i])
	}
	wg.Wait()
	elapsed := time.Since(begin)
	cpu := workerdCPU(t.srv.Pid()) - cpu0
	s.cpu += cpu
	total := 0
	for i := range local {
		s.merge(&local[i])
		total += len(local[i].d)
	}
	s.elapsed += elapsed
	s.rounds = append(s.rounds, float64(total)/elapsed.Seconds())
	if total > 0 {
		s.roundCPU = append(s.roundCPU, ms(cpu)/float64(total))
	}
	return total, nil
}

var client = &http.Client{
	Timeout: 60 * time.Second,
	Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64,
		IdleConnTimeout: 30 * time.Second, DisableCompression: true,
	},
}

// do sends one request, reads the whole answer and returns its latency.
func do(ctx context.Context, c *http.Client, method, url string, h http.Header, body []byte) (time.Duration, int, *http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, nil, err
	}
	if body == nil {
		req.Body = nil
	}
	req.Header = h.Clone()
	start := time.Now()
	res, err := c.Do(req)
	if err != nil {
		return time.Since(start), 0, nil, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return time.Since(start), res.StatusCode, res, err
}

// samples are latencies of successful requests, the number of failures and the time spent.
type samples struct {
	mu       sync.Mutex
	d        []time.Duration
	errors   int
	elapsed  time.Duration
	sorted   bool
	rounds   []float64     // req/s of each round
	cpu      time.Duration // CPU time of the Worker's workerd processes over the rounds
	roundCPU []float64     // its ms per request in each round
}

// cpuPerRequest is the workerd CPU time of one request, in ms.
func (s *samples) cpuPerRequest() float64 {
	if len(s.d)+s.errors == 0 {
		return 0
	}
	return ms(s.cpu) / float64(len(s.d)+s.errors)
}

func (s *samples) add(d time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok {
		s.d = append(s.d, d)
		s.sorted = false
	} else {
		s.errors++
	}
}

func (s *samples) merge(o *samples) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, o.d...)
	s.errors += o.errors
	s.sorted = false
}

func (s *samples) rate() float64 {
	if s.elapsed == 0 {
		return 0
	}
	return float64(len(s.d)) / s.elapsed.Seconds()
}

// pct is the p-th percentile (nearest rank).
func (s *samples) pct(p float64) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.d) == 0 {
		return 0
	}
	if !s.sorted {
		slices.Sort(s.d)
		s.sorted = true
	}
	i := int(float64(len(s.d))*p/100+0.999999) - 1
	return s.d[min(max(i, 0), len(s.d)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// bearer returns the Authorization header of a delegated token for user, signed with secret.
func bearer(secret, user string) http.Header {
	tok, err := auth.IssueHS256(secret, map[string]any{"sub": user, "scp": auth.PermissionReadWrite}, 2*time.Hour, time.Now())
	if err != nil {
		panic(err)
	}
	return http.Header{"Authorization": {"Bearer " + tok}}
}

func mergeHeader(a, b http.Header) http.Header {
	out := a.Clone()
	if out == nil {
		out = http.Header{}
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

var serverTiming = regexp.MustCompile(`kv;desc="([^"]*)"`)

// kvSamples are, per collection, a payload to create and a PATCH body that changes an order
// key (so the update moves the record in its lists). used's payload is the seed.
type kvSample struct{ collection, create, patch string }

var kvSamples = []kvSample{
	{"used", "", `{"lastUsed":{"lastAccessedDateTime":"2026-02-01T00:00:00Z"}}`},
	{"trending", `{"weight":"0.1583399742569597","lastModifiedDateTime":"2026-01-05T10:00:00Z",` +
		`"resourceVisualization":{"title":"Bench plan","type":"Word","containerType":"Site","containerDisplayName":"Docs",` +
		`"containerWebUrl":"https://contoso.sharepoint.com/sites/docs"},` +
		`"resourceReference":{"webUrl":"https://contoso.sharepoint.com/sites/docs/plan.docx","id":"drives/b!x/items/01","type":"microsoft.graph.driveItem"}}`,
		`{"weight":0.75}`},
	{"shared", `{"lastShared":{"sharedDateTime":"2026-01-05T10:00:00Z","sharingSubject":"Bench plan","sharingType":"Direct",` +
		`"sharedBy":{"address":"megan@contoso.com","displayName":"Megan Bowen","id":"c74dcd16"},"sharingReference":{}},` +
		`"resourceVisualization":{"title":"Bench plan","type":"Word","containerType":"Site"},` +
		`"resourceReference":{"webUrl":"https://contoso.sharepoint.com/sites/docs/plan.docx","id":"drives/b!x/items/01","type":"microsoft.graph.driveItem"}}`,
		`{"lastShared":{"sharedDateTime":"2026-02-01T00:00:00Z"}}`},
}

// kvOps makes, in each collection, one create, get, update, list page and delete, and reads
// the KV operations the adapter reports for each: rows of collection, request, counts.
func kvOps(t *target, secret string, samples []kvSample) ([][3]string, error) {
	h := mergeHeader(bearer(secret, "bench-kvops"), http.Header{"Content-Type": {"application/json"}})
	var out [][3]string
	for _, c := range samples {
		base := t.srv.Base + "/me/insights/" + c.collection
		body := []byte(c.create)
		if c.create == "" {
			body = seed
		}
		call := func(what, method, url string, body []byte, want int) (*http.Response, error) {
			_, status, res, err := do(context.Background(), client, method, url, h, body)
			if err == nil && status != want {
				err = fmt.Errorf("status %d, want %d", status, want)
			}
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", c.collection, what, err)
			}
			m := serverTiming.FindStringSubmatch(res.Header.Get("Server-Timing"))
			if m == nil {
				return nil, errors.New("this build does not report them (no Server-Timing kv entry)")
			}
			out = append(out, [3]string{c.collection, what, m[1]})
			return res, nil
		}
		// Records to list, first.
		for i := 0; i < 30; i++ {
			if _, status, _, err := do(context.Background(), client, "POST", base, h, body); err != nil || status != 201 {
				return nil, fmt.Errorf("%s create: %v %d", c.collection, err, status)
			}
		}
		res, err := call("create (POST)", "POST", base, body, 201)
		if err != nil {
			return nil, err
		}
		loc := res.Header.Get("Location")
		for _, r := range []struct {
			what, method, url string
			body              []byte
			want              int
		}{
			{"get (GET /{id})", "GET", loc, nil, 200},
			{"update (PATCH /{id})", "PATCH", loc, []byte(c.patch), 204},
			{"list page (GET ?$top=25, 31 records)", "GET", base + "?$top=25", nil, 200},
			{"delete (DELETE /{id})", "DELETE", loc, nil, 204},
		} {
			if _, err := call(r.what, r.method, r.url, r.body, r.want); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// printKVOps prints what kvOps counted.
func printKVOps(ops [][3]string) {
	fmt.Println("KV operations per request, by collection (counted by the Go Worker's adapter):")
	fmt.Printf("  %-9s %-38s %s\n", "", "request", "reads (get), writes (put), lists, deletes")
	for _, o := range ops {
		fmt.Printf("  %-9s %-38s %s\n", o[0], o[1], o[2])
	}
}

// seedRecords stores n records for user through the API, 16 at a time.
func seedRecords(t *target, secret, user string, n int) error {
	h := mergeHeader(bearer(secret, user), http.Header{"Content-Type": {"application/json"}})
	url := t.srv.Base + "/me/insights/used"
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || failed.Load() != nil || time.Now().After(deadline) {
					return
				}
				at := base.Add(time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05.0000000Z07:00")
				body := bytes.Replace(seed, []byte("2016-12-31T23:58:50.8669622+03:00"), []byte(at), 1)
				var err error
				for attempt := 0; attempt < 3; attempt++ {
					var status int
					_, status, _, err = do(context.Background(), client, "POST", url, h, body)
					if err == nil && status != 201 {
						err = fmt.Errorf("seeding %s: status %d", user, status)
					}
					if err == nil {
						break
					}
				}
				if err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return err
	}
	if time.Now().After(deadline) {
		return errors.New("seeding: out of time budget")
	}
	return nil
}

// listLatency measures GET ?$top=25 for the two users, one request at a time, alternating.
func listLatency(t *target, secret, smallUser, largeUser string) (*samples, *samples, error) {
	users := []string{smallUser, largeUser}
	hs := []http.Header{bearer(secret, smallUser), bearer(secret, largeUser)}
	out := []*samples{{}, {}}
	url := t.srv.Base + "/me/insights/used?$top=25"
	for i := -5; i < *listN; i++ { // five warm-up requests each
		for u := range users {
			d, status, _, err := do(context.Background(), client, "GET", url, hs[u], nil)
			if err == nil && status != 200 {
				err = fmt.Errorf("list of %s: status %d", users[u], status)
			}
			if err != nil {
				return nil, nil, err
			}
			if i >= 0 {
				out[u].add(d, true)
			}
		}
		if time.Now().After(deadline) {
			return nil, nil, errors.New("list: out of time budget")
		}
	}
	return out[0], out[1], nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

var versionField = regexp.MustCompile(`"version":\s*"([^"]+)"`)

func pkgVersion(name string) string {
	b, err := os.ReadFile(filepath.Join(root, "worker", "node_modules", name, "package.json"))
	if m := versionField.FindSubmatch(b); err == nil && m != nil {
		return string(m[1])
	}
	return "?"
}

func nodeVersion() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return "Node.js ?"
	}
	return "Node.js " + strings.TrimSpace(string(out))
}

func fileSize(p string) string {
	fi, err := os.Stat(p)
	if err != nil {
		return "?"
	}
	return strconv.FormatFloat(float64(fi.Size())/(1<<20), 'f', 1, 64) + " MiB"
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func relPath(p string) string {
	if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

var kindCount = flag.Int("kind-n", 150, "requests of each kind whose workerd CPU time is measured on each Worker")

// kindRow is one kind of request on both Workers: the KV operations each counted, and the
// workerd CPU time of one request of that kind on each.
type kindRow struct {
	what           string
	goOps, jsOps   string
	goCPU, jsCPU   float64 // ms per request
	goWall, jsWall time.Duration
}

// compareKinds counts the KV operations of each kind of request of used on both Workers, and
// measures the workerd CPU time of each kind: kind-n requests of it, 4 at once (creates first,
// then gets, list pages, updates and deletes of those records).
func compareKinds(goW, peer *target, secret string) ([]kindRow, error) {
	used := kvSamples[:1] // used: the peer serves only used
	goOps, err := kvOps(goW, secret, used)
	if err != nil {
		return nil, err
	}
	jsOps, err := kvOps(peer, secret, used)
	if err != nil {
		return nil, fmt.Errorf("JS create peer: %w", err)
	}
	rows := make([]kindRow, len(goOps))
	for i := range goOps {
		rows[i] = kindRow{what: goOps[i][1], goOps: goOps[i][2]}
		if i < len(jsOps) {
			rows[i].jsOps = jsOps[i][2]
		}
	}
	for _, side := range []struct {
		t    *target
		cpu  func(r *kindRow) *float64
		wall func(r *kindRow) *time.Duration
	}{
		{goW, func(r *kindRow) *float64 { return &r.goCPU }, func(r *kindRow) *time.Duration { return &r.goWall }},
		{peer, func(r *kindRow) *float64 { return &r.jsCPU }, func(r *kindRow) *time.Duration { return &r.jsWall }},
	} {
		t := side.t
		h := mergeHeader(bearer(secret, "bench-kinds"), http.Header{"Content-Type": {"application/json"}})
		base := t.srv.Base + "/me/insights/used"
		locs := make([]string, *kindCount)
		patch := []byte(kvSamples[0].patch)
		steps := []struct {
			method string
			url    func(i int) string
			body   []byte
			want   int
		}{
			{"POST", func(int) string { return base }, seed, 201},
			{"GET", func(i int) string { return locs[i] }, nil, 200},
			{"PATCH", func(i int) string { return locs[i] }, patch, 204},
			{"GET", func(int) string { return base + "?$top=25" }, nil, 200},
			{"DELETE", func(i int) string { return locs[i] }, nil, 204},
		}
		// Twice, the figures of the second time kept: V8 compiles the optimized code of what
		// each kind runs when it first gets busy, on background threads of the same process.
		for range 2 {
			for k, st := range steps {
				var next atomic.Int64
				var failed atomic.Value
				var wg sync.WaitGroup
				var lat samples
				cpu0 := workerdCPU(t.srv.Pid())
				for w := 0; w < 4; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := int(next.Add(1)) - 1
							if i >= *kindCount || failed.Load() != nil {
								return
							}
							d, status, res, err := do(context.Background(), client, st.method, st.url(i), h, st.body)
							if err == nil && status != st.want {
								err = fmt.Errorf("%s %s: status %d", st.method, st.url(i), status)
							}
							if err != nil {
								failed.Store(err)
								return
							}
							lat.add(d, true)
							if st.method == "POST" {
								locs[i] = res.Header.Get("Location")
							}
						}
					}()
				}
				wg.Wait()
				if err, _ := failed.Load().(error); err != nil {
					return nil, fmt.Errorf("%s: %w", t.name, err)
				}
				if time.Now().After(deadline) {
					return nil, errors.New("request kinds: out of time budget")
				}
				// kvOps lists create, get, update, list page, delete: the order of steps.
				*side.cpu(&rows[k]) = ms(workerdCPU(t.srv.Pid())-cpu0) / float64(*kindCount)
				*side.wall(&rows[k]) = lat.pct(50)
			}
		}
	}
	return rows, nil
}

// printKinds prints what compareKinds measured.
func printKinds(rows []kindRow, err error) {
	fmt.Printf("Each kind of request of used on both Workers: the KV operations each counted, and the CPU time of workerd\n")
	fmt.Printf("(%s) per request over %d requests of the kind, 4 at once, and their p50\n", workerdParts(), *kindCount)
	if err != nil {
		fmt.Printf("  not measured: %v\n", err)
		return
	}
	fmt.Printf("  %-38s %-34s %-34s %7s %7s %6s %8s %8s\n", "request", "Go Worker KV", "JS create peer KV", "Go CPU", "JS CPU", "Go/JS", "Go p50", "JS p50")
	for _, r := range rows {
		fmt.Printf("  %-38s %-34s %-34s %7.2f %7.2f %5.2fx %8.1f %8.1f\n", r.what, r.goOps, r.jsOps, r.goCPU, r.jsCPU, r.goCPU/r.jsCPU, ms(r.goWall), ms(r.jsWall))
	}
	fmt.Println("  (CPU and p50 in ms)")
}
