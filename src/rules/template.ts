import { Template, prometheusFuncs, type TemplateSample } from '../util/index.js';
import { TEMPLATE_DEFS } from './file.js';

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
    const funcs = prometheusFuncs({
      ...(env.query ? { query: env.query } : {}),
      externalURL: env.externalURL,
      now: () => nowMs / 1000,
    });
    const t = new Template(`__alert_${alert}`, TEMPLATE_DEFS + text, funcs);
    return t.execute({
      Labels: labels,
      ExternalLabels: env.externalLabels,
      ExternalURL: env.externalURL,
      Value: value,
    });
  } catch (e) {
    return `<error expanding template: ${e instanceof Error ? e.message : String(e)}>`;
  }
}
