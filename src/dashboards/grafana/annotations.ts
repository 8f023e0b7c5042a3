/**
 * Annotations and links. The built-in annotation and Prometheus annotation queries (`expr`,
 * `titleFormat`, `textFormat`, `tagKeys`, `step`) are kept; annotations of other datasources are
 * reported and removed. Dashboard and panel links are kept as they are.
 */
import {
  asArray,
  asBool,
  asNumber,
  asObject,
  asString,
  isObject,
  type JsonObject,
} from '../json.js';
import { KANSOKU_DATASOURCE } from '../model.js';
import type { MigrationContext } from './context.js';
import { classifyDatasource } from './datasource.js';

/** Migrates `annotations` to the list Kansoku keeps. */
export function migrateAnnotations(annotations: unknown, ctx: MigrationContext): JsonObject[] {
  const out: JsonObject[] = [];
  asArray(asObject(annotations)?.['list']).forEach((a, i) => {
    const at = `annotations.list[${i}]`;
    if (!isObject(a)) return;
    const name = asString(a['name']) ?? `#${i}`;
    if (asNumber(a['builtIn']) === 1) {
      out.push({ ...a, datasource: { type: 'grafana', uid: '-- Grafana --' } });
      return;
    }
    const ds = classifyDatasource(a['datasource'], ctx);
    if (ds.kind === 'prometheus' && typeof a['expr'] === 'string') {
      const step = asNumber(a['step']);
      out.push({
        ...a,
        datasource: { ...KANSOKU_DATASOURCE },
        ...(step === undefined ? {} : { step: `${step}s` }),
      });
      return;
    }
    if (asBool(a['enable']) === false) {
      ctx.warn(
        at,
        `disabled annotation "${name}" from datasource "${ds.name || ds.kind}" was removed`,
      );
      return;
    }
    ctx.warn(
      at,
      `annotation "${name}" uses datasource "${ds.name || ds.kind}" (${ds.kind === 'grafana' ? "Grafana's own annotation store" : 'not a Prometheus query'}), which Kansoku cannot serve; removed`,
    );
  });
  return out;
}

/** Keeps dashboard links, reporting entries that are not links. */
export function migrateLinks(links: unknown, ctx: MigrationContext): JsonObject[] {
  const out: JsonObject[] = [];
  asArray(links).forEach((l, i) => {
    if (!isObject(l)) {
      ctx.warn(`links[${i}]`, 'link is not an object; removed');
      return;
    }
    const type = asString(l['type']) ?? 'link';
    if (type !== 'link' && type !== 'dashboards')
      ctx.warn(`links[${i}].type`, `link type "${type}" is not supported; kept as is`);
    out.push(l);
  });
  return out;
}
