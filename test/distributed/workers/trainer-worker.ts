/**
 * One rank of a multi-process training run in the tests: `trainer-worker.ts CONFIG.json` trains with that (already
 * validated) TrainConfig; the distributed env (RANK, WORLD_SIZE, ...) comes from the launcher. The trainer's log
 * lines (the zero3 memory line included) go to stdout.
 */
import { readFileSync } from 'node:fs';

import type { TrainConfig } from '../../../lib/config/schema.js';
import { registerReward } from '../../../lib/rewards/registry.js';
import { train } from '../../../lib/trainer/trainer.js';
import { CHARS_REWARD, ZERO_STD_ON_REFUSABLE } from './chars-reward.js';

registerReward(CHARS_REWARD);
registerReward(ZERO_STD_ON_REFUSABLE);
const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as TrainConfig;
const r = await train(cfg, { progress: null, log: (l) => console.log(l), onStep: (e) => console.log(`step ${e.step}`) });
console.log(`done step ${r.globalStep} ${r.stopped}`);
