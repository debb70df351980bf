# pamaudit: `make run` shows it working, `make test` runs every test.
SHELL := /bin/bash
GO ?= go
FUZZTIME ?= 10s
BENCHTIME ?= 1s

# Every fuzz target, as package:Function.
FUZZ_TARGETS := \
	./core:FuzzParsePassMan ./core:FuzzParseCAPAM ./core:FuzzParseNetwrix \
	./core:FuzzSplitter ./internal/jsonwalk:FuzzJSONWalker \
	./internal/envelope/syslog:FuzzRFC5424 ./internal/envelope/syslog:FuzzRFC3164 ./fluentbit:FuzzChunk \
	./otelprocessor:FuzzProcessRecord ./core:FuzzRedactionProperty

# The collector distribution (builder-config.yaml) and its builder.
BUILDER_VERSION := v0.160.0
BUILDER := bin/builder
OTELCOL := build/otelcol-pamaudit/otelcol-pamaudit
GO_SOURCES := $(shell find core record otelprocessor internal -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod go.sum

# The Fluent Bit plugin, the same with fault injection for the harness's
# panic test (-tags pamaudit_faults; never shipped), and the C harness that
# drives them as Fluent Bit does.
PLUGIN := build/pamaudit.so
PLUGIN_FAULTS := build/pamaudit-faults.so
HARNESS := build/flb-harness
PLUGIN_SOURCES := $(GO_SOURCES) $(shell find record fluentbit -name '*.go' -not -name '*_test.go' -not -path 'fluentbit/flbsim/*' 2>/dev/null)

# Container images (deploy/images, `make images`), tagged with the
# distribution's version. The Kubernetes manifests and Helm values under
# deploy/ name exactly these (deploy's tests check it).
REGISTRY ?= ghcr.io/pamaudit
IMAGE_TAG ?= $(shell sed -n 's/^  version: //p' builder-config.yaml)
OTELCOL_IMAGE := $(REGISTRY)/otelcol-pamaudit:$(IMAGE_TAG)
FLUENTBIT_IMAGE := $(REGISTRY)/fluent-bit-pamaudit:$(IMAGE_TAG)
PLUGIN_IMAGE := $(REGISTRY)/pamaudit-fluent-bit-plugin:$(IMAGE_TAG)
DOCKER ?= docker

.PHONY: all build test unit race lint run parse bench fuzz clean otelcol fluentbit deploy images bench-fluentbit bench-floor fluentbit-suite fluentbit-faults

all: build

build: fluentbit
	$(GO) build ./...
	$(GO) build -o bin/pamaudit ./cmd/pamaudit

## test: every test, as CI runs it: lint, unit and golden tests, the
## collector end-to-end test on the distribution, and every fuzz target's
## committed inputs (plain `go test` runs them). No open-ended fuzzing: CI
## must not pass or fail by luck.
# The plugin's build, unit, race and deploy run side by side (-O keeps
# each one's output together): they compile different packages (the
# plugin's with -shared, race's with -race, deploy's module of its own),
# and their tests spend much of their time waiting on processes and
# sockets, so on an empty build cache they take minutes less together than
# one after another. (lint first: its go vet compiles what the others share.)
test: lint otelcol
	$(MAKE) -j4 -O fluentbit unit race deploy

unit: fluentbit
	PAMAUDIT_E2E=1 PAMAUDIT_PLUGIN=$(CURDIR)/$(PLUGIN) PAMAUDIT_PLUGIN_FAULTS=$(CURDIR)/$(PLUGIN_FAULTS) PAMAUDIT_HARNESS=$(CURDIR)/$(HARNESS) $(GO) test -count=1 ./...

# Concurrent flushes (Fluent Bit workers) and concurrent ConsumeLogs calls
# under the race detector.
race:
	$(GO) test -count=1 -race -run 'Concurrent|TestProcessor' ./fluentbit ./otelprocessor

## deploy: the tests of deploy/ (a module of its own: the Kubernetes and
## kustomize dependencies stay out of the main module): manifests and
## overlays decoded strictly, the collector's pipeline run by the
## distribution, the Fluent Bit pipeline's output given to the real plugin.
deploy: otelcol fluentbit
	cd deploy && $(GO) vet ./... && \
	PAMAUDIT_OTELCOL=$(CURDIR)/$(OTELCOL) PAMAUDIT_PLUGIN=$(CURDIR)/$(PLUGIN) PAMAUDIT_HARNESS=$(CURDIR)/$(HARNESS) \
		$(GO) test -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## run: build the collector distribution (first time: a few minutes) and run
## it on the bundled example logs of every product; Ctrl-C stops it.
run: otelcol
	$(OTELCOL) --config examples/otelcol/config.yaml

## parse: the same logs through `pamaudit parse`, no collector needed.
parse:
	$(GO) run ./cmd/pamaudit parse examples/logs/*.log

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

## bench-fluentbit: the plugin beside Fluent Bit's own regex parser and
## beside tail -> null, each in a real Fluent Bit process, on the same
## generated PassMan input (scripts/bench-fluentbit.sh; N, SIZE, GRACE, RUNS,
## PAMAUDIT_KEYS as there). Needs FLUENT_BIT=/path/to/fluent-bit; not part of
## `make test`.
bench-fluentbit: $(PLUGIN)
	$(FLUENT_BIT_SCRIPT)

# The recipe of the targets that run scripts/<target>.sh in a real Fluent Bit.
FLUENT_BIT_SCRIPT = @test -n "$(FLUENT_BIT)" || { echo "set FLUENT_BIT=/path/to/fluent-bit"; exit 1; }; \
	echo "FLUENT_BIT=$(FLUENT_BIT) PLUGIN=$(PLUGIN) scripts/$@.sh"; FLUENT_BIT=$(FLUENT_BIT) PLUGIN=$(PLUGIN) scripts/$@.sh

## fluentbit-suite: the plugin in a real Fluent Bit, check by check (stdout,
## otlp, forward loop-back, syslog input, two instances, workers, Grace,
## filesystem storage across a restart), each PASS or FAIL with its counts
## (scripts/fluentbit-suite.sh; CHECKS, N as there). fluentbit-faults: the
## OTLP endpoint down for 10 s, Fluent Bit killed with SIGKILL
## (scripts/fluentbit-faults.sh). Both need FLUENT_BIT=/path/to/fluent-bit;
## not part of `make test`.
fluentbit-suite: $(PLUGIN)
	$(FLUENT_BIT_SCRIPT)

fluentbit-faults: $(PLUGIN)
	$(FLUENT_BIT_SCRIPT)

## bench-floor: the collector processor's CPU time per record against the
## floor of its job, the same finished records written into pdata with no
## parsing, per product (scripts/bench-floor.sh; ROUNDS, SHORT, LONG,
## PRODUCTS, BINS as there). Not part of `make test`.
bench-floor:
	scripts/bench-floor.sh

## fuzz: every fuzz target for FUZZTIME each (make fuzz FUZZTIME=10m). The
## inputs it finds interesting grow a local corpus in Go's cache
## ($(go env GOCACHE)/fuzz), outside git. Only an input that fails is written
## to <package>/testdata/fuzz/<Target>/: rename it after what it shows, fix
## the bug, and commit it as a regression case (no generated corpora in git).
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== $$fn ($(FUZZTIME))"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME); \
	done

## otelcol: install the collector builder and build otelcol-pamaudit into build/.
otelcol: $(OTELCOL)

$(BUILDER):
	GOBIN=$(CURDIR)/bin $(GO) install go.opentelemetry.io/collector/cmd/builder@$(BUILDER_VERSION)

# The builder writes the distribution's sources and fetches its modules;
# the go command compiles them with its default flags. (The builder's own
# compile adds -trimpath and CGO_ENABLED=0, so every package, the standard
# library first, was compiled a second time beside the tests' builds: on an
# empty build cache that was minutes of make test. The images set
# CGO_ENABLED=0 for a static binary; -s -w only strips the link.)
$(OTELCOL): $(BUILDER) builder-config.yaml $(GO_SOURCES)
	mkdir -p build
	$(BUILDER) --config builder-config.yaml --skip-compilation
	cd $(dir $(OTELCOL)) && $(GO) build -ldflags='-s -w' -o $(notdir $(OTELCOL)) .

## fluentbit: the plugin (pamaudit.so), its faults build and the harness,
## into build/.
fluentbit: $(PLUGIN) $(PLUGIN_FAULTS) $(HARNESS)

$(PLUGIN): $(PLUGIN_SOURCES)
	mkdir -p build
	$(GO) build -buildmode=c-shared -o $@ ./fluentbit

$(PLUGIN_FAULTS): $(PLUGIN_SOURCES)
	mkdir -p build
	$(GO) build -buildmode=c-shared -tags pamaudit_faults -o $@ ./fluentbit

$(HARNESS): fluentbit/harness/harness.c
	mkdir -p build
	gcc -O2 -Wall -o $@ $< -ldl -lpthread

## images: the container images of deploy/images, built from the
## repository root. Each Dockerfile's build step is a target of this
## Makefile that `make test` runs too. Push them to your registry with
## REGISTRY=registry.example.com/pamaudit.
images:
	$(DOCKER) build -f deploy/images/otelcol/Dockerfile -t $(OTELCOL_IMAGE) .
	$(DOCKER) build -f deploy/images/fluent-bit/Dockerfile -t $(FLUENTBIT_IMAGE) .
	$(DOCKER) build -f deploy/images/plugin-init/Dockerfile -t $(PLUGIN_IMAGE) .

clean:
	rm -rf bin build
