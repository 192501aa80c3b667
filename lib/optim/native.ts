/** The addon's optimizer bindings (csrc/napi/optim_adamw.cpp). Kept here, not in addon-types.ts, per ARCHITECTURE.md. */
import { native } from '../tensor/native.js';

export interface AdamWNativeOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  stateDevice?: string;
}

export interface OptimBindings {
  adamwCreate(names: readonly string[], params: readonly number[], opts: AdamWNativeOptions): number;
  adamwFree(id: number): boolean;
  adamwStep(id: number, lr: number): Promise<number>;
  adamwClipGradNorm(id: number, maxNorm: number): Promise<number>;
  adamwLocalGradNorm(id: number): Promise<number>;
  adamwScaleGrads(id: number, coef: number): Promise<void>;
  adamwZeroGrad(id: number): void;
  adamwExportState(id: number): { names: string[]; tensors: number[] };
  adamwImportState(id: number, names: readonly string[], tensors: readonly number[]): void;
  adamwInfo(id: number): { name: string; trainable: boolean; step: number; hasMaster: boolean }[];
}

export function optimNative(): OptimBindings {
  return native() as unknown as OptimBindings;
}
