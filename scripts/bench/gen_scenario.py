#!/usr/bin/python3
"""Generate a SEEDED SYNTHETIC benchmark scenario for minerisk (sizes S, M, L).

Nothing here is a real record. The layout follows testdata/demo/generate_demo.py in spirit (hazards in
clusters along wavy "former front lines", incidents mostly near hazards, settlements, signs on hazard
edges, risk-education sessions near settlements) but is much simpler and fast enough for 900 million cells.

    /usr/bin/python3 scripts/bench/gen_scenario.py --size M --out DIR

Grid (10 m cells, EPSG:32638, west/south corner at E 400000 N 4400000):
    S  2,000 x  2,000 cells ( 20 km side)    4 M cells
    M 10,000 x 10,000 cells (100 km side)  100 M cells
    L 30,000 x 30,000 cells (300 km side)  900 M cells
Features per km2 (so M has 5,000 hazard polygons and 20,000 incidents, the reference chain's data):
    hazards 0.5, incidents 2, settlements 0.1, signs about 1.5, sessions 0.3

Written into DIR:
    hazards.gpkg      layer hazards: polygons; hazard_id, status (CHA, SHA, cleared, cancelled), ordnance, recorded
    incidents.gpkg    layer incidents: points; incident_id, date, killed, injured, casualties (= killed + injured, >= 1)
    settlements.gpkg  layer settlements: points; settlement_id, name, population, returnee
    signs.gpkg        layer signs: points on hazard edges; sign_id, placed, sign_type, condition
    sessions.gpkg     layer sessions: points near settlements; session_id, held, reached, settlement
    scenario-same.yaml  the products of the GIS chain: hazard_proximity + incident_density, weighted_sum, zones;
                        plain tiled GeoTIFFs (uncompressed) and zones.gpkg, no report, as the chain
    scenario-full.yaml  every built-in factor that needs no raster input, zones, every export
    meta.json           grid, extent, counts, seed: what the chain driver needs

Every incident lies at least RADIUS (2 km) inside the grid (2 km + one cell on the east and south), and two of
them sit exactly on the corners of that inner box: QGIS's heatmap sizes its raster from the layer's extent grown
by the radius (ceil(extent / pixel) + 1 cells), so its raster then has exactly the benchmark grid (same origin,
same 10 m cells) and gdal_calc.py can combine it with the proximity raster without any resampling step.
"""

import argparse
import datetime
import json
import math
import os
import random
import sys
import time

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

SEED = 20201110
EPSG = 32638
CELL = 10.0
X0, Y0 = 400000.0, 4400000.0
SIZES = {"S": 2000, "M": 10000, "L": 30000}
RADIUS = 2000.0  # incident_density radius and the heatmap's radius
HALF_DISTANCE = 250.0
THRESHOLD = 0.5
PER_KM2 = {"hazards": 0.5, "incidents": 2.0, "settlements": 0.1, "sessions": 0.3}
SIGNED_SHARE = 0.6  # share of hazards with signs on their edge
AS_OF = datetime.date(2026, 7, 1)
PINNED_DATE = "2026-07-01T00:00:00.000Z"
ORDNANCE = ["AP", "AT", "CM", "UXO", "mixed"]


def srs():
    s = osr.SpatialReference()
    s.ImportFromEPSG(EPSG)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def day(rng, d0, d1):
    return (d0 + datetime.timedelta(days=rng.randint(0, (d1 - d0).days))).isoformat()


class Lines:
    """Wavy, roughly north-south 'former front lines', one per ~35 km of width."""

    def __init__(self, rng, xmin, ymin, side):
        n = max(1, int(round(side / 35000.0)))
        self.ymin, self.side = ymin, side
        self.lines = []
        for k in range(n):
            base = xmin + (k + 0.5) * side / n + rng.uniform(-0.1, 0.1) * side / n
            waves = [(rng.uniform(0.02, 0.06) * side / n, rng.uniform(0.8, 2.5), rng.uniform(0, 6.3)),
                     (rng.uniform(0.005, 0.02) * side / n, rng.uniform(3, 8), rng.uniform(0, 6.3))]
            self.lines.append((base, waves))

    def x(self, k, y):
        base, waves = self.lines[k]
        t = (y - self.ymin) / self.side
        return base + sum(a * math.sin(2 * math.pi * f * t + p) for a, f, p in waves)


