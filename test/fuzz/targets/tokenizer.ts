/**
 * A checkpoint's tokenizer files on their way to a training prompt: tokenizer.json, tokenizer_config.json (special
 * tokens, an embedded chat template), chat_template.jinja and chat_template.json, each mutated in turn (JSON-level,
 * bytes, or Jinja text), then loadTextTokenizer and buildPrompt as the trainer calls them. A correct result: the
 * prompt holds exactly the video's <|video_pad|> tokens (buildPrompt checks it) and decodes back to text.
 */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildPrompt } from '../../../lib/text/build-prompt.js';
import { QWEN25VL_CHAT_TEMPLATE } from '../../../lib/text/qwen25vl-chat-template.js';
import { loadTextTokenizer } from '../../../lib/text/tokenizer.js';
import { int, mutateBytes, mutateJsonText, mutateTemplate } from '../mutate.js';
import { type FuzzCase, defineTarget } from '../target.js';
import { tinyModel } from './tiny-model.js';

interface Case extends FuzzCase {
  dir: string;
}

interface Base {
  model: string;
  tokenizer: unknown;
  config: Record<string, unknown>;
}

export const target = defineTarget<Base, Case>({
  async setup(dir) {
    const model = await tinyModel(dir);
    return {
      model,
      tokenizer: JSON.parse(readFileSync(join(model, 'tokenizer.json'), 'utf8')) as unknown,
      config: JSON.parse(readFileSync(join(model, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>,
    };
  },
  make(rng, base, dir) {
    const link = (f: string) => symlinkSync(join(base.model, f), join(dir, f));
    const write = (f: string, text: string | Buffer) => writeFileSync(join(dir, f), text);
    const modes = ['tokenizer.json', 'tokenizer.json-bytes', 'tokenizer_config.json', 'chat_template.jinja', 'chat_template.json', 'config-template'] as const;
    const mode = modes[int(rng, modes.length)]!;
    if (mode.startsWith('tokenizer.json')) {
      write('tokenizer.json', mode === 'tokenizer.json' ? mutateJsonText(rng, base.tokenizer) : mutateBytes(rng, readFileSync(join(base.model, 'tokenizer.json'))));
      link('tokenizer_config.json');
    } else {
      link('tokenizer.json');
      if (mode === 'tokenizer_config.json') write('tokenizer_config.json', mutateJsonText(rng, base.config));
      else if (mode === 'config-template') write('tokenizer_config.json', JSON.stringify({ ...base.config, chat_template: mutateTemplate(rng, QWEN25VL_CHAT_TEMPLATE) }));
      else link('tokenizer_config.json');
      if (mode === 'chat_template.jinja') write('chat_template.jinja', mutateTemplate(rng, QWEN25VL_CHAT_TEMPLATE));
      if (mode === 'chat_template.json') write('chat_template.json', mutateJsonText(rng, { chat_template: mutateTemplate(rng, QWEN25VL_CHAT_TEMPLATE) }));
    }
    return { dir, names: [dir], mode };
  },
  run(c) {
    const tk = loadTextTokenizer(c.dir);
    tk.tokenId('<|im_end|>');
    tk.tokenId('<|endoftext|>');
    const p = buildPrompt({ tokenizer: tk, query: 'a person opens the door from 1.5 to 3.0', template: 'train', videoGrid: [2, 4, 4] });
    return { ids: p.inputIds.length, text: tk.decode(Array.from(p.inputIds)) };
  },
  check(_c, result) {
    const r = result as { ids: number; text: string };
    return r.ids > 0 && typeof r.text === 'string' ? null : `an empty prompt (${r.ids} ids)`;
  },
});
