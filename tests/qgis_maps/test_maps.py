"""Issue 14 with QGIS itself (headless): minerisk.qgs loads with every layer valid and its two layouts; at full
extent only the top zone ranks are labelled and the signs are not drawn, zoomed in every rank is; the priority map
and an atlas page rendered to PNG carry the top zones' labels; the atlas exports one PDF page per zone.

usage: test_maps.py <check> <output folder of a run> <scratch folder>
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qgis_render as qr  # noqa: E402

from qgis.core import (QgsExpressionContext, QgsExpressionContextUtils, QgsLayerTreeModel,  # noqa: E402
                       QgsLayoutExporter, QgsRenderContext, QgsVectorLayer)

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def zone_count(run):
    layer = QgsVectorLayer(os.path.join(run, "minerisk.gpkg") + "|layername=zones", "z", "ogr")
    return layer.featureCount()


def project_loads(run, scratch):
    p = qr.open_project(os.path.join(run, "minerisk.qgs"))
    layers = list(p.mapLayers().values())
    check(len(layers) > 10, "the project has its layers (%d)" % len(layers))
    for layer in layers:
        check(layer.isValid(), "layer '%s' is valid" % layer.name())
        check(len(layer.name()) <= 40 and layer.abstract().startswith("minerisk: "),
              "layer '%s' has a short name and an abstract" % layer.name())
    names = sorted(l.name() for l in p.layoutManager().layouts())
    check(names == ["Priority map", "Zone atlas"], "the layouts are there: %s" % names)
    atlas = p.layoutManager().layoutByName("Zone atlas").atlas()
    check(atlas.enabled() and atlas.coverageLayer() is not None and atlas.coverageLayer().name() == "Zones",
          "the atlas covers the zones")
    atlas.updateFeatures()
    check(atlas.count() == zone_count(run), "one atlas page per zone (%d, %d zones)" % (atlas.count(), zone_count(run)))


def ranks_of(texts):
    return sorted(int(t) for t in texts if t.isdigit())


def scales(run, scratch):
    p = qr.open_project(os.path.join(run, "minerisk.qgs"))
    zones, signs = qr.layer_named(p, "Zones"), qr.layer_named(p, "Signs")
    _, results, settings = qr.render(p, qr.full_extent(p), os.path.join(scratch, "full.png"))
    drawn = ranks_of(qr.drawn_labels(results, zones.id()))
    print("full extent 1:%d, zone labels drawn: %s" % (settings.scale(), drawn))
    check(all(r in drawn for r in (1, 2, 3)), "ranks 1, 2, 3 labelled at full extent")
    check(drawn and max(drawn) <= 10, "no rank beyond 10 labelled at full extent")
    # The legend filtered by what the map draws keeps both classes of incidents (an "every other value" class was
    # dropped by QGIS's legend filter though its incidents were drawn).
    model = QgsLayerTreeModel(p.layerTreeRoot())
    model.setLegendFilterByMap(settings)
    incidents = qr.layer_named(p, "Incidents")
    classes = [n.data(0) for n in model.layerLegendNodes(p.layerTreeRoot().findLayer(incidents.id()))]
    print("incidents in the filtered legend: %s" % classes)
    check(any(c.startswith("far") for c in classes) and any(c.startswith("near") for c in classes),
          "the filtered legend lists incidents far from and near a hazard")
    # The signs alone at full extent draw nothing; zoomed in on a zone they draw.
    image, _, _ = qr.render(p, qr.full_extent(p), None, (300, 225), [signs])
    check(blank(image), "no sign drawn at full extent")
    rank = min(20, zone_count(run))
    extent = qr.zone_extent(zones, rank, 1.5)
    _, results, settings = qr.render(p, extent, os.path.join(scratch, "zone%d.png" % rank))
    drawn = ranks_of(qr.drawn_labels(results, zones.id()))
    print("zone %d at 1:%d, zone labels drawn: %s" % (rank, settings.scale(), drawn))
    check(rank in drawn, "rank %d labelled when zoomed in on it" % rank)
    image, _, _ = qr.render(p, extent, None, layers=[signs])  # the same size, so the same scale
    check(not blank(image), "signs drawn when zoomed in on zone %d" % rank)


def blank(image):
    white = image.pixel(0, 0)
    return all(image.pixel(x, y) == white for x in range(0, image.width(), 3) for y in range(0, image.height(), 3))


def signs_drawn(signs, scale, atlas):
    """Signs the layer's renderer draws at this scale, on a page of the atlas (or on a map outside one)."""
    ctx = QgsRenderContext()
    ctx.setRendererScale(scale)
    ec = QgsExpressionContext()
    if atlas is not None:
        ec.appendScope(QgsExpressionContextUtils.atlasScope(atlas))
    ctx.setExpressionContext(ec)
    renderer = signs.renderer().clone()
    renderer.startRender(ctx, signs.fields())
    n = 0
    for f in signs.getFeatures():
        ec.setFeature(f)
        n += 1 if renderer.willRenderFeature(f, ctx) else 0
    renderer.stopRender(ctx)
    return n


