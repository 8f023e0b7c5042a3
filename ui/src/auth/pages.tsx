/** Sign-in, first-run setup and public share-link pages (placeholders). */
import type { ReactElement } from 'react';
import type { Theme } from '../theme.js';

/** The sign-in page. */
export function LoginPage(props: { search: string }): ReactElement {
  return <h1>Sign in{props.search === '' ? '' : ''}</h1>;
}

/** The first-run setup page that creates the first admin. */
export function SetupPage(props: { search: string }): ReactElement {
  return <h1>Set up Kansoku{props.search === '' ? '' : ''}</h1>;
}

/** A public, read-only share link. */
export function PublicPage(props: {
  pathname: string;
  search: string;
  theme: Theme;
}): ReactElement {
  return (
    <h1>
      Shared view {props.pathname}
      {props.search} {props.theme}
    </h1>
  );
}
