#!/usr/bin/python3
"""Writes the hand-made seeds of the vector fuzzer's corpus (tests/fuzz/corpus/vector/seed_*).

Run from anywhere: /usr/bin/python3 tests/fuzz/make_vector_seeds.py (Debian's Python, which has python3-gdal).
The seeds are committed; this script documents how they were made and remakes them. Inputs that the fuzzers
found (crashes, and the corpus kept by `make fuzz-merge`) are separate files and are not touched.

A seed is either JSON text (a GeoJSON file, as a planner's export would be) or the ISO WKB of one geometry,
which tests/fuzz/fuzz_vector.cpp writes into a FlatGeobuf file (see there).
"""
import json
import math
import os
import struct

from osgeo import ogr

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "vector")

UTM_SQUARE = [[500050, 4400050], [500100, 4400050], [500100, 4400100], [500050, 4400100], [500050, 4400050]]
LONLAT_SQUARE = [[47.0, 40.0], [47.01, 40.0], [47.01, 40.01], [47.0, 40.01], [47.0, 40.0]]


def feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(*features, crs=None):
    fc = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": crs}}
    return fc


JSON_SEEDS = {
    # A clean hazard polygon with every hazard and incident role as a property.
    "valid_polygon": collection(feature({"type": "Polygon", "coordinates": [UTM_SQUARE]},
                                        id="H1", status="CHA", ordnance="AP", date="2024-05-01", radius=50,
                                        name="field", killed=1, injured="2", casualties=None, activity="farming"),
                                crs="urn:ogc:def:crs:EPSG::32638"),
    "valid_lonlat_polygon": collection(feature({"type": "Polygon", "coordinates": [LONLAT_SQUARE]}, date="2024-05")),
    # Self-intersecting ring: MakeValid splits it in two triangles.
    "bowtie": collection(feature({"type": "Polygon", "coordinates": [[[500000, 4400000], [500100, 4400100],
                                                                       [500100, 4400000], [500000, 4400100],
                                                                       [500000, 4400000]]]}, status="SHA")),
    # A spike (a ring going out and back along the same line) and a polygon that collapses to a line.
    "spike": collection(feature({"type": "Polygon", "coordinates": [[[500000, 4400000], [500100, 4400000],
                                                                      [500100, 4400100], [500100, 4400300],
                                                                      [500100, 4400100], [500000, 4400100],
                                                                      [500000, 4400000]]]})),
    "collapsed": collection(feature({"type": "Polygon", "coordinates": [[[500000, 4400000], [500100, 4400000],
                                                                          [500000, 4400000], [500000, 4400000]]]})),
    # Empty and missing geometries.
    "empty": collection(feature({"type": "Polygon", "coordinates": []}),
                        feature({"type": "MultiPolygon", "coordinates": [[]]}),
                        feature({"type": "GeometryCollection", "geometries": []}),
                        feature(None, id="no geometry")),
    "no_features": collection(),
    # Coordinates at the edge of what a double holds, and far outside any CRS's area.
    "huge_coordinates": collection(
        feature({"type": "Polygon", "coordinates": [[[-1e308, -1e308], [1e308, -1e308], [1e308, 1e308],
                                                      [-1e308, -1e308]]]}),
        feature({"type": "Point", "coordinates": [1.7976931348623157e308, 5e-324]}, radius=1e300),
        feature({"type": "LineString", "coordinates": [[0, 0], [1e15, 1e15]]})),
    # Number-like strings where numbers and dates belong; NaN spelled out (not JSON: OGR's reader decides).
    "nan_strings": collection(feature({"type": "Point", "coordinates": [500000, 4400000]},
                                      radius="NaN", date="2024-13-45", killed="inf", injured="-1", population="1e999"),
                              feature({"type": "Point", "coordinates": ["NaN", "Infinity"]}, radius="-inf")),
    "points_and_lines": collection(
        feature({"type": "Point", "coordinates": [500000, 4400000, 10]}, radius=25, date=2024),
        feature({"type": "MultiPoint", "coordinates": [[500000, 4400000], [500500, 4400500]]}, date="1799"),
        feature({"type": "LineString", "coordinates": [[46.9, 40.0], [47.1, 40.1]]}, radius=0),
        feature({"type": "MultiLineString", "coordinates": [[[500000, 4400000], [500000, 4400000]]]})),
    "collection_of_everything": collection(feature({"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "coordinates": [UTM_SQUARE, [[500060, 4400060], [500070, 4400060], [500070, 4400070],
                                                         [500060, 4400060]]]},
        {"type": "Point", "coordinates": [47, 40]},
        {"type": "GeometryCollection", "geometries": [{"type": "LineString", "coordinates": [[0, 0], [1, 1]]}]}]})),
    "multipolygon_overlapping": collection(feature({"type": "MultiPolygon", "coordinates": [
        [UTM_SQUARE], [[[500075, 4400075], [500200, 4400075], [500200, 4400200], [500075, 4400200],
                        [500075, 4400075]]]]}, status="CHA", ordnance="mixed")),
    "single_feature": feature({"type": "Polygon", "coordinates": [LONLAT_SQUARE]}, id=7),
}

