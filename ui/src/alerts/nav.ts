/** In-app links of the Alerts pages. */
import type { MouseEvent } from 'react';
import { navigate } from '../route.js';

/** Follows an in-app link without reloading the page (modifier clicks open normally). */
export function go(e: MouseEvent<HTMLAnchorElement>, url: string): void {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(url);
}
