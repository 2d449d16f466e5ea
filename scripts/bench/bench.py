#!/usr/bin/python3
"""minerisk benchmark: minerisk against the GIS officer's GDAL/QGIS tool chain, on the same seeded data.

    /usr/bin/python3 scripts/bench/bench.py --size S [--repeat 3] [--keep] [--json FILE]

(`make bench` and `make bench SIZE=M` install the tools, build minerisk and call this.)

One run:
  1. scripts/bench/gen_scenario.py writes a seeded synthetic scenario (S, M or L) into a temporary folder.
  2. The chain, each step timed with GNU time (/usr/bin/time -v: wall, user + system CPU, peak resident memory):
       gdal_rasterize      counted hazards (CHA, SHA) burnt into a 10 m Byte grid
       gdal_proximity.py   distance to the nearest hazard cell, metres (-distunits GEO)
       qgis heatmap        qgis_process run qgis:heatmapkerneldensityestimation: radius 2 km, 10 m pixels,
                           quartic kernel, weighted by casualties (skipped, and said so, without QGIS)
       gdalinfo -mm        the density's maximum, for the normalisation
       gdal_calc.py        risk = 0.6 * exp(-ln2 * d / 250) + 0.4 * min(1, density / max)
       gdal_calc.py        zones mask = risk >= 0.5
       gdal_polygonize.py  the zone polygons, GeoPackage
  3. minerisk run on scenario-same.yaml: the same products (distance and density factors, the combined risk,
     the zones), written as the chain writes them (tiled GeoTIFFs, no compression, no extra bands, no report).
  4. minerisk run on scenario-full.yaml: five factors, zones, every export: the "full run".
  The table gives each step, the chain's total (sum of wall and CPU, the largest step's peak memory) and the
  ratios chain / minerisk. With --repeat N each figure is the median of N runs.

Generated data and outputs live in a temporary folder (under $TMPDIR, default /tmp), removed at the end
unless --keep. An L run needs about 20 GB there while it runs.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import gen_scenario  # noqa: E402
import limits  # noqa: E402

GNU_TIME = "/usr/bin/time"


def die(msg):
    print("bench: " + msg, file=sys.stderr)
    sys.exit(1)


def which(name):
    return shutil.which(name)


def qgis_process_command():
    """Debian's /usr/bin/qgis_process wrapper passes --noversioncheck from /etc/default/qgis, which QGIS 3.22's
    qgis_process refuses ("Command --noversioncheck not known!"): call the binary beside it directly."""
    p = which("qgis_process")
    if not p:
        return None
    b = os.path.realpath(p) + ".bin"
    return b if os.access(b, os.X_OK) else p


def busy_seconds():
    """CPU seconds the whole machine has spent busy since boot (/proc/stat), or None."""
    try:
        f = open("/proc/stat").readline().split()
        ticks = os.sysconf("SC_CLK_TCK")
        user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in f[1:9])
        return (user + nice + system + irq + softirq + steal) / ticks
    except Exception:
        return None


def parse_gnu_time(path):
    text = open(path).read()

    def field(label):
        m = re.search(r"^\s*" + re.escape(label) + r":\s*(.+)$", text, re.M)
        return m.group(1).strip() if m else None

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    user, system = float(field("User time (seconds)")), float(field("System time (seconds)"))
    return {"wall": secs, "cpu": user + system, "user": user, "sys": system,
            "peak_mb": int(field("Maximum resident set size (kbytes)")) / 1024.0,
            "exit": int(field("Exit status") or 0)}


class Runner:
    def __init__(self, work, verbose):
        self.work = work
        self.verbose = verbose
        self.count = 0

    def run(self, name, argv, cwd=None, env=None, allow_fail=False):
        self.count += 1
        tag = "%02d-%s" % (self.count, re.sub(r"[^A-Za-z0-9]+", "_", name))
        tfile = os.path.join(self.work, "logs", tag + ".time")
        out = os.path.join(self.work, "logs", tag + ".out")
        err = os.path.join(self.work, "logs", tag + ".err")
        e = dict(os.environ)
        if env:
            e.update(env)
        if self.verbose:
            print("  $ " + " ".join(argv), flush=True)
        busy0 = busy_seconds()
        with open(out, "w") as fo, open(err, "w") as fe:
            rc = subprocess.call([GNU_TIME, "-v", "-o", tfile] + argv, cwd=cwd or self.work, env=e,
                                 stdout=fo, stderr=fe)
        busy1 = busy_seconds()
        r = parse_gnu_time(tfile) if os.path.exists(tfile) else {"exit": rc}
        r["stdout"], r["stderr"] = out, err
        if busy0 is not None and busy1 is not None and "wall" in r and r["wall"] > 0:
            # CPU used by OTHER processes on the machine while this step ran, as a share of all cores
            r["others_busy"] = max(0.0, (busy1 - busy0 - r["cpu"]) / (r["wall"] * (os.cpu_count() or 1)))
        if rc != 0 and not allow_fail:
            tail = open(err).read()[-3000:] + open(out).read()[-2000:]
            die("step '%s' failed (exit %d): %s\n%s" % (name, rc, " ".join(argv), tail))
        r["exit"] = rc
        return r


def grid_of(path):
    txt = subprocess.run(["gdalinfo", path], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Size is (\d+), (\d+)", txt)
    origin = re.search(r"Origin = \(([-\d.e+]+),([-\d.e+]+)\)", txt)
    pix = re.search(r"Pixel Size = \(([-\d.e+]+),([-\d.e+]+)\)", txt)
    return (int(size.group(1)), int(size.group(2)), float(origin.group(1)), float(origin.group(2)),
            float(pix.group(1)), float(pix.group(2)))


def run_chain(r, data, meta, qgis):
    """The GIS officer's chain. Returns a list of (step, result) and the notes."""
    xmin, ymin, xmax, ymax = meta["extent"]
    cell = meta["cell"]
    steps, notes = [], []
    d = lambda name: os.path.join(data, name)  # noqa: E731
    steps.append(("gdal_rasterize (hazards, Byte)", r.run("gdal_rasterize", [
        "gdal_rasterize", "-q", "-l", "hazards", "-where", "status IN ('CHA', 'SHA')", "-burn", "1", "-init", "0",
        "-ot", "Byte", "-te", "%.0f" % xmin, "%.0f" % ymin, "%.0f" % xmax, "%.0f" % ymax, "-tr", "%g" % cell,
        "%g" % cell, d("hazards.gpkg"), d("chain_hazards.tif")])))
    steps.append(("gdal_proximity.py (-distunits GEO)", r.run("gdal_proximity", [
        "gdal_proximity.py", "-q", d("chain_hazards.tif"), d("chain_distance.tif"), "-values", "1",
        "-distunits", "GEO", "-ot", "Float32"])))
    have_density = False
    if qgis:
        args = [qgis, "run", "qgis:heatmapkerneldensityestimation", "--",
                "INPUT=" + d("incidents.gpkg") + "|layername=incidents", "RADIUS=%g" % meta["radius"],
                "PIXEL_SIZE=%g" % cell, "WEIGHT_FIELD=casualties", "KERNEL=0", "DECAY=0", "OUTPUT_VALUE=0",
                "OUTPUT=" + d("chain_density.tif")]
        env = {"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": os.path.join(r.work, "xdg")}
        os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
        res = r.run("qgis_heatmap", args, env=env, allow_fail=True)
        if res["exit"] != 0 and which("xvfb-run"):
            notes.append("qgis_process failed on the offscreen platform; ran it under xvfb-run")
            res = r.run("qgis_heatmap_xvfb", ["xvfb-run", "-a"] + args, allow_fail=False)
        elif res["exit"] != 0:
            die("qgis_process failed: " + open(res["stderr"]).read()[-3000:])
        steps.append(("qgis_process heatmap (quartic, 2 km)", res))
        g = grid_of(d("chain_density.tif"))
        want = (meta["width"], meta["height"], xmin, ymax, cell, -cell)
        if any(abs(a - b) > 1e-6 for a, b in zip(g, want)):
            die("the QGIS heatmap's grid %s is not the benchmark grid %s" % (g, want))
        have_density = True
        res = r.run("gdalinfo_mm", ["gdalinfo", "-mm", d("chain_density.tif")])
        m = re.search(r"Computed Min/Max=([-\d.e+]+),([-\d.e+]+)", open(res["stdout"]).read())
        dmax = float(m.group(2))
        steps.append(("gdalinfo -mm (density maximum)", res))
    else:
        notes.append("QGIS (qgis_process) is not installed: the heatmap step is left out and the chain's risk "
                     "uses the distance term only; install it with scripts/install-deps.sh --bench")
    if have_density:
        calc = "0.6*exp(-0.6931471805599453*A/%g)+0.4*minimum(1.0,B/%r)" % (meta["half_distance"], dmax)
        extra = ["-B", d("chain_density.tif")]
    else:
        calc = "0.6*exp(-0.6931471805599453*A/%g)" % meta["half_distance"]
        extra = []
    steps.append(("gdal_calc.py (combine to risk)", r.run("gdal_calc_risk", [
        "gdal_calc.py", "--quiet", "-A", d("chain_distance.tif")] + extra + [
        "--outfile=" + d("chain_risk.tif"), "--calc=" + calc, "--type=Float32", "--overwrite"])))
    steps.append(("gdal_calc.py (risk >= %g)" % meta["threshold"], r.run("gdal_calc_threshold", [
        "gdal_calc.py", "--quiet", "-A", d("chain_risk.tif"), "--outfile=" + d("chain_zones.tif"),
        "--calc=A>=%g" % meta["threshold"], "--type=Byte", "--NoDataValue=0", "--overwrite"])))
    steps.append(("gdal_polygonize.py (zones, GPKG)", r.run("gdal_polygonize", [
        "gdal_polygonize.py", "-q", d("chain_zones.tif"), "-f", "GPKG", d("chain_zones.gpkg"), "zones", "value"])))
    return steps, notes


