/** `/api/v1/format_query` and `/api/v1/parse_query`. */
import { formatExpr, parseExpr, type Expr } from '../../../promql/parser/index.js';
import { formParams } from '../../form.js';
import { BadParamError } from '../../params.js';
import { sendSuccess } from '../../respond.js';
import type { Router } from '../../router.js';
import { astToJson } from './ast-json.js';

/** Adds the query formatting and parsing endpoints. */
export function addFormatRoutes(router: Router): void {
  router.add(['GET', 'POST'], '/api/v1/format_query', async (ctx) => {
    const expr = parseParam(await formParams(ctx));
    sendSuccess(ctx.res, formatExpr(expr));
  });
  router.add(['GET', 'POST'], '/api/v1/parse_query', async (ctx) => {
    const expr = parseParam(await formParams(ctx));
    sendSuccess(ctx.res, astToJson(expr));
  });
}

/** Parses the `query` parameter; parse errors become 400 `bad_data` naming the parameter. */
function parseParam(p: URLSearchParams): Expr {
  const q = p.get('query') ?? '';
  try {
    return parseExpr(q, {
      experimentalFunctions: true,
      durationExpressions: true,
      extendedRangeSelectors: true,
      binopFillModifiers: true,
    });
  } catch (err) {
    throw new BadParamError(
      `invalid parameter "query": ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  }
}
