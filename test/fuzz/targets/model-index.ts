/**
 * model.safetensors.index.json of a sharded checkpoint (csrc/qwen/weights.cpp, ShardNamesFromIndex): the tiny model
 * split into two shard files, its index mutated as JSON or bytes. A load that succeeds must have read only shards
 * beside the index (a shard name that leaves the folder is refused).
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadSafetensors, readSafetensorsHeader, saveSafetensors } from '../../../lib/io/safetensors.js';
import { QwenVL } from '../../../lib/qwen/qwen.js';
import { dispose } from '../../../lib/tensor/index.js';
import { chance, mutateBytes, mutateJsonText } from '../mutate.js';
import { type FuzzCase, defineTarget } from '../target.js';
import { tinyModel } from './tiny-model.js';

const SHARDS = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];

interface Case extends FuzzCase {
  dir: string;
}

export const target = defineTarget<{ model: string; shards: string; index: Record<string, unknown> }, Case>({
  async setup(dir) {
    const model = await tinyModel(dir);
    const shards = join(dir, 'shards');
    const names = Object.keys(readSafetensorsHeader(join(model, 'model.safetensors')).tensors).sort();
    const weight_map = Object.fromEntries(names.map((n, i) => [n, SHARDS[i % 2]!]));
    if (!existsSync(join(shards, SHARDS[1]!))) {
      mkdirSync(shards, { recursive: true });
      const { tensors } = await loadSafetensors(join(model, 'model.safetensors'));
      for (const [k, shard] of SHARDS.entries()) await saveSafetensors(join(shards, shard), new Map(names.filter((_, i) => i % 2 === k).map((n) => [n, tensors.get(n)!])));
      dispose([...tensors.values()]);
    }
    return { model, shards, index: { metadata: { total_size: 123456 }, weight_map } };
  },
  make(rng, base, dir) {
    symlinkSync(join(base.model, 'config.json'), join(dir, 'config.json'));
    for (const s of SHARDS) symlinkSync(join(base.shards, s), join(dir, s));
    const json = chance(rng, 0.75);
    const text = JSON.stringify(base.index);
    writeFileSync(join(dir, 'model.safetensors.index.json'), json ? mutateJsonText(rng, base.index) : mutateBytes(rng, Buffer.from(text)));
    return { dir, names: [dir], mode: json ? 'json' : 'bytes' };
  },
  async run(c) {
    const m = await QwenVL.load(c.dir, { dtype: 'float32', device: 'cpu' });
    m.dispose();
  },
  check(c) {
    // a load that succeeded read only shards beside the index
    let index: { weight_map?: unknown };
    try {
      index = JSON.parse(readFileSync(join(c.dir, 'model.safetensors.index.json'), 'utf8')) as typeof index;
    } catch {
      return null; // accepted by the native parser's leniency (e.g. NaN); nothing to compare
    }
    const map = index?.weight_map;
    if (!map || typeof map !== 'object') return 'loaded although the index has no weight_map object';
    const bad = Object.values(map).find((v) => typeof v !== 'string' || v.includes('/'));
    return bad === undefined ? null : `loaded although weight_map names ${JSON.stringify(bad)}`;
  },
});
