"""Cases of issue 15 about geometry and geography at the door (15.4 inputs never written, 15.6 the repair
budget, 15.7 geography), written by make_corpus.py (and by its --added run). The helpers are make_corpus's own.
"""

import os
import sqlite3
import tempfile


def scrambled_ring(n, lon, lat, size, seed=12345):
    """A ring of n vertices at pseudo-random places in a square (a fixed LCG: the same bytes on every run); it
    crosses itself about n^2/8 times (2,000 vertices: 469,304 crossings)."""
    state = seed
    pts = []
    for _ in range(n):
        xy = []
        for _ in range(2):
            state = (state * 1664525 + 1013904223) % 2 ** 32
            xy.append(((state >> 8) % 100000) / 100000.0 * size)
        pts.append([round(lon + xy[0], 6), round(lat + xy[1], 6)])
    return pts + [pts[0]]


def gpkg_with_pending_wal(mc, d):
    """hazards.gpkg with one saved edit left in hazards.gpkg-wal (hazard 6 given the id HA-003): the state a
    program editing the file (QGIS) leaves. Written in a scratch folder and copied, with its -wal and -shm, while
    the connection is open (closing it would merge the log)."""
    rows = [(h[0], mc.hazard_props(h), mc.ogr_polygon(mc.rect(*h[5:9]))) for h in mc.HAZARDS]
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "hazards.gpkg")
        mc.write_ogr(work, "GPKG", "hazards", 4326, mc.HAZARD_FIELDS, rows)
        con = sqlite3.connect(work)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA wal_autocheckpoint=0")
        con.execute("UPDATE hazards SET hazard_id = 'HA-003' WHERE fid = 6")
        con.commit()
        for suffix in ("", "-wal", "-shm"):
            mc.shutil.copyfile(work + suffix, os.path.join(d, "hazards.gpkg" + suffix))
        con.close()


def far_raster(path):
    """A class raster like shared/landuse.tif, in longitude/latitude over eastern Australia (150 E, 30 S)."""
    from osgeo import gdal
    ds = gdal.GetDriverByName("GTiff").Create(path, 50, 50, 1, gdal.GDT_Byte, options=["TILED=NO", "COMPRESS=NONE"])
    ds.SetGeoTransform([150.0, 0.002, 0, -30.0, 0, -0.002])
    from osgeo import osr
    s = osr.SpatialReference()
    s.ImportFromEPSG(4326)
    ds.SetProjection(s.ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(0)
    band.WriteRaster(0, 0, 50, 50, bytes(1 + (i // 10) % 5 for i in range(2500)))
    ds = None


ANTIMERIDIAN = """# bad input: crs: auto for hazards across the antimeridian (168 E to 172 W, Fiji): the UTM zone at 180, not at 0, and a warning for 20 degrees
name: "bad input"
crs: auto
resolution: 5000
margin: 500
as_of: 2026-07-01
inputs:
  hazards:
    path: hazards.geojson
    fields: {id: hazard_id, status: status}
scoring:
  factors:
    - plugin: hazard_proximity
      weight: 1
run:
  threads: 1
  tile_size: 256
"""


def write_issue15_geo_cases(mc):
    """mc: the make_corpus module (its case(), raw_case(), data and writers)."""
    d = mc.case("gpkg_pending_wal", "the hazards GeoPackage has a saved edit still in its write-ahead log "
                "(hazards.gpkg-wal): read, and the input files left byte for byte as they were",
                hazards="hazards.gpkg", hazards_extra="    layer: hazards\n")
    gpkg_with_pending_wal(mc, d)

    tangled = (7, {"hazard_id": "HA-007", "status": "CHA", "ordnance": "AP", "recorded": "2025-02-02"},
               mc.polygon(scrambled_ring(2000, 46.770, 39.750, 0.01)))
    mc.case("tangled_polygon", "hazard 7 is a ring of 2,000 vertices in random order (it crosses itself some "
            "470,000 times; GEOS MakeValid would run for minutes)",
            files={"hazards.geojson": mc.geojson(mc.hazard_features([tangled]))}, hazards="hazards.geojson")

    huge = (7, {"hazard_id": "HA-007", "status": "CHA", "ordnance": "AP", "recorded": "2025-02-02"},
            mc.point(46.7745, 39.7455))
    mc.case("huge_point_radius", "hazard 7 is a point with point_radius 100000 (100 km, the most allowed; 100 m "
            "meant?): alone it sets the extent, a 200 km grid among hazards 4 km apart",
            files={"hazards.geojson": mc.geojson(mc.hazard_features([huge]))}, hazards="hazards.geojson",
            hazards_extra="    point_radius: 100000\n")

    d = mc.case("raster_far_away", "the land-use raster is in longitude/latitude over Australia (150 E, 30 S), "
                "nowhere near the grid", extra_factor=mc.RASTER_FACTOR.format(path="landuse.tif"))
    far_raster(os.path.join(d, "landuse.tif"))

    rows = []
    for i, lon in enumerate([168.0, 172.0, 176.0, 179.5, -176.0, -172.0]):
        props = {"hazard_id": "HA-%03d" % (i + 1), "status": "CHA"}
        rows.append((i + 1, props, mc.polygon(mc.rect(lon, -17.0, 0.002, 0.002))))
    mc.raw_case("antimeridian_auto_crs", ANTIMERIDIAN, files={"hazards.geojson": mc.geojson(rows)})
