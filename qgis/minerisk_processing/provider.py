"""The minerisk Processing provider: four algorithms and one setting, the path of the minerisk executable."""
import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from . import runner
from .alg_backtest import BacktestAlgorithm
from .alg_build import BuildAndRunAlgorithm
from .alg_run import RunScenarioAlgorithm
from .alg_validate import ValidateScenarioAlgorithm


class MineriskProvider(QgsProcessingProvider):
    def load(self):
        runner.add_setting(self)
        self.refreshAlgorithms()
        return True

    def unload(self):
        runner.remove_setting()

    def loadAlgorithms(self):  # noqa: N802
        for alg in (ValidateScenarioAlgorithm(), RunScenarioAlgorithm(), BacktestAlgorithm(),
                    BuildAndRunAlgorithm()):
            self.addAlgorithm(alg)

    def id(self):
        return 'minerisk'

    def name(self):
        return 'minerisk'

    def longName(self):  # noqa: N802
        return 'minerisk: weapon-contamination risk maps'

    def icon(self):
        path = os.path.join(os.path.dirname(__file__), 'icon.svg')
        return QIcon(path) if os.path.exists(path) else QgsProcessingProvider.icon(self)
