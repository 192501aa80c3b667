/**
 * Averages metrics over the steps between two logs (logging_steps > 1), as HF's Trainer does for the reference's
 * metrics (§4.6). Each key is averaged over the steps that reported it (kl only exists when beta != 0); non-finite
 * values are excluded from the mean and counted, so one NaN step does not hide the others.
 */
export class MetricsAverager {
  #sums = new Map<string, number>();
  #counts = new Map<string, number>();
  #nonFinite = 0;
  #steps = 0;

  add(metrics: Readonly<Record<string, number | null | undefined>>): void {
    this.#steps++;
    for (const [k, v] of Object.entries(metrics)) {
      if (v === undefined || v === null) continue;
      if (!Number.isFinite(v)) {
        this.#nonFinite++;
        continue;
      }
      this.#sums.set(k, (this.#sums.get(k) ?? 0) + v);
      this.#counts.set(k, (this.#counts.get(k) ?? 0) + 1);
    }
  }

  get steps(): number {
    return this.#steps;
  }

  /** The means since the last flush (plus `nonfinite_values` when any were dropped), then resets. */
  flush(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, s] of this.#sums) out[k] = s / this.#counts.get(k)!;
    if (this.#nonFinite) out['nonfinite_values'] = this.#nonFinite;
    this.#sums.clear();
    this.#counts.clear();
    this.#nonFinite = 0;
    this.#steps = 0;
    return out;
  }
}
