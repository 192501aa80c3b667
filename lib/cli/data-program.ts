/** `rarft-data`: dataset tools (video cache preprocessing, refusal-data generation). */
import { Command } from 'commander';

import { hiVtgCommand } from './hi-vtg-command.js';
import { preprocessCommand } from './preprocess-command.js';
import { packageVersion } from './version.js';

export function dataProgram(): Command {
  const program = new Command('rarft-data').description('Dataset tools for rarft').version(packageVersion());
  program.addCommand(preprocessCommand());
  program.addCommand(hiVtgCommand());
  return program;
}
