import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PushPathError, decodeBase64Value, encodeBase64Value, parseGroupingPath } from './index.js';

const labels = (p: string): Record<string, string> =>
  Object.fromEntries(parseGroupingPath(p).labels.map(([n, v]) => [n, v]));

describe('parseGroupingPath', () => {
  it('parses grouping keys like Pushgateway', () => {
    const cases: [string, Record<string, string>][] = [
      ['/metrics/job/some_job', { job: 'some_job' }],
      ['/metrics/job/some_job/', { job: 'some_job' }],
      ['/metrics/job/j/instance/i/zone/z', { instance: 'i', job: 'j', zone: 'z' }],
      ['/metrics/job@base64/L3Zhci90bXA=', { job: '/var/tmp' }],
      ['/metrics/job/j/path@base64/L3Zhci90bXA', { job: 'j', path: '/var/tmp' }],
      ['/metrics/job/j/a@base64/=', { a: '', job: 'j' }],
      ['/metrics/job/j/a@base64/', { a: '', job: 'j' }],
      ['/metrics/job/j/a/', { a: '', job: 'j' }],
      ['/metrics/job/j/job/other', { job: 'j' }],
      ['/metrics/job/j/a/1/a/2', { a: '2', job: 'j' }],
      ['/metrics/job/caf%C3%A9/x/%20y', { job: 'café', x: ' y' }],
      ['/metrics/job/j/v@base64/w7w_', { job: 'j', v: 'ü?' }],
    ];
    for (const [path, want] of cases) assert.deepEqual(labels(path), want, path);
  });

  it('builds a canonical id from the sorted labels', () => {
    const a = parseGroupingPath('/metrics/job/j/b/2/a/1');
    const b = parseGroupingPath('/metrics/job/j/a/1/b/2');
    assert.equal(a.id, b.id);
    assert.equal(a.id, 'a\xff1\xffb\xff2\xffjob\xffj');
  });

  it('rejects paths Pushgateway rejects', () => {
    const cases: [string, RegExp][] = [
      ['/metrics/job/j/a', /odd number of components in label string "\/a"/],
      ['/metrics/job/a%2Fb', /odd number of components/],
      ['/metrics/job/j/__x/1', /improper label name "__x"/],
      ['/metrics/job/j/1a/1', /improper label name "1a"/],
      ['/metrics/job/j/a-b/1', /improper label name "a-b"/],
      ['/metrics/job/j/a@base64/!!', /invalid base64 encoding for label a="!!"/],
      ['/metrics/job/j/a@base64/A', /invalid base64 encoding for label a/],
      ['/metrics/job@base64/=', /job name is required/],
      ['/metrics/job//a/b', /job name is required/],
      ['/metrics/job@base64/%%', /invalid percent-encoding/],
      ['/metrics/other/j', /does not start with \/metrics\/job\//],
    ];
    for (const [path, re] of cases) {
      assert.throws(
        () => parseGroupingPath(path),
        (e: unknown) => e instanceof PushPathError && re.test(e.message),
        path,
      );
    }
  });

  it('encodes and decodes base64 values', () => {
    for (const v of ['', '/var/tmp', 'ü?', 'a b/c'])
      assert.equal(decodeBase64Value(encodeBase64Value(v)), v);
    assert.equal(encodeBase64Value(''), '=');
    assert.equal(decodeBase64Value('YQ=='), 'a');
  });
});
