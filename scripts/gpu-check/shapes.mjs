// Shapes: is generation cold for every new prompt length? Per-call times of generate (G rows with prefix sharing, NEW
// greedy tokens) on the speed-prep checkpoint at prompt lengths L, L-3, L-7, L-11, L, L-5 (2 calls each), first with
// the default KV buffers (bucketed to 256 positions: decode shapes shared by nearby lengths), then with exact-size
// buffers (kvBucket 1: new decode shapes for every length, the old behaviour's cost). A run whose prompts change length
// every step pays what the "first call at a new length" column shows. usage: node shapes.mjs <dir> <out.json>
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE, R, now, round, sync } from './common.mjs';

const [dir, outFile] = process.argv.slice(2);
const NEW = Number(process.env.S4_NEW || 128);
const G = Number(process.env.S4_G || 8);
const { tensors: inp } = await R.loadSafetensors(join(dir, 'inputs.safetensors'));
const dev = (t) => (DEVICE === 'cpu' ? t : t.to(DEVICE));
const model = await R.QwenVL.load(join(dir, 'model'), { dtype: process.env.S4_DTYPE || 'bfloat16', device: DEVICE });
const ids = inp.get('input_ids'), am = inp.get('attention_mask');
const L = ids.shape[1];
const pv = dev(inp.get('pixel_values_videos')), grid = inp.get('video_grid_thw'), spg = inp.get('second_per_grid_ts');
const plan = [0, 3, 7, 11, 0, 5];
const res = { ok: false, L, G, new_tokens: NEW, modes: {} };
for (const [mode, kvBucket] of [['bucketed', 0], ['exact', 1]]) {
  const calls = [];
  for (const drop of plan) {
    const p = { inputIds: dev(ids.narrow(1, 0, L - drop)), attentionMask: dev(am.narrow(1, 0, L - drop)), pixelValuesVideos: pv, videoGridThw: grid, secondPerGridTs: spg };
    for (let i = 0; i < 2; i++) {
      const t0 = now();
      const g = await model.generate(p, { maxNewTokens: NEW, numReturnSequences: G, stopIds: [], padId: 151643, kvBucket });
      sync();
      const s = (now() - t0) / 1000;
      calls.push({ prompt: L - drop, call: i + 1, s: round(s) });
      console.log(`shapes ${mode} L=${L - drop} call ${i + 1}: ${s.toFixed(3)} s`);
      g.tokens.dispose();
      g.lengths.dispose();
      g.logprobs.dispose();
    }
  }
  // after the first length: a new length's first call vs the same length's second call
  const later = calls.slice(2);
  const firsts = later.filter((c) => c.call === 1).map((c) => c.s);
  const seconds = later.filter((c) => c.call === 2).map((c) => c.s);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  res.modes[mode] = { calls, first_call_mean_s: round(mean(firsts)), second_call_mean_s: round(mean(seconds)), cold_ratio: round(mean(firsts) / mean(seconds), 3) };
  writeFileSync(outFile, JSON.stringify(res, null, 1));
}
res.ok = true;
writeFileSync(outFile, JSON.stringify(res, null, 1));
model.dispose();
process.exit(0);
