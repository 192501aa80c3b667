/**
 * The addon's optimizer bindings (csrc/napi/optim_adamw.cpp). Part of NativeAddon (lib/native/addon.ts).
 */

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
