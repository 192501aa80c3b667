/**
 * Self-contained SVG line plots (no JS, no external assets) for the HTML reports: one or more series of (step, value)
 * points on shared axes, gaps where a value is missing or non-finite, axis extremes labelled, and a legend (drawn
 * with <line>/<text> only) when series carry labels.
 */
export interface PlotOptions {
  width?: number;
  height?: number;
  title?: string;
}

export type PlotPoint = readonly [number, number | null];

export interface PlotSeries {
  points: readonly PlotPoint[];
  /** Default #1f77b4. */
  color?: string;
  /** Stroke width, default 1.5. */
  width?: number;
  /** Stroke opacity, default 1. */
  opacity?: number;
  /** Shown in the legend; unlabelled series are not listed. */
  label?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4))));

/** The path's `d`: "M x y L x y ..." with a new M after each gap. Coordinates to 2 decimals. */
export function linePath(points: readonly PlotPoint[], sx: (x: number) => number, sy: (y: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  for (const [x, y] of points) {
    if (y === null || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${sx(x).toFixed(2)} ${sy(y).toFixed(2)}`);
    pen = true;
  }
  return parts.join(' ');
}

export function svgLinePlot(points: readonly PlotPoint[], opts: PlotOptions = {}): string {
  return svgSeriesPlot([{ points }], opts);
}

/** Several series on one pair of axes (the ranges cover all of them). */
export function svgSeriesPlot(series: readonly PlotSeries[], opts: PlotOptions = {}): string {
  const W = opts.width ?? 480;
  const H = opts.height ?? 200;
  const m = { l: 64, r: 12, t: 24, b: 28 };
  const all = series.flatMap((s) => s.points);
  const finite = all.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
  const xs = all.map((p) => p[0]);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = finite.length ? [Math.min(...finite.map((p) => p[1])), Math.max(...finite.map((p) => p[1]))] : [0, 1];
  if (!Number.isFinite(x0)) [x0, x1] = [0, 1];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5]; // a constant series draws as a flat line in the middle
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const title = opts.title ? `<text x="${W / 2}" y="15" text-anchor="middle" font-size="13" font-weight="bold">${esc(opts.title)}</text>` : '';
  const lines = series.map((s) => {
    const color = s.color ?? '#1f77b4';
    const d = linePath(s.points, sx, sy);
    const pts = s.points.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
    const extra = `${s.opacity !== undefined && s.opacity !== 1 ? ` stroke-opacity="${s.opacity}"` : ''}`;
    // a single finite point has no segment to draw: mark it
    const dot = pts.length === 1 ? `<circle cx="${sx(pts[0]![0]).toFixed(2)}" cy="${sy(pts[0]![1]).toFixed(2)}" r="2.5" fill="${color}"/>` : '';
    return (d ? `<path d="${d}" fill="none" stroke="${color}" stroke-width="${s.width ?? 1.5}"${extra}/>` : '') + dot;
  });
  const labelled = series.filter((s) => s.label);
  const legend = labelled.map((s, i) => {
    const y = m.t + 4 + i * 13;
    const x = m.l + 8;
    return `<line x1="${x}" y1="${y}" x2="${x + 16}" y2="${y}" stroke="${s.color ?? '#1f77b4'}" stroke-width="2.5"/><text x="${x + 20}" y="${y + 3.5}" font-size="10">${esc(s.label!)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    title,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#888"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#888"/>`,
    `<text x="${m.l - 4}" y="${m.t + 4}" text-anchor="end" font-size="10">${fmt(y1)}</text>`,
    `<text x="${m.l - 4}" y="${H - m.b}" text-anchor="end" font-size="10">${fmt(y0)}</text>`,
    `<text x="${m.l}" y="${H - 10}" font-size="10">${fmt(x0)}</text>`,
    `<text x="${W - m.r}" y="${H - 10}" text-anchor="end" font-size="10">${fmt(x1)} (step)</text>`,
    ...lines,
    ...legend,
    `</svg>`,
  ].join('');
}
