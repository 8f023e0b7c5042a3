/**
 * The panel contract: panels are stored in Grafana's dashboard JSON model; the dashboard shell
 * runs the queries and hands each panel its data as {@link PanelData}. Pure types only, so node
 * tests and DOM-free modules can import them.
 */

/** One query of a panel, as Grafana stores it (Prometheus datasource fields). */
export interface PanelTarget {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: string;
  hide?: boolean;
  interval?: string;
  intervalFactor?: number;
  datasource?: unknown;
}

/** One threshold step: the colour applies from `value` upwards; the first step has `value: null`. */
export interface ThresholdStep {
  color: string;
  value: number | null;
}

/** Thresholds: absolute values, or percentages of the min..max range. */
export interface ThresholdsConfig {
  mode?: 'absolute' | 'percentage';
  steps: ThresholdStep[];
}

/** What a mapping turns a value into (any of the fields may be absent). */
export interface MappingResult {
  text?: string;
  color?: string;
  index?: number;
  icon?: string;
}

/** A value mapping, Grafana's current model (legacy `type: 1 | 2` forms are converted on read). */
export type ValueMapping =
  | { type: 'value'; options: Record<string, MappingResult> }
  | { type: 'range'; options: { from?: number | null; to?: number | null; result: MappingResult } }
  | { type: 'regex'; options: { pattern: string; result: MappingResult } }
  | {
      type: 'special';
      options: {
        match: 'null' | 'nan' | 'null+nan' | 'true' | 'false' | 'empty';
        result: MappingResult;
      };
    };

/** How a field is coloured. */
export interface FieldColor {
  mode?: string;
  fixedColor?: string;
  seriesBy?: string;
}

/** Grafana's `fieldConfig.defaults`. */
export interface FieldConfig {
  unit?: string;
  min?: number | null;
  max?: number | null;
  decimals?: number | null;
  displayName?: string;
  noValue?: string;
  thresholds?: ThresholdsConfig;
  color?: FieldColor;
  mappings?: ValueMapping[];
  custom?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One override: a matcher and the properties it sets. */
export interface FieldOverride {
  matcher: { id: string; options?: unknown };
  properties: { id: string; value?: unknown }[];
}

/** Grafana's `fieldConfig`. */
export interface FieldConfigSource {
  defaults?: FieldConfig;
  overrides?: FieldOverride[];
}

/** A panel in Grafana's dashboard JSON model. Unknown fields are kept as they are. */
export interface PanelModel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: PanelTarget[];
  fieldConfig?: FieldConfigSource;
  options?: Record<string, unknown>;
  transparent?: boolean;
  repeat?: string;
  collapsed?: boolean;
  panels?: PanelModel[];
  [key: string]: unknown;
}

/**
 * One series of query results, prepared by the shell. `timestamps` are milliseconds, ascending;
 * `values` has the same length (NaN where the sample is NaN). An instant query gives one sample.
 * The arrays belong to the panel once handed over and are not mutated by it.
 */
export interface SeriesData {
  refId: string;
  labels: Record<string, string>;
  /** The legend, already formatted by the shell (legendFormat applied). */
  name: string;
  timestamps: Float64Array;
  values: Float64Array;
}

/** The data of one panel. */
export interface PanelData {
  state: 'loading' | 'done' | 'error';
  series: SeriesData[];
  error?: string;
  warnings?: string[];
}

/** A time range in milliseconds since the epoch. */
export interface TimeRangeMs {
  from: number;
  to: number;
}

/** An annotation event shown on time series panels: a point (`time === timeEnd`) or a region (ms). */
export interface PanelAnnotation {
  readonly source: string;
  readonly color: string;
  readonly time: number;
  readonly timeEnd: number;
  readonly title: string;
  readonly text: string;
  readonly tags: readonly string[];
}

/** Props of {@link PanelView} and of every panel renderer. */
export interface PanelProps {
  panel: PanelModel;
  data: PanelData;
  /** Size of the panel body in CSS pixels (without the shell's title bar). */
  width: number;
  height: number;
  timeRange: TimeRangeMs;
  theme: 'light' | 'dark';
  /**
   * The dashboard's time zone for axes, tooltips and time cells: an IANA name, "utc", or
   * "browser"/undefined for the browser's zone.
   */
  timeZone?: string;
  /** Annotation events of the dashboard, drawn by time series panels. */
  annotations?: readonly PanelAnnotation[];
  /** Called when the user drags to zoom in a time series panel. */
  onTimeRangeChange?: (r: TimeRangeMs) => void;
}

/** A panel type the editor offers. */
export interface PanelTypeInfo {
  type: string;
  name: string;
}
