# pamaudit: `make run` shows it working, `make test` runs every test.
SHELL := /bin/bash
GO ?= go
FUZZTIME ?= 10s
BENCHTIME ?= 1s

# Every fuzz target, as package:Function.
FUZZ_TARGETS := \
	./core:FuzzParsePassMan ./core:FuzzParseCAPAM ./core:FuzzParseNetwrix \
	./core:FuzzSplitter ./core:FuzzJSONWalker

.PHONY: all build test unit lint run parse bench fuzz fuzz-ci clean

all: build

build:
	$(GO) build ./...
	$(GO) build -o bin/pamaudit ./cmd/pamaudit

## test: every test, as CI runs it (lint, unit and golden tests, a short run of every fuzz target).
test: lint unit fuzz-ci

unit:
	$(GO) test -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## run: parse the bundled example logs of every product and print the records.
run: parse

parse:
	$(GO) run ./cmd/pamaudit parse examples/logs/*.log

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

## fuzz: every fuzz target for FUZZTIME each (make fuzz FUZZTIME=10m).
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== $$fn ($(FUZZTIME))"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME); \
	done

fuzz-ci:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=3s

clean:
	rm -rf bin build
