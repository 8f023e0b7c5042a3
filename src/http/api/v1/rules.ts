/** `/api/v1/rules` and `/api/v1/alerts`, over the rule manager's groups. */
import {
  RulesQueryError,
  alertsData,
  parseRulesQuery,
  rulesData,
  type Group,
  type RulesQuery,
} from '../../../rules/index.js';
import { formParams } from '../../form.js';
import { BadParamError } from '../../params.js';
import { sendSuccess } from '../../respond.js';
import type { Router } from '../../router.js';

/** Adds the rule and alert endpoints; `groups` returns the running rule groups (or none). */
export function addRuleRoutes(router: Router, groups: () => readonly Group[]): void {
  router.add(['GET', 'POST'], '/api/v1/rules', async (ctx) => {
    const p = await formParams(ctx);
    let q: RulesQuery;
    try {
      q = parseRulesQuery(p);
    } catch (err) {
      if (err instanceof RulesQueryError) throw new BadParamError(err.message, { cause: err });
      throw err;
    }
    sendSuccess(ctx.res, rulesData(groups(), q));
  });
  router.get('/api/v1/alerts', (ctx) => {
    sendSuccess(ctx.res, alertsData(groups()));
  });
}
