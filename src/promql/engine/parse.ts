/** Turns query text into an AST through the parser. */
import { ParseError, parseExpr, type Expr } from '../parser/index.js';
import { BadQueryError } from './errors.js';

/** Parses a query; parse errors become `bad_data` errors carrying the parser's message. */
export function parseQuery(text: string, experimental: boolean): Expr {
  try {
    return parseExpr(text, {
      experimentalFunctions: experimental,
      durationExpressions: experimental,
      extendedRangeSelectors: experimental,
      binopFillModifiers: experimental,
    });
  } catch (err) {
    if (err instanceof ParseError) throw new BadQueryError(err.message, { cause: err });
    throw err;
  }
}
