/**
 * Kansoku's built-in Alertmanager: `alertmanager.yml`, routing, grouping, inhibition, silences,
 * the notification log, receivers and the data layer of the Alertmanager v2 API.
 */
export { Alertmanager, type AlertmanagerOptions } from './alertmanager.js';
export * from './config/index.js';
export { fingerprint, isResolved, type Alert } from './alerts/alert.js';
export { AlertStore, InvalidAlertsError, type PostedAlert } from './alerts/store.js';
export { Inhibitor } from './alerts/inhibit.js';
export {
  AlertHistory,
  DEFAULT_HISTORY_MAX_ENTRIES,
  type AlertHistoryOptions,
  type HistoryEntry,
  type HistoryEvent,
  type HistoryQuery,
  type HistoryRecord,
} from './history/history.js';
export {
  AlertForwarder,
  alertsPath,
  defaultForwarderOptions,
  type ForwardAlert,
  type ForwarderOptions,
  type ForwarderStats,
} from './forward/forwarder.js';
export { Dispatcher } from './dispatch/dispatcher.js';
export { AggregationGroup, type FlushFn, type GroupContext } from './dispatch/group.js';
export {
  DEFAULT_ROUTE_OPTIONS,
  Route,
  buildRouteTree,
  routeMuted,
  type RouteOptions,
} from './dispatch/route.js';
export { NotificationLog, needsUpdate, type NflogEntry } from './pipeline/nflog.js';
export {
  DEFAULT_RETRY,
  NotifyError,
  buildPipeline,
  type Integration,
  type RetryOptions,
} from './pipeline/pipeline.js';
export {
  SUPPORTED_KINDS,
  buildIntegrations,
  type IntegrationEnv,
} from './receivers/integrations.js';
export { rfc3339, webhookMessage, type WebhookMessage } from './receivers/payload.js';
export {
  SilenceError,
  Silences,
  silenceState,
  type Silence,
  type SilenceMatcher,
  type SilenceState,
} from './silence/silences.js';
export { KV, templateData, type TemplateAlert, type TemplateData } from './template/data.js';
export { NotificationTemplates, TemplateLoadError } from './template/templates.js';
export { ManualClock, systemClock, type Clock, type TimerHandle } from './util/clock.js';
export { AlertmanagerApiError } from './api/parse.js';
export {
  deleteSilence,
  getAlertGroups,
  getAlerts,
  getReceivers,
  getSilence,
  getSilences,
  getStatus,
  postAlerts,
  postSilences,
  type AlertGroup,
  type AlertQuery,
  type GettableAlert,
  type GettableSilence,
  type VersionInfo,
} from './api/v2.js';
export type { SnapshotStore } from './util/snapshot.js';
