#!/usr/bin/env bash
# Opens a minerisk report.html in a real browser (Debian's headless Chromium), the way a planner would, and checks:
#   - Chromium renders it (exit code 0) and takes a screenshot of a non-trivial size;
#   - the page has one row (class="zone-row", id="zone-1".."zone-N" in order) per zone and inlines the quick-look
#     and the small map of each of the first ten zones (id="zone-map-1".., in order) as data: images (read from the file: the page has no script, so what Chromium renders is the file as written);
#   - the page asks the network for nothing (Chromium's net log shows no request made by the page; all host names
#     resolve to nothing anyway, so a report that needs the network is seen failing here);
#   - the browser console shows no error (uncaught exception, refused or failed load);
#   - it needs no horizontal scrolling in a window 1,280 px wide nor in one 400 px wide (a phone): the page's
#     scroll width is at most the window's, no element reaches past the window's right edge and no box scrolls
#     sideways (measured by a script in a copy of the page, the page itself allowing none);
#   - it prints to PDF in fewer than MAX_PAGES + 1 A4 pages (pdfinfo), and the printed text (pdftotext, from
#     poppler-utils) shows every zone: the first ten of zones.csv in the body with their rank, "zone id M" and the
#     first words of their reason, the others in rank order in the appendix with their rank and zone id; and every
#     survey referral of survey_referrals.csv, in order, with the first words of its reason. So no row is cut off,
#     hidden or lost between pages.
#
# Usage: check_report.sh REPORT.html [ZONES] [SCREENSHOT.png]
#   ZONES       the number of zones expected; default: the records of zones.csv beside the report
#   SCREENSHOT  where to keep the screenshot (1400 x 3000); default: a temporary file, removed
# Environment: CHROMIUM=/path/to/chromium to choose the browser; MAX_PAGES=N the most A4 pages the print may take
#   (default 14: the demo's report must print in under 15).
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

# 2. The page as written (no script can change it: the Content-Security-Policy allows none, and the page has none).
page="$abs"
rows=$(grep -o 'class="zone-row"' "$page" | wc -l)
if [ "$rows" -eq "$expected" ]; then pass "$rows zone rows (expected $expected)"
else fail "$rows zone rows in the page, expected $expected"
fi
ids=$(grep -o 'id="zone-[0-9]*"' "$page" | sed 's/[^0-9]//g' | tr '\n' ' ')
want=$( [ "$expected" -gt 0 ] && seq -s ' ' 1 "$expected"; true)
if [ "$(echo $ids)" = "$(echo $want)" ]; then pass "zone rows are zone-1 .. zone-$expected in rank order"
else fail "zone row ids out of order or missing: $(echo $ids | cut -c1-200)"
fi
settlements=$(grep -o 'class="settlement-row"' "$page" | wc -l)
pass "$settlements settlement rows"
if grep -q '<img[^>]*src="data:image/png;base64,' "$page"; then pass "the quick-look is inlined as a data: image"
elif [ -f "$dir/quicklook.png" ]; then fail "quicklook.png is beside the report but the page has no inlined image"
else echo "note: no quick-look in the page (none beside the report either)"
fi
# The small map of each zone of the body (the first ten), inlined, in rank order.
maps_want=$(( expected < 10 ? expected : 10 ))
map_ids=$(grep -o '<figure id="zone-map-[0-9]*"><img src="data:image/png;base64,' "$page" | sed 's/.*zone-map-\([0-9]*\).*/\1/' | tr '\n' ' ')
if [ "$(echo $map_ids)" = "$(echo $( [ "$maps_want" -gt 0 ] && seq -s ' ' 1 "$maps_want"; true))" ]; then
    pass "$maps_want zone maps, inlined, zone-map-1 .. zone-map-$maps_want in rank order"
else fail "zone maps missing or out of order: $(echo $map_ids | cut -c1-200) (expected 1 .. $maps_want)"
fi
if grep -Eq '(src|href)="(https?:|ftp:|//)' "$page"; then
    fail "the page refers to the network:"; grep -Eo '(src|href)="(https?:|ftp:|//)[^"]*"' "$page" | head -5
else
    pass "no src/href points to the network"
fi

# 2b. Widths. Chromium's window is at least 500 px wide, so the page is measured in a frame of the width wanted,
#     from a script in the page holding the frame (the report itself allows no script: its Content-Security-Policy
#     is left out of the copy in the frame). The script writes what it found into the title, which --dump-dom
#     prints once the page, frame included, has loaded.
max_pages=${MAX_PAGES:-14}
grep -v 'Content-Security-Policy' "$abs" >"$work/page.html"
for width in 1280 400; do
    cat >"$work/frame-$width.html" <<HTML