def blob(rng, cx, cy, area, elong, theta, nverts):
    """A star-shaped (hence simple and valid) polygon ring of about the given area."""
    step = 2 * math.pi / nverts
    harm = [(rng.uniform(0.05, 0.2), rng.randint(2, 5), rng.uniform(0, 6.3)) for _ in range(2)]
    sx, sy = math.sqrt(elong), 1.0 / math.sqrt(elong)
    ct, st = math.cos(theta), math.sin(theta)
    pts = []
    for k in range(nverts):
        a = (k + rng.uniform(-0.3, 0.3)) * step
        r = max(0.5, 1.0 + sum(am * math.sin(h * a + ph) for am, h, ph in harm))
        lx, ly = r * math.cos(a) * sx, r * math.sin(a) * sy
        pts.append((lx * ct - ly * st, lx * st + ly * ct))
    a2 = 0.0
    for i in range(nverts):
        x1, y1 = pts[i]
        x2, y2 = pts[(i + 1) % nverts]
        a2 += x1 * y2 - x2 * y1
    s = math.sqrt(area / abs(a2 / 2.0))
    return [(round(cx + x * s, 2), round(cy + y * s, 2)) for x, y in pts]


def ring_wkt(pts):
    return "POLYGON((" + ",".join("%.2f %.2f" % p for p in pts + [pts[0]]) + "))"


def create_layer(path, name, gtype, fields):
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    lyr = ds.CreateLayer(name, srs(), gtype, options=["SPATIAL_INDEX=YES"])
    for fname, ftype in fields:
        lyr.CreateField(ogr.FieldDefn(fname, ftype))
    ds.StartTransaction()
    return ds, lyr


def add(lyr, geom_wkt, values):
    f = ogr.Feature(lyr.GetLayerDefn())
    for k, v in values.items():
        f.SetField(k, v)
    f.SetGeometryDirectly(ogr.CreateGeometryFromWkt(geom_wkt))
    lyr.CreateFeature(f)


