/**
 * `rarft-infer`: answers one query about one video with a checkpoint and prints the answer: the span, or the refusal
 * with its explanation and corrected query. Defaults are the reference's inference (rarft-reference §2.2): RA-RFT
 * inference template, system "You are a video analysis expert.", video before text, greedy, 512 new tokens, stop on
 * <|im_end|> / <|endoftext|>. `--json` prints one JSON object (text, tokens, logprobs, parsed answer, timing).
 */
import { Command } from 'commander';
import { DEFAULT_DECODING, formatAnswer, generateForVideo, InferenceSession, loadVideo, parseAnswer } from '../infer/index.js';
import { addModelOptions, decodingFrom, type ModelFlags } from '../infer/cli-flags.js';
import { packageVersion } from './version.js';

interface InferFlags extends ModelFlags {
  video: string;
  query: string;
  json: boolean;
  raw: boolean;
  cache?: string;
}

export interface InferOutput {
  model: string;
  video: string;
  query: string;
  template: string;
  dtype: string;
  text: string;
  tokens: number[];
  logprobs: number[];
  stopped: boolean;
  answer: ReturnType<typeof parseAnswer>;
  span: [number, number] | null;
  refusal: { explanation: string; correction: string | null } | null;
  video_info: { grid_thw: [number, number, number]; sample_fps: number; frames: number; cache_hit: boolean };
  timing: { load_ms: number; video_ms: number; prompt_ms: number; generate_ms: number; total_ms: number; prompt_tokens: number; new_tokens_per_s: number };
}

export async function runInfer(f: InferFlags, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<InferOutput> {
  const t0 = performance.now();
  const template = f.template ?? 'inference';
  const session = await InferenceSession.open(f.model, { ...(f.dtype ? { dtype: f.dtype } : {}), device: f.device });
  try {
    const t1 = performance.now();
    const video = await loadVideo(f.video, f.cache ? { cacheDir: f.cache } : {});
    const t2 = performance.now();
    try {
      const { answers, timing } = await generateForVideo(session.model, session.tokenizer, video, [f.query], template, { ...DEFAULT_DECODING, ...decodingFrom(f) });
      const a = answers[0]!;
      const answer = parseAnswer(a.text, template);
      const out: InferOutput = {
        model: f.model,
        video: f.video,
        query: f.query,
        template,
        dtype: session.dtype,
        text: a.text,
        tokens: a.tokens,
        logprobs: a.logprobs,
        stopped: a.stopped,
        answer,
        span: answer.kind === 'span' ? answer.span : null,
        refusal: answer.kind === 'refusal' ? { explanation: answer.explanation, correction: answer.correction } : null,
        video_info: { grid_thw: video.videoGridThw, sample_fps: video.sampleFps, frames: video.indices.length, cache_hit: video.cacheHit ?? false },
        timing: {
          load_ms: round(session.loadMs),
          video_ms: round(t2 - t1),
          prompt_ms: round(timing.promptMs),
          generate_ms: round(timing.generateMs),
          total_ms: round(performance.now() - t0),
          prompt_tokens: a.promptTokens,
          new_tokens_per_s: round(a.tokens.length / (timing.generateMs / 1000)),
        },
      };
      if (f.json) write(JSON.stringify(out) + '\n');
      else {
        if (f.raw) write(`${a.text}\n---\n`);
        write(formatAnswer(answer) + '\n');
        process.stderr.write(
          `${a.tokens.length} tokens${a.stopped ? '' : ` (hit --max-new-tokens ${f.maxNewTokens ?? DEFAULT_DECODING.maxNewTokens})`} in ${(timing.generateMs / 1000).toFixed(2)} s; ` +
            `load ${(session.loadMs / 1000).toFixed(1)} s, video ${((t2 - t1) / 1000).toFixed(2)} s\n`,
        );
      }
      return out;
    } finally {
      video.pixelValuesVideos.dispose();
    }
  } finally {
    session.dispose();
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

export function inferProgram(): Command {
  const program = new Command('rarft-infer')
    .description('answer a temporal-grounding query about a video: the span, or a refusal with its explanation and a corrected query')
    .version(packageVersion())
    .requiredOption('--video <file>', 'the video file')
    .requiredOption('--query <text>', 'the query');
  addModelOptions(program, 'prompt template (default inference: RA-RFT inference prompt, §2.2)')
    .option('--cache <dir>', 'video cache folder (decode once, reuse across calls)')
    .option('--json', 'print one JSON object: text, tokens, logprobs, parsed span or refusal, timing', false)
    .option('--raw', 'also print the raw model output', false)
    .action(async (f: InferFlags) => {
      await runInfer(f);
    });
  return program;
}
