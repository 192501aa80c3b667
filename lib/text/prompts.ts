import type { TemplateMessage } from './chat-template.js';

/**
 * RA-RFT training prompt, verbatim (the trainer's QUESTION_TEMPLATE_RARFT, rarft-reference §2.1). `[EVENT]` is the
 * query; the template ends with a newline.
 */
export const RARFT_TRAIN_PROMPT = `Given a video and a query "[EVENT]", determine whether the video contains a segment that is relevant to the query.

**If the query is answerable** (relevant segment exists), output your thought process within the <think> </think> tags, including analysis with specific time ranges (xx.xx to xx.xx) in <timestep> </timestep> tags.
Then, provide the start and end times (in seconds, precise to two decimal places) within the <answer> </answer> tags.
For example: <answer>12.54 to 17.83</answer>. Finally, provide "<correction>NIL</correction>".

**If the query should be refused** (no relevant segment exists), output your thought process within the <think> </think> tags, including analysis with specific time ranges (xx.xx to xx.xx) in <timestep> </timestep> tags.
Then, state explicitly that the video does not contain a relevant segment and explain why you think so within the <answer> </answer> tags.
Finally, based on the given video and query, output a corrected query that is likely to be answerable for the video within the <correction> </correction> tags.
`;

/** RA-RFT inference prompt, verbatim (inference.py QUESTION_TEMPLATE, rarft-reference §2.2); three sentences differ. */
export const RARFT_INFERENCE_PROMPT = `Given a video and a query "[EVENT]", determine whether the video contains a segment that is relevant to the query.

**If a relevant segment exists**, output your thought process within the <think> </think> tags, including analysis with specific time ranges (xx.xx to xx.xx) in <timestep> </timestep> tags.
Then, provide the start and end times (in seconds, precise to two decimal places) within the <answer> </answer> tags.
For example: <answer>12.54 to 17.83</answer>. Finally, provide "<correction>NIL</correction>".

**If no relevant segment exists**, output your thought process within the <think> </think> tags, including analysis with specific time ranges (xx.xx to xx.xx) in <timestep> </timestep> tags.
Then, state explicitly that the video does not contain a relevant segment and explain why you think so within the <answer> </answer> tags.
Finally, based on the given video and query, output a corrected query that is likely to be relevant query to the video within the <correction> </correction> tags.
`;

/** The inference system message (rarft-reference §2.2). */
export const RARFT_INFERENCE_SYSTEM = 'You are a video analysis expert.';

/**
 * Time-R1's "r1" grounding prompt (rarft-reference §2.4). RECONSTRUCTION: the spec only describes it (reasoning in
 * <think> with <timestep> ranges, then "start time to end time" in <answer>, example "12.54 to 17.83"); this text is
 * the GROUND_TEMPLATE found verbatim in several public projects that reuse Time-R1's evaluation code, and matches
 * that description. It was not checked against Time-R1's own repository.
 */
export const TIMER1_GROUNDING_PROMPT = `To accurately pinpoint the event "[EVENT]" in the video, determine the precise time period of the event.

Output your thought process within the <think> </think> tags, including analysis with either specific timestamps (xx.xx) or time ranges (xx.xx to xx.xx) in <timestep> </timestep> tags.

Then, provide the start and end times (in seconds, precise to two decimal places) in the format "start time to end time" within the <answer> </answer> tags. For example: "12.54 to 17.83".`;

export const DEFAULT_SYSTEM = 'You are a helpful assistant.';

/**
 * - `train`: RA-RFT training framing: no system message (the chat template adds the default one), user [text, video].
 * - `inference`: RA-RFT inference framing: system "You are a video analysis expert.", user [video, text].
 * - `timer1`: Time-R1 standard grounding (Charades-STA / ActivityNet / TVGBench): explicit default system, [video, text].
 */
export type PromptTemplate = 'train' | 'inference' | 'timer1';

export const PROMPT_TEMPLATES: readonly PromptTemplate[] = ['train', 'inference', 'timer1'];

/**
 * Time-R1 lowercases the query and drops a trailing period before inserting it (rarft-reference §2.1 notes that
 * RA-RFT does not); RA-RFT only strips whitespace.
 */
export function normaliseQuery(query: string, template: PromptTemplate): string {
  const stripped = query.trim();
  if (template !== 'timer1') return stripped;
  return stripped.toLowerCase().replace(/\.$/, '');
}

/** Fills `[EVENT]`. A function replacement, so `$&`-style patterns in a query are inserted literally. */
export function fillPrompt(template: string, query: string): string {
  return template.replace('[EVENT]', () => query);
}

/** The chat messages of a prompt template, before the video pads are expanded. */
export function promptMessages(query: string, template: PromptTemplate): TemplateMessage[] {
  const q = normaliseQuery(query, template);
  switch (template) {
    case 'train':
      return [{ role: 'user', content: [{ type: 'text', text: fillPrompt(RARFT_TRAIN_PROMPT, q) }, { type: 'video' }] }];
    case 'inference':
      return [
        { role: 'system', content: RARFT_INFERENCE_SYSTEM },
        { role: 'user', content: [{ type: 'video' }, { type: 'text', text: fillPrompt(RARFT_INFERENCE_PROMPT, q) }] },
      ];
    case 'timer1':
      return [
        { role: 'system', content: DEFAULT_SYSTEM },
        { role: 'user', content: [{ type: 'video' }, { type: 'text', text: fillPrompt(TIMER1_GROUNDING_PROMPT, q) }] },
      ];
  }
}
