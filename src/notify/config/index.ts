/** Parsing and validation of `alertmanager.yml`. */
export {
  loadAlertmanagerConfigFile,
  parseAlertmanagerConfig,
  type AlertmanagerConfig,
} from './load.js';
export { defaultGlobalConfig, type GlobalConfig, type HTTPClientSettings } from './global.js';
export {
  INTEGRATION_KINDS,
  type IntegrationConfig,
  type IntegrationKind,
  type ReceiverConfig,
} from './receivers.js';
export { isValidLabelName, type InhibitRuleConfig, type RouteConfig } from './route.js';
export {
  MatcherParseError,
  formatMatcher,
  parseClassicMatchers,
  parseMatcher,
  parseMatchers,
  parseUTF8Matchers,
  type MatcherSyntax,
} from './matchers.js';
export {
  intervalContains,
  parseTimeIntervalSpec,
  specContains,
  type IntRange,
  type TimeInterval,
  type TimeIntervalSpec,
  type TimeRange,
} from './timeinterval.js';
export { AlertmanagerConfigError } from './yaml.js';
