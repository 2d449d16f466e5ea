"""minerisk:buildandrun: a scenario built from layers of the project, written as FOLDER/scenario.yaml (with
FOLDER/inputs.gpkg for the layers that are not plain files) and run into FOLDER/outputs, so that
`minerisk run FOLDER/scenario.yaml -o FOLDER/outputs --overwrite` repeats it on the command line."""
import os

from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingOutputFile, QgsProcessingOutputRasterLayer,
                       QgsProcessingParameterBoolean, QgsProcessingParameterCrs, QgsProcessingParameterDefinition,
                       QgsProcessingParameterField, QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterNumber, QgsProcessingParameterString, QgsProcessingParameterVectorLayer)

from . import runner, scenario_writer
from .alg_common import MineriskAlgorithm
from .alg_run import run_outputs

LAYER_PARAMS = [  # (role, parameter, label, geometry types)
    ('hazards', 'HAZARDS', 'Hazards (SHA/CHA polygons, or points)', [QgsProcessing.TypeVectorAnyGeometry]),
    ('incidents', 'INCIDENTS', 'Incidents (points)', [QgsProcessing.TypeVectorAnyGeometry]),
    ('settlements', 'SETTLEMENTS', 'Settlements (points or polygons)', [QgsProcessing.TypeVectorAnyGeometry]),
    ('signs', 'SIGNS', 'Warning signs (points)', [QgsProcessing.TypeVectorAnyGeometry]),
    ('sessions', 'SESSIONS', 'Risk-education sessions (points)', [QgsProcessing.TypeVectorAnyGeometry]),
]
# (plugin, weight parameter, label, default weight, layers it needs)
FACTORS = [
    ('hazard_proximity', 'W_HAZARD_PROXIMITY', 'Weight: hazard proximity', 0.4, ['hazards']),
    ('incident_density', 'W_INCIDENT_DENSITY', 'Weight: incident density', 0.3, ['incidents']),
    ('marking_gap', 'W_MARKING_GAP', 'Weight: marking gap (hazards without signs)', 0.1, ['hazards', 'signs']),
    ('population_exposure', 'W_POPULATION_EXPOSURE', 'Weight: population exposure', 0.1, ['settlements']),
    ('outreach_gap', 'W_OUTREACH_GAP', 'Weight: outreach gap (settlements without sessions)', 0.1,
     ['settlements', 'sessions']),
]


def field_param(role, layer_param, field_role):
    return 'FIELD_%s_%s' % (role.upper(), field_role.upper())


