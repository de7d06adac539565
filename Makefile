# The Makefile is the build and test contract: CI runs `make test` (via .ci/run), nothing else.

GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
WASM_ENV  := GOOS=js GOARCH=wasm
# Reproducible builds: no paths, symbols or build ids in the binaries.
BUILDFLAGS := -trimpath -ldflags='-s -w -buildid='
# go test -exec for GOOS=js: go_js_wasm_exec runs the test binary under Node.js.
JS_PATH   := $(GOROOT)/lib/wasm:$(PATH)
GO_SRC    := $(shell find internal third_party -name '*.go' -not -name '*_test.go') go.mod go.sum
# Fuzzing budgets are counts, not durations: Go 1.26's fuzz coordinator can fail a run that is
# bound by time at its deadline with no failing input (golang/go#75804, fixed in Go 1.27).
# FUZZTIME executions per target; FUZZMINIMIZE executions to shrink each new input.
FUZZTIME  ?= 200000x
FUZZMINIMIZE ?= 1000x
# wrangler, pinned in worker/package-lock.json; run offline (no fetches, no metrics).
WRANGLER  := ./node_modules/.bin/wrangler
OFFLINE   := CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_SEND_METRICS=false
PORT      ?= 8787
DEBUG_PORT ?= 9229

.PHONY: all test vet fmt-check unit test-sdk test-clients test-js fuzz fuzz-long test-node test-e2e test-browser test-openapi wasm worker web-bundle web-precompressed web-sw chromium dev deploy bench bench-go bench-node bench-browser clean

all: wasm worker

## test: every test: vet, format, unit, the core under GOOS=js in Node, short fuzzing, Node tests of the wasm API.
test: vet fmt-check unit test-sdk test-clients test-js fuzz test-node test-e2e test-browser test-openapi
	@echo "make test: all passed"

vet:
	$(GO) vet ./...
	$(WASM_ENV) $(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l internal wasm worker web/test); if [ -n "$$out" ]; then echo "gofmt -l reports unformatted files:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -count=1 ./...
	$(GO) test -count=1 github.com/tidwall/pretty github.com/tidwall/sjson # go.mod's third_party copies

## test-sdk: the API through Microsoft's Graph SDK for Go (worker/sdktest, its own module), in-process
## and on a `wrangler dev` of the Worker, and the playground's Go SDK snippets compiled and run
## there. The first run downloads the SDK and compiles its models and users packages (about 5
## minutes on 2 cores).
test-sdk: worker worker/node_modules/.installed
	cd worker/sdktest && $(GO) test -count=1 ./...

## test-clients: Microsoft's JavaScript Graph client (pinned in worker/clienttest/package-lock.json)
## against the Worker on its own `wrangler dev --local-protocol https`, the playground's JavaScript
## client snippets run there, and its Postman export run by newman (pinned there too).
test-clients: wasm worker web-bundle web-precompressed web-sw worker/node_modules/.installed worker/clienttest/node_modules/.installed
	cd worker/clienttest && npm test

worker/clienttest/node_modules/.installed: worker/clienttest/package.json worker/clienttest/package-lock.json
	cd worker/clienttest && npm ci --no-audit --no-fund
	touch $@

## test-js: the core's tests compiled to WebAssembly and run under Node.js.
test-js:
	PATH="$(JS_PATH)" $(WASM_ENV) $(GO) test -count=1 ./internal/...

## fuzz: a short run of every fuzz target (FUZZTIME executions each, about 5 to 20 s each);
## fuzz-long: a longer one (5,000,000 each).
fuzz = $(GO) test -run='^$$' -fuzz='^$(1)$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZE) ./internal/$(2)
fuzz:
	$(call fuzz,FuzzCheck,jsoncheck)
	$(call fuzz,FuzzReader,jsoncheck)
	$(call fuzz,FuzzValidate,insight)
	$(call fuzz,FuzzBuild,insight)
	$(call fuzz,FuzzParseQuery,odata)
	$(call fuzz,FuzzVerify,auth)
	$(call fuzz,FuzzVerifyClaims,auth)
	$(call fuzz,FuzzClaimsReader,auth)
	$(call fuzz,FuzzParseDiscovery,auth)
	$(call fuzz,FuzzIssuerMatch,auth)
	$(call fuzz,FuzzToken,store)
	$(call fuzz,FuzzCursor,kvstore)

fuzz-long:
	$(MAKE) fuzz FUZZTIME=5000000x FUZZMINIMIZE=60s

## wasm: the browser module and its matching Go runtime glue.
wasm: web/insight.wasm web/wasm_exec.js

