"""The plugin object QGIS creates: it registers the provider in initProcessing (which qgis_process calls too,
headless, without initGui) and removes it on unload."""
from qgis.core import QgsApplication

from .provider import MineriskProvider


class MineriskPlugin:
    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802
        if self.provider is None:
            self.provider = MineriskProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
