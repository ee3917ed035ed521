# Chorus: two commands on a fresh machine — `make demo` and `make test`.
SHELL := /bin/bash
APT_PACKAGES := libopus-dev libsndfile1-dev libsamplerate0-dev libsqlite3-dev pkg-config ca-certificates libssl-dev libsrtp2-dev
# GStreamer is what the RTP interoperability tests talk to, openssl makes the wss:// tests' certificates,
# chromium (with DejaVu, the font its layout checks are judged in) loads the HTML report, xmllint (libxml2-utils)
# validates the JUnit gate reports, aiortc (PyPI) is the WebRTC interop test's far end, and kubernetes-validate (PyPI)
# checks the rendered Kubernetes manifests offline; only `make test` needs them.
TEST_APT_PACKAGES := openssl gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good chromium fonts-dejavu-core libxml2-utils
SWIFT ?= swift

.PHONY: setup apt-install build demo distributed-demo test bench clean

## setup: install the system libraries Chorus links (idempotent; needs root or sudo the first time)
setup:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"
	@command -v $(SWIFT) >/dev/null || { echo "error: swift not found on PATH (Swift 6.2 or newer is required)"; exit 2; }

apt-install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else \
	    echo "error: missing packages:$$missing — install them with apt-get (needs root)"; exit 2; fi; \
	  $$SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null \
	    || { echo "error: apt-get could not install:$$missing"; exit 2; }; \
	fi

## build: release build of the chorus binary
build: setup
	$(SWIFT) build -c release --product chorus

## demo: run the quickstart scenario against the embedded reference agent and print where the report is
demo: build
	@mkdir -p Reports
	@.build/release/chorus run Scenarios/quickstart.yaml; code=$$?; \
	if [ $$code -eq 2 ]; then exit 2; fi; \
	if [ $$code -eq 1 ]; then echo "(the run finished, but a gate failed or the harness was overloaded: see the report)"; fi; \
	echo "Open the HTML report above in a browser; every run is in Reports/chorus.sqlite (try: .build/release/chorus runs)"

## distributed-demo: a sharded run on this machine the way a Kubernetes Indexed Job runs it (3 shard processes,
## one agent, a common start instant), then `chorus merge` and the merged report (docs/distributed.md)
distributed-demo: build
	@Scripts/distributed-demo.sh 3 30

## test: unit, loopback integration and end-to-end tests, on an optimized build (what users run: load tests need
## it, and one build of everything is faster here than a debug build plus a release binary)
test: setup
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_APT_PACKAGES)"
	@python3 -c "import aiortc" 2>/dev/null || python3 -m pip install -q aiortc \
	  || { echo "error: pip could not install aiortc (the WebRTC interop test's far end, from PyPI)"; exit 2; }
	@python3 -c "import kubernetes_validate" 2>/dev/null || python3 -m pip install -q kubernetes-validate \
	  || { echo "error: pip could not install kubernetes-validate (checks the rendered Kubernetes manifests, from PyPI)"; exit 2; }
	$(SWIFT) build -c release --build-tests -Xswiftc -enable-testing
	$(SWIFT) test -c release --skip-build --no-parallel -Xswiftc -enable-testing

clean:
	rm -rf .build

## bench: receive-path microbenchmarks (base64, JSON: docs/dialects.md), then harness CPU per frame, RSS per session,
## lateness and TTFA error at 1/100/1000/2000 callers, and the Python ratio
bench: build
	$(SWIFT) build -c release --product chorus-microbench && .build/release/chorus-microbench
	@python3 -c "import websockets" 2>/dev/null || pip install -q websockets
	@ulimit -n 65536 2>/dev/null; python3 bench/bench.py
