/**
 * A self-contained SVG line plot (no JS, no external assets) for the HTML report: one series of (step, value)
 * points, gaps where the value is missing or non-finite, axis extremes labelled.
 */
export interface PlotOptions {
  width?: number;
  height?: number;
  title?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4))));

/** The path's `d`: "M x y L x y ..." with a new M after each gap. Coordinates to 2 decimals. */
export function linePath(points: readonly (readonly [number, number | null])[], sx: (x: number) => number, sy: (y: number) => number): string {
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

export function svgLinePlot(points: readonly (readonly [number, number | null])[], opts: PlotOptions = {}): string {
  const W = opts.width ?? 480;
  const H = opts.height ?? 200;
  const m = { l: 64, r: 12, t: 24, b: 28 };
  const finite = points.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
  const xs = points.map((p) => p[0]);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = finite.length ? [Math.min(...finite.map((p) => p[1])), Math.max(...finite.map((p) => p[1]))] : [0, 1];
  if (!Number.isFinite(x0)) [x0, x1] = [0, 1];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5]; // a constant series draws as a flat line in the middle
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const d = linePath(points, sx, sy);
  const title = opts.title ? `<text x="${W / 2}" y="15" text-anchor="middle" font-size="13" font-weight="bold">${esc(opts.title)}</text>` : '';
  // a single finite point has no segment to draw: mark it
  const dot = finite.length === 1 ? `<circle cx="${sx(finite[0]![0]).toFixed(2)}" cy="${sy(finite[0]![1]).toFixed(2)}" r="2.5" fill="#1f77b4"/>` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    title,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#888"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#888"/>`,
    `<text x="${m.l - 4}" y="${m.t + 4}" text-anchor="end" font-size="10">${fmt(y1)}</text>`,
    `<text x="${m.l - 4}" y="${H - m.b}" text-anchor="end" font-size="10">${fmt(y0)}</text>`,
    `<text x="${m.l}" y="${H - 10}" font-size="10">${fmt(x0)}</text>`,
    `<text x="${W - m.r}" y="${H - 10}" text-anchor="end" font-size="10">${fmt(x1)} (step)</text>`,
    d ? `<path d="${d}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>` : '',
    dot,
    `</svg>`,
  ].join('');
}
