import { Labels, cmpStr, type Matcher } from '../../model/index.js';
import type { AlertmanagerConfig, RouteConfig, TimeInterval } from '../config/index.js';
import { formatMatcher, intervalContains } from '../config/index.js';

/** Settings of a route after inheritance from its parents. */
export interface RouteOptions {
  readonly receiver: string;
  /** Labels alerts are grouped by; empty with `groupByAll` means one group per label set. */
  readonly groupBy: readonly string[];
  readonly groupByAll: boolean;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  /** Route labels (unrendered templates), merged from the root down. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Alertmanager's defaults for the root route. */
export const DEFAULT_ROUTE_OPTIONS: RouteOptions = {
  receiver: '',
  groupBy: [],
  groupByAll: false,
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3_600_000,
  muteTimeIntervals: [],
  activeTimeIntervals: [],
  labels: {},
};

function compareMatchers(a: Matcher, b: Matcher): number {
  return cmpStr(a.name, b.name) || cmpStr(a.type, b.type) || cmpStr(a.value, b.value);
}

/**
 * A node of the routing tree. Immutable once built; `match` walks the tree depth first, child
 * routes in file order, stopping after the first matching child unless that child has `continue`.
 */
export class Route {
  readonly options: RouteOptions;
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  readonly routes: readonly Route[];
  /** Position among the parent's children (0 for the root). */
  readonly index: number;
  private readonly keyText: string;
  private readonly idText: string;

  constructor(cfg: RouteConfig, parent: Route | undefined, index = 0) {
    const p = parent?.options ?? DEFAULT_ROUTE_OPTIONS;
    const groupBySet = cfg.groupBy !== undefined || cfg.groupByAll;
    this.options = {
      receiver: cfg.receiver !== '' ? cfg.receiver : p.receiver,
      groupBy: groupBySet ? [...(cfg.groupBy ?? [])].sort(cmpStr) : p.groupBy,
      groupByAll: groupBySet ? cfg.groupByAll : p.groupByAll,
      groupWaitMs: cfg.groupWaitMs ?? p.groupWaitMs,
      groupIntervalMs: cfg.groupIntervalMs ?? p.groupIntervalMs,
      repeatIntervalMs: cfg.repeatIntervalMs ?? p.repeatIntervalMs,
      // Time intervals are not inherited by child routes (each route lists its own).
      muteTimeIntervals: cfg.muteTimeIntervals,
      activeTimeIntervals: cfg.activeTimeIntervals,
      labels: { ...p.labels, ...cfg.labels },
    };
    this.matchers = [...cfg.matchers].sort(compareMatchers);
    this.continue = cfg.continue;
    this.index = index;
    const own = `{${this.matchers.map(formatMatcher).join(',')}}`;
    this.keyText = parent === undefined ? own : `${parent.key()}/${own}`;
    this.idText = parent === undefined ? own : `${parent.id()}/${own}/${index}`;
    this.routes = cfg.routes.map((c, i) => new Route(c, this, i));
  }

  /** The route's key: the parent's key, '/', and this route's sorted matchers (`{a="b"}`). */
  key(): string {
    return this.keyText;
  }

  /** A unique id: like the key, with the child index to tell identical siblings apart. */
  id(): string {
    return this.idText;
  }

  /** Whether the labels satisfy this node's own matchers (a missing label is ''). */
  matchesOwn(labels: Labels): boolean {
    return this.matchers.every((m) => m.matches(labels.get(m.name)));
  }

  /** The routes an alert with these labels is delivered through, in tree order. */
  match(labels: Labels): Route[] {
    if (!this.matchesOwn(labels)) return [];
    const all: Route[] = [];
    for (const child of this.routes) {
      const m = child.match(labels);
      all.push(...m);
      if (m.length > 0 && !child.continue) break;
    }
    if (all.length === 0) all.push(this);
    return all;
  }

  /** Every node of the subtree, depth first. */
  walk(fn: (r: Route) => void): void {
    fn(this);
    for (const c of this.routes) c.walk(fn);
  }

  /** The group labels of an alert under this route. */
  groupLabels(labels: Labels): Labels {
    if (this.options.groupByAll) return labels;
    return labels.keepOnly(new Set(this.options.groupBy));
  }
}

/** Builds the routing tree of a configuration. */
export function buildRouteTree(cfg: AlertmanagerConfig): Route {
  return new Route(cfg.route, undefined);
}

/**
 * Whether notifications through the route are muted at the instant: inside any of its
 * `mute_time_intervals`, or outside all of its `active_time_intervals` (when it has some).
 * Unknown names never mute (configuration validation rejects them).
 */
export function routeMuted(
  route: Route,
  intervals: ReadonlyMap<string, TimeInterval>,
  tMs: number,
): { muted: boolean; reason: string } {
  for (const n of route.options.muteTimeIntervals) {
    const ti = intervals.get(n);
    if (ti !== undefined && intervalContains(ti, tMs))
      return { muted: true, reason: `mute time interval ${n}` };
  }
  const active = route.options.activeTimeIntervals;
  if (active.length > 0) {
    const on = active.some((n) => {
      const ti = intervals.get(n);
      return ti !== undefined && intervalContains(ti, tMs);
    });
    if (!on) return { muted: true, reason: 'outside the active time intervals' };
  }
  return { muted: false, reason: '' };
}
