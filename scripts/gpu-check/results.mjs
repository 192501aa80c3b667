// The GPU check's summary: every stage's status (the runner's stages.tsv with each stage's own JSON verdict) and one
// table on stdout (stages, the suite's numbers, ours vs HF per phase, decode vs the HBM bound, the cost of a new prompt
// length), all of it also in $OUT/results.json. usage: node results.mjs OUT DEADLINE_S
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [out, deadline] = process.argv.slice(2);
const load = (f) => {
  try {
    return JSON.parse(readFileSync(join(out, f), 'utf8'));
  } catch {
    return null;
  }
};
const stages = {};
for (const line of existsSync(join(out, 'stages.tsv')) ? readFileSync(join(out, 'stages.tsv'), 'utf8').split('\n') : []) {
  const [name, status, rc, secs, lim] = line.split('\t');
  if (name && lim !== undefined) stages[name] = { runner: status, exit: rc === '-' ? null : Number(rc), seconds: Number(secs), limit_s: Number(lim) };
}
const facts = load('facts.json'), build = load('build.json'), suite = load('suite.json'), shapes = load('shapes.json');
const prep = load('speed-prep.json'), ours = load('speed-ours.json'), hf = load('speed-hf.json');
const verdict = { facts, build, suite, speed: ours && hf ? { ok: ours.ok && hf.ok } : null, shapes };
for (const [name, st] of Object.entries(stages)) st.status = st.runner === 'ok' && name in verdict ? (verdict[name]?.ok ? 'ok' : 'failed') : st.runner;

// ---- ours vs HF --------------------------------------------------------------------------------------------------
const op = ours?.phases ?? {}, hp = hf?.phases ?? {};
const pairs = [
  ['generate G x NEW greedy, prefix sharing (ours) / repeated prompt (HF)', 'gen_shared', 'gen_rep'],
  ['generate G x NEW greedy, repeated prompt (both)', 'gen_rep', 'gen_rep'],
  ['generate sampled (T 1, top-k 50), prefix sharing / repeated', 'gen_sample', 'gen_sample'],
  ['generate sampled, reference sizes (S4_EXTRA), prefix sharing / repeated', 'gen_big', 'gen_big'],
  ['log-probs + backward, G full rows (both)', 'lp_rows', 'lp_rows'],
  ['log-probs + backward, shared prompt (ours) / G rows (HF)', 'lp_shared', 'lp_rows'],
];
// a phase the run never reached (its process ran out of the stage's time first) says so, instead of a bare '-'
const NOT_REACHED = 'not reached: the stage time limit ended the run first';
const whyMissing = (run, phases, name) => phases[name]?.error ?? (run && !phases[name] ? NOT_REACHED : undefined);
const speed = pairs.map(([phase, o, h]) => {
  const a = op[o] ?? {}, b = hp[h] ?? {};
  return { phase, ours_s: a.mean_s ?? null, hf_s: b.mean_s ?? null, ours_over_hf: a.mean_s && b.mean_s ? Number((a.mean_s / b.mean_s).toFixed(3)) : null, ours_tok_s: a.tokens_per_s ?? null, hf_tok_s: b.tokens_per_s ?? null, ours_peak_mib: a.peak_mib ?? null, hf_peak_mib: b.peak_mib ?? null, ours_error: whyMissing(ours, op, o)?.slice(0, 300), hf_error: whyMissing(hf, hp, h)?.slice(0, 300) };
});
// decode per step (gen_shared minus its prefill) against the bound of reading the text weights once per step
const HBM_BYTES_PER_S = Number(process.env.HBM_BYTES_PER_S || 4.3e12);
let decode = null;
if (op.gen_shared?.mean_s && op.gen_prefill?.mean_s && ours?.new_tokens > 1 && ours?.text_weight_bytes) {
  const step = (op.gen_shared.mean_s - op.gen_prefill.mean_s) / (ours.new_tokens - 1);
  const bound = ours.text_weight_bytes / HBM_BYTES_PER_S;
  decode = { ms_per_step: Number((step * 1000).toFixed(2)), bound_ms: Number((bound * 1000).toFixed(2)), fraction_of_bound: Number((bound / step).toFixed(3)), rows: ours.G, text_weight_gb: Number((ours.text_weight_bytes / 1e9).toFixed(2)), hbm_tb_s: HBM_BYTES_PER_S / 1e12 };
}

