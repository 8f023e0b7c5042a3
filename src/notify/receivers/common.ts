import { createHash } from 'node:crypto';
import type { Alert } from '../alerts/alert.js';
import type { IntegrationConfig } from '../config/index.js';
import type { GroupContext } from '../dispatch/group.js';
import type { TemplateData } from '../template/data.js';
import type { NotificationTemplates } from '../template/templates.js';

/** What every integration needs besides its own settings. */
export interface IntegrationEnv {
  readonly templates: NotificationTemplates;
  /** The external URL of Kansoku's Alertmanager, as in `.ExternalURL`. */
  readonly externalURL: string;
  /**
   * Pushover's messages API URL (Alertmanager has no setting for it); tests point it at a
   * local sink. Default `https://api.pushover.net/1/messages.json`.
   */
  readonly pushoverURL?: string;
}

/** Delivers one notification of one integration; throws `NotifyError` on failure. */
export type Sender = (
  cfg: IntegrationConfig,
  env: IntegrationEnv,
  ctx: GroupContext,
  alerts: readonly Alert[],
) => Promise<void>;

/** A settings value as a string ('' when unset or not scalar). */
export function str(v: unknown): string {
  return typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : '';
}

/** A settings value as a number (0 when unset). */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** Renders a settings field, or the default template text when unset. */
export function field(
  env: IntegrationEnv,
  data: TemplateData,
  cfg: IntegrationConfig,
  key: string,
  def: string,
): string {
  const raw = cfg.settings[key];
  return env.templates.render(raw === undefined || raw === null ? def : str(raw), data);
}

/** A Prometheus duration setting (`30s`, `1m`) in ms; 0 when unset. */
export function durationMs(v: unknown): number {
  const m = /^([0-9]+)(ms|s|m|h)$/.exec(str(v));
  if (!m) return 0;
  const mult: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return Number(m[1]) * (mult[m[2] ?? 's'] ?? 1000);
}

/** Cuts a string to at most `n` characters, ending in '…' when cut (as Alertmanager does). */
export function truncate(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join('')}…`;
}

/** The SHA-256 of the group key in hex: a stable incident/dedup key per group. */
export function hashKey(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}
