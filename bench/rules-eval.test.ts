import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EvalLog, evalsFromMetrics, evalsFromRulesApi } from './rules-eval.js';

describe('rule benchmark measurements', () => {
  it('reads Prometheus rule group metrics', () => {
    const text = [
      '# HELP prometheus_rule_group_last_duration_seconds The duration of the last rule group evaluation.',
      'prometheus_rule_group_last_duration_seconds{rule_group="/r/a.yml;node"} 0.029',
      'prometheus_rule_group_last_duration_seconds{rule_group="/r/b.yml;never"} 0',
      'prometheus_rule_group_last_evaluation_timestamp_seconds{rule_group="/r/a.yml;node"} 1.7e+09',
      'prometheus_rule_group_last_evaluation_timestamp_seconds{rule_group="/r/b.yml;never"} 0',
      'prometheus_rule_group_interval_seconds{rule_group="/r/a.yml;node"} 10',
    ].join('\n');
    assert.deepEqual(evalsFromMetrics(text), [
      { group: '/r/a.yml;node', at: 1.7e9, seconds: 0.029 },
    ]);
  });

  it('reads Kansoku /api/v1/rules and counts each evaluation once', () => {
    const body = JSON.stringify({
      status: 'success',
      data: {
        groups: [
          {
            file: '/r/a.yml',
            name: 'node',
            evaluationTime: 0.1,
            lastEvaluation: '2024-01-01T00:00:10Z',
          },
          {
            file: '/r/b.yml',
            name: 'new',
            evaluationTime: 0,
            lastEvaluation: '0001-01-01T00:00:00Z',
          },
        ],
      },
    });
    const evals = evalsFromRulesApi(body);
    assert.deepEqual(evals, [{ group: '/r/a.yml;node', at: 1_704_067_210, seconds: 0.1 }]);
    const log = new EvalLog();
    assert.equal(log.add(evals), 1);
    assert.equal(log.add(evals), 0);
    assert.deepEqual(log.byGroup.get('/r/a.yml;node'), [0.1]);
  });
});
