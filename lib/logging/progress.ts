/**
 * The training progress line: `step 120/1875 [####......] 6% | 0.021 step/s | ETA 23h13m | reward 1.532`.
 * On a TTY it redraws one line in place; otherwise (a log file, CI) it prints a full line at most every
 * `intervalMs` (default 60 s) plus the final one, so logs stay readable. Rate and ETA use the steps done since
 * start() (on resume they do not count the steps restored from a checkpoint).
 */
export interface ProgressStream {
  write(s: string): boolean | void;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  total: number;
  /** First step of this session (resume). */
  startStep?: number;
  stream?: ProgressStream;
  /** Overrides stream.isTTY. */
  tty?: boolean;
  intervalMs?: number;
  now?: () => number;
  barWidth?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s % 60}s`;
}

export class ProgressBar {
  readonly total: number;
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #interval: number;
  readonly #now: () => number;
  readonly #width: number;
  #startStep: number;
  #startTime: number;
  #lastPrint = -Infinity;
  #lastLen = 0;

  constructor(opts: ProgressOptions) {
    this.total = opts.total;
    this.#stream = opts.stream ?? process.stderr;
    this.#tty = opts.tty ?? Boolean(this.#stream.isTTY);
    this.#interval = opts.intervalMs ?? 60_000;
    this.#now = opts.now ?? Date.now;
    this.#width = opts.barWidth ?? 20;
    this.#startStep = opts.startStep ?? 0;
    this.#startTime = this.#now();
  }

  /** The line for `step` completed steps with optional extra fields (numbers printed to 4 significant digits). */
  line(step: number, extra: Readonly<Record<string, number | string | null | undefined>> = {}): string {
    const frac = this.total > 0 ? Math.min(1, step / this.total) : 0;
    const filled = Math.round(frac * this.#width);
    const elapsed = (this.#now() - this.#startTime) / 1000;
    const done = step - this.#startStep;
    const rate = elapsed > 0 && done > 0 ? done / elapsed : NaN;
    const eta = Number.isFinite(rate) ? (this.total - step) / rate : NaN;
    const parts = [
      `step ${step}/${this.total} [${'#'.repeat(filled)}${'.'.repeat(this.#width - filled)}] ${Math.floor(frac * 100)}%`,
      `${Number.isFinite(rate) ? rate.toPrecision(3) : '?'} step/s`,
      `ETA ${formatDuration(eta)}`,
    ];
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) continue;
      parts.push(`${k} ${typeof v === 'number' ? (Number.isFinite(v) ? Number(v.toPrecision(4)) : String(v)) : v ?? 'null'}`);
    }
    return parts.join(' | ');
  }

  update(step: number, extra: Readonly<Record<string, number | string | null | undefined>> = {}): void {
    const text = this.line(step, extra);
    if (this.#tty) {
      const cols = this.#stream.columns ?? 0;
      const shown = cols > 1 && text.length >= cols ? text.slice(0, cols - 1) : text;
      this.#stream.write(`\r${shown}${' '.repeat(Math.max(0, this.#lastLen - shown.length))}`);
      this.#lastLen = shown.length;
      return;
    }
    const t = this.#now();
    if (step >= this.total || t - this.#lastPrint >= this.#interval) {
      this.#stream.write(text + '\n');
      this.#lastPrint = t;
    }
  }

  /** Ends the TTY line (so later output starts on a fresh line). */
  done(): void {
    if (this.#tty && this.#lastLen) this.#stream.write('\n');
    this.#lastLen = 0;
  }
}
