"""QGIS Processing tests of the minerisk provider: a scenario built from the demo layers opened in QGIS, repeated
on the command line; Cancel during a run; qgis_process headless.
Run one: /usr/bin/python3 test_build_cancel.py NAME (tests/qgis/CMakeLists.txt sets the environment)."""
import os
import shutil
import subprocess
import sys
import tempfile

import support
from support import TempDir

import processing  # noqa: E402
from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsProject

# The demo's column for each field role (testdata/demo/scenario.yaml)
DEMO_FIELDS = {
    'hazards': {'id': 'hazard_id', 'status': 'status', 'ordnance': 'ordnance', 'date': 'recorded',
                'radius': 'radius_m'},
    'incidents': {'id': 'incident_id', 'date': 'date', 'killed': 'killed', 'injured': 'injured',
                  'ordnance': 'ordnance', 'activity': 'activity'},
    'settlements': {'id': 'settlement_id', 'name': 'name', 'population': 'population', 'returnee': 'returnee'},
    'signs': {'id': 'sign_id', 'date': 'placed', 'type': 'sign_type', 'condition': 'condition'},
    'sessions': {'id': 'session_id', 'date': 'held', 'reached': 'reached', 'settlement': 'settlement'},
}


def build_parameters(layers, folder):
    params = {'FOLDER': folder, 'NAME': 'Built from the demo layers', 'RESOLUTION': 250, 'MARGIN': 1000,
              'CRS': 'EPSG:32638', 'AS_OF': '2026-07-01', 'SIGN_STOCK': 20, 'FACILITATORS': 2,
              'BASES': 'Dashbayli;Mughanli', 'LOAD_RESULTS': False}
    for role, layer in layers.items():
        params[role.upper()] = layer
        for field_role, column in DEMO_FIELDS[role].items():
            params['FIELD_%s_%s' % (role.upper(), field_role.upper())] = column
    return params


def build_from_layers_gives_a_repeatable_scenario():
    with TempDir() as d:
        project = QgsProject()
        layers = support.demo_layers(d, project)
        layers['hazards'].setSubsetString("status <> 'cancelled'")  # a project filter becomes the input's where
        context = QgsProcessingContext()
        context.setProject(project)
        folder = os.path.join(d, 'built')
        result = processing.run('minerisk:buildandrun', build_parameters(layers, folder), context=context,
                                feedback=QgsProcessingFeedback())
        scenario = result['SCENARIO']
        assert scenario == os.path.join(folder, 'scenario.yaml'), result
        assert os.path.isfile(os.path.join(folder, 'inputs.gpkg')), 'the CSV incidents were not exported'
        with open(scenario, encoding='utf-8') as f:
            text = f.read()
        for needle in ('path: "inputs.gpkg"', 'where: "status <> \'cancelled\'"', 'layer: "incidents"', 'hazards.gpkg',
                       'status: "status"',
                       'population: "population"', 'plugin: outreach_gap', 'sign_plan:', 'outreach_plan:'):
            assert needle in text, '%r not in the scenario:\n%s' % (needle, text)
        validated = support.cli('validate', scenario, check=False)
        assert validated.returncode == 0, validated.stderr
        assert support.feature_count(os.path.join(folder, 'inputs.gpkg'), 'incidents') == 1000
        rerun = os.path.join(d, 'rerun')
        support.cli('run', scenario, '-o', rerun)
        assert support.same_raster(result['RISK'], os.path.join(rerun, 'risk.tif')), 'the rerun gives another risk'
        for layer in ('zones', 'sign_plan', 'outreach_plan'):
            assert support.feature_count(result['GPKG'], layer) == support.feature_count(
                os.path.join(rerun, 'minerisk.gpkg'), layer), layer
        assert support.feature_count(result['GPKG'], 'zones') > 0, 'no zone: the comparison proves nothing'
        # run again into the same folder: refused without OVERWRITE, accepted with it
        again = build_parameters(layers, folder)
        try:
            processing.run('minerisk:buildandrun', again, context=context, feedback=QgsProcessingFeedback())
        except QgsProcessingException as e:
            assert str(e).startswith('minerisk: error:') and 'not empty' in str(e), str(e)
        else:
            raise AssertionError('a second run into a non-empty outputs/ was not refused')
        again['OVERWRITE'] = True
        processing.run('minerisk:buildandrun', again, context=context, feedback=QgsProcessingFeedback())


