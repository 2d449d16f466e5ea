#!/usr/bin/env bash
# Installs the Debian 12 packages minerisk needs, and only those that are missing, in groups:
#   scripts/install-deps.sh                  build + run: what `make demo` needs (always installed)
#   scripts/install-deps.sh --test           also what the test suite needs (`make test`)
#   scripts/install-deps.sh --fuzz           also clang-14 with its sanitizer and libFuzzer runtimes
#                                            (`make sanitize-test`, `make fuzz`)
#   scripts/install-deps.sh --bench          also the GIS tool chain the benchmark compares against (`make bench`)
#   scripts/install-deps.sh --mpi            also Open MPI, for the MPI build and its tests (`make mpi-test`)
#   scripts/install-deps.sh --all            every group
#   scripts/install-deps.sh --list [FLAGS]   print the packages of the groups chosen, one a line, and install nothing
# Flags combine (--test --fuzz). Idempotent: a second run installs nothing. As root it runs apt-get; otherwise
# sudo; where neither is possible it prints the one apt-get line to run and fails.
set -euo pipefail

# build + run. libgtest-dev/libgmock-dev are here because the default CMake configure (MINERISK_BUILD_TESTS=ON)
# looks for GoogleTest; gdal-bin and proj-bin give ogrinfo and projinfo, which minerisk's error hints name.
build_run=(
  build-essential cmake make pkg-config  # build-essential brings dpkg-dev: dpkg-shlibdeps for `make package`
  python3                             # the man page and the bash completion, made from --help at build time
  libgdal-dev gdal-bin                # raster/vector I/O; ogrinfo, gdal_rasterize
  libgeos-dev                         # geometry repair, buffers
  libproj-dev proj-data proj-bin      # coordinate reference systems; projinfo
  libboost-dev                        # Boost.Geometry R-trees
  libyaml-cpp-dev                     # scenario files (keeps line/column for error messages)
  libzstd-dev                         # the scored tiles kept for the zones and plans (fast lossless compression)
  libdeflate-dev                      # the COG tiles' DEFLATE (GDAL's own choice: faster than zlib, same format)
  libcli11-dev                        # command line
  nlohmann-json3-dev                  # run metadata
  libgtest-dev libgmock-dev           # configured by default (the tests are built with the rest)
)
# the test suite
test=(
  python3-gdal                        # oracle tests (gdal_polygonize.py, the COG validator), the demo generator
  chromium                            # the HTML report rendered in a real browser
  poppler-utils                       # PDF tools for the report's printed form
  groff-base                          # the man page formatted by the test that checks it (tests/docs)
  postgresql-15 postgresql-15-postgis-3  # a real PostGIS server, started by the secrets test (docs/testing.md)
  qgis-common                         # world_map.gpkg (Natural Earth): the Colombia example's area of interest
  qgis python3-qgis                   # the Processing provider and the project renders, tested headless (PyQGIS)
)
# sanitizer builds and fuzzing
fuzz=(
  clang-14 libclang-rt-14-dev llvm-14 # libFuzzer + clang's ASan/UBSan runtimes (make fuzz), llvm-symbolizer
)
# the MPI build (-DMINERISK_MPI=ON) and the tests that run it under mpirun (docs/scale-out.md)
mpi=(
  openmpi-bin libopenmpi-dev          # mpirun and the MPI C library
)
# the benchmark's comparison chain
bench=(
  qgis time                           # the chain's heatmap (qgis_process); GNU time measures every step
  python3-gdal                        # gdal_proximity.py, gdal_calc.py, gdal_polygonize.py
  python3-matplotlib                  # scripts/bench/plot.py draws docs/performance-plot.png
)

packages=("${build_run[@]}")
list_only=0
for arg in "$@"; do
  case "$arg" in
    --test) packages+=("${test[@]}") ;;
    --fuzz) packages+=("${fuzz[@]}") ;;
    --bench) packages+=("${bench[@]}") ;;
    --mpi) packages+=("${mpi[@]}") ;;
    --all) packages+=("${test[@]}" "${fuzz[@]}" "${bench[@]}" "${mpi[@]}") ;;
    --list) list_only=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps: unknown option '$arg' (options: --test, --fuzz, --bench, --mpi, --all, --list)" >&2; exit 2 ;;
  esac
done
# each package once, in order
declare -A seen=()
unique=()
for p in "${packages[@]}"; do
  [[ -n "${seen[$p]:-}" ]] && continue
  seen[$p]=1
  unique+=("$p")
done
packages=("${unique[@]}")

if [[ $list_only -eq 1 ]]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
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