STAGE_RE = re.compile(r"^time per stage:(.*)$", re.M)


def parse_stages(stdout_path):
    m = STAGE_RE.search(open(stdout_path).read())
    out = {}
    if m:
        for part in m.group(1).split(";"):
            mm = re.match(r"\s*(.+?)\s+([\d.]+)\s*s\s*$", part)
            if mm:
                out[mm.group(1)] = float(mm.group(2))
    return out


def run_minerisk(r, exe, scenario, out, threads, tile, mpi_ranks=0):
    argv = [exe, "run", scenario, "-o", out, "--overwrite", "-q"]
    if mpi_ranks:
        # Open MPI's own options: several ranks on one host, and root in containers and CI.
        argv = ["mpirun", "-q", "--oversubscribe", "--bind-to", "none"] + (["--allow-run-as-root"] if os.geteuid() == 0 else []) + \
            ["-np", str(mpi_ranks)] + argv
    if threads:
        argv += ["-j", str(threads)]
    if tile:
        argv += ["--tile-size", str(tile)]
    res = r.run(os.path.basename(scenario), argv)
    res["stages"] = parse_stages(res["stdout"])
    # CPU seconds per stage (all threads), from the run record: the cost of each stage whatever the load.
    try:
        with open(os.path.join(out, "run.json")) as f:
            res["stage_cpu"] = {st["name"]: st.get("cpu_seconds") for st in json.load(f).get("stages", [])}
        if mpi_ranks:
            with open(os.path.join(out, "run.json")) as f:
                res["mpi_by_rank"] = json.load(f).get("run", {}).get("mpi_by_rank", [])
    except (OSError, ValueError):
        res["stage_cpu"] = {}
    res["output_mb"] = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(out) for f in fs) / 2**20
    return res


