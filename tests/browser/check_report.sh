#!/usr/bin/env bash
# Opens a minerisk report.html in a real browser (Debian's headless Chromium), the way a planner would, and checks:
#   - Chromium renders it (exit code 0) and takes a screenshot of a non-trivial size;
#   - the rendered DOM has one row (class="zone-row", id="zone-1".."zone-N" in order) per zone;
#   - the quick-look is there as an inlined data: image;
#   - the page asks the network for nothing (Chromium's net log shows no request made by the page; all host names
#     resolve to nothing anyway, so a report that needs the network is seen failing here);
#   - the browser console shows no error (uncaught exception, refused or failed load);
#   - it prints to PDF (the page count is reported).
#
# Usage: check_report.sh REPORT.html [ZONES] [SCREENSHOT.png]
#   ZONES       the number of zones expected; default: the records of zones.csv beside the report
#   SCREENSHOT  where to keep the screenshot (1400 x 3000); default: a temporary file, removed
# Environment: CHROMIUM=/path/to/chromium to choose the browser.
# Exit status: 0 passed, 1 failed, 2 usage error, 77 skipped (no Chromium installed; CTest's SKIP_RETURN_CODE).
set -u

usage() { echo "usage: $0 REPORT.html [ZONES] [SCREENSHOT.png]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 3 ] || usage
report=$1
expected=${2:-}
keep_shot=${3:-}
[ -f "$report" ] || { echo "FAIL: no such file: $report" >&2; exit 1; }

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
    for b in chromium chromium-browser google-chrome-stable google-chrome; do
        if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
    done
fi
if [ -z "$browser" ] || ! [ -x "$browser" ]; then
    echo "SKIP: Chromium is not installed (apt-get install --no-install-recommends chromium), so the report was not opened in a browser"
    exit 77
fi

dir=$(cd "$(dirname "$report")" && pwd)
abs="$dir/$(basename "$report")"
url="file://$abs"

if [ -z "$expected" ]; then
    csv="$dir/zones.csv"
    [ -f "$csv" ] || { echo "FAIL: give the number of zones, or keep zones.csv beside the report" >&2; exit 2; }
    # Records, not lines: a quoted field may hold a line break. A record ends where the quotes seen so far pair up.
    expected=$(awk '{ q += gsub(/"/, "\""); if (q % 2 == 0) { n++; q = 0 } } END { print (n > 0 ? n - 1 : 0) }' "$csv")
fi
case $expected in ''|*[!0-9]*) echo "FAIL: the number of zones must be a whole number, got '$expected'" >&2; exit 2 ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/minerisk-browser.XXXXXX")
trap 'rm -rf "$work"' EXIT
shot=${keep_shot:-$work/screenshot.png}

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }

# One Chromium run, with a fresh profile, no background traffic, every host name unresolvable, console and net log.
run_chromium() {  # name, extra arguments...
    local name=$1; shift
    timeout 180 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
        --disable-dev-shm-usage --hide-scrollbars --mute-audio \
        --host-resolver-rules="MAP * ~NOTFOUND" \
        --user-data-dir="$work/profile-$name" \
        --enable-logging=stderr --v=0 --log-net-log="$work/net-$name.json" \
        "$@" "$url" >"$work/$name.out" 2>"$work/$name.log"
}

# 1. Screenshot.
run_chromium shot --screenshot="$shot" --window-size=1400,3000
rc=$?
if [ $rc -ne 0 ]; then
    fail "chromium --screenshot exited with $rc"; tail -n 5 "$work/shot.log"
else
    pass "chromium rendered the page"
fi
if [ -s "$shot" ]; then
    size=$(wc -c <"$shot")
    sig=$(od -An -tx1 -N8 "$shot" | tr -d ' \n')
    dims=$(od -An -tu1 -j16 -N8 "$shot" | awk '{ printf "%d x %d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }')
    if [ "$sig" != "89504e470d0a1a0a" ]; then fail "the screenshot is not a PNG"
    elif [ "$size" -lt 20000 ]; then fail "the screenshot is only $size bytes ($dims): the page looks blank"
    else pass "screenshot $dims, $size bytes${keep_shot:+ -> $keep_shot}"
    fi
else
    fail "no screenshot was written"
fi

# 2. Rendered DOM.
run_chromium dom --dump-dom --window-size=1400,3000
rc=$?
dom="$work/dom.out"
if [ $rc -ne 0 ] || [ ! -s "$dom" ]; then
    fail "chromium --dump-dom exited with $rc and gave $(wc -c <"$dom") bytes"
else
    rows=$(grep -o 'class="zone-row"' "$dom" | wc -l)
    if [ "$rows" -eq "$expected" ]; then pass "$rows zone rows (expected $expected)"
    else fail "$rows zone rows in the rendered page, expected $expected"
    fi
    ids=$(grep -o 'id="zone-[0-9]*"' "$dom" | sed 's/[^0-9]//g' | tr '\n' ' ')
    want=$( [ "$expected" -gt 0 ] && seq -s ' ' 1 "$expected"; true)
    if [ "$(echo $ids)" = "$(echo $want)" ]; then pass "zone rows are zone-1 .. zone-$expected in rank order"
    else fail "zone row ids out of order or missing: $(echo $ids | cut -c1-200)"
    fi
    settlements=$(grep -o 'class="settlement-row"' "$dom" | wc -l)
    pass "$settlements settlement rows"
    if grep -q '<img[^>]*src="data:image/png;base64,' "$dom"; then pass "the quick-look is inlined as a data: image"
    elif [ -f "$dir/quicklook.png" ]; then fail "quicklook.png is beside the report but the page has no inlined image"
    else echo "note: no quick-look in the page (none beside the report either)"
    fi
    if grep -Eq '(src|href)="(https?:|ftp:|//)' "$dom"; then
        fail "the page refers to the network:"; grep -Eo '(src|href)="(https?:|ftp:|//)[^"]*"' "$dom" | head -5
    else
        pass "no src/href points to the network"
    fi
fi

# 3. Print to PDF (A4 landscape from the page's own @page rule).
run_chromium pdf --print-to-pdf="$work/report.pdf" --no-pdf-header-footer
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$work/report.pdf" ]; then
    fail "printing to PDF failed (exit $rc)"
else
    pages=$(grep -a -o '/Type */Pages*' "$work/report.pdf" | grep -c 'Page$')
    pass "prints to PDF: $pages pages, $(wc -c <"$work/report.pdf") bytes"
fi

# 4. Network requests made by the page (the browser's own background requests are told apart by their
#    network isolation key, which is file:// only for what the page asked for).
page_requests=$(cat "$work"/net-*.json 2>/dev/null | grep '"network_isolation_key":"file://' |
    grep -o '"url":"[a-z]*://[^"]*"' | grep -v '"url":"\(file\|data\|blob\|chrome\|about\)' | sort -u)
if [ -n "$page_requests" ]; then
    fail "the page asked the network for:"; echo "$page_requests" | head -10
else
    pass "the page made no network request"
fi

# 5. Console: the page has no script, so any error or refused load is a fault.
console=$(cat "$work"/shot.log "$work"/dom.log "$work"/pdf.log 2>/dev/null | grep ':CONSOLE' |
    grep -Ei 'error|uncaught|refused|failed|violat|blocked' | sort -u)
if [ -n "$console" ]; then
    fail "console errors:"; echo "$console" | cut -c1-300 | head -10
else
    pass "no console error"
fi

if [ $failures -gt 0 ]; then
    echo "FAILED: $failures check(s) on $abs"
    exit 1
fi
echo "PASSED: $abs"
exit 0
