/**
 * Alerts: firing and pending alerts grouped by rule, the rules with their state and last
 * evaluation, silences (list, create from an alert, edit, expire, recurring) and the alert
 * history timeline. Sub-pages live under `/alerts`: `/alerts` (alerts), `/alerts/rules`,
 * `/alerts/silences` (with `/new` and `/<id>/edit`) and `/alerts/history`.
 */
import { useEffect, useState, type ReactElement } from 'react';
import { AlertsList } from './AlertsList.js';
import { HistoryView } from './HistoryView.js';
import { go } from './nav.js';
import { RulesList } from './RulesList.js';
import { SilenceEditor } from './SilenceEditor.js';
import { SilencesList } from './SilencesList.js';
import './alerts.css';

const TABS = [
  { path: '/alerts', title: 'Alerts' },
  { path: '/alerts/rules', title: 'Rules' },
  { path: '/alerts/silences', title: 'Silences' },
  { path: '/alerts/history', title: 'History' },
] as const;

/** How often the alert and rule lists reload on their own, ms. */
const REFRESH_MS = 15_000;

/** A counter that increases every `ms` (and on demand): the reload key of the lists. */
function useTick(ms: number): [number, () => void] {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const h = window.setInterval(() => {
      setTick((t) => t + 1);
    }, ms);
    return () => {
      window.clearInterval(h);
    };
  }, [ms]);
  return [
    tick,
    () => {
      setTick((t) => t + 1);
    },
  ];
}

/** The alerts section. */
export function AlertsPage(props: { pathname: string; search: string }): ReactElement {
  const { pathname, search } = props;
  const [tick, refresh] = useTick(REFRESH_MS);
  const tab =
    TABS.slice(1).find((t) => pathname === t.path || pathname.startsWith(`${t.path}/`))?.path ??
    '/alerts';
  const edit = /^\/alerts\/silences\/([^/]+)\/edit$/.exec(pathname);
  let body: ReactElement;
  if (pathname === '/alerts/silences/new') body = <SilenceEditor id="" search={search} />;
  else if (edit) body = <SilenceEditor id={decodeURIComponent(edit[1] ?? '')} search={search} />;
  else if (tab === '/alerts/rules') body = <RulesList tick={tick} />;
  else if (tab === '/alerts/silences') body = <SilencesList tick={tick} />;
  else if (tab === '/alerts/history') body = <HistoryView search={search} />;
  else body = <AlertsList tick={tick} />;
  return (
    <section aria-labelledby="alerts-title" className="alerts-page">
      <div className="alerts-head">
        <h1 id="alerts-title">Alerts</h1>
        <nav aria-label="Alerts sections" className="alerts-tabs">
          {TABS.map((t) => (
            <a
              key={t.path}
              href={t.path}
              aria-current={tab === t.path ? 'page' : undefined}
              onClick={(e) => {
                go(e, t.path);
              }}
            >
              {t.title}
            </a>
          ))}
        </nav>
        <button type="button" onClick={refresh} className="alerts-refresh">
          Refresh
        </button>
      </div>
      {body}
    </section>
  );
}
