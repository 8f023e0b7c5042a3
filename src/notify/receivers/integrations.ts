import type { AlertmanagerConfig, IntegrationConfig } from '../config/index.js';
import type { Integration } from '../pipeline/pipeline.js';
import { discord, msteams, msteamsv2, slack, telegram, webhook } from './chat.js';
import type { IntegrationEnv, Sender } from './common.js';
import { email } from './email.js';
import { gotify, matrix, ntfy, pushover } from './homelab.js';
import { jira } from './jira.js';
import { opsgenie, pagerduty } from './incident.js';
import { incidentio, mattermost, rocketchat, victorops, webex } from './more.js';
import { sns } from './sns.js';
import { wechat } from './wechat.js';

export type { IntegrationEnv } from './common.js';

/** Senders by integration kind; kinds without one are reported by `buildIntegrations`. */
const SENDERS: Partial<Record<IntegrationConfig['kind'], Sender>> = {
  webhook,
  email,
  slack,
  discord,
  telegram,
  msteams,
  msteamsv2,
  pagerduty,
  opsgenie,
  pushover,
  ntfy,
  gotify,
  matrix,
  mattermost,
  rocketchat,
  webex,
  victorops,
  incidentio,
  sns,
  wechat,
  jira,
};

/** The integration kinds Kansoku can deliver to. */
export const SUPPORTED_KINDS = Object.keys(SENDERS);

/**
 * Builds the integrations of every receiver. Entries of kinds Kansoku cannot deliver to are
 * returned in `unsupported` (as `receiver/kind`) so the caller can warn about them.
 */
export function buildIntegrations(
  cfg: AlertmanagerConfig,
  env: IntegrationEnv,
): { integrations: Map<string, Integration[]>; unsupported: string[] } {
  const integrations = new Map<string, Integration[]>();
  const unsupported: string[] = [];
  for (const r of cfg.receivers) {
    const list: Integration[] = [];
    for (const ic of r.integrations) {
      const send = SENDERS[ic.kind];
      if (send === undefined) {
        unsupported.push(`${r.name}/${ic.kind}`);
        continue;
      }
      list.push({
        receiver: r.name,
        kind: ic.kind,
        index: ic.index,
        sendResolved: ic.sendResolved,
        send: (ctx, alerts) => send(ic, env, ctx, alerts),
      });
    }
    integrations.set(r.name, list);
  }
  return { integrations, unsupported };
}
