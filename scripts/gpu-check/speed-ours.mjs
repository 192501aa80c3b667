// Speed, ours: the QwenVL API on the speed-prep.py checkpoint and prompt, in S4_DTYPE (default bfloat16), on DEVICE.
//   gen_prefill  generate 1 token with prefix sharing (vision + prefill + 1 step): subtracted from gen_shared to get
//                the decode time per step, compared with the HBM bound (text weights read once per step)
//   gen_big      (S4_EXTRA=GxN, e.g. 16x200) gen_shared with G rows and N new tokens: the reference's sizes
//   gen_shared   generate G x NEW tokens greedy, numReturnSequences = G (vision + prefill once, KV cache forked)
//   gen_rep      generate from the prompt repeated G times (G videos, G prefills: what HF does)
//   lp_rows      logprobs of G full rows (prompt + completion, G videos) with grad, backward of the sum
//   lp_shared    groupLogprobs (prompt computed once for the G completions) with grad, backward of the sum
//   gen_sample   like gen_shared but sampled (temperature 1, top-k 50, seed 1), the GRPO rollout setting; last, so a
//                short stage limit cuts it first (its memory peak includes what the caching allocator kept before)
// Trainable parameters as the trainer's default (freeze visual.*, unfreeze visual.merger.*). Each phase: 1 warm-up +
// REPS timed runs, synchronised. usage: node s4-ours.mjs <dir> <out.json>
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { DEVICE, R, SmiPoller, errText, mean, now, results, round, sync } from './common.mjs';

const [dir, outFile] = process.argv.slice(2);
const REPS = Number(process.env.S4_REPS || 3);
const PHASES = (process.env.S4_OURS_PHASES || 'gen_prefill,gen_shared,gen_rep,lp_rows,lp_shared,gen_sample,gen_big').split(',');
const [BIG_G, BIG_N] = (process.env.S4_EXTRA || '16x200').split('x').map(Number);
const DTYPE = process.env.S4_DTYPE || 'bfloat16';
const { res, save, fail } = results(outFile);
const smi = new SmiPoller();
res.device = DEVICE;
res.dtype = DTYPE;
res.reps = REPS;
res.smi = smi.child !== null;
res.phases = {};

// Does the project's config reader take the config.json that save_pretrained wrote, as is?
try {
  R.parseQwenConfig(JSON.parse(readFileSync(join(dir, 'model', 'config.saved.json'), 'utf8')), 'config.saved.json');
  res.saved_config_accepted = true;
} catch (e) {
  res.saved_config_accepted = false;
  res.saved_config_error = String(e.message).slice(0, 500);
}

const { tensors: inp } = await R.loadSafetensors(join(dir, 'inputs.safetensors'));
const dev = (t) => (DEVICE === 'cpu' ? t : t.to(DEVICE));
const ids = dev(inp.get('input_ids'));
const am = dev(inp.get('attention_mask'));
const pv = dev(inp.get('pixel_values_videos'));
const grid = inp.get('video_grid_thw');
const spg = inp.get('second_per_grid_ts');
const comp = dev(inp.get('completion'));
const [G, NEW] = comp.shape;
const Lp = ids.shape[1];
res.G = G;
res.new_tokens = NEW;
res.prompt_tokens = Lp;
const PAD = 151643;

smi.mark();
let t = now();
const model = await R.QwenVL.load(join(dir, 'model'), { dtype: DTYPE, device: DEVICE });
sync();
res.load_s = round((now() - t) / 1000, 3);
await smi.settle();
res.after_load_mib = smi.last;
res.params = model.parameterCount;
log(`ours: loaded ${res.params} parameters in ${res.load_s} s (GPU memory ${smi.last} MiB)`);
save();

const names = model.parameterNames();
const params = model.parameters();
// bytes a decode step must read at least: every text weight but the embedding table (one row is read)
res.text_weight_bytes = names.reduce((a, n, i) => (n.startsWith('visual.') || n.endsWith('embed_tokens.weight') ? a : a + params[i].numel * R.BYTES_PER_ELEMENT[DTYPE]), 0);
const trainable = R.partitionParams(names, ['visual.*'], ['visual.merger.*']).trainable;
const tset = new Set(trainable);
names.forEach((n, i) => tset.has(n) && params[i].requiresGrad_(true));
res.trainable_params = trainable.length;

const rep = (t, n) => R.cat(Array.from({ length: n }, () => t), 0);
const prompt = { inputIds: ids, attentionMask: am, pixelValuesVideos: pv, videoGridThw: grid, secondPerGridTs: spg };
const promptG = { inputIds: ids.repeat([G, 1]), attentionMask: am.repeat([G, 1]), pixelValuesVideos: rep(pv, G), videoGridThw: grid.repeat([G, 1]), secondPerGridTs: spg.repeat([G]) };
const fullG = { ...promptG, inputIds: R.cat([promptG.inputIds, comp], 1), attentionMask: R.cat([promptG.attentionMask, R.onesLike(comp)], 1) };

