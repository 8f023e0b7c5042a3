/**
 * Export to Grafana: the stored dashboard with every Kansoku datasource reference turned into
 * the `${DS_PROMETHEUS}` input that Grafana's import dialog asks the user to choose.
 */
import { asArray, asObject, cloneJson, isObject, type JsonObject } from '../json.js';
import { KANSOKU_DATASOURCE, SCHEMA_VERSION, type Dashboard } from '../model.js';

/** The input name of the exported datasource. */
export const EXPORT_INPUT = 'DS_PROMETHEUS';

/** The exported datasource reference. */
const EXPORT_REF = { type: 'prometheus', uid: `\${${EXPORT_INPUT}}` };

/** The Grafana version the export declares it needs (schema 39 is Grafana 10.4). */
const GRAFANA_VERSION = '10.4.0';

/** Builds Grafana-importable JSON from a stored dashboard. */
export function exportGrafanaDashboard(d: Dashboard): JsonObject {
  const out: JsonObject = cloneJson(d);
  out['id'] = null;
  out['schemaVersion'] = Math.max(
    SCHEMA_VERSION,
    typeof d.schemaVersion === 'number' ? d.schemaVersion : 0,
  );
  const panelTypes = new Set<string>();
  const visit = (panels: unknown): void => {
    for (const p of asArray(panels)) {
      if (!isObject(p)) continue;
      if (typeof p['type'] === 'string' && p['type'] !== 'row') panelTypes.add(p['type']);
      if (isKansoku(p['datasource'])) p['datasource'] = { ...EXPORT_REF };
      for (const t of asArray(p['targets']))
        if (isObject(t) && isKansoku(t['datasource'])) t['datasource'] = { ...EXPORT_REF };
      visit(p['panels']);
    }
  };
  visit(out['panels']);
  for (const v of asArray(asObject(out['templating'])?.['list'])) {
    if (!isObject(v)) continue;
    if (isKansoku(v['datasource'])) v['datasource'] = { ...EXPORT_REF };
    if (v['type'] === 'datasource') {
      v['query'] = 'prometheus';
      v['current'] = {};
    }
  }
  for (const a of asArray(asObject(out['annotations'])?.['list']))
    if (isObject(a) && isKansoku(a['datasource'])) a['datasource'] = { ...EXPORT_REF };
  out['__inputs'] = [
    {
      name: EXPORT_INPUT,
      label: 'Prometheus',
      description: '',
      type: 'datasource',
      pluginId: 'prometheus',
      pluginName: 'Prometheus',
    },
  ];
  out['__requires'] = [
    { type: 'grafana', id: 'grafana', name: 'Grafana', version: GRAFANA_VERSION },
    { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
    ...[...panelTypes].sort().map((id) => ({ type: 'panel', id, name: id, version: '' })),
  ];
  return out;
}

function isKansoku(ref: unknown): boolean {
  if (ref === undefined || ref === null) return false;
  if (!isObject(ref)) return false;
  return (
    ref['uid'] === KANSOKU_DATASOURCE.uid ||
    (ref['type'] === 'prometheus' && typeof ref['uid'] !== 'string')
  );
}
