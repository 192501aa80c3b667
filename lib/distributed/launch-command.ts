/**
 * What `rarft-train --nproc-per-node N ...` wires: the launcher flags are taken out of argv and this same program is
 * re-run as N workers (torchrun-style), each seeing the rest of argv unchanged and the distributed env set.
 *
 *   // first lines of the CLI entry:
 *   const code = await relaunchIfRequested(process.argv);
 *   if (code !== null) process.exit(code);       // we were the launcher; the workers have finished
 *   // ...otherwise we are a worker (or a plain single-process run): initProcessGroup() reads the env.
 */
import { launch, type LaunchOptions, type LaunchResult } from './launch.js';

export interface LaunchFlags {
  nprocPerNode: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
}

const FLAGS: Record<string, keyof LaunchFlags> = {
  '--nproc-per-node': 'nprocPerNode',
  '--nproc_per_node': 'nprocPerNode',
  '--nnodes': 'nnodes',
  '--node-rank': 'nodeRank',
  '--node_rank': 'nodeRank',
  '--master-addr': 'masterAddr',
  '--master_addr': 'masterAddr',
  '--master-port': 'masterPort',
  '--master_port': 'masterPort',
};

/** Splits launcher flags (`--flag v` or `--flag=v`) from the program's own arguments. */
export function splitLaunchArgs(args: readonly string[]): { flags: LaunchFlags | null; rest: string[] } {
  const found: Partial<Record<keyof LaunchFlags, string>> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const key = FLAGS[eq > 0 ? a.slice(0, eq) : a];
    if (!key) {
      rest.push(a);
      continue;
    }
    const v = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (v === undefined) throw new RangeError(`${a} needs a value`);
    found[key] = v;
  }
  if (found.nprocPerNode === undefined) return { flags: null, rest };
  const int = (k: keyof LaunchFlags): number | undefined => {
    const v = found[k];
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new RangeError(`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be a non-negative integer, got '${v}'`);
    return Number(v);
  };
  const flags: LaunchFlags = { nprocPerNode: int('nprocPerNode')! };
  if (flags.nprocPerNode < 1) throw new RangeError('--nproc-per-node must be >= 1');
  const nn = int('nnodes'), nr = int('nodeRank'), mp = int('masterPort');
  if (nn !== undefined) flags.nnodes = nn;
  if (nr !== undefined) flags.nodeRank = nr;
  if (mp !== undefined) flags.masterPort = mp;
  if (found.masterAddr !== undefined) flags.masterAddr = found.masterAddr;
  return { flags, rest };
}

/** The launch of `node <execArgv> <script> <rest>` for these flags (for callers that want to run it themselves). */
export function launchCommand(argv: readonly string[], execArgv: readonly string[] = process.execArgv): LaunchOptions | null {
  const [node, script, ...args] = argv;
  const { flags, rest } = splitLaunchArgs(args);
  if (!flags || !node || !script) return null;
  return { ...flags, command: node, args: [...execArgv, script, ...rest] };
}

/** The addon offers no c10d backend, so workers could not form a process group: said before any worker starts. */
export class NoDistBackendError extends Error {
  override name = 'NoDistBackendError';
}

export interface RelaunchOptions {
  /** What the addon can create (default: ask the addon; loading it costs ~0.6 s, once, in the launcher). */
  backends?: () => { gloo: boolean; nccl: boolean } | Promise<{ gloo: boolean; nccl: boolean }>;
}

const addonBackends = async () => (await import('./process-group.js')).availableBackends();

/**
 * If argv asks for workers and this process is not already one (no RANK in the env), launch them, print the outcome,
 * and return the exit code to use; else return null (carry on as a worker or a single process). Throws
 * NoDistBackendError (one line) when the addon was built without any process-group backend, instead of starting
 * workers that would each crash on it.
 */
export async function relaunchIfRequested(
  argv: readonly string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
  opts: RelaunchOptions = {},
): Promise<number | null> {
  if (env.RANK !== undefined && env.WORLD_SIZE !== undefined) return null;
  const cmd = launchCommand(argv);
  if (!cmd) return null;
  const have = await (opts.backends ?? addonBackends)();
  if (!have.gloo && !have.nccl)
    throw new NoDistBackendError(
      `--nproc-per-node ${cmd.nprocPerNode}: this build of the native addon has no process-group backend (built without Gloo: RARFT_WITHOUT_GLOO=1); ` +
        'run `npm run setup && npm run build` to build it with Gloo, or drop --nproc-per-node to train in one process',
    );
  // Multi-node scripts (SLURM, K8s) usually export the rendezvous address: flags win, then the env, then defaults.
  if (cmd.masterAddr === undefined && env.MASTER_ADDR) cmd.masterAddr = env.MASTER_ADDR;
  if (cmd.masterPort === undefined && env.MASTER_PORT && /^\d+$/.test(env.MASTER_PORT)) cmd.masterPort = Number(env.MASTER_PORT);
  const r: LaunchResult = await launch(cmd);
  (r.ok ? process.stdout : process.stderr).write(r.message + '\n');
  return r.exitCode;
}
