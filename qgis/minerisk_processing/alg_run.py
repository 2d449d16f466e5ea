"""minerisk:run: `minerisk run SCENARIO -o FOLDER`, the results loaded into the project as one styled group."""
import os

from qgis.core import QgsProcessingOutputFile, QgsProcessingOutputRasterLayer, QgsProcessingParameterFile

from . import runner
from .alg_common import MineriskAlgorithm


class RunScenarioAlgorithm(MineriskAlgorithm):
    NAME = 'run'
    TITLE = 'Run a scenario'
    HELP = ('Runs a minerisk scenario file as <code>minerisk run SCENARIO -o FOLDER</code> does and opens the results '
            '(zones, survey referrals, plans, ranked settlements, the inputs as used and the combined risk) in the '
            'project as one group named after the scenario, styled as minerisk.qgs styles them. minerisk refuses a '
            'non-empty output folder unless Overwrite is ticked. Cancel stops minerisk: nothing is written and an '
            'earlier output folder stays as it was.')

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile('SCENARIO', 'Scenario file (YAML)', extension='yaml'))
        self.add_output_params('Output folder')
        self.add_load_param()
        self.addOutput(QgsProcessingOutputRasterLayer('RISK', 'Combined risk (0-1)'))
        self.addOutput(QgsProcessingOutputFile('GPKG', 'minerisk.gpkg'))
        self.addOutput(QgsProcessingOutputFile('PROJECT', 'minerisk.qgs'))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        scenario = self.parameterAsFile(parameters, 'SCENARIO', context)
        outdir = self.parameterAsString(parameters, 'OUTPUT', context)
        self.load_results = self.parameterAsBoolean(parameters, 'LOAD_RESULTS', context)
        summary = runner.run(['run', scenario] + self.output_args(parameters, context, outdir), feedback,
                             stages=runner.STAGES_RUN)
        for line in summary.splitlines():
            feedback.pushInfo(line)
        self.result_dir = outdir
        return run_outputs(outdir)


def run_outputs(outdir):
    return {'OUTPUT': outdir, 'RISK': os.path.join(outdir, 'risk.tif'),
            'GPKG': os.path.join(outdir, 'minerisk.gpkg'), 'PROJECT': os.path.join(outdir, 'minerisk.qgs')}
