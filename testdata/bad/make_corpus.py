#!/usr/bin/python3
"""Write minerisk's corpus of bad inputs: testdata/bad/<case>/ (one broken thing per case) and shared/.

Usage:
    /usr/bin/python3 testdata/bad/make_corpus.py            # (re)writes every case folder next to this script

Dependencies: the Python standard library and GDAL/OGR's Python bindings (osgeo), i.e. Debian's python3-gdal.
Every record is SYNTHETIC (a 4 km square near 46.77 E 39.75 N, the area of the demo). The files are small
and written once; the output of a run of this script is committed. What each case must produce (exit code
and message) is in cases.tsv, which is written by hand, not by this script; tests/integration/
test_bad_inputs.cpp runs every case of it.

Each case folder holds a scenario.yaml (whose first comment line says what is broken) and, where the broken
thing is a file, that file; good layers are read from ../shared/.
"""

import os
import shutil
import sys

from osgeo import gdal, ogr, osr

import issue15_cases
import issue15_geo_cases

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
# Pinned "now" for GeoPackage and DBF headers, so that a re-run gives the same bytes (with the same GDAL).
gdal.SetConfigOption("OGR_CURRENT_DATE", "2026-07-01T00:00:00.000Z")
gdal.SetConfigOption("DBF_DATE_LAST_UPDATE", "2026-07-01")

# ---------------------------------------------------------------------------------------------------------
# shared, good data (lon/lat, EPSG:4326)
# ---------------------------------------------------------------------------------------------------------

# (fid, hazard_id, status, ordnance, recorded, lon, lat, width_deg, height_deg)
HAZARDS = [
    (1, "HA-001", "CHA", "AP", "2024-03-05", 46.760, 39.745, 0.003, 0.002),
    (2, "HA-002", "SHA", "AT", "2023-11", 46.770, 39.750, 0.004, 0.003),
    (3, "HA-003", "CHA", "mixed", "2025-01-20", 46.780, 39.758, 0.002, 0.002),
    (4, "HA-004", "SHA", "CM", "2022", 46.790, 39.765, 0.003, 0.004),
    (5, "HA-005", "CHA", "AP", "2025-06-30", 46.765, 39.762, 0.002, 0.003),
    (6, "HA-006", "cleared", "UXO", "2021-08-14", 46.785, 39.742, 0.003, 0.002),
]

# (incident_id, lon, lat, date, killed, injured)
INCIDENTS = [
    ("INC-01", "46.761500", "39.746000", "2024-04-02", "0", "1"),
    ("INC-02", "46.772000", "39.751500", "2023-12-20", "1", "0"),
    ("INC-03", "46.781000", "39.759000", "2025-02-11", "0", "2"),
    ("INC-04", "46.791500", "39.767000", "2022-09-30", "1", "1"),
    ("INC-05", "46.766000", "39.763500", "2025-07", "0", "1"),
    ("INC-06", "46.775000", "39.748000", "2024", "0", "0"),
    ("INC-07", "46.768000", "39.755000", "2025-03-15", "0", "1"),
    ("INC-08", "46.782500", "39.760500", "2025-05-01", "2", "0"),
    ("INC-09", "46.758000", "39.744000", "2024-10-10", "0", "1"),
    ("INC-10", "46.793000", "39.768000", "2023-06-06", "0", "1"),
    ("INC-11", "46.787000", "39.743000", "2021-09-01", "0", "1"),
    ("INC-12", "46.777000", "39.756000", "2026-01-12", "1", "2"),
]
INCIDENT_COLUMNS = ["incident_id", "lon", "lat", "date", "killed", "injured"]

# (fid, settlement_id, name, population, returnee, lon, lat)
SETTLEMENTS = [
    (1, "ST-01", "Yukhari Demo", 420, True, 46.757, 39.752),
    (2, "ST-02", "Ashaghi Demo", 1250, False, 46.774, 39.760),
    (3, "ST-03", "Orta Demo", 0, False, 46.788, 39.750),
    (4, "ST-04", "Yeni Demo", 310, True, 46.795, 39.760),
    (5, "ST-05", "Kohne Demo", 95, False, 46.768, 39.740),
]


