"""minerisk Processing: a QGIS plugin whose only job is to register the minerisk Processing provider."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import MineriskPlugin
    return MineriskPlugin(iface)
