"""Headless PyQGIS helpers for the tests of minerisk.qgs: open the project, render a map to PNG with its labels."""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, "/usr/share/qgis/python")

from qgis.core import (QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings, QgsProject,  # noqa: E402
                       QgsRectangle)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

_app = None


def start():
    global _app
    if _app is None:
        QgsApplication.setPrefixPath("/usr", True)
        _app = QgsApplication([], False)
        _app.initQgis()
    return _app


def open_project(path):
    start()
    project = QgsProject.instance()
    project.clear()
    if not project.read(path):
        raise RuntimeError("QGIS cannot read " + path)
    return project


def visible_layers(project):
    root = project.layerTreeRoot()
    return [n.layer() for n in root.findLayers() if n.isVisible() and n.layer() is not None]


def render(project, extent, png=None, size=(1200, 900), layers=None):
    """Renders the project's visible layers over `extent`; returns (image, labeling results, map settings)."""
    settings = QgsMapSettings()
    settings.setLayers(layers if layers is not None else visible_layers(project))
    settings.setDestinationCrs(project.crs())
    settings.setOutputSize(QSize(*size))
    settings.setOutputDpi(96)
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setExtent(extent)
    settings.setTransformContext(project.transformContext())
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    if png:
        image.save(png)
    return image, job.takeLabelingResults(), settings


def drawn_labels(results, layer_id=None):
    """The texts of the labels drawn (not the unplaced ones), optionally only those of one layer."""
    out = []
    # allLabels() also lists the labels QGIS could not place (isUnplaced): those are not drawn.
    for label in results.allLabels():
        if label.isUnplaced:
            continue
        if layer_id is None or label.layerID == layer_id:
            out.append(label.labelText)
    return out


def zone_extent(layer, rank, margin=1.0):
    for f in layer.getFeatures():
        if f["rank"] == rank:
            r = f.geometry().boundingBox()
            r.grow(max(r.width(), r.height()) * margin)
            return r
    raise KeyError(rank)


def full_extent(project):
    return project.viewSettings().defaultViewExtent()


def layer_named(project, name):
    found = project.mapLayersByName(name)
    return found[0] if found else None


if __name__ == "__main__":
    qgs, out = sys.argv[1], sys.argv[2]
    p = open_project(qgs)
    for l in p.mapLayers().values():
        print(l.name(), "valid" if l.isValid() else "INVALID", "|", l.abstract()[:80])
    zones = layer_named(p, "Zones")
    img, res, s = render(p, full_extent(p), out + "-full.png")
    print("full scale", round(s.scale()), "zone labels", sorted(drawn_labels(res, zones.id()), key=lambda t: int(t) if t.isdigit() else 0))
    for rank in (1, 20):
        img, res, s = render(p, zone_extent(zones, rank, 2.0), out + "-zone%d.png" % rank)
        print("zone", rank, "scale", round(s.scale()), "zone labels", drawn_labels(res, zones.id()))
