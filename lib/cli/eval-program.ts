/** `rarft-eval`: scoring predictions on the VTG and refusal-aware benchmarks. */
import { Command } from 'commander';

import { evalRunCommand, mergeCommand } from './eval-run-command.js';
import { scoreCommand } from './score-command.js';
import { packageVersion } from './version.js';

export function evalProgram(): Command {
  const program = new Command('rarft-eval')
    .description('Score temporal-grounding and refusal-aware predictions (Charades-STA, ActivityNet, TVGBench, HI-VTG, SS-VTG, human)')
    .version(packageVersion());
  program.addCommand(scoreCommand());
  program.addCommand(evalRunCommand());
  program.addCommand(mergeCommand());
  return program;
}
