/** Administration: users (admins), API tokens and share links, and the signed-in user's account. */
import { type SyntheticEvent, type ReactElement, useCallback, useEffect, useState } from 'react';
import { navigate } from '../route.js';
import {
  changePassword,
  createToken,
  createUser,
  deleteUser,
  listShares,
  listTokens,
  listUsers,
  logoutEverywhere,
  revokeShare,
  revokeToken,
  type Share,
  type Token,
  updateUser,
  type User,
} from './session.js';
import { useSession } from './useSession.js';
import './auth.css';

const ROLES = ['viewer', 'editor', 'admin'] as const;
const SCOPES_BY_ROLE: Record<string, readonly string[]> = {
  viewer: ['read'],
  editor: ['read', 'write'],
  admin: ['read', 'write', 'admin'],
};

function when(ms: number, never = 'never'): string {
  return ms === 0 ? never : new Date(ms).toLocaleString();
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The admin section. */
export function AdminPage(props: { pathname: string }): ReactElement {
  const s = useSession();
  if (!s) return <p className="empty">Loading…</p>;
  if (!s.authEnabled)
    return (
      <section aria-labelledby="admin-title">
        <h1 id="admin-title">Admin</h1>
        <p className="empty">
          Authentication is off (Kansoku listens on loopback only). Start it with --auth.enabled to
          manage users, tokens and share links.
        </p>
      </section>
    );
  if (!s.user) {
    navigate(`/login?next=${encodeURIComponent(props.pathname)}`, true);
    return <p className="empty">Sign in to continue.</p>;
  }
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      <Account />
      {s.user.role === 'admin' && <Users self={s.user.name} />}
      <Tokens role={s.user.role} />
      <Shares />
    </section>
  );
}

function Account(): ReactElement {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [status, setStatus] = useState('');
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    changePassword(current, next).then(
      () => {
        setStatus('Password changed; your other sessions were signed out.');
        setCurrent('');
        setNext('');
      },
      (err: unknown) => {
        setStatus(message(err));
      },
    );
  };
  return (
    <div className="admin-section">
      <h2>My account</h2>
      <form className="admin-form inline" onSubmit={submit} aria-label="Change password">
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => {
              setCurrent(e.target.value);
            }}
          />
        </label>
        <label>
          New password
          <input
            type="password"
            autoComplete="new-password"
            minLength={10}
            value={next}
            onChange={(e) => {
              setNext(e.target.value);
            }}
          />
        </label>
        <button type="submit">Change password</button>
        <button
          type="button"
          onClick={() => {
            logoutEverywhere().then(
              () => {
                navigate('/login');
              },
              (err: unknown) => {
                setStatus(message(err));
              },
            );
          }}
        >
          Sign out everywhere
        </button>
      </form>
      {status !== '' && <p role="status">{status}</p>}
    </div>
  );
}

function useList<T>(load: () => Promise<T[]>): [T[], string, () => void] {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState('');
  const reload = useCallback(() => {
    load().then(
      (x) => {
        setItems(x);
        setError('');
      },
      (err: unknown) => {
        setError(message(err));
      },
    );
  }, [load]);
  useEffect(reload, [reload]);
  return [items, error, reload];
}