def generate(size, out, quiet=False):
    t0 = time.time()
    n = SIZES[size]
    side = n * CELL
    xmin, ymin, xmax, ymax = X0, Y0, X0 + side, Y0 + side
    km2 = side * side / 1e6
    counts = {k: int(round(v * km2)) for k, v in PER_KM2.items()}
    rng = random.Random(SEED)
    lines = Lines(rng, xmin, ymin, side)
    inset = 500.0
    gdal.SetConfigOption("OGR_CURRENT_DATE", PINNED_DATE)
    gdal.SetConfigOption("OGR_SQLITE_JOURNAL", "OFF")
    gdal.SetConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF")
    os.makedirs(out, exist_ok=True)

    # ---- hazards: clusters along the lines, a tail across the whole area
    ds, lyr = create_layer(os.path.join(out, "hazards.gpkg"), "hazards", ogr.wkbPolygon,
                           [("hazard_id", ogr.OFTString), ("status", ogr.OFTString),
                            ("ordnance", ogr.OFTString), ("recorded", ogr.OFTString)])
    hazards = []  # (cx, cy, ring, status)
    while len(hazards) < counts["hazards"]:
        y0 = rng.uniform(ymin + inset, ymax - inset)
        u = rng.random()
        k = rng.randrange(len(lines.lines))
        if u < 0.5:
            x0 = lines.x(k, y0) + rng.gauss(0, 1500)
        elif u < 0.75:
            x0 = lines.x(k, y0) + rng.gauss(0, 4000)
        else:
            x0 = rng.uniform(xmin + inset, xmax - inset)
        for _ in range(rng.randint(1, 6)):
            if len(hazards) >= counts["hazards"]:
                break
            cx, cy = x0 + rng.gauss(0, 700), y0 + rng.gauss(0, 700)
            big = rng.random() < 0.01
            area = rng.uniform(100, 400) * 1e4 if big else math.exp(rng.uniform(0.0, math.log(40.0))) * 1e4
            reach = math.sqrt(area) * 2.0
            if not (xmin + inset + reach < cx < xmax - inset - reach and ymin + inset + reach < cy < ymax - inset - reach):
                continue
            ring = blob(rng, cx, cy, area, rng.uniform(1.0, 3.5 if big else 2.5), rng.uniform(0, math.pi),
                        rng.randint(14, 24) if big else rng.randint(7, 14))
            status = rng.choices(["CHA", "SHA", "cleared", "cancelled"], [0.4, 0.5, 0.05, 0.05])[0]
            hazards.append((cx, cy, ring, status))
            add(lyr, ring_wkt(ring), {"hazard_id": "HZ-%06d" % len(hazards), "status": status,
                                      "ordnance": rng.choice(ORDNANCE),
                                      "recorded": day(rng, datetime.date(2010, 1, 1), datetime.date(2026, 6, 1))})
    ds.CommitTransaction()
    ds = None

    # ---- incidents: three in four near a hazard, the rest anywhere; all RADIUS inside the grid
    ds, lyr = create_layer(os.path.join(out, "incidents.gpkg"), "incidents", ogr.wkbPoint,
                           [("incident_id", ogr.OFTString), ("date", ogr.OFTString), ("killed", ogr.OFTInteger),
                            ("injured", ogr.OFTInteger), ("casualties", ogr.OFTInteger)])
    # QGIS's heatmap raster: origin (layer xmin - radius, layer ymax + radius), ceil(extent / pixel) + 1 cells a
    # side; so the inner box is one cell narrower than the grid less the radius, on the east and south sides.
    ix0, iy0, ix1, iy1 = xmin + RADIUS, ymin + RADIUS + CELL, xmax - RADIUS - CELL, ymax - RADIUS
    pts = [(ix0, iy0), (ix1, iy1)]  # the two corners of the inner box (see the docstring)
    while len(pts) < counts["incidents"]:
        if rng.random() < 0.75:
            cx, cy, ring, _ = rng.choice(hazards)
            r = math.hypot(ring[0][0] - cx, ring[0][1] - cy) + abs(rng.gauss(0, 400))
            a = rng.uniform(0, 2 * math.pi)
            x, y = cx + r * math.cos(a), cy + r * math.sin(a)
        else:
            x, y = rng.uniform(ix0, ix1), rng.uniform(iy0, iy1)
        if ix0 <= x <= ix1 and iy0 <= y <= iy1:
            pts.append((round(x, 2), round(y, 2)))
    for i, (x, y) in enumerate(pts, start=1):
        killed = rng.choices([0, 1, 2, 3], [0.6, 0.3, 0.07, 0.03])[0]
        injured = rng.choices([0, 1, 2, 3], [0.3, 0.5, 0.15, 0.05])[0]
        if killed + injured == 0:
            injured = 1
        add(lyr, "POINT(%.2f %.2f)" % (x, y),
            {"incident_id": "IN-%07d" % i, "date": day(rng, datetime.date(2015, 1, 1), AS_OF),
             "killed": killed, "injured": injured, "casualties": killed + injured})
    ds.CommitTransaction()
    ds = None

    # ---- settlements
    ds, lyr = create_layer(os.path.join(out, "settlements.gpkg"), "settlements", ogr.wkbPoint,
                           [("settlement_id", ogr.OFTString), ("name", ogr.OFTString),
                            ("population", ogr.OFTInteger), ("returnee", ogr.OFTInteger)])
    settlements = []
    for i in range(1, counts["settlements"] + 1):
        x, y = rng.uniform(xmin + inset, xmax - inset), rng.uniform(ymin + inset, ymax - inset)
        sid = "ST-%05d" % i
        settlements.append((x, y, sid))
        add(lyr, "POINT(%.2f %.2f)" % (x, y),
            {"settlement_id": sid, "name": "Settlement %d" % i,
             "population": int(math.exp(rng.gauss(6.0, 1.2))), "returnee": int(rng.random() < 0.4)})
    ds.CommitTransaction()
    ds = None

    # ---- signs on the edges of some of the counted hazards
    ds, lyr = create_layer(os.path.join(out, "signs.gpkg"), "signs", ogr.wkbPoint,
                           [("sign_id", ogr.OFTString), ("placed", ogr.OFTString),
                            ("sign_type", ogr.OFTString), ("condition", ogr.OFTString)])
    nsigns = 0
    for cx, cy, ring, status in hazards:
        if status not in ("CHA", "SHA") or rng.random() >= SIGNED_SHARE:
            continue
        for x, y in rng.sample(ring, min(len(ring), rng.randint(1, 5))):
            nsigns += 1
            add(lyr, "POINT(%.2f %.2f)" % (x, y),
                {"sign_id": "SG-%07d" % nsigns, "placed": day(rng, datetime.date(2018, 1, 1), AS_OF),
                 "sign_type": rng.choice(["permanent", "temporary"]),
                 "condition": rng.choices(["good", "damaged", "missing"], [0.8, 0.12, 0.08])[0]})
    counts["signs"] = nsigns
    ds.CommitTransaction()
    ds = None

    # ---- risk-education sessions near settlements (some settlements never reached)
    ds, lyr = create_layer(os.path.join(out, "sessions.gpkg"), "sessions", ogr.wkbPoint,
                           [("session_id", ogr.OFTString), ("held", ogr.OFTString),
                            ("reached", ogr.OFTInteger), ("settlement", ogr.OFTString)])
    reached = settlements[: max(1, int(len(settlements) * 0.7))]
    for i in range(1, counts["sessions"] + 1):
        x, y, sid = rng.choice(reached)
        a, d = rng.uniform(0, 2 * math.pi), rng.uniform(0, 250)
        add(lyr, "POINT(%.2f %.2f)" % (x + d * math.cos(a), y + d * math.sin(a)),
            {"session_id": "SE-%06d" % i, "held": day(rng, datetime.date(2021, 1, 1), AS_OF),
             "reached": rng.randint(10, 150), "settlement": sid})
    ds.CommitTransaction()
    ds = None

    write_scenarios(out, (xmin, ymin, xmax, ymax))
    meta = {"size": size, "seed": SEED, "epsg": EPSG, "cell": CELL, "width": n, "height": n,
            "cells": n * n, "extent": [xmin, ymin, xmax, ymax], "radius": RADIUS,
            "half_distance": HALF_DISTANCE, "threshold": THRESHOLD, "counts": counts,
            "seconds": round(time.time() - t0, 2)}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    if not quiet:
        print("generated %s: %d x %d cells of %g m, %s in %.1f s" % (size, n, n, CELL, counts, meta["seconds"]))
    return meta


