/**
 * Datasource references in every form Grafana has written them: absent (the default), names
 * (`"Prometheus"`), inputs (`"${DS_PROMETHEUS}"`), variables (`"$datasource"`), `{type, uid}`
 * objects, and the special `-- Grafana --`, `-- Mixed --` and `-- Dashboard --` sources.
 */
import { asString, isObject } from '../json.js';
import type { MigrationContext } from './context.js';

/** What a reference points at, as far as Kansoku is concerned. */
export type DatasourceKind = 'prometheus' | 'mixed' | 'grafana' | 'dashboard' | 'other';

/** The classification and, for `other`, the plugin or name for messages. */
export interface DatasourceClass {
  readonly kind: DatasourceKind;
  readonly name: string;
}

/** Datasource plugins Kansoku answers for: Prometheus and Prometheus-compatible sources. */
const PROMETHEUS_LIKE = new Set(['prometheus', 'victoriametrics-datasource', 'kansoku', '']);

/** Names that show a datasource is certainly not Prometheus. */
const OTHER_NAME_RE =
  /\b(loki|influx(db)?|elastic(search)?|graphite|mysql|postgres(ql)?|mssql|cloudwatch|tempo|jaeger|zipkin|testdata|opentsdb|stackdriver|azure|tempo|pyroscope|parca)\b/i;

/** Classifies a datasource reference. */
export function classifyDatasource(ref: unknown, ctx: MigrationContext): DatasourceClass {
  if (ref === undefined || ref === null || ref === '') return { kind: 'prometheus', name: '' };
  if (typeof ref === 'string') return classifyName(ref, ctx);
  if (isObject(ref)) {
    const uid = asString(ref['uid']) ?? '';
    const type = asString(ref['type']);
    if (uid === '-- Mixed --' || type === 'mixed') return { kind: 'mixed', name: 'Mixed' };
    if (uid === '-- Dashboard --' || type === 'dashboard')
      return { kind: 'dashboard', name: 'Dashboard' };
    if (
      uid === 'grafana' ||
      uid === '-- Grafana --' ||
      (type === 'datasource' && uid === 'grafana')
    )
      return { kind: 'grafana', name: 'Grafana' };
    if (type !== undefined && type !== '' && type !== 'datasource')
      return PROMETHEUS_LIKE.has(type)
        ? { kind: 'prometheus', name: uid }
        : { kind: 'other', name: type };
    return uid === '' ? { kind: 'prometheus', name: '' } : classifyName(uid, ctx);
  }
  return { kind: 'other', name: JSON.stringify(ref) };
}

function classifyName(name: string, ctx: MigrationContext): DatasourceClass {
  if (name === '-- Mixed --') return { kind: 'mixed', name: 'Mixed' };
  if (name === '-- Grafana --' || name === 'grafana') return { kind: 'grafana', name: 'Grafana' };
  if (name === '-- Dashboard --') return { kind: 'dashboard', name: 'Dashboard' };
  if (name === 'default') return { kind: 'prometheus', name };
  const input = /^\$\{(DS_[A-Za-z0-9_]+)\}$/.exec(name)?.[1];
  if (input !== undefined) {
    const plugin = ctx.inputPlugin(input);
    if (plugin === undefined || PROMETHEUS_LIKE.has(plugin)) return { kind: 'prometheus', name };
    return { kind: 'other', name: plugin };
  }
  const variable = /^\$\{?([A-Za-z0-9_]+)(?::[a-z]+)?\}?$/.exec(name)?.[1];
  if (variable !== undefined) {
    const plugin = ctx.variablePlugin(variable);
    if (plugin === undefined || PROMETHEUS_LIKE.has(plugin)) return { kind: 'prometheus', name };
    return { kind: 'other', name: plugin };
  }
  if (OTHER_NAME_RE.test(name)) return { kind: 'other', name };
  return { kind: 'prometheus', name };
}
