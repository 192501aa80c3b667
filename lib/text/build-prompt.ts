import type { TextTokenizer } from './tokenizer.js';
import { promptMessages, type PromptTemplate } from './prompts.js';
import { expandVideoPads, videoTokenCount, type VideoGrid } from './video-pad.js';
import { DataError } from '../errors.js';

export interface BuildPromptOptions {
  tokenizer: TextTokenizer;
  query: string;
  template: PromptTemplate;
  /** The video's `video_grid_thw`; decides how many `<|video_pad|>` tokens the prompt holds. */
  videoGrid: VideoGrid;
  /** Time-R1's `--use_nothink`: append an empty think block after the assistant header. */
  noThink?: boolean;
}

export interface BuiltPrompt {
  /** The rendered chat text with the video pads expanded (what is tokenised). */
  text: string;
  inputIds: Int32Array;
  videoTokenCount: number;
}

/**
 * Renders a prompt template through the checkpoint's chat template (generation prompt appended), expands the video
 * pads and tokenises without added special tokens — the processor path of rarft-reference §4.2 step 2.
 */
export function buildPrompt(options: BuildPromptOptions): BuiltPrompt {
  const rendered = options.tokenizer.chatTemplate.render(promptMessages(options.query, options.template), {
    addGenerationPrompt: true,
  });
  const withThink = options.noThink ? `${rendered}<think>\n</think>\n` : rendered;
  let text: string;
  try {
    text = expandVideoPads(withThink, [options.videoGrid]);
  } catch (e) {
    // the template decides where the video goes: one that drops or repeats it is the template's fault
    throw new DataError(`${(e as Error).message} (rendered by this chat template)`, { file: options.tokenizer.chatTemplate.origin });
  }
  const ids = options.tokenizer.encode(text);
  const count = videoTokenCount(options.videoGrid);
  const videoPadId = options.tokenizer.tokenId('<|video_pad|>');
  const found = ids.reduce((n, id) => n + (id === videoPadId ? 1 : 0), 0);
  if (found !== count) {
    // A query containing the literal "<|video_pad|>" would otherwise silently shift the video features.
    throw new DataError(`prompt tokenised to ${found} <|video_pad|> tokens, expected ${count} (does the query contain special tokens, or does the tokenizer lack <|video_pad|>?)`, { file: options.tokenizer.tokenizerFile });
  }
  return { text, inputIds: Int32Array.from(ids), videoTokenCount: count };
}
