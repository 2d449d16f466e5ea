# Sanitizer and fuzzing builds (docs/testing.md). Included by the top-level CMakeLists.txt before any target
# is defined, so that the flags reach every target of this tree: the engine, the algorithms, the CLI, the
# built-in plugins, the test plugins and the tests. A plugin loaded with dlopen() must be built with the same
# flags as the executable that loads it; third-party libraries (GDAL, GEOS, PROJ, yaml-cpp) are not
# instrumented, which ASan and UBSan allow.
#
#   -DMINERISK_SANITIZE=ON   AddressSanitizer + UndefinedBehaviorSanitizer, g++ or clang++   (make sanitize-test)
#   -DMINERISK_FUZZ=ON       the libFuzzer targets of tests/fuzz, clang++ only              (make fuzz)
#
# Both at once (clang++ only) is one build that serves the test suite and the fuzzers: what `make sanitize-test`
# and `make fuzz` do by default, in build-asan, so that CI compiles the instrumented tree once, not twice. The
# coverage instrumentation libFuzzer steers by (-fsanitize=fuzzer-no-link) then goes on the engine library only
# (the code the fuzzers reach), not on the plugins, the algorithms, the CLI or the tests, which it would only
# slow down; with MINERISK_FUZZ alone it goes on everything, as before.
#
# Neither flag changes what is installed or exported: the installed CMake package (minerisk::plugin_api) carries
# no sanitizer flag, so a third-party plugin built against an installed sanitizer build is an ordinary library.
#
# Run-time options: the tests get ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS from a file this module writes
# into the build folder and CTest reads before running any test (TEST_INCLUDE_FILES of the top folder), so
# that a plain `ctest` in the build folder uses them; the fuzzers get the same from a shell file beside it.
# Options already in the environment are kept and win.

set(MINERISK_SANITIZER_SUPPRESSIONS_DIR ${CMAKE_CURRENT_LIST_DIR}/../tests/sanitizers)
get_filename_component(MINERISK_SANITIZER_SUPPRESSIONS_DIR ${MINERISK_SANITIZER_SUPPRESSIONS_DIR} ABSOLUTE)

# The options the sanitizer runtimes read, as one string each (also used by tests/fuzz/CMakeLists.txt).
#   detect_leaks=1    LeakSanitizer at exit; leaks inside third-party libraries only are suppressed (lsan.supp)
#   abort_on_error=0  ASan exits with a failure code rather than SIGABRT: a report from a child process (the
#                     CLI run by the integration tests) shows as that child's failure, report in its output
#   check_initialization_order, strict_init_order: static initialisers that read another file's globals
#   halt_on_error=1   UBSan stops at the first report (the code is also built with -fno-sanitize-recover)
set(MINERISK_ASAN_OPTIONS "detect_leaks=1:abort_on_error=0:check_initialization_order=1:strict_init_order=1")
set(MINERISK_LSAN_OPTIONS "suppressions=${MINERISK_SANITIZER_SUPPRESSIONS_DIR}/lsan.supp:print_suppressions=0")
set(MINERISK_UBSAN_OPTIONS "print_stacktrace=1:halt_on_error=1:suppressions=${MINERISK_SANITIZER_SUPPRESSIONS_DIR}/ubsan.supp")

# Writes the options where the runs find them: minerisk-sanitizer-env.cmake (read by CTest before any test) and
# minerisk-sanitizer-env.sh (sourced by tests/fuzz/run.sh, and by hand before running the CLI of a sanitizer
# build: `. build-asan/minerisk-sanitizer-env.sh`).
function(minerisk_write_sanitizer_env)
  set(env_cmake ${CMAKE_BINARY_DIR}/minerisk-sanitizer-env.cmake)
  file(WRITE ${env_cmake}
    "# Written by cmake/Sanitizers.cmake: run-time options of the sanitizers for every test of this build.\n"
    "# Options already in the environment come last, so they win.\n"
    "set(ENV{ASAN_OPTIONS} \"${MINERISK_ASAN_OPTIONS}:\$ENV{ASAN_OPTIONS}\")\n"
    "set(ENV{LSAN_OPTIONS} \"${MINERISK_LSAN_OPTIONS}:\$ENV{LSAN_OPTIONS}\")\n"
    "set(ENV{UBSAN_OPTIONS} \"${MINERISK_UBSAN_OPTIONS}:\$ENV{UBSAN_OPTIONS}\")\n")
  set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY TEST_INCLUDE_FILES ${env_cmake})
  file(WRITE ${CMAKE_BINARY_DIR}/minerisk-sanitizer-env.sh
    "# Written by cmake/Sanitizers.cmake: run-time options of the sanitizers. Source it: . ${CMAKE_BINARY_DIR}/minerisk-sanitizer-env.sh\n"
    "# Options already in the environment come last, so they win.\n"
    "export ASAN_OPTIONS=\"${MINERISK_ASAN_OPTIONS}:\${ASAN_OPTIONS:-}\"\n"
    "export LSAN_OPTIONS=\"${MINERISK_LSAN_OPTIONS}:\${LSAN_OPTIONS:-}\"\n"
    "export UBSAN_OPTIONS=\"${MINERISK_UBSAN_OPTIONS}:\${UBSAN_OPTIONS:-}\"\n")
