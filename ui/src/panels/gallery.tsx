/**
 * A gallery of every panel type over generated data, for the panel browser test: the test
 * bundles it on its own (nothing in the application imports it, so it is not in the UI build).
 * Drag-zoom requests are recorded on `window.kpZoom` for the test to read.
 */
import { type ReactElement, useState } from 'react';
import { PanelOptionsEditor } from './PanelOptionsEditor.js';
import { PanelView } from './PanelView.js';
import type { PanelModel, SeriesData, ThresholdsConfig, TimeRangeMs } from './types.js';

const STEP = 60_000;
const POINTS = 60;

function wave(
  refId: string,
  labels: Record<string, string>,
  name: string,
  f: (i: number) => number,
  t0: number,
): SeriesData {
  const timestamps = new Float64Array(POINTS);
  const values = new Float64Array(POINTS);
  for (let i = 0; i < POINTS; i++) {
    timestamps[i] = t0 + i * STEP;
    values[i] = f(i);
  }
  return { refId, labels, name, timestamps, values };
}

function instant(
  refId: string,
  labels: Record<string, string>,
  name: string,
  v: number,
  t: number,
): SeriesData {
  return { refId, labels, name, timestamps: Float64Array.of(t), values: Float64Array.of(v) };
}

/** The panels of the gallery with their data, for a range ending at `to` (ms). */
export function galleryPanels(to: number): { panel: PanelModel; series: SeriesData[] }[] {
  const t0 = to - (POINTS - 1) * STEP;
  const cpu = [0, 1, 2].map((k) =>
    wave(
      'A',
      { instance: `host-${k}` },
      `host-${k}`,
      (i) => 20 + 15 * k + 10 * Math.sin(i / 6 + k),
      t0,
    ),
  );
  const buckets = ['0.1', '0.25', '0.5', '1', '2.5', '+Inf'].map((le, k) =>
    wave('A', { le }, le, (i) => (k + 1) * 10 + i * (k + 1), t0),
  );
  const up = [0, 1].map((k) =>
    wave('A', { job: `job-${k}` }, `job-${k}`, (i) => ((i + k * 7) % 20 < 14 ? 1 : 0), t0),
  );
  const thresholds: ThresholdsConfig = {
    mode: 'absolute',
    steps: [
      { color: 'green', value: null },
      { color: 'orange', value: 50 },
      { color: 'red', value: 70 },
    ],
  };
  return [
    {
      panel: {
        id: 1,
        type: 'timeseries',
        title: 'CPU stacked',
        fieldConfig: {
          defaults: {
            unit: 'percent',
            custom: {
              fillOpacity: 30,
              stacking: { mode: 'normal' },
              thresholdsStyle: { mode: 'line' },
            },
            thresholds,
          },
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'bottom',
            calcs: ['mean', 'max', 'lastNotNull'],
            sortBy: 'Mean',
            sortDesc: true,
          },
          tooltip: { mode: 'multi' },
        },
      },
      series: cpu,
    },
    {
      panel: {
        id: 2,
        type: 'graph',
        title: 'Legacy graph, bars, right axis',
        bars: true,
        lines: false,
        yaxes: [{ format: 'bytes' }, { format: 's' }],
        seriesOverrides: [{ alias: 'host-2', yaxis: 2 }],
        legend: { show: true, values: true, current: true },
      },
      series: cpu,
    },
    {
      panel: {
        id: 3,
        type: 'stat',
        title: 'Stat',
        fieldConfig: { defaults: { unit: 'percent', thresholds } },
        options: { colorMode: 'background', graphMode: 'area' },
      },
      series: cpu,
    },
    {
      panel: {
        id: 4,
        type: 'singlestat',
        title: 'Legacy singlestat',
        format: 'ms',
        valueName: 'current',
        thresholds: '30,60',
        colors: ['green', 'orange', 'red'],
        colorValue: true,
      },
      series: [cpu[0]!],
    },
    {
      panel: {
        id: 5,
        type: 'gauge',
        title: 'Gauge',
        fieldConfig: { defaults: { unit: 'percent', min: 0, max: 100, thresholds } },
        options: { showThresholdMarkers: true },
      },
      series: cpu,
    },
    {
      panel: {
        id: 6,
        type: 'bargauge',
        title: 'Bar gauge LCD',
        fieldConfig: { defaults: { unit: 'percent', min: 0, max: 100, thresholds } },
        options: { displayMode: 'lcd', orientation: 'horizontal' },
      },
      series: cpu,
    },
    {
      panel: {
        id: 7,
        type: 'bargauge',
        title: 'Bar gauge gradient vertical',
        fieldConfig: { defaults: { unit: 'percent', min: 0, max: 100, thresholds } },
        options: { displayMode: 'gradient', orientation: 'vertical' },
      },
      series: cpu,
    },
    {
      panel: {
        id: 8,
        type: 'table',
        title: 'Table',
        targets: [
          { refId: 'A', instant: true, format: 'table' },
          { refId: 'B', instant: true, format: 'table' },
        ],
        options: { footer: { show: true, reducer: ['sum'] } },
        fieldConfig: {
          defaults: {},
          overrides: [
            {
              matcher: { id: 'byName', options: 'Value #A' },
              properties: [
                { id: 'unit', value: 'bytes' },
                { id: 'custom.cellOptions', value: { type: 'color-text' } },
              ],
            },
          ],
        },
      },
      series: [
        instant('A', { instance: 'host-0', job: 'node' }, 'a', 1536, to),
        instant('A', { instance: 'host-1', job: 'node' }, 'b', 3 * 1024 ** 3, to),
        instant('B', { instance: 'host-0', job: 'node' }, 'c', 0.5, to),
      ],
    },
    {
      panel: {
        id: 9,
        type: 'heatmap',
        title: 'Heatmap',
        options: { color: { mode: 'scheme', scheme: 'Oranges' } },
        fieldConfig: { defaults: { unit: 's' } },
      },
      series: buckets,
    },
    {
      panel: {
        id: 10,
        type: 'state-timeline',
        title: 'State timeline',
        fieldConfig: {
          defaults: {
            mappings: [
              {
                type: 'value',
                options: {
                  '1': { text: 'UP', color: 'green' },
                  '0': { text: 'DOWN', color: 'red' },
                },
              },
            ],
          },
        },
      },
      series: up,
    },
    {
      panel: {
        id: 11,
        type: 'piechart',
        title: 'Pie',
        options: { pieType: 'donut', legend: { values: ['value', 'percent'] } },
      },
      series: cpu,
    },
    {
      panel: {
        id: 12,
        type: 'text',
        title: 'Text',
        options: {
          mode: 'markdown',
          content:
            '# Notes\n\nSome **bold** text and a [link](https://example.com).\n\n<img src=x onerror="window.kpXss=1">\n\n<script>window.kpXss=2</script>\n\n[bad](javascript:window.kpXss=3)',
        },
      },
      series: [],
    },
    {
      panel: {
        id: 13,
        type: 'text',
        title: 'HTML',
        options: {
          mode: 'html',
          content:
            '<p class="html-ok">Hello <b>HTML</b></p><a href="javascript:alert(1)">x</a><svg onload="window.kpXss=4"></svg>',
        },
      },
      series: [],
    },
    { panel: { id: 14, type: 'grafana-worldmap-panel', title: 'Unknown' }, series: cpu },
    { panel: { id: 15, type: 'stat', title: 'Error' }, series: [] },
  ];
}

