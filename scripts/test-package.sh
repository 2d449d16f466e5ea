#!/usr/bin/env bash
# Builds the Debian package (cpack -G DEB in the build folder) and runs the program from the package's files, not
# the build tree's: `minerisk --version`, `minerisk demo -o TMP` (which must find the packaged demo and plugins),
# its outputs, the man page and the bash completion.
#   scripts/test-package.sh [BUILD_DIR]            unpacks the package into a temporary root (dpkg-deb -x) and
#                                                  runs it from there: safe on a shared machine, installs nothing;
#                                                  checks that every dependency is an installed Debian package
#   scripts/test-package.sh --install [BUILD_DIR]  installs it for real with apt-get (which resolves its
#                                                  dependencies from Debian), runs /usr/bin/minerisk, then removes
#                                                  it. For CI's throwaway machine (.ci/run, stage "package"); as
#                                                  root only, and refused where a minerisk is installed already.
set -euo pipefail
cd "$(dirname "$0")/.."

install=0
if [[ "${1:-}" == --install ]]; then install=1; shift; fi
build="${1:-build}"
fail() { echo "test-package: FAILED: $*" >&2; exit 1; }
ok() { echo "test-package: ok: $*"; }

[[ -x "$build/bin/minerisk" ]] || fail "no $build/bin/minerisk: build first (make build)"
rm -f "$build"/minerisk_*.deb
(cd "$build" && cpack -G DEB >/dev/null) || fail "cpack -G DEB"
debs=("$build"/minerisk_*_*.deb)
deb="${debs[0]}"
[[ -f "$deb" ]] || fail "cpack wrote no minerisk_VERSION_ARCH.deb in $build"
version=$("$build/bin/minerisk" --version | awk '{print $2}')
[[ "$(basename "$deb")" == "minerisk_${version}_$(dpkg --print-architecture).deb" ]] || fail "package name $(basename "$deb")"
ok "built $(basename "$deb") ($(du -k "$deb" | cut -f1) kB)"
depends=$(dpkg-deb -f "$deb" Depends)
[[ "$depends" == *libgdal* && "$depends" == *libgeos* && "$depends" == *libproj* ]] || fail "Depends lacks GDAL, GEOS or PROJ: $depends"
ok "Depends: $depends"

work=$(mktemp -d)
cleanup() {
  if [[ $install -eq 1 ]] && dpkg-query -W -f='${Status}' minerisk 2>/dev/null | grep -q "install ok installed"; then
    dpkg -r minerisk >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ $install -eq 1 ]]; then
  [[ $(id -u) -eq 0 ]] || fail "--install installs into /usr: run it as root on a throwaway machine"
  if dpkg-query -W minerisk >/dev/null 2>&1 || [[ -e /usr/bin/minerisk ]]; then
    trap - EXIT
    rm -rf "$work"
    fail "a minerisk is installed already; --install would replace it (run without --install)"
  fi
  cp "$deb" "$work/"  # apt-get reads the file as the _apt user: a path it can reach
  chmod 755 "$work"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$work/$(basename "$deb")" >"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log" >&2; fail "apt-get install ./$(basename "$deb")"; }
  root=""
  ok "installed with apt-get"
else
  # Every dependency is a Debian package installed here (so the package would install on this system).
  for dep in $(echo "$depends" | tr ',' '\n' | sed 's/(.*//; s/|.*//; s/ //g'); do
    dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q "install ok installed" || fail "dependency $dep is not an installed Debian package"
  done
  ok "every dependency is an installed Debian package"
  root="$work/root"
  dpkg-deb -x "$deb" "$root"
  ok "unpacked into $root"
fi

exe="$root/usr/bin/minerisk"
[[ -x "$exe" ]] || fail "the package has no usr/bin/minerisk"
for f in usr/share/man/man1/minerisk.1.gz usr/share/bash-completion/completions/minerisk usr/share/doc/minerisk/copyright \
         usr/share/minerisk/demo/scenario.yaml; do
  [[ -s "$root/$f" ]] || fail "the package has no $f"
done
ok "man page, bash completion, licence and demo are in the package"
got=$(env -u MINERISK_PLUGIN_PATH "$exe" --version)
[[ "$got" == "minerisk $version "* ]] || fail "minerisk --version says: $got"
ok "$got"
zcat "$root/usr/share/man/man1/minerisk.1.gz" | grep -q '^\.SH COMMANDS' || fail "the man page has no COMMANDS section"
if [[ -z "$root" ]] && command -v man >/dev/null; then
  man -w minerisk >/dev/null 2>&1 && ok "man finds the page ($(man -w minerisk))" || fail "man -w minerisk finds no page"
fi
bash -c "source '$root/usr/share/bash-completion/completions/minerisk'; COMP_WORDS=(minerisk r); COMP_CWORD=1; _minerisk; [[ \"\${COMPREPLY[*]}\" == run ]]" \
  || fail "the packaged bash completion does not complete 'minerisk r' to run"
ok "the packaged completion completes 'minerisk r' to run"

# The demo, from the packaged files only: the plugins next to the program, the demo data under share/minerisk.
out="$work/demo-out"
(cd "$work" && env -u MINERISK_PLUGIN_PATH "$exe" demo -q --progress none -o "$out" >"$work/demo.log" 2>&1) \
  || { cat "$work/demo.log" >&2; fail "minerisk demo -o $out"; }
for f in risk.tif zones.csv minerisk.gpkg minerisk.qgs report.html run.json; do
  [[ -s "$out/$f" ]] || fail "the demo wrote no $f"
done
/usr/bin/python3 - "$out/run.json" "$root" <<'PY' || fail "run.json: the demo did not use the packaged scenario and plugins"
import json, sys
j, root = json.load(open(sys.argv[1])), sys.argv[2]
want = root + "/usr/"
assert j["scenario"]["file"].startswith(want + "share/minerisk/demo/"), j["scenario"]["file"]
for f in j["scoring"]["factors"]:
    assert f["library"].startswith(want + "lib/"), f["library"]
PY
ok "the demo ran from the package: $(grep -c . "$out/zones.csv") lines of zones.csv, scenario and plugins from the package"

if [[ $install -eq 1 ]]; then
  dpkg -r minerisk >/dev/null
  [[ ! -e /usr/bin/minerisk ]] || fail "/usr/bin/minerisk is still there after dpkg -r"
  ok "removed again (dpkg -r minerisk)"
fi
echo "test-package: every check passed"