class BuildAndRunAlgorithm(MineriskAlgorithm):
    NAME = 'buildandrun'
    TITLE = 'Build and run a scenario from project layers'
    HELP = ('Builds a minerisk scenario from layers of the project: the hazards (required), incidents, settlements, '
            'signs and sessions, each field role mapped onto a column of its layer; the grid; the weights of the '
            'five bundled factors (a factor whose layers are not given, or with weight 0, is left out); the zones; '
            'and the optional plans. Writes FOLDER/scenario.yaml (and FOLDER/inputs.gpkg for layers that are not '
            'plain files: CSV, memory or database layers), runs it into FOLDER/outputs and opens the results as one '
            'styled group. <code>minerisk run FOLDER/scenario.yaml -o FOLDER/outputs --overwrite</code> repeats the '
            'run on the command line.')

    def initAlgorithm(self, config=None):  # noqa: N802
        for role, param, label, types in LAYER_PARAMS:
            self.addParameter(QgsProcessingParameterVectorLayer(param, label, types, optional=(role != 'hazards')))
            for field_role in scenario_writer.FIELD_ROLES[role]:
                self.addParameter(QgsProcessingParameterField(
                    field_param(role, param, field_role), '%s: field for %s' % (role.capitalize(), field_role),
                    parentLayerParameterName=param, optional=True))
        self._add_grid_params()
        for plugin, param, label, weight, _ in FACTORS:
            self.addParameter(QgsProcessingParameterNumber(param, label, QgsProcessingParameterNumber.Double,
                                                           defaultValue=weight, minValue=0))
        self._add_plan_params()
        self.addParameter(QgsProcessingParameterFolderDestination(
            'FOLDER', 'Scenario folder (scenario.yaml, inputs.gpkg, outputs/)'))
        self.addParameter(QgsProcessingParameterBoolean(
            'OVERWRITE', 'Overwrite FOLDER/outputs when it holds an earlier run', defaultValue=False))
        self.addParameter(QgsProcessingParameterNumber(
            'THREADS', 'Threads (0 = all cores)', QgsProcessingParameterNumber.Integer, defaultValue=0, minValue=0,
            maxValue=1024))
        self.add_load_param()
        self.addOutput(QgsProcessingOutputFile('SCENARIO', 'scenario.yaml'))
        self.addOutput(QgsProcessingOutputRasterLayer('RISK', 'Combined risk (0-1)'))
        self.addOutput(QgsProcessingOutputFile('GPKG', 'minerisk.gpkg'))
        self.addOutput(QgsProcessingOutputFile('PROJECT', 'minerisk.qgs'))

    def _add_grid_params(self):
        self.addParameter(QgsProcessingParameterString('NAME', 'Scenario name', defaultValue='Scenario from QGIS'))
        self.addParameter(QgsProcessingParameterNumber('RESOLUTION', 'Cell size (metres)',
                                                       QgsProcessingParameterNumber.Double, defaultValue=100,
                                                       minValue=0.01, maxValue=100000))
        self.addParameter(QgsProcessingParameterNumber('MARGIN', 'Margin around the inputs (metres)',
                                                       QgsProcessingParameterNumber.Double, defaultValue=2000,
                                                       minValue=0, maxValue=1000000))
        self.addParameter(QgsProcessingParameterCrs('CRS', 'Working CRS, projected in metres (empty: the UTM zone '
                                                    'of the data)', optional=True))
        self.addParameter(QgsProcessingParameterString('AS_OF', 'Reference date YYYY-MM-DD (empty: the latest date '
                                                       'in the inputs)', optional=True))
        self.addParameter(QgsProcessingParameterNumber('TOP_PERCENT', 'Zones: the riskiest share of the area (%)',
                                                       QgsProcessingParameterNumber.Double, defaultValue=5,
                                                       minValue=0.001, maxValue=100))

    def _add_plan_params(self):
        specs = [('UNCERTAINTY', 'Rank stability: weight redraws (0 = off)', 0),
                 ('SIGN_STOCK', 'Sign plan: signs to place (0 = off)', 0),
                 ('FACILITATORS', 'Outreach plan: facilitators (0 = off)', 0)]
        for name, label, default in specs:
            p = QgsProcessingParameterNumber(name, label, QgsProcessingParameterNumber.Integer, defaultValue=default,
                                             minValue=0, maxValue=1000000)
            p.setFlags(p.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
            self.addParameter(p)
        bases = QgsProcessingParameterString('BASES', 'Outreach plan: bases, separated by ";" (a settlement\'s '
                                             'id or name, or "lon,lat")', optional=True)
        bases.setFlags(bases.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(bases)

    def _layers_and_fields(self, parameters, context):
        layers, fields = {}, {}
        for role, param, _, _ in LAYER_PARAMS:
            layer = self.parameterAsVectorLayer(parameters, param, context)
            if layer is None:
                if role == 'hazards':
                    raise QgsProcessingException('minerisk: error: the hazards layer is required')
                continue
            layers[role] = layer
            fields[role] = {}
            for field_role in scenario_writer.FIELD_ROLES[role]:
                chosen = self.parameterAsFields(parameters, field_param(role, param, field_role), context)
                if chosen:
                    fields[role][field_role] = chosen[0]
        return layers, fields

    def _spec(self, parameters, context, layers, fields):
        factors = []
        for plugin, param, _, _, needs in FACTORS:
            weight = self.parameterAsDouble(parameters, param, context)
            if weight > 0 and all(n in layers for n in needs):
                factors.append((plugin, weight, {}))
        if not factors:
            raise QgsProcessingException('minerisk: error: no factor has a positive weight and its layers given')
        crs = self.parameterAsCrs(parameters, 'CRS', context)
        bases = [b.strip() for b in (self.parameterAsString(parameters, 'BASES', context) or '').split(';')]
        return {
            'name': self.parameterAsString(parameters, 'NAME', context) or 'Scenario from QGIS',
            'crs': crs.authid() or crs.toWkt() if crs.isValid() else '',
            'resolution': self.parameterAsDouble(parameters, 'RESOLUTION', context),
            'margin': self.parameterAsDouble(parameters, 'MARGIN', context),
            'as_of': (self.parameterAsString(parameters, 'AS_OF', context) or '').strip(),
            'fields': fields, 'factors': factors,
            'top_percent': self.parameterAsDouble(parameters, 'TOP_PERCENT', context),
            'plans': {'draws': self.parameterAsInt(parameters, 'UNCERTAINTY', context),
                      'signs': self.parameterAsInt(parameters, 'SIGN_STOCK', context),
                      'facilitators': self.parameterAsInt(parameters, 'FACILITATORS', context),
                      'bases': [b for b in bases if b]},
        }

    def prepareAlgorithm(self, parameters, context, feedback):  # noqa: N802
        """In the main thread, before the run: the project's layers are read (and exported) here, where touching
        them is safe, and the scenario is written."""
        self.folder = self.parameterAsString(parameters, 'FOLDER', context)
        os.makedirs(self.folder, exist_ok=True)
        layers, fields = self._layers_and_fields(parameters, context)
        spec = self._spec(parameters, context, layers, fields)
        sources = scenario_writer.write_inputs(layers, self.folder, context, feedback)
        self.scenario = os.path.join(self.folder, 'scenario.yaml')
        scenario_writer.write_scenario(self.scenario, scenario_writer.scenario_text(spec, sources))
        feedback.pushInfo('wrote %s' % self.scenario)
        return True

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        """In the background: minerisk run FOLDER/scenario.yaml -o FOLDER/outputs."""
        if feedback.isCanceled():
            raise QgsProcessingException('minerisk: the run was cancelled; no output was written')
        outdir = os.path.join(self.folder, 'outputs')
        args = ['run', self.scenario, '-o', outdir]
        if self.parameterAsBoolean(parameters, 'OVERWRITE', context):
            args.append('--overwrite')
        threads = self.parameterAsInt(parameters, 'THREADS', context)
        if threads > 0:
            args += ['-j', threads]
        summary = runner.run(args, feedback, stages=runner.STAGES_RUN)
        for line in summary.splitlines():
            feedback.pushInfo(line)
        self.load_results = self.parameterAsBoolean(parameters, 'LOAD_RESULTS', context)
        self.result_dir = outdir
        out = run_outputs(outdir)
        out.update({'SCENARIO': self.scenario, 'FOLDER': self.folder})
        return out