# Text that is not a serialisation of a Python object.
RAW_SEEDS = {
    "deep_nesting": '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": '
                    + "[" * 200 + "]" * 200 + '}, "geometry": {"type": "Polygon", "coordinates": '
                    + "[" * 60 + "]" * 60 + "}}]}",
    "truncated": '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Polygon", '
                 '"coordinates": [[[500000, 4400000], [500100',
    "esri_json": '{"geometryType": "esriGeometryPolygon", "spatialReference": {"wkid": 32638}, "fields": '
                 '[{"name": "status", "type": "esriFieldTypeString"}], "features": [{"attributes": {"status": "CHA"}, '
                 '"geometry": {"rings": [[[500000, 4400000], [500100, 4400000], [500100, 4400100], [500000, 4400000]]]}}]}',
    "topojson": '{"type": "Topology", "objects": {"h": {"type": "GeometryCollection", "geometries": [{"type": '
                '"Polygon", "arcs": [[0]]}]}}, "arcs": [[[500000, 4400000], [100, 0], [0, 100], [-100, -100]]]}',
}

WKT_SEEDS = {
    "wkb_polygon": "POLYGON ((500000 4400000,500100 4400000,500100 4400100,500000 4400100,500000 4400000))",
    "wkb_bowtie_zm": "POLYGON ZM ((500000 4400000 1 2,500100 4400100 1 2,500100 4400000 1 2,500000 4400100 1 2,"
                     "500000 4400000 1 2))",
    "wkb_curvepolygon": "CURVEPOLYGON (CIRCULARSTRING (500000 4400000,500050 4400050,500100 4400000,500050 4399950,"
                        "500000 4400000))",
    "wkb_multisurface": "MULTISURFACE (CURVEPOLYGON (COMPOUNDCURVE (CIRCULARSTRING (0 0,1 1,2 0),(2 0,0 0))),"
                        "((10 10,11 10,11 11,10 10)))",
    "wkb_tin": "TIN (((0 0 0,0 1 0,1 0 0,0 0 0)))",
    "wkb_polyhedral": "POLYHEDRALSURFACE Z (((0 0 0,0 1 0,1 1 0,0 0 0)),((0 0 0,1 0 0,1 0 1,0 0 0)))",
    "wkb_empty_multipolygon": "MULTIPOLYGON EMPTY",
    "wkb_point_empty": "POINT EMPTY",
    "wkb_linestring": "LINESTRING (500000 4400000,500500 4400500,500500 4400000)",
    "wkb_geometrycollection": "GEOMETRYCOLLECTION (POINT (47 40),POLYGON ((0 0,1 0,1 1,0 0)),"
                              "MULTILINESTRING ((0 0,1 1)))",
}


def wkb_point(x, y):
    return struct.pack("<BIdd", 1, 1, x, y)


def wkb_polygon(ring):
    return struct.pack("<BIII", 1, 3, 1, len(ring)) + b"".join(struct.pack("<dd", x, y) for x, y in ring)


BINARY_SEEDS = {
    # Values GeoJSON cannot carry.
    "wkb_point_nan": wkb_point(math.nan, 4400000),
    "wkb_point_inf": wkb_point(math.inf, -math.inf),
    "wkb_polygon_nan": wkb_polygon([(500000, 4400000), (math.nan, 4400000), (500100, 4400100), (500000, 4400000)]),
    "wkb_polygon_huge": wkb_polygon([(-1.7e308, -1.7e308), (1.7e308, -1.7e308), (1.7e308, 1.7e308),
                                     (-1.7e308, -1.7e308)]),
    "wkb_polygon_unclosed": wkb_polygon([(500000, 4400000), (500100, 4400000), (500100, 4400100)]),
    "wkb_polygon_big_endian": struct.pack(">BIII", 0, 3, 1, 4)
                              + b"".join(struct.pack(">dd", x, y) for x, y in
                                         [(0, 0), (1, 0), (1, 1), (0, 0)]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, obj in JSON_SEEDS.items():
        with open(os.path.join(OUT, "seed_" + name + ".json"), "w") as f:
            json.dump(obj, f, allow_nan=True)
    for name, text in RAW_SEEDS.items():
        with open(os.path.join(OUT, "seed_" + name + ".json"), "w") as f:
            f.write(text)
    for name, wkt in WKT_SEEDS.items():
        g = ogr.CreateGeometryFromWkt(wkt)
        assert g is not None, wkt
        with open(os.path.join(OUT, "seed_" + name + ".wkb"), "wb") as f:
            f.write(g.ExportToIsoWkb())
    for name, data in BINARY_SEEDS.items():
        with open(os.path.join(OUT, "seed_" + name + ".wkb"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
