/** Administration: users, tokens and share links (placeholder). */
import type { ReactElement } from 'react';

/** The admin section. */
export function AdminPage(props: { pathname: string }): ReactElement {
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      <p className="empty">Authentication is not enabled ({props.pathname}).</p>
    </section>
  );
}
