/**
 * Kansoku's dashboard model is Grafana's dashboard JSON at a current schema version: panels with
 * `type`, `gridPos`, `targets`, `fieldConfig` and `options`; rows as `type: "row"` panels holding
 * their collapsed children in `panels`; variables in `templating.list`. Fields Kansoku does not
 * know are kept as they are, so that a dashboard survives a round trip through Kansoku unchanged.
 */
import type { JsonObject } from './json.js';

/** The Grafana schema version Kansoku's dashboards follow. */
export const SCHEMA_VERSION = 39;

/** The datasource reference every Prometheus query of a stored dashboard carries. */
export const KANSOKU_DATASOURCE: Readonly<{ type: 'prometheus'; uid: 'kansoku' }> = {
  type: 'prometheus',
  uid: 'kansoku',
};

/** Panel types the Kansoku UI renders. */
export const SUPPORTED_PANEL_TYPES: readonly string[] = [
  'timeseries',
  'stat',
  'gauge',
  'bargauge',
  'table',
  'heatmap',
  'text',
  'state-timeline',
  'piechart',
  'row',
];

/** Variable types the Kansoku UI evaluates. */
export const SUPPORTED_VARIABLE_TYPES: readonly string[] = [
  'query',
  'custom',
  'interval',
  'constant',
  'textbox',
  'datasource',
];

/** Where a panel sits on the 24-column grid (`h` in grid rows of 30 px). */
export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One PromQL query of a panel. */
export interface Target extends JsonObject {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  /** `time_series`, `table` or `heatmap`. */
  format?: string;
  /** Minimum step, for example `30s` or `$__interval`. */
  interval?: string;
  hide?: boolean;
}

/** A panel; rows are panels of type `row` whose collapsed children sit in `panels`. */
export interface Panel extends JsonObject {
  id?: number;
  type: string;
  title?: string;
  gridPos?: GridPos;
  targets?: Target[];
  fieldConfig?: JsonObject;
  options?: JsonObject;
  collapsed?: boolean;
  panels?: Panel[];
}

/** A template variable of `templating.list`. */
export interface Variable extends JsonObject {
  name: string;
  type: string;
}

/** A dashboard as Kansoku stores and serves it. */
export interface Dashboard extends JsonObject {
  uid: string;
  title: string;
  version: number;
  schemaVersion: number;
  tags: string[];
  panels: Panel[];
  templating: { list: Variable[] };
  time: { from: string; to: string };
  refresh: string | false;
  timezone: string;
}

/** One thing an import could not carry over, and where. */
export interface ImportWarning {
  /** JSON path in the imported dashboard (`panels[3].targets[0].datasource`). */
  readonly path: string;
  /** The panel's title (or id) when the warning concerns a panel. */
  readonly panel?: string;
  readonly message: string;
}

/** A folder of dashboards; `''` is the top level ("General"). */
export interface Folder {
  readonly uid: string;
  readonly title: string;
  /** Whether the folder comes from `--dashboards.dir`. */
  readonly provisioned: boolean;
}

/** A line of the dashboard list. */
export interface DashboardSummary {
  readonly uid: string;
  readonly title: string;
  /** The folder uid, `''` for the top level. */
  readonly folder: string;
  readonly tags: readonly string[];
  readonly version: number;
  /** Milliseconds since the epoch. */
  readonly updatedAt: number;
  readonly provisioned: boolean;
}

/** Facts about a stored dashboard served beside it. */
export interface DashboardMeta {
  readonly version: number;
  readonly updatedAt: number;
  readonly folder: string;
  readonly provisioned: boolean;
  /** The provisioning file relative to `--dashboards.dir`, for provisioned dashboards. */
  readonly file?: string;
  /** Whether the API may change the dashboard (false: provisioned without write-back). */
  readonly editable: boolean;
}

/** One entry of a dashboard's history. */
export interface VersionInfo {
  readonly version: number;
  readonly createdAt: number;
  readonly message: string;
  /** Where the version came from. */
  readonly source: 'api' | 'import' | 'restore' | 'provisioning';
  /** For restores: the version that was restored. */
  readonly restoredFrom?: number;
  /** Who saved it (user name, or the owner of the API token); '' when unknown. */
  readonly author: string;
}