# The browser module (the target is at most 800 KB brotli-compressed) compiles internal/snippet
# without inlining: its code generators write many small strings, and without inlining they take
# about 20 KB less. It no longer links fmt, os and encoding/json (go.mod's replaces of
# tidwall/pretty and tidwall/sjson say why).
WEB_GCFLAGS := -gcflags=github.com/usedinsight/usedinsight/internal/snippet=-l

web/insight.wasm: $(GO_SRC) $(wildcard wasm/*.go) Makefile
	$(WASM_ENV) $(GO) build $(BUILDFLAGS) $(WEB_GCFLAGS) -o $@ ./wasm

web/wasm_exec.js: $(GOROOT)/lib/wasm/wasm_exec.js
	cp $< $@

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

test-node: wasm web/node_modules/.installed
	cd web && node --test test/*.test.mjs

## test-e2e: the Worker on a real `wrangler dev` (workerd, local KV), driven over HTTP.
test-e2e: wasm worker web-precompressed web-sw worker/node_modules/.installed
	$(GO) test -count=1 -tags e2e ./worker/e2e/

## test-openapi: /openapi.json checked by swagger-parser, its schemas against the validator's
## corpora (ajv), and its TypeScript types (openapi-typescript, tsc) driving the Worker on a real
## `wrangler dev` through openapi-fetch (worker/openapitest).
test-openapi: wasm worker web-precompressed web-sw worker/node_modules/.installed worker/openapitest/node_modules/.installed
	cd worker/openapitest && rm -rf build gen && node generate.mjs && ./node_modules/.bin/tsc -p . && \
		node --test --test-concurrency=1 --test-timeout=600000 document.test.mjs corpus.test.mjs build/client.test.js

worker/openapitest/node_modules/.installed: worker/openapitest/package.json worker/openapitest/package-lock.json
	cd worker/openapitest && npm ci --no-audit --no-fund
	touch $@

## web-bundle: the playground's CodeMirror editor and UI, bundled by esbuild (pinned in web/).
web-bundle: web/dist/playground.js

web/dist/playground.js: web/node_modules/.installed $(wildcard web/src/*.mjs)
	cd web && npm run build

## web-precompressed: brotli (quality 11) and gzip (level 9) copies of the page's two large files,
## which the Worker sends as they are (worker/precompressed.mjs) instead of compressing them for
## every request. Whatever serves web/ needs them; the browser tests check they are up to date.
PRECOMPRESSED := $(foreach f,web/insight.wasm web/dist/playground.js,$(f).br $(f).gz)
web-precompressed: $(PRECOMPRESSED)

# With Node.js's zlib (nothing else to install), written under a temporary name and renamed:
# every wrangler dev serving web/ watches it.
compress = node -e 'const zlib = require("zlib"), fs = require("fs"); \
	const [src, dst, enc] = process.argv.slice(1), b = fs.readFileSync(src); \
	const out = enc === "br" \
		? zlib.brotliCompressSync(b, {params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length}}) \
		: zlib.gzipSync(b, {level: 9}); \
	fs.writeFileSync(dst + ".tmp", out); fs.renameSync(dst + ".tmp", dst)' $(1) $(2) $(3)

$(filter %.br,$(PRECOMPRESSED)): %.br: %
	$(call compress,$<,$@,br)

$(filter %.gz,$(PRECOMPRESSED)): %.gz: %
	$(call compress,$<,$@,gzip)

## web-sw: web/sw-version.js, the build version the service worker (web/sw.js) caches the page
## under: SHA-256 of each file it caches and a hash of them all. Whatever serves web/ needs it.
SW_CACHED := $(addprefix web/,index.html playground.css theme.js favicon.svg boot.mjs insight.mjs wasm_exec.js insight.wasm dist/playground.js _headers)
web-sw: web/sw-version.js

web/sw-version.js: $(SW_CACHED) web/scripts/sw-version.mjs
	node web/scripts/sw-version.mjs web

# Debian's chromium for the browser tests: installed when missing and running as root.
chromium:
	@if [ -n "$$CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	else \
		echo "The browser tests need Chromium: install it with 'sudo apt-get install -y chromium' (Debian, Ubuntu)," >&2; \
		echo "or set CHROMIUM=/path/to/chromium-or-chrome." >&2; exit 1; \
	fi

## test-browser: the playground in headless Chromium against a real `wrangler dev`.
test-browser: wasm worker web-bundle web-precompressed web-sw worker/node_modules/.installed chromium
	cd web && node --test --test-concurrency=1 --test-timeout=600000 e2e/

## worker: the Go Worker (worker/build/app.wasm) and its JavaScript entry: worker/entry.mjs
## (as worker.mjs), worker/host.mjs (one Go runtime per isolate) and worker/precompressed.mjs;
## wasm_exec.js from syumai/workers.
worker: worker/build/app.wasm

worker/build/app.wasm: $(GO_SRC) $(wildcard worker/*.go) worker/entry.mjs worker/host.mjs worker/precompressed.mjs
	rm -rf worker/build
	$(GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o worker/build
	rm worker/build/worker.mjs worker/build/runtime.mjs
	cp worker/entry.mjs worker/build/worker.mjs
	cp worker/host.mjs worker/precompressed.mjs worker/build/
	$(WASM_ENV) $(GO) build $(BUILDFLAGS) -o $@ ./worker

worker/node_modules/.installed: worker/package.json worker/package-lock.json
	cd worker && npm ci --no-audit --no-fund
	touch $@

# Local development secrets, made once: a random AUTH_SECRET and /dev/token enabled.
worker/.dev.vars:
	printf 'AUTH_SECRET=%s\nDEV_TOKENS=1\n' "$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" > $@

## dev: the playground and API at http://127.0.0.1:$(PORT) with local KV kept in worker/.wrangler/state.
dev: wasm worker web-bundle web-precompressed web-sw worker/node_modules/.installed worker/.dev.vars
	cd worker && $(OFFLINE) $(WRANGLER) dev --ip 127.0.0.1 --port $(PORT) --inspector-port $(DEBUG_PORT) \
		--persist-to .wrangler/state $(if $(filter 1,$(HTTPS)),--local-protocol https)

## deploy: publish to Cloudflare (README: create the KV namespace and set AUTH_SECRET first).
deploy: wasm worker web-bundle web-precompressed web-sw worker/node_modules/.installed
	cd worker && $(WRANGLER) deploy

## bench: every benchmark: the Go core, the wasm module in Node.js and in Chromium, and the Worker.
## Each one's output is shown and written to worker/docs/bench/<target>.md (worker/docs/benchmarks.md
## links them and says how they measure); the README's summary table is updated by hand from them.
bench: bench-go bench-node bench-browser bench-worker

# bench-record TARGET, COMMAND: runs COMMAND, shows its standard output and, when it succeeds,
# writes it with the date, commit and machine to $(BENCH_DOCS)/TARGET.md.
BENCH_DOCS := $(CURDIR)/worker/docs/bench
bench-record = mkdir -p $(BENCH_DOCS) && f=$(BENCH_DOCS)/$(1).md && \
	{ ( $(2) ); echo $$? > $$f.rc; } | tee $$f.out; rc=$$(cat $$f.rc); rm -f $$f.rc; \
	if [ "$$rc" = 0 ]; then \
		when="$$(date -u '+%Y-%m-%d %H:%M UTC'), commit $$(git rev-parse --short HEAD)$$(git diff --quiet HEAD -- . ':(exclude,top)worker/docs/bench' || echo ' with uncommitted changes');"; \
		where="$$($(GO) env GOVERSION), Node.js $$(node --version), $$(nproc) CPUs, load average $$(cut -d' ' -f1-3 /proc/loadavg)."; \
		{ echo '<!-- Written by `make $(1)`: run it again rather than editing this file. -->'; \
		echo '\# `make $(1)`'; echo; echo "$$when $$where"; \
		echo; echo '```'; cat $$f.out; echo '```'; } > $$f; fi; \
	rm -f $$f.out; exit $$rc

bench-go:
	@$(call bench-record,bench-go,$(GO) test -run='^$$' -bench=. -benchmem ./internal/...)

bench-node: wasm web/node_modules/.installed
	@$(call bench-record,bench-node,cd web && node bench/validate.bench.mjs)

## bench-browser: wasm size, ready time and validate vs ajv in headless Chromium.
bench-browser: wasm worker web-bundle web-precompressed web-sw worker/node_modules/.installed chromium
	@$(call bench-record,bench-browser,cd web && GO=$(GO) node bench/browser.bench.mjs)

## bench-worker: the Go Worker against minimal JavaScript Workers on local `wrangler dev`,
## alternating rounds, plus list latency, cold start and a CPU profile; then the create rounds
## again with KV in memory, the Workers' own CPU time (worker/bench; about a quarter of an hour).
.PHONY: bench-worker
bench-worker: worker worker/node_modules/.installed
	@$(call bench-record,bench-worker,$(GO) run ./worker/bench && echo && $(GO) run ./worker/bench -kv memory -cold 1 -warmup 20s)

clean:
	rm -f web/insight.wasm web/insight.wasm.br web/insight.wasm.gz web/wasm_exec.js web/sw-version.js
	rm -rf web/node_modules web/dist worker/node_modules worker/build worker/clienttest/node_modules
	rm -rf worker/openapitest/node_modules worker/openapitest/build worker/openapitest/gen
