/**
 * The Grafana dashboards in the peer suites: every panel converts to a panel type Kansoku
 * renders, and every table transformation they use is applied.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { migratePanel } from '../../ui/src/panels/legacy.js';
import { isKnownPanelType } from '../../ui/src/panels/registry.js';
import { panelTransforms, SUPPORTED_TRANSFORMS } from '../../ui/src/panels/transforms.js';
import type { PanelModel } from '../../ui/src/panels/types.js';
import { PEER_SKIP, PEER_SUITES } from '../support/paths.js';

const DIR = path.join(PEER_SUITES, 'grafana-dashboards');

function dashboards(): { file: string; panels: PanelModel[] }[] {
  const out: { file: string; panels: PanelModel[] }[] = [];
  for (const sub of readdirSync(DIR, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    for (const f of readdirSync(path.join(DIR, sub.name))) {
      if (!f.endsWith('.json')) continue;
      const json = JSON.parse(readFileSync(path.join(DIR, sub.name, f), 'utf8')) as {
        panels?: PanelModel[];
        rows?: { panels?: PanelModel[] }[];
      };
      const panels: PanelModel[] = [];
      const walk = (list: PanelModel[] | undefined): void => {
        for (const p of list ?? []) {
          if (p.type === 'row') walk(p.panels);
          else panels.push(p);
        }
      };
      walk(json.panels);
      for (const r of json.rows ?? []) walk(r.panels);
      out.push({ file: `${sub.name}/${f}`, panels });
    }
  }
  return out;
}

describe('peer Grafana dashboards', { skip: PEER_SKIP }, () => {
  for (const { file, panels } of PEER_SKIP ? [] : dashboards()) {
    it(`${file}: ${panels.length} panels convert to supported types`, () => {
      assert.ok(panels.length > 0);
      for (const p of panels) {
        const m = migratePanel(p);
        assert.ok(isKnownPanelType(m.type), `${p.title ?? '?'}: ${p.type} → ${m.type}`);
        for (const t of panelTransforms(m)) {
          assert.ok(
            SUPPORTED_TRANSFORMS.includes(t.id),
            `${p.title ?? '?'}: transformation ${t.id}`,
          );
        }
      }
    });
  }
});
