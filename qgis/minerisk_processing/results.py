"""Loads a run's outputs into a project as one layer-tree group named after the scenario, in the order of
docs/outputs-qgis.md (what is drawn on top first). The GeoPackage layers take their default style from the
GeoPackage's layer_styles table and risk.tif its style from risk.qml beside it, both as QGIS opens them.

Called from the algorithms' postProcessAlgorithm (the main thread), with the context's project: it needs no iface,
so it works in qgis_process too."""
import json
import os

from osgeo import ogr
from qgis.core import QgsRasterLayer, QgsVectorLayer

# (GeoPackage layer, name in QGIS), top to bottom, as minerisk.qgs has them (docs/outputs-qgis.md)
LAYER_ORDER = [
    ('zones', 'Outreach zones (by rank)'),
    ('survey_referrals', 'Survey referrals outside zones'),
    ('sign_plan', 'Proposed warning signs (in order)'),
    ('outreach_plan', 'Outreach plan: sessions by week'),
    ('settlements_ranked', 'Settlements ranked for sessions'),
    ('signs', 'Signs'),
    ('incidents', 'Incidents'),
    ('sessions', 'Risk-education sessions'),
    ('hazards', 'Hazards (CHA / SHA)'),
    ('settlements', 'Settlements'),
]
RISK_NAME = 'Combined risk (0-1)'


def scenario_name(outdir):
    """The scenario's name from run.json, else the output folder's name."""
    try:
        with open(os.path.join(outdir, 'run.json'), encoding='utf-8') as f:
            name = json.load(f).get('scenario', {})
        name = name.get('name') if isinstance(name, dict) else None
    except (OSError, ValueError, AttributeError):
        name = None
    return name or os.path.basename(os.path.normpath(outdir))


def gpkg_layers(path):
    ds = ogr.Open(path)
    if ds is None:
        return []
    names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    # the tables QGIS does not show as layers
    return [n for n in names if n not in ('layer_styles',)]


def result_layers(outdir):
    """The layers of one run, in drawing order (top first): [QgsMapLayer]. Only those present."""
    layers = []
    gpkg = os.path.join(outdir, 'minerisk.gpkg')
    if not os.path.exists(gpkg):
        gpkg = os.path.join(outdir, 'zones.gpkg')  # outputs.qgis: false
    present = gpkg_layers(gpkg) if os.path.exists(gpkg) else []
    known = [name for name, _ in LAYER_ORDER]
    ordered = [(n, t) for n, t in LAYER_ORDER if n in present]
    ordered += [(n, n) for n in present if n not in known]
    for name, title in ordered:
        layer = QgsVectorLayer('%s|layername=%s' % (gpkg, name), title, 'ogr')
        if layer.isValid():
            layers.append(layer)
    risk = os.path.join(outdir, 'risk.tif')
    if os.path.exists(risk):
        layer = QgsRasterLayer(risk, RISK_NAME, 'gdal')
        if layer.isValid():
            layers.append(layer)
    return layers


def load_group(project, outdir, name=None):
    """Adds the run's layers to project under a new top-level group; returns the group (None without layers)."""
    layers = result_layers(outdir)
    if project is None or not layers:
        return None
    root = project.layerTreeRoot()
    group = root.insertGroup(0, name or scenario_name(outdir))
    for layer in layers:
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    return group
