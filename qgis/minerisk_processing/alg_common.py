"""What the minerisk algorithms share: their group, the output folder parameters, and loading the results as one
group in postProcessAlgorithm (the main thread, after the run)."""
import os

from qgis.core import (QgsProcessingAlgorithm, QgsProcessingParameterBoolean, QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterNumber)

from . import results


class MineriskAlgorithm(QgsProcessingAlgorithm):
    """Base of the algorithms. Subclasses set NAME, TITLE, HELP and define initAlgorithm/processAlgorithm; those
    that write a run set self.result_dir and declare LOAD_RESULTS."""
    NAME = ''
    TITLE = ''
    HELP = ''

    def __init__(self):
        super().__init__()
        self.result_dir = None
        self.load_results = False

    def createInstance(self):  # noqa: N802
        return type(self)()

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802
        return self.TITLE

    def group(self):
        return 'minerisk'

    def groupId(self):  # noqa: N802
        return 'minerisk'

    def shortHelpString(self):  # noqa: N802
        return self.HELP

    def add_output_params(self, folder_help):
        self.addParameter(QgsProcessingParameterFolderDestination('OUTPUT', folder_help))
        self.addParameter(QgsProcessingParameterBoolean(
            'OVERWRITE', 'Overwrite an existing, non-empty output folder', defaultValue=False))
        threads = QgsProcessingParameterNumber('THREADS', 'Threads (0 = the scenario\'s run.threads, else all cores)',
                                               QgsProcessingParameterNumber.Integer, defaultValue=0, minValue=0,
                                               maxValue=1024)
        self.addParameter(threads)

    def add_load_param(self):
        self.addParameter(QgsProcessingParameterBoolean(
            'LOAD_RESULTS', 'Open the results in the project (one styled group)', defaultValue=True))

    def output_args(self, parameters, context, outdir):
        args = ['-o', outdir]
        if self.parameterAsBoolean(parameters, 'OVERWRITE', context):
            args.append('--overwrite')
        threads = self.parameterAsInt(parameters, 'THREADS', context)
        if threads > 0:
            args += ['-j', threads]
        return args

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        if self.load_results and self.result_dir and os.path.isdir(self.result_dir):
            group = results.load_group(context.project(), self.result_dir)
            if group is not None and feedback:
                feedback.pushInfo('loaded %d layer(s) into the group "%s"' % (len(group.findLayers()), group.name()))
        return {}
