/** Sign-in and first-run setup pages (public share links: `../public/PublicPage.tsx`). */
import { type SyntheticEvent, type ReactElement, useState } from 'react';
import { navigate } from '../route.js';
import { nextPath } from './next.js';
import { login, setup } from './session.js';
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