endfunction()

# Common to both builds: -O1 (placed after the build type's -O3/-O2, so it wins: instrumented code at -O3 takes
# about twice as long to compile for little gain, and -O1 is what the sanitizers' authors recommend), a frame
# pointer for ASan's fast unwinder, line tables for readable reports, and every UBSan finding fatal
# (-fno-sanitize-recover), so that undefined behaviour fails the test that reached it. NDEBUG stays as the
# build type sets it, so that the code tested is the code shipped.
set(_minerisk_common_flags -O1 -fno-omit-frame-pointer -g1 -fno-sanitize-recover=undefined)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # clang's -fsanitize=undefined includes float-cast-overflow (a double too large for the integer it is cast
  # to); gcc's does not: add it so that both compilers check the same things.
  list(APPEND _minerisk_common_flags -fsanitize=float-cast-overflow)
endif()

if(MINERISK_SANITIZE AND NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  message(FATAL_ERROR "MINERISK_SANITIZE needs g++ or clang++ (found ${CMAKE_CXX_COMPILER_ID})")
endif()
if(MINERISK_FUZZ AND (NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_C_COMPILER_ID STREQUAL "Clang"))
  message(FATAL_ERROR "MINERISK_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 (found ${CMAKE_CXX_COMPILER_ID})")
endif()

if(MINERISK_SANITIZE OR MINERISK_FUZZ)
  add_compile_options(-fsanitize=address,undefined ${_minerisk_common_flags})
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_link_options(-fsanitize=float-cast-overflow)
  endif()
  minerisk_write_sanitizer_env()
endif()

# libFuzzer's coverage instrumentation, without libFuzzer's main() (the fuzz targets link -fsanitize=fuzzer,
# tests/fuzz/CMakeLists.txt). With MINERISK_SANITIZE too, tests/fuzz/CMakeLists.txt puts it on the engine
# library only (MINERISK_FUZZ_COVERAGE_ENGINE_ONLY); alone, on every target.
set(MINERISK_FUZZ_COVERAGE_ENGINE_ONLY OFF)
if(MINERISK_FUZZ AND MINERISK_SANITIZE)
  set(MINERISK_FUZZ_COVERAGE_ENGINE_ONLY ON)
elseif(MINERISK_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# The test programs themselves at -O0: their code mostly drives the engine, whose speed is what the suite's run
# time depends on, and at -O0 they compile in about half the time (the test sources are the larger half of the
# tree), which is what CI's sanitizer stage waits for. They keep ASan and UBSan. The exceptions, at -O1, are the
# test sources that compute a reference by brute force over many cells (tests/unit/test_distance.cpp, ...): at -O0
# they alone would take longer than the compile time saved. Applied once every target is defined (a deferred
# call at the end of the top-level CMakeLists.txt); a later -O wins over an earlier one (source options come
# after the target's).
function(_minerisk_sanitize_tests_at_O0)
  foreach(t minerisk_unit_tests minerisk_integration_tests minerisk_oracle_tests)
    if(TARGET ${t})
      target_compile_options(${t} PRIVATE -O0)
    endif()
  endforeach()
  set(brute_force tests/unit/test_distance.cpp tests/unit/test_density.cpp tests/unit/test_population_exposure.cpp)
  list(TRANSFORM brute_force PREPEND ${PROJECT_SOURCE_DIR}/)
  set_source_files_properties(${brute_force} DIRECTORY ${PROJECT_SOURCE_DIR}/tests PROPERTIES COMPILE_OPTIONS -O1)
endfunction()
if(MINERISK_SANITIZE)
  cmake_language(DEFER CALL _minerisk_sanitize_tests_at_O0)
endif()

if(MINERISK_SANITIZE AND MINERISK_FUZZ)
  message(STATUS "minerisk: AddressSanitizer + UndefinedBehaviorSanitizer build with the libFuzzer targets "
                 "(MINERISK_SANITIZE, MINERISK_FUZZ)")
elseif(MINERISK_SANITIZE)
  message(STATUS "minerisk: AddressSanitizer + UndefinedBehaviorSanitizer build (MINERISK_SANITIZE)")
elseif(MINERISK_FUZZ)
  message(STATUS "minerisk: libFuzzer build (MINERISK_FUZZ)")
endif()
unset(_minerisk_common_flags)
