# din-viz: build, serve and test the DIN attention visualiser.
#
#   make serve   install what is missing, build pkg/, serve on 127.0.0.1
#   make test    also install the browsers and drivers, run every suite
#
# Everything comes from crates.io, npm or Debian's packages; nothing is
# downloaded from anywhere else. wasm-pack runs with --mode no-install so it
# never fetches a tool of its own: it uses the wasm-bindgen we install (the
# exact version in Cargo.lock) and the wasm-opt of npm's binaryen (Debian's
# binaryen is too old and silently breaks the module, see toolchain notes).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8000
HOST ?= 127.0.0.1
CARGO_BIN := $(HOME)/.cargo/bin
NODE_BIN := $(CURDIR)/node_modules/.bin
export PATH := $(NODE_BIN):$(CARGO_BIN):$(PATH)

WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/"/, "", $$3); print $$3; exit}' Cargo.lock)
WASM_PACK := wasm-pack
WASM_PACK_FLAGS := --mode no-install
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
APT_PACKAGES := chromium chromium-driver firefox-esr fonts-noto-cjk

.PHONY: help serve build build-panic dist test test-native test-wasm test-node test-e2e install-build install-test \
        tools-rust tools-npm tools-browsers check-wasm-opt fixtures clean weights bench bench-venv size-report size-split page fuzz check-arch \
        test-deepctr install-deepctr

help:
	@echo "make serve   build the page and serve it on http://$(HOST):$(PORT)/www/"
	@echo "make test    run every test suite (installs browsers and drivers if missing)"
	@echo "make build   build pkg/ (release, optimised)"
	@echo "make dist    one-file offline builds: dist/din-attention.html, dist/din-attention.js, dist/reveal/"
	@echo "make bench   speed, size and memory figures, matplotlib peer (not part of make test)"
	@echo "make size-report   twiggy top/dominators of the release wasm, by crate"
	@echo "make size-split    what splitting the wasm into first-draw and later modules would weigh"
	@echo "make fuzz    fuzz the decoders for FUZZ_TIME seconds per target (nightly toolchain)"

# ---------------------------------------------------------------- installs

tools-rust:
	@command -v rustup >/dev/null || { echo "rustup is needed: see https://rustup.rs (stable toolchain)"; exit 1; }
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@test -n "$(WASM_BINDGEN_VERSION)" || { echo "Cargo.lock names no wasm-bindgen version"; exit 1; }
	@if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $(WASM_BINDGEN_VERSION)"; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (must equal Cargo.lock's wasm-bindgen)"; \
	  cargo install wasm-bindgen-cli --version "$(WASM_BINDGEN_VERSION)" --force; fi
	@command -v wasm-pack >/dev/null || { echo "installing wasm-pack (about 4 minutes)"; cargo install wasm-pack; }

