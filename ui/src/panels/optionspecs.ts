/**
 * The options each panel type offers in the editor, as data: where the value lives in the
 * panel JSON, how it is edited and Grafana's default. DOM-free.
 */

/** One editable option. */
export interface OptionSpec {
  /** Path below the panel, e.g. `['options', 'legend', 'displayMode']`. */
  path: readonly string[];
  label: string;
  kind: 'select' | 'number' | 'bool' | 'text' | 'textarea' | 'calc' | 'calcs';
  choices?: readonly (readonly [string, string])[];
  default: string | number | boolean | readonly string[];
  min?: number;
  max?: number;
  step?: number;
}

const CUSTOM = ['fieldConfig', 'defaults', 'custom'];
const calc: OptionSpec = {
  path: ['options', 'reduceOptions', 'calcs'],
  label: 'Calculation',
  kind: 'calc',
  default: ['lastNotNull'],
};
const orientation: OptionSpec = {
  path: ['options', 'orientation'],
  label: 'Orientation',
  kind: 'select',
  choices: [
    ['auto', 'Auto'],
    ['horizontal', 'Horizontal'],
    ['vertical', 'Vertical'],
  ],
  default: 'auto',
};

const TIMESERIES: readonly OptionSpec[] = [
  {
    path: ['options', 'legend', 'displayMode'],
    label: 'Legend mode',
    kind: 'select',
    choices: [
      ['list', 'List'],
      ['table', 'Table'],
      ['hidden', 'Hidden'],
    ],
    default: 'list',
  },
  {
    path: ['options', 'legend', 'placement'],
    label: 'Legend placement',
    kind: 'select',
    choices: [
      ['bottom', 'Bottom'],
      ['right', 'Right'],
    ],
    default: 'bottom',
  },
  { path: ['options', 'legend', 'calcs'], label: 'Legend values', kind: 'calcs', default: [] },
  {
    path: ['options', 'tooltip', 'mode'],
    label: 'Tooltip',
    kind: 'select',
    choices: [
      ['single', 'Single'],
      ['multi', 'All'],
      ['none', 'Hidden'],
    ],
    default: 'single',
  },
  {
    path: [...CUSTOM, 'drawStyle'],
    label: 'Style',
    kind: 'select',
    choices: [
      ['line', 'Lines'],
      ['bars', 'Bars'],
      ['points', 'Points'],
    ],
    default: 'line',
  },
  {
    path: [...CUSTOM, 'lineInterpolation'],
    label: 'Line interpolation',
    kind: 'select',
    choices: [
      ['linear', 'Linear'],
      ['smooth', 'Smooth'],
      ['stepBefore', 'Step before'],
      ['stepAfter', 'Step after'],
    ],
    default: 'linear',
  },
  {
    path: [...CUSTOM, 'lineWidth'],
    label: 'Line width',
    kind: 'number',
    default: 1,
    min: 0,
    max: 10,
    step: 1,
  },
  {
    path: [...CUSTOM, 'fillOpacity'],
    label: 'Fill opacity',
    kind: 'number',
    default: 0,
    min: 0,
    max: 100,
    step: 5,
  },
  {
    path: [...CUSTOM, 'showPoints'],
    label: 'Show points',
    kind: 'select',
    choices: [
      ['auto', 'Auto'],
      ['always', 'Always'],
      ['never', 'Never'],
    ],
    default: 'auto',
  },
  { path: [...CUSTOM, 'spanNulls'], label: 'Connect null values', kind: 'bool', default: false },
  {
    path: [...CUSTOM, 'stacking', 'mode'],
    label: 'Stack series',
    kind: 'select',
    choices: [
      ['none', 'Off'],
      ['normal', 'Normal'],
      ['percent', '100%'],
    ],
    default: 'none',
  },
  {
    path: [...CUSTOM, 'axisPlacement'],
    label: 'Axis placement',
    kind: 'select',
    choices: [
      ['auto', 'Auto'],
      ['left', 'Left'],
      ['right', 'Right'],
      ['hidden', 'Hidden'],
    ],
    default: 'auto',
  },
  {
    path: [...CUSTOM, 'scaleDistribution', 'type'],
    label: 'Scale',
    kind: 'select',
    choices: [
      ['linear', 'Linear'],
      ['log', 'Logarithmic'],
    ],
    default: 'linear',
  },
  {
    path: [...CUSTOM, 'thresholdsStyle', 'mode'],
    label: 'Show thresholds',
    kind: 'select',
    choices: [
      ['off', 'Off'],
      ['line', 'As lines'],
      ['dashed', 'As dashed lines'],
      ['area', 'As filled regions'],
      ['line+area', 'As lines and filled regions'],
    ],
    default: 'off',
  },
];

