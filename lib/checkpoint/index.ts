/** Checkpoints on disk: the checkpoint folders and `latest`, the trainer state with RNG states, the optimizer state. */
export {
  saveCheckpoint, listCheckpoints, findLatestCheckpoint, resolveResume, rotateCheckpoints, retireCheckpointsAfter,
  cleanStaleTemps, writeLatestPointer, checkpointName, LATEST_FILE, type CheckpointInfo, type SaveCheckpointOptions,
} from './checkpoint-dir.js';
export { writeTrainerState, readTrainerState, encodeRng, restoreRng, TRAINER_STATE_FILE, type TrainerState } from './trainer-state.js';
export { saveOptimizerState, loadOptimizerState, OPTIMIZER_FILE, type OptimizerHyper } from './optimizer-checkpoint.js';