function log(...a) {
  console.log(...a);
}

let sample = null;
const body = {
  gen_prefill: async () => {
    const g = await model.generate(prompt, { maxNewTokens: 1, numReturnSequences: G, stopIds: [], padId: PAD });
    sample = g.tokens;
    g.lengths.dispose();
    g.logprobs.dispose();
  },
  gen_big: async () => {
    const g = await model.generate(prompt, { maxNewTokens: BIG_N, numReturnSequences: BIG_G, stopIds: [], padId: PAD, temperature: 1.0, topK: 50, seed: 1 });
    if (g.tokens.shape[0] !== BIG_G || g.tokens.shape[1] !== BIG_N) throw new Error(`generate returned [${g.tokens.shape}]`);
    sample = g.tokens;
    g.lengths.dispose();
    g.logprobs.dispose();
  },
  gen_shared: async () => {
    const g = await model.generate(prompt, { maxNewTokens: NEW, numReturnSequences: G, stopIds: [], padId: PAD });
    if (g.tokens.shape[0] !== G || g.tokens.shape[1] !== NEW) throw new Error(`generate returned [${g.tokens.shape}]`);
    sample = g.tokens;
    g.lengths.dispose();
    g.logprobs.dispose();
  },
  gen_sample: async () => {
    const g = await model.generate(prompt, { maxNewTokens: NEW, numReturnSequences: G, stopIds: [], padId: PAD, temperature: 1.0, topK: 50, seed: 1 });
    if (g.tokens.shape[0] !== G || g.tokens.shape[1] !== NEW) throw new Error(`generate returned [${g.tokens.shape}]`);
    sample = g.tokens;
    g.lengths.dispose();
    g.logprobs.dispose();
  },
  gen_rep: async () => {
    const g = await model.generate(promptG, { maxNewTokens: NEW, stopIds: [], padId: PAD });
    if (g.tokens.shape[0] !== G || g.tokens.shape[1] !== NEW) throw new Error(`generate returned [${g.tokens.shape}]`);
    sample = g.tokens;
    g.lengths.dispose();
    g.logprobs.dispose();
  },
  lp_rows: async () => {
    const { logprobs } = await model.logprobs(fullG, comp, { chunk: 64 });
    const s = logprobs.sum();
    await s.backward();
    s.dispose();
    sample = logprobs.detach();
    logprobs.dispose();
  },
  lp_shared: async () => {
    const { logprobs } = await model.groupLogprobs(prompt, comp, { chunk: 64 });
    const s = logprobs.sum();
    await s.backward();
    s.dispose();
    sample = logprobs.detach();
    logprobs.dispose();
  },
};

const tokensOf = (t) => Array.from(t.select(0, 0).to('cpu').toArray(), Number);
const floatsOf = (t) => Array.from(t.select(0, 0).to('cpu').toArray(), (x) => round(x, 5));

for (const name of PHASES) {
  const fn = body[name];
  if (!fn) continue;
  try {
    const zero = () => params.forEach((p) => p.zeroGrad());
    zero();
    smi.mark();
    const runs = [];
    let t0 = now();
    await fn();
    sync();
    const warm = (now() - t0) / 1000;
    // first output row, for the ours-vs-HF comparison (greedy tokens / log-probs of row 0)
    const first = sample && (name.startsWith('gen') ? tokensOf(sample) : floatsOf(sample));
    sample?.dispose();
    sample = null;
    for (let i = 0; i < REPS; i++) {
      zero();
      t0 = now();
      await fn();
      sync();
      runs.push((now() - t0) / 1000);
      sample?.dispose();
      sample = null;
    }
    await smi.settle();
    const m = mean(runs);
    const ph = { warmup_s: round(warm), runs_s: runs.map((x) => round(x)), mean_s: round(m), peak_mib: smi.peak(), base_mib: smi.base };
    if (name === 'gen_big') ph.tokens_per_s = round((BIG_G * BIG_N) / m, 1), (ph.G = BIG_G), (ph.new_tokens = BIG_N);
    else if (name === 'gen_prefill') ph.tokens_per_s = null;
    else if (name.startsWith('gen')) ph.tokens_per_s = round((G * NEW) / m, 1);
    else ph.tokens_per_s = round((G * (Lp + NEW)) / m, 1);
    ph.row0 = first;
    res.phases[name] = ph;
    log(`ours ${name}: mean ${ph.mean_s} s over ${REPS} (warm-up ${ph.warmup_s} s), ${ph.tokens_per_s} tok/s, peak ${ph.peak_mib} MiB`);
    save();
  } catch (e) {
    res.phases[name] = { error: errText(e) };
    fail(name, e);
  }
}
params.forEach((p) => p.zeroGrad());
res.ok = PHASES.every((p) => res.phases[p] && !res.phases[p].error);
save();
smi.stop();
model.dispose();
process.exit(0);
