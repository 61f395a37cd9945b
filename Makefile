# Parley — build, run and test. `make run` and `make test` are the README's two commands.
GO      ?= go
# One version for `parley version` and the package, always increasing along
# history, shallow clones included (see scripts/version.sh).
VERSION ?= $(shell scripts/version.sh)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: all build run test test-race bench fuzz fmt vet clean services test-deps deb web test-web test-web-unit test-web-e2e chromium

all: build

# The binary embeds the web client (web/dist), so the client is built first.
build: web
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/parley ./cmd/parley

# The web client: `npm ci` when package-lock.json changed, then Vite builds
# web/dist when a source changed. Without npm the binary still builds and
# serves a placeholder page (web/fallback) instead of the client.
WEB_SRC := $(shell find web/src web/public web/index.html web/package.json web/vite.config.ts web/tsconfig.json -type f 2>/dev/null)
NPM_OK  := $(shell command -v npm >/dev/null 2>&1 && echo yes)

ifeq ($(NPM_OK),yes)
web: web/dist/index.html
else
web:
	@echo "warning: npm not found; the web client is not built (install Node.js 20+ and npm: apt-get install nodejs npm)" >&2
endif

web/dist/index.html: $(WEB_SRC) web/node_modules/.package-lock.json
	cd web && npm run build

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

# Debian's Chromium for the browser tests (never a downloaded browser), plus an
# emoji font so screenshots show emoji.
chromium:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-color-emoji; }

# Web tests: type check and Vitest unit tests, then the end-to-end test that
# drives Chromium against bin/parley on a random port (screenshots in web/test-results).
test-web: test-web-unit test-web-e2e

test-web-unit: web/node_modules/.package-lock.json
	cd web && npx tsc --noEmit && npx vitest run

test-web-e2e: build chromium test-deps
	cd web && node e2e/run.mjs ../bin/parley && node e2e/reset.mjs ../bin/parley && node e2e/webpush.mjs ../bin/parley

# Builds and starts Parley on its embedded defaults: SQLite in ./data, http://localhost:8065.
run: build
	./bin/parley

# Starts the local PostgreSQL if it is installed but stopped, then runs every test.
# Store and API tests run on SQLite and PostgreSQL; without a reachable PostgreSQL
# the PostgreSQL half is skipped unless PARLEY_TEST_REQUIRE_POSTGRES=1 (CI sets it).
test: services test-deps test-web
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

test-race: services
	$(GO) test -race -count=1 -timeout 30m ./...

# Load runs on SQLite and PostgreSQL plus the Go benchmarks; writes
# bench/results/<date>-<commit>.md (see docs/performance.md). BASE_REF=<git ref>
# also measures every figure for that revision in the same run, alternating
# the binaries, for head/base ratios; knobs in scripts/bench.sh's header.
bench: services
	scripts/bench.sh

# Runs every fuzz target for FUZZTIME each (default 60s; e.g. FUZZTIME=10m);
# FUZZ=pattern narrows the targets, FUZZPARALLEL=n the workers per target.
fuzz:
	GO=$(GO) scripts/fuzz.sh

services:
	@scripts/services.sh

test-deps:
	@scripts/test-deps.sh

# Debian package in dist/: binary, manual pages, documentation, systemd unit,
# /etc/parley/config.json, parley user. Its version is the binary's.
DEB_VERSION ?= $(VERSION)
deb: build
	scripts/build-deb.sh $(DEB_VERSION) bin/parley

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

clean:
	rm -rf bin dist web/test-results
	find web/dist -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
