# Backstep: the two commands of the README, and their set-up.
#   make run    install what is missing, build in release mode, start the shell
#   make test   install what is missing, run the whole test suite
#   make bench  the benchmark suite against NumPy (README, "Performance")
#   make fuzz   libFuzzer over the whole statement pipeline (FUZZ_SECONDS=300)

SWIFT ?= swift
APT_PACKAGES := libopenblas-dev libreadline-dev zlib1g-dev libmimalloc-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

PYTHON ?= python3
BENCH_SCRATCH ?= .build-bench

FUZZ_SCRATCH ?= .build-fuzz
FUZZ_SECONDS ?= 300

.PHONY: run test build deps clean bench bench-deps fuzz

run: build
	@./.build/release/backstep $(ARGS)

build: deps
	$(SWIFT) build -c release --product backstep

test: deps
	$(SWIFT) test

# Builds Backstep and the suite in release mode (in their own build folder), then runs
# every case against NumPy in the same run. BENCH_ARGS=--quick for fewer repeats.
bench: deps bench-deps
	$(SWIFT) build -c release --scratch-path $(BENCH_SCRATCH) --product backstep
	$(SWIFT) build -c release --scratch-path $(BENCH_SCRATCH) --product BackstepBench
	$(BENCH_SCRATCH)/release/BackstepBench --python $(PYTHON) --reference bench/reference.py \
	  --backstep $(BENCH_SCRATCH)/release/backstep --lessons lessons $(BENCH_ARGS)

# NumPy for the reference side, through pip, only when it is missing.
bench-deps:
	@$(PYTHON) -c "import numpy" 2>/dev/null || $(PYTHON) -m pip install --quiet numpy

# Builds the fuzz target with libFuzzer, seeds it with every lesson's statements and runs it.
# A crash is saved as $(FUZZ_SCRATCH)/crash-*: copy it to Tests/ShellTests/FuzzRegressions/ as a .bs file.
fuzz: deps
	$(SWIFT) build --product BackstepFuzz --scratch-path $(FUZZ_SCRATCH) \
	  -Xswiftc -sanitize=fuzzer -Xswiftc -D -Xswiftc FUZZING
	@mkdir -p $(FUZZ_SCRATCH)/corpus
	@for f in lessons/*.lesson; do \
	  grep '^»' "$$f" | sed 's/^»!\{0,1\} *//' > "$(FUZZ_SCRATCH)/corpus/$$(basename "$$f" .lesson).bs"; \
	done
	$(FUZZ_SCRATCH)/debug/BackstepFuzz -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=20 -artifact_prefix=$(FUZZ_SCRATCH)/ \
	  -rss_limit_mb=4096 $(FUZZ_SCRATCH)/corpus

# Installs the C libraries through apt-get, only when one is missing.
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf .build
