/** What the `/api/v1` query, metadata and status endpoints need from the rest of the program. */
import type { Engine, QueryResultCache } from '../../../promql/index.js';
import type { TargetsView } from './targets.js';
import type { Group } from '../../../rules/index.js';
import type { Storage } from '../../../storage/index.js';
import { HttpError } from '../../errors.js';

/** Head statistics of `/api/v1/status/tsdb`, when the storage has a head. */
export interface HeadStats {
  readonly numSeries: number;
  readonly chunkCount: number;
  /** Smallest timestamp in the head (ms). */
  readonly minTime: number;
  /** Largest timestamp in the head (ms). */
  readonly maxTime: number;
}

/** Runtime facts of `/api/v1/status/runtimeinfo` that only the composition root knows. */
export interface RuntimeFacts {
  readonly startTime: Date;
  readonly reloadConfigSuccess: boolean;
  readonly lastConfigTime: Date;
  readonly corruptionCount: number;
  readonly storageRetention: string;
}

/** A backend's own answer to a forwarded query, sent to the client unchanged. */
export interface ForwardedQueryAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/**
 * Push-down of whole queries to a remote engine (`--storage.remote.mode=pushdown`): resolves
 * with the engine's answer, or undefined when the query must be evaluated locally.
 */
export type QueryForwarder = (
  endpoint: 'query' | 'query_range',
  params: URLSearchParams,
  signal: AbortSignal,
) => Promise<ForwardedQueryAnswer | undefined>;

/** Dependencies of the `/api/v1` endpoints. */
export interface ApiV1Deps {
  /** The storage once open; undefined before (the endpoints answer 503). */
  readonly storage: () => Storage | undefined;
  readonly engine: Engine;
  /** Build information strings (`version`, `revision`, …). */
  readonly buildInfo: Readonly<Record<string, string>>;
  /** Every flag's value as text. */
  readonly flags: Readonly<Record<string, string>>;
  readonly runtime: () => RuntimeFacts;
  /** Head statistics, when the storage can tell them. */
  readonly headStats?: () => HeadStats | undefined;
  /** Default and upper bound of `timeout` for queries, in ms (`--query.timeout`). */
  readonly queryTimeoutMs: number;
  /** Scrape targets and pools (an empty view when scraping is not running). */
  readonly targets?: () => TargetsView;
  /** The running rule groups (none when undefined). */
  readonly ruleGroups?: () => readonly Group[];
  /** Forwards queries to a remote engine when set (push-down mode); local evaluation otherwise. */
  readonly queryForwarder?: QueryForwarder;
  /** The configuration text of `/api/v1/status/config`. */
  readonly configYaml?: () => string;
  /** The range-query result cache, once the storage is open (none: every query is evaluated). */
  readonly queryCache?: () => QueryResultCache | undefined;
}

/** The storage, or a 503 error when it is not open yet. */
export function needStorage(deps: ApiV1Deps): Storage {
  const s = deps.storage();
  if (!s) throw new HttpError(503, 'unavailable', 'cannot serve request: storage is not ready yet');
  return s;
}
