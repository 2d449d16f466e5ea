"""Runs the minerisk executable for the algorithms.

- The executable: the Processing setting "minerisk executable", else the environment variable MINERISK_EXECUTABLE,
  else the minerisk installed with this plugin (<prefix>/bin/minerisk beside <prefix>/share/minerisk/qgis/...),
  else `minerisk` on PATH.
- Progress: minerisk runs with `--progress gdal`, which prints on stderr one line per stage,
  "STAGE: 0...10...20...30...40...50...60...70...80...90...100 - done."; each number goes to
  feedback.setProgress (spread over the stages expected), each stage name to feedback.pushInfo.
- Cancel: feedback.isCanceled() is polled while minerisk runs; then minerisk gets SIGTERM and is waited for. minerisk
  writes its output folder through a staging folder that it switches into place only at the end, so a stopped run
  leaves no output and never touches an earlier one.
- Errors: minerisk prints one line "minerisk: error: ..." and exits non-zero; that line becomes the
  QgsProcessingException.
"""
import codecs
import os
import queue
import re
import shutil
import signal
import subprocess
import threading

from qgis.core import QgsProcessingException

SETTING = 'MINERISK_EXECUTABLE'
_ERROR_PREFIX = 'minerisk: error:'
# One stage's GDAL-style progress: "NAME: 0...10...20 ... 100 - done." (the digits arrive as the stage goes on)
_STAGE = re.compile(r'^([^:\n]+): ((?:\d+\.\.\.)*\d*)( - done\.)?$')
_NUMBER = re.compile(r'(\d+)(?=\.\.\.|$| - done\.)')
# The stages minerisk run prints (to spread the progress bar over the whole run; others just advance it)
STAGES_RUN = 11


def add_setting(provider):
    """The Processing setting (Settings > Options > Processing > Providers > minerisk). Without the processing
    plugin's config (a bare PyQGIS script) the setting is simply absent: the other ways still find minerisk."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig, Setting
    except ImportError:
        return
    ProcessingConfig.settingIcons[provider.name()] = provider.icon()
    ProcessingConfig.addSetting(Setting(provider.name(), SETTING, 'minerisk executable', '',
                                        valuetype=Setting.FILE))
    ProcessingConfig.readSettings()


def remove_setting():
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
        ProcessingConfig.removeSetting(SETTING)
    except (ImportError, KeyError):
        pass


def _setting_value():
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
        return ProcessingConfig.getSetting(SETTING) or ''
    except (ImportError, KeyError, AttributeError):
        return ''


def find_executable():
    """The minerisk program to run, or a QgsProcessingException saying where it was looked for."""
    candidates = [_setting_value(), os.environ.get('MINERISK_EXECUTABLE', '')]
    here = os.path.dirname(os.path.abspath(__file__))
    # installed: <prefix>/share/minerisk/qgis/minerisk_processing -> <prefix>/bin/minerisk
    candidates.append(os.path.normpath(os.path.join(here, '..', '..', '..', '..', 'bin', 'minerisk')))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    on_path = shutil.which('minerisk')
    if on_path:
        return on_path
    raise QgsProcessingException(
        'minerisk: error: the minerisk executable is not found. set its path under Settings > Options > '
        'Processing > Providers > minerisk > "minerisk executable", or set MINERISK_EXECUTABLE, or put it on PATH')


class ProgressParser:
    """Turns the bytes of minerisk's stderr into events: ('stage', name), ('progress', percent of the stage),
    ('line', text) for every other line (errors, warnings)."""

    def __init__(self):
        self.buffer = ''
        self.stage = None
        self.last = -1

    def feed(self, text):
        events = []
        self.buffer += text
        while True:
            line, sep, rest = self.buffer.partition('\n')
            events += self._partial(line)
            if not sep:
                break
            if not _STAGE.match(line):
                events.append(('line', line))
            self.stage, self.last = None, -1
            self.buffer = rest
        return events

    def _partial(self, line):
        m = _STAGE.match(line)
        if not m:
            return []
        events = []
        if self.stage != m.group(1):
            self.stage, self.last = m.group(1), -1
            events.append(('stage', self.stage))
        for n in _NUMBER.findall(m.group(2) + (m.group(3) or '')):
            if int(n) > self.last:
                self.last = int(n)
                events.append(('progress', self.last))
        return events


def _pump(stream, sink):
    """Reads a pipe to its end in a thread, handing each chunk to sink (a queue or a list)."""
    fd = stream.fileno()
    decoder = codecs.getincrementaldecoder('utf-8')('replace')  # a character split across two reads stays whole
    while True:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        sink.put(decoder.decode(chunk))
    sink.put(decoder.decode(b'', final=True))
    sink.put(None)


def _stop(proc):
    """SIGTERM, then wait: minerisk removes its staging folder and exits. SIGKILL only if it does not exit."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run(args, feedback, stages=1):
    """Runs `minerisk --progress gdal ARGS`; returns its stdout. Raises QgsProcessingException with minerisk's
    error line on failure, and "the run was cancelled" when feedback was cancelled (the process is stopped)."""
    cmd = [find_executable(), '--progress', 'gdal'] + [str(a) for a in args]
    if feedback:
        feedback.pushCommandInfo(' '.join(_quote(c) for c in cmd))
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errq, outq = queue.Queue(), queue.Queue()
    threads = [threading.Thread(target=_pump, args=(proc.stderr, errq), daemon=True),
               threading.Thread(target=_pump, args=(proc.stdout, outq), daemon=True)]
    for t in threads:
        t.start()
    parser, lines, done_stages, cancelled = ProgressParser(), [], 0, False
    while True:
        if feedback and feedback.isCanceled():
            cancelled = True
            _stop(proc)
            break
        try:
            chunk = errq.get(timeout=0.1)
        except queue.Empty:
            continue
        if chunk is None:
            break
        for kind, value in parser.feed(chunk):
            done_stages = _report(feedback, kind, value, done_stages, stages, lines)
    proc.wait()
    for t in threads:
        t.join()
    proc.stdout.close()
    proc.stderr.close()
    out = ''.join(c for c in iter(outq.get_nowait, None))
    if cancelled:
        raise QgsProcessingException('minerisk: the run was cancelled; no output was written '
                                     '(an earlier output folder is left as it was)')
    for kind, value in parser.feed('\n'):
        _report(feedback, kind, value, done_stages, stages, lines)
    if proc.returncode != 0:
        raise QgsProcessingException(_error_line(lines, proc.returncode))
    return out


def _report(feedback, kind, value, done_stages, stages, lines):
    if kind == 'stage':
        if feedback:
            feedback.pushInfo(value)
        return done_stages + 1
    if kind == 'progress':
        if feedback:
            whole = max(stages, done_stages)
            feedback.setProgress(min(100.0, 100.0 * (done_stages - 1 + value / 100.0) / whole))
        return done_stages
    if value.strip():
        lines.append(value)
        if feedback and not value.startswith(_ERROR_PREFIX):
            feedback.pushInfo(value)
    return done_stages


def _error_line(lines, rc):
    for line in lines:
        if line.startswith(_ERROR_PREFIX):
            return line
    tail = lines[-1] if lines else 'no message'
    return 'minerisk: error: minerisk exited with code %d: %s' % (rc, tail)


def _quote(arg):
    return arg if re.match(r'^[\w@%+=:,./-]+$', arg) else "'" + arg.replace("'", "'\\''") + "'"