def cancel_leaves_no_output_and_the_earlier_one_intact():
    with TempDir() as d:
        small = support.small_demo(os.path.join(d, 'small'))
        earlier = os.path.join(d, 'earlier')
        support.cli('run', small, '-o', earlier)
        before = support.listing(earlier)
        # the full demo (20 m, 1000 draws) takes far longer than the first progress report: cancelled there
        full = os.path.join(d, 'full')
        os.makedirs(full)
        with open(os.path.join(support.DEMO_DIR, 'scenario.yaml'), encoding='utf-8') as f:
            text = f.read().replace('path: data/', 'path: %s/' % support.DEMO_DATA)
        with open(os.path.join(full, 'scenario.yaml'), 'w', encoding='utf-8') as f:
            f.write(text)
        parent = sorted(os.listdir(d))
        for outdir, overwrite in ((os.path.join(d, 'new'), False), (earlier, True)):
            feedback = support.CancelAfterFirstProgress()
            try:
                processing.run('minerisk:run', {'SCENARIO': os.path.join(full, 'scenario.yaml'), 'OUTPUT': outdir,
                                                'OVERWRITE': overwrite}, feedback=feedback)
            except QgsProcessingException as e:
                assert 'cancelled' in str(e), str(e)
            else:
                raise AssertionError('a cancelled run did not raise')
            assert feedback.progress_seen >= 1
            assert sorted(os.listdir(d)) == parent, 'left behind: %s' % (set(os.listdir(d)) - set(parent))
        assert not os.path.exists(os.path.join(d, 'new')), 'a cancelled run left an output folder'
        assert support.listing(earlier) == before, 'a cancelled run changed the earlier output folder'
        assert support.same_raster(os.path.join(earlier, 'risk.tif'), os.path.join(earlier, 'risk.tif'))


def qgis_process_command():
    """Debian 12's /usr/bin/qgis_process wrapper passes --noversioncheck, which qgis_process 3.22 refuses:
    the program itself is /usr/bin/qgis_process.bin."""
    for name in ('qgis_process.bin', 'qgis_process'):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError('qgis_process is not installed (scripts/install-deps.sh --test)')


def qgis_process_runs_headless():
    with TempDir() as d:
        scenario = support.small_demo(os.path.join(d, 'scenario'))
        env = dict(os.environ, HOME=os.path.join(d, 'home'), QGIS_PLUGINPATH=support.PLUGIN_DIR,
                   QT_QPA_PLATFORM='offscreen', XDG_RUNTIME_DIR=tempfile.mkdtemp(dir=d))
        os.makedirs(env['HOME'])
        exe = qgis_process_command()

        def qp(*args):
            p = subprocess.run([exe] + list(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True)
            assert p.returncode == 0, 'qgis_process %s: %d\n%s\n%s' % (args, p.returncode, p.stdout, p.stderr)
            return p.stdout

        qp('plugins', 'enable', 'minerisk_processing')
        listed = qp('list')
        assert 'minerisk:run' in listed and 'minerisk:buildandrun' in listed, listed
        out = os.path.join(d, 'qp')
        qp('run', 'minerisk:run', '--', 'SCENARIO=' + scenario, 'OUTPUT=' + out)
        support.cli('run', scenario, '-o', os.path.join(d, 'cli'))
        assert support.same_raster(os.path.join(out, 'risk.tif'), os.path.join(d, 'cli', 'risk.tif'))
        assert support.feature_count(os.path.join(out, 'minerisk.gpkg'), 'zones') == support.feature_count(
            os.path.join(d, 'cli', 'minerisk.gpkg'), 'zones')
        # an error is minerisk's one line, and a failing exit code
        p = subprocess.run([exe, 'run', 'minerisk:validate', '--', 'SCENARIO=' + os.path.join(d, 'missing.yaml')],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        assert p.returncode != 0, p.stdout
        assert 'minerisk: error:' in p.stdout + p.stderr, p.stdout + p.stderr


def installed_plugin_finds_the_installed_minerisk():
    """cmake --install (here: the qgis folder's install script, into a temporary prefix) puts the plugin in
    <prefix>/share/minerisk/qgis/minerisk_processing, which runs <prefix>/bin/minerisk with no setting, no
    MINERISK_EXECUTABLE and no minerisk on PATH."""
    with TempDir() as d:
        prefix = os.path.join(d, 'prefix')
        subprocess.run([os.environ['MINERISK_CMAKE'], '-DCMAKE_INSTALL_PREFIX=' + prefix, '-P',
                        os.environ['MINERISK_QGIS_INSTALL_SCRIPT']], check=True, stdout=subprocess.DEVNULL)
        plugins = os.path.join(prefix, 'share', 'minerisk', 'qgis')
        assert os.path.isfile(os.path.join(plugins, 'minerisk_processing', 'metadata.txt')), os.listdir(prefix)
        os.makedirs(os.path.join(prefix, 'bin'))
        installed = os.path.join(prefix, 'bin', 'minerisk')
        os.symlink(support.EXE, installed)
        env = {k: v for k, v in os.environ.items() if k != 'MINERISK_EXECUTABLE'}
        env['PATH'] = '/usr/bin:/bin'
        code = ('import sys; sys.path.insert(0, %r)\n'
                'from minerisk_processing import runner\n'
                'print(runner.find_executable())\n' % plugins)
        p = subprocess.run([sys.executable, '-c', code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        assert p.returncode == 0, p.stderr
        assert p.stdout.strip() == installed, 'found %r, expected %r' % (p.stdout.strip(), installed)


TESTS = {
    'BuildFromLayersGivesARepeatableScenario': build_from_layers_gives_a_repeatable_scenario,
    'CancelLeavesNoOutputAndTheEarlierOneIntact': cancel_leaves_no_output_and_the_earlier_one_intact,
    'QgisProcessRunsHeadless': qgis_process_runs_headless,
    'InstalledPluginFindsTheInstalledMinerisk': installed_plugin_finds_the_installed_minerisk,
}

if __name__ == '__main__':
    support.main(TESTS)
