import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS, argType, getFunction, maxArgs, minArgs, parseExpr } from './index.js';

function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

const PEER =
  process.env.PEER_SUITES_DIR ?? path.resolve(projectRoot(), '..', 'shared', 'peer-suites');
const DOC = path.join(PEER, 'specs', 'prometheus', 'functions.md');

describe('function registry', () => {
  it(
    'has every function of the Prometheus documentation',
    { skip: !fs.existsSync(DOC) && `missing ${DOC}` },
    () => {
      const text = fs.readFileSync(DOC, 'utf8');
      const names = new Set<string>();
      for (const m of text.matchAll(/^##+ .*$/gm)) {
        for (const n of m[0].matchAll(/`([a-z_0-9]+)\(\)`/g)) names.add(n[1]!);
      }
      for (const agg of [
        'avg',
        'min',
        'max',
        'sum',
        'count',
        'last',
        'present',
        'stddev',
        'stdvar',
        'mad',
        'quantile',
      ]) {
        names.add(`${agg}_over_time`);
      }
      for (const trig of [
        'acos',
        'acosh',
        'asin',
        'asinh',
        'atan',
        'atanh',
        'cos',
        'cosh',
        'sin',
        'sinh',
        'tan',
        'tanh',
        'deg',
        'rad',
        'pi',
      ]) {
        names.add(trig);
      }
      assert.ok(names.size > 70, `only ${names.size} names found`);
      for (const n of names) assert.ok(getFunction(n) !== undefined, `missing ${n}`);
    },
  );

  it('describes arities', () => {
    const f = (n: string) => {
      const d = getFunction(n);
      assert.ok(d);
      return [minArgs(d), maxArgs(d)];
    };
    assert.deepEqual(f('rate'), [1, 1]);
    assert.deepEqual(f('round'), [1, 2]);
    assert.deepEqual(f('label_join'), [3, Infinity]);
    assert.deepEqual(f('time'), [0, 0]);
    assert.deepEqual(f('histogram_quantiles'), [3, 12]);
    const lj = getFunction('label_join');
    assert.ok(lj);
    assert.equal(argType(lj, 7), 'string');
  });

  it('every function can be called with its minimal arguments', () => {
    const sample = { scalar: '1', vector: 'x', matrix: 'x[5m]', string: '"s"', none: '' } as const;
    for (const f of FUNCTIONS.values()) {
      const args = f.argTypes.slice(0, minArgs(f)).map((t) => sample[t]);
      const q = `${f.name}(${args.join(', ')})`;
      const e = parseExpr(q, { experimentalFunctions: true });
      assert.equal(e.type, 'Call', q);
      if (f.experimental) assert.throws(() => parseExpr(q), /is not enabled/, q);
    }
  });
});