<!DOCTYPE html><html><head><title>not measured</title></head><body style="margin:0">
<iframe id="f" src="page.html" style="width:${width}px;height:900px;border:0"></iframe>
<script>
document.getElementById("f").onload = function () {
  var w = this.contentWindow, d = w.document, iw = w.innerWidth, bad = [];
  d.querySelectorAll("body *").forEach(function (e) {
    var r = e.getBoundingClientRect(), ox = w.getComputedStyle(e).overflowX;
    var what = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : "");
    if (r.width > 0 && r.right > iw + 1) bad.push(what + " reaches " + Math.round(r.right) + " px");
    else if ((ox == "auto" || ox == "scroll") && e.scrollWidth > e.clientWidth + 1) bad.push(what + " scrolls sideways");
  });
  document.title = "WIDTH inner=" + iw + " scroll=" + d.documentElement.scrollWidth + " wide=" + bad.length +
      " first=" + bad.slice(0, 3).join("; ") + " END";
};
</script></body></html>
HTML
    timeout 180 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --disable-extensions --disable-dev-shm-usage --hide-scrollbars \
        --allow-file-access-from-files --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$work/profile-width-$width" \
        --window-size=1400,900 --dump-dom "file://$work/frame-$width.html" >"$work/dom-$width.html" 2>"$work/dom-$width.log"
    m=$(grep -o 'WIDTH inner=[^<]* END' "$work/dom-$width.html" | head -1)
    inner=$(echo "$m" | sed -n 's/.*inner=\([0-9]*\).*/\1/p')
    scroll=$(echo "$m" | sed -n 's/.*scroll=\([0-9]*\).*/\1/p')
    wide=$(echo "$m" | sed -n 's/.*wide=\([0-9]*\).*/\1/p')
    if [ -z "$m" ]; then fail "at $width px: the measuring script did not run (no result in the DOM)"
    elif [ "$inner" != "$width" ]; then fail "at $width px: the frame is $inner px wide, not $width"
    elif [ "$scroll" -gt "$inner" ] || [ "$wide" -ne 0 ]; then
        fail "at $width px the page scrolls sideways: scroll width $scroll px, window $inner px; $wide element(s) too wide: $(echo "$m" | sed 's/.*first=//; s/ END$//' | cut -c1-300)"
    else pass "at $width px no horizontal scrolling (scroll width $scroll px, window $inner px)"
    fi
done

# 3. Print to PDF (A4 landscape from the page's own @page rule).
run_chromium pdf --print-to-pdf="$work/report.pdf" --no-pdf-header-footer
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$work/report.pdf" ]; then
    fail "printing to PDF failed (exit $rc)"
else
    if command -v pdfinfo >/dev/null 2>&1; then
        pages=$(pdfinfo "$work/report.pdf" | sed -n 's/^Pages: *//p')
    else
        pages=$(grep -a -o '/Type */Pages*' "$work/report.pdf" | grep -c 'Page$')
    fi
    if [ "${pages:-0}" -gt "$max_pages" ]; then fail "prints to PDF in $pages A4 pages, more than $max_pages"
    else pass "prints to PDF: $pages A4 pages (at most $max_pages), $(wc -c <"$work/report.pdf") bytes"
    fi
    # What the printed pages show, checked against the CSV tables beside the report.
    if ! command -v pdftotext >/dev/null 2>&1; then
        fail "pdftotext is not installed (apt-get install poppler-utils, or scripts/install-deps.sh --test): the printed rows were not checked"
    elif ! pdftotext -enc UTF-8 -bbox "$work/report.pdf" "$work/words.html"; then
        fail "pdftotext could not read the printed report"
    else
        python3 - "$work/words.html" "$dir/zones.csv" "$dir/survey_referrals.csv" "$expected" <<'PY'
# Reads the printed words with their positions (pdftotext -bbox) and checks them column by column: a table's column
# read top to bottom, page after page, holds its rows in order, whatever order pdftotext gives the cells in.
import csv, html, re, sys

words_path, zones_csv, referrals_csv, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
failures = 0

def say(ok, msg):
    global failures
    print(("ok:   " if ok else "FAIL: ") + msg)
    failures += 0 if ok else 1

def squeeze(s):
    # Letters and digits only, lower case: immune to line breaks, hyphenation ("non-" "technical") and spacing.
    return re.sub(r"[^0-9a-z]+", "", s.lower())

def first_words(s, n=6):
    return " ".join(s.split()[:n])

def read(path):
    try:
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    except OSError:
        return None

# Every word: (page, top, left, right, text), in reading order (page, line, left to right).
words = []
page = -1
for line in open(words_path, encoding="utf-8"):
    if "<page " in line:
        page += 1
    m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line)
    if m:
        words.append((page, float(m.group(2)), float(m.group(1)), float(m.group(3)), html.unescape(m.group(4))))
# Lines: words whose tops are within 2 pt of the line's first word (bold and regular text may differ a little).
words.sort(key=lambda w: (w[0], w[1]))
line_top, keyed = None, []
for w in words:
    if line_top is None or w[0] != line_top[0] or w[1] - line_top[1] > 2:
        line_top = (w[0], w[1])
    keyed.append((line_top, w[2], w))
