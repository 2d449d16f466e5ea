"""Writes a scenario YAML (docs/scenario.md) from the choices of the "build and run" algorithm, and the layers it
reads: a layer read from a plain file by OGR is pointed at (its path, layer name and filter); any other layer (a
delimited-text CSV, a memory layer, a database, a selection) is exported into inputs.gpkg beside the scenario.

Both files are written under temporary names and renamed into place, so that neither is ever half-written."""
import os
import tempfile

from qgis.core import QgsProcessingException, QgsProviderRegistry, QgsVectorFileWriter

# role of each layer -> the field roles the scenario maps (docs/scenario.md, "Field roles")
FIELD_ROLES = {
    'hazards': ['id', 'status', 'ordnance', 'date', 'radius', 'name'],
    'incidents': ['id', 'date', 'killed', 'injured', 'casualties', 'ordnance', 'activity'],
    'settlements': ['id', 'name', 'population', 'returnee'],
    'signs': ['id', 'date', 'type', 'condition'],
    'sessions': ['id', 'date', 'reached', 'settlement'],
}
LAYERS = list(FIELD_ROLES)
INPUTS_GPKG = 'inputs.gpkg'


def quote(text):
    """A YAML double-quoted scalar (any text: colons, hashes, quotes)."""
    return '"' + str(text).replace('\\', '\\\\').replace('"', '\\"').replace('\n', ' ') + '"'


def number(value):
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def file_source(layer):
    """(path, layer name, where) when the layer is a plain file read by OGR, else None (it must be exported)."""
    if layer.providerType() != 'ogr':
        return None
    parts = QgsProviderRegistry.instance().decodeUri('ogr', layer.source())
    path = parts.get('path') or ''
    if not path or not os.path.isfile(path) or path.startswith('/vsi') or parts.get('layerId') is not None:
        return None
    # a table whose geometry comes from open options (X_POSSIBLE_NAMES...) or a CSV: minerisk would need x/y and
    # crs keys; the export carries the geometry and the CRS instead
    if parts.get('openOptions') or path.lower().endswith(('.csv', '.tsv', '.txt', '.xlsx', '.ods')):
        return None
    return path, parts.get('layerName') or '', layer.subsetString() or ''


def export_layer(layer, role, gpkg, context, fresh):
    """Copies the layer into the GeoPackage gpkg as table ROLE (fresh: the first layer creates the file)."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = 'GPKG'
    options.layerName = role
    options.fileEncoding = 'UTF-8'
    options.actionOnExistingFile = (QgsVectorFileWriter.CreateOrOverwriteFile if fresh
                                    else QgsVectorFileWriter.CreateOrOverwriteLayer)
    write = getattr(QgsVectorFileWriter, 'writeAsVectorFormatV3', None) or QgsVectorFileWriter.writeAsVectorFormatV2
    result = write(layer, gpkg, context.transformContext(), options)
    if result[0] != QgsVectorFileWriter.NoError:
        raise QgsProcessingException('minerisk: error: cannot write the %s layer into %s: %s' % (role, gpkg, result[1]))


def input_block(role, layer, fields, source):
    """The YAML lines of one input. source = (path, layer name, where)."""
    path, name, where = source
    lines = ['  %s:' % role, '    path: %s' % quote(path)]
    if name:
        lines.append('    layer: %s' % quote(name))
    if where:
        lines.append('    where: %s' % quote(where))
    mapped = [(r, fields[r]) for r in FIELD_ROLES[role] if fields.get(r)]
    if mapped:
        lines.append('    fields:')
        lines += ['      %s: %s' % (r, quote(c)) for r, c in mapped]
    return lines


def write_inputs(layers, folder, context, feedback):
    """Points at or exports each layer; returns {role: (path, layer name, where)}. layers: {role: QgsVectorLayer}."""
    sources, to_export = {}, []
    for role in LAYERS:
        layer = layers.get(role)
        if layer is None:
            continue
        src = file_source(layer)
        if src is None:
            to_export.append((role, layer))
        else:
            sources[role] = src
    if to_export:
        fd, tmp = tempfile.mkstemp(prefix='.inputs-', suffix='.gpkg', dir=folder)
        os.close(fd)
        try:
            for i, (role, layer) in enumerate(to_export):
                feedback.pushInfo('exporting the %s layer "%s" into %s' % (role, layer.name(), INPUTS_GPKG))
                export_layer(layer, role, tmp, context, i == 0)
            os.replace(tmp, os.path.join(folder, INPUTS_GPKG))
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        for role, _ in to_export:
            sources[role] = (INPUTS_GPKG, role, '')
    return sources


def factor_lines(factors):
    """factors: [(plugin, weight, {param: value})] with weight > 0."""
    lines = ['scoring:', '  method: weighted_sum', '  factors:']
    for plugin, weight, params in factors:
        lines.append('    - plugin: %s' % plugin)
        lines.append('      weight: %s' % number(weight))
        if params:
            lines.append('      params:')
            lines += ['        %s: %s' % (k, number(v)) for k, v in params.items()]
    return lines


def plan_lines(plans):
    """plans: {'draws': N, 'signs': N, 'facilitators': N, 'bases': [text]} (0 = off)."""
    lines = []
    if plans.get('draws'):
        lines += ['uncertainty:', '  draws: %d' % plans['draws']]
    if plans.get('signs'):
        lines += ['sign_plan:', '  signs: %d' % plans['signs']]
    if plans.get('facilitators'):
        if not plans.get('bases'):
            raise QgsProcessingException('minerisk: error: an outreach plan needs at least one base: a settlement\'s '
                                         'id or name, or "lon,lat"')
        lines += ['outreach_plan:', '  facilitators: %d' % plans['facilitators'],
                  '  bases: [%s]' % ', '.join(quote(b) for b in plans['bases'])]
    return lines


def scenario_text(spec, sources):
    """spec: name, crs ('' = auto), resolution, margin, as_of, fields {role: {role: column}}, factors, zones, plans."""
    lines = ['# Written by the minerisk QGIS Processing provider ("Build and run a scenario from project layers").',
             '# Repeat the run on the command line, in this folder: minerisk run scenario.yaml -o outputs --overwrite',
             'name: %s' % quote(spec['name']),
             'crs: %s' % (quote(spec['crs']) if spec.get('crs') else 'auto'),
             'resolution: %s' % number(spec['resolution']),
             'margin: %s' % number(spec['margin'])]
    if spec.get('as_of'):
        lines.append('as_of: %s' % spec['as_of'])
    lines.append('inputs:')
    for role in LAYERS:
        if role in sources:
            lines += input_block(role, None, spec['fields'].get(role, {}), sources[role])
    lines += factor_lines(spec['factors'])
    lines += ['zones:', '  top_percent: %s' % number(spec['top_percent'])]
    lines += plan_lines(spec.get('plans', {}))
    return '\n'.join(lines) + '\n'


def write_scenario(path, text):
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix='.scenario-', suffix='.yaml', dir=folder)
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)
