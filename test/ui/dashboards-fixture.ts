/**
 * Dashboards for the dashboards browser test: one panel of each type over the server's own
 * metrics, a row, and every kind of template variable.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The panel types the dashboard shows, one panel each. */
export const FIXTURE_PANEL_TYPES = [
  'timeseries',
  'stat',
  'gauge',
  'bargauge',
  'table',
  'heatmap',
  'state-timeline',
  'piechart',
  'text',
] as const;

function target(expr: string, legendFormat = '', instant = false): Record<string, unknown> {
  return { refId: 'A', expr, legendFormat, ...(instant ? { instant: true } : {}) };
}

function query(type: string): Record<string, unknown>[] {
  switch (type) {
    case 'heatmap':
      return [
        {
          ...target(
            'sum by (le) (rate(kansoku_http_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval]))',
            '{{le}}',
          ),
          format: 'heatmap',
        },
      ];
    case 'table':
      return [target('up{job=~"$job"}', '{{instance}}', true)];
    case 'state-timeline':
      return [target('up{job=~"$job"}', '{{job}}')];
    case 'text':
      return [];
    case 'piechart':
    case 'bargauge':
      return [target('sum by (code) (kansoku_http_requests_total{job=~"$job"})', '{{code}}', true)];
    default:
      return [
        target(
          'sum(rate(kansoku_http_requests_total{job=~"$job"}[$__rate_interval])) * $factor',
          'requests ${interval}',
        ),
      ];
  }
}

/** A dashboard (Grafana JSON) with every panel type, a row and every variable type. */
export function fixtureDashboard(title: string): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  FIXTURE_PANEL_TYPES.forEach((type, i) => {
    panels.push({
      id: i + 1,
      type,
      title: `${type} on $job`,
      gridPos: { x: (i % 3) * 8, y: Math.floor(i / 3) * 7, w: 8, h: 7 },
      targets: query(type),
      fieldConfig: { defaults: { unit: type === 'gauge' ? 'reqps' : 'short' }, overrides: [] },
      options: type === 'text' ? { mode: 'markdown', content: '# Notes\nJob is **$job**.' } : {},
    });
  });
  panels.push({
    id: 20,
    type: 'row',
    title: 'More',
    collapsed: false,
    gridPos: { x: 0, y: 21, w: 24, h: 1 },
    panels: [],
  });
  panels.push({
    id: 21,
    type: 'timeseries',
    title: 'Scrape duration',
    gridPos: { x: 0, y: 22, w: 24, h: 6 },
    targets: [target('scrape_duration_seconds{job=~"$job"}', '{{instance}}')],
  });
  panels.push({
    id: 22,
    type: 'stat',
    title: 'Shard $shard',
    repeat: 'shard',
    repeatDirection: 'h',
    gridPos: { x: 0, y: 28, w: 24, h: 4 },
    targets: [target('count(up{job=~"$job"})', '$shard')],
  });
  return {
    title,
    tags: ['test', 'kansoku'],
    time: { from: 'now-5m', to: 'now' },
    refresh: '',
    timezone: 'utc',
    schemaVersion: 39,
    panels,
    templating: {
      list: [
        {
          type: 'query',
          name: 'job',
          label: 'Job',
          query: { query: 'label_values(up, job)', refId: 'vars' },
          multi: true,
          includeAll: true,
          refresh: 2,
          current: { text: 'All', value: '$__all' },
        },
        {
          type: 'query',
          name: 'instance',
          query: 'label_values(up{job=~"$job"}, instance)',
          refresh: 1,
          regex: '/(.*)/',
          sort: 1,
        },
        { type: 'custom', name: 'env', query: 'prod,dev,staging', current: { value: 'dev' } },
        {
          type: 'custom',
          name: 'shard',
          query: 'one,two',
          multi: true,
          current: { value: ['one', 'two'] },
        },
        { type: 'interval', name: 'interval', query: '1m,5m,10m', auto: true, auto_count: 30 },
        { type: 'constant', name: 'factor', query: '1', hide: 2 },
        { type: 'textbox', name: 'note', query: 'hello' },
        { type: 'query', name: 'metric', query: 'metrics(kansoku_http_.*)', refresh: 1 },
        {
          type: 'query',
          name: 'code',
          query: 'query_result(sum by (code) (kansoku_http_requests_total))',
          regex: '/code="(\\d+)"/',
        },
        { type: 'query', name: 'label', query: 'label_names()' },
      ],
    },
  };
}

/**
 * A loopback front server for Kansoku builds whose UI routes do not include `/dashboards/…`
 * yet: client paths under `/dashboards` get the UI's index page (Kansoku's `/`), everything
 * else is forwarded unchanged.
 */
export async function startDashboardsFront(
  apiBase: string,
): Promise<{ base: string; close: () => Promise<void> }> {
  const api = new URL(apiBase);
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const pathname = url.split('?')[0] ?? '/';
    const isPage =
      req.method === 'GET' && (pathname === '/dashboards' || pathname.startsWith('/dashboards/'));
    const up = http.request(
      {
        host: api.hostname,
        port: api.port,
        path: isPage ? '/' : url,
        method: req.method,
        headers: req.headers,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', (e) => {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`cannot reach kansoku: ${e.message}`);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
}

/** Whether Kansoku serves the UI at `/dashboards/…` itself. */
export async function servesDashboards(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/dashboards/d/x`);
    const text = await res.text();
    return res.ok && text.includes('<div id="root">');
  } catch {
    return false;
  }
}
