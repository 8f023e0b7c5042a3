/** Turns query text into an AST through the parser. */
import type { Expr } from '../parser/index.js';
import { BadQueryError } from './errors.js';

/** Parses a query; parse errors become `bad_data` errors. */
export function parseQuery(text: string, experimental: boolean): Expr {
  throw new BadQueryError(
    `cannot parse query ${JSON.stringify(text)} (experimental=${String(experimental)}): the parser is not available yet`,
  );
}
