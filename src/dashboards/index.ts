/**
 * Dashboards: storage with version history and folders on the metadata store, Grafana import
 * and export, provisioning from a directory, and the metric names dashboards use.
 */
export {
  DashboardConflictError,
  DashboardNotFoundError,
  DashboardReadOnlyError,
  DashboardValidationError,
} from './errors.js';
export { GENERAL_FOLDER, FolderStore } from './folders.js';
export { exportGrafanaDashboard } from './grafana/export.js';
export { migrateGrafanaDashboard, type MigrationResult } from './grafana/migrate.js';
export { parseVariableQuery, variableQueryText, type VariableQuery } from './grafana/templating.js';
export {
  KANSOKU_DATASOURCE,
  SCHEMA_VERSION,
  SUPPORTED_PANEL_TYPES,
  SUPPORTED_VARIABLE_TYPES,
  type Dashboard,
  type DashboardMeta,
  type DashboardSummary,
  type Folder,
  type GridPos,
  type ImportWarning,
  type Panel,
  type Target,
  type Variable,
  type VersionInfo,
} from './model.js';
export {
  DashboardService,
  type DashboardWithMeta,
  type ImportResult,
  type ListFilter,
  type WriteBack,
} from './service.js';
export { validateDashboard } from './validate.js';
export {
  MetricUsage,
  dashboardExprs,
  intervalVariables,
  substituteVariables,
  type DashboardExpr,
} from './exprs.js';
export {
  DashboardProvisioner,
  defaultProvisionerOptions,
  type ProvisionerOptions,
  type ScanResult,
} from './provision/provisioner.js';
