/**
 * A checkpoint's config.json on its way into QwenVL.load: the TS schema check (lib/qwen/config.ts), then the native
 * loader's own parse (csrc/qwen/config.cpp) and the weights bound against it. JSON-level mutations (types, extreme
 * numbers, deep nests, dropped keys) and byte mutations of the tiny model's config. Any load that succeeds is
 * disposed; a correct result needs nothing more (a config that loads is one the model accepts).
 */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { QwenVL } from '../../../lib/qwen/qwen.js';
import { mutateBytes, mutateJsonText } from '../mutate.js';
import { type FuzzCase, defineTarget } from '../target.js';
import { tinyModel } from './tiny-model.js';

interface Case extends FuzzCase {
  dir: string;
}

export const target = defineTarget<{ model: string; config: unknown; text: string }, Case>({
  async setup(dir) {
    const model = await tinyModel(dir);
    const text = readFileSync(join(model, 'config.json'), 'utf8');
    return { model, config: JSON.parse(text) as unknown, text };
  },
  make(rng, base, dir) {
    symlinkSync(join(base.model, 'model.safetensors'), join(dir, 'model.safetensors'));
    const bytes = rng() < 0.75;
    writeFileSync(join(dir, 'config.json'), bytes ? mutateJsonText(rng, base.config) : mutateBytes(rng, Buffer.from(base.text)));
    return { dir, names: [dir], mode: bytes ? 'json' : 'bytes' };
  },
  async run(c) {
    const m = await QwenVL.load(c.dir, { dtype: 'float32', device: 'cpu' });
    m.dispose();
  },
});
