# The Makefile is the build and test contract: CI runs `make test` (via .ci/run), nothing else.

GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
WASM_ENV  := GOOS=js GOARCH=wasm
# Reproducible builds: no paths, symbols or build ids in the binaries.
BUILDFLAGS := -trimpath -ldflags='-s -w -buildid='
# go test -exec for GOOS=js: go_js_wasm_exec runs the test binary under Node.js.
JS_PATH   := $(GOROOT)/lib/wasm:$(PATH)
GO_SRC    := $(shell find internal wasm -name '*.go' -not -name '*_test.go') go.mod go.sum
FUZZTIME  ?= 10s

.PHONY: all test vet fmt-check unit test-js fuzz fuzz-long test-node wasm bench bench-go bench-node clean

all: wasm

## test: every test: vet, format, unit, the core under GOOS=js in Node, short fuzzing, Node tests of the wasm API.
test: vet fmt-check unit test-js fuzz test-node
	@echo "make test: all passed"

vet:
	$(GO) vet ./...
	$(WASM_ENV) $(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l internal wasm); if [ -n "$$out" ]; then echo "gofmt -l reports unformatted files:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -count=1 ./...

## test-js: the core's tests compiled to WebAssembly and run under Node.js.
test-js:
	PATH="$(JS_PATH)" $(WASM_ENV) $(GO) test -count=1 ./internal/...

## fuzz: a short run of every fuzz target (FUZZTIME each); fuzz-long: a longer one.
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzCheck$$' -fuzztime=$(FUZZTIME) ./internal/jsoncheck
	$(GO) test -run='^$$' -fuzz='^FuzzValidate$$' -fuzztime=$(FUZZTIME) ./internal/insight
	$(GO) test -run='^$$' -fuzz='^FuzzBuild$$' -fuzztime=$(FUZZTIME) ./internal/insight

fuzz-long:
	$(MAKE) fuzz FUZZTIME=5m

## wasm: the browser module and its matching Go runtime glue.
wasm: web/insight.wasm web/wasm_exec.js

web/insight.wasm: $(GO_SRC)
	$(WASM_ENV) $(GO) build $(BUILDFLAGS) -o $@ ./wasm

web/wasm_exec.js: $(GOROOT)/lib/wasm/wasm_exec.js
	cp $< $@

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

test-node: wasm web/node_modules/.installed
	cd web && node --test test/

## bench: the benchmarks of SPEC §9 that exist so far.
bench: bench-go bench-node

bench-go:
	$(GO) test -run='^$$' -bench=. -benchmem ./internal/...

bench-node: wasm web/node_modules/.installed
	cd web && node bench/validate.bench.mjs

clean:
	rm -f web/insight.wasm web/wasm_exec.js
	rm -rf web/node_modules
