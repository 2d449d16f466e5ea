#!/usr/bin/python3
"""Generate the SYNTHETIC minerisk demo scenario data.

Everything written by this script is made up: no real hazard, incident, settlement, sign or
session record is used or reproduced. The geography is only *modelled on* the former line of
contact (FLOC) in the Aghdam, Tartar and Fuzuli districts of Azerbaijan.

Usage:
    /usr/bin/python3 testdata/demo/generate_demo.py [--out DIR]

Dependencies: the Python standard library and GDAL/OGR's Python bindings (osgeo) only.
The random generator has a fixed seed, so re-running gives the same attribute values and
geometries. GeoPackage and Shapefile headers carry a date; the script pins it (OGR_CURRENT_DATE,
DBF_DATE_LAST_UPDATE) so that, with the same GDAL version, the files are byte-identical too.

Files written into DIR (default: data/ next to this script), overwriting:
    hazards.gpkg        layer "hazards", EPSG:32638, generic geometry (polygons + a few points)
    incidents.csv       EPSG:4326, lon/lat columns
    settlements.geojson EPSG:4326 (RFC 7946), points + a few polygons
    signs.fgb           EPSG:32638, points
    sessions.shp (+ .shx .dbf .prj .cpg)  EPSG:3857, points
"""

import argparse
import csv
import datetime
import math
import os
import random
import sys

from osgeo import gdal, ogr, osr

SEED = 20201110  # the day the 2020 ceasefire statement took effect
AS_OF = datetime.date(2026, 7, 1)
# Pinned "now" for the GeoPackage gpkg_contents.last_change and the DBF header date.
PINNED_DATE = "2026-07-01T00:00:00.000Z"

# The modelled square in EPSG:32638 (WGS 84 / UTM 38N): 60 km x 60 km,
# lon ~46.60-47.29 E, lat ~39.59-40.14 N. All features are kept 1 km inside it so that the
# scenario's "extent: auto" plus "margin: 1000" never grows the grid beyond the square.
SQUARE = (637000.0, 4385000.0, 697000.0, 4445000.0)  # xmin, ymin, xmax, ymax
INSET = 1000.0
BOX = (SQUARE[0] + INSET, SQUARE[1] + INSET, SQUARE[2] - INSET, SQUARE[3] - INSET)

N_HAZARD_POLYGONS = 282  # includes the 6 invalid ones and 5 large ones
N_HAZARD_POINTS = 15
N_HAZARD_NULL = 2
N_HAZARD_EMPTY = 1
N_INCIDENTS = 1000
N_CLUSTER_INCIDENTS = 50  # ~5 %: far from any recorded hazard
N_SETTLEMENTS = 100
N_SETTLEMENT_POLYGONS = 5
N_SESSIONS = 300
SHARE_SETTLEMENTS_WITHOUT_SESSION = 0.30

ORDNANCE = ["AP", "AT", "CM", "UXO", "mixed"]
ACTIVITIES = ["farming", "herding", "collecting firewood", "travelling", "playing", "demining", "unknown"]

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)  # x = easting / longitude
    return s


SRS_UTM = srs(32638)
SRS_WGS84 = srs(4326)
SRS_WEBM = srs(3857)
TO_WGS84 = osr.CoordinateTransformation(SRS_UTM, SRS_WGS84)
TO_WEBM = osr.CoordinateTransformation(SRS_UTM, SRS_WEBM)


def r2(v):
    """Round a projected coordinate to the centimetre (keeps files tidy and stable)."""
    return round(v, 2)


def ring_area(pts):
    a = 0.0
    n = len(pts)
    for i in range(n):
        x1, y1 = pts[i]
        x2, y2 = pts[(i + 1) % n]
        a += x1 * y2 - x2 * y1
    return a / 2.0


def polygon_from_ring(pts, close=True):
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in pts:
        ring.AddPoint_2D(x, y)
    if close:
        ring.AddPoint_2D(pts[0][0], pts[0][1])
    poly = ogr.Geometry(ogr.wkbPolygon)
    poly.AddGeometry(ring)
    return poly


def point(x, y):
    p = ogr.Geometry(ogr.wkbPoint)
    p.AddPoint_2D(x, y)
    return p


def date_between(rng, d0, d1):
    return d0 + datetime.timedelta(days=rng.randint(0, (d1 - d0).days))


def date_decaying(rng, d0, d1, half_life_days):
    """A date in [d0, d1], more likely early (truncated exponential)."""
    span = (d1 - d0).days
    lam = math.log(2.0) / half_life_days
    u = rng.random()
    t = -math.log(1.0 - u * (1.0 - math.exp(-lam * span))) / lam
    return d0 + datetime.timedelta(days=min(span, int(t)))


def date_growing(rng, d0, d1, doubling_days):
    """A date in [d0, d1], more likely late."""
    return d1 - (date_decaying(rng, d0, d1, doubling_days) - d0)


def in_box(env, box=BOX):
    minx, maxx, miny, maxy = env
    return minx >= box[0] and maxx <= box[2] and miny >= box[1] and maxy <= box[3]


