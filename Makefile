# Parley — build, run and test. `make run` and `make test` are the README's two commands.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: all build run test test-race bench fmt vet clean services test-deps deb

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/parley ./cmd/parley

# Builds and starts Parley on its embedded defaults: SQLite in ./data, http://localhost:8065.
run: build
	./bin/parley

# Starts the local PostgreSQL if it is installed but stopped, then runs every test.
# Store and API tests run on SQLite and PostgreSQL; without a reachable PostgreSQL
# the PostgreSQL half is skipped unless PARLEY_TEST_REQUIRE_POSTGRES=1 (CI sets it).
test: services test-deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

test-race: services
	$(GO) test -race -count=1 -timeout 30m ./...

# Load runs on SQLite and PostgreSQL plus the Go benchmarks; writes
# bench/results/<date>-<commit>.md (see docs/performance.md). BASE_REF=<git ref>
# also measures that revision in the same run, for a ratio.
bench: services
	scripts/bench.sh

services:
	@scripts/services.sh

test-deps:
	@scripts/test-deps.sh

# Debian package in dist/: binary, systemd unit, /etc/parley/config.json, parley user.
DEB_VERSION ?= 0.1.0+git$(shell git rev-list --count HEAD 2>/dev/null || echo 0)
deb: build
	scripts/build-deb.sh $(DEB_VERSION) bin/parley

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

clean:
	rm -rf bin dist