function Users(props: { self: string }): ReactElement {
  const [users, error, reload] = useList<User>(listUsers);
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('viewer');
  const [password, setPassword] = useState('');
  const [status, setStatus] = useState('');
  const act = (p: Promise<unknown>, done: string): void => {
    p.then(
      () => {
        setStatus(done);
        reload();
      },
      (err: unknown) => {
        setStatus(message(err));
      },
    );
  };
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    act(createUser(name, role, password), `Created ${name}.`);
    setName('');
    setPassword('');
  };
  return (
    <div className="admin-section">
      <h2>Users</h2>
      {error !== '' && <p className="error-text">{error}</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.name}>
                <td className="user-row-name">{u.name}</td>
                <td>
                  <select
                    aria-label={`Role of ${u.name}`}
                    value={u.role}
                    onChange={(e) => {
                      act(
                        updateUser(u.name, { role: e.target.value }),
                        `Changed the role of ${u.name}.`,
                      );
                    }}
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>{when(u.createdAt)}</td>
                <td>
                  <button
                    type="button"
                    disabled={u.name === props.self}
                    onClick={() => {
                      if (window.confirm(`Delete ${u.name} with their sessions and tokens?`))
                        act(deleteUser(u.name), `Deleted ${u.name}.`);
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="admin-form inline" onSubmit={submit} aria-label="New user">
        <label>
          User name
          <input
            value={name}
            required
            onChange={(e) => {
              setName(e.target.value);
            }}
          />
        </label>
        <label>
          Role
          <select
            value={role}
            onChange={(e) => {
              setRole(e.target.value);
            }}
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Password
          <input
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
        <button type="submit">Add user</button>
      </form>
      {status !== '' && <p role="status">{status}</p>}
    </div>
  );
}

function Tokens(props: { role: string }): ReactElement {
  const [tokens, error, reload] = useList<Token>(listTokens);
  const [name, setName] = useState('');
  const [scope, setScope] = useState('read');
  const [expires, setExpires] = useState('90d');
  const [matcher, setMatcher] = useState('');
  const [created, setCreated] = useState('');
  const [status, setStatus] = useState('');
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    createToken({
      name,
      scopes: [scope],
      expires,
      matchers: matcher.trim() === '' ? [] : [matcher],
    }).then(
      (r) => {
        setCreated(r.token);
        setStatus('');
        setName('');
        reload();
      },
      (err: unknown) => {
        setStatus(message(err));
      },
    );
  };
  return (
    <div className="admin-section">
      <h2>API tokens</h2>
      {error !== '' && <p className="error-text">{error}</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Owner</th>
              <th>Scopes</th>
              <th>Matchers</th>
              <th>Expires</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td className="token-row-name">{t.name}</td>
                <td>{t.user === '' ? '(command line)' : t.user}</td>
                <td>{t.scopes.join(', ')}</td>
                <td className="mono">{t.matchers.join(' ')}</td>
                <td>{when(t.expiresAt)}</td>
                <td>{when(t.lastUsedAt)}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => {
                      revokeToken(t.id).then(reload, (err: unknown) => {
                        setStatus(message(err));
                      });
                    }}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="admin-form inline" onSubmit={submit} aria-label="New token">
        <label>
          Name
          <input
            value={name}
            required
            maxLength={100}
            onChange={(e) => {
              setName(e.target.value);
            }}
          />
        </label>
        <label>
          Scope
          <select
            value={scope}
            onChange={(e) => {
              setScope(e.target.value);
            }}
          >
            {(SCOPES_BY_ROLE[props.role] ?? ['read']).map((x) => (
              <option key={x}>{x}</option>
            ))}
          </select>
        </label>
        <label>
          Expires after
          <input
            value={expires}
            placeholder="90d (0: never)"
            onChange={(e) => {
              setExpires(e.target.value);
            }}
          />
        </label>
        <label>
          Only series matching (optional)
          <input
            className="mono"
            value={matcher}
            placeholder='{team="web"}'
            onChange={(e) => {
              setMatcher(e.target.value);
            }}
          />
        </label>
        <button type="submit">Create token</button>
      </form>
      {created !== '' && (
        <div role="status">
          <p>Copy the token now; it is not shown again:</p>
          <p className="secret-once mono">{created}</p>
        </div>
      )}
      {status !== '' && <p className="error-text">{status}</p>}
    </div>
  );
}

function Shares(): ReactElement {
  const [shares, error, reload] = useList<Share>(listShares);
  const [status, setStatus] = useState('');
  return (
    <div className="admin-section">
      <h2>Share links</h2>
      <p className="meta">Share links are created from a dashboard or panel.</p>
      {error !== '' && <p className="error-text">{error}</p>}
      {shares.length === 0 ? (
        <p className="empty">No share links.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Title</th>
                <th>Shows</th>
                <th>Created by</th>
                <th>Expires</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shares.map((x) => (
                <tr key={x.id}>
                  <td>{x.target.title}</td>
                  <td>
                    {x.target.kind} {x.target.dashboard}
                    {x.target.panel !== undefined ? ` / ${x.target.panel}` : ''}
                  </td>
                  <td>{x.user}</td>
                  <td>{when(x.expiresAt)}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() => {
                        revokeShare(x.id).then(reload, (err: unknown) => {
                          setStatus(message(err));
                        });
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {status !== '' && <p className="error-text">{status}</p>}
    </div>
  );
}
