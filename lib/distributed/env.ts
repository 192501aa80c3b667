/**
 * The distributed environment, read the way torchrun sets it (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
 * MASTER_ADDR, MASTER_PORT), so rarft workers run unchanged under torchrun, our own launcher (launch.ts), SLURM
 * wrappers that export these, or a Kubernetes PyTorchJob/JobSet. Bad values fail with the variable's name.
 */
export interface DistEnv {
  rank: number;
  worldSize: number;
  localRank: number;
  localWorldSize: number;
  masterAddr: string;
  masterPort: number;
}

export class DistEnvError extends Error {
  override name = 'DistEnvError';
}

function intVar(env: NodeJS.ProcessEnv, name: string, dflt: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (dflt === undefined) throw new DistEnvError(`${name} is not set (a distributed worker needs it; run under rarft's launcher or torchrun)`);
    return dflt;
  }
  if (!/^\d+$/.test(raw.trim())) throw new DistEnvError(`${name}='${raw}' is not a non-negative integer`);
  const v = Number(raw.trim());
  if (v < min || v > max) throw new DistEnvError(`${name}=${v} is outside [${min}, ${max}]`);
  return v;
}

/**
 * Reads the env. With no WORLD_SIZE at all this is a single-process run (rank 0 of 1 on 127.0.0.1); once WORLD_SIZE
 * is set, RANK, MASTER_ADDR and MASTER_PORT are required (guessing them would make ranks wait for each other forever).
 */
export function readDistEnv(env: NodeJS.ProcessEnv = process.env): DistEnv {
  const distributed = env.WORLD_SIZE !== undefined && env.WORLD_SIZE !== '';
  const worldSize = intVar(env, 'WORLD_SIZE', 1, 1);
  const rank = intVar(env, 'RANK', distributed ? undefined : 0, 0, worldSize - 1);
  const localRank = intVar(env, 'LOCAL_RANK', rank, 0);
  const localWorldSize = intVar(env, 'LOCAL_WORLD_SIZE', worldSize, 1);
  if (localRank >= localWorldSize) throw new DistEnvError(`LOCAL_RANK=${localRank} is not below LOCAL_WORLD_SIZE=${localWorldSize}`);
  const masterAddr = env.MASTER_ADDR || (distributed ? undefined : '127.0.0.1');
  if (!masterAddr) throw new DistEnvError('MASTER_ADDR is not set (the address of rank 0, which hosts the rendezvous store)');
  const masterPort = intVar(env, 'MASTER_PORT', distributed ? undefined : 29500, 1, 65535);
  return { rank, worldSize, localRank, localWorldSize, masterAddr, masterPort };
}

/** The env a worker needs, as the launcher sets it (torchrun's names, plus OMP_NUM_THREADS if the caller gives it). */
export function workerEnv(e: DistEnv): Record<string, string> {
  return {
    RANK: String(e.rank),
    WORLD_SIZE: String(e.worldSize),
    LOCAL_RANK: String(e.localRank),
    LOCAL_WORLD_SIZE: String(e.localWorldSize),
    MASTER_ADDR: e.masterAddr,
    MASTER_PORT: String(e.masterPort),
  };
}