def remove(paths):
    for p in paths:
        if os.path.isdir(p):
            shutil.rmtree(p, ignore_errors=True)
        elif os.path.exists(p):
            os.remove(p)


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarise(runs):
    """Median over the repeats of every step's figures, and of the chain's totals."""
    steps = [name for name, _ in runs[0]["chain"]]
    chain = []
    for i, name in enumerate(steps):
        chain.append({"step": name, **{k: med([run["chain"][i][1][k] for run in runs]) for k in ("wall", "cpu", "peak_mb")}})
    total = {k: med([sum(s[1][k] for s in run["chain"]) for run in runs]) for k in ("wall", "cpu")}
    total["peak_mb"] = med([max(s[1]["peak_mb"] for s in run["chain"]) for run in runs])
    mr = {}
    for key in ("same", "full", "full_mpi"):
        if key not in runs[0]:
            continue
        mr[key] = {k: med([run[key][k] for run in runs]) for k in ("wall", "cpu", "peak_mb", "output_mb")}
        names = list(runs[0][key]["stages"].keys())
        mr[key]["stages"] = {n: med([run[key]["stages"].get(n) for run in runs]) for n in names}
        cpu_names = list(runs[0][key].get("stage_cpu", {}).keys())
        mr[key]["stage_cpu"] = {n: med([run[key].get("stage_cpu", {}).get(n) for run in runs]) for n in cpu_names}
        if key == "full_mpi":
            ranks = len(runs[0][key].get("mpi_by_rank", []))
            mr[key]["mpi_by_rank"] = [{f: med([run[key]["mpi_by_rank"][i][f] for run in runs if len(run[key].get("mpi_by_rank", [])) > i])
                                       for f in ("tiles", "bytes_sent")} for i in range(ranks)]
    busy = [s[1].get("others_busy", 0) for run in runs for s in run["chain"]]
    busy += [run[k].get("others_busy", 0) for run in runs for k in ("same", "full", "full_mpi") if k in run]
    return {"chain": chain, "chain_total": total, "minerisk": mr, "others_busy_max": max(busy or [0])}


