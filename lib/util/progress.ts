/**
 * A small progress reporter for long CLI loops, on stderr: step/total, percentage, rate and ETA.
 * On a TTY it redraws one line in place (throttled); otherwise (CI logs, pipes) it prints plain lines, one per 10 %
 * crossed or every 30 s, so logs stay short and greppable. `log()` prints a message without tearing the bar.
 */

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  total: number;
  label?: string;
  stream?: ProgressStream;
  /** Overrides stream.isTTY (tests). */
  tty?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export class Progress {
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

  constructor(o: ProgressOptions) {
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
