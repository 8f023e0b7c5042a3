/** The top bar's user menu: who is signed in, and a sign-out button. */
import type { ReactElement } from 'react';
import { navigate } from '../route.js';
import { logout } from './session.js';
import { useSession } from './useSession.js';

/** Shows the signed-in user with a sign-out button (nothing when auth is off). */
export function UserMenu(): ReactElement | null {
  const s = useSession();
  if (!s?.authEnabled) return null;
  if (!s.user)
    return (
      <a className="user-menu" href="/login">
        Sign in
      </a>
    );
  return (
    <span className="user-menu">
      <span className="user-name" title={`Role: ${s.user.role}`}>
        {s.user.name}
      </span>
      <button
        type="button"
        onClick={() => {
          logout().then(
            () => {
              navigate('/login');
            },
            () => {
              navigate('/login');
            },
          );
        }}
      >
        Sign out
      </button>
    </span>
  );
}
