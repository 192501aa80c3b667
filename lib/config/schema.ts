/**
 * The training config: one typed schema, the reference recipe's values as defaults (§4.4), a description per field
 * (the source of `--help` and of docs/training.md). Names follow TRL's GRPOConfig/TrainingArguments where one
 * exists, so a reference launch script reads across. Objects are strict: a misspelt key is an error, never a
 * silently ignored setting.
 */
import { z } from 'zod';

import { LOSS_TYPES } from '../grpo/loss-types.js';
import { IMPORTANCE_SAMPLING_LEVELS } from '../grpo/policy-loss.js';

const posInt = () => z.number().int().positive();
const nonNegInt = () => z.number().int().nonnegative();
const prob = () => z.number().min(0).max(1);

export const DATASET_FORMATS = ['rarft', 'charades_sta', 'activitynet', 'tvgbench'] as const;

export const datasetSchema = z.strictObject({
  path: z.string().min(1).describe('Annotation file (JSON).'),
  format: z.enum(DATASET_FORMATS).default('rarft').describe('Record format of the annotation file.'),
  video_root: z.string().min(1).describe('Folder the records\' video paths are relative to.'),
  max_records: posInt().nullable().default(null).describe('Use only the first N records (null = all).'),
});

export const videoSchema = z
  .strictObject({
    fps: z.number().positive().default(2).describe('Frames sampled per second of video (Time-R1: 2).'),
    total_pixels: posInt().default(3584 * 28 * 28).describe('Pixel budget for all frames of one video (3584·28·28).'),
    min_pixels: posInt().default(16 * 28 * 28).describe('Minimum pixels per frame (16·28·28).'),
    min_frames: posInt().default(4).describe('Fewest frames sampled from a video.'),
    max_frames: posInt().default(768).describe('Most frames sampled from a video.'),
  })
  .describe('Video sampling and resizing (§4.5).');

export const exampleRatioSchema = z
  .strictObject({
    answerable: nonNegInt().default(1).describe('Answerable examples per record and epoch.'),
    refusable: nonNegInt().default(1).describe('Refusable examples per record and epoch (reference 1; the paper\'s data is 1:3).'),
  })
  .describe('Answerable : refusable examples built from each record (§4.1, §7.5).');

export const dynamicSamplingSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Drop groups whose G rewards are all equal (zero advantages) and replace them with groups of fresh prompts.'),
    max_rounds: posInt().default(3).describe('Most generation rounds per optimizer step, the first included; a rank still short after them fills up with zero-std groups.'),
    reward: z.string().min(1).nullable().default(null).describe('Judge groups by this reward function\'s std instead of the total\'s (verl\'s filter_groups.metric; e.g. refuse_iou). null = the weighted total (exactly the zero-advantage groups).'),
  })
  .describe('DAPO\'s dynamic sampling (see docs/training.md).');

