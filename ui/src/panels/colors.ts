/**
 * Grafana's named colours (`green`, `semi-dark-red`, `super-light-blue` …) resolved to CSS
 * colours, and the palette that colours series in order. DOM-free.
 */

/** Hues with their five shades, from super-light to dark, as Grafana's palette names them. */
const HUES: Readonly<Record<string, readonly [string, string, string, string, string]>> = {
  red: ['#FFA6B0', '#FF7383', '#F2495C', '#E02F44', '#C4162A'],
  orange: ['#FFCB7D', '#FFB357', '#FF9830', '#FA6400', '#FA6400'],
  yellow: ['#FFF899', '#FFEE52', '#FADE2A', '#F2CC0C', '#E0B400'],
  green: ['#C8F2C2', '#96D98D', '#73BF69', '#56A64B', '#37872D'],
  blue: ['#C0D8FF', '#8AB8FF', '#5794F2', '#3274D9', '#1F60C4'],
  purple: ['#DEB6F2', '#CA95E5', '#B877D9', '#A352CC', '#8F3BB8'],
};

const SHADES = ['super-light-', 'light-', '', 'semi-dark-', 'dark-'];

const EXTRA: Readonly<Record<string, string>> = {
  transparent: 'transparent',
  text: 'var(--fg)',
  white: '#ffffff',
  black: '#000000',
  gray: '#8e8e8e',
  grey: '#8e8e8e',
  'dark-gray': '#5b6475',
  'light-gray': '#c7d0d9',
};

/** Colours for series in order, readable on light and dark backgrounds. */
export const SERIES_PALETTE: readonly string[] = [
  '#73BF69',
  '#F2CC0C',
  '#8AB8FF',
  '#FF780A',
  '#F2495C',
  '#5794F2',
  '#B877D9',
  '#705DA0',
  '#37872D',
  '#FADE2A',
  '#447EBC',
  '#C15C17',
  '#890F02',
  '#0A437C',
  '#6D1F62',
  '#584477',
];

/** A CSS colour for a Grafana colour name, hex or rgb() string; unknown names pass through. */
export function resolveColor(name: string | undefined, fallback = '#8e8e8e'): string {
  if (name === undefined || name === '') return fallback;
  const lower = name.toLowerCase();
  const extra = EXTRA[lower];
  if (extra !== undefined) return extra;
  for (let i = 0; i < SHADES.length; i++) {
    const prefix = SHADES[i]!;
    if (prefix !== '' && !lower.startsWith(prefix)) continue;
    const hue = HUES[lower.slice(prefix.length)];
    if (hue) return hue[i]!;
  }
  return name;
}

/** The palette colour of the i-th series. */
export function seriesColor(i: number): string {
  return SERIES_PALETTE[
    ((i % SERIES_PALETTE.length) + SERIES_PALETTE.length) % SERIES_PALETTE.length
  ]!;
}

/** `color` with an alpha (0..1), for hex colours; other forms are returned unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  let hex = m[1]!;
  if (hex.length === 3) hex = hex.replace(/./g, (c) => c + c);
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255)
    .toString(16)
    .padStart(2, '0');
  return `#${hex}${a}`;
}
