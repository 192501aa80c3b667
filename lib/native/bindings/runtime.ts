/** Process-wide native state (csrc/napi/runtime.cpp, errors.cpp, device_audit.cpp). Part of NativeAddon. */
export interface BuildInfo {
  libtorch: string;
  cudaBuild: boolean;
  gloo: boolean;
  nccl: boolean;
  parallel: string;
}

export interface RuntimeBindings {
  /** The class native errors are thrown as (TorchError); set once by the loader. */
  setErrorClass(ctor: new (message: string) => Error): void;
  buildInfo(): BuildInfo;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  cudaIsAvailable(): boolean;
  cudaDeviceCount(): number;
  cudaSynchronize(): void;
  /** Device audit (csrc/napi/device_audit.h): simulate n GPUs on the CPU, 0 = off; and the current count. */
  setDeviceAudit(devices: number): void;
  setDeterministic(on: boolean): void;
  deviceAudit(): number;
}
