/**
 * Label matchers → postings: which series of a block match all matchers, computed from the
 * postings lists without reading series entries.
 */
import type { Matcher } from '../../model/index.js';
import type { IndexReader } from './index-reader.js';
import { EMPTY_POSTINGS, intersect, subtract, union } from './postings.js';

/** The literal values a matcher selects when `negate` is applied, or undefined if not literal. */
function literals(m: Matcher, negate: boolean): readonly string[] | undefined {
  if ((m.type === '=' && !negate) || (m.type === '!=' && negate)) return [m.value];
  if ((m.type === '=~' && !negate) || (m.type === '!~' && negate)) return m.setMatches;
  return undefined;
}

/** Pair positions of label `nameIdx` whose value matches (`negate` false) or does not (true). */
async function matchingPairs(
  ir: IndexReader,
  nameIdx: number,
  m: Matcher,
  negate: boolean,
): Promise<number[]> {
  const lits = literals(m, negate);
  const out: number[] = [];
  if (lits) {
    for (const v of lits) {
      if (v === '') continue;
      const p = await ir.findPair(nameIdx, v);
      if (p >= 0) out.push(p);
    }
    return [...new Set(out)].sort((a, b) => a - b);
  }
  const values = await ir.values(nameIdx);
  const first = ir.nameFirstPair[nameIdx]!;
  for (let i = 0; i < values.length; i++) {
    if (m.matches(values[i]!) !== negate) out.push(first + i);
  }
  return out;
}

/**
 * The sorted references of series matching all matchers. A missing label matches as the empty
 * string; when every matcher matches the empty string, the result starts from all series.
 */
export async function postingsForMatchers(
  ir: IndexReader,
  matchers: readonly Matcher[],
): Promise<Float64Array> {
  let result: Float64Array | undefined;
  const excluded: Float64Array[] = [];
  // Equality matchers first: they are the cheapest and usually the most selective.
  const ordered = [...matchers].sort((a, b) => Number(a.type !== '=') - Number(b.type !== '='));
  for (const m of ordered) {
    const ni = ir.nameIndex(m.name);
    if (m.matchesEmpty()) {
      if (ni < 0) continue;
      const pairs = await matchingPairs(ir, ni, m, true);
      if (pairs.length > 0) excluded.push(union(await ir.postings(pairs)));
      continue;
    }
    if (ni < 0) return EMPTY_POSTINGS;
    const pairs = await matchingPairs(ir, ni, m, false);
    if (pairs.length === 0) return EMPTY_POSTINGS;
    const p = union(await ir.postings(pairs));
    result = result ? intersect(result, p) : p;
    if (result.length === 0) return EMPTY_POSTINGS;
  }
  result ??= await ir.allPostings();
  for (const ex of excluded) result = subtract(result, ex);
  return result;
}
