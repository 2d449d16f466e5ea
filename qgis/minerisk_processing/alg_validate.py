"""minerisk:validate: `minerisk validate SCENARIO`: the scenario, its plugins and inputs checked, nothing computed."""
from qgis.core import (QgsProcessingException, QgsProcessingOutputBoolean, QgsProcessingOutputString,
                       QgsProcessingParameterFile)

from . import runner
from .alg_common import MineriskAlgorithm


class ValidateScenarioAlgorithm(MineriskAlgorithm):
    NAME = 'validate'
    TITLE = 'Validate a scenario'
    HELP = ('Checks a minerisk scenario file as <code>minerisk validate</code> does: every key, the plugins and their '
            'parameters, the input layers and their fields; prints the grid, the memory and disk the run would need. '
            'Computes nothing. A mistake fails the algorithm with minerisk\'s one-line error (file, line, column, '
            'what to do).')

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile('SCENARIO', 'Scenario file (YAML)', extension='yaml'))
        self.addOutput(QgsProcessingOutputBoolean('VALID', 'The scenario is valid'))
        self.addOutput(QgsProcessingOutputString('SUMMARY', 'What minerisk validate printed'))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        scenario = self.parameterAsFile(parameters, 'SCENARIO', context)
        if not scenario:
            raise QgsProcessingException('minerisk: error: no scenario file given')
        summary = runner.run(['validate', scenario], feedback, stages=2)
        for line in summary.splitlines():
            feedback.pushInfo(line)
        return {'VALID': True, 'SUMMARY': summary}