export const trainConfigSchema = z.strictObject({
  // ---- model -----------------------------------------------------------------------------------------------------
  model_path: z.string().min(1).describe('Policy checkpoint folder (HF layout: config.json + safetensors).'),
  ref_model_path: z.string().min(1).nullable().default(null).describe('Reference model for the KL term (null = a frozen copy of model_path). Not loaded when beta = 0.'),
  dtype: z.enum(['bfloat16', 'float16', 'float32']).default('bfloat16').describe('Parameter dtype. Optimizer masters and moments are fp32 regardless.'),
  device: z.string().regex(/^(cpu|cuda(:\d+)?)$/, 'expected cpu, cuda or cuda:N').default('cuda').describe('Device for the policy and reference model.'),
  gradient_checkpointing: z.boolean().default(true).describe('Recompute activations in backward (reference: on).'),
  freeze: z.array(z.string().min(1)).default(['visual.*']).describe('Glob patterns (* = any run of characters) of parameter names to freeze.'),
  unfreeze: z.array(z.string().min(1)).default(['visual.merger.*']).describe('Exceptions to `freeze` (reference fix_vit: the vision tower is frozen except its patch merger).'),
  // ---- data ------------------------------------------------------------------------------------------------------
  datasets: z.array(datasetSchema).min(1).describe('Training annotation files.'),
  example_ratio: exampleRatioSchema.prefault({}),
  refusable_pool_size: posInt().default(3).describe('Refusable queries kept per record for dynamic negative sampling (reference: the first 3).'),
  prompt_template: z.enum(['train', 'inference']).default('train').describe('Prompt wording: the reference trainer\'s (train) or its inference script\'s (§2.1 vs §2.2, §7.2).'),
  video: videoSchema.prefault({}),
  max_unreadable_videos: nonNegInt().default(10).describe('Videos that still fail to decode mid-run (all pass a probe before step 1) skip their step, logged with the record; past this many in one run (per process) the trainer writes a checkpoint and stops.'),
  max_prompt_length: posInt().default(8192).describe('Most prompt tokens (text + video). Enforced: a longer prompt is skipped with a logged reason (the reference stores it but never checks, §7.13).'),
  // ---- rollout ---------------------------------------------------------------------------------------------------
  num_generations: z.number().int().min(2).default(8).describe('Completions sampled per prompt (G).'),
  temperature: z.number().positive().default(1.0).describe('Sampling temperature.'),
  top_k: nonNegInt().default(50).describe('Top-k sampling (0 = off). The reference gets 50 implicitly from transformers defaults (§7.14).'),
  top_p: z.number().gt(0).max(1).default(1.0).describe('Nucleus sampling threshold (1 = off).'),
  repetition_penalty: z.number().positive().default(1.0).describe('Repetition penalty (1 = off).'),
  max_completion_length: posInt().default(200).describe('Most generated tokens per completion.'),
  stop_token_ids: z.array(nonNegInt()).min(1).default([151645, 151643]).describe('Tokens that end a completion: <|im_end|> and <|endoftext|> (the reference masks only the first, §7.12).'),
  logprob_shared_prompt: z.boolean().default(true).describe('Log-prob/KL forwards compute each prompt once for its G completions (shared prefix; same values and gradients as G copies, far less work). false = G full rows, as TRL does.'),
  logprob_second_per_grid_ts: z.enum(['same_as_rollout', 'reference_1.0']).default('same_as_rollout').describe('M-RoPE time scale of the log-prob/KL forwards: the rollout\'s 2/sample_fps, or the reference\'s implicit 1.0 (Time-R1 parity, §7.11).'),
  // ---- rewards ---------------------------------------------------------------------------------------------------
  reward_funcs: z.array(z.string().min(1)).min(1).default(['format', 'refuse_iou', 'explain_correction']).describe('Reward functions by registry name; the total reward is their weighted sum.'),
  reward_weights: z.array(z.number()).nullable().default(null).describe('One weight per reward function (null = all 1, the reference\'s unweighted sum).'),
  scale_rewards: z.enum(['group', 'batch', 'none']).default('group').describe('Advantage scaling: group std (reference), batch std, or none (Dr. GRPO).'),
  dynamic_sampling: dynamicSamplingSchema.prefault({}),
  // ---- loss ------------------------------------------------------------------------------------------------------
  loss_type: z.enum(LOSS_TYPES).default('rarft_token_mean').describe('Loss aggregation (see docs/training.md). dapo = token sum over the active tokens of the whole global batch (all ranks and micro-batches).'),
  importance_sampling_level: z.enum(IMPORTANCE_SAMPLING_LEVELS).default('token').describe('Importance ratio per token, or per sequence (GSPO: exp of the mean token log-ratio of each completion).'),
  beta: z.number().nonnegative().default(0.04).describe('KL coefficient (k3). 0 skips the reference model. Reference: unspecified, 0.04 under TRL <= 0.18 (§7.1).'),
  epsilon_low: z.number().positive().lt(1).default(0.2).describe('Lower clip range: ratio >= 1 - epsilon_low.'),
  epsilon_high: z.number().positive().default(0.2).describe('Upper clip range: ratio <= 1 + epsilon_high (DAPO uses 0.28).'),
  delta: z.number().gt(1).nullable().default(null).describe('Two-sided clip: the unclipped ratio is capped at delta, which bounds the loss of negative-advantage tokens (TRL\'s delta; must exceed 1 + epsilon_high). null = off.'),
  top_entropy_quantile: z.number().gt(0).max(1).default(1).describe('Train the policy-gradient term only on each completion\'s top fraction of tokens by entropy (0.2 = the 20% highest). 1 = all tokens.'),
  num_iterations: posInt().default(1).describe('Optimizer updates per rollout batch. 1 = on-policy: old log-probs are the current ones, detached.'),
  // ---- optimisation ----------------------------------------------------------------------------------------------
  learning_rate: z.number().positive().default(1e-6).describe('Peak learning rate.'),
  lr_scheduler_type: z.enum(['linear', 'cosine', 'constant']).default('linear').describe('Decay after warmup: linear to 0 (reference), cosine to 0, or constant.'),
  warmup_ratio: prob().default(0).describe('Warmup as a fraction of total steps (ceil), used when warmup_steps is 0.'),
  warmup_steps: nonNegInt().default(0).describe('Linear warmup steps (overrides warmup_ratio when > 0).'),
  adam_beta1: z.number().min(0).lt(1).default(0.9).describe('AdamW beta1.'),
  adam_beta2: z.number().min(0).lt(1).default(0.999).describe('AdamW beta2.'),
  adam_epsilon: z.number().nonnegative().default(1e-8).describe('AdamW epsilon.'),
  weight_decay: z.number().nonnegative().default(0).describe('Decoupled weight decay.'),
  max_grad_norm: z.number().positive().default(1.0).describe('Clip the global gradient L2 norm to this value.'),
  optimizer_state_device: z.enum(['param', 'cpu']).default('param').describe('Where AdamW masters and moments live: with each parameter, or in host memory (the reference offloads to CPU).'),
  per_device_train_batch_size: posInt().default(1).describe('Prompts per rank per micro-step (reference: 1).'),
  gradient_accumulation_steps: posInt().default(1).describe('Micro-steps per optimizer step.'),
  num_train_epochs: posInt().default(3).describe('Epochs over the examples.'),
  max_steps: z.number().int().default(-1).describe('Stop after this many optimizer steps (-1 = run num_train_epochs).'),
  seed: nonNegInt().default(42).describe('Global seed (sampling, shuffles).'),
  data_seed: nonNegInt().default(42).describe('Seed of the example order.'),
  full_determinism: z.boolean().default(false).describe('Deterministic kernels only (as HF full_determinism): a resumed GPU run then matches an uninterrupted one bit for bit, at some speed cost. CPU runs are deterministic anyway.'),
  // ---- output ----------------------------------------------------------------------------------------------------
  output_dir: z.string().min(1).describe('Run folder: config, metrics.jsonl, TensorBoard events, checkpoints.'),
  save_steps: posInt().default(50).describe('Write a checkpoint every N optimizer steps.'),
  save_total_limit: posInt().nullable().default(3).describe('Keep at most N checkpoints (null = all); the newest is never deleted.'),
  save_only_model: z.boolean().default(false).describe('Skip the optimizer state in checkpoints (then resume is not exact).'),
  resume_from_checkpoint: z.string().min(1).nullable().default(null).describe('A checkpoint folder, "latest" (output_dir\'s newest), or null.'),
  logging_steps: posInt().default(1).describe('Write metrics every N optimizer steps (averaged over them).'),
  report_to: z.array(z.enum(['jsonl', 'tensorboard'])).default(['jsonl', 'tensorboard']).describe('Metric sinks (metrics.jsonl is always recommended).'),
});

