/**
 * Progress on stderr, for the CLIs' long loops. One stream type, two lines, each the one its CLI has always printed:
 *  - ProgressBar, the training loop's step line with metrics (rarft-train):
 *    `step 120/1875 [####......] 6% | 0.021 step/s | ETA 23h13m | reward 1.532`. On a TTY it redraws one line in
 *    place; otherwise (a log file, CI) it prints a full line at most every `intervalMs` (default 60 s) plus the final
 *    one. Rate and ETA use the steps done since `startStep` (on resume they do not count the steps restored from a
 *    checkpoint).
 *  - ItemProgress, a count of items with a label (rarft-eval run, rarft-data preprocess):
 *    `eval charades 20/100 (20%) 2.00/s ETA 40s`. On a TTY it redraws one line in place (throttled, with a bar);
 *    otherwise it prints plain lines, one per 10 % crossed or every 30 s, so logs stay short and greppable. `log()`
 *    prints a message without tearing the bar.
 * Both lines print durations with formatDuration (`5s`, `3m07s`, `23h13m`).
 */
export interface ProgressStream {
  write(s: string): unknown;
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

/** `5s`, `3m07s`, `23h13m`; `?` when unknown. */
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

export interface ItemProgressOptions {
  total: number;
  label?: string;
  stream?: ProgressStream;
  /** Overrides stream.isTTY (tests). */
  tty?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
}

export class ItemProgress {
  readonly total: number;
  #step = 0;
  #label: string;
  #stream: ProgressStream;
  #tty: boolean;
  #now: () => number;
  #start: number;
  #lastDraw = -Infinity;
  #lastDecile = 0;
  #drawn = false;

  constructor(o: ItemProgressOptions) {
    this.total = o.total;
    this.#label = o.label ?? '';
    this.#stream = o.stream ?? process.stderr;
    this.#tty = o.tty ?? Boolean(this.#stream.isTTY);
    this.#now = o.now ?? (() => performance.now());
    this.#start = this.#now();
    // Off a TTY the 30 s heartbeat counts from the start (the first line waits for 10 % or 30 s).
    if (!this.#tty) this.#lastDraw = this.#start;
  }

  get step(): number {
    return this.#step;
  }

  /** Steps per second since the start. */
  rate(): number {
    const dt = (this.#now() - this.#start) / 1000;
    return dt > 0 ? this.#step / dt : 0;
  }

  /** Seconds left at the current rate (Infinity before the first step). */
  eta(): number {
    const r = this.rate();
    return r > 0 ? (this.total - this.#step) / r : Infinity;
  }

  format(): string {
    const pct = this.total ? Math.floor((100 * this.#step) / this.total) : 100;
    const width = 20;
    const fill = this.total ? Math.round((width * this.#step) / this.total) : width;
    const bar = this.#tty ? ` [${'#'.repeat(fill)}${'-'.repeat(width - fill)}]` : '';
    const r = this.rate();
    const rate = r >= 10 ? r.toFixed(0) : r.toFixed(2);
    const lead = this.#label ? `${this.#label} ` : '';
    return `${lead}${this.#step}/${this.total} (${pct}%)${bar} ${rate}/s ETA ${formatDuration(this.eta())}`;
  }

  tick(n = 1): void {
    this.#step = Math.min(this.total, this.#step + n);
    const t = this.#now();
    if (this.#tty) {
      if (t - this.#lastDraw >= 100 || this.#step === this.total) this.#redraw(t);
      return;
    }
    const decile = this.total ? Math.floor((10 * this.#step) / this.total) : 10;
    if (decile > this.#lastDecile || t - this.#lastDraw >= 30_000) {
      this.#lastDecile = decile;
      this.#lastDraw = t;
      this.#stream.write(this.format() + '\n');
    }
  }

  /** A message line that does not tear the bar (it is redrawn under the message on a TTY). */
  log(line: string): void {
    if (this.#tty && this.#drawn) {
      this.#stream.write(`\r\x1b[K${line}\n`);
      this.#redraw(this.#now());
    } else this.#stream.write(line + '\n');
  }

  done(): void {
    if (this.#tty) {
      this.#redraw(this.#now());
      this.#stream.write('\n');
    } else if (this.#lastDecile < 10 || this.#step < this.total) this.#stream.write(this.format() + '\n');
  }

  #redraw(t: number): void {
    this.#lastDraw = t;
    this.#drawn = true;
    this.#stream.write(`\r\x1b[K${this.format()}`);
  }
}
