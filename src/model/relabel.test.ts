import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, relabel, relabelRule, type RelabelRule } from './index.js';

const L = (r: Record<string, string>): Labels => Labels.fromRecord(r);

describe('relabel', () => {
  const cases: {
    name: string;
    input: Record<string, string>;
    rules: RelabelRule[];
    want: Record<string, string> | undefined;
  }[] = [
    {
      name: 'replace with defaults copies the source',
      input: { a: 'foo', b: 'bar' },
      rules: [relabelRule({ sourceLabels: ['a'], targetLabel: 'd' })],
      want: { a: 'foo', b: 'bar', d: 'foo' },
    },
    {
      name: 'replace with groups and separator',
      input: { a: 'foo', b: 'bar' },
      rules: [
        relabelRule({
          sourceLabels: ['a', 'b'],
          regex: 'f(.*);(.*)r',
          targetLabel: 'a',
          replacement: 'ch${1}-ch${2}',
        }),
      ],
      want: { a: 'choo-chba', b: 'bar' },
    },
    {
      name: 'replace does nothing when the regex does not match',
      input: { a: 'foo' },
      rules: [relabelRule({ sourceLabels: ['a'], regex: 'x.*', targetLabel: 'b' })],
      want: { a: 'foo' },
    },
    {
      name: 'regex is anchored',
      input: { a: 'foo' },
      rules: [relabelRule({ sourceLabels: ['a'], regex: 'o', targetLabel: 'b' })],
      want: { a: 'foo' },
    },
    {
      name: 'empty replacement deletes the target',
      input: { a: 'foo', b: 'x' },
      rules: [relabelRule({ sourceLabels: ['a'], targetLabel: 'b', replacement: '' })],
      want: { a: 'foo' },
    },
    {
      name: '$1x refers to a group named 1x, which is empty',
      input: { a: 'foo' },
      rules: [relabelRule({ sourceLabels: ['a'], targetLabel: 'b', replacement: '$1x' })],
      want: { a: 'foo' },
    },
    {
      name: 'named groups in Go syntax and $$',
      input: { a: 'foo' },
      rules: [
        relabelRule({
          sourceLabels: ['a'],
          regex: '(?P<first>f)(.*)',
          targetLabel: 'b',
          replacement: '$first-$$-${2}',
        }),
      ],
      want: { a: 'foo', b: 'f-$-oo' },
    },
    {
      name: 'target label from a group',
      input: { a: 'some-name-value' },
      rules: [
        relabelRule({
          sourceLabels: ['a'],
          regex: 'some-([^-]+)-([^,]+)',
          targetLabel: '${1}',
          replacement: '${2}',
        }),
      ],
      want: { a: 'some-name-value', name: 'value' },
    },
    {
      name: 'keep drops on no match',
      input: { a: 'foo' },
      rules: [relabelRule({ action: 'keep', sourceLabels: ['a'], regex: 'bar' })],
      want: undefined,
    },
    {
      name: 'drop drops on match, missing label is empty',
      input: { a: 'foo' },
      rules: [relabelRule({ action: 'drop', sourceLabels: ['missing'], regex: '' })],
      want: undefined,
    },
    {
      name: 'keepequal and dropequal',
      input: { a: 'x', b: 'x' },
      rules: [
        relabelRule({ action: 'keepequal', sourceLabels: ['a'], targetLabel: 'b' }),
        relabelRule({ action: 'dropequal', sourceLabels: ['a'], targetLabel: 'c' }),
      ],
      want: { a: 'x', b: 'x' },
    },
    {
      name: 'hashmod matches Prometheus 2.42 (md5, last 8 bytes): foo mod 1000 is 696',
      input: { a: 'foo' },
      rules: [
        relabelRule({ action: 'hashmod', sourceLabels: ['a'], targetLabel: 'h', modulus: 1000 }),
      ],
      want: { a: 'foo', h: '696' },
    },
    {
      name: 'labelmap copies matching names',
      input: { __meta_kubernetes_pod_label_app: 'web', __meta_x: 'y', job: 'j' },
      rules: [relabelRule({ action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' })],
      want: { __meta_kubernetes_pod_label_app: 'web', __meta_x: 'y', app: 'web', job: 'j' },
    },
    {
      name: 'labeldrop and labelkeep match names',
      input: { a: '1', b: '2', c: '3' },
      rules: [
        relabelRule({ action: 'labeldrop', regex: 'a' }),
        relabelRule({ action: 'labelkeep', regex: 'b|z' }),
      ],
      want: { b: '2' },
    },
    {
      name: 'lowercase and uppercase',
      input: { a: 'MiXeD' },
      rules: [
        relabelRule({ action: 'lowercase', sourceLabels: ['a'], targetLabel: 'lo' }),
        relabelRule({ action: 'uppercase', sourceLabels: ['a'], targetLabel: 'up' }),
      ],
      want: { a: 'MiXeD', lo: 'mixed', up: 'MIXED' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = relabel(L(c.input), c.rules);
      assert.deepEqual(got?.toRecord(), c.want);
    });
  }
});
