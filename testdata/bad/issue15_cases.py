"""Cases of issue 15 ("Nothing lost, whatever happens"), written by make_corpus.py (and by its --added run).

Kept apart from make_corpus.py, which is near the 600-line limit; the helpers are make_corpus's own.
"""

import os


def write_issue15_cases(mc):
    """mc: the make_corpus module (its case(), raw_case(), data and writers)."""
    # ---- special files: refused from stat(), never opened ---------------------------------------------
    d = os.path.join(mc.HERE, "scenario_is_a_device")
    if os.path.lexists(d):
        mc.shutil.rmtree(d)
    os.makedirs(d)
    os.symlink("/dev/zero", os.path.join(d, "scenario.yaml"))
    mc.write(os.path.join(d, "README"), "bad input: scenario.yaml is a symbolic link to /dev/zero, a character "
             "device that never ends (a symbolic link has no first line to say so)\n")
    mc.case("input_is_a_device", "the hazards path is /dev/zero, a character device", hazards="/dev/zero")
    mc.case("input_is_a_folder", "the hazards path is a folder (../shared), not a file", hazards="../shared")

    # ---- numbers checked at the door: beyond any plausible count, treated as missing -----------------
    def huge_population(fid, props, lon, lat):
        if fid == 2:
            props = dict(props, population=1e308)
        return props, lon, lat
    mc.case("population_implausible", "settlement 2 has a population of 1e308 (it would overflow a whole number)",
            files={"settlements.geojson": mc.geojson(mc.settlement_features(huge_population))},
            settlements="settlements.geojson")
    rows = [r if r[0] != "INC-03" else r[:4] + ("1e308", r[5]) for r in mc.INCIDENTS]
    mc.case("casualties_implausible", "incident 3 has 1e308 killed (the density would be inf)",
            files={"incidents.csv": mc.incidents_csv(rows)}, incidents="incidents.csv")

    # ---- decimal commas: a semicolon-separated CSV from a spreadsheet in a comma locale ---------------
    rows = [(r[0], r[1].replace(".", ","), r[2].replace(".", ",")) + r[3:] for r in mc.INCIDENTS]
    text = ";".join(mc.INCIDENT_COLUMNS) + "\n" + "".join(";".join(r) + "\n" for r in rows)
    mc.case("decimal_commas", "the incidents' coordinates use decimal commas (46,7615) in a semicolon-separated CSV",
            files={"incidents.csv": text}, incidents="incidents.csv")


def write_string_cases(mc):
    """Issue 15, part 5 ("every string survives"): text that is not UTF-8, and what YAML lets through silently."""
    # ---- names in Latin-1 (a spreadsheet's CSV, a .dbf without .cpg), and a name a spreadsheet would run ----
    def names(fid, props, lon, lat):
        if fid == 1:
            props = dict(props, name="CAFE_E9 Demo")
        if fid == 2:
            props = dict(props, name='=HYPERLINK("http://example.invalid","x")')
        return props, lon, lat
    d = mc.case("latin1_names", "the scenario's name and settlement 1's name hold the Latin-1 byte 0xE9 alone; "
                "settlement 2 is named =HYPERLINK(...)",
                files={"settlements.geojson": mc.geojson(mc.settlement_features(names))},
                settlements="settlements.geojson")
    for fname, old, new in (("settlements.geojson", b"CAFE_E9", b"Caf\xe9"),
                            ("scenario.yaml", b'name: "bad input"', b'name: "Caf\xe9 bad input"')):
        path = os.path.join(d, fname)
        with open(path, "rb") as f:
            data = f.read()
        assert old in data, (fname, old)
        with open(path, "wb") as f:
            f.write(data.replace(old, new, 1))

    # ---- the scenario's text: what yaml-cpp would read without a word -------------------------------------
    good = mc.scenario("SCENARIO", extra_factor=mc.RASTER_FACTOR.format(path="../shared/landuse.tif"))
    head, body = good.split("\n", 1)
    def variant(name, what, old, new, raw=None):
        assert old in body, (name, old)
        text = head.replace("SCENARIO", what) + "\n" + body.replace(old, new, 1)
        d = mc.raw_case(name, "")
        with open(os.path.join(d, "scenario.yaml"), "wb") as f:
            f.write(raw(text) if raw else text.encode())
    variant("scenario_duplicate_class_key", "class 1 of the land-use factor is given again as 1.0 (line 34)",
            "classes: {1: 0.4, 2: 0.8,", "classes: {1: 0.4, 2: 0.8, 1.0: 0.9,")
    variant("scenario_duplicate_nested_key", "'status' mapped twice in the fields of hazards (line 10)",
            "    fields: {id: hazard_id, status: status,", "    fields: {id: hazard_id, status: status, status: ordnance,")
    variant("scenario_second_document", "a second YAML document after the scenario (line 40)",
            "  tile_size: 256\n", "  tile_size: 256\n---\nresolution: 10\n")
    variant("scenario_nul_byte", "a NUL byte in the value of 'margin' (line 5)", "margin: 500\n", "margin: 5\x0000\n")
    variant("scenario_cr_line_ends", "every line ends with a CR alone (old Mac line ends)", "margin: 500\n",
            "margin: 500\n", raw=lambda text: text.replace("\n", "\r").encode())
