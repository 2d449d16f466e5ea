"""Cases of issue 15 about geometry and geography at the door (15.4 inputs never written, 15.6 the repair
budget, 15.7 geography), written by make_corpus.py (and by its --added run). The helpers are make_corpus's own.
"""

import os
import sqlite3
import tempfile


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


def write_issue15_geo_cases(mc):
    """mc: the make_corpus module (its case(), raw_case(), data and writers)."""
    d = mc.case("gpkg_pending_wal", "the hazards GeoPackage has a saved edit still in its write-ahead log "
                "(hazards.gpkg-wal): read, and the input files left byte for byte as they were",
                hazards="hazards.gpkg", hazards_extra="    layer: hazards\n")
    gpkg_with_pending_wal(mc, d)
