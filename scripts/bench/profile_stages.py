#!/usr/bin/python3
"""Where minerisk's time and memory go, stage by stage, on one scenario.

    /usr/bin/python3 scripts/bench/profile_stages.py SCENARIO.yaml [--minerisk build/bin/minerisk] [-j N]
                                                    [--tile-size N] [--json FILE] [--cells N]

Runs `minerisk run` (not quiet: it names each stage on stderr as it starts) and samples the process every
0.1 s from /proc: resident memory (VmRSS), CPU time (utime + stime) and the number of threads. For each stage:
wall time, CPU time, CPU use (CPU / wall: 2.0 = both cores busy), the peak resident memory seen in it, and with
--cells the cost per cell in ns. The output folder is a temporary one, removed afterwards.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


def sample(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            parts = f.read().rsplit(")", 1)[1].split()
        cpu = (int(parts[11]) + int(parts[12])) / TICK  # utime, stime (fields 14, 15)
        rss = hwm = 0
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024.0
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024.0
        return cpu, rss, hwm
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--minerisk", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                       "build", "bin", "minerisk"))
    ap.add_argument("-j", "--threads", type=int, default=0)
    ap.add_argument("--tile-size", type=int, default=0)
    ap.add_argument("--cells", type=float, default=0, help="grid cells, for the cost per cell")
    ap.add_argument("--json")
    ap.add_argument("--keep", help="write the outputs here and keep them")
    a = ap.parse_args(argv)

    out = a.keep or tempfile.mkdtemp(prefix="minerisk-profile-")
    argv = [os.path.abspath(a.minerisk), "run", a.scenario, "-o", out, "--overwrite"]
    if a.threads:
        argv += ["-j", str(a.threads)]
    if a.tile_size:
        argv += ["--tile-size", str(a.tile_size)]
    t0 = time.time()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    events = [("start", t0)]
    summary_lines = []

    def read_err():
        for line in p.stderr:
            line = line.strip()
            if line.endswith("...") and line[:1].isalpha():  # "scoring and writing...": a stage starts
                events.append((line[:-3], time.time()))

    def read_out():
        for line in p.stdout:
            summary_lines.append(line.rstrip("\n"))

    te = threading.Thread(target=read_err, daemon=True)
    to = threading.Thread(target=read_out, daemon=True)
    te.start()
    to.start()
    samples = []  # (time, cpu, rss, hwm)
    while p.poll() is None:
        s = sample(p.pid)
        if s:
            samples.append((time.time(),) + s)
        time.sleep(0.1)
    t_end = time.time()
    te.join()
    to.join()
    if p.returncode != 0:
        print("\n".join(summary_lines[-20:]), file=sys.stderr)
        sys.exit("minerisk failed (exit %d)" % p.returncode)

    # stage boundaries from the stderr events
    stages = []
    marks = events[1:] + [("(end)", t_end)]
    prev_name, prev_t = "(start-up)", t0
    for name, t in marks:
        stages.append((prev_name, prev_t, t))
        prev_name, prev_t = name, t
    rows = []
    last_cpu = 0.0
    for name, t_a, t_b in stages:
        inside = [s for s in samples if t_a <= s[0] <= t_b]
        before = [s for s in samples if s[0] <= t_b]
        cpu_b = before[-1][1] if before else last_cpu
        peak = max([s[2] for s in inside] + [0.0])
        hwm = before[-1][3] if before else 0.0
        rows.append({"stage": name, "wall": t_b - t_a, "cpu": max(0.0, cpu_b - last_cpu), "peak_rss_mb": peak,
                     "hwm_mb_at_end": hwm})
        last_cpu = cpu_b
    total_wall = t_end - t0
    print("%-24s %8s %8s %6s %10s %9s" % ("stage", "wall s", "CPU s", "CPU/w", "peak MB", "ns/cell"))
    for r in rows:
        if r["wall"] < 0.005 and r["cpu"] < 0.005:
            continue
        nspc = "%9.1f" % (r["wall"] / a.cells * 1e9) if a.cells else ""
        print("%-24s %8.2f %8.2f %6.2f %10.0f %s" % (r["stage"], r["wall"], r["cpu"],
                                                     r["cpu"] / r["wall"] if r["wall"] > 0 else 0, r["peak_rss_mb"], nspc))
    hwm = max([s[3] for s in samples] + [0])
    print("%-24s %8.2f %8.2f %6s %10.0f" % ("total", total_wall, last_cpu, "", hwm))
    for line in summary_lines:
        if line.startswith("time per stage"):
            print("minerisk's own figures: " + line)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"scenario": a.scenario, "argv": argv, "stages": rows, "total_wall": total_wall,
                       "total_cpu": last_cpu, "peak_mb": hwm, "cells": a.cells}, f, indent=1)
    if not a.keep:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
