/** The GRPO / SFT trainer: `Trainer`, `train(config, { signal, onStep })`, and the step building blocks. */
export { Trainer, train, type TrainerOptions, type TrainResult, type StepEvent } from './trainer.js';
export { grpoStep, type GrpoStepResult, type RolloutSample, type PromptDraw, type PromptSource } from './grpo-step.js';
export { sampleInformativeGroups, isZeroStdGroup, uninformativeBy, sampledRewardMetrics, type DynamicSamplingOptions, type DynamicSamplingResult } from './dynamic-sampling.js';
export { sftStep, defaultSftTarget, type SftTarget } from './sft-step.js';
export { ExampleCursor, type CursorState, type CursorTake } from './data-cursor.js';
export { loadTrainingData, type TrainingData } from './training-data.js';
export { VideoInputCache, videoOptions, type VideoTensors } from './video-inputs.js';
export { BatchingEncoder } from './batching-encoder.js';
export { saveRunCheckpoint, checkpointStage, RUN_INFO_FILE, type Stage } from './run-checkpoint.js';
export type { StepContext } from './step-context.js';
export { lrAt, lrMultiplier, warmupStepsFor, type LrScheduleSpec, type LrSchedulerType } from './lr-schedule.js';
export { makeFreezePredicate, partitionParams } from './freeze.js';
export { StepPlan, type StepPlanOptions, type DataCursor } from './epoch-sampler.js';
