/** Light and dark themes: follows the system until the user picks one, remembered in localStorage. */
import { useEffect, useState } from 'react';

/** A colour theme. */
export type Theme = 'light' | 'dark';

const KEY = 'kansoku.theme';

function initialTheme(): Theme {
  const saved = window.localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The current theme and a toggle; sets `data-theme` on the document element. */
export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  const toggle = (): void => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    window.localStorage.setItem(KEY, next);
    setTheme(next);
  };
  return [theme, toggle];
}
