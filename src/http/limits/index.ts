/** Request admission: per-client rate limits and memory back-pressure before handlers run. */
export {
  RequestLimits,
  routeClass,
  type LimitReason,
  type MemoryState,
  type RequestLimitOptions,
  type RouteClass,
} from './admission.js';
export { TokenBuckets } from './tokenbucket.js';
