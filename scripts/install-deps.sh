#!/usr/bin/env bash
# Installs the Debian 12 packages minerisk needs to build, test and run, and only those that are missing.
# Idempotent: a second run installs nothing. As root it runs apt-get; otherwise sudo; where neither is
# possible it prints the one apt-get line to run and fails.
#   scripts/install-deps.sh            build + run + test dependencies
#   scripts/install-deps.sh --bench    also the GIS tool chain the benchmark compares against
set -euo pipefail

packages=(
  build-essential cmake make pkg-config
  libgdal-dev gdal-bin python3-gdal   # raster/vector I/O; gdal-bin + python3-gdal: oracle tests, demo generator
  libgeos-dev                         # geometry repair, buffers
  libproj-dev proj-data               # coordinate reference systems
  libboost-dev                        # Boost.Geometry R-trees
  libyaml-cpp-dev                     # scenario files (keeps line/column for error messages)
  libcli11-dev                        # command line
  nlohmann-json3-dev                  # run metadata
  libgtest-dev libgmock-dev           # tests
  chromium                            # tests: the HTML report rendered in a real browser
  clang-14 libclang-rt-14-dev llvm-14 # tests: libFuzzer + clang's ASan/UBSan runtimes (make fuzz), llvm-symbolizer
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(qgis time)
fi

missing=()
for p in "${packages[@]}"; do
  [[ "$p" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run this as root, then try again:" >&2
  echo "  apt-get update && $line" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
