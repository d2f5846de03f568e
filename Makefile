# matterctl — build, test and release tasks. `make help` lists them.

GO        ?= go
PKG       := github.com/matterctl/matterctl
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE      ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS   := -s -w -X $(PKG)/internal/build.Version=$(VERSION) -X $(PKG)/internal/build.Commit=$(COMMIT) -X $(PKG)/internal/build.Date=$(DATE)
# Release build tags, each documented by its library; .goreleaser.yaml uses the same list.
#   grpcnotrace: gRPC (pulled in by mattermost/model via go-plugin) leaves out golang.org/x/net/trace,
#     whose html/template use otherwise makes the linker keep every exported method (+7 MB).
#   testify_yaml_fail: testify (imported by mattermost/model) leaves out gopkg.in/yaml.v3.
BUILD_TAGS := grpcnotrace,testify_yaml_fail
# `make size-check` fails above this: the size of the release before the cobra 1.10 / tablewriter 1.1 /
# huh v2 upgrade. A jump of several MB means the linker lost dead-method elimination: something
# reachable calls text/template or reflect's Method/MethodByName with a non-constant name (on Go 1.26
# also protobuf older than v1.36.12); `go build -ldflags=-dumpdep` marks the culprit <ReflectMethod>.
MAX_BIN_BYTES := 21819554
BIN       := bin/matterctl
# The sandbox: PostgreSQL + Mattermost on loopback for the demo, the e2e tests and the benchmarks.
SANDBOX   := bin/sandbox
DEMO_DIR  ?= $(CURDIR)/.sandbox/demo
E2E_TIMEOUT ?= 40m

SHELL     := /bin/bash
export GOFLAGS := -buildvcs=false

.PHONY: help build size-check test test-unit test-fuzz test-e2e fuzz docs demo demo-stop lint bench bench-e2e clean sandbox-build $(SANDBOX)

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/matterctl with version information
	CGO_ENABLED=0 $(GO) build -trimpath -tags '$(BUILD_TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/matterctl

size-check: build ## fail if bin/matterctl is larger than MAX_BIN_BYTES
	@size=$$(wc -c < $(BIN)); echo "$(BIN): $$size bytes (limit $(MAX_BIN_BYTES))"; \
	if [ "$$size" -gt $(MAX_BIN_BYTES) ]; then echo "$(BIN) is larger than $(MAX_BIN_BYTES) bytes" >&2; exit 1; fi

# The fuzz run of `make test` runs at the lowest priority (SCHED_IDLE starves it: the end-to-end
# tests leave too little CPU entirely idle).
IDLE := nice -n 19

test: ## run every test: unit (with the fuzz seed inputs), then end-to-end against a real server, with a short run of every fuzz target alongside
	@# Three things at once, to keep make test short on a fresh machine: the unit tests; the
	@# server's download and build (mostly network, then one core); and the fuzz run, at the
	@# lowest priority. Each one's output is printed whole, in that order.
	@$(IDLE) env FUZZPARALLEL=1 .ci/fuzz.sh $(FUZZTIME_SHORT) > .fuzz.log 2>&1 & fuzz=$$!; \
	$(MAKE) --no-print-directory sandbox-build > .sandbox-build.log 2>&1 & server=$$!; \
	$(MAKE) --no-print-directory test-unit; unit=$$?; \
	wait $$server; built=$$?; cat .sandbox-build.log; \
	e2e=1; if [ $$unit -eq 0 ] && [ $$built -eq 0 ]; then $(MAKE) --no-print-directory test-e2e; e2e=$$?; else kill $$fuzz 2>/dev/null; fi; \
	wait $$fuzz; fz=$$?; \
	echo "== fuzz, $(FUZZTIME_SHORT) per target (make fuzz for longer runs)"; cat .fuzz.log; \
	if [ $$fz -ne 0 ]; then echo "the fuzz run failed" >&2; fi; \
	[ $$unit -eq 0 ] && [ $$built -eq 0 ] && [ $$e2e -eq 0 ] && [ $$fz -eq 0 ]

test-unit: ## unit tests (no server needed), with the fuzz targets' seed inputs, and the fuzz script's own tests
	$(GO) test -race -count=1 ./...
	.ci/fuzz_test.sh

# How long `make test` and `make test-fuzz` fuzz each target, and `make fuzz`.
FUZZTIME_SHORT ?= 5s
FUZZTIME       ?= 2m

test-fuzz: ## every fuzz target for FUZZTIME_SHORT each (default 5s)
	.ci/fuzz.sh $(FUZZTIME_SHORT)

fuzz: ## every fuzz target for FUZZTIME each (default 2m); a failing input is left in the package's testdata/fuzz
	.ci/fuzz.sh $(FUZZTIME)

test-e2e: build sandbox-build ## end-to-end tests: the binary against PostgreSQL + Mattermost on loopback
	MATTERCTL_BIN=$(CURDIR)/$(BIN) $(GO) test -tags e2e -count=1 -timeout $(E2E_TIMEOUT) ./e2e/

sandbox-build: $(SANDBOX) ## build (or reuse) the Mattermost server binary used by the tests and the demo
	$(SANDBOX) build

$(SANDBOX):
	CGO_ENABLED=0 $(GO) build -o $(SANDBOX) ./e2e/cmd/sandbox

docs: ## regenerate docs/ (markdown and man pages) from the command tree
	$(GO) run ./cmd/gen-docs -dir docs

demo: build $(SANDBOX) ## start a local sandbox server, log in as profile "sandbox" in its own credentials file and tour the commands
	$(SANDBOX) demo "$(DEMO_DIR)" "$(CURDIR)/$(BIN)"

demo-stop: $(SANDBOX) ## stop the demo sandbox
	$(SANDBOX) stop "$(DEMO_DIR)"

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^e2e/mmserver/')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags e2e ./e2e/

bench: ## benchmarks: Go micro-benchmarks, then matterctl against a real server
	$(GO) test -run '^$$' -bench . -benchmem ./client/ ./printer/ ./commands/...
	$(MAKE) bench-e2e

# BENCH selects benchmarks by regexp (e.g. BENCH=UserListAll), BENCH_COUNT repeats each one.
# MATTERCTL_E2E_STATE=DIR reuses a running sandbox instead of starting a fresh one.
BENCH       ?= .
BENCH_COUNT ?= 1
bench-e2e: build sandbox-build ## server benchmarks (direct and +10 ms each way): user list --all, user (de)activate 500, team/channel users add 500, team users list 20 000, channel list 2 000, webhook list 500 hooks in 50 teams, webhook send, plugin add 100 MB (time and peak RSS); MATTERCTL_BENCH_MMCTL=PATH adds mmctl
	MATTERCTL_BIN=$(CURDIR)/$(BIN) MATTERCTL_BENCH=1 $(GO) test -tags e2e -count=$(BENCH_COUNT) -timeout 60m -run '^$$' -bench '$(BENCH)' -benchtime 1x ./e2e/

clean: ## remove build output (not the cached server binary)
	rm -rf bin dist .e2e.log .fuzz.log .sandbox-build.log
