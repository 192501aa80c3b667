/**
 * Runs a commander program and turns errors into one clear line on stderr and exit code 1 (2 for usage errors),
 * instead of a stack trace. RARFT_DEBUG=1 prints the stack too.
 */
import { Command, CommanderError } from 'commander';

export async function runProgram(program: Command, argv: string[]): Promise<void> {
  program.exitOverride();
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
    if (process.env.RARFT_DEBUG === '1' && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}