tools-npm:
	@command -v npm >/dev/null || { echo "Node.js and npm are needed"; exit 1; }
	@if [ ! -x "$(NODE_BIN)/wasm-opt" ] || [ ! -d node_modules/playwright-core ] || [ ! -x "$(NODE_BIN)/esbuild" ] || [ ! -d node_modules/reveal.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund; fi

check-wasm-opt: tools-npm
	@found="$$(command -v wasm-opt)"; if [ "$$found" != "$(NODE_BIN)/wasm-opt" ]; then \
	  echo "wasm-opt on PATH is $$found, not npm's binaryen in $(NODE_BIN); refusing to build"; exit 1; fi

install-build: tools-rust tools-npm check-wasm-opt

tools-browsers:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$(IS_ROOT)" = yes ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	  else \
	    echo "The tests need Debian packages:$$missing. Run as root:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	  fi; fi
	@command -v geckodriver >/dev/null || cargo install geckodriver

install-test: install-build tools-browsers

# ---------------------------------------------------------------- build

# pkg/ is the page's wasm; pkg-train/ the train panel's Web Worker module
# (crates/din-train-web: din-train's trainer, which pkg/ never contains).
build: install-build
	$(WASM_PACK) build $(WASM_PACK_FLAGS) --target web --release --no-pack --out-dir pkg
	$(WASM_PACK) build $(WASM_PACK_FLAGS) crates/din-train-web --target web --release --no-pack --out-dir ../../pkg-train
	node tools/page.mjs

# The page's script as one file, pkg/page.js (tools/page.mjs): after editing www/*.js.
page: tools-npm
	node tools/page.mjs

# A test-only build whose debugPanic() export panics, for the e2e panic test.
build-panic: install-build
	$(WASM_PACK) build $(WASM_PACK_FLAGS) --target web --dev --no-pack --out-dir target/pkg-panic -- --features panic-trigger

# One-file offline builds (wasm inlined) and the offline reveal.js deck.
dist: build
	node tools/dist.mjs

serve: build
	@echo "http://$(HOST):$(PORT)/www/"
	@echo "(serving $(CURDIR) on $(HOST):$(PORT) with python3 -m http.server; Ctrl+C stops)"
	python3 -m http.server $(PORT) --bind $(HOST) --directory $(CURDIR)

# ---------------------------------------------------------------- tests

test: install-test
	@$(MAKE) --no-print-directory test-native test-deepctr test-wasm build build-panic dist test-node test-e2e
	@echo "make test: every suite passed"

test-native: check-arch
	cargo test --workspace --all-targets
	cargo test --workspace --doc

# The layering the compiler cannot enforce (ARCHITECTURE.md): din-core's
# dependency tree holds no plotters or web crate, the page's wasm crate does
# not depend on din-train, and no crate has a cycle of modules (`use crate::`
# edges).
check-arch:
	python3 tools/check_arch.py

test-wasm:
	$(WASM_PACK) test $(WASM_PACK_FLAGS) --headless --chrome
	$(WASM_PACK) test $(WASM_PACK_FLAGS) --headless --firefox

test-node:
	node --test tests/node/

test-e2e:
	node --test --test-concurrency=1 tests/e2e/

# DeepCTR round trip (tools/deepctr_roundtrip.py): trains tiny DINs with
# DeepCTR (TensorFlow) and DeepCTR-Torch, exports them with
# tools/deepctr_export.py and checks that the Rust inference reproduces
# DeepCTR's scores and CTRs (tests/deepctr.rs). Each back end runs only if its
# Python imports its packages (`make install-deepctr`, README), else it prints
# "skipped: ..."; the committed fixtures are checked by test-native anyway.
DEEPCTR_VENV ?= $(HOME)/.cache/din-viz/deepctr-venv
DEEPCTR_TORCH_VENV ?= $(HOME)/.cache/din-viz/deepctr-torch-venv
DEEPCTR_PYTHON ?= $(if $(wildcard $(DEEPCTR_VENV)/bin/python),$(DEEPCTR_VENV)/bin/python,python3)
DEEPCTR_TORCH_PYTHON ?= $(if $(wildcard $(DEEPCTR_TORCH_VENV)/bin/python),$(DEEPCTR_TORCH_VENV)/bin/python,python3)

test-deepctr:
	@fixtures=""; \
	if $(DEEPCTR_PYTHON) -c 'import deepctr, tensorflow' >/dev/null 2>&1; then \
	  $(DEEPCTR_PYTHON) tools/deepctr_roundtrip.py --backend tf --out target/deepctr/tf.json 2>&1 | grep -v -e '^20[0-9-]* [0-9:.]*: [IW] ' -e 'rebuild TensorFlow' -e 'check the latest version'; \
	  fixtures="$$fixtures,$(CURDIR)/target/deepctr/tf.json"; \
	else echo "skipped: DeepCTR (TensorFlow) round trip: $(DEEPCTR_PYTHON) cannot import deepctr and tensorflow (make install-deepctr)"; fi; \
	if $(DEEPCTR_TORCH_PYTHON) -c 'import deepctr_torch, torch' >/dev/null 2>&1; then \
	  $(DEEPCTR_TORCH_PYTHON) tools/deepctr_roundtrip.py --backend torch --out target/deepctr/torch.json | grep -v -e '^cpu$$' -e '^Train on'; \
	  fixtures="$$fixtures,$(CURDIR)/target/deepctr/torch.json"; \
	else echo "skipped: DeepCTR-Torch round trip: $(DEEPCTR_TORCH_PYTHON) cannot import deepctr_torch and torch (make install-deepctr)"; fi; \
	if [ -n "$$fixtures" ]; then \
	  DIN_DEEPCTR_FIXTURE="$${fixtures#,}" cargo test -p din-core --test deepctr fresh_deepctr_run_is_reproduced -- --nocapture; fi

# The versions the round trip was made with (README, "DeepCTR models"):
# TensorFlow from PyPI in a venv; PyTorch from Debian (PyPI's torch wheels
# for Linux bring gigabytes of CUDA libraries) in a venv that sees it.
install-deepctr:
	python3 -m venv $(DEEPCTR_VENV)
	$(DEEPCTR_VENV)/bin/pip install tensorflow-cpu==2.15.1 deepctr==0.9.4
	@if [ "$(IS_ROOT)" = yes ]; then apt-get install -y --no-install-recommends python3-torch python3-numpy; \
	 else echo "DeepCTR-Torch needs Debian's python3-torch: sudo apt-get install python3-torch python3-numpy"; fi
	/usr/bin/python3 -m venv --system-site-packages $(DEEPCTR_TORCH_VENV)
	$(DEEPCTR_TORCH_VENV)/bin/pip install --no-deps deepctr-torch==0.3.0
	$(DEEPCTR_TORCH_VENV)/bin/pip install tqdm "scikit-learn<1.5" "scipy<1.13" "numpy<2"

# ---------------------------------------------------------------- bench

# Speed, size and memory: prints one table with the budgets and writes
# target/bench.json (never part of `make test`; never fails on a time).
# The matplotlib peer (tests/bench/peer_matplotlib.py) runs in a venv under
# target/ that this target fills from PyPI; `make test` never needs it.
BENCH_VENV := target/bench-venv

bench: dist tools-browsers bench-venv size-report
	cargo run --release --bin bench_native -- --json target/bench-native.json
	BENCH_PYTHON=$(CURDIR)/$(BENCH_VENV)/bin/python node tests/bench/bench.mjs

bench-venv:
	@if ! $(BENCH_VENV)/bin/python -c 'import matplotlib, numpy' >/dev/null 2>&1; then \
	  python3 -m venv $(BENCH_VENV) && $(BENCH_VENV)/bin/pip install --quiet matplotlib numpy; fi

# What the release wasm is made of (twiggy from crates.io): the largest
# items and the dominator tree, written to target/size-report/ and
# summarised by crate on stdout (tools/size_report.py). twiggy reads the
# module cargo built (it still has function names); pkg/ ships it stripped.
NAMED_WASM := target/wasm32-unknown-unknown/release/din_viz.wasm

size-report: build
	@command -v twiggy >/dev/null || cargo install twiggy
	@mkdir -p target/size-report
	twiggy top -n 40 $(NAMED_WASM) > target/size-report/top.txt
	twiggy dominators -d 2 -r 80 $(NAMED_WASM) > target/size-report/dominators.txt
	twiggy top -n 100000 -f csv $(NAMED_WASM) > target/size-report/top.csv
	python3 tools/size_report.py target/size-report/top.csv pkg/din_viz_bg.wasm

# Issue 15's wasm split, weighed rather than shipped: README "Speed and size".
size-split: build
	sh tests/bench/split/measure.sh

# ---------------------------------------------------------------- fuzz

# cargo-fuzz on nightly, FUZZ_TIME seconds per target (never part of `make
# test`). Each target starts from a copy of its committed seeds
# (fuzz/corpus-seed/<target>) in fuzz/corpus/<target>, so the seeds stay as
# committed; fuzz/dict/<target>.dict lists the tokens of its format;
# crashing inputs go to fuzz/artifacts/<target>/ and each run's log to
# fuzz/target/logs/. A run fails on a panic, a broken invariant or an
# input taking over FUZZ_TIMEOUT seconds. The core has no unsafe code, so
# AddressSanitizer is off by default (runs 2-3x faster; debug assertions and
# overflow checks stay on): FUZZ_SANITIZER=address puts it back.
FUZZ_TIME ?= 60
FUZZ_TIMEOUT ?= 1
FUZZ_SANITIZER ?= none
FUZZ_TARGETS := url_decode state_json import projector

fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	@mkdir -p fuzz/target/logs; failed=""; total=0; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; cp fuzz/corpus-seed/$$t/* fuzz/corpus/$$t/; \
	  echo "fuzz: $$t for $(FUZZ_TIME) s"; \
	  if ! cargo +nightly fuzz run --sanitizer $(FUZZ_SANITIZER) $$t fuzz/corpus/$$t -- \
	      -max_total_time=$(FUZZ_TIME) -timeout=$(FUZZ_TIMEOUT) -print_final_stats=1 -dict=fuzz/dict/$$t.dict \
	      > fuzz/target/logs/$$t.log 2>&1; then \
	    failed="$$failed $$t"; tail -n 40 fuzz/target/logs/$$t.log; fi; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz/target/logs/$$t.log | tail -n 1); \
	  total=$$((total + $${runs:-0})); \
	  echo "fuzz: $$t: $${runs:-?} executions (log: fuzz/target/logs/$$t.log)"; \
	done; \
	echo "fuzz: $$total executions in total"; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed (inputs in fuzz/artifacts/)"; exit 1; fi

# Regenerates the numpy fixtures (needs numpy: pip install numpy).
fixtures:
	python3 tests/fixtures/gen_fixtures.py

clean:
	rm -rf pkg pkg-train dist target/wasm32-unknown-unknown tests/e2e/out

# Retrains the activation units; rewrites weights/*.json byte for byte.
weights:
	cargo run --release -p din-train --bin make_weights