def fmt_table(size, meta, summ, repeats):
    lines = []
    w = 46
    cells = meta["cells"]
    lines.append("")
    lines.append("minerisk benchmark, size %s: %d x %d cells of %g m (%.0f M cells); %s%s" % (
        size, meta["width"], meta["height"], meta["cell"], cells / 1e6,
        ", ".join("%s %d" % kv for kv in meta["counts"].items()),
        "; median of %d runs" % repeats if repeats > 1 else ""))
    lines.append("%-*s %9s %9s %9s" % (w, "step", "wall s", "CPU s", "peak MB"))
    lines.append("-" * (w + 30))
    for s in summ["chain"]:
        lines.append("%-*s %9.2f %9.2f %9.0f" % (w, "  " + s["step"], s["wall"], s["cpu"], s["peak_mb"]))
    t = summ["chain_total"]
    lines.append("%-*s %9.2f %9.2f %9.0f" % (w, "GIS chain, total (peak = largest step)", t["wall"], t["cpu"], t["peak_mb"]))
    labels = {"same": "minerisk, same products (2 factors + zones)", "full": "minerisk, full run (5 factors, every export)",
              "full_mpi": "minerisk, full run under mpirun"}
    for key, m in summ["minerisk"].items():
        lines.append("%-*s %9.2f %9.2f %9.0f" % (w, labels[key], m["wall"], m["cpu"], m["peak_mb"]))
    lines.append("")
    for key, m in summ["minerisk"].items():
        if key == "full_mpi":
            continue
        lines.append("chain / minerisk %s: wall %.2fx, CPU %.2fx, peak memory %.2fx" % (
            "same products" if key == "same" else "full run", t["wall"] / m["wall"], t["cpu"] / m["cpu"],
            t["peak_mb"] / m["peak_mb"]))
    for key, m in summ["minerisk"].items():
        st = m["stages"]
        if st:
            lines.append("minerisk %s, time per stage (s): %s" % (
                key, "; ".join("%s %.2f" % (k, v) for k, v in st.items() if v is not None)))
        cpu = m.get("stage_cpu") or {}
        if cpu:
            lines.append("minerisk %s, CPU per stage, ns per cell (all threads): %s" % (
                key, "; ".join("%s %.1f" % (k, 1e9 * v / cells) for k, v in cpu.items() if v is not None)))
    mpi = summ["minerisk"].get("full_mpi")
    if mpi and "full" in summ["minerisk"]:
        one = summ["minerisk"]["full"]
        lines.append("full run, %d ranks against one process: wall %.2fx, CPU %.2fx; per rank (tiles scored, MB sent to rank 0): %s" % (
            len(mpi.get("mpi_by_rank", [])), mpi["wall"] / one["wall"], mpi["cpu"] / one["cpu"],
            "; ".join("rank %d: %d, %.0f" % (i, x["tiles"] or 0, (x["bytes_sent"] or 0) / 2**20)
                      for i, x in enumerate(mpi.get("mpi_by_rank", [])))))
        # The assembler's cost per cell: rank 0's CPU in the scoring stage (run.json: rank 0's own accounting) less
        # its own tiles at the other ranks' rate (the whole job's CPU less rank 0's, per tile they scored).
        by_rank = mpi.get("mpi_by_rank", [])
        rank0 = mpi.get("stage_cpu", {})
        others_tiles = sum((x["tiles"] or 0) for x in by_rank[1:])
        if by_rank and others_tiles and rank0.get("scoring and writing"):
            tiles = sum((x["tiles"] or 0) for x in by_rank)
            others_cpu = mpi["cpu"] - sum(v for v in rank0.values() if v)
            per_tile = others_cpu / others_tiles
            assembler = rank0["scoring and writing"] - (by_rank[0]["tiles"] or 0) * per_tile
            lines.append("under mpirun: the other ranks scored at %.0f ns of CPU per cell; rank 0, the assembler, spent "
                         "about %.0f ns per cell of the grid writing what every rank scored" % (
                             1e9 * per_tile * tiles / cells, 1e9 * max(0.0, assembler) / cells))
    if summ.get("others_busy_max", 0) > 0.1:
        lines.append("warning: other processes kept up to %.0f %% of the machine's %d cores busy during a step: wall times"
                     " are inflated; CPU times are the steadier figure" % (100 * summ["others_busy_max"], os.cpu_count()))
    return "\n".join(lines)


