/**
 * Pushgateway-compatible push groups: grouping keys from URL paths, the group store with
 * per-group time to live, periodic re-append and staleness markers, and the HTTP contract.
 */
export {
  PushPathError,
  decodeBase64Value,
  encodeBase64Value,
  groupingKey,
  parseGroupingPath,
  type GroupingKey,
} from './path.js';
export { parsePushBody, type ParsedPush, type PushedFamily } from './body.js';
export {
  PushStoreError,
  loadGroups,
  pushGroupsFile,
  saveGroups,
  type GroupState,
} from './persist.js';
export {
  PushStore,
  defaultPushStoreOptions,
  type GroupView,
  type PushOutcome,
  type PushStoreOptions,
} from './store.js';
export { handlePush, parseTTL, type PushRequest, type PushResponse } from './handler.js';
