/** `rarft-train`: GRPO training and its helpers (reward debugging, run reports). */
import { Command } from 'commander';

import { reportCommand } from './report-command.js';
import { rewardsCommand } from './rewards-command.js';
import { addTrainCommand } from './train-command.js';
import { packageVersion } from './version.js';

export function trainProgram(): Command {
  const program = new Command('rarft-train')
    .description('RA-RFT: refusal-aware GRPO fine-tuning of Qwen2.5-VL for video temporal grounding')
    .version(packageVersion());
  program.addCommand(rewardsCommand());
  program.addCommand(reportCommand());
  addTrainCommand(program);
  return program;
}
