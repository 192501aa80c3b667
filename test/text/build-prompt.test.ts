import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPrompt } from '../../lib/text/build-prompt.js';
import type { PromptTemplate } from '../../lib/text/prompts.js';
import { qwen25vlTokenizer } from './qwen25vl-tokenizer.js';

interface Fixture {
  videoTokens: number;
  cases: { template: PromptTemplate; name: string; query: string; grid: [number, number, number]; text: string; ids: number[] }[];
  encodings: { text: string; ids: number[] }[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(path.join(here, '../fixtures/text/prompt_ids.json'), 'utf8')) as Fixture;

describe('buildPrompt against transformers (PreTrainedTokenizerFast + jinja2 + processor pad expansion)', () => {
  const tokenizer = qwen25vlTokenizer();

  it('the fixture covers 3 templates × 3 queries with 105 video tokens', () => {
    expect(fixture.cases.length).toBe(9);
    expect(fixture.videoTokens).toBe(105);
  });

  for (const c of fixture.cases) {
    it(`${c.template} / ${c.name}: identical text and ids`, () => {
      const built = buildPrompt({ tokenizer, query: c.query, template: c.template, videoGrid: c.grid });
      expect(built.text).toBe(c.text);
      expect(Array.from(built.inputIds)).toEqual(c.ids);
      expect(built.videoTokenCount).toBe(105);
    });
  }

  for (const e of fixture.encodings) {
    it(`encode ${JSON.stringify(e.text).slice(0, 40)}: identical ids`, () => {
      expect(tokenizer.encode(e.text)).toEqual(e.ids);
    });
  }
});

describe('token layout of qwen25vl-spec §1.3 / §6', () => {
  const tokenizer = qwen25vlTokenizer();
  const grid = [3, 10, 14] as const;

  it('train prompt: default system turn, then user [text, video], then the generation prompt', () => {
    const { inputIds, text } = buildPrompt({ tokenizer, query: 'person turn a light on.', template: 'train', videoGrid: grid });
    const ids = Array.from(inputIds);
    expect(ids.slice(0, 14)).toEqual([151644, 8948, 198, 2610, 525, 264, 10950, 17847, 13, 151645, 198, 151644, 872, 198]);
    expect(ids.slice(-5)).toEqual([151645, 198, 151644, 77091, 198]);
    const vs = ids.indexOf(151652);
    expect(ids.slice(vs + 1, vs + 106)).toEqual(new Array(105).fill(151656));
    expect(ids[vs + 106]).toBe(151653);
    expect(ids[vs + 107]).toBe(151645); // video is the last user part
    expect(ids.filter((id) => id === 151656).length).toBe(105);
    expect(text.startsWith('<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nGiven a video and a query "person turn a light on."')).toBe(true);
    expect(text.endsWith('within the <correction> </correction> tags.\n<|vision_start|>' + '<|video_pad|>'.repeat(105) + '<|vision_end|><|im_end|>\n<|im_start|>assistant\n')).toBe(true);
  });

  it('inference prompt: "You are a video analysis expert." and the video before the text', () => {
    const { text } = buildPrompt({ tokenizer, query: 'q', template: 'inference', videoGrid: [1, 2, 2] });
    expect(text).toBe(
      '<|im_start|>system\nYou are a video analysis expert.<|im_end|>\n<|im_start|>user\n<|vision_start|><|video_pad|><|vision_end|>Given a video and a query "q", determine' +
        text.slice(text.indexOf(', determine') + ', determine'.length),
    );
    expect(text.indexOf('<|vision_end|>Given')).toBeGreaterThan(0);
    expect(text.endsWith('likely to be relevant query to the video within the <correction> </correction> tags.\n<|im_end|>\n<|im_start|>assistant\n')).toBe(true);
  });

  it('timer1 prompt lowercases the query and drops its trailing period; noThink appends an empty think block', () => {
    const { text } = buildPrompt({ tokenizer, query: 'Person Opens The Door.', template: 'timer1', videoGrid: [1, 2, 2], noThink: true });
    expect(text).toContain('pinpoint the event "person opens the door" in the video');
    expect(text.endsWith('<|im_start|>assistant\n<think>\n</think>\n')).toBe(true);
  });

  it('a query holding a special token is rejected instead of shifting the video features', () => {
    expect(() => buildPrompt({ tokenizer, query: 'a <|video_pad|> b', template: 'train', videoGrid: [1, 2, 2] })).toThrow(/prompt has 2 <\|video_pad\|> but 1 video grid/);
  });

  it('a grid not divisible by the merge size is rejected', () => {
    expect(() => buildPrompt({ tokenizer, query: 'q', template: 'train', videoGrid: [1, 3, 3] })).toThrow(/not divisible/);
  });
});