def weighted_choice(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


# --------------------------------------------------------------------------------------------
# the simulated former line of contact
# --------------------------------------------------------------------------------------------

def line_x(y):
    """Easting of the simulated front line at northing y (a wavy NNW-SSE curve)."""
    t = (SQUARE[3] - y) / (SQUARE[3] - SQUARE[1])  # 0 at the north edge, 1 at the south edge
    base = 661000.0 + t * 23000.0
    return (base
            + 2600.0 * math.sin(2 * math.pi * 1.55 * t + 0.7)
            + 1100.0 * math.sin(2 * math.pi * 4.2 * t + 1.9)
            + 350.0 * math.sin(2 * math.pi * 11.0 * t + 0.3))


def line_direction(y):
    """Unit vector along the line (pointing south) at northing y."""
    dy = -50.0
    dx = line_x(y + dy) - line_x(y)
    n = math.hypot(dx, dy)
    return dx / n, dy / n


def line_points(step=250.0):
    pts = []
    y = SQUARE[3]
    while y >= SQUARE[1]:
        pts.append((line_x(y), y))
        y -= step
    return pts


def lateral(x, y):
    """Signed horizontal offset from the line: negative = west (formerly occupied side)."""
    return x - line_x(y)


# --------------------------------------------------------------------------------------------
# hazards
# --------------------------------------------------------------------------------------------

def blob(rng, cx, cy, area_m2, elong, theta, nverts):
    """An irregular, star-shaped simple polygon ring (not closed) of the given area."""
    step = 2 * math.pi / nverts
    angles = sorted(k * step + rng.uniform(-0.3, 0.3) * step for k in range(nverts))
    harm = [(rng.uniform(0.05, 0.22), rng.randint(2, 5), rng.uniform(0, 2 * math.pi)) for _ in range(3)]
    sx, sy = math.sqrt(elong), 1.0 / math.sqrt(elong)
    ct, st = math.cos(theta), math.sin(theta)
    raw = []
    for a in angles:
        r = 1.0 + sum(amp * math.sin(k * a + ph) for amp, k, ph in harm) + rng.uniform(-0.08, 0.08)
        r = max(0.45, min(1.6, r))
        lx, ly = r * math.cos(a) * sx, r * math.sin(a) * sy
        raw.append((lx * ct - ly * st, lx * st + ly * ct))
    scale = math.sqrt(area_m2 / abs(ring_area(raw)))
    return [(r2(cx + x * scale), r2(cy + y * scale)) for x, y in raw]


def polygonal(g):
    """The polygonal part of a geometry (MakeValid may return a collection with lines)."""
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
        return g
    out = ogr.Geometry(ogr.wkbMultiPolygon)
    for i in range(g.GetGeometryCount()):
        part = g.GetGeometryRef(i)
        pt = ogr.GT_Flatten(part.GetGeometryType())
        if pt == ogr.wkbPolygon:
            out.AddGeometry(part)
        elif pt == ogr.wkbMultiPolygon:
            for j in range(part.GetGeometryCount()):
                out.AddGeometry(part.GetGeometryRef(j))
    return out


def max_radius(ring, cx, cy):
    return max(math.hypot(x - cx, y - cy) for x, y in ring)


def make_invalid(rng, kind, ring, attempt=0):
    """Turn a valid ring into one of the deliberate invalid shapes. Returns (ring, close)."""
    pts = list(ring)
    n = len(pts)
    if kind == "swapped-vertices":
        # digitising error: two nearby vertices entered in the wrong order
        gap = 1 if attempt < 10 else 2
        i = rng.randint(1, n - 1 - gap)
        pts[i], pts[i + gap] = pts[i + gap], pts[i]
        return pts, True
    if kind == "bow-tie":
        # a strip whose two far corners were swapped: a figure-of-eight
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        cx, cy = sum(xs) / n, sum(ys) / n
        half_l = (max(xs) - min(xs)) / 2.0
        half_w = (max(ys) - min(ys)) / 2.5
        th = rng.uniform(0, math.pi)
        ct, st = math.cos(th), math.sin(th)

        def rot(x, y):
            return (r2(cx + x * ct - y * st), r2(cy + x * st + y * ct))
        # A, B, D, C instead of A, B, C, D, with a mid point on the long sides
        return [rot(-half_l, -half_w), rot(0, -half_w * 1.1), rot(half_l, -half_w),
                rot(-half_l, half_w), rot(0, half_w * 0.9), rot(half_l, half_w)], True
    if kind == "spike":
        # an out-and-back spike (a vertex typed once too far and snapped back), plus a
        # repeated consecutive vertex
        i = rng.randint(1, n - 2)
        x0, y0 = pts[i]
        cx = sum(p[0] for p in pts) / n
        cy = sum(p[1] for p in pts) / n
        d = math.hypot(x0 - cx, y0 - cy)
        sx = r2(x0 + (x0 - cx) / d * 120.0)
        sy = r2(y0 + (y0 - cy) / d * 120.0)
        j = (i + 3) % n
        out = pts[:i + 1] + [(sx, sy), (x0, y0)] + pts[i + 1:]
        k = out.index(pts[j])
        out.insert(k, pts[j])  # duplicate consecutive point
        return out, True
    if kind == "self-touching":
        # the ring passes twice through the same vertex (a pinched "figure 8" with a shared point)
        i = n // 4
        j = (3 * n) // 4
        xi, yi = pts[i]
        xj, yj = pts[j]
        mx, my = r2((xi + xj) / 2.0), r2((yi + yj) / 2.0)
        out = pts[:i + 1] + [(mx, my)] + pts[i + 1:j + 1] + [(mx, my)] + pts[j + 1:]
        return out, True
    raise ValueError(kind)


def gen_hazards(rng):
    """Return a list of dicts: geom (ogr, raw as stored), valid (ogr), attributes, kind."""
    placed = []  # (cx, cy, R)

    def free(cx, cy, R):
        for (x, y, r) in placed:
            if math.hypot(cx - x, cy - y) < R + r + 40.0:
                return False
        return True

    polys = []

    # -- a few large hazardous areas (whole minefields along the old trenches), on the line
    for k in range(5):
        for _ in range(500):
            y = rng.uniform(BOX[1] + 4000, BOX[3] - 4000)
            x = line_x(y) + rng.gauss(0, 700)
            area = rng.uniform(100, 420) * 1e4
            dx, dy = line_direction(y)
            theta = math.atan2(dy, dx) + rng.uniform(-0.25, 0.25)
            ring = blob(rng, x, y, area, rng.uniform(2.5, 4.5), theta, rng.randint(16, 26))
            R = max_radius(ring, x, y)
            g = polygon_from_ring(ring)
            if in_box(g.GetEnvelope()) and free(x, y, R):
                placed.append((x, y, R))
                polys.append({"ring": ring, "center": (x, y), "large": True})
                break

    # -- clusters of ordinary hazards: dense near the line, a tail further out
    while len(polys) < N_HAZARD_POLYGONS:
        y0 = rng.uniform(BOX[1] + 500, BOX[3] - 500)
        u = rng.random()
        if u < 0.50:
            off = rng.gauss(0, 1500)  # the minefields of the front line itself
        elif u < 0.75:
            off = rng.gauss(0, 4000)  # second lines, artillery positions
        else:
            off = rng.uniform(-22000, 12000)  # stray cluster-strike / UXO areas, mostly in the west
        x0 = line_x(y0) + off
        nclu = rng.randint(1, 7) if abs(off) < 3000 else rng.randint(1, 3)
        dx, dy = line_direction(y0)
        for _ in range(nclu):
            if len(polys) >= N_HAZARD_POLYGONS:
                break
            for _try in range(30):
                x = x0 + rng.gauss(0, 600)
                y = y0 + rng.gauss(0, 600)
                area = math.exp(rng.uniform(math.log(1.0), math.log(40.0))) * 1e4
                theta = math.atan2(dy, dx) + rng.uniform(-0.6, 0.6)
                ring = blob(rng, x, y, area, rng.uniform(1.0, 3.0), theta, rng.randint(7, 16))
                R = max_radius(ring, x, y)
                g = polygon_from_ring(ring)
                if in_box(g.GetEnvelope()) and free(x, y, R) and g.IsValid():
                    placed.append((x, y, R))
                    polys.append({"ring": ring, "center": (x, y), "large": False})
                    break

    # -- hazards known only as a point (spot UXO / cluster strike) with a radius
    points = []
    while len(points) < N_HAZARD_POINTS:
        y = rng.uniform(BOX[1] + 1000, BOX[3] - 1000)
        x = line_x(y) + rng.gauss(0, 6000)
        radius = rng.randint(5, 30) * 10  # 50..300 m
        if BOX[0] + 400 < x < BOX[2] - 400 and free(x, y, radius):
            placed.append((x, y, radius))
            points.append({"xy": (r2(x), r2(y)), "radius": radius})

    hazards = []
    invalid_kinds = ["swapped-vertices", "swapped-vertices", "bow-tie", "swapped-vertices", "spike",
                     "self-touching"]
    ordinary = [i for i, p in enumerate(polys) if not p["large"]]
    invalid_idx = rng.sample(ordinary, len(invalid_kinds))
    for i, p in enumerate(polys):
        kind = "polygon-large" if p["large"] else "polygon"
        ring, close = p["ring"], True
        if i in invalid_idx:
            kind = invalid_kinds[invalid_idx.index(i)]
            for attempt in range(50):
                cand, close = make_invalid(rng, kind, p["ring"], attempt)
                g = polygon_from_ring(cand, close)
                if not g.IsValid() and g.MakeValid().IsValid() and in_box(g.GetEnvelope()):
                    ring = cand
                    break
            else:
                raise RuntimeError("could not make an invalid polygon of kind " + kind)
        g = polygon_from_ring(ring, close)
        hazards.append({"kind": kind, "geom": g, "valid": g if g.IsValid() else polygonal(g.MakeValid()),
                        "center": p["center"], "radius": None})
    for p in points:
        g = point(*p["xy"])
        hazards.append({"kind": "point", "geom": g, "valid": g.Buffer(p["radius"], 16),
                        "center": p["xy"], "radius": p["radius"]})
    for _ in range(N_HAZARD_NULL):
        hazards.append({"kind": "null-geometry", "geom": None, "valid": None, "center": None, "radius": None})
    for _ in range(N_HAZARD_EMPTY):
        hazards.append({"kind": "empty-geometry", "geom": ogr.Geometry(ogr.wkbPolygon), "valid": None,
                        "center": None, "radius": None})

    rng.shuffle(hazards)

    d_first = datetime.date(2020, 12, 1)
    d_last = datetime.date(2026, 6, 30)
    for fid, h in enumerate(hazards, start=1):
        h["fid"] = fid
        h["hazard_id"] = "HA-%04d" % fid
        off = abs(lateral(*h["center"])) if h["center"] else 0.0
        u = rng.random()
        if u < 0.10:
            status = "cleared"
        elif u < 0.15:
            status = "cancelled"
        elif u < 0.15 + 0.85 * (0.60 if off < 3000 else 0.35):
            status = "CHA"
        else:
            status = "SHA"
        if h["kind"] == "point":
            ordn = weighted_choice(rng, ORDNANCE, [5, 5, 35, 50, 5])
        elif off < 3000:
            ordn = weighted_choice(rng, ORDNANCE, [38, 27, 5, 12, 18])
        else:
            ordn = weighted_choice(rng, ORDNANCE, [12, 10, 33, 35, 10])
        if status in ("cleared", "cancelled"):
            rec = date_between(rng, d_first, datetime.date(2024, 6, 30))
        else:
            rec = date_decaying(rng, d_first, d_last, 900)
        h["rec_date"] = rec
        h["recorded"] = rec.strftime("%Y-%m") if rng.random() < 0.15 else rec.isoformat()
        h["status"] = status
        h["ordnance"] = ordn
    return hazards


def write_hazards(path, hazards):
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer("hazards", SRS_UTM, ogr.wkbUnknown,
                         options=["FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES",
                                  "DESCRIPTION=SYNTHETIC hazard areas (minerisk demo; not real records)"])
    for name, typ, width in [("hazard_id", ogr.OFTString, 16), ("status", ogr.OFTString, 16),
                             ("ordnance", ogr.OFTString, 16), ("recorded", ogr.OFTString, 10),
                             ("radius_m", ogr.OFTInteger, 0)]:
        fd = ogr.FieldDefn(name, typ)
        if width:
            fd.SetWidth(width)
        lyr.CreateField(fd)
    lyr.StartTransaction()
    for h in hazards:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetFID(h["fid"])
        f.SetField("hazard_id", h["hazard_id"])
        f.SetField("status", h["status"])
        f.SetField("ordnance", h["ordnance"])
        f.SetField("recorded", h["recorded"])
        if h["radius"] is None:
            f.SetFieldNull("radius_m")
        else:
            f.SetField("radius_m", h["radius"])
        if h["geom"] is not None:
            f.SetGeometry(h["geom"])
        lyr.CreateFeature(f)
    lyr.CommitTransaction()
    ds = None


# --------------------------------------------------------------------------------------------
# settlements
# --------------------------------------------------------------------------------------------

NAME_ROOTS = [
    "Gara", "Gizil", "Agh", "Sari", "Gush", "Dash", "Bagh", "Chay", "Gol", "Tala", "Yusif", "Hasan",
    "Gulu", "Ahmad", "Mirza", "Shikh", "Kengar", "Baba", "Mammad", "Garvand", "Juvar", "Imam",
    "Dovlat", "Haji", "Ovshar", "Bahman", "Sarvan", "Javad", "Eyvaz", "Alakhan", "Garagoyun", "Kolkhan",
    "Uzun", "Boyat", "Merzi", "Abdal", "Gulab", "Kurd", "Shahbulag", "Guzan", "Papravand", "Khidir",
    "Arabgadim", "Gazakh", "Seyid", "Mughan", "Dilagarda", "Horadiz", "Gajar", "Ashraf",
]
NAME_SUFFIX = ["li", "li", "li", "lu", "kend", "abad", "bulag", "dara", "bayli", "jali", "ly"]
NAME_PREFIX = ["Yukhari ", "Ashagi ", "Yeni ", "Boyuk ", "Kichik "]  # Upper, Lower, New, Big, Small


def make_names(rng, n):
    names = []
    while len(names) < n:
        root = rng.choice(NAME_ROOTS)
        suf = rng.choice(NAME_SUFFIX)
        if root.endswith(("a", "i", "u")) and suf in ("abad",):
            suf = "bad"
        name = root + suf
        if rng.random() < 0.15:
            name = rng.choice(NAME_PREFIX) + name
        if name not in names:
            names.append(name)
    return names


def gen_settlements(rng, hazard_union, cluster_xy):
    """Settlements: points, the 5 most populous as small polygons. One returnee village sits
    next to the unrecorded-contamination cluster."""
    pts = []

    def ok(x, y, min_haz=350.0, min_sep=1800.0):
        if not (BOX[0] + 300 < x < BOX[2] - 300 and BOX[1] + 300 < y < BOX[3] - 300):
            return False
        for (px, py) in pts:
            if math.hypot(x - px, y - py) < min_sep:
                return False
        return hazard_union.Distance(point(x, y)) >= min_haz

    # the village by the cluster of unexplained incidents
    cx, cy = cluster_xy
    for _ in range(200):
        a = rng.uniform(0, 2 * math.pi)
        d = rng.uniform(1200, 1800)
        x, y = cx + d * math.cos(a), cy + d * math.sin(a)
        if ok(x, y):
            pts.append((x, y))
            break
    while len(pts) < N_SETTLEMENTS:
        x = rng.uniform(BOX[0], BOX[2])
        y = rng.uniform(BOX[1], BOX[3])
        # people live on both sides; the band right on the line is emptier
        if abs(lateral(x, y)) < 1500 and rng.random() < 0.7:
            continue
        if ok(x, y):
            pts.append((x, y))

    names = make_names(rng, N_SETTLEMENTS)
    recs = []
    for i, (x, y) in enumerate(pts):
        west = lateral(x, y) < 0
        med = 320.0 if west else 900.0
        pop = int(round(min(5000, max(50, med * math.exp(rng.gauss(0, 0.75))))))
        recs.append({"xy": (x, y), "west": west, "population": pop, "near_cluster": i == 0})

    # a few villages not yet resettled (population 0), on the formerly occupied side
    west_idx = [i for i, r in enumerate(recs) if r["west"] and not r["near_cluster"]]
    for i in rng.sample(west_idx, 4):
        recs[i]["population"] = 0
    # 5 small towns drawn as polygons (the largest populations, mostly east of the line)
    east_idx = [i for i, r in enumerate(recs) if not r["west"] and not r["near_cluster"]]
    town_idx = rng.sample(east_idx, 4) + rng.sample([i for i in west_idx if recs[i]["population"] > 0], 1)
    for i in town_idx:
        recs[i]["population"] = rng.randint(2500, 5000)
    # returnees: ~40 %, nearly all on the formerly occupied (west) side
    w_cand = [i for i, r in enumerate(recs) if r["west"] and r["population"] > 0 and not r["near_cluster"]]
    e_cand = [i for i, r in enumerate(recs) if not r["west"] and r["population"] > 0]
    n_ret_total = int(round(0.40 * N_SETTLEMENTS)) - 1  # one is the cluster village
    n_ret_east = 3
    ret = set(rng.sample(w_cand, min(len(w_cand), n_ret_total - n_ret_east)) + rng.sample(e_cand, n_ret_east))
    for i, r in enumerate(recs):
        r["returnee"] = r["near_cluster"] or i in ret
        if r["near_cluster"]:
            r["population"] = rng.randint(150, 450)

    # order: north to south, then ids
    order = sorted(range(len(recs)), key=lambda i: (-round(recs[i]["xy"][1]), round(recs[i]["xy"][0])))
    out = []
    for k, i in enumerate(order, start=1):
        r = recs[i]
        r["settlement_id"] = "ST-%03d" % k
        r["name"] = names[k - 1]
        x, y = r["xy"]
        if i in town_idx:
            area = rng.uniform(0.45, 1.3) * 1e6
            ring = blob(rng, x, y, area, rng.uniform(1.0, 1.8), rng.uniform(0, math.pi), rng.randint(9, 14))
            g = polygon_from_ring(ring)
            if not g.IsValid() or hazard_union.Distance(g) < 150:
                ring = blob(rng, x, y, 0.4e6, 1.0, 0.0, 10)
                g = polygon_from_ring(ring)
            r["geom"] = g
        else:
            r["geom"] = point(r2(x), r2(y))
        out.append(r)
    return out


def write_settlements(path, settlements):
    drv = ogr.GetDriverByName("GeoJSON")
    ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer("settlements", SRS_WGS84, ogr.wkbUnknown,
                         options=["RFC7946=YES", "COORDINATE_PRECISION=6", "WRITE_NAME=YES",
                                  "DESCRIPTION=SYNTHETIC settlements (minerisk demo; made-up names, not real records)"])
    lyr.CreateField(ogr.FieldDefn("settlement_id", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("name", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("population", ogr.OFTInteger))
    fd = ogr.FieldDefn("returnee", ogr.OFTInteger)
    fd.SetSubType(ogr.OFSTBoolean)
    lyr.CreateField(fd)
    for s in settlements:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("settlement_id", s["settlement_id"])
        f.SetField("name", s["name"])
        f.SetField("population", s["population"])
        f.SetField("returnee", 1 if s["returnee"] else 0)
        g = s["geom"].Clone()
        g.Transform(TO_WGS84)
        f.SetGeometry(g)
        lyr.CreateFeature(f)
    ds = None


# --------------------------------------------------------------------------------------------
# incidents
# --------------------------------------------------------------------------------------------

def random_point_in(rng, geom):
    minx, maxx, miny, maxy = geom.GetEnvelope()
    for _ in range(2000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.Contains(point(x, y)):
            return x, y
    raise RuntimeError("no point found inside geometry")


def random_boundary_point(rng, geom):
    """A point on the boundary of a (multi)polygon, uniform by length."""
    bnd = geom.GetBoundary()
    segs = []
    parts = [bnd] if bnd.GetGeometryCount() == 0 else [bnd.GetGeometryRef(i) for i in range(bnd.GetGeometryCount())]
    for ls in parts:
        n = ls.GetPointCount()
        for i in range(n - 1):
            x1, y1 = ls.GetX(i), ls.GetY(i)
            x2, y2 = ls.GetX(i + 1), ls.GetY(i + 1)
            segs.append((x1, y1, x2, y2, math.hypot(x2 - x1, y2 - y1)))
    total = sum(s[4] for s in segs)
    t = rng.uniform(0, total)
    for x1, y1, x2, y2, L in segs:
        if t <= L and L > 0:
            return x1 + (x2 - x1) * t / L, y1 + (y2 - y1) * t / L
        t -= L
    return segs[-1][2], segs[-1][3]


def casualties(rng, ordn):
    if ordn == "AT":
        u = rng.random()
        if u < 0.35:
            return 0, 0  # vehicle damage only
        k = rng.choices([1, 2, 3, 4], weights=[45, 30, 15, 10])[0]
    else:
        u = rng.random()
        if u < 0.03:
            return 0, 0
        k = rng.choices([1, 2, 3, 4, 5], weights=[78, 13, 5, 3, 1])[0]
    p_kill = 0.45 if ordn in ("AT", "UXO", "CM") else 0.30
    killed = sum(1 for _ in range(k) if rng.random() < p_kill)
    killed = min(3, killed)
    injured = min(5, k - killed)
    return killed, injured


def activity_for(rng, ordn, inside):
    if inside and rng.random() < 0.12:
        return "demining"
    if ordn == "AT":
        return weighted_choice(rng, ACTIVITIES[:5] + ["unknown"], [50, 5, 5, 35, 0, 5])
    if ordn in ("CM", "UXO"):
        return weighted_choice(rng, ACTIVITIES[:5] + ["unknown"], [25, 20, 15, 8, 22, 10])
    return weighted_choice(rng, ACTIVITIES[:5] + ["unknown"], [30, 30, 20, 8, 4, 8])


def format_incident_date(rng, d):
    u = rng.random()
    if u < 0.80:
        return d.isoformat()
    if u < 0.95:
        return d.strftime("%Y-%m")
    return d.strftime("%Y")


def gen_incidents(rng, hazards, cluster_xy):
    cands = [h for h in hazards if h["valid"] is not None]
    weights = []
    for h in cands:
        w = math.sqrt(max(1.0, h["valid"].GetArea()) / 1e4)
        off = abs(lateral(*h["center"]))
        w *= 2.0 if off < 3000 else 1.0
        w *= {"CHA": 1.5, "SHA": 1.0, "cleared": 0.8, "cancelled": 0.2}[h["status"]]
        weights.append(w)
    d0 = datetime.date(2020, 11, 10)
    d1 = datetime.date(2026, 6, 30)
    recs = []
    for _ in range(N_INCIDENTS - N_CLUSTER_INCIDENTS):
        h = weighted_choice(rng, cands, weights)
        g = h["valid"]
        inside = rng.random() < 0.30
        if inside:
            x, y = random_point_in(rng, g)
        else:
            while True:
                bx, by = random_boundary_point(rng, g)
                d = min(600.0, rng.expovariate(1.0 / 130.0))
                a = rng.uniform(0, 2 * math.pi)
                x, y = bx + d * math.cos(a), by + d * math.sin(a)
                if not g.Contains(point(x, y)):
                    break
        ordn = h["ordnance"]
        if ordn == "mixed":
            ordn = weighted_choice(rng, ["AP", "AT", "UXO", "CM"], [45, 25, 20, 10])
        date = date_decaying(rng, d0, d1, 1000)
        recs.append({"xy": (x, y), "date": date, "ordnance": ordn, "inside": inside, "cluster": False,
                     "hazard": h["hazard_id"]})
    # the remote cluster: recent incidents where nothing has been recorded
    cx, cy = cluster_xy
    fields = [(cx + rng.uniform(-700, 700), cy + rng.uniform(-500, 500), rng.uniform(150, 350))
              for _ in range(4)]
    for _ in range(N_CLUSTER_INCIDENTS):
        fx, fy, sd = weighted_choice(rng, fields, [4, 3, 2, 1])  # a few contaminated fields and pastures
        x, y = fx + rng.gauss(0, sd), fy + rng.gauss(0, sd)
        ordn = weighted_choice(rng, ["AP", "UXO", "CM"], [50, 30, 20])
        date = date_between(rng, datetime.date(2024, 3, 1), d1)
        recs.append({"xy": (x, y), "date": date, "ordnance": ordn, "inside": False, "cluster": True,
                     "hazard": None})
    recs.sort(key=lambda r: (r["date"], round(r["xy"][0], 2), round(r["xy"][1], 2)))
    for k, r in enumerate(recs, start=1):
        r["incident_id"] = "INC-%04d" % k
        r["killed"], r["injured"] = casualties(rng, r["ordnance"])
        if r["cluster"]:
            r["activity"] = weighted_choice(rng, ["farming", "herding", "collecting firewood", "playing"],
                                            [45, 30, 15, 10])
        else:
            r["activity"] = activity_for(rng, r["ordnance"], r["inside"])
        r["date_text"] = format_incident_date(rng, r["date"])
        lon, lat, _ = TO_WGS84.TransformPoint(r["xy"][0], r["xy"][1])
        r["lon"], r["lat"] = "%.6f" % lon, "%.6f" % lat
    return recs


def write_incidents(path, incidents):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["incident_id", "lon", "lat", "date", "killed", "injured", "ordnance", "activity"])
        for r in incidents:
            w.writerow([r["incident_id"], r["lon"], r["lat"], r["date_text"], r["killed"], r["injured"],
                        r["ordnance"], r["activity"]])


def pick_cluster_site(hazard_union):
    """West of the line (formerly occupied side), about 7 km (at least 5 km) from every recorded hazard."""
    best = None
    y = BOX[1] + 8000
    while y <= BOX[3] - 8000:
        x = BOX[0] + 8000
        while x <= BOX[2] - 8000:
            if lateral(x, y) < -6000:
                d = hazard_union.Distance(point(x, y))
                if d >= 5000 and (best is None or abs(d - 7000) < abs(best[0] - 7000) - 1e-6):
                    best = (d, x, y)
            x += 1000
        y += 1000
    if best is None or best[0] < 5000:
        raise RuntimeError("no site for the remote incident cluster")
    return best[1], best[2], best[0]


# --------------------------------------------------------------------------------------------
# signs
# --------------------------------------------------------------------------------------------

def perimeter_segments(h):
    """Segments of the outer ring(s) of the hazard, taken from its repaired (valid) geometry so
    that signs follow what a surveyor would walk, not a digitising error."""
    g = h["valid"]
    polys = [g] if ogr.GT_Flatten(g.GetGeometryType()) == ogr.wkbPolygon else \
        [g.GetGeometryRef(i) for i in range(g.GetGeometryCount())]
    segs = []
    for p in polys:
        r = p.GetGeometryRef(0)
        for i in range(r.GetPointCount() - 1):
            x1, y1, x2, y2 = r.GetX(i), r.GetY(i), r.GetX(i + 1), r.GetY(i + 1)
            L = math.hypot(x2 - x1, y2 - y1)
            if L > 0:
                segs.append((x1, y1, x2, y2, L))
    return segs


def gen_signs(rng, hazards):
    d_last = datetime.date(2026, 6, 30)
    signs = []
    marked = {"full": [], "partial": [], "none": []}
    eligible = [h for h in hazards if h["status"] in ("CHA", "SHA") and h["kind"] not in
                ("point", "null-geometry", "empty-geometry")]
    for h in eligible:
        u = rng.random()
        cov = "full" if u < 0.48 else ("partial" if u < 0.66 else "none")
        if h["kind"] == "polygon-large":
            cov = "partial"  # kilometres of open field: only the stretch by the tracks is marked
        marked[cov].append(h["hazard_id"])
        h["marking"] = cov
        if cov == "none":
            continue
        segs = perimeter_segments(h)
        per = sum(s[4] for s in segs)
        spacing = rng.uniform(120, 150)
        if cov == "full":
            start, length = rng.uniform(0, spacing), per
        else:
            frac = rng.uniform(0.2, 0.6)
            start, length = rng.uniform(0, per), per * frac
        s_type = "permanent" if rng.random() < 0.65 else "temporary"
        base = h["rec_date"] + datetime.timedelta(days=rng.randint(14, 420))
        if base > d_last:
            base = d_last - datetime.timedelta(days=rng.randint(0, 60))
        pos = 0.0
        while pos < length - 1e-6 and pos < per:
            t = (start + pos + rng.uniform(-0.1, 0.1) * spacing) % per
            for x1, y1, x2, y2, L in segs:
                if t <= L:
                    break
                t -= L
            t = min(max(t, 0.0), L)
            ux, uy = (x2 - x1) / L, (y2 - y1) / L
            off = rng.uniform(-18.0, 18.0)  # across the perimeter, inside or outside
            x = x1 + ux * t - uy * off
            y = y1 + uy * t + ux * off
            placed = base + datetime.timedelta(days=rng.randint(0, 10))
            replaced = rng.random() < 0.10
            if replaced:  # a sign renewed later
                placed = date_between(rng, min(placed, d_last), d_last)
            placed = min(placed, d_last)
            age_y = (AS_OF - placed).days / 365.25
            p_bad = (0.05 if s_type == "permanent" else 0.12) * age_y
            u = rng.random()
            cond = "missing" if u < p_bad * 0.4 else ("damaged" if u < p_bad else "good")
            signs.append({"xy": (r2(x), r2(y)), "placed": placed, "type": s_type, "condition": cond,
                          "hazard": h["hazard_id"]})
            pos += spacing
    for k, s in enumerate(signs, start=1):
        s["sign_id"] = "SG-%05d" % k
    return signs, marked


def write_signs(path, signs):
    drv = ogr.GetDriverByName("FlatGeobuf")
    ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer("signs", SRS_UTM, ogr.wkbPoint,
                         options=["SPATIAL_INDEX=YES", "TITLE=signs",
                                  "DESCRIPTION=SYNTHETIC warning signs (minerisk demo; not real records)"])
    lyr.CreateField(ogr.FieldDefn("sign_id", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("placed", ogr.OFTDate))
    lyr.CreateField(ogr.FieldDefn("sign_type", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("condition", ogr.OFTString))
    for s in signs:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("sign_id", s["sign_id"])
        d = s["placed"]
        f.SetField("placed", d.year, d.month, d.day, 0, 0, 0, 0)
        f.SetField("sign_type", s["type"])
        f.SetField("condition", s["condition"])
        f.SetGeometry(point(*s["xy"]))
        lyr.CreateFeature(f)
    ds = None


# --------------------------------------------------------------------------------------------
# risk-education sessions
# --------------------------------------------------------------------------------------------

def gen_sessions(rng, settlements):
    n_without = int(round(SHARE_SETTLEMENTS_WITHOUT_SESSION * len(settlements)))
    forced = [s for s in settlements if s["population"] == 0 or s["near_cluster"]]
    forced_ids = [s["settlement_id"] for s in forced]
    others = [s for s in settlements if s["settlement_id"] not in forced_ids]
    without = forced + rng.sample(others, n_without - len(forced))
    without_ids = [s["settlement_id"] for s in without]
    with_ids = [s for s in settlements if s["settlement_id"] not in without_ids]
    weights = [math.sqrt(s["population"]) * (2.0 if s["returnee"] else 1.0) for s in with_ids]
    counts = [1] * len(with_ids)
    for _ in range(N_SESSIONS - len(with_ids)):
        i = rng.choices(range(len(with_ids)), weights=weights)[0]
        counts[i] += 1
    recs = []
    d0, d1 = datetime.date(2021, 1, 15), datetime.date(2026, 6, 30)
    for s, c in zip(with_ids, counts):
        g = s["geom"]
        for _ in range(c):
            if g.GetGeometryType() == ogr.wkbPolygon:
                x, y = random_point_in(rng, g)
            else:
                a = rng.uniform(0, 2 * math.pi)
                d = rng.uniform(0, 250)
                x, y = g.GetX() + d * math.cos(a), g.GetY() + d * math.sin(a)
            held = date_growing(rng, d0, d1, 1400)
            reached = int(round(rng.triangular(10, 150, 30)))
            recs.append({"xy": (x, y), "held": held, "reached": reached,
                         "settlement": s["settlement_id"]})
    recs.sort(key=lambda r: (r["held"], r["settlement"], round(r["xy"][0], 2)))
    for k, r in enumerate(recs, start=1):
        r["session_id"] = "SE-%04d" % k
    return recs, without


def write_sessions(path, sessions):
    drv = ogr.GetDriverByName("ESRI Shapefile")
    ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer("sessions", SRS_WEBM, ogr.wkbPoint,
                         options=["ENCODING=UTF-8", "DBF_DATE_LAST_UPDATE=" + PINNED_DATE[:10],
                                  "SPATIAL_INDEX=NO"])
    for name, typ, width in [("session_id", ogr.OFTString, 10), ("held", ogr.OFTString, 10),
                             ("reached", ogr.OFTInteger, 5), ("settlement", ogr.OFTString, 10)]:
        fd = ogr.FieldDefn(name, typ)
        fd.SetWidth(width)
        lyr.CreateField(fd)
    for r in sessions:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("session_id", r["session_id"])
        f.SetField("held", r["held"].isoformat())
        f.SetField("reached", r["reached"])
        f.SetField("settlement", r["settlement"])
        x, y, _ = TO_WEBM.TransformPoint(r["xy"][0], r["xy"][1])
        f.SetGeometry(point(round(x, 2), round(y, 2)))
        lyr.CreateFeature(f)
    ds = None


# --------------------------------------------------------------------------------------------

LANDUSE_CELL = 100.0
LANDUSE_CLASSES = {1: "built-up", 2: "cropland", 3: "pasture", 4: "scrub and woodland", 5: "water"}


def write_landuse(path, settlements):
    """A land-use raster (Byte, 100 m, EPSG:32638) for the raster_factor plugin: built-up at villages,
    cropland within about 1.5 km of them, pasture and scrub beyond in smooth random patches, one river.
    Its own random stream, so the vector files do not change when it does."""
    rng = random.Random(SEED + 1)
    n = int((SQUARE[2] - SQUARE[0]) / LANDUSE_CELL)
    centres = [s["xy"] for s in settlements]
    # Smooth noise: a coarse random grid, interpolated bilinearly.
    k = 16
    coarse = [[rng.random() for _ in range(k + 1)] for _ in range(k + 1)]
    def noise(i, j):
        u, v = i / n * k, j / n * k
        i0, j0 = min(int(u), k - 1), min(int(v), k - 1)
        fu, fv = u - i0, v - j0
        a = coarse[j0][i0] * (1 - fu) + coarse[j0][i0 + 1] * fu
        b = coarse[j0 + 1][i0] * (1 - fu) + coarse[j0 + 1][i0 + 1] * fu
        return a * (1 - fv) + b * fv
    rows = []
    for j in range(n):
        y = SQUARE[3] - (j + 0.5) * LANDUSE_CELL
        river_x = SQUARE[0] + 9000 + 2500 * math.sin((y - SQUARE[1]) / 7000.0)
        row = bytearray(n)
        for i in range(n):
            x = SQUARE[0] + (i + 0.5) * LANDUSE_CELL
            d = min(math.hypot(x - cx, y - cy) for (cx, cy) in centres)
            if abs(x - river_x) < 60:
                c = 5
            elif d < 300:
                c = 1
            elif d < 1500 + 600 * noise(i, j):
                c = 2
            else:
                c = 3 if noise(j, i) > 0.45 else 4
            row[i] = c
        rows.append(bytes(row))
    ds = gdal.GetDriverByName("GTiff").Create(path, n, n, 1, gdal.GDT_Byte, ["COMPRESS=DEFLATE", "TILED=YES"])
    ds.SetGeoTransform((SQUARE[0], LANDUSE_CELL, 0, SQUARE[3], 0, -LANDUSE_CELL))
    ds.SetProjection(srs(32638).ExportToWkt())
    band = ds.GetRasterBand(1)
    band.WriteRaster(0, 0, n, n, b"".join(rows))
    band.SetDescription("land use (synthetic): " + ", ".join("%d %s" % kv for kv in sorted(LANDUSE_CLASSES.items())))
    band.SetNoDataValue(0)
    ds = None


def remove_outputs(out):
    names = ["hazards.gpkg", "hazards.gpkg-wal", "hazards.gpkg-shm", "incidents.csv", "settlements.geojson",
             "signs.fgb", "landuse.tif"] + ["sessions." + e for e in ("shp", "shx", "dbf", "prj", "cpg", "qix", "sbn", "sbx")]
    for n in names:
        p = os.path.join(out, n)
        if os.path.exists(p):
            os.remove(p)


def main(argv):
    ap = argparse.ArgumentParser(description="Generate the SYNTHETIC minerisk demo data.")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"),
                    help="output directory (default: data/ next to this script)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    gdal.SetConfigOption("OGR_CURRENT_DATE", PINNED_DATE)
    gdal.SetConfigOption("OGR_SQLITE_JOURNAL", "OFF")
    os.makedirs(args.out, exist_ok=True)
    remove_outputs(args.out)

    gdal.PushErrorHandler("CPLQuietErrorHandler")  # GEOS reports every deliberate invalid ring
    rng = random.Random(SEED)
    hazards = gen_hazards(rng)
    union = ogr.Geometry(ogr.wkbGeometryCollection)
    for h in hazards:
        if h["valid"] is not None:
            union.AddGeometry(h["valid"])
    cx, cy, cdist = pick_cluster_site(union)
    settlements = gen_settlements(rng, union, (cx, cy))
    incidents = gen_incidents(rng, hazards, (cx, cy))
    signs, marked = gen_signs(rng, hazards)
    sessions, without = gen_sessions(rng, settlements)

    write_hazards(os.path.join(args.out, "hazards.gpkg"), hazards)
    write_incidents(os.path.join(args.out, "incidents.csv"), incidents)
    write_settlements(os.path.join(args.out, "settlements.geojson"), settlements)
    write_signs(os.path.join(args.out, "signs.fgb"), signs)
    write_sessions(os.path.join(args.out, "sessions.shp"), sessions)
    write_landuse(os.path.join(args.out, "landuse.tif"), settlements)

    if not args.quiet:
        def fids(kind):
            return [h["fid"] for h in hazards if h["kind"] == kind]
        st = {}
        for h in hazards:
            st[h["status"]] = st.get(h["status"], 0) + 1
        print("hazards: %d features %s" % (len(hazards), sorted(st.items())))
        for kind in ("polygon-large", "swapped-vertices", "bow-tie", "spike", "self-touching", "point",
                     "null-geometry", "empty-geometry"):
            print("  %-17s fid %s" % (kind, fids(kind)))
        print("incidents: %d (remote cluster of %d around E %.0f N %.0f, %.0f m from the nearest hazard)"
              % (len(incidents), N_CLUSTER_INCIDENTS, cx, cy, cdist))
        print("settlements: %d (%d polygons, %d returnee, %d with population 0; %s next to the cluster)"
              % (len(settlements), sum(1 for s in settlements if s["geom"].GetGeometryType() == ogr.wkbPolygon),
                 sum(1 for s in settlements if s["returnee"]), sum(1 for s in settlements if s["population"] == 0),
                 [s["settlement_id"] for s in settlements if s["near_cluster"]]))
        print("signs: %d (CHA/SHA polygons marked fully: %d, partly: %d, not at all: %d)"
              % (len(signs), len(marked["full"]), len(marked["partial"]), len(marked["none"])))
        print("sessions: %d (settlements without any session: %d)" % (len(sessions), len(without)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
