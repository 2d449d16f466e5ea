"""QGIS Processing tests of the minerisk provider: the provider and its algorithms, validate, run (against the
command line's outputs), the results as one group, the progress from minerisk's GDAL-style stages, the backtest.
Run one: /usr/bin/python3 test_algorithms.py NAME (tests/qgis/CMakeLists.txt sets the environment)."""
import os

import support
from support import TempDir

import processing  # noqa: E402 (after support put QGIS's plugins on sys.path)
from qgis.core import (QgsApplication, QgsLayerTreeGroup, QgsProcessingContext, QgsProcessingException,
                       QgsProcessingFeedback, QgsProject)

ALGORITHMS = {'minerisk:validate', 'minerisk:run', 'minerisk:backtest', 'minerisk:buildandrun'}


def provider_lists_its_algorithms():
    provider = QgsApplication.processingRegistry().providerById('minerisk')
    assert provider is not None, 'the minerisk provider is not registered'
    ids = {a.id() for a in provider.algorithms()}
    assert ids == ALGORITHMS, 'algorithms %s, expected %s' % (sorted(ids), sorted(ALGORITHMS))
    for alg_id in ALGORITHMS:
        alg = QgsApplication.processingRegistry().algorithmById(alg_id)
        assert alg.shortHelpString(), '%s has no help' % alg_id
        assert alg.parameterDefinitions(), '%s has no parameters' % alg_id


def validate_reports_ok_on_the_demo():
    with TempDir() as d:
        scenario = support.small_demo(d)
        result = processing.run('minerisk:validate', {'SCENARIO': scenario}, feedback=QgsProcessingFeedback())
        assert result['VALID'] is True, result
        assert 'The scenario is valid.' in result['SUMMARY'], result['SUMMARY']


def validate_reports_the_one_line_error():
    with TempDir() as d:
        scenario = support.small_demo(d)
        with open(scenario, encoding='utf-8') as f:
            text = f.read()
        with open(scenario, 'w', encoding='utf-8') as f:
            f.write(text.replace('resolution: 250', 'resolutoin: 250'))
        expected = support.cli('validate', scenario, check=False)
        assert expected.returncode == 1, expected
        cli_line = [ln for ln in expected.stderr.splitlines() if ln.startswith('minerisk: error:')]
        assert len(cli_line) == 1, expected.stderr
        try:
            processing.run('minerisk:validate', {'SCENARIO': scenario}, feedback=QgsProcessingFeedback())
        except QgsProcessingException as e:
            message = str(e)
        else:
            raise AssertionError('validate accepted a broken scenario')
        assert message == cli_line[0], 'the error is %r, the command line says %r' % (message, cli_line[0])
        assert '\n' not in message and "did you mean 'resolution'" in message, message


def run_gives_the_command_lines_outputs():
    with TempDir() as d:
        scenario = support.small_demo(os.path.join(d, 'scenario'))
        support.cli('run', scenario, '-o', os.path.join(d, 'cli'))
        out = os.path.join(d, 'qgis')
        result = processing.run('minerisk:run', {'SCENARIO': scenario, 'OUTPUT': out, 'LOAD_RESULTS': False},
                                feedback=QgsProcessingFeedback())
        assert result['RISK'] == os.path.join(out, 'risk.tif'), result
        assert support.same_raster(os.path.join(d, 'cli', 'risk.tif'), result['RISK']), 'risk.tif differs from the CLI'
        for layer in ('zones', 'survey_referrals', 'settlements_ranked', 'sign_plan', 'outreach_plan'):
            a = support.feature_count(os.path.join(d, 'cli', 'minerisk.gpkg'), layer)
            b = support.feature_count(result['GPKG'], layer)
            assert a == b, '%s: %d features from the CLI, %d from Processing' % (layer, a, b)
        assert support.feature_count(result['GPKG'], 'zones') > 0, 'no zone at all: the comparison proves nothing'
        assert sorted(os.listdir(out)) == sorted(os.listdir(os.path.join(d, 'cli'))), 'other files than the CLI'


