/**
 * Preprocessing constants of qwen-vl-utils 0.0.10 (Time-R1 vendors it as src/utils/vision_process.py) and of the
 * Qwen2.5-VL processor (spec §5.1, §5.6, §5.7). Named here once so the budget maths reads like the reference.
 */
export const IMAGE_FACTOR = 28;
export const MAX_RATIO = 200;
export const VIDEO_MIN_PIXELS = 128 * 28 * 28;
export const VIDEO_MAX_PIXELS = 768 * 28 * 28;
/** qwen-vl-utils' default `VIDEO_TOTAL_PIXELS` (env VIDEO_MAX_PIXELS unset): int(float(128000*28*28*0.9)). */
export const VIDEO_TOTAL_PIXELS = Math.trunc(128000 * 28 * 28 * 0.9);
export const FRAME_FACTOR = 2;
export const FPS = 2.0;
export const FPS_MIN_FRAMES = 4;
export const FPS_MAX_FRAMES = 768;

/** Time-R1's vision element for every rollout and log-prob pass (spec §5.7, rarft-reference §4.5). */
export const TIMER1_TOTAL_PIXELS = 3584 * 28 * 28;
export const TIMER1_MIN_PIXELS = 16 * 28 * 28;

/** Qwen2.5-VL vision patching (spec §2). */
export const PATCH_SIZE = 14;
export const TEMPORAL_PATCH_SIZE = 2;
export const MERGE_SIZE = 2;
export const PATCH_DIM = 3 * TEMPORAL_PATCH_SIZE * PATCH_SIZE * PATCH_SIZE; // 1176

/** OPENAI_CLIP_MEAN / OPENAI_CLIP_STD, the checkpoint's preprocessor_config.json values. */
export const CLIP_MEAN: readonly [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: readonly [number, number, number] = [0.26862954, 0.26130258, 0.27577711];
