"""Shared by the QGIS Processing tests (tests/qgis/CMakeLists.txt): a headless QgsApplication with Processing and
the minerisk provider, a small copy of the demo scenario, the demo layers as QgsVectorLayers, and comparisons.

Environment (set by CMake): MINERISK_EXECUTABLE (build/bin/minerisk), MINERISK_QGIS_PLUGIN_DIR (the folder holding
minerisk_processing), MINERISK_DEMO_DIR (testdata/demo), QT_QPA_PLATFORM=offscreen."""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

EXE = os.environ['MINERISK_EXECUTABLE']
PLUGIN_DIR = os.environ['MINERISK_QGIS_PLUGIN_DIR']
DEMO_DIR = os.environ['MINERISK_DEMO_DIR']
DEMO_DATA = os.path.join(DEMO_DIR, 'data')
sys.path.insert(0, PLUGIN_DIR)
sys.path.insert(0, '/usr/share/qgis/python/plugins')

from qgis.core import QgsApplication, QgsProject, QgsProcessingFeedback, QgsVectorLayer  # noqa: E402

_APP = None


def start_qgis():
    """QgsApplication (no GUI) + Processing + the minerisk provider, once per process."""
    global _APP
    if _APP is None:
        os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
        QgsApplication.setPrefixPath('/usr', True)
        # a profile of its own: tests running at once (ctest -j) share no QGIS settings or databases, and the
        # user's profile is never written
        profile = tempfile.mkdtemp(prefix='minerisk-qgis-profile-')
        atexit.register(shutil.rmtree, profile, True)
        _APP = QgsApplication([], False, profile)
        _APP.initQgis()
        from processing.core.Processing import Processing
        Processing.initialize()
        from minerisk_processing.plugin import MineriskPlugin
        plugin = MineriskPlugin(None)
        plugin.initProcessing()
        _APP._minerisk_plugin = plugin
    return _APP


def small_demo(folder, resolution=250, draws=0, keep_plans=True):
    """A copy of the demo scenario at a coarse grid (docs/scenario.md: `resolution`), its inputs read where
    the demo keeps them; rank stability off unless draws. Returns its path."""
    with open(os.path.join(DEMO_DIR, 'scenario.yaml'), encoding='utf-8') as f:
        text = f.read()
    text = text.replace('resolution: 20', 'resolution: %s' % resolution)
    text = text.replace('path: data/', 'path: %s/' % DEMO_DATA)
    text = text.replace('draws: 1000', 'draws: %d' % draws)
    if not keep_plans:
        text = text.replace('  signs: 40', '  signs: 0').replace('  facilitators: 3', '  facilitators: 0')
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, 'scenario.yaml')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


def cli(*args, check=True):
    """Runs the minerisk command line; returns the CompletedProcess."""
    proc = subprocess.run([EXE, '-q'] + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if check and proc.returncode != 0:
        raise AssertionError('minerisk %s failed (%d): %s' % (' '.join(map(str, args)), proc.returncode, proc.stderr))
    return proc


def demo_layers(folder, project=None):
    """The demo's five input layers as QGIS opens them (the incidents CSV through the delimited-text provider),
    added to project. Read from a copy in folder: QGIS opens a GeoPackage for update and rewrites its header, and
    the demo's files must stay as they are (InputsUntouched)."""
    d = os.path.join(folder, 'demo-data')
    shutil.copytree(DEMO_DATA, d)
    specs = {
        'hazards': ('%s/hazards.gpkg|layername=hazards' % d, 'ogr'),
        'incidents': ('file://%s/incidents.csv?type=csv&xField=lon&yField=lat&crs=EPSG:4326&detectTypes=yes' % d,
                      'delimitedtext'),
        'settlements': ('%s/settlements.geojson' % d, 'ogr'),
        'signs': ('%s/signs.fgb' % d, 'ogr'),
        'sessions': ('%s/sessions.shp' % d, 'ogr'),
    }
    layers = {}
    for role, (uri, provider) in specs.items():
        layer = QgsVectorLayer(uri, role, provider)
        assert layer.isValid(), 'the demo layer %s does not open: %s' % (role, uri)
        (project or QgsProject.instance()).addMapLayer(layer)
        layers[role] = layer
    return layers


def raster_array(path):
    from osgeo import gdal
    ds = gdal.Open(path)
    assert ds is not None, 'cannot open %s' % path
    band = ds.GetRasterBand(1)
    return (ds.RasterXSize, ds.RasterYSize, ds.GetGeoTransform()), band.ReadRaster()


def same_raster(a, b):
    """The same grid and the same pixels, byte for byte (NaN nodata included)."""
    ga, pa = raster_array(a)
    gb, pb = raster_array(b)
    return ga == gb and pa == pb


def feature_count(gpkg, layer):
    from osgeo import ogr
    ds = ogr.Open(gpkg)
    assert ds is not None, 'cannot open %s' % gpkg
    lyr = ds.GetLayerByName(layer)
    assert lyr is not None, '%s has no layer %s' % (gpkg, layer)
    return lyr.GetFeatureCount()


def listing(folder):
    """Every file and folder under folder, relative, with sizes and mtimes (to see that nothing changed)."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.stat(p)
            out[os.path.relpath(p, folder)] = (st.st_size, st.st_mtime_ns)
    return out


class CancelAfterFirstProgress(QgsProcessingFeedback):
    """A feedback whose isCanceled flips once minerisk has reported progress the first time."""

    def __init__(self):
        super().__init__()
        self.progress_seen = 0
        self.setProgressText = None
        self.progressChanged.connect(self._progress)

    def _progress(self, value):
        self.progress_seen += 1
        self.cancel()


class RecordingFeedback(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.infos, self.progress = [], []
        self.progressChanged.connect(self.progress.append)

    def pushInfo(self, info):  # noqa: N802
        self.infos.append(info)
        super().pushInfo(info)


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix='minerisk-qgis-test-')
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def main(tests):
    """Runs the test named on the command line (one ctest test per function)."""
    name = sys.argv[1]
    start_qgis()
    tests[name]()
    print('PASSED', name)
