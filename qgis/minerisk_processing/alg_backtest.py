"""minerisk:backtest: `minerisk backtest SCENARIO -o FOLDER --split DATES | --blocks K` (docs/backtest.md)."""
import os

from qgis.core import (QgsProcessingException, QgsProcessingOutputFile, QgsProcessingParameterFile,
                       QgsProcessingParameterNumber, QgsProcessingParameterString)

from . import runner
from .alg_common import MineriskAlgorithm


class BacktestAlgorithm(MineriskAlgorithm):
    NAME = 'backtest'
    TITLE = 'Backtest a scenario'
    HELP = ('Scores the scenario\'s risk map on incidents it did not see, as <code>minerisk backtest</code> does: '
            'split by date (Split dates, e.g. 2024-01-01, or 2006,2008,2010 for a rolling origin) or by place '
            '(Spatial blocks K: K x K blocks dealt into folds). Give one of the two. Writes backtest.csv, '
            'capture.png and backtest.html into the output folder (docs/backtest.md).')

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile('SCENARIO', 'Scenario file (YAML)', extension='yaml'))
        self.addParameter(QgsProcessingParameterString('SPLIT', 'Split date(s), comma-separated (or leave empty '
                                                       'and give spatial blocks)', optional=True))
        self.addParameter(QgsProcessingParameterNumber('BLOCKS', 'Spatial blocks K (K x K; 0 = split by date)',
                                                       QgsProcessingParameterNumber.Integer, defaultValue=0,
                                                       minValue=0, maxValue=1000))
        self.addParameter(QgsProcessingParameterNumber('FOLDS', 'Folds (with spatial blocks)',
                                                       QgsProcessingParameterNumber.Integer, defaultValue=5,
                                                       minValue=2, maxValue=100))
        self.addParameter(QgsProcessingParameterNumber('BOOTSTRAP', 'Bootstrap resamples for the 95 % intervals',
                                                       QgsProcessingParameterNumber.Integer, defaultValue=1000,
                                                       minValue=0, maxValue=1000000))
        self.add_output_params('Output folder')
        self.addOutput(QgsProcessingOutputFile('CSV', 'backtest.csv'))
        self.addOutput(QgsProcessingOutputFile('HTML', 'backtest.html'))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        scenario = self.parameterAsFile(parameters, 'SCENARIO', context)
        outdir = self.parameterAsString(parameters, 'OUTPUT', context)
        split = (self.parameterAsString(parameters, 'SPLIT', context) or '').strip()
        blocks = self.parameterAsInt(parameters, 'BLOCKS', context)
        if bool(split) == bool(blocks):
            raise QgsProcessingException('minerisk: error: give either split dates or a number of spatial blocks')
        args = ['backtest', scenario]
        args += ['--split', split] if split else ['--blocks', blocks, '--folds',
                                                   self.parameterAsInt(parameters, 'FOLDS', context)]
        args += ['--bootstrap', self.parameterAsInt(parameters, 'BOOTSTRAP', context)]
        summary = runner.run(args + self.output_args(parameters, context, outdir), feedback)
        for line in summary.splitlines():
            feedback.pushInfo(line)
        return {'OUTPUT': outdir, 'CSV': os.path.join(outdir, 'backtest.csv'),
                'HTML': os.path.join(outdir, 'backtest.html')}
