/** Sign-in, first-run setup and public share-link pages. */
import { type SyntheticEvent, type ReactElement, useEffect, useState } from 'react';
import { navigate } from '../route.js';
import type { Theme } from '../theme.js';
import { nextPath } from './next.js';
import { login, resolveShare, setup, type ShareTarget } from './session.js';
import './auth.css';

/** The sign-in page. */
export function LoginPage(props: { search: string }): ReactElement {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    setBusy(true);
    setError('');
    login(username, password).then(
      () => {
        navigate(nextPath(props.search), true);
      },
      (err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err.message : String(err));
      },
    );
  };
  return (
    <section className="auth-card" aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Kansoku</h1>
      <form onSubmit={submit}>
        <label>
          User name
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
            }}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
            }}
          />
        </label>
        {error !== '' && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </section>
  );
}

/** The first-run setup page that creates the first admin (`/setup?token=…` from the log). */
export function SetupPage(props: { search: string }): ReactElement {
  const token = new URLSearchParams(props.search).get('token') ?? '';
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    if (password !== confirm) {
      setError('The passwords differ.');
      return;
    }
    setup(token, username, password).then(
      () => {
        navigate('/admin', true);
      },
      (err: unknown) => {
        setError(err instanceof Error ? err.message : String(err));
      },
    );
  };
  if (token === '')
    return (
      <section className="auth-card">
        <h1>Set up Kansoku</h1>
        <p className="empty">
          Open the one-time setup link that Kansoku printed to its log on the first start.
        </p>
      </section>
    );
  return (
    <section className="auth-card" aria-labelledby="setup-title">
      <h1 id="setup-title">Set up Kansoku</h1>
      <p>Create the first administrator. The setup link works only once.</p>
      <form onSubmit={submit}>
        <label>
          User name
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
            }}
          />
        </label>
        <label>
          Password (at least 10 characters)
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={10}
            required
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
            }}
          />
        </label>
        <label>
          Repeat the password
          <input
            name="confirm"
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => {
              setConfirm(e.target.value);
            }}
          />
        </label>
        {error !== '' && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit">Create administrator</button>
      </form>
    </section>
  );
}

/** The latest value of each query of a share link. */
interface SharedResult {
  readonly query: string;
  readonly rows: { labels: string; value: string }[];
  readonly error: string;
}

async function runShared(secret: string, query: string): Promise<SharedResult> {
  const res = await fetch(`/api/v1/query?query=${encodeURIComponent(query)}`, {
    headers: { Authorization: `Bearer ${secret}` },
  });
  const body = (await res.json()) as {
    status?: string;
    error?: string;
    data?: { result?: { metric?: Record<string, string>; value?: [number, string] }[] };
  };
  if (body.status !== 'success')
    return { query, rows: [], error: body.error ?? `HTTP ${res.status}` };
  const rows = (body.data?.result ?? []).map((r) => ({
    labels: Object.entries(r.metric ?? {})
      .map(([k, v]) => `${k}="${v}"`)
      .join(', '),
    value: r.value?.[1] ?? '',
  }));
  return { query, rows, error: '' };
}

/** A public, read-only share link: `/public/<token>`. */
export function PublicPage(props: {
  pathname: string;
  search: string;
  theme: Theme;
}): ReactElement {
  const secret = decodeURIComponent(props.pathname.replace(/^\/public\/?/, ''));
  const [target, setTarget] = useState<ShareTarget | undefined>(undefined);
  const [results, setResults] = useState<SharedResult[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    const state = { live: true };
    resolveShare(secret).then(
      async (t) => {
        if (state.live) setTarget(t);
        const rs = await Promise.all(
          t.queries.filter((q) => !q.includes('$')).map((q) => runShared(secret, q)),
        );
        if (state.live) setResults(rs);
      },
      () => {
        if (state.live) setError('This link is invalid, expired or revoked.');
      },
    );
    return () => {
      state.live = false;
    };
  }, [secret]);
  if (error !== '')
    return (
      <section className="auth-card">
        <h1>Shared view</h1>
        <p className="error-text">{error}</p>
      </section>
    );
  if (!target) return <p className="empty">Loading…</p>;
  return (
    <section className={`shared shared-${props.theme}`} aria-labelledby="shared-title">
      <h1 id="shared-title">{target.title}</h1>
      <p className="meta">
        Read-only {target.kind === 'panel' ? 'panel' : 'dashboard'}
        {Object.keys(target.variables).length > 0 &&
          ` · ${Object.entries(target.variables)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`}
      </p>
      {results.map((r) => (
        <div key={r.query} className="table-wrap">
          <h2 className="mono">{r.query}</h2>
          {r.error !== '' ? (
            <p className="error-text">{r.error}</p>
          ) : (
            <table>
              <tbody>
                {r.rows.map((row) => (
                  <tr key={row.labels}>
                    <td className="mono">{row.labels}</td>
                    <td className="num">{row.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  );
}
