/** Domain model shared by every area: labels, matchers, samples, errors. */
export { Hasher, hashStrings } from './hash.js';
export {
  Labels,
  LabelsBuilder,
  METRIC_NAME,
  cmpStr,
  compareLabels,
  isValidLegacyLabelName,
  isValidLegacyMetricName,
  type Label,
} from './labels.js';
export { Matcher, MatcherError, compileAnchored, type MatchType } from './matcher.js';
export { MAX_TIME, MIN_TIME, STALE_NAN, isStaleNaN, sameFloatBits } from './sample.js';
export {
  BadInputError,
  DuplicateSampleError,
  LimitError,
  OutOfBoundsError,
  StorageUnavailableError,
} from './errors.js';
export {
  RELABEL_ACTIONS,
  applyRule,
  expand,
  relabel,
  relabelRule,
  type RelabelAction,
  type RelabelRule,
} from './relabel.js';
