import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemStorage } from '../../storage/index.js';
import { Engine } from '../index.js';
import { atModifierCases } from './atcheck.js';
import { runScript, type ScriptEngine } from './runner.js';

const SCRIPT = `
load 1m
  up{job="a"} 1 2 3 stale
  c_total 0+60x10

eval instant at 2m up
  up{job="a"} 3

eval instant at 3m up

eval range from 0 to 2m step 1m up
  up{job="a"} 1 2 3

eval instant at 5m rate(c_total[2m])
  expect no_info
  {} 1

eval instant at 0 foo +
`;

describe('script runner', () => {
  it('runs evals against the engine with range and @ checks', async () => {
    const engine = new Engine({
      enableDelayedNameRemoval: true,
      enableExperimentalFunctions: true,
    });
    const out = await runScript('x.test', SCRIPT, {
      engine,
      newStorage: () => new MemStorage(),
      rangeModeCheck: true,
      atModifierCheck: true,
    });
    assert.deepEqual(
      out.map((o) => [o.name, o.status]),
      [
        ['x.test:6', 'pass'],
        ['x.test:9', 'pass'],
        ['x.test:11', 'pass'],
        ['x.test:14', 'pass'],
        ['x.test:18', 'fail'],
      ],
    );
    assert.match(out[4]!.reason, /does not parse/);
  });

  it('reports results that differ from the expectation', async () => {
    const real = new Engine();
    // An engine that ignores @ modifiers: the step-invariance check must catch it.
    const broken: ScriptEngine = {
      instantQuery: (q, expr, t) => real.instantQuery(q, typeof expr === 'string' ? expr : 'up', t),
      rangeQuery: (q, expr, s, e, st) => real.rangeQuery(q, expr, s, e, st),
    };
    const out = await runScript(
      'y.test',
      'load 1m\n  up 1 2 3\n\neval instant at 2m up\n  up 3\n',
      {
        engine: broken,
        newStorage: () => new MemStorage(),
        atModifierCheck: true,
      },
    );
    assert.equal(out[0]!.status, 'fail');
    assert.match(out[0]!.reason, /@-modifier check/);
  });

  it('builds the @ cases like Prometheus', () => {
    const cases = atModifierCases('sum(rate(x[5m])) + max_over_time(y[10m:1m] @ 5)', 60_000);
    assert.deepEqual(
      cases.map((c) => c.t),
      [-600_000, 0, 12_000, 60_000, 600_000],
    );
    assert.equal(atModifierCases('time() + x', 1000).length, 0);
  });
});