words = [w for _, _, w in sorted(keyed, key=lambda k: (k[0], k[1]))]

def find_phrase(phrase, start=0):
    parts = phrase.split()
    for i in range(start, len(words) - len(parts) + 1):
        if all(words[i + j][4] == parts[j] for j in range(len(parts))):
            return i
    return -1

def column(first, last, header, next_header=None):
    """The words of a table column between word indices first and last: those left-aligned at or right of the
    header word (repeated on each page) and, with next_header, left of the next column's header."""
    out, left, right = [], {}, {}
    for w in words[first:last]:
        if w[4] == header and w[0] not in left:
            left[w[0]] = w[2]
        if next_header and w[4] == next_header and w[0] not in right:
            right[w[0]] = w[2]
    for w in words[first:last]:
        if w[0] in left and w[2] >= left[w[0]] - 1 and (not next_header or w[3] <= right.get(w[0], 1e9)):
            out.append(w[4])
    return " ".join(out)

def in_order(stream, texts):
    """The texts whose first words are not found in the squeezed stream, each after the previous one."""
    stream, at, lost = squeeze(stream), 0, []
    for key, t in texts:
        found = stream.find(squeeze(first_words(t)), at)
        if found < 0:
            lost.append("%s ('%s')" % (key, first_words(t)))
        else:
            at = found + 1
    return lost

zones_at = find_phrase("zones by rank")
referrals_at = find_phrase("Survey referrals outside zones", max(zones_at, 0))
settlements_at = find_phrase("Settlements for risk-awareness sessions", max(referrals_at, 0))
if zones_at < 0 or referrals_at < 0:
    say(False, "the printed pages lack the section '... zones by rank' or 'Survey referrals outside zones'")
    sys.exit(1)

# Zones: the rank column reads "1 zone id 71 2 zone id 23 ...", as zones.csv; the Why column holds every reason.
ranks = [(int(r), int(i)) for r, i in re.findall(r"(\d+) zone id (\d+)", column(zones_at, referrals_at, "Rank", "Priority"))]
zones = read(zones_csv)
if zones is None:
    say(len(ranks) == expected, "%d zone rows printed (expected %d; no zones.csv to compare the rows with)" % (len(ranks), expected))
else:
    # The body shows the first ten zones in full; the appendix the others, by rank and zone id.
    want = [(int(z["rank"]), int(z["id"])) for z in zones][:10]
    rest_at = find_phrase("Appendix: the other zones")
    rest_end = find_phrase("Appendix: technical details", max(rest_at, 0))
    rest = [(int(r), int(i)) for r, i in re.findall(r"(\d+) zone id (\d+)", column(rest_at, rest_end, "Rank", "Area"))] \
        if rest_at >= 0 and rest_end > rest_at else []
    rest_want = [(int(z["rank"]), int(z["id"])) for z in zones][10:]
    say(rest == rest_want, "the appendix shows the other %d zones: rank and zone id in order, as in zones.csv" % len(rest_want)
        if rest == rest_want else "the appendix shows %d of the other %d zones (first printed: %s, zones.csv: %s)"
        % (len(rest), len(rest_want), rest[:2], rest_want[:2]))
    if ranks == want:
        say(True, "the printed zone table shows its %d rows: rank and zone id in order, as in zones.csv" % len(want))
    else:
        k = next((i for i in range(min(len(ranks), len(want))) if ranks[i] != want[i]), min(len(ranks), len(want)))
        say(False, "the printed zone table shows %d rows, zones.csv has %d; from row %d on it prints %s, zones.csv has %s"
            % (len(ranks), len(want), k + 1, ["rank %d (zone id %d)" % r for r in ranks[k:k + 2]],
               ["rank %d (zone id %d)" % r for r in want[k:k + 2]]))
    lost = in_order(column(zones_at, referrals_at, "Why"), [("rank " + z["rank"], z["reason"]) for z in zones[:10]])
    say(not lost, "every zone's reason is printed, in rank order" if not lost
        else "%d zone reason(s) not printed in order, e.g. %s" % (len(lost), "; ".join(lost[:3])))

# Survey referrals: the Why column of their table holds every reason of survey_referrals.csv, in order.
referrals = read(referrals_csv)
if referrals is not None:
    end = settlements_at if settlements_at > referrals_at else len(words)
    lost = in_order(column(referrals_at, end, "Why"), [("referral " + r["id"], r["reason"]) for r in referrals])
    say(not lost, "every survey referral (%d) is printed with its reason, in order" % len(referrals) if not lost
        else "%d survey referral(s) not printed in order, e.g. %s" % (len(lost), "; ".join(lost[:3])))
sys.exit(1 if failures else 0)
PY
        [ $? -eq 0 ] || failures=$((failures + 1))
    fi
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
console=$(cat "$work"/shot.log "$work"/pdf.log 2>/dev/null | grep ':CONSOLE' |
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
