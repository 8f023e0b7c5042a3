/**
 * Panel renderers for dashboards stored in Grafana's dashboard JSON model. The dashboard shell
 * imports only this module.
 */
export type {
  PanelTarget,
  PanelModel,
  SeriesData,
  PanelData,
  PanelProps,
  PanelTypeInfo,
  TimeRangeMs,
  FieldConfig,
  FieldConfigSource,
  FieldOverride,
  ThresholdsConfig,
  ThresholdStep,
  ValueMapping,
  MappingResult,
} from './types.js';
export { PanelView } from './PanelView.js';
export { PanelOptionsEditor, type PanelOptionsEditorProps } from './PanelOptionsEditor.js';
export { PANEL_TYPES, normalizePanelType, isKnownPanelType } from './registry.js';
export { PanelMessage } from './PanelMessage.js';
export { migratePanel } from './legacy.js';
export {
  formatUnit,
  formatUnitString,
  formattedValueToString,
  isKnownUnit,
  type FormattedValue,
} from './units.js';
export { REDUCERS, reduce, reducerName } from './reducers.js';
export {
  getDisplayValue,
  applyMappings,
  normalizeMappings,
  activeThreshold,
  type DisplayValue,
} from './display.js';
export { resolveColor, seriesColor } from './colors.js';
