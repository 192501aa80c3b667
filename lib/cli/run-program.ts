/**
 * Runs a commander program and turns errors into one clear line on stderr and exit code 1 (2 for usage errors),
 * instead of a stack trace. RARFT_DEBUG=1 prints the stack too.
 */
import { Command, CommanderError } from 'commander';

import { debugFromEnv } from '../env.js';

/** exitOverride() does not propagate to subcommands added with addCommand, so apply it to the whole tree. */
function overrideExits(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) overrideExits(sub);
}

export async function runProgram(program: Command, argv: string[]): Promise<void> {
  overrideExits(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit with code 0 after printing; usage errors were already printed by commander
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const e = err as Error;
    process.stderr.write(`${program.name()}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}\n`);
    if (debugFromEnv() && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}
