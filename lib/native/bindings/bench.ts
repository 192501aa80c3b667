/** What the bridge benchmark measures against (csrc/napi/bench_ops.cpp). Part of NativeAddon (lib/native/addon.ts). */

export interface BenchBindings {
  /** Mean nanoseconds per call of at::<op>(a, b) run `iters` times in a C++ loop (any other op runs matmul). */
  nativeLoopNs(op: 'add' | 'mul' | 'matmul', a: number, b: number, iters: number): number;
  /** Returns its argument: the cost of crossing the bridge and back. */
  noop(x: number): number;
}