declare global {
  interface Window {
    kpZoom?: TimeRangeMs[];
  }
}

/** The options editor beside a stat panel it edits (gallery id 16). */
function EditorDemo({
  theme,
  range,
}: {
  theme: 'light' | 'dark';
  range: TimeRangeMs;
}): ReactElement {
  const [panel, setPanel] = useState<PanelModel>({
    id: 16,
    type: 'stat',
    title: 'Edited',
    fieldConfig: { defaults: {} },
  });
  const series = [instant('A', {}, 'memory', 2048, range.to)];
  return (
    <section
      data-panel-id={16}
      style={{ border: '1px solid var(--border)', width: 824, display: 'flex', gap: 8 }}
    >
      <div style={{ width: 400 }}>
        <PanelView
          panel={panel}
          data={{ state: 'done', series }}
          width={400}
          height={200}
          timeRange={range}
          theme={theme}
        />
        <pre className="kp-gallery-json" style={{ fontSize: 10, whiteSpace: 'pre-wrap' }}>
          {JSON.stringify(panel.fieldConfig)}
        </pre>
      </div>
      <div style={{ width: 416 }}>
        <PanelOptionsEditor panel={panel} onChange={setPanel} />
      </div>
    </section>
  );
}

/** Every gallery panel in a 400 × 260 box, then the options editor. */
export function PanelGallery({ theme, to }: { theme: 'light' | 'dark'; to: number }): ReactElement {
  const [range, setRange] = useState<TimeRangeMs>({ from: to - (POINTS - 1) * STEP, to });
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, padding: 12 }}>
      {galleryPanels(to).map(({ panel, series }) => (
        <section
          key={panel.id}
          data-panel-id={panel.id}
          style={{ border: '1px solid var(--border)', width: 400 }}
        >
          <h2 style={{ fontSize: 13, margin: 4 }}>{panel.title}</h2>
          <PanelView
            panel={panel}
            data={
              panel.id === 15
                ? { state: 'error', series: [], error: 'cannot run query: bad_data' }
                : { state: 'done', series }
            }
            width={400}
            height={260}
            timeRange={range}
            theme={theme}
            timeZone="utc"
            onTimeRangeChange={(r) => {
              (window.kpZoom ??= []).push(r);
              setRange(r);
            }}
          />
        </section>
      ))}
      <EditorDemo theme={theme} range={range} />
    </div>
  );
}
