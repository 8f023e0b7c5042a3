/** The application shell: header with navigation and theme toggle, and the current page. */
import { lazy, type MouseEvent, type ReactElement, Suspense } from 'react';
import { AdminPage } from './auth/AdminPage.js';
import { LoginPage, SetupPage } from './auth/pages.js';
import { UserMenu } from './auth/UserMenu.js';
import { AlertsPage } from './alerts/AlertsPage.js';
import { DashboardsPage } from './dashboards/DashboardsPage.js';
import { MetricsBrowser } from './pages/MetricsBrowser.js';
import { PublicPage } from './public/PublicPage.js';
import { Status } from './pages/Status.js';
import { Targets } from './pages/Targets.js';
import { type BarePath, navigate, PAGES, pageFor, type PagePath, useLocation } from './route.js';
import { type Theme, useTheme } from './theme.js';

// Explore (with codemirror) loads on first visit, keeping it out of the other pages' bundle.
const Explore = lazy(() => import('./pages/Explore.js').then((m) => ({ default: m.Explore })));

function renderPage(
  page: PagePath | BarePath,
  pathname: string,
  search: string,
  theme: Theme,
): ReactElement {
  switch (page) {
    case '/dashboards':
      return <DashboardsPage pathname={pathname} search={search} theme={theme} />;
    case '/alerts':
      return <AlertsPage pathname={pathname} search={search} />;
    case '/admin':
      return <AdminPage pathname={pathname} />;
    case '/login':
      return <LoginPage search={search} />;
    case '/setup':
      return <SetupPage search={search} />;
    case '/public':
      return <PublicPage pathname={pathname} search={search} theme={theme} />;
    case '/explore':
      return (
        <Suspense fallback={null}>
          <Explore search={search} theme={theme} />
        </Suspense>
      );
    case '/browse':
      return <MetricsBrowser />;
    case '/targets':
      return <Targets />;
    case '/status':
      return <Status />;
  }
}

/** The root component. */
export function App(): ReactElement {
  const loc = useLocation();
  const [theme, toggleTheme] = useTheme();
  const page = pageFor(loc.pathname);
  const onNav = (e: MouseEvent<HTMLAnchorElement>, path: string): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(path);
  };
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      {page !== '/public' && (
        <header className="topbar">
          <span className="brand">Kansoku</span>
          <nav aria-label="Main">
            {PAGES.map((p) => (
              <a
                key={p.path}
                href={p.path}
                aria-current={p.path === page ? 'page' : undefined}
                onClick={(e) => {
                  onNav(e, p.path);
                }}
              >
                {p.title}
              </a>
            ))}
          </nav>
          <UserMenu />
          <button
            type="button"
            className="theme-toggle"
            onClick={toggleTheme}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </header>
      )}
      <main id="main" tabIndex={-1}>
        {renderPage(page, loc.pathname, page === '/explore' ? loc.search : loc.search, theme)}
      </main>
    </div>
  );
}
