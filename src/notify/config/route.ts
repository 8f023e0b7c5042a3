import { Matcher, MatcherError } from '../../model/index.js';
import { MatcherParseError, parseMatchers } from './matchers.js';
import {
  AlertmanagerConfigError,
  MapReader,
  isNull,
  scalarString,
  type YamlContext,
} from './yaml.js';

/**
 * One `<route>` node as written: unset settings stay undefined so that the routing tree can
 * inherit them from the parent.
 */
export interface RouteConfig {
  readonly receiver: string;
  /** `group_by` labels; undefined when not set. */
  readonly groupBy: readonly string[] | undefined;
  /** `group_by: ['...']`: every alert forms its own group. */
  readonly groupByAll: boolean;
  readonly continue: boolean;
  readonly matchers: readonly Matcher[];
  /** Route labels (templates rendered per group), merged with the parent's. */
  readonly labels: Readonly<Record<string, string>>;
  readonly groupWaitMs: number | undefined;
  readonly groupIntervalMs: number | undefined;
  readonly repeatIntervalMs: number | undefined;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly routes: readonly RouteConfig[];
}

/** An `<inhibit_rule>`. */
export interface InhibitRuleConfig {
  readonly name: string;
  readonly sourceMatchers: readonly Matcher[];
  readonly targetMatchers: readonly Matcher[];
  readonly equal: readonly string[];
}

/** Whether a label name is acceptable (any non-empty valid UTF-8 string, as in UTF-8 mode). */
export function isValidLabelName(n: string): boolean {
  return n !== '' && !/\p{Surrogate}/u.test(n);
}

function equalMatchers(r: MapReader, key: string): Matcher[] {
  return r.strMap(key).map(([k, v]) => {
    if (!isValidLabelName(k))
      throw new AlertmanagerConfigError(`invalid label name ${JSON.stringify(k)}`);
    return new Matcher('=', k, v);
  });
}

function regexMatchers(r: MapReader, key: string): Matcher[] {
  return r.entries(key).map(([k, node]) => {
    if (!isValidLabelName(k))
      throw new AlertmanagerConfigError(`invalid label name ${JSON.stringify(k)}`);
    if (isNull(node)) {
      throw new AlertmanagerConfigError(
        `invalid regular expression for label ${JSON.stringify(k)} in ${key}: null`,
      );
    }
    const v = scalarString(r.ctx, node);
    try {
      return new Matcher('=~', k, v);
    } catch (e) {
      if (e instanceof MatcherError) throw new AlertmanagerConfigError(`${key}: ${e.message}`);
      throw e;
    }
  });
}

/** Reads a `matchers:` list; each entry may hold several matchers (`{a="b", c="d"}`). */
export function listMatchers(r: MapReader, key: string): Matcher[] {
  const out: Matcher[] = [];
  for (const line of r.strList(key)) {
    try {
      out.push(...parseMatchers(line).matchers);
    } catch (e) {
      if (e instanceof MatcherParseError) throw new AlertmanagerConfigError(e.message);
      throw e;
    }
  }
  return out;
}

function readGroupBy(r: MapReader): { groupBy: string[] | undefined; all: boolean } {
  if (!r.isList('group_by') && !r.has('group_by')) {
    r.accept('group_by');
    return { groupBy: undefined, all: false };
  }
  const items = r.strList('group_by');
  const groupBy: string[] = [];
  let all = false;
  for (const l of items) {
    if (l === '...') {
      all = true;
      continue;
    }
    if (!isValidLabelName(l))
      throw new AlertmanagerConfigError(`invalid label name ${JSON.stringify(l)} in group_by list`);
    if (groupBy.includes(l))
      throw new AlertmanagerConfigError(`duplicated label ${JSON.stringify(l)} in group_by`);
    groupBy.push(l);
  }
  if (all && groupBy.length > 0) {
    throw new AlertmanagerConfigError(
      'cannot have wildcard group_by (`...`) and other other labels at the same time',
    );
  }
  return { groupBy, all };
}

/** Reads a route node and its children. */
export function readRoute(ctx: YamlContext, node: unknown): RouteConfig {
  const r = new MapReader(ctx, node, 'config.plain');
  const receiver = r.str('receiver');
  const { groupBy, all } = readGroupBy(r);
  const matchers = [
    ...equalMatchers(r, 'match'),
    ...regexMatchers(r, 'match_re'),
    ...listMatchers(r, 'matchers'),
  ];
  const labels: Record<string, string> = {};
  for (const [k, v] of r.strMap('labels')) {
    if (!isValidLabelName(k))
      throw new AlertmanagerConfigError(`invalid label name ${JSON.stringify(k)} in route labels`);
    labels[k] = v;
  }
  const groupWaitMs = r.duration('group_wait');
  const groupIntervalMs = r.duration('group_interval');
  const repeatIntervalMs = r.duration('repeat_interval');
  if (groupIntervalMs === 0) throw new AlertmanagerConfigError('group_interval cannot be zero');
  if (repeatIntervalMs === 0) throw new AlertmanagerConfigError('repeat_interval cannot be zero');
  const cont = r.bool('continue', false);
  const muteTimeIntervals = r.strList('mute_time_intervals');
  const activeTimeIntervals = r.strList('active_time_intervals');
  const routes = r.list('routes').map((n) => readRoute(ctx, n));
  r.done();
  return {
    receiver,
    groupBy,
    groupByAll: all,
    continue: cont,
    matchers,
    labels,
    groupWaitMs,
    groupIntervalMs,
    repeatIntervalMs,
    muteTimeIntervals,
    activeTimeIntervals,
    routes,
  };
}

/** Reads an `<inhibit_rule>`. */
export function readInhibitRule(ctx: YamlContext, node: unknown): InhibitRuleConfig {
  const r = new MapReader(ctx, node, 'config.plain');
  const name = r.str('name');
  const sourceMatchers = [
    ...equalMatchers(r, 'source_match'),
    ...regexMatchers(r, 'source_match_re'),
    ...listMatchers(r, 'source_matchers'),
  ];
  const targetMatchers = [
    ...equalMatchers(r, 'target_match'),
    ...regexMatchers(r, 'target_match_re'),
    ...listMatchers(r, 'target_matchers'),
  ];
  const equal = r.strList('equal');
  for (const l of equal) {
    if (!isValidLabelName(l))
      throw new AlertmanagerConfigError(`invalid label name ${JSON.stringify(l)} in equal list`);
  }
  r.done();
  return { name, sourceMatchers, targetMatchers, equal };
}