def rect(lon, lat, w, h):
    return [[lon, lat], [lon + w, lat], [lon + w, lat + h], [lon, lat + h], [lon, lat]]


def fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace('"', '\\"') + '"'
    if v is None:
        return "null"
    return repr(v)


def coords_json(c):
    if isinstance(c, (list, tuple)):
        return "[" + ", ".join(coords_json(x) for x in c) + "]"
    return fmt(c) if not isinstance(c, float) else ("%.6f" % c).rstrip("0").rstrip(".")


def geojson(features, crs_urn=None):
    """features: (fid, properties dict, geometry JSON text or None). Written by hand, one feature a line, so
    that broken geometries (unclosed rings, empty coordinates) are written exactly as given."""
    lines = ['{"type": "FeatureCollection",']
    if crs_urn:
        lines.append('"crs": {"type": "name", "properties": {"name": "%s"}},' % crs_urn)
    lines.append('"features": [')
    rows = []
    for fid, props, geom in features:
        p = ", ".join('"%s": %s' % (k, fmt(v)) for k, v in props.items())
        rows.append('{"type": "Feature", "id": %d, "properties": {%s}, "geometry": %s}' % (fid, p, geom or "null"))
    lines.append(",\n".join(rows))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def polygon(ring):
    return '{"type": "Polygon", "coordinates": [%s]}' % coords_json(ring)


def point(lon, lat):
    return '{"type": "Point", "coordinates": [%s, %s]}' % (coords_json(lon), coords_json(lat))


def hazard_props(h):
    return {"hazard_id": h[1], "status": h[2], "ordnance": h[3], "recorded": h[4]}


def hazard_features(extra=(), drop=()):
    out = [(h[0], hazard_props(h), polygon(rect(*h[5:9]))) for h in HAZARDS if h[0] not in drop]
    return out + list(extra)


def settlement_features(transform=None):
    out = []
    for fid, sid, name, pop, ret, lon, lat in SETTLEMENTS:
        props = {"settlement_id": sid, "name": name, "population": pop, "returnee": ret}
        if transform:
            props, lon, lat = transform(fid, props, lon, lat)
        out.append((fid, props, point(lon, lat)))
    return out


def incidents_csv(rows=None, columns=None):
    rows = INCIDENTS if rows is None else rows
    columns = columns or INCIDENT_COLUMNS
    return ",".join(columns) + "\n" + "".join(",".join(r) + "\n" for r in rows)


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def write_ogr(path, driver, layer_name, epsg, fields, rows, geom_type=ogr.wkbUnknown, options=None):
    """rows: (fid or None, {field: value}, ogr.Geometry or None)."""
    if os.path.exists(path):
        ogr.GetDriverByName(driver).DeleteDataSource(path)
    # Small GeoPackages: 1 KiB SQLite pages and no R-tree (the files are read whole anyway).
    gdal.SetConfigOption("OGR_SQLITE_PRAGMA", "page_size=1024" if driver == "GPKG" else None)
    if driver == "GPKG":
        options = list(options or []) + ["SPATIAL_INDEX=NO"]
    ds = ogr.GetDriverByName(driver).CreateDataSource(path)
    lyr = ds.CreateLayer(layer_name, srs(epsg) if epsg else None, geom_type, options=options or [])
    for name, kind in fields:
        lyr.CreateField(ogr.FieldDefn(name, kind))
    for fid, values, geom in rows:
        f = ogr.Feature(lyr.GetLayerDefn())
        if fid is not None:
            f.SetFID(fid)
        for k, v in values.items():
            f.SetField(k, v)
        if geom is not None:
            f.SetGeometry(geom)
        lyr.CreateFeature(f)
    ds = None


def ogr_polygon(ring):
    r = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in ring:
        r.AddPoint_2D(x, y)
    p = ogr.Geometry(ogr.wkbPolygon)
    p.AddGeometry(r)
    return p


HAZARD_FIELDS = [("hazard_id", ogr.OFTString), ("status", ogr.OFTString), ("ordnance", ogr.OFTString),
                 ("recorded", ogr.OFTString)]


