export { completionMask, completionLengths, QWEN_STOP_IDS } from './completion-mask.js';
export { groupAdvantages, ADVANTAGE_EPS, type Advantages, type ScaleRewards } from './advantages.js';
export { k3Kl } from './kl.js';
export { reduceLoss, dapoNormaliser, LOSS_TYPES, type LossType, type ReduceOptions } from './loss-types.js';
export {
  policyLoss, IMPORTANCE_SAMPLING_LEVELS, type ImportanceSamplingLevel, type PolicyLoss, type PolicyLossInput, type PolicyLossMetrics, type PolicyLossOptions,
} from './policy-loss.js';
export { highEntropyMask } from './entropy-mask.js';
export { selectTokenLogps, tokenEntropy, meanOfSequenceMeans } from './token-stats.js';
export { checkRewards, checkLoss, checkGradNorm, checkPromptLength, type SkipReason } from './step-guard.js';
export { lrAt, lrMultiplier, warmupStepsFor, type LrScheduleSpec, type LrSchedulerType } from './lr-schedule.js';
export { makeFreezePredicate, partitionParams } from './freeze.js';
export {
  saveCheckpoint, listCheckpoints, findLatestCheckpoint, resolveResume, rotateCheckpoints, retireCheckpointsAfter,
  cleanStaleTemps, writeLatestPointer, checkpointName, LATEST_FILE, type CheckpointInfo, type SaveCheckpointOptions,
} from './checkpoint-dir.js';
export { writeTrainerState, readTrainerState, encodeRng, restoreRng, TRAINER_STATE_FILE, type TrainerState } from './trainer-state.js';
export { saveOptimizerState, loadOptimizerState, OPTIMIZER_FILE, type OptimizerHyper } from './optimizer-checkpoint.js';
export { policyUpdate, type PolicyUpdateInput, type PolicyUpdateSettings, type StepMetrics } from './policy-update.js';
export { StepPlan, type StepPlanOptions, type DataCursor } from './epoch-sampler.js';