INPUTS = """inputs:
  hazards:
    path: hazards.gpkg
    layer: hazards
    fields: {id: hazard_id, status: status, ordnance: ordnance, date: recorded}
  incidents:
    path: incidents.gpkg
    layer: incidents
    fields: {id: incident_id, date: date, killed: killed, injured: injured, casualties: casualties}
"""
MORE_INPUTS = """  settlements:
    path: settlements.gpkg
    fields: {id: settlement_id, name: name, population: population, returnee: returnee}
  signs:
    path: signs.gpkg
    fields: {id: sign_id, date: placed, type: sign_type, condition: condition}
  sessions:
    path: sessions.gpkg
    fields: {id: session_id, date: held, reached: reached, settlement: settlement}
"""


def write_scenarios(out, ext):
    head = ("crs: EPSG:%d\nresolution: %g\nextent: [%.0f, %.0f, %.0f, %.0f]\nas_of: %s\n"
            % ((EPSG, CELL) + tuple(ext) + (AS_OF.isoformat(),)))
    run = "run:\n  max_memory_mb: 100000\n"
    # The GIS chain's products: distance and density factors, the combined risk, zone polygons.
    # Weights and parameters make the factors the chain's formula exactly:
    #   risk = 0.6 * 0.5^(d / 250) + 0.4 * min(1, density / max density), zones = risk >= 0.5
    same = ('name: "minerisk benchmark (same products as the GIS chain)"\n' + head + INPUTS +
            "scoring:\n  method: weighted_sum\n  factors:\n"
            "    - plugin: hazard_proximity\n      weight: 0.6\n"
            "      params: {half_distance: %g, class_weights: {CHA: 1, SHA: 1},"
            " ordnance_weights: {AP: 1, AT: 1, CM: 1, UXO: 1, mixed: 1}}\n"
            "    - plugin: incident_density\n      weight: 0.4\n"
            "      params: {radius: %g, half_life: 0, weight_field: casualties, normalise_percentile: 100}\n"
            "zones:\n  threshold: %g\n  min_area: 0\n  fill_holes: 0\n" % (HALF_DISTANCE, RADIUS, THRESHOLD) +
            # The chain writes plain GeoTIFFs and no report: so does this run (tiled, uncompressed GeoTIFF; the
            # factor scores, not their extra bands; zones.gpkg). The full run writes every export.
            "outputs:\n  format: GTiff\n  compress: NONE\n  extra_bands: false\n  report: false\n  qgis: false\n" + run)
    full = ('name: "minerisk benchmark (full run)"\n' + head + INPUTS + MORE_INPUTS +
            "scoring:\n  method: weighted_sum\n  factors:\n"
            "    - plugin: hazard_proximity\n      weight: 0.35\n      params: {half_distance: %g}\n"
            "    - plugin: incident_density\n      weight: 0.25\n      params: {radius: %g, half_life: 730}\n"
            "    - plugin: marking_gap\n      weight: 0.15\n"
            "    - plugin: population_exposure\n      weight: 0.15\n"
            "    - plugin: outreach_gap\n      weight: 0.1\n"
            "zones:\n  top_percent: 5\n  min_area: 20000\n  fill_holes: 20000\n" % (HALF_DISTANCE, RADIUS) + run)
    for name, text in (("scenario-same.yaml", same), ("scenario-full.yaml", full)):
        with open(os.path.join(out, name), "w") as f:
            f.write(text)


def main(argv):
    ap = argparse.ArgumentParser(description="Generate a seeded synthetic minerisk benchmark scenario.")
    ap.add_argument("--size", choices=sorted(SIZES), default="S")
    ap.add_argument("--out", required=True, help="folder to write into (created; files overwritten)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    generate(a.size, a.out, a.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
