export { readDistEnv, workerEnv, DistEnvError, type DistEnv } from './env.js';
export { initProcessGroup, ProcessGroup, availableBackends, resolveBackend, type InitOptions, type Backend } from './process-group.js';
export type { ReduceOp } from '../native/bindings/distributed.js';
export { FlatShard, sliceForRank, type FlatLayout } from './flat-shard.js';
export { ShardedAdamW, FLAT_PARAM, type FullState } from './sharded-adamw.js';
export { loadSharded, restoreSharded, type ShardedState } from './reshard.js';
export { launch, type LaunchOptions, type LaunchResult, type WorkerExit } from './launch.js';
export { splitLaunchArgs, launchCommand, relaunchIfRequested, NoDistBackendError, type LaunchFlags, type RelaunchOptions } from './launch-command.js';
export { freePort } from './free-port.js';
