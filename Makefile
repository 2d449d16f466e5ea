# The two commands a new user needs: `make demo` and `make test`. Everything else is a building block.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_OUT ?= minerisk-demo
SIZE ?= S
BENCH_ARGS ?=
# Sanitizer and fuzzing builds (docs/testing.md). One clang build serves both: build-asan holds the whole tree
# with AddressSanitizer + UndefinedBehaviorSanitizer, its tests and the libFuzzer targets, so that CI compiles
# the instrumented tree once. SANITIZE_CXX=g++ (with SANITIZE_CC=gcc) gives a gcc ASan build without fuzzers;
# FUZZ_BUILD_DIR=build-fuzz a separate fuzz-only build.
ASAN_BUILD_DIR ?= build-asan
SANITIZE_CC ?= clang-14
SANITIZE_CXX ?= clang++-14
FUZZ_BUILD_DIR ?= $(ASAN_BUILD_DIR)
FUZZ_CC ?= clang-14
FUZZ_CXX ?= clang++-14
FUZZ_SECONDS ?= 60
# The sanitizer pass leaves out the tests labelled slow (they run the whole demo scenario several times: the
# determinism and kill tests), out-of-tree (they install the tree and build examples/plugin with CMake) and
# timing (wall-clock limits) and qgis (the Python Processing provider, whose command-line side the other tests
# cover under the sanitizers already); the Release pass (make test) runs them (tests/labels.cmake).
# SANITIZE_CTEST_ARGS= runs everything.
SANITIZE_CTEST_ARGS ?= -LE 'slow|out-of-tree|timing|qgis'
SANITIZE_FUZZ := $(if $(findstring clang,$(SANITIZE_CXX)),ON,OFF)
SANITIZE_CONFIGURE = cmake -S . -B $(ASAN_BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMINERISK_SANITIZE=ON \
  -DMINERISK_FUZZ=$(SANITIZE_FUZZ) -DCMAKE_C_COMPILER=$(SANITIZE_CC) -DCMAKE_CXX_COMPILER=$(SANITIZE_CXX) >/dev/null
ifeq ($(FUZZ_BUILD_DIR),$(ASAN_BUILD_DIR))
FUZZ_CONFIGURE = $(SANITIZE_CONFIGURE)
else
FUZZ_CONFIGURE = cmake -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMINERISK_FUZZ=ON \
  -DMINERISK_BUILD_TESTS=OFF -DCMAKE_C_COMPILER=$(FUZZ_CC) -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) >/dev/null
endif

.PHONY: all deps configure build demo test bench clean package package-test
.PHONY: sanitize-build sanitize-test fuzz-build fuzz fuzz-merge mpi-build mpi-test

all: build

# Packages in groups (scripts/install-deps.sh): build + run always; the test, fuzz and bench groups only for
# the targets that need them, so that `make demo` installs no test tool.
deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The demo needs the command line and the built-in plugins only: the test programs are built by `make test`.
demo: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target minerisk minerisk_plugins
	$(BUILD_DIR)/bin/minerisk demo -o $(DEMO_OUT) --overwrite

test: build
	@scripts/install-deps.sh --test
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The MPI build (docs/scale-out.md): $(MPI_BUILD_DIR)/bin/minerisk, run by `mpirun -np N`. Built apart, so that the
# default build and `make demo` need no MPI. `make mpi-test` builds it, points the test build at it
# (MINERISK_MPI_CLI: the MPI tests are compiled in from then on) and runs the tests labelled mpi.
MPI_BUILD_DIR ?= build-mpi
mpi-build: deps
	@scripts/install-deps.sh --mpi
	@cmake -S . -B $(MPI_BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMINERISK_MPI=ON -DMINERISK_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(MPI_BUILD_DIR) -j $(JOBS) --target minerisk minerisk_plugins

mpi-test: mpi-build configure
	@scripts/install-deps.sh --test
	@cmake -S . -B $(BUILD_DIR) -DMINERISK_MPI_CLI=$(abspath $(MPI_BUILD_DIR))/bin/minerisk >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L mpi

# The Debian package (docs/dependencies.md): $(BUILD_DIR)/minerisk_VERSION_ARCH.deb, dependencies found by
# dpkg-shlibdeps. `make package-test` also runs the demo from the package's files (scripts/test-package.sh:
# unpacked into a temporary root; PACKAGE_TEST_ARGS=--install installs it for real and removes it, as CI does).
PACKAGE_TEST_ARGS ?=
package: build
	cd $(BUILD_DIR) && cpack -G DEB

package-test: build
	scripts/test-package.sh $(PACKAGE_TEST_ARGS) $(BUILD_DIR)

# The benchmark (docs/performance.md): minerisk against the GDAL/QGIS chain on seeded synthetic data.
# `make bench SIZE=M`; sizes S, M, L. Not run by CI. Extra options: BENCH_ARGS="--keep --json FILE".
# `make bench SIZE=M MPI=2` also runs the full run under `mpirun -np 2` (the MPI build, made first) beside it.
MPI ?=
bench: configure
	@scripts/install-deps.sh --bench
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target minerisk minerisk_plugins
	@if [ -n "$(MPI)" ]; then $(MAKE) --no-print-directory mpi-build; fi
	/usr/bin/python3 scripts/bench/bench.py --size $(SIZE) --minerisk $(BUILD_DIR)/bin/minerisk \
	  $(if $(MPI),--mpi $(MPI) --minerisk-mpi $(MPI_BUILD_DIR)/bin/minerisk) $(BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR)

# Everything built with AddressSanitizer + UndefinedBehaviorSanitizer (and, with clang, the fuzzers); the test
# suite under them. SANITIZE_CTEST_ARGS passes ctest options, e.g. SANITIZE_CTEST_ARGS= (every test) or '-R Scenario'.
sanitize-build: deps
	@scripts/install-deps.sh --test --fuzz
	@$(SANITIZE_CONFIGURE)
	@cmake --build $(ASAN_BUILD_DIR) -j $(JOBS)

sanitize-test: sanitize-build
	cd $(ASAN_BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(SANITIZE_CTEST_ARGS)

# The libFuzzer targets (clang), each run for FUZZ_SECONDS on the committed corpus tests/fuzz/corpus/*. After
# `make sanitize-test` nothing is rebuilt: the fuzzers are part of that build.
fuzz-build: deps
	@scripts/install-deps.sh --fuzz
	@$(FUZZ_CONFIGURE)
	@cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target minerisk_fuzzers

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS)

# By hand, after a longer `make fuzz FUZZ_SECONDS=...`: keeps the new inputs that add coverage in the committed
# corpus (review them, then commit).
fuzz-merge: fuzz-build
	tests/fuzz/run.sh --merge $(FUZZ_BUILD_DIR)
