/** Config schema defaults (= the reference recipe), YAML/JSON loading, flags, placeholders and error messages. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import { addConfigOptions, configFields, loadConfig, loadConfigFromCommand, overridesFromFlags, saveConfig, trainConfigSchema } from '../../lib/config/index.js';

const CONFIGS = new URL('../../configs/', import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'rarft-config-'));
const minimal = { model_path: 'm', output_dir: 'o', datasets: [{ path: 'a.json', video_root: 'v' }] };

describe('schema defaults are the reference recipe (§4.4)', () => {
  const c = trainConfigSchema.parse(minimal);
  it('rollout, loss and optimiser values', () => {
    expect(c).toMatchObject({
      num_generations: 8, temperature: 1, top_k: 50, top_p: 1, max_completion_length: 200, max_prompt_length: 8192,
      stop_token_ids: [151645, 151643], learning_rate: 1e-6, lr_scheduler_type: 'linear', warmup_ratio: 0, warmup_steps: 0,
      adam_beta1: 0.9, adam_beta2: 0.999, adam_epsilon: 1e-8, weight_decay: 0, max_grad_norm: 1, beta: 0.04,
      epsilon_low: 0.2, epsilon_high: 0.2, num_iterations: 1, loss_type: 'rarft_token_mean', scale_rewards: 'group',
      num_train_epochs: 3, max_steps: -1, seed: 42, save_steps: 50, save_total_limit: 3, logging_steps: 1,
      freeze: ['visual.*'], unfreeze: ['visual.merger.*'], gradient_checkpointing: true,
      reward_funcs: ['format', 'refuse_iou', 'explain_correction'], reward_weights: null,
      logprob_second_per_grid_ts: 'same_as_rollout', example_ratio: { answerable: 1, refusable: 1 },
      // issue 19's options default to the reference's behaviour: off
      importance_sampling_level: 'token', delta: null, top_entropy_quantile: 1, dynamic_sampling: { enabled: false, max_rounds: 3, reward: null },
    });
    expect(c.video).toEqual({ fps: 2, total_pixels: 2809856, min_pixels: 12544, min_frames: 4, max_frames: 768 });
    expect(c.datasets[0]).toEqual({ path: 'a.json', format: 'rarft', video_root: 'v', max_records: null });
  });
});

describe('configs/', () => {
  it('the 7B recipe differs from the defaults only in paths and the CPU optimizer offload', () => {
    const c = loadConfig({ file: join(CONFIGS, 'rarft-qwen2.5vl-7b-8gpu.yaml') });
    const d = trainConfigSchema.parse({ model_path: c.model_path, output_dir: c.output_dir, datasets: c.datasets });
    expect({ ...c, optimizer_state_device: d.optimizer_state_device }).toEqual(d);
    expect(c.optimizer_state_device).toBe('cpu');
  });
  it('the 3B recipe loads', () => {
    expect(loadConfig({ file: join(CONFIGS, 'rarft-qwen2.5vl-3b.yaml') }).model_path).toBe('checkpoints/Qwen2.5-VL-3B-Instruct');
  });
  it('demo.yaml needs DEMO_DIR and fills it in', () => {
    const file = join(CONFIGS, 'demo.yaml');
    const c = loadConfig({ file, vars: { DEMO_DIR: '/tmp/demo' } });
    expect(c.model_path).toBe('/tmp/demo/tiny-qwen2.5vl');
    expect(c.datasets[0]!.video_root).toBe('/tmp/demo/data/videos');
    expect(c.device).toBe('cpu');
    const saved = process.env.DEMO_DIR;
    delete process.env.DEMO_DIR;
    try {
      expect(() => loadConfig({ file })).toThrow(`${file}, field "model_path": placeholder \${DEMO_DIR} is not set`);
    } finally {
      if (saved !== undefined) process.env.DEMO_DIR = saved;
    }
  });
});

describe('loadConfig', () => {
  it('reads JSON, and overrides win over the file', () => {
    const dir = tmp();
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ ...minimal, learning_rate: 2e-6, video: { fps: 1 } }));
    const c = loadConfig({ file, overrides: { learning_rate: 3e-6, video: { total_pixels: 1000 } } });
    expect(c.learning_rate).toBe(3e-6);
    expect(c.video.fps).toBe(1); // merged, not replaced
    expect(c.video.total_pixels).toBe(1000);
  });
  it('names the file and the field path of a bad value', () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'model_path: m\noutput_dir: o\ndatasets:\n  - path: a.json\n    format: srt\n');
    expect(() => loadConfig({ file })).toThrow(/2 config errors:\n {2}.*bad\.yaml, field "datasets\[0\]\.format": Invalid option.*\n {2}.*bad\.yaml, field "datasets\[0\]\.video_root"/);
  });
  it('a misspelt key is an error, not a silently ignored setting', () => {
    expect(() => loadConfig({ overrides: { ...minimal, learnig_rate: 1 } })).toThrow(/command line.*learnig_rate|Unrecognized key.*learnig_rate/);
  });
  it('blames the flag when the bad value came from the command line', () => {
    const dir = tmp();
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'model_path: m\noutput_dir: o\ndatasets: [{path: a, video_root: v}]\n');
    expect(() => loadConfig({ file, overrides: { num_generations: 1 } })).toThrow(/^command line, field "num_generations": Too small/);
  });
  it('cross-field checks: reward weights, unknown rewards', () => {
    expect(() => loadConfig({ overrides: { ...minimal, reward_weights: [1, 2] } })).toThrow(/field "reward_weights": has 2 weights for 3 reward_funcs/);
    expect(() => loadConfig({ overrides: { ...minimal, reward_funcs: ['format', 'iou'] }, knownRewards: ['format', 'refuse_iou'] })).toThrow(
      /field "reward_funcs\[1\]": unknown reward "iou"; registered: format, refuse_iou/,
    );
  });
  it('invalid YAML and a missing file are reported with the file name', () => {
    const dir = tmp();
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'a: [1, 2\n');
    expect(() => loadConfig({ file })).toThrow(new RegExp(`${file}: not valid YAML`));
    expect(() => loadConfig({ file: join(dir, 'nope.yaml') })).toThrow(/nope\.yaml: cannot read config/);
  });
  it('saveConfig writes the resolved config, which loads back to the same value', () => {
    const dir = tmp();
    const c = loadConfig({ overrides: minimal });
    const path = saveConfig(dir, c);
    expect(readFileSync(path, 'utf8')).toMatch(/^# resolved rarft training config/);
    expect(loadConfig({ file: path })).toEqual(c);
  });
});

describe('command-line flags', () => {
  const parse = (argv: string[]) => {
    const cmd = addConfigOptions(new Command('train').exitOverride().configureOutput({ writeErr: () => {} }));
    cmd.parse(argv, { from: 'user' });
    return cmd;
  };
  it('one kebab-case flag per field (nested fields joined), datasets file-only', () => {
    const flags = configFields().filter((f) => f.kind !== 'object[]').map((f) => f.path.join('.'));
    expect(flags).toContain('video.total_pixels');
    expect(flags).not.toContain('datasets');
    const help = addConfigOptions(new Command('train')).helpInformation();
    for (const line of [
      '--learning-rate <number>',
      '--video-total-pixels <integer>',
      '--loss-type <rarft_token_mean|grpo|bnpo|dr_grpo|dapo>',
      '--importance-sampling-level <token|sequence>',
      '--delta <number>',
      '--top-entropy-quantile <number>',
      '--dynamic-sampling-enabled',
      '--no-dynamic-sampling-enabled',
      '--dynamic-sampling-max-rounds <integer>',
      '--dynamic-sampling-reward <string>',
      '--no-gradient-checkpointing',
      'Peak learning rate. (default: 0.000001)',
    ])
      expect(help).toContain(line);
  });
  it('only the flags given become overrides, typed and nested', () => {
    const cmd = parse(['--learning-rate', '2e-6', '--video-fps', '1', '--no-gradient-checkpointing', '--reward-funcs', 'format,refuse_iou', '--loss-type', 'grpo', '--save-total-limit', 'null', '--stop-token-ids', '151645']);
    expect(overridesFromFlags(cmd.opts())).toEqual({
      learning_rate: 2e-6, video: { fps: 1 }, gradient_checkpointing: false, reward_funcs: ['format', 'refuse_iou'],
      loss_type: 'grpo', save_total_limit: null, stop_token_ids: [151645],
    });
  });
  it('flags override the --config file', () => {
    const cmd = parse(['-c', join(CONFIGS, 'rarft-qwen2.5vl-3b.yaml'), '--beta', '0', '--output-dir', '/tmp/x']);
    const c = loadConfigFromCommand(cmd);
    expect(c.beta).toBe(0);
    expect(c.output_dir).toBe('/tmp/x');
    expect(c.model_path).toBe('checkpoints/Qwen2.5-VL-3B-Instruct');
  });
  it('issue 19 flags: dapo with dynamic sampling, GSPO, delta, the entropy quantile', () => {
    const cmd = parse(['-c', join(CONFIGS, 'rarft-qwen2.5vl-3b.yaml'), '--loss-type', 'dapo', '--dynamic-sampling-enabled', '--dynamic-sampling-max-rounds', '5', '--importance-sampling-level', 'sequence', '--delta', '1.5', '--top-entropy-quantile', '0.2']);
    const c = loadConfigFromCommand(cmd);
    expect(c).toMatchObject({ loss_type: 'dapo', dynamic_sampling: { enabled: true, max_rounds: 5 }, importance_sampling_level: 'sequence', delta: 1.5, top_entropy_quantile: 0.2 });
  });
  it('validates the issue 19 options, naming the field', () => {
    const load = (o: Record<string, unknown>) => () => loadConfig({ overrides: { ...minimal, ...o } });
    expect(load({ delta: 1.1 })).toThrow('command line, field "delta": must exceed 1 + epsilon_high = 1.2 (else it also clips positive advantages)');
    expect(load({ delta: 1.25, epsilon_high: 0.28 })).toThrow(/field "delta": must exceed 1 \+ epsilon_high = 1.28/);
    expect(load({ delta: 1.5 })).not.toThrow();
    expect(load({ delta: 1 })).toThrow(/field "delta"/);
    expect(load({ top_entropy_quantile: 0 })).toThrow(/field "top_entropy_quantile"/);
    expect(load({ top_entropy_quantile: 1.5 })).toThrow(/field "top_entropy_quantile"/);
    expect(load({ dynamic_sampling: { enabled: true, max_rounds: 0 } })).toThrow(/field "dynamic_sampling.max_rounds"/);
    expect(load({ dynamic_sampling: { enable: true } })).toThrow(/field "dynamic_sampling"/);
    expect(load({ importance_sampling_level: 'group' })).toThrow(/field "importance_sampling_level"/);
    expect(load({ reward_funcs: ['format', 'refuse_iou'], dynamic_sampling: { enabled: true, reward: 'explain_correction' } })).toThrow(
      'command line, field "dynamic_sampling.reward": "explain_correction" is not in reward_funcs (format, refuse_iou)',
    );
    expect(load({ dynamic_sampling: { enabled: true, reward: 'refuse_iou' } })).not.toThrow();
    expect(load({ loss_type: 'dapo2' })).toThrow(/field "loss_type"/);
  });
  it('rejects a bad number or choice at parse time, naming the flag', () => {
    expect(() => parse(['--learning-rate', 'fast'])).toThrow(/--learning-rate: "fast" is not a number/);
    expect(() => parse(['--num-generations', '2.5'])).toThrow(/--num-generations: "2.5" is not an integer/);
    expect(() => parse(['--scale-rewards', 'std'])).toThrow(/--scale-rewards: "std" is not one of group, batch, none/);
  });
});
