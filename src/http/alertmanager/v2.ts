/**
 * The Alertmanager v2 API of the built-in Alertmanager (`/api/v2/alerts`, `/alerts/groups`,
 * `/silences`, `/silence/<id>`, `/status`, `/receivers`), so that amtool, Grafana and
 * Prometheus-style senders can talk to it. Answers are plain JSON as Alertmanager writes them.
 */
import type { ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import {
  AlertmanagerApiError,
  deleteSilence,
  getAlertGroups,
  getAlerts,
  getReceivers,
  getSilence,
  getSilences,
  getStatus,
  postAlerts,
  postSilences,
  type Alertmanager,
  type AlertQuery,
  type VersionInfo,
} from '../../notify/index.js';
import { readBody } from '../body.js';
import { HttpError } from '../errors.js';
import { parseBoolParam } from '../params.js';
import { addAlertHistoryRoute } from './history.js';
import { registerAlertingMetrics, type AlertingMetricsDeps } from './metrics.js';
import { sendJson } from '../respond.js';
import type { Handler, Router } from '../router.js';

/** What the Alertmanager API needs. */
export interface AlertmanagerApiDeps {
  /** The built-in Alertmanager once started; undefined before (503). */
  readonly alertmanager: () => Alertmanager | undefined;
  readonly version: VersionInfo;
  /** Where the rule and alerting self-metrics are registered (absent: none). */
  readonly metrics?: Omit<AlertingMetricsDeps, 'alertmanager'> & { readonly registry: Registry };
}

/** Largest alert or silence body accepted. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Adds the `/api/v2` Alertmanager routes. */
export function addAlertmanagerRoutes(router: Router, deps: AlertmanagerApiDeps): void {
  const am = (): Alertmanager => {
    const a = deps.alertmanager();
    if (!a) throw new HttpError(503, 'unavailable', 'the Alertmanager is not ready yet');
    return a;
  };
  const wrap =
    (fn: Handler): Handler =>
    async (ctx) => {
      try {
        await fn(ctx);
      } catch (err) {
        if (err instanceof AlertmanagerApiError) {
          sendPlainError(ctx.res, err.status, err.message);
          return;
        }
        throw err;
      }
    };
  const json = async (ctx: Parameters<Handler>[0]): Promise<unknown> => {
    const body = await readBody(ctx.req, MAX_BODY_BYTES, undefined);
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch (err) {
      throw new AlertmanagerApiError(
        `cannot parse JSON body: ${err instanceof Error ? err.message : String(err)}`,
        400,
      );
    }
  };

  router.get(
    '/api/v2/alerts',
    wrap((ctx) => {
      sendJson(ctx.res, 200, getAlerts(am(), alertQuery(ctx.url.searchParams)));
    }),
  );
  router.post(
    '/api/v2/alerts',
    wrap(async (ctx) => {
      postAlerts(am(), await json(ctx));
      sendJson(ctx.res, 200, '');
    }),
  );
  router.get(
    '/api/v2/alerts/groups',
    wrap((ctx) => {
      sendJson(ctx.res, 200, getAlertGroups(am(), alertQuery(ctx.url.searchParams)));
    }),
  );
  router.get(
    '/api/v2/silences',
    wrap((ctx) => {
      sendJson(ctx.res, 200, getSilences(am(), { filter: ctx.url.searchParams.getAll('filter') }));
    }),
  );
  router.post(
    '/api/v2/silences',
    wrap(async (ctx) => {
      sendJson(ctx.res, 200, await postSilences(am(), await json(ctx)));
    }),
  );
  router.get(
    '/api/v2/silence/:id',
    wrap((ctx) => {
      sendJson(ctx.res, 200, getSilence(am(), ctx.params['id'] ?? ''));
    }),
  );
  router.add(
    ['DELETE'],
    '/api/v2/silence/:id',
    wrap(async (ctx) => {
      await deleteSilence(am(), ctx.params['id'] ?? '');
      sendJson(ctx.res, 200, '');
    }),
  );
  router.get(
    '/api/v2/status',
    wrap((ctx) => {
      sendJson(ctx.res, 200, getStatus(am(), deps.version));
    }),
  );
  router.get(
    '/api/v2/receivers',
    wrap((ctx) => {
      sendJson(ctx.res, 200, getReceivers(am()));
    }),
  );
  addAlertHistoryRoute(router, deps.alertmanager);
  if (deps.metrics)
    registerAlertingMetrics(deps.metrics.registry, {
      ...deps.metrics,
      alertmanager: deps.alertmanager,
    });
}

/** The filters of `GET /api/v2/alerts` and `/alerts/groups`. */
function alertQuery(p: URLSearchParams): AlertQuery {
  const receiver = p.get('receiver');
  return {
    active: parseBoolParam(p.get('active'), 'active', true),
    silenced: parseBoolParam(p.get('silenced'), 'silenced', true),
    inhibited: parseBoolParam(p.get('inhibited'), 'inhibited', true),
    unprocessed: parseBoolParam(p.get('unprocessed'), 'unprocessed', true),
    muted: parseBoolParam(p.get('muted'), 'muted', true),
    filter: p.getAll('filter'),
    ...(receiver === null || receiver === '' ? {} : { receiver }),
  };
}

/** Alertmanager answers errors with the message as a JSON string. */
function sendPlainError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, message);
}