def landuse_tif(path, epsg=32638, size=50, cell=100.0):
    """A small class raster (1-5) over the shared data's square, in UTM 38N, 100 m cells."""
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(path, size, size, 1, gdal.GDT_Byte, options=["TILED=NO", "COMPRESS=NONE"])
    ds.SetGeoTransform([649500.0, cell, 0, 4405000.0, 0, -cell])
    if epsg:
        ds.SetProjection(srs(epsg).ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(0)
    data = bytearray(size * size)
    for r in range(size):
        for c in range(size):
            data[r * size + c] = 1 + ((r // 10) + (c // 10)) % 5
    band.WriteRaster(0, 0, size, size, bytes(data))
    ds = None


# ---------------------------------------------------------------------------------------------------------
# scenarios
# ---------------------------------------------------------------------------------------------------------

HAZARDS_IN = """  hazards:
    path: {hazards}
{hazards_extra}    fields: {{id: hazard_id, status: status, ordnance: ordnance, date: recorded}}
"""
INCIDENTS_IN = """  incidents:
    path: {incidents}
    x: {x}
    y: {y}
    crs: EPSG:4326
    fields: {{id: incident_id, date: date, killed: killed, injured: injured}}
"""
SETTLEMENTS_IN = """  settlements:
    path: {settlements}
{settlements_extra}    fields: {{id: settlement_id, name: name, population: {population}, returnee: returnee}}
"""
FACTORS = """scoring:
  factors:
    - plugin: hazard_proximity
      weight: 0.5
    - plugin: incident_density
      weight: 0.3
    - plugin: population_exposure
      weight: 0.2
{extra_factor}"""
TAIL = """zones:
  threshold: 0.3
run:
  threads: 1
  tile_size: 256
"""


def scenario(what, resolution="50", hazards="../shared/hazards.geojson", hazards_extra="",
             incidents="../shared/incidents.csv", x="lon", y="lat",
             settlements="../shared/settlements.geojson", settlements_extra="", population="population",
             extra_factor="", crs="EPSG:32638", extra_top="", run_extra=""):
    text = "# bad input: %s\n" % what
    text += 'name: "bad input"\ncrs: %s\nresolution: %s\nmargin: 500\nas_of: 2026-07-01\n%sinputs:\n' % (crs, resolution, extra_top)
    if hazards:
        text += HAZARDS_IN.format(hazards=hazards, hazards_extra=hazards_extra)
    if incidents:
        text += INCIDENTS_IN.format(incidents=incidents, x=x, y=y)
    if settlements:
        text += SETTLEMENTS_IN.format(settlements=settlements, settlements_extra=settlements_extra, population=population)
    text += FACTORS.format(extra_factor=extra_factor) + TAIL + run_extra
    return text


RASTER_FACTOR = """    - plugin: raster_factor
      name: land_use
      weight: 0.2
      params:
        path: {path}
        mode: classes
        classes: {{1: 0.4, 2: 0.8, 3: 1.0, 4: 0.6, 5: 0.1}}
"""


def case(name, what, files=None, **kw):
    d = os.path.join(HERE, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    write(os.path.join(d, "scenario.yaml"), scenario(what, **kw))
    for fname, content in (files or {}).items():
        mode = "wb" if isinstance(content, bytes) else "w"
        write(os.path.join(d, fname), content, mode)
    return d


def raw_case(name, text, files=None):
    d = os.path.join(HERE, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    write(os.path.join(d, "scenario.yaml"), text)
    for fname, content in (files or {}).items():
        write(os.path.join(d, fname), content, "wb" if isinstance(content, bytes) else "w")
    return d


def truncated(path, keep):
    with open(path, "rb") as f:
        data = f.read()
    return data[: int(len(data) * keep)] if isinstance(keep, float) else data[:keep]


def corrupted(path, start, length, seed=7):
    """The file with `length` bytes from `start` overwritten by a fixed pseudo-random pattern."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    x = seed
    for i in range(start, min(len(data), start + length)):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        data[i] = x & 0xFF
    return bytes(data)


def main():
    shared = os.path.join(HERE, "shared")
    os.makedirs(shared, exist_ok=True)
    write(os.path.join(shared, "hazards.geojson"), geojson(hazard_features()))
    write(os.path.join(shared, "incidents.csv"), incidents_csv())
    write(os.path.join(shared, "settlements.geojson"), geojson(settlement_features()))
    landuse_tif(os.path.join(shared, "landuse.tif"))

    # A base case that must run cleanly: the harness checks that the corpus' shared data are good.
    case("good", "nothing: the shared data, which every other case breaks in one way",
         extra_factor=RASTER_FACTOR.format(path="../shared/landuse.tif"))

    # ---- geometry ------------------------------------------------------------------------------------
    bowtie = [[46.7700, 39.7700], [46.7730, 39.7720], [46.7730, 39.7700], [46.7700, 39.7720], [46.7700, 39.7700]]
    case("self_intersecting_polygon", "hazard 7 is a bow-tie (its ring crosses itself)",
         files={"hazards.geojson": geojson(hazard_features([(7, {"hazard_id": "HA-007", "status": "CHA", "ordnance": "AP",
                                                                 "recorded": "2025-02-02"}, polygon(bowtie))]))},
         hazards="hazards.geojson")

    unclosed = [[46.7700, 39.7700], [46.7730, 39.7700], [46.7730, 39.7720], [46.7700, 39.7720]]
    case("unclosed_polygon", "hazard 7's ring does not return to its first point",
         files={"hazards.geojson": geojson(hazard_features([(7, {"hazard_id": "HA-007", "status": "CHA", "ordnance": "AP",
                                                                 "recorded": "2025-02-02"}, polygon(unclosed))]))},
         hazards="hazards.geojson")

    inner = rect(46.7705, 39.7505, 0.001, 0.001)  # inside hazard 2
    case("nested_hazards", "hazard 7 lies inside hazard 2",
         files={"hazards.geojson": geojson(hazard_features([(7, {"hazard_id": "HA-007", "status": "CHA", "ordnance": "AP",
                                                                 "recorded": "2025-02-02"}, polygon(inner))]))},
         hazards="hazards.geojson")

    h3 = HAZARDS[2]
    ring = rect(*h3[5:9])
    same_other_start = ring[2:4] + ring[0:3]  # the same square, starting at another corner
    case("duplicate_hazards", "hazard 7 has the same polygon as hazard 3 (another start vertex) and the same id",
         files={"hazards.geojson": geojson(hazard_features([(7, hazard_props(h3), polygon(same_other_start))]))},
         hazards="hazards.geojson")

    case("null_geometry", "hazard 7 has no geometry (null)",
         files={"hazards.geojson": geojson(hazard_features([(7, {"hazard_id": "HA-007", "status": "CHA", "ordnance": "AP",
                                                                 "recorded": "2025-02-02"}, None)]))},
         hazards="hazards.geojson")

    d = case("empty_geometry", "hazard 7 has an empty geometry (POLYGON EMPTY) in a GeoPackage",
             hazards="hazards.gpkg", hazards_extra="    layer: hazards\n")
    rows = [(h[0], hazard_props(h), ogr_polygon(rect(*h[5:9]))) for h in HAZARDS]
    rows.append((7, {"hazard_id": "HA-007", "status": "CHA", "ordnance": "AP", "recorded": "2025-02-02"},
                 ogr.Geometry(ogr.wkbPolygon)))
    write_ogr(os.path.join(d, "hazards.gpkg"), "GPKG", "hazards", 4326, HAZARD_FIELDS, rows)

    d = case("nan_coordinates_gpkg", "hazard 7 has a NaN vertex (GeoPackage)",
             hazards="hazards.gpkg", hazards_extra="    layer: hazards\n")
    nan_ring = rect(46.7700, 39.7700, 0.002, 0.002)
    nan_ring[2] = [float("nan"), 39.772]
    inf_ring = rect(46.7750, 39.7700, 0.002, 0.002)
    inf_ring[1] = [float("inf"), 39.770]
    rows = [(h[0], hazard_props(h), ogr_polygon(rect(*h[5:9]))) for h in HAZARDS]
    rows.append((7, {"hazard_id": "HA-007", "status": "CHA", "ordnance": "AP", "recorded": "2025-02-02"}, ogr_polygon(nan_ring)))
    write_ogr(os.path.join(d, "hazards.gpkg"), "GPKG", "hazards", 4326, HAZARD_FIELDS, rows)

    d = case("infinite_coordinates_fgb", "hazard 8 has an infinite vertex (FlatGeobuf)", hazards="hazards.fgb")
    rows = [(h[0], hazard_props(h), ogr_polygon(rect(*h[5:9]))) for h in HAZARDS]
    rows.append((8, {"hazard_id": "HA-008", "status": "CHA", "ordnance": "AP", "recorded": "2025-02-02"}, ogr_polygon(inf_ring)))
    write_ogr(os.path.join(d, "hazards.fgb"), "FlatGeobuf", "hazards", 4326, HAZARD_FIELDS, rows,
              options=["SPATIAL_INDEX=NO"])

    d = case("coordinates_beyond_earth_fgb", "hazard 9 has vertices at 1.7e308 (finite, but no place on Earth)",
             hazards="hazards.fgb")
    huge_ring = rect(46.7800, 39.7700, 0.002, 0.002)
    huge_ring[1] = [1.7e308, -1.7e308]
    huge_ring[2] = [-1.7e308, 1.7e308]
    rows = [(h[0], hazard_props(h), ogr_polygon(rect(*h[5:9]))) for h in HAZARDS]
    rows.append((9, {"hazard_id": "HA-009", "status": "CHA", "ordnance": "AP", "recorded": "2025-02-02"}, ogr_polygon(huge_ring)))
    write_ogr(os.path.join(d, "hazards.fgb"), "FlatGeobuf", "hazards", 4326, HAZARD_FIELDS, rows,
              options=["SPATIAL_INDEX=NO"])

    rows = [list(r) for r in INCIDENTS]
    rows[2][1] = "nan"
    rows[6][2] = "inf"
    case("nan_coordinates_csv", "incidents in rows 3 and 7 have 'nan' and 'inf' as coordinates",
         files={"incidents.csv": incidents_csv(rows)}, incidents="incidents.csv")

    rows = [list(r) for r in INCIDENTS]
    rows[4][2] = "3.976350"  # a digit lost: 39.76 -> 3.976, 4000 km south
    case("far_outside", "incident INC-05 has latitude 3.97635 (a lost digit): 4000 km from everything else",
         files={"incidents.csv": incidents_csv(rows)}, incidents="incidents.csv")

    rows = [list(r) for r in INCIDENTS]
    rows[4][2] = "38.500000"  # 140 km south, but a settlement was recorded beside it: a real remote place
    remote = (6, {"settlement_id": "ST-06", "name": "Remote Valley", "population": 150, "returnee": False},
              point(46.772, 38.506))
    case("far_outside_corroborated", "incident INC-05 lies 140 km from the rest, but a settlement recorded "
         "beside it makes it a real remote place: it must be kept",
         files={"incidents.csv": incidents_csv(rows), "settlements.geojson": geojson(settlement_features() + [remote])},
         incidents="incidents.csv", settlements="settlements.geojson")

    rows = [list(r) for r in INCIDENTS]
    rows[7][1], rows[7][2] = "0", "0"
    case("null_island", "incident INC-08 is at 0, 0 (a missing position written as zeros)",
         files={"incidents.csv": incidents_csv(rows)}, incidents="incidents.csv")

    rows = [[r[0], r[2], r[1]] + list(r[3:]) for r in INCIDENTS]
    case("latlon_swapped", "the incidents' lon column holds latitudes and lat holds longitudes",
         files={"incidents.csv": incidents_csv(rows)}, incidents="incidents.csv")

    # Somewhere with longitudes above 90 (Cambodia): swapped, the latitudes are impossible.
    def khmer(fid, props, lon, lat):
        return props, lat - 39.75 + 13.10, lon - 46.77 + 103.20
    raw_case("latlon_swapped_evident",
             "# bad input: every settlement has latitude and longitude swapped (latitude 103 is impossible)\n"
             'name: "bad input"\ncrs: auto\nresolution: 50\nmargin: 500\nas_of: 2026-07-01\ninputs:\n'
             "  settlements:\n    path: settlements.geojson\n"
             "    fields: {id: settlement_id, name: name, population: population, returnee: returnee}\n"
             "scoring:\n  factors:\n    - plugin: population_exposure\n" + TAIL,
             files={"settlements.geojson": geojson(settlement_features(khmer))})

    def out_of_range(fid, props, lon, lat):
        return props, lon, (lat + 100 if fid == 4 else lat)
    case("latitude_out_of_range", "settlement 4 has latitude 139.76 (above 90)",
         files={"settlements.geojson": geojson(settlement_features(out_of_range))}, settlements="settlements.geojson")

    # ---- CRS -----------------------------------------------------------------------------------------
    d = case("no_crs", "the hazards shapefile has no .prj (no CRS) and the scenario names none",
             hazards="hazards.shp")
    rows = [(None, hazard_props(h), ogr_polygon(rect(*h[5:9]))) for h in HAZARDS]
    write_ogr(os.path.join(d, "hazards.shp"), "ESRI Shapefile", "hazards", None, HAZARD_FIELDS, rows)
    for ext in (".prj", ".cpg"):
        if os.path.exists(os.path.join(d, "hazards" + ext)):
            os.remove(os.path.join(d, "hazards" + ext))

    raw = scenario("the incidents CSV has no 'crs:' (a CSV carries no CRS)", incidents="../shared/incidents.csv")
    raw_case("no_crs_csv", raw.replace("    crs: EPSG:4326\n", ""))

    # UTM metres in a file that says WGS 84.
    to_utm = osr.CoordinateTransformation(srs(4326), srs(32638))
    def utm(fid, props, lon, lat):
        x, y, _ = to_utm.TransformPoint(lon, lat)
        return props, round(x, 1), round(y, 1)
    case("wrong_crs_metres_as_degrees", "the settlements are in UTM 38N metres but the GeoJSON says WGS 84",
         files={"settlements.geojson": geojson(settlement_features(utm))}, settlements="settlements.geojson")

    case("wrong_crs_degrees_as_metres", "the settlements are longitude/latitude but the scenario says EPSG:32638",
         settlements="../shared/settlements.geojson", settlements_extra="    crs: EPSG:32638\n")

    # ---- empty layers --------------------------------------------------------------------------------
    case("empty_hazards", "the hazards layer has no feature",
         files={"hazards.geojson": geojson([])}, hazards="hazards.geojson")
    case("filter_selects_no_hazard", "the hazards' 'where' filter selects no feature",
         hazards_extra="    where: \"status = 'CHAA'\"\n")
    case("all_hazards_unusable", "every hazard has a null geometry",
         files={"hazards.geojson": geojson([(h[0], hazard_props(h), None) for h in HAZARDS])}, hazards="hazards.geojson")
    case("empty_settlements", "the settlements layer has no feature (the run goes on, with a warning)",
         files={"settlements.geojson": geojson([])}, settlements="settlements.geojson")

    # ---- fields and values ---------------------------------------------------------------------------
    case("missing_field", "fields maps population onto 'populaton', which is not a column",
         population="populaton")
    raw = scenario("x names the column 'longitude', which is not in the CSV", x="longitude")
    raw_case("missing_coordinate_column", raw)

    def mistyped(fid, props, lon, lat):
        if fid in (2, 4):
            props = dict(props, population={2: "about 1200", 4: "n/a"}[fid])
        return props, lon, lat
    case("mistyped_field", "population holds text ('about 1200', 'n/a') in settlements 2 and 4",
         files={"settlements.geojson": geojson(settlement_features(mistyped))}, settlements="settlements.geojson")

    rows = [list(r) for r in INCIDENTS]
    rows[1][3] = "20/12/2023"
    rows[5][3] = "2023-02-30"
    case("bad_dates", "incidents INC-02 and INC-06 have dates that do not parse (day first; 30 February)",
         files={"incidents.csv": incidents_csv(rows)}, incidents="incidents.csv")

    def negative(fid, props, lon, lat):
        if fid == 3:
            props = dict(props, population=-250)
        return props, lon, lat
    case("negative_population", "settlement 3 has population -250",
         files={"settlements.geojson": geojson(settlement_features(negative))}, settlements="settlements.geojson")

    # ---- damaged files -------------------------------------------------------------------------------
    good_gpkg = os.path.join(HERE, "empty_geometry", "hazards.gpkg")
    case("truncated_gpkg", "the hazards GeoPackage is cut after 40 % of its bytes",
         files={"hazards.gpkg": truncated(good_gpkg, 0.4)}, hazards="hazards.gpkg", hazards_extra="    layer: hazards\n")
    case("corrupt_gpkg", "the hazards GeoPackage has garbage over its SQLite header",
         files={"hazards.gpkg": corrupted(good_gpkg, 0, 100)}, hazards="hazards.gpkg", hazards_extra="    layer: hazards\n")
    # Damage inside the table of features (the page that holds the last rows): the file opens, and reading
    # stops part-way with "database disk image is malformed". Without a check the first rows would be used
    # and the others silently dropped.
    data = bytearray(open(good_gpkg, "rb").read())
    page = data.index(b"HA-007") // 1024 * 1024
    data[page + 8: page + 1024] = corrupted(good_gpkg, page + 8, 1016)[page + 8: page + 1024]
    case("corrupt_gpkg_features", "the hazards GeoPackage's page holding the last rows is garbage: reading stops part-way",
         files={"hazards.gpkg": bytes(data)}, hazards="hazards.gpkg", hazards_extra="    layer: hazards\n")
    case("not_a_gpkg", "the hazards 'GeoPackage' is a text file",
         files={"hazards.gpkg": "hazard_id,status\nHA-001,CHA\n"}, hazards="hazards.gpkg", hazards_extra="    layer: hazards\n")
    shared_hazards = os.path.join(shared, "hazards.geojson")
    case("truncated_geojson", "the hazards GeoJSON is cut in the middle",
         files={"hazards.geojson": truncated(shared_hazards, 0.6)}, hazards="hazards.geojson")
    shared_csv = os.path.join(shared, "incidents.csv")
    data = open(shared_csv, "rb").read()
    cut = data.index(b"INC-12") + len(b"INC-12,46.777000,")  # the last row ends after its longitude
    case("truncated_csv", "the incidents CSV is cut in its last row, after the longitude",
         files={"incidents.csv": data[:cut]}, incidents="incidents.csv")
    case("corrupt_csv", "the incidents CSV is binary garbage",
         files={"incidents.csv": corrupted(shared_csv, 0, len(data))}, incidents="incidents.csv")
    shared_tif = os.path.join(shared, "landuse.tif")
    case("truncated_geotiff", "the land-use GeoTIFF is cut after 60 % of its bytes",
         files={"landuse.tif": truncated(shared_tif, 0.6)}, extra_factor=RASTER_FACTOR.format(path="landuse.tif"))
    case("corrupt_geotiff", "the land-use GeoTIFF has garbage over its header",
         files={"landuse.tif": corrupted(shared_tif, 0, 64)}, extra_factor=RASTER_FACTOR.format(path="landuse.tif"))
    d = case("geotiff_no_crs", "the land-use GeoTIFF has no CRS",
             extra_factor=RASTER_FACTOR.format(path="landuse.tif"))
    landuse_tif(os.path.join(d, "landuse.tif"), epsg=None)

    # ---- the scenario --------------------------------------------------------------------------------
    good = scenario("SCENARIO")
    def variant(name, what, old, new):
        head, body = good.split("\n", 1)  # the comment line, then the scenario
        assert old in body, (name, old)
        raw_case(name, head.replace("SCENARIO", what) + "\n" + body.replace(old, new, 1))
    variant("scenario_syntax_error", "a tab in the indentation of 'margin' (line 5)", "margin: 500\n", "\tmargin: 500\n")
    variant("scenario_unclosed_bracket", "the fields of hazards miss their closing brace (line 10)",
            "ordnance: ordnance, date: recorded}", "ordnance: ordnance, date: recorded")
    variant("scenario_unknown_key", "'resolutoin' instead of 'resolution' (line 4)", "resolution: 50", "resolutoin: 50")
    variant("scenario_unknown_input_key", "'filter' instead of 'where' in inputs.hazards (line 10)",
            "    path: ../shared/hazards.geojson\n", "    path: ../shared/hazards.geojson\n    filter: \"status = 'CHA'\"\n")
    variant("scenario_wrong_type", "'resolution: 50m' (units are not allowed)", "resolution: 50", "resolution: 50m")
    variant("scenario_wrong_type_list", "'margin' written as a list", "margin: 500", "margin: [500, 500]")
    variant("scenario_bad_as_of", "as_of is day-first", "as_of: 2026-07-01", "as_of: 01/07/2026")
    text = good.replace("SCENARIO", "every factor weight is 0").replace("weight: 0.5", "weight: 0") \
        .replace("weight: 0.3", "weight: 0").replace("weight: 0.2", "weight: 0")
    raw_case("scenario_zero_weights", text)
    variant("scenario_missing_file", "the hazards path names a file that does not exist",
            "../shared/hazards.geojson", "../shared/hazard.geojson")
    variant("scenario_unknown_plugin", "a factor names the plugin 'hazard_proximty'", "plugin: hazard_proximity",
            "plugin: hazard_proximty")
    variant("scenario_bad_param", "hazard_proximity's half_distance is negative",
            "    - plugin: hazard_proximity\n      weight: 0.5\n",
            "    - plugin: hazard_proximity\n      weight: 0.5\n      params: {half_distance: -250}\n")
    variant("scenario_bad_crs", "crs: EPSG:326380 (a digit too many)", "crs: EPSG:32638", "crs: EPSG:326380")
    variant("scenario_geographic_crs", "crs: EPSG:4326 (not in metres)", "crs: EPSG:32638", "crs: EPSG:4326")
    variant("grid_too_large", "resolution 0.01 m: 5 km x 5 km is 2.5e11 cells", "resolution: 50", "resolution: 0.01")
    variant("memory_too_large", "a 16 MB memory limit for 16384-cell tiles", "  tile_size: 256\n",
            "  tile_size: 16384\n  max_memory_mb: 16\n")
    variant("layer_outside_extent", "an extent around hazard 1 that holds no settlement", "margin: 500\n",
            "margin: 500\nextent: [650600, 4400700, 651100, 4401300]\n")
    variant("extent_far_from_data", "an extent 300 km east of every feature", "margin: 500\n",
            "margin: 500\nextent: [950000, 4400000, 955000, 4405000]\n")
    return added_cases()


def added_cases():
    """Cases added later; `make_corpus.py --added` writes only these (and leaves the others' bytes alone)."""
    good = scenario("SCENARIO")
    def variant(name, what, old, new):
        head, body = good.split("\n", 1)
        assert old in body, (name, old)
        raw_case(name, head.replace("SCENARIO", what) + "\n" + body.replace(old, new, 1))
    variant("scenario_unclosed_quote", "the double quote of 'name' is not closed (line 2)", 'name: "bad input"\n',
            'name: "bad input\n')
    d = case("filter_invalid_gpkg", "the hazards' 'where' names a column the GeoPackage does not have: SQLite refuses it "
             "only when reading starts", hazards="hazards.gpkg",
             hazards_extra="    layer: hazards\n    where: \"state = 'CHA'\"\n")
    rows = [(h[0], hazard_props(h), ogr_polygon(rect(*h[5:9]))) for h in HAZARDS]
    write_ogr(os.path.join(d, "hazards.gpkg"), "GPKG", "hazards", 4326, HAZARD_FIELDS, rows)
    # A hazard recorded as a point with a 5 m radius, at 50 m cells: smaller than a cell, it still burns the
    # cell it lies in (and says so), instead of vanishing from the map.
    small = (7, {"hazard_id": "HA-007", "status": "CHA", "ordnance": "AP", "recorded": "2025-02-02"}, point(46.7745, 39.7455))
    case("subcell_hazard", "hazard 7 is a point with point_radius 5 m, at 50 m cells",
         files={"hazards.geojson": geojson(hazard_features([small]))}, hazards="hazards.geojson",
         hazards_extra="    point_radius: 5\n")
    issue15_cases.write_issue15_cases(sys.modules[__name__])
    issue15_cases.write_string_cases(sys.modules[__name__])
    issue15_geo_cases.write_issue15_geo_cases(sys.modules[__name__])
    return 0


if __name__ == "__main__":
    sys.exit(added_cases() if "--added" in sys.argv[1:] else main())
