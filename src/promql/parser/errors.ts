/** The error thrown for invalid PromQL. */
import type { PosRange } from './ast.js';

/**
 * Describes where an offset lies in a query as `line:column` (both 1-based), like Prometheus'
 * error messages.
 */
export function positionText(query: string, pos: number): string {
  if (query === '') return 'unknown position';
  if (pos < 0 || pos > query.length) return 'invalid position';
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < pos; i++) {
    if (query.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  return `${line}:${pos - lastBreak}`;
}

/**
 * A syntax or type error in a PromQL query. `message` reads like Prometheus'
 * (`1:5: parse error: unexpected …`); `detail` is the part after `parse error: `.
 */
export class ParseError extends Error {
  override readonly name = 'ParseError';

  constructor(
    /** Where in the query the error is. */
    readonly positionRange: PosRange,
    /** The reason, without position. */
    readonly detail: string,
    /** The query text that was parsed. */
    readonly query: string,
  ) {
    super(`${positionText(query, positionRange.start)}: parse error: ${detail}`);
  }
}
