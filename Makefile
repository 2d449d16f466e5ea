# The two commands a new user needs: `make demo` and `make test`. Everything else is a building block.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_OUT ?= minerisk-demo
SIZE ?= S
BENCH_ARGS ?=
# Sanitizer and fuzzing builds (docs/testing.md), each in its own folder.
ASAN_BUILD_DIR ?= build-asan
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_CC ?= clang-14
FUZZ_CXX ?= clang++-14
FUZZ_SECONDS ?= 60
SANITIZE_CTEST_ARGS ?=

.PHONY: all deps configure build demo test bench clean
.PHONY: sanitize-build sanitize-test fuzz-build fuzz fuzz-merge

all: build

# Packages in groups (scripts/install-deps.sh): build + run always; the test, fuzz and bench groups only for
# the targets that need them, so that `make demo` installs no test tool.
deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	$(BUILD_DIR)/bin/minerisk demo -o $(DEMO_OUT) --overwrite

test: build
	@scripts/install-deps.sh --test
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The benchmark (docs/performance.md): minerisk against the GDAL/QGIS chain on seeded synthetic data.
# `make bench SIZE=M`; sizes S, M, L. Not run by CI. Extra options: BENCH_ARGS="--keep --json FILE".
bench: configure
	@scripts/install-deps.sh --bench
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target minerisk minerisk_plugins
	/usr/bin/python3 scripts/bench/bench.py --size $(SIZE) --minerisk $(BUILD_DIR)/bin/minerisk $(BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR)

# Everything built with AddressSanitizer + UndefinedBehaviorSanitizer; the whole test suite under them.
# SANITIZE_CTEST_ARGS passes ctest options, e.g. SANITIZE_CTEST_ARGS='-LE slow' or '-R Scenario'.
sanitize-build: deps
	@scripts/install-deps.sh --test --fuzz
	@cmake -S . -B $(ASAN_BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMINERISK_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD_DIR) -j $(JOBS)

sanitize-test: sanitize-build
	cd $(ASAN_BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(SANITIZE_CTEST_ARGS)

# The libFuzzer targets (clang), each run for FUZZ_SECONDS on the committed corpus tests/fuzz/corpus/*.
fuzz-build: deps
	@scripts/install-deps.sh --fuzz
	@cmake -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMINERISK_FUZZ=ON -DMINERISK_BUILD_TESTS=OFF \
	  -DCMAKE_C_COMPILER=$(FUZZ_CC) -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) >/dev/null
	@cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target minerisk_fuzzers

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS)

# By hand, after a longer `make fuzz FUZZ_SECONDS=...`: keeps the new inputs that add coverage in the committed
# corpus (review them, then commit).
fuzz-merge: fuzz-build
	tests/fuzz/run.sh --merge $(FUZZ_BUILD_DIR)