def layouts(run, scratch):
    p = qr.open_project(os.path.join(run, "minerisk.qgs"))
    zones = qr.layer_named(p, "Zones")
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = 100
    layout = p.layoutManager().layoutByName("Priority map")
    exporter = QgsLayoutExporter(layout)
    png = os.path.join(scratch, "priority-map.png")
    check(exporter.exportToImage(png, settings) == QgsLayoutExporter.Success, "the priority map exports to PNG")
    texts = [t for r in exporter.labelingResults().values() for t in qr.drawn_labels(r, zones.id())]
    print("priority map, zone labels drawn: %s" % ranks_of(texts))
    check(all(r in ranks_of(texts) for r in (1, 2, 3)), "the priority map labels ranks 1, 2, 3")
    check(max(ranks_of(texts) or [99]) <= 10, "the priority map labels no rank beyond 10")
    atlas_layout = p.layoutManager().layoutByName("Zone atlas")
    atlas = atlas_layout.atlas()
    atlas.beginRender()
    check(atlas.seekTo(0), "the atlas opens its first page")
    exporter = QgsLayoutExporter(atlas_layout)
    png = os.path.join(scratch, "atlas-page-1.png")
    check(exporter.exportToImage(png, settings) == QgsLayoutExporter.Success, "atlas page 1 exports to PNG")
    texts = [t for r in exporter.labelingResults().values() for t in qr.drawn_labels(r, zones.id())]
    print("atlas page 1, zone labels drawn: %s" % texts)
    check("1" in texts, "atlas page 1 labels zone 1")
    page_texts = [i.currentText() for i in atlas_layout.items() if hasattr(i, "currentText")]
    check(any(t.startswith("Zone 1 of %d" % zone_count(run)) for t in page_texts), "atlas page 1 is titled zone 1")
    check(any(t.startswith("Action: ") and len(t) > len("Action: ") for t in page_texts), "atlas page 1 says the action")
    factor = [t.split("main factor: ")[1].split("\n")[0] for t in page_texts if "main factor: " in t]
    print("atlas page 1, main factor: %s" % factor)
    check(factor and factor[0] and "_" not in factor[0], "atlas page 1 names its main factor in words, not a plugin id")
    # The page of the largest zone beyond the top 10: zoomed out past the detail scale, it still labels its zone.
    big = max((f for f in zones.getFeatures() if f["rank"] > 10), key=lambda f: f["area_ha"], default=None)
    if big is not None:
        check(atlas.seekTo(big["rank"] - 1), "the atlas opens the page of rank %d" % big["rank"])
        exporter = QgsLayoutExporter(atlas_layout)
        check(exporter.exportToImage(os.path.join(scratch, "atlas-page-big.png"), settings) == QgsLayoutExporter.Success,
              "the page of rank %d exports to PNG" % big["rank"])
        texts = [t for r in exporter.labelingResults().values() for t in qr.drawn_labels(r, zones.id())]
        print("atlas page of rank %d (%.0f ha), zone labels drawn: %s" % (big["rank"], big["area_ha"], texts))
        check(str(big["rank"]) in texts, "the page of rank %d labels its own zone" % big["rank"])
        # Its signs are drawn on the page though the page is zoomed out past the detail scale.
        scale = atlas_layout.referenceMap().scale()
        signs = qr.layer_named(p, "Signs")
        on_page, off_page = signs_drawn(signs, scale, atlas), signs_drawn(signs, scale, None)
        print("page of rank %d at 1:%d: %d signs drawn on the atlas page, %d on a map at that scale" %
              (big["rank"], scale, on_page, off_page))
        check(on_page > 0, "the page of rank %d draws signs" % big["rank"])
        check(off_page == 0 or scale <= 25000, "a map at that scale outside the atlas draws none")
    atlas.endRender()


def atlas_pdf(run, scratch):
    # The Debian wrapper /usr/bin/qgis_process passes --noversioncheck, which qgis_process 3.22 refuses: call
    # the program itself when it is there.
    program = "/usr/bin/qgis_process.bin" if os.path.exists("/usr/bin/qgis_process.bin") else shutil.which("qgis_process")
    pdf = os.path.join(scratch, "atlas.pdf")
    if os.path.exists(pdf):
        os.remove(pdf)
    run_ = subprocess.run([program, "run", "native:atlaslayouttopdf", "--PROJECT_PATH=" + os.path.join(run, "minerisk.qgs"),
                           "--LAYOUT=Zone atlas", "--OUTPUT=" + pdf], capture_output=True, text=True)
    done = run_.returncode == 0 and os.path.exists(pdf)
    check(done, "qgis_process exports the atlas to PDF" + ("" if done else ": " + run_.stdout[-400:] + run_.stderr[-400:]))
    if os.path.exists(pdf):
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        pages = [int(l.split()[-1]) for l in info.splitlines() if l.startswith("Pages:")]
        qr.start()
        check(pages == [zone_count(run)], "the PDF has one page per zone (%s pages, %d zones)" % (pages, zone_count(run)))


if __name__ == "__main__":
    what, run, scratch = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(scratch, exist_ok=True)
    {"project": project_loads, "scales": scales, "layouts": layouts, "atlas-pdf": atlas_pdf}[what](run, scratch)
    print("%d failure(s)" % len(failures))
    sys.exit(1 if failures else 0)
