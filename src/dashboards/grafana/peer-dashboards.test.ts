/**
 * Imports every dashboard of the peer suite `grafana-dashboards/` and checks that each panel maps
 * to a supported type or is reported, and that every query parses as PromQL once template
 * variables are replaced by placeholders.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { dashboardExprs, intervalVariables, MetricUsage, substituteVariables } from '../exprs.js';
import { SUPPORTED_PANEL_TYPES } from '../model.js';
import { allPanels, validateDashboard } from '../validate.js';
import { migrateGrafanaDashboard } from './migrate.js';

const PROJECT_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json)');
    dir = up;
  }
  return dir;
})();
const PEER =
  process.env['PEER_SUITES_DIR'] ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'peer-suites');
const DIR = path.join(PEER, 'grafana-dashboards');
const SKIP = existsSync(DIR) ? false : `peer dashboards not found at ${DIR} (set PEER_SUITES_DIR)`;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

describe('peer Grafana dashboards', { skip: SKIP }, () => {
  const list = SKIP === false ? files(DIR) : [];
  it('finds the dashboards', () => {
    assert.ok(list.length >= 5, `found ${list.length} dashboards in ${DIR}`);
  });
  let panelsTotal = 0;
  let panelsWarned = 0;
  for (const file of list) {
    it(`imports ${path.relative(DIR, file)}`, () => {
      const source: unknown = JSON.parse(readFileSync(file, 'utf8'));
      const { dashboard, warnings } = migrateGrafanaDashboard(source);
      const d = validateDashboard(dashboard);
      const panels = allPanels(d.panels);
      assert.ok(panels.length > 0, 'has panels');
      for (const [i, p] of panels.entries()) {
        panelsTotal++;
        const warned = warnings.some(
          (w) => w.panel !== undefined && w.panel === (p.title || `#${p.id ?? ''}`),
        );
        if (warned) panelsWarned++;
        if (!SUPPORTED_PANEL_TYPES.includes(p.type))
          assert.ok(
            warned,
            `panel ${i} "${p.title ?? ''}" of type ${p.type} is neither supported nor reported`,
          );
        assert.ok(p.gridPos, `panel ${i} has a position`);
      }
      const intervals = intervalVariables(d);
      const failures: string[] = [];
      const usage = new MetricUsage();
      for (const e of dashboardExprs(d)) {
        const err = usage.add(substituteVariables(e.expr, intervals));
        if (err !== undefined) failures.push(`${e.path}: ${e.expr}: ${err}`);
      }
      assert.deepEqual(failures, [], `queries that do not parse:\n${failures.join('\n')}`);
      assert.ok(usage.names.size > 0, 'queries select metrics');
      const types = new Set(d.templating.list.map((v) => v.type));
      assert.ok(!types.has('adhoc'), 'ad hoc variables are removed (and reported)');
      const json = JSON.stringify(d);
      assert.ok(!json.includes('${DS_'), 'no datasource inputs remain');
    });
  }
  it('reports the totals', () => {
    assert.ok(panelsTotal > 0);
    assert.ok(panelsWarned <= panelsTotal);
  });
});
