/**
 * Rules: rule files (loading and validation as `promtool check rules`), recording and alerting
 * rules, rule groups and the manager that runs them, the data of `/api/v1/rules` and
 * `/api/v1/alerts`, and the `promtool test rules` runner. Queries and notifications are injected.
 */
export { RuleFileError, RuleTestError, type RuleIssue } from './errors.js';
export { TEMPLATE_DEFS, checkRuleFiles, countRules, loadRuleFile, parseRuleFile } from './file.js';
export type { GroupSpec, NameValidation, RuleFileOptions, RuleKind, RuleSpec } from './types.js';
export {
  labelsKey,
  queryFnFrom,
  type AlertChange,
  type AlertChangeFn,
  type AlertState,
  type EngineQueryFn,
  type EngineValue,
  type EvalStatus,
  type NotifyAlert,
  type NotifyFn,
  type QueryFn,
  type QuerySample,
  type RuleHealth,
} from './query.js';
export { AlertingRule, RESOLVED_RETENTION_MS, type Alert } from './alerting.js';
export { RecordingRule, RuleEvalError } from './recording.js';
export { Group, generatorURL, type GroupDeps, type Rule } from './group.js';
export {
  RuleManager,
  defaultRuleManagerOptions,
  type RuleManagerDeps,
  type RuleManagerOptions,
} from './manager.js';
export { expandAlertTemplate, type TemplateEnv } from './template.js';
export {
  RulesQueryError,
  alertsData,
  apiAlert,
  formatValueE,
  goTimeJSON,
  groupToken,
  parseRulesQuery,
  rulesData,
  type ApiAlert,
  type ApiAlertingRule,
  type ApiAlertsData,
  type ApiRecordingRule,
  type ApiRuleGroup,
  type ApiRulesData,
  type RulesQuery,
} from './api.js';
export { runRuleUnitTests, type RuleTestDeps, type RuleTestOptions } from './unittest/runner.js';
export {
  SeriesNotationError,
  expandValues,
  parseInputSeries,
  parseSeriesLabels,
  type InputSeries,
} from './unittest/series.js';
