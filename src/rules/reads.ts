import { children, type Expr } from '../promql/parser/index.js';

/**
 * The metric names an expression reads, or `'any'` when a selector can match series of any
 * name (no `__name__`, or one matched by a regular expression or a negation). Used to decide
 * whether a rule must see the output of the rules before it in its group.
 */
export type ReadSet = ReadonlySet<string> | 'any';

/** The metric names `expr` selects (see ReadSet). */
export function readNames(expr: Expr): ReadSet {
  const names = new Set<string>();
  const stack: Expr[] = [expr];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    const sel =
      e.type === 'VectorSelector' ? e : e.type === 'MatrixSelector' ? e.vectorSelector : undefined;
    if (sel) {
      let name = sel.name;
      if (name === '') {
        const m = sel.matchers.find((x) => x.name === '__name__');
        if (m?.type !== '=') return 'any';
        name = m.value;
      }
      names.add(name);
      continue;
    }
    stack.push(...children(e));
  }
  return names;
}

/** Whether a rule reading `reads` may see any of the metric names in `written`. */
export function readsAny(reads: ReadSet, written: ReadonlySet<string>): boolean {
  if (written.size === 0) return false;
  if (reads === 'any') return true;
  for (const n of reads) if (written.has(n)) return true;
  return false;
}