const res = { stages, deadline_s: Number(deadline), facts, build, suite, speed: { prep, table: speed, decode }, shapes };
writeFileSync(join(out, 'results.json'), JSON.stringify(res, null, 1));

// ---- the table ---------------------------------------------------------------------------------------------------
const fmt = (x, w) => String(x ?? '-').padStart(w);
console.log(`==== rarft GPU check: ${facts?.gpu ?? '?'}; torch ${facts?.torch ?? '?'}; transformers ${facts?.transformers ?? '?'} ====`);
const note = {
  build: build && `cuda=${build.cuda} nccl=${build.nccl} gloo=${build.gloo} C++${build.cxx_standard} libtorch ${build.libtorch}; configure ${build.configure_s}s build ${build.build_s}s${build.build_errors?.length ? `; ERRORS: ${build.build_errors[0]}` : ''}`,
  suite: suite && `${suite.passed} passed, ${suite.failed} failed, ${suite.skipped} skipped${suite.skip_reasons?.length ? ` (${suite.skip_reasons[0]})` : ''}`,
  speed: prep && `${prep.size} NL=${prep.NL}, ${prep.params} params, prompt ${prep.prompt_tokens} tokens (${prep.video_tokens} video), G=${prep.G}, ${prep.new_tokens} new tokens, ${prep.dtype}`,
  shapes: shapes?.modes && Object.entries(shapes.modes).map(([m, v]) => `${m}: first call at a new length ${v.first_call_mean_s}s vs second ${v.second_call_mean_s}s (x${v.cold_ratio})`).join('; '),
};
console.log(`${'stage'.padEnd(8)} ${'status'.padEnd(8)} ${'seconds'.padStart(8)}  notes`);
for (const [name, st] of Object.entries(stages)) console.log(`${name.padEnd(8)} ${st.status.padEnd(8)} ${fmt(st.seconds.toFixed(1), 8)}  ${note[name] ?? ''}`);
if (suite?.tests?.length) {
  console.log('\n-- gpu suite --');
  for (const t of suite.tests) console.log(`${t.status.padEnd(7)} ${fmt(t.ms, 7)} ms  ${t.name}${t.error ? `\n        ${t.error.split('\n')[0]}` : ''}`);
  for (const p of suite.printed ?? []) console.log(`  ${p}`);
}
if (ours || hf) {
  console.log('\n-- ours vs HF transformers (mean of the timed runs) --');
  console.log(`${'phase'.padEnd(74)} ${'ours s'.padStart(8)} ${'HF s'.padStart(8)} ${'ours/HF'.padStart(8)} ${'ours tok/s'.padStart(10)} ${'HF tok/s'.padStart(9)} ${'ours MiB'.padStart(9)} ${'HF MiB'.padStart(8)}`);
  for (const r of speed)
    console.log(`${r.phase.padEnd(74)} ${fmt(r.ours_s, 8)} ${fmt(r.hf_s, 8)} ${fmt(r.ours_over_hf, 8)} ${fmt(r.ours_tok_s, 10)} ${fmt(r.hf_tok_s, 9)} ${fmt(r.ours_peak_mib, 9)} ${fmt(r.hf_peak_mib, 8)}${r.ours_error ? `  ours ERROR ${r.ours_error.split('\n')[0]}` : ''}${r.hf_error ? `  HF ERROR ${r.hf_error.split('\n')[0]}` : ''}`);
  if (decode) console.log(`decode: ${decode.ms_per_step} ms per step for ${decode.rows} rows; reading ${decode.text_weight_gb} GB of text weights at ${decode.hbm_tb_s} TB/s takes ${decode.bound_ms} ms -> ${(decode.fraction_of_bound * 100).toFixed(1)}% of the bound`);
}
if (shapes?.modes) {
  console.log('\n-- generate time per call across prompt lengths --');
  for (const [m, v] of Object.entries(shapes.modes)) console.log(`${m.padEnd(9)} ${v.calls.map((c) => `L${c.prompt}#${c.call} ${c.s}s`).join('  ')}`);
}
const total = Object.values(stages).reduce((a, s) => a + (s.seconds || 0), 0);
console.log(`\ntotal ${total.toFixed(1)}s of ${deadline}s; summary: ${Object.entries(stages).map(([n, s]) => `${n} ${s.status}`).join(', ')}`);