export type TrainConfig = z.output<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** Checks that need more than one field; zod's per-field checks run first. */
export function crossFieldIssues(c: TrainConfig): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  if (c.reward_weights && c.reward_weights.length !== c.reward_funcs.length)
    out.push({ path: ['reward_weights'], message: `has ${c.reward_weights.length} weights for ${c.reward_funcs.length} reward_funcs (${c.reward_funcs.join(', ')})` });
  if (new Set(c.reward_funcs).size !== c.reward_funcs.length) out.push({ path: ['reward_funcs'], message: 'lists a reward twice' });
  if (c.example_ratio.answerable + c.example_ratio.refusable === 0)
    out.push({ path: ['example_ratio'], message: 'answerable and refusable are both 0: no examples' });
  if (c.delta !== null && !(c.delta > 1 + c.epsilon_high))
    out.push({ path: ['delta'], message: `must exceed 1 + epsilon_high = ${Number((1 + c.epsilon_high).toPrecision(12))} (else it also clips positive advantages)` });
  if (c.dynamic_sampling.reward !== null && !c.reward_funcs.includes(c.dynamic_sampling.reward))
    out.push({ path: ['dynamic_sampling', 'reward'], message: `"${c.dynamic_sampling.reward}" is not in reward_funcs (${c.reward_funcs.join(', ')})` });
  if (c.max_steps === 0 || c.max_steps < -1) out.push({ path: ['max_steps'], message: 'must be -1 (use num_train_epochs) or a positive step count' });
  return out;
}
