/** Dashboards: the list at `/dashboards`, one dashboard at `/dashboards/d/<uid>`, a new one at `/dashboards/new`. */
import type { ReactElement } from 'react';
import type { Theme } from '../theme.js';
import { prefetchDashboard } from './api.js';
import { DashboardList } from './DashboardList.js';
import { DashboardView } from './DashboardView.js';
import './dashboards.css';

prefetchDashboard(window.location.pathname);

/** The dashboards section; `pathname` selects the list or one dashboard. */
export function DashboardsPage(props: {
  pathname: string;
  search: string;
  theme: Theme;
}): ReactElement {
  const m = /^\/dashboards\/d\/([^/]+)/.exec(props.pathname);
  if (m) {
    const uid = decodeURIComponent(m[1] ?? '');
    return <DashboardView key={uid} uid={uid} search={props.search} theme={props.theme} />;
  }
  if (props.pathname === '/dashboards/new') {
    return <DashboardView key="new" uid={undefined} search={props.search} theme={props.theme} />;
  }
  return <DashboardList search={props.search} />;
}