/** Options per (normalized) panel type. */
export const OPTION_SPECS: Readonly<Record<string, readonly OptionSpec[]>> = {
  timeseries: TIMESERIES,
  stat: [
    calc,
    {
      path: ['options', 'colorMode'],
      label: 'Color mode',
      kind: 'select',
      choices: [
        ['value', 'Value'],
        ['background', 'Background gradient'],
        ['background_solid', 'Background solid'],
        ['none', 'None'],
      ],
      default: 'value',
    },
    {
      path: ['options', 'graphMode'],
      label: 'Graph mode',
      kind: 'select',
      choices: [
        ['area', 'Area'],
        ['none', 'None'],
      ],
      default: 'area',
    },
    {
      path: ['options', 'textMode'],
      label: 'Text mode',
      kind: 'select',
      choices: [
        ['auto', 'Auto'],
        ['value', 'Value'],
        ['value_and_name', 'Value and name'],
        ['name', 'Name'],
        ['none', 'None'],
      ],
      default: 'auto',
    },
    orientation,
  ],
  gauge: [
    calc,
    {
      path: ['options', 'showThresholdMarkers'],
      label: 'Show threshold markers',
      kind: 'bool',
      default: true,
    },
    {
      path: ['options', 'showThresholdLabels'],
      label: 'Show threshold labels',
      kind: 'bool',
      default: false,
    },
    orientation,
  ],
  bargauge: [
    calc,
    {
      path: ['options', 'displayMode'],
      label: 'Display mode',
      kind: 'select',
      choices: [
        ['gradient', 'Gradient'],
        ['lcd', 'Retro LCD'],
        ['basic', 'Basic'],
      ],
      default: 'gradient',
    },
    orientation,
    { path: ['options', 'showUnfilled'], label: 'Show unfilled area', kind: 'bool', default: true },
  ],
  table: [
    { path: ['options', 'showHeader'], label: 'Show table header', kind: 'bool', default: true },
    {
      path: [...CUSTOM, 'cellOptions', 'type'],
      label: 'Cell type',
      kind: 'select',
      choices: [
        ['auto', 'Auto'],
        ['color-text', 'Colored text'],
        ['color-background', 'Colored background'],
        ['gauge', 'Gauge'],
      ],
      default: 'auto',
    },
  ],
  heatmap: [
    {
      path: ['options', 'color', 'mode'],
      label: 'Color mode',
      kind: 'select',
      choices: [
        ['scheme', 'Scheme'],
        ['opacity', 'Opacity'],
      ],
      default: 'scheme',
    },
    {
      path: ['options', 'color', 'scheme'],
      label: 'Color scheme',
      kind: 'select',
      choices: [
        'Oranges',
        'Blues',
        'Greens',
        'Reds',
        'Purples',
        'Greys',
        'Spectral',
        'RdYlGn',
        'Viridis',
        'Plasma',
        'Turbo',
      ].map((s) => [s, s] as const),
      default: 'Oranges',
    },
    { path: ['options', 'yAxis', 'unit'], label: 'Bucket unit', kind: 'text', default: 'short' },
  ],
  'state-timeline': [
    {
      path: ['options', 'mergeValues'],
      label: 'Merge equal consecutive values',
      kind: 'bool',
      default: true,
    },
    {
      path: ['options', 'showValue'],
      label: 'Show values',
      kind: 'select',
      choices: [
        ['auto', 'Auto'],
        ['always', 'Always'],
        ['never', 'Never'],
      ],
      default: 'auto',
    },
    {
      path: ['options', 'rowHeight'],
      label: 'Row height',
      kind: 'number',
      default: 0.9,
      min: 0.1,
      max: 1,
      step: 0.05,
    },
  ],
  piechart: [
    calc,
    {
      path: ['options', 'pieType'],
      label: 'Pie type',
      kind: 'select',
      choices: [
        ['pie', 'Pie'],
        ['donut', 'Donut'],
      ],
      default: 'pie',
    },
    {
      path: ['options', 'legend', 'displayMode'],
      label: 'Legend mode',
      kind: 'select',
      choices: [
        ['list', 'List'],
        ['hidden', 'Hidden'],
      ],
      default: 'list',
    },
  ],
  text: [
    {
      path: ['options', 'mode'],
      label: 'Mode',
      kind: 'select',
      choices: [
        ['markdown', 'Markdown'],
        ['html', 'HTML'],
        ['code', 'Code'],
      ],
      default: 'markdown',
    },
    { path: ['options', 'content'], label: 'Content', kind: 'textarea', default: '' },
  ],
};
