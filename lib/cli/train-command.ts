/**
 * The default action of `rarft-train`: training.
 *   rarft-train                                   the CPU demo (tiny model, synthetic videos, warm-up then GRPO)
 *   rarft-train --config run.yaml [--flags…]      GRPO (or --stage sft) with the config; flags override the file
 *   rarft-train --config run.yaml --resume        continue from output_dir's latest checkpoint (or --resume DIR)
 * Every config field has a flag (lib/config/cli-options.ts). SIGINT/SIGTERM finish the current step, write a
 * checkpoint and exit 130/143; a second signal exits at once.
 */
import { Command, Option } from 'commander';

import { addConfigOptions, loadConfigFromCommand, overridesFromFlags } from '../config/cli-options.js';
import { rewardNames } from '../rewards/registry.js';

export interface TrainFlags {
  stage?: 'sft' | 'grpo';
  resume?: string | true;
  config?: string;
  [k: string]: unknown;
}

/** Aborts `controller` on the first SIGINT/SIGTERM, exits on the second; returns the uninstaller. */
export function abortOnSignals(controller: AbortController, log: (l: string) => void = (l) => process.stderr.write(`${l}\n`)): () => void {
  let count = 0;
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      log(`\n${sig}: finishing the current step, then saving a checkpoint (send again to exit now)`);
      controller.abort(new Error(sig));
    } else process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** The exit status of a run stopped by a signal: 128 + the signal's number (130 SIGINT, 143 SIGTERM), as shells do. */
export function exitCodeAfterAbort(signal: AbortSignal): number {
  const reason: unknown = signal.reason;
  const name = reason instanceof Error ? reason.message : String(reason);
  return name === 'SIGTERM' ? 143 : 130;
}

/** What the action runs; exported so tests can call it without spawning a process. */
export async function runTrainAction(cmd: Command, signal?: AbortSignal): Promise<'completed' | 'aborted'> {
  const flags = cmd.opts() as TrainFlags;
  const overrides = overridesFromFlags(flags);
  const isDemo = flags.config === undefined && overrides.model_path === undefined && overrides.datasets === undefined;
  if (isDemo) {
    if (flags.stage || flags.resume) throw new Error('--stage and --resume need a --config (with no config, rarft-train runs the demo)');
    if (Number(process.env.WORLD_SIZE ?? 1) > 1)
      throw new Error('the demo runs in one process; multi-process training (--nproc-per-node, torchrun) needs a --config (see docs/distributed.md)');
    const { runDemo } = await import('../demo/run-demo.js');
    const num = (k: string) => (typeof overrides[k] === 'number' ? (overrides[k] as number) : undefined);
    const s = await runDemo({
      ...(typeof overrides.output_dir === 'string' ? { outputDir: overrides.output_dir } : {}),
      ...(num('seed') !== undefined ? { seed: num('seed') } : {}),
      ...(num('save_steps') !== undefined ? { saveSteps: num('save_steps') } : {}),
      ...(num('max_steps') !== undefined ? { grpoSteps: num('max_steps') } : {}),
      overrides,
      ...(signal ? { signal } : {}),
    });
    return s.stopped;
  }
  const resumeOverride = flags.resume === undefined ? {} : { resume_from_checkpoint: flags.resume === true ? 'latest' : flags.resume };
  const cfg = loadConfigFromCommand(cmd, { knownRewards: rewardNames() });
  const { Trainer } = await import('../trainer/trainer.js');
  const r = await new Trainer({ ...cfg, ...resumeOverride }, { stage: flags.stage ?? 'grpo', ...(signal ? { signal } : {}) }).train();
  process.stderr.write(`${r.stage}: ${r.stopped} at step ${r.globalStep}/${r.totalSteps}${r.lastCheckpoint ? `; checkpoint ${r.lastCheckpoint.path}` : ''}\n`);
  return r.stopped;
}

/** Adds the training flags and the default (train) action to the `rarft-train` program. */
export function addTrainCommand(program: Command): Command {
  // the root now has ~70 flags: keep them to the left of a subcommand so `rarft-train rewards --output x` stays the
  // subcommand's option
  program.enablePositionalOptions();
  addConfigOptions(program);
  program
    .addOption(new Option('--stage <stage>', 'sft = supervised warm-up on the reference answers; grpo = RA-RFT GRPO').choices(['sft', 'grpo']))
    .addOption(new Option('--resume [dir]', 'resume from output_dir\'s latest checkpoint, or from DIR'))
    // Read by the bin before commander (lib/distributed/launch-command.ts): the launcher re-runs this command as N workers.
    // Listed here for --help, and accepted (ignored) when a worker is started by another launcher with them.
    .addOption(new Option('--nproc-per-node <n>', 'ZeRO-3 training over N local worker processes (torchrun-style env; Gloo on CPU, NCCL on GPUs)'))
    .addOption(new Option('--nnodes <n>', 'nodes in a multi-node run (one launcher per node)').default(undefined))
    .addOption(new Option('--node-rank <r>', 'this node\'s rank in a multi-node run'))
    .addOption(new Option('--master-addr <host>', 'rank 0\'s address (multi-node; default 127.0.0.1 or $MASTER_ADDR)'))
    .addOption(new Option('--master-port <port>', 'rendezvous port (default: a free port, or $MASTER_PORT)'))
    .addHelpText(
      'after',
      '\nWith no --config, rarft-train runs the CPU demo (tiny Qwen2.5-VL, synthetic videos, warm-up then GRPO; docs/demo.md):\n' +
        '  --output-dir (default runs/demo), --seed, --save-steps and --max-steps (GRPO steps) apply to it.',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const controller = new AbortController();
      const off = abortOnSignals(controller);
      try {
        const how = await runTrainAction(cmd, controller.signal);
        if (how === 'aborted') process.exitCode = exitCodeAfterAbort(controller.signal);
      } finally {
        off();
      }
    });
  return program;
}
