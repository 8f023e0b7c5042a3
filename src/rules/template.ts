import { Template, prometheusFuncs, type TemplateSample } from '../util/index.js';
import { TEMPLATE_DEFS } from './file.js';
import type { QueryFn } from './query.js';

/** What alert templates may use besides the sample: external labels and URL, template query. */
export interface TemplateEnv {
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
  /** Synchronous query for the `query` template function; absent → `query` fails. */
  readonly query?: ((q: string) => TemplateSample[]) | undefined;
}

/**
 * Expands one alert label or annotation template the way Prometheus does: with `$labels`,
 * `$value`, `$externalLabels` and `$externalURL` defined. A template that fails gives
 * `<error expanding template: …>` instead of throwing.
 */
export function expandAlertTemplate(
  alert: string,
  text: string,
  labels: Readonly<Record<string, string>>,
  value: number,
  env: TemplateEnv,
  nowMs: number,
): string {
  if (!text.includes('{{')) return text;
  try {
    const c = parsedTemplate(alert, text, env);
    c.state.nowMs = nowMs;
    c.state.query = env.query;
    try {
      return c.t.execute({
        Labels: labels,
        ExternalLabels: env.externalLabels,
        ExternalURL: env.externalURL,
        Value: value,
      });
    } finally {
      c.state.query = undefined;
    }
  } catch (e) {
    return `<error expanding template: ${e instanceof Error ? e.message : String(e)}>`;
  }
}

/** A parsed alert template whose functions read the time and query of the current expansion. */
interface ParsedTemplate {
  readonly t: Template;
  readonly externalURL: string;
  /** What the template's `now` and `query` functions use during one expansion. */
  readonly state: { nowMs: number; query: TemplateEnv['query'] };
}

/** Most parsed alert templates kept (every alert of every evaluation expands its templates). */
const MAX_TEMPLATES = 4096;
const templates = new Map<string, ParsedTemplate>();

/**
 * The parsed template of `text` for `alert` (parsing is the costly part of an expansion; the
 * functions are bound to the entry's `nowMs` and `query`, set before each synchronous execute).
 * Throws the parse error, which is not remembered.
 */
function parsedTemplate(alert: string, text: string, env: TemplateEnv): ParsedTemplate {
  const key = `${alert}\u0000${text}`;
  const hit = templates.get(key);
  if (hit !== undefined && hit.externalURL === env.externalURL) return hit;
  const state: ParsedTemplate['state'] = { nowMs: 0, query: undefined };
  const funcs = prometheusFuncs({
    query: (q) => {
      if (!state.query) throw new Error('query is not available here');
      return state.query(q);
    },
    externalURL: env.externalURL,
    now: () => state.nowMs / 1000,
  });
  const parsed: ParsedTemplate = {
    t: new Template(`__alert_${alert}`, TEMPLATE_DEFS + text, funcs),
    externalURL: env.externalURL,
    state,
  };
  if (templates.size >= MAX_TEMPLATES) {
    const oldest = templates.keys().next();
    if (oldest.done !== true) templates.delete(oldest.value);
  }
  templates.set(key, parsed);
  return parsed;
}

/** How many rounds of `query` calls one template may chain (a query built from a query's result). */
const MAX_QUERY_ROUNDS = 4;

/** Whether a template may call `query` (so it needs `expandAlertTemplateAsync`). */
export function usesQuery(text: string): boolean {
  return text.includes('{{') && /\bquery\b/.test(text);
}

/**
 * Expands an alert template whose `query` calls run through the rules' injected `QueryFn` at
 * `nowMs`. Templates are synchronous, so the template is executed once to learn which queries it
 * asks for (they answer empty), the queries run, and it is executed again with their results,
 * until it asks for no new query (at most `MAX_QUERY_ROUNDS` rounds). A failing query makes the
 * template expand to `<error expanding template: …>`, as in Prometheus.
 */
export async function expandAlertTemplateAsync(
  alert: string,
  text: string,
  labels: Readonly<Record<string, string>>,
  value: number,
  env: TemplateEnv,
  nowMs: number,
  query: QueryFn,
  signal?: AbortSignal,
): Promise<string> {
  const cache = new Map<string, TemplateSample[] | Error>();
  for (let round = 0; ; round++) {
    const missing: string[] = [];
    const out = expandAlertTemplate(
      alert,
      text,
      labels,
      value,
      {
        ...env,
        query: (q) => {
          const hit = cache.get(q);
          if (hit instanceof Error) throw hit;
          if (hit !== undefined) return hit;
          missing.push(q);
          return [];
        },
      },
      nowMs,
    );
    if (missing.length === 0 || round >= MAX_QUERY_ROUNDS) return out;
    for (const q of missing) {
      if (cache.has(q)) continue;
      try {
        const res = await query(q, nowMs, signal);
        cache.set(
          q,
          res.map((s) => ({ Labels: s.labels.toRecord(), Value: s.v })),
        );
      } catch (e) {
        cache.set(q, e instanceof Error ? e : new Error(String(e)));
      }
    }
  }
}
