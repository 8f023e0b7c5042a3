import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../model/index.js';
import type { QueryFn } from './query.js';
import { expandAlertTemplate, expandAlertTemplateAsync, usesQuery } from './template.js';

const env = { externalLabels: {}, externalURL: 'http://k' };

/** A fake query function: `up` has two series, `count(up)` one, anything else fails. */
const calls: string[] = [];
const query: QueryFn = (expr, t) => {
  calls.push(expr);
  if (expr === 'up')
    return Promise.resolve([
      { labels: Labels.fromRecord({ __name__: 'up', instance: 'b' }), t, v: 0 },
      { labels: Labels.fromRecord({ __name__: 'up', instance: 'a' }), t, v: 1 },
    ]);
  if (expr === 'count(up)') return Promise.resolve([{ labels: Labels.EMPTY, t, v: 2 }]);
  if (expr === 'up{instance="a"}')
    return Promise.resolve([{ labels: Labels.fromRecord({ instance: 'a' }), t, v: 1 }]);
  return Promise.reject(new Error(`parse error in ${expr}`));
};

async function expand(text: string, labels: Record<string, string> = {}): Promise<string> {
  return expandAlertTemplateAsync('A', text, labels, 1, env, 1_000, query);
}

describe('alert templates with query', () => {
  it('detects templates that call query', () => {
    assert.equal(usesQuery('{{ query "up" }}'), true);
    assert.equal(usesQuery('query is slow'), false);
    assert.equal(usesQuery('{{ $labels.queryx }}'), false);
  });
  it('evaluates query with first, value, label and sortByLabel', async () => {
    assert.equal(await expand('{{ query "count(up)" | first | value }}'), '2');
    assert.equal(
      await expand(
        '{{ range query "up" | sortByLabel "instance" }}{{ .Labels.instance }}={{ .Value }} {{ end }}',
      ),
      'a=1 b=0 ',
    );
    assert.equal(
      await expand('{{ with query "up" }}{{ . | first | label "instance" }}{{ end }}'),
      'b',
    );
  });
  it('runs queries built from labels and from other query results', async () => {
    calls.length = 0;
    const t =
      '{{ $q := printf "up{instance=%q}" $labels.instance }}{{ query $q | first | value }}' +
      '{{ with query "count(up)" }}/{{ . | first | value }}{{ end }}';
    assert.equal(await expand(t, { instance: 'a' }), '1/2');
    assert.deepEqual(calls.sort(), ['count(up)', 'up{instance="a"}']);
  });
  it('turns a failing query into an expansion error', async () => {
    assert.match(await expand('{{ query "bad(" }}'), /^<error expanding template: .*parse error/);
  });
});

describe('alert templates expanded again', () => {
  it('use the labels, value, time and query of each expansion', async () => {
    const text = '{{ $labels.instance }} {{ $value }} {{ (now | humanizeTimestamp) }}';
    assert.equal(
      expandAlertTemplate('R', text, { instance: 'a' }, 1, env, 0),
      'a 1 1970-01-01 00:00:00 +0000 UTC',
    );
    assert.equal(
      expandAlertTemplate('R', text, { instance: 'b' }, 2.5, env, 60_000),
      'b 2.5 1970-01-01 00:01:00 +0000 UTC',
    );
    const q = '{{ with query "count(up)" }}{{ . | first | value }}{{ end }}';
    assert.equal(await expandAlertTemplateAsync('R', q, {}, 1, env, 1_000, query), '2');
    assert.match(expandAlertTemplate('R', q, {}, 1, env, 1_000), /query is not available here/);
    assert.equal(
      expandAlertTemplate('R', '{{ $externalURL }}', {}, 1, { ...env, externalURL: 'http://x' }, 0),
      'http://x',
    );
    assert.equal(expandAlertTemplate('R', '{{ $externalURL }}', {}, 1, env, 0), 'http://k');
  });
});
