/** A panel legend: a list or a table with reducer columns; entries toggle their series. */
import type { KeyboardEvent, MouseEvent, ReactElement } from 'react';
import { reducerName } from './reducers.js';

/** One legend entry. */
export interface LegendItem {
  index: number;
  name: string;
  color: string;
  hidden: boolean;
  /** Formatted reducer values, in the order of the legend's calcs. */
  values: string[];
  /** The value under the cursor, when hovering. */
  hover?: string | undefined;
}

/** Props of {@link Legend}. */
export interface LegendProps {
  items: LegendItem[];
  mode: 'list' | 'table';
  calcs: string[];
  placement: 'bottom' | 'right';
  /** Toggle one series; `isolate` shows only this one (or all again). */
  onToggle: (index: number, isolate: boolean) => void;
}

/** The legend of a chart panel. */
export function Legend({ items, mode, calcs, placement, onToggle }: LegendProps): ReactElement {
  const hovering = items.some((i) => i.hover !== undefined);
  const click = (index: number) => (e: MouseEvent) => {
    onToggle(index, e.shiftKey || e.metaKey || e.ctrlKey);
  };
  const key = (index: number) => (e: KeyboardEvent) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    onToggle(index, e.shiftKey);
  };
  const marker = (it: LegendItem): ReactElement => (
    <span className="kp-legend-marker" style={{ background: it.color }} aria-hidden="true" />
  );
  if (mode === 'table') {
    return (
      <div className={`kp-legend kp-legend-table kp-legend-${placement}`}>
        <table>
          <thead>
            <tr>
              <th>Name</th>
              {hovering && <th>Value</th>}
              {calcs.map((c) => (
                <th key={c}>{reducerName(c)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((it) => (
              <tr
                key={it.index}
                className={it.hidden ? 'kp-legend-hidden' : undefined}
                tabIndex={0}
                role="button"
                aria-pressed={!it.hidden}
                onClick={click(it.index)}
                onKeyDown={key(it.index)}
              >
                <td className="kp-legend-name">
                  {marker(it)}
                  {it.name}
                </td>
                {hovering && <td>{it.hover ?? ''}</td>}
                {it.values.map((v, i) => (
                  <td key={calcs[i] ?? i}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <ul className={`kp-legend kp-legend-list kp-legend-${placement}`}>
      {items.map((it) => (
        <li
          key={it.index}
          className={it.hidden ? 'kp-legend-hidden' : undefined}
          tabIndex={0}
          role="button"
          aria-pressed={!it.hidden}
          onClick={click(it.index)}
          onKeyDown={key(it.index)}
        >
          {marker(it)}
          <span className="kp-legend-name">{it.name}</span>
          {it.hover !== undefined && <span className="kp-legend-value">{it.hover}</span>}
          {it.values.map((v, i) => (
            <span key={calcs[i] ?? i} className="kp-legend-calc">
              {reducerName(calcs[i] ?? '')}: {v}
            </span>
          ))}
        </li>
      ))}
    </ul>
  );
}