def results_load_as_one_group():
    with TempDir() as d:
        scenario = support.small_demo(os.path.join(d, 'scenario'))
        project = QgsProject()
        context = QgsProcessingContext()
        context.setProject(project)
        out = os.path.join(d, 'out')
        processing.run('minerisk:run', {'SCENARIO': scenario, 'OUTPUT': out}, context=context,
                       feedback=QgsProcessingFeedback())
        groups = [c for c in project.layerTreeRoot().children() if isinstance(c, QgsLayerTreeGroup)]
        assert len(groups) == 1, 'groups: %s' % [g.name() for g in groups]
        assert len(project.layerTreeRoot().children()) == 1, 'layers outside the group'
        group = groups[0]
        assert group.name() == 'Demo: former line of contact (synthetic)', group.name()
        layers = [node.layer() for node in group.findLayers()]
        names = [layer.name() for layer in layers]
        assert all(layer.isValid() for layer in layers), names
        # zones, survey referrals, both plans, ranked settlements, the five inputs, the areas' ranking, the risk
        assert names[0] == 'Outreach zones (by rank)' and names[-1] == 'Combined risk (0-1)', names
        assert len(layers) >= 11, '%d layers: %s' % (len(layers), names)
        assert len(project.mapLayers()) == len(layers), 'project layers outside the group'
        zones = layers[0]
        assert zones.featureCount() == support.feature_count(os.path.join(out, 'minerisk.gpkg'), 'zones')
        # styled: the zones take the GeoPackage's default style (graduated or categorized by rank), not QGIS's
        assert zones.renderer().type() != 'singleSymbol', zones.renderer().type()
        assert layers[-1].renderer().type() != 'multibandcolor', layers[-1].renderer().type()


def progress_goes_to_the_feedback():
    with TempDir() as d:
        scenario = support.small_demo(d)
        feedback = support.RecordingFeedback()
        processing.run('minerisk:run', {'SCENARIO': scenario, 'OUTPUT': os.path.join(d, 'out'),
                                        'LOAD_RESULTS': False}, feedback=feedback)
        assert feedback.progress, 'no progress reported'
        assert feedback.progress == sorted(feedback.progress), 'the progress went backwards'
        assert feedback.progress[-1] == 100, feedback.progress[-5:]
        assert len(feedback.progress) > 50, '%d progress steps' % len(feedback.progress)
        for stage in ('checking plugins', 'reading inputs', 'scoring and writing', 'zones', 'exports'):
            assert stage in feedback.infos, '%s not in %s' % (stage, feedback.infos[:20])


def progress_parser_reads_gdal_progress():
    from minerisk_processing.runner import ProgressParser
    p = ProgressParser()
    events = p.feed('checking plugins: 0...10...2') + p.feed('0...30')
    assert events == [('stage', 'checking plugins'), ('progress', 0), ('progress', 10), ('progress', 20),
                      ('progress', 30)], events
    events = p.feed('...40...50...60...70...80...90...100 - done.\nminerisk: error: x.yaml:1:1: bad\n')
    assert events[-2:] == [('progress', 100), ('line', 'minerisk: error: x.yaml:1:1: bad')], events


def backtest_writes_its_table():
    with TempDir() as d:
        scenario = support.small_demo(os.path.join(d, 'scenario'), keep_plans=False)
        out = os.path.join(d, 'bt')
        result = processing.run('minerisk:backtest', {'SCENARIO': scenario, 'OUTPUT': out, 'SPLIT': '2024-01-01',
                                                      'BOOTSTRAP': 0}, feedback=QgsProcessingFeedback())
        assert os.path.isfile(result['CSV']), os.listdir(out)
        support.cli('backtest', scenario, '--split', '2024-01-01', '--bootstrap', 0, '-o', os.path.join(d, 'cli'))
        with open(result['CSV'], encoding='utf-8') as a, open(os.path.join(d, 'cli', 'backtest.csv'),
                                                              encoding='utf-8') as b:
            assert a.read() == b.read(), 'backtest.csv differs from the command line\'s'


def executable_setting_comes_first():
    from processing.core.ProcessingConfig import ProcessingConfig
    from minerisk_processing import runner
    assert runner.find_executable() == support.EXE, runner.find_executable()
    with TempDir() as d:
        other = os.path.join(d, 'minerisk-elsewhere')
        os.symlink(support.EXE, other)
        ProcessingConfig.setSettingValue(runner.SETTING, other)
        try:
            assert runner.find_executable() == other, 'the setting "minerisk executable" is not used first'
            result = processing.run('minerisk:validate', {'SCENARIO': support.small_demo(d)},
                                    feedback=support.RecordingFeedback())
            assert result['VALID'] is True
        finally:
            ProcessingConfig.setSettingValue(runner.SETTING, '')
        assert runner.find_executable() == support.EXE, 'an empty setting does not fall back to MINERISK_EXECUTABLE'


TESTS = {
    'ProviderListsItsAlgorithms': provider_lists_its_algorithms,
    'ExecutableSettingComesFirst': executable_setting_comes_first,
    'ValidateReportsOkOnTheDemo': validate_reports_ok_on_the_demo,
    'ValidateReportsTheOneLineError': validate_reports_the_one_line_error,
    'RunGivesTheCommandLinesOutputs': run_gives_the_command_lines_outputs,
    'ResultsLoadAsOneStyledGroup': results_load_as_one_group,
    'ProgressGoesToTheFeedback': progress_goes_to_the_feedback,
    'ProgressParserReadsGdalProgress': progress_parser_reads_gdal_progress,
    'BacktestGivesTheCommandLinesTable': backtest_writes_its_table,
}

if __name__ == '__main__':
    support.main(TESTS)
