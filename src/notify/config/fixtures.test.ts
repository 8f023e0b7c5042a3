import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PEER_SKIP, PEER_SUITES } from '../../../test/support/paths.js';
import { AlertmanagerConfigError, loadAlertmanagerConfigFile } from './index.js';

const base = path.join(PEER_SUITES, 'alertmanager-fixtures');

type Invalid = string | { file: string; error_contains: string };
interface Section {
  valid?: string[];
  invalid?: Invalid[];
}

function expected(): Record<string, Section> {
  const raw: unknown = JSON.parse(readFileSync(path.join(base, 'EXPECTED.json'), 'utf8'));
  if (typeof raw !== 'object' || raw === null)
    throw new Error('EXPECTED.json has an unexpected shape');
  const out: Record<string, Section> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'object' && v !== null && ('valid' in v || 'invalid' in v))
      out[k] = v as Section;
  }
  return out;
}

function load(file: string): AlertmanagerConfigError | undefined {
  try {
    loadAlertmanagerConfigFile(file);
    return undefined;
  } catch (e) {
    if (e instanceof AlertmanagerConfigError) return e;
    throw e;
  }
}

describe(
  'alertmanager.yml fixtures (alertmanager-fixtures, EXPECTED.json)',
  { skip: PEER_SKIP },
  () => {
    const exp = PEER_SKIP ? {} : expected();
    for (const [dir, section] of Object.entries(exp)) {
      for (const f of section.valid ?? []) {
        it(`${dir}/${f} loads`, () => {
          const e = load(path.join(base, dir, f));
          assert.equal(e?.message, undefined);
        });
      }
      for (const inv of section.invalid ?? []) {
        const f = typeof inv === 'string' ? inv : inv.file;
        it(`${dir}/${f} is rejected`, () => {
          const e = load(path.join(base, dir, f));
          assert.ok(e, 'expected an error');
          if (typeof inv !== 'string') assert.match(e.message, new RegExp(inv.error_contains));
        });
      }
    }
    it('examples/ha/alertmanager.yml loads', () => {
      assert.equal(load(path.join(base, 'examples/ha/alertmanager.yml'))?.message, undefined);
    });
  },
);
