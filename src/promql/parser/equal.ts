/** Structural equality of ASTs, ignoring source positions. */
import type { Matcher } from '../../model/index.js';
import type { Expr } from './ast.js';

function sameNumber(a: unknown, b: unknown): boolean {
  return (
    typeof a === 'number' &&
    typeof b === 'number' &&
    (a === b || (Number.isNaN(a) && Number.isNaN(b)))
  );
}

function isMatcher(v: object): v is Matcher {
  return 'type' in v && 'name' in v && 'value' in v && 'matchesEmpty' in v;
}

const matcherKey = (m: Matcher): string => JSON.stringify([m.name, m.type, m.value]);

function equalMatcherSets(a: readonly Matcher[], b: readonly unknown[]): boolean {
  if (!b.every((x) => typeof x === 'object' && x !== null && isMatcher(x))) return false;
  const ka = a.map(matcherKey).sort();
  const kb = (b as Matcher[]).map(matcherKey).sort();
  return ka.every((k, i) => k === kb[i]);
}

function equalValues(a: unknown, b: unknown): boolean {
  if (a === b || sameNumber(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    const xs: readonly unknown[] = a;
    const ys: readonly unknown[] = b;
    const matchers = xs.filter(
      (x): x is Matcher => typeof x === 'object' && x !== null && isMatcher(x),
    );
    if (matchers.length > 0 && matchers.length === xs.length) return equalMatcherSets(matchers, ys);
    return xs.every((x, i) => equalValues(x, ys[i]));
  }
  if (isMatcher(a) || isMatcher(b)) {
    return (
      isMatcher(a) && isMatcher(b) && a.type === b.type && a.name === b.name && a.value === b.value
    );
  }
  const ka = Object.keys(a).filter(
    (k) => k !== 'posRange' && (a as Record<string, unknown>)[k] !== undefined,
  );
  const kb = Object.keys(b).filter(
    (k) => k !== 'posRange' && (b as Record<string, unknown>)[k] !== undefined,
  );
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    equalValues((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

/**
 * Whether two expressions have the same structure and values, regardless of where they were
 * written in the query text. A selector's matchers are compared as a set (by type, name and
 * value), since printing sorts them; NaN equals NaN.
 */
export function exprEqual(a: Expr, b: Expr): boolean {
  return equalValues(a, b);
}
