/** Alerts: firing and pending alerts, rules, silences and history (placeholder). */
import type { ReactElement } from 'react';

/** The alerts section. */
export function AlertsPage(props: { pathname: string; search: string }): ReactElement {
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <p className="empty">
        Nothing to show yet ({props.pathname}
        {props.search}).
      </p>
    </section>
  );
}
