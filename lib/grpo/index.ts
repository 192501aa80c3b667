/** The GRPO maths of one policy update: masks, group advantages, KL, the clipped loss and its reductions, the step guards. */
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
export { policyUpdate, type PolicyUpdateInput, type PolicyUpdateSettings, type StepMetrics } from './policy-update.js';
