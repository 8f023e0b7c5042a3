/** Dashboards: list, view and edit (placeholder until the dashboards pages land). */
import type { ReactElement } from 'react';
import type { Theme } from '../theme.js';

/** The dashboards section; `pathname` selects the list (`/dashboards`) or one dashboard. */
export function DashboardsPage(props: {
  pathname: string;
  search: string;
  theme: Theme;
}): ReactElement {
  return (
    <section aria-labelledby="dashboards-title">
      <h1 id="dashboards-title">Dashboards</h1>
      <p className="empty">
        No dashboards yet ({props.pathname}
        {props.search}, {props.theme} theme).
      </p>
    </section>
  );
}
