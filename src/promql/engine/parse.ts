/** Turns query text into an AST through the parser, remembering recent parses. */
import { ParseError, parseExpr, type Expr } from '../parser/index.js';
import { BadQueryError } from './errors.js';

/** Most parsed queries kept; rule groups and dashboards repeat the same texts. */
const MAX_ENTRIES = 2048;
/** Longer texts are parsed every time (they are rare and would make the cache large). */
const MAX_TEXT = 8192;

/**
 * Recent parses by text (prefixed with the experimental flag). The engine never modifies an AST:
 * later stages (duration resolution, evaluation) copy what they change, so a tree can be shared.
 */
const parsed = new Map<string, Expr>();

/** Parses a query; parse errors become `bad_data` errors carrying the parser's message. */
export function parseQuery(text: string, experimental: boolean): Expr {
  const key = text.length <= MAX_TEXT ? (experimental ? 'x' : '-') + text : undefined;
  if (key !== undefined) {
    const hit = parsed.get(key);
    if (hit !== undefined) return hit;
  }
  let e: Expr;
  try {
    e = parseExpr(text, {
      experimentalFunctions: experimental,
      durationExpressions: experimental,
      extendedRangeSelectors: experimental,
      binopFillModifiers: experimental,
    });
  } catch (err) {
    if (err instanceof ParseError) throw new BadQueryError(err.message, { cause: err });
    throw err;
  }
  if (key !== undefined) {
    // Oldest first in insertion order: drop it when full.
    if (parsed.size >= MAX_ENTRIES) {
      const oldest = parsed.keys().next();
      if (oldest.done !== true) parsed.delete(oldest.value);
    }
    parsed.set(key, e);
  }
  return e;
}
