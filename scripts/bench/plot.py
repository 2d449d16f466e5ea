#!/usr/bin/python3
"""Draw docs/performance-plot.png from the JSON files that bench.py --json wrote (one per size).

    /usr/bin/python3 scripts/bench/plot.py S.json M.json [L.json] -o docs/performance-plot.png

Needs matplotlib (apt-get install python3-matplotlib). Three panels: wall time against grid size, peak memory
against grid size (the chain's largest step, minerisk's whole run), and minerisk's cost per cell per stage on the
largest size the chain ran on, beside the chain's per step.
"""

import argparse
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"chain": "#7f7f7f", "same": "#1f77b4", "full": "#d62728"}
LABELS = {"chain": "GDAL/QGIS chain (sum of steps)", "same": "minerisk, same products", "full": "minerisk, full run"}


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("json", nargs="+")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args(argv)
    docs = sorted((json.load(open(p)) for p in a.json), key=lambda d: d["meta"]["cells"])
    cells = [d["meta"]["cells"] for d in docs]
    sizes = [d["size"] for d in docs]

    fig, axes = plt.subplots(1, 3, figsize=(16, 5.2), gridspec_kw={"width_ratios": [1, 1, 1.35]})
    series = {"chain": [], "same": [], "full": []}
    for d in docs:
        s = d["summary"]
        series["chain"].append((s["chain_total"]["wall"], s["chain_total"]["cpu"], s["chain_total"]["peak_mb"]))
        for k in ("same", "full"):
            m = s["minerisk"].get(k)
            series[k].append((m["wall"], m["cpu"], m["peak_mb"]) if m else (None, None, None))

    ax = axes[0]
    for k, v in series.items():
        xs = [c for c, t in zip(cells, v) if t[0]]
        ax.plot(xs, [t[0] for t in v if t[0]], "o-", color=COLOURS[k], label=LABELS[k] + ", wall")
        ax.plot(xs, [t[1] for t in v if t[1]], "x--", color=COLOURS[k], alpha=0.6, label="    CPU (user + sys)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("grid cells (10 m)")
    ax.set_ylabel("seconds")
    ax.set_title("Time against grid size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    for c, s in zip(cells, sizes):
        ax.annotate(s, (c, ax.get_ylim()[0]), textcoords="offset points", xytext=(0, 4), ha="center", fontsize=8)

    ax = axes[1]
    for k, v in series.items():
        xs = [c for c, t in zip(cells, v) if t[2]]
        ax.plot(xs, [t[2] for t in v if t[2]], "o-", color=COLOURS[k],
                label=("GDAL/QGIS chain (largest step)" if k == "chain" else LABELS[k]))
    ax.axhline(3 * 1024, color="k", lw=0.8, ls=":")
    ax.text(cells[0], 3 * 1024 * 1.05, "3 GB target (L)", fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("grid cells (10 m)")
    ax.set_ylabel("peak resident memory, MB")
    ax.set_title("Peak memory against grid size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)

    # cost per cell on the largest size the chain ran on (else the largest): the chain's steps and minerisk's
    # stages (ns per cell of wall time)
    ax = axes[2]
    with_chain = [x for x in docs if x["summary"]["chain_total"]["wall"] > 0]
    d = with_chain[-1] if with_chain else docs[-1]
    n = d["meta"]["cells"]
    rows = []
    for st in d["summary"]["chain"]:
        rows.append(("chain: " + st["step"].split(" (")[0], st["wall"] / n * 1e9, COLOURS["chain"]))
    for k in ("same", "full"):
        m = d["summary"]["minerisk"].get(k)
        if not m:
            continue
        for name, sec in m["stages"].items():
            if name == "total" or sec is None or sec / n * 1e9 < 1:
                continue
            rows.append(("minerisk %s: %s" % ("same" if k == "same" else "full", name), sec / n * 1e9, COLOURS[k]))
    ys = list(range(len(rows)))[::-1]
    ax.barh(ys, [r[1] for r in rows], color=[r[2] for r in rows])
    ax.set_yticks(ys)
    ax.set_yticklabels([r[0] for r in rows], fontsize=7)
    ax.set_xlabel("wall time per cell, ns")
    ax.set_title("Cost per cell per step/stage, size %s (%.0f M cells)" % (d["size"], n / 1e6))
    ax.grid(True, axis="x", alpha=0.3)
    for y, r in zip(ys, rows):
        ax.text(r[1], y, " %.0f" % r[1], va="center", fontsize=7)

    fig.suptitle("minerisk benchmark on %s (%s cores): %s" % (
        docs[-1]["machine"].get("cpu", "?"), docs[-1]["machine"].get("cores", "?"), ", ".join(
            "%s = %d² cells" % (s, d["meta"]["width"]) for s, d in zip(sizes, docs))), fontsize=10)
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print("plot written to " + a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
