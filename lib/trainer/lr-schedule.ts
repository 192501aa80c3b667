/**
 * Learning-rate schedules, as multipliers of the peak rate, matching transformers' get_*_schedule_with_warmup
 * (the reference uses HF's default: linear decay to 0, no warmup). `step` is the number of optimizer steps already
 * taken, so the first update uses lrAt(0); with linear/no warmup that is the peak rate and the last of T steps uses
 * peak/T. (HF logs the rate *after* scheduler.step(), i.e. the next step's; we log the rate the step used.)
 *   warmup (s < W):   s / max(1, W)
 *   linear:           max(0, (T - s) / max(1, T - W))
 *   cosine:           max(0, ½·(1 + cos(π·p))),  p = (s - W) / max(1, T - W)
 *   constant:         1
 */
export type LrSchedulerType = 'linear' | 'cosine' | 'constant';

export interface LrScheduleSpec {
  type: LrSchedulerType;
  peakLr: number;
  totalSteps: number;
  warmupSteps: number;
}

/** warmup_steps if > 0, else ceil(totalSteps · warmup_ratio) (transformers' TrainingArguments.get_warmup_steps). */
export function warmupStepsFor(totalSteps: number, warmupSteps: number, warmupRatio: number): number {
  return warmupSteps > 0 ? warmupSteps : Math.ceil(totalSteps * warmupRatio);
}

export function lrMultiplier(spec: Omit<LrScheduleSpec, 'peakLr'>, step: number): number {
  const { type, totalSteps: T, warmupSteps: W } = spec;
  if (step < W) return step / Math.max(1, W);
  switch (type) {
    case 'constant':
      return 1;
    case 'linear':
      return Math.max(0, (T - step) / Math.max(1, T - W));
    case 'cosine': {
      const p = (step - W) / Math.max(1, T - W);
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * p)));
    }
    default:
      throw new RangeError(`unknown lr scheduler "${type as string}" (expected linear | cosine | constant)`);
  }
}

/** The rate for the update after `step` completed steps. */
export function lrAt(spec: LrScheduleSpec, step: number): number {
  return spec.peakLr * lrMultiplier(spec, step);
}