def machine_info(exe):
    info = {"python": platform.python_version(), "kernel": platform.release(), "cores": os.cpu_count()}
    try:
        info["cpu"] = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except Exception:
        pass
    try:
        kb = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")))
        info["memory_gb"] = round(kb / 2**20, 1)
    except Exception:
        pass
    for key, argv in (("gdal", ["gdalinfo", "--version"]), ("minerisk", [exe, "info"])):
        try:
            info[key] = subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
        except Exception:
            pass
    try:
        info["qgis"] = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "qgis"], capture_output=True,
                                      text=True).stdout.strip()
    except Exception:
        pass
    return info


def main(argv):
    ap = argparse.ArgumentParser(description="Benchmark minerisk against the GDAL/QGIS chain on seeded synthetic data.")
    ap.add_argument("--size", choices=["S", "M", "L"], default="S")
    ap.add_argument("--repeat", type=int, default=0, help="runs to take the median of (default: 3 for S and M, 1 for L)")
    ap.add_argument("--minerisk", default=os.path.join(REPO, "build", "bin", "minerisk"), help="the minerisk executable")
    ap.add_argument("--threads", type=int, default=0, help="minerisk -j (default: all cores)")
    ap.add_argument("--tile-size", type=int, default=0, help="minerisk --tile-size (default: the engine's)")
    ap.add_argument("--no-chain", action="store_true", help="run minerisk only")
    ap.add_argument("--no-full", action="store_true", help="leave out minerisk's full run")
    ap.add_argument("--mpi", type=int, default=0, metavar="N",
                    help="also run the full run under mpirun -np N, each rank with threads / N threads (the MPI build: "
                         "make mpi-build; docs/scale-out.md), and compare it with the one-process full run")
    ap.add_argument("--minerisk-mpi", default=os.path.join(REPO, "build-mpi", "bin", "minerisk"),
                    help="the MPI build's minerisk executable, for --mpi")
    ap.add_argument("--workdir", help="folder for data and outputs (default: a new one under $TMPDIR or /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the data and outputs (the folder is printed)")
    ap.add_argument("--json", help="write the measurements to this JSON file (for plot.py and docs/performance.md)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each command")
    a = ap.parse_args(argv)
    repeats = a.repeat or (1 if a.size == "L" else 3)

    if not os.access(GNU_TIME, os.X_OK):
        die("GNU time (%s) is missing: apt-get install time (scripts/install-deps.sh --bench does)" % GNU_TIME)
    exe = os.path.abspath(a.minerisk)
    if not os.access(exe, os.X_OK):
        die("no minerisk executable at %s: build it first (make build)" % exe)
    needed = [] if a.no_chain else ["gdal_rasterize", "gdal_proximity.py", "gdal_calc.py", "gdal_polygonize.py", "gdalinfo"]
    missing = [t for t in needed if not which(t)]
    if missing:
        die("missing GDAL tools: %s (apt-get install gdal-bin python3-gdal)" % " ".join(missing))
    qgis = None if a.no_chain else qgis_process_command()
    exe_mpi = os.path.abspath(a.minerisk_mpi)
    if a.mpi and (not os.access(exe_mpi, os.X_OK) or not which("mpirun")):
        die("--mpi needs mpirun and the MPI build at %s: make mpi-build" % exe_mpi)

    if a.workdir:
        work = os.path.abspath(a.workdir)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="minerisk-bench-%s-" % a.size)
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    data = os.path.join(work, "data")
    print("bench: size %s, %d run(s), working in %s%s" % (a.size, repeats, work, " (kept)" if a.keep else ""), flush=True)
    try:
        t0 = time.time()
        meta = gen_scenario.generate(a.size, data, quiet=False)
        need_gb = meta["cells"] * (1 + 4 * 3 + 1) / 1e9 * (0 if a.no_chain else 1) + meta["cells"] * 4 * 1.0 / 1e9
        free_gb = shutil.disk_usage(work).free / 1e9
        if free_gb < need_gb:
            die("about %.1f GB free in %s, the run needs about %.1f GB: set TMPDIR or --workdir elsewhere" % (free_gb, work, need_gb))
        r = Runner(work, a.verbose)
        runs = []
        notes = []
        for i in range(repeats):
            run = {}
            print("bench: run %d of %d" % (i + 1, repeats), flush=True)
            if not a.no_chain:
                print("bench:   GIS chain...", flush=True)
                run["chain"], notes = run_chain(r, data, meta, qgis)
                remove([os.path.join(data, f) for f in os.listdir(data) if f.startswith("chain_")])
            else:
                run["chain"] = []
            print("bench:   minerisk, same products...", flush=True)
            run["same"] = run_minerisk(r, exe, os.path.join(data, "scenario-same.yaml"), os.path.join(work, "out-same"),
                                       a.threads, a.tile_size)
            if i == 0:
                print("bench:   this machine's limits (memory, codec, disk)...", flush=True)
                machine_limits = limits.measure(work, os.path.join(work, "out-same", "risk.tif"))
            remove([os.path.join(work, "out-same")] if (i + 1 < repeats or not a.keep) else [])
            if not a.no_full:
                print("bench:   minerisk, full run...", flush=True)
                run["full"] = run_minerisk(r, exe, os.path.join(data, "scenario-full.yaml"), os.path.join(work, "out-full"),
                                           a.threads, a.tile_size)
                remove([os.path.join(work, "out-full")] if (i + 1 < repeats or not a.keep) else [])
            if a.mpi:
                print("bench:   minerisk, full run under mpirun -np %d..." % a.mpi, flush=True)
                per_rank = max(1, (a.threads or os.cpu_count() or 1) // a.mpi)
                run["full_mpi"] = run_minerisk(r, exe_mpi, os.path.join(data, "scenario-full.yaml"),
                                               os.path.join(work, "out-full-mpi"), per_rank, a.tile_size, a.mpi)
                remove([os.path.join(work, "out-full-mpi")] if (i + 1 < repeats or not a.keep) else [])
            runs.append(run)
        if a.no_chain:
            for run in runs:
                run["chain"] = [("(chain not run)", {"wall": 0.0, "cpu": 0.0, "peak_mb": 0.0})]
        summ = summarise(runs)
        print(fmt_table(a.size, meta, summ, repeats))
        for line in limits.describe(machine_limits):
            print(line)
        for n in notes:
            print("note: " + n)
        print("bench: done in %.0f s" % (time.time() - t0))
        if a.json:
            doc = {"size": a.size, "meta": meta, "repeats": repeats, "machine": machine_info(exe),
                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   "threads": a.threads or os.cpu_count(), "notes": notes, "summary": summ, "limits": machine_limits,
                   "runs": [{"chain": [[n, {k: v for k, v in s.items() if k not in ("stdout", "stderr")}]
                                       for n, s in run["chain"]],
                             **{k: {kk: vv for kk, vv in run[k].items() if kk not in ("stdout", "stderr")}
                                for k in ("same", "full", "full_mpi") if k in run}} for run in runs]}
            os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
            with open(a.json, "w") as f:
                json.dump(doc, f, indent=1)
            print("bench: measurements written to " + a.json)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("bench: data and outputs kept in " + work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
