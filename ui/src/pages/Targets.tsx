/**
 * Targets: every scrape pool with its targets' health, last scrape, duration, error and labels,
 * and per target the labels before relabeling (as discovered) beside those after it.
 */
import { Fragment, useState, type ReactElement } from 'react';
import { fetchDroppedTargets, fetchTargets } from '../api/client.js';
import type { DroppedTarget, Metric, Target } from '../api/types.js';
import { LoadState } from '../components/Status.js';
import { useApi } from '../useApi.js';

function ago(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return 'never';
  const s = Math.max(0, (Date.now() - t) / 1000);
  if (s < 60) return `${s.toFixed(1)} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${(s / 3600).toFixed(1)} h ago`;
}

function byPool(targets: readonly Target[]): Map<string, Target[]> {
  const m = new Map<string, Target[]>();
  for (const t of targets) {
    const list = m.get(t.scrapePool) ?? [];
    list.push(t);
    m.set(t.scrapePool, list);
  }
  return new Map([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function Chips({ labels }: { labels: Metric }): ReactElement {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="empty">none</span>;
  return (
    <>
      {entries.map(([k, v]) => (
        <span key={k} className="label-chip mono">
          {k}="{v}"
        </span>
      ))}
    </>
  );
}

/** The labels before and after relabeling, side by side. */
function Relabeling({ target }: { target: Target }): ReactElement {
  return (
    <div className="grid2 relabeling">
      <div>
        <h3>Before relabeling (discovered)</h3>
        <Chips labels={target.discoveredLabels} />
      </div>
      <div>
        <h3>After relabeling (target labels)</h3>
        <Chips labels={target.labels} />
      </div>
    </div>
  );
}

function TargetRows({ t }: { t: Target }): ReactElement {
  const [open, setOpen] = useState(false);
  const id = `relabel-${t.scrapePool}-${t.scrapeUrl}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <Fragment>
      <tr>
        <td className="mono">{t.scrapeUrl}</td>
        <td>
          <span className={`badge health-${t.health}`}>{t.health}</span>
        </td>
        <td>
          <Chips labels={t.labels} />
          <button
            type="button"
            aria-expanded={open}
            aria-controls={id}
            onClick={() => {
              setOpen(!open);
            }}
          >
            {open ? 'hide' : 'before / after relabeling'}
          </button>
        </td>
        <td>{ago(t.lastScrape)}</td>
        <td>{(t.lastScrapeDuration * 1000).toFixed(1)} ms</td>
        <td className="error-text">{t.lastError}</td>
      </tr>
      {open && (
        <tr id={id}>
          <td colSpan={6}>
            <Relabeling target={t} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** Targets relabeling dropped, per pool, with the labels they were discovered with. */
function Dropped({ targets }: { targets: readonly DroppedTarget[] }): ReactElement | null {
  if (targets.length === 0) return null;
  const pools = new Map<string, DroppedTarget[]>();
  for (const t of targets) pools.set(t.scrapePool, [...(pools.get(t.scrapePool) ?? []), t]);
  return (
    <section aria-labelledby="dropped-title">
      <h2 id="dropped-title">Dropped by relabeling</h2>
      {[...pools]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([pool, list]) => (
          <details key={pool} className="pool">
            <summary>
              {pool} <span className="meta">({list.length} dropped)</span>
            </summary>
            <div className="table-wrap">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">Labels before relabeling (discovered)</th>
                    <th scope="col">After relabeling</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((t) => (
                    <tr key={JSON.stringify(t.discoveredLabels)}>
                      <td>
                        <Chips labels={t.discoveredLabels} />
                      </td>
                      <td className="meta">dropped</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        ))}
    </section>
  );
}

/** The targets page. */
export function Targets(): ReactElement {
  const state = useApi(fetchTargets);
  const dropped = useApi(fetchDroppedTargets);
  return (
    <section aria-labelledby="targets-title">
      <h1 id="targets-title">Targets</h1>
      <LoadState state={state}>
        {(targets) =>
          targets.length === 0 ? (
            <p className="empty">No active targets.</p>
          ) : (
            [...byPool(targets)].map(([pool, list]) => {
              const up = list.filter((t) => t.health === 'up').length;
              return (
                <section key={pool} className="pool" aria-label={`Pool ${pool}`}>
                  <h2>
                    {pool}{' '}
                    <span className="meta">
                      ({up}/{list.length} up)
                    </span>
                  </h2>
                  <div className="table-wrap">
                    <table className="data">
                      <thead>
                        <tr>
                          <th scope="col">Endpoint</th>
                          <th scope="col">Health</th>
                          <th scope="col">Labels</th>
                          <th scope="col">Last scrape</th>
                          <th scope="col">Duration</th>
                          <th scope="col">Error</th>
                        </tr>
                      </thead>
                      <tbody>
                        {list.map((t) => (
                          <TargetRows key={t.scrapeUrl + JSON.stringify(t.labels)} t={t} />
                        ))}
                      </tbody>
                    </table>
                  </div>
                </section>
              );
            })
          )
        }
      </LoadState>
      {dropped.kind === 'done' && <Dropped targets={dropped.data} />}
    </section>
  );
}
