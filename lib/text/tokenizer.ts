import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { DataError } from '../errors.js';
import { readJsonFile } from '../data/json-file.js';
import { ChatTemplate } from './chat-template.js';
import { QWEN25VL_CHAT_TEMPLATE } from './qwen25vl-chat-template.js';

/** Where the chat template came from; 'builtin' means the checkpoint carried none. */
export type ChatTemplateSource = 'chat_template.jinja' | 'chat_template.json' | 'tokenizer_config.json' | 'builtin';

/**
 * A checkpoint's tokenizer plus its chat template. `encode` never adds special tokens: every prompt is a rendered
 * chat template that already holds them (the reference tokenises with add_special_tokens=False, and Qwen adds no BOS).
 */
export class TextTokenizer {
  constructor(
    readonly tokenizer: Tokenizer,
    readonly chatTemplate: ChatTemplate,
    readonly chatTemplateSource: ChatTemplateSource,
    /** The tokenizer.json this came from (named in errors). */
    readonly tokenizerFile = 'tokenizer.json',
  ) {}

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The id of a token string (e.g. "<|video_pad|>"); throws when the vocabulary lacks it. */
  tokenId(token: string): number {
    const id = this.tokenizer.token_to_id(token);
    if (id === undefined || id === null) throw new DataError(`token ${JSON.stringify(token)} is not in the vocabulary`, { file: this.tokenizerFile });
    return id;
  }
}

export interface TokenizerFiles {
  tokenizerJson: object;
  tokenizerConfig?: Record<string, unknown>;
  /** Overrides any template in `tokenizerConfig`. */
  chatTemplate?: string;
  /** The files these came from, named in errors (default: the bare file names). */
  origins?: { tokenizer?: string; tokenizerConfig?: string; chatTemplate?: string };
}

/** Builds a TextTokenizer from already-parsed files (tests use this to derive a tokenizer from another one). */
export function textTokenizerFromFiles(files: TokenizerFiles): TextTokenizer {
  const config = files.tokenizerConfig ?? {};
  const fromConfig = templateFromConfigField(config['chat_template']);
  const source: ChatTemplateSource = files.chatTemplate !== undefined ? 'chat_template.json' : fromConfig ? 'tokenizer_config.json' : 'builtin';
  const templateText = files.chatTemplate ?? fromConfig ?? QWEN25VL_CHAT_TEMPLATE;
  const o = files.origins ?? {};
  const tokenizerFile = o.tokenizer ?? 'tokenizer.json';
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(files.tokenizerJson, config);
    // a structurally broken tokenizer.json may construct and fail only when used: find out now, not mid-run
    tokenizer.decode(tokenizer.encode('0.5 to 1.5 <answer>', { add_special_tokens: false }).ids, { skip_special_tokens: false });
  } catch (e) {
    throw new DataError(`not a usable tokenizer: ${(e as Error).message}`, { file: tokenizerFile });
  }
  const templateOrigin = source === 'builtin' ? 'the built-in Qwen2.5-VL chat template' : source === 'tokenizer_config.json' ? (o.tokenizerConfig ?? source) : (o.chatTemplate ?? source);
  return new TextTokenizer(tokenizer, new ChatTemplate(templateText, specialTokenVariables(config), templateOrigin), source, tokenizerFile);
}

/**
 * Loads `tokenizer.json` (+ `tokenizer_config.json`) from a checkpoint directory and finds its chat template in HF's
 * order: `chat_template.jinja`, `chat_template.json` (the processor's), the `chat_template` field of
 * tokenizer_config.json, else the built-in Qwen2.5-VL template.
 */
export function loadTextTokenizer(checkpointDir: string): TextTokenizer {
  const tokenizerJson = readJsonFile(path.join(checkpointDir, 'tokenizer.json'));
  const configPath = path.join(checkpointDir, 'tokenizer_config.json');
  const tokenizerConfig = existsSync(configPath) ? (readJsonFile(configPath) as Record<string, unknown>) : {};
  const jinjaPath = path.join(checkpointDir, 'chat_template.jinja');
  const jsonPath = path.join(checkpointDir, 'chat_template.json');
  let chatTemplate: string | undefined;
  let source: ChatTemplateSource | undefined;
  if (existsSync(jinjaPath)) {
    chatTemplate = readFileSync(jinjaPath, 'utf8');
    source = 'chat_template.jinja';
  } else if (existsSync(jsonPath)) {
    const parsed = readJsonFile(jsonPath);
    const field = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>)['chat_template'] : undefined;
    if (typeof field !== 'string') throw new DataError('expected a string "chat_template"', { file: jsonPath, field: 'chat_template' });
    chatTemplate = field;
    source = 'chat_template.json';
  }
  if (tokenizerJson === null || typeof tokenizerJson !== 'object' || Array.isArray(tokenizerJson)) throw new DataError('expected a JSON object', { file: path.join(checkpointDir, 'tokenizer.json') });
  if (tokenizerConfig === null || typeof tokenizerConfig !== 'object' || Array.isArray(tokenizerConfig)) throw new DataError('expected a JSON object', { file: configPath });
  const origins = { tokenizer: path.join(checkpointDir, 'tokenizer.json'), tokenizerConfig: configPath, chatTemplate: source === 'chat_template.jinja' ? jinjaPath : jsonPath };
  const built = textTokenizerFromFiles({ tokenizerJson: tokenizerJson as object, tokenizerConfig, origins, ...(chatTemplate !== undefined ? { chatTemplate } : {}) });
  return source ? new TextTokenizer(built.tokenizer, built.chatTemplate, source, built.tokenizerFile) : built;
}

/** tokenizer_config's `chat_template` is a string, or a list of {name, template} where "default" is the chat one. */
function templateFromConfigField(field: unknown): string | undefined {
  if (typeof field === 'string') return field;
  if (Array.isArray(field)) {
    const entry = field.find((t) => (t as { name?: unknown }).name === 'default') as { template?: unknown } | undefined;
    if (typeof entry?.template === 'string') return entry.template;
  }
  return undefined;
}

/** HF passes the special tokens (bos_token, eos_token, …) to templates as variables. */
function specialTokenVariables(config: Record<string, unknown>): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const key of ['bos_token', 'eos_token', 'pad_token', 'unk_token']) {
    const value = config[key];
    if (typeof value === 'string') vars[key] = value;
    else if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
      vars[key] = (value as { content: string }).content;
    }
  }
  return vars;
}

