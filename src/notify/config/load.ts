import { readFileSync } from 'node:fs';
import { defaultGlobalConfig, readGlobal, type GlobalConfig } from './global.js';
import { readReceiver, type ReceiverConfig } from './receivers.js';
import { readInhibitRule, readRoute, type InhibitRuleConfig, type RouteConfig } from './route.js';
import { readTimeInterval, type TimeInterval } from './timeinterval.js';
import { AlertmanagerConfigError, MapReader, parseYamlRoot } from './yaml.js';

/** A loaded and validated `alertmanager.yml`. */
export interface AlertmanagerConfig {
  readonly global: GlobalConfig;
  readonly route: RouteConfig;
  readonly receivers: readonly ReceiverConfig[];
  readonly inhibitRules: readonly InhibitRuleConfig[];
  /** `time_intervals` and the deprecated `mute_time_intervals`, by name. */
  readonly timeIntervals: ReadonlyMap<string, TimeInterval>;
  /** Template file patterns, as written (relative ones resolve against the config file's folder). */
  readonly templates: readonly string[];
  /** The file's text, as served by `/api/v2/status`. */
  readonly original: string;
}

function checkRouteRefs(
  route: RouteConfig,
  receivers: ReadonlySet<string>,
  intervals: ReadonlyMap<string, TimeInterval>,
): void {
  if (route.receiver !== '' && !receivers.has(route.receiver)) {
    throw new AlertmanagerConfigError(
      `undefined receiver ${JSON.stringify(route.receiver)} used in route`,
    );
  }
  for (const n of [...route.muteTimeIntervals, ...route.activeTimeIntervals]) {
    if (!intervals.has(n))
      throw new AlertmanagerConfigError(
        `undefined time interval ${JSON.stringify(n)} used in route`,
      );
  }
  for (const c of route.routes) checkRouteRefs(c, receivers, intervals);
}

/**
 * Parses and validates `alertmanager.yml` text. Errors use Alertmanager's messages
 * ("undefined receiver \"x\" used in route", "field x not found in type config.plain", …).
 */
export function parseAlertmanagerConfig(text: string): AlertmanagerConfig {
  const { root, ctx } = parseYamlRoot(text);
  const r = new MapReader(ctx, root, 'config.plain');
  const globalNode = r.raw('global');
  const global =
    globalNode === undefined || globalNode === null
      ? defaultGlobalConfig()
      : readGlobal(ctx, globalNode);
  const templates = r.strList('templates');
  const timeIntervals = new Map<string, TimeInterval>();
  for (const n of r.list('mute_time_intervals')) {
    const ti = readTimeInterval(ctx, n);
    if (timeIntervals.has(ti.name))
      throw new AlertmanagerConfigError(
        `mute time interval ${JSON.stringify(ti.name)} is not unique`,
      );
    timeIntervals.set(ti.name, ti);
  }
  for (const n of r.list('time_intervals')) {
    const ti = readTimeInterval(ctx, n);
    if (timeIntervals.has(ti.name))
      throw new AlertmanagerConfigError(`time interval ${JSON.stringify(ti.name)} is not unique`);
    timeIntervals.set(ti.name, ti);
  }
  const receivers: ReceiverConfig[] = [];
  const names = new Set<string>();
  for (const n of r.list('receivers')) {
    const rc = readReceiver(ctx, global, n);
    if (names.has(rc.name))
      throw new AlertmanagerConfigError(
        `notification config name ${JSON.stringify(rc.name)} is not unique`,
      );
    names.add(rc.name);
    receivers.push(rc);
  }
  const inhibitRules = r.list('inhibit_rules').map((n) => readInhibitRule(ctx, n));
  const routeNode = r.raw('route');
  r.accept('tracing', 'event_recorder');
  r.done();
  if (routeNode === undefined || routeNode === null)
    throw new AlertmanagerConfigError('no routes provided');
  const route = readRoute(ctx, routeNode);
  if (route.receiver === '')
    throw new AlertmanagerConfigError('root route must specify a default receiver');
  if (route.matchers.length > 0)
    throw new AlertmanagerConfigError('root route must not have any matchers');
  if (route.muteTimeIntervals.length > 0)
    throw new AlertmanagerConfigError('root route must not have any mute time intervals');
  if (route.activeTimeIntervals.length > 0)
    throw new AlertmanagerConfigError('root route must not have any active time intervals');
  checkRouteRefs(route, names, timeIntervals);
  return { global, route, receivers, inhibitRules, timeIntervals, templates, original: text };
}

/** Reads and parses an `alertmanager.yml` file. */
export function loadAlertmanagerConfigFile(file: string): AlertmanagerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AlertmanagerConfigError(
      `cannot read alertmanager config ${file}: ${(e as Error).message}`,
    );
  }
  return parseAlertmanagerConfig(text);
}
