#!/usr/bin/env bash
# Runs the libFuzzer targets of a fuzz build (make fuzz, make fuzz-merge; docs/testing.md).
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]   fuzz each target for SECONDS on the committed corpus;
#                                                     new inputs go to BUILD_DIR/fuzz-corpus/TARGET, never
#                                                     into the repository; a crash is saved as
#                                                     BUILD_DIR/fuzz-artifacts/TARGET/crash-* and fails the run
#   tests/fuzz/run.sh --merge BUILD_DIR [TARGET...]   minimise BUILD_DIR/fuzz-corpus/TARGET into the committed
#                                                     corpus tests/fuzz/corpus/TARGET (only inputs that add
#                                                     coverage are copied); review and commit by hand
# TARGET is scenario or vector (default: both). Every input of the committed corpus runs first: a crash
# that was fixed and whose input was added to the corpus is a regression test from then on.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

merge=0
if [[ "${1:-}" == "--merge" ]]; then
  merge=1
  shift
fi
build="${1:?usage: run.sh [--merge] BUILD_DIR [SECONDS] [TARGET...]}"
shift
seconds=60
if [[ $merge -eq 0 ]]; then
  seconds="${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}"
  shift
fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(scenario vector)

# The sanitizers' options, the same as the tests' (written by cmake/Sanitizers.cmake; the environment's win).
env_file="$build/minerisk-sanitizer-env.sh"
[[ -f "$env_file" ]] || { echo "fuzz: $env_file is missing: configure $build with -DMINERISK_FUZZ=ON" >&2; exit 2; }
# shellcheck source=/dev/null
. "$env_file"
if [[ -z "${ASAN_SYMBOLIZER_PATH:-}" ]]; then
  for s in llvm-symbolizer-14 llvm-symbolizer; do
    if command -v "$s" >/dev/null 2>&1; then
      export ASAN_SYMBOLIZER_PATH="$(command -v "$s")"
      break
    fi
  done
fi

status=0
for t in "${targets[@]}"; do
  bin="$build/bin/fuzz_$t"
  [[ -x "$bin" ]] || { echo "fuzz: $bin is not built (make fuzz-build)" >&2; exit 2; }
  corpus="$here/corpus/$t"
  work="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t"
  mkdir -p "$work" "$artifacts"
  # -rss_limit_mb: a fuzz input that makes a run take more than this is a finding too.
  # -timeout: one input taking longer than this (seconds) is a finding (a hang).
  # -max_len: bigger inputs add little: scenarios and features are small; keeps each run fast.
  common=(-dict="$here/$t.dict" -rss_limit_mb=2048 -timeout=25 -max_len=4096 -print_final_stats=1)
  if [[ $merge -eq 1 ]]; then
    echo "fuzz: merging $work into $corpus"
    "$bin" "${common[@]}" -merge=1 "$corpus" "$work"
    continue
  fi
  echo "fuzz: $t for ${seconds}s (committed corpus: $(ls "$corpus" | wc -l) inputs; new inputs: $work)"
  # The first folder receives new inputs; the committed corpus is only read.
  if ! "$bin" "${common[@]}" -max_total_time="$seconds" -artifact_prefix="$artifacts/" \
         "$work" "$corpus" >"$build/fuzz-$t.log" 2>&1; then
    echo "fuzz: fuzz_$t FOUND A PROBLEM: last lines of $build/fuzz-$t.log (the input is in $artifacts):" >&2
    tail -n 60 "$build/fuzz-$t.log" >&2
    status=1
  else
    grep -E '^(stat::|Done|INFO: Loaded|#[0-9]+ *DONE)' "$build/fuzz-$t.log" | sed "s/^/fuzz: $t: /" || true
  fi
done
exit $status
