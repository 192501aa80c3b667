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
    if (id === undefined) throw new Error(`token ${JSON.stringify(token)} is not in the vocabulary`);
    return id;
  }
}

export interface TokenizerFiles {
  tokenizerJson: object;
  tokenizerConfig?: Record<string, unknown>;
  /** Overrides any template in `tokenizerConfig`. */
  chatTemplate?: string;
}

/** Builds a TextTokenizer from already-parsed files (tests use this to derive a tokenizer from another one). */
export function textTokenizerFromFiles(files: TokenizerFiles): TextTokenizer {
  const config = files.tokenizerConfig ?? {};
  const fromConfig = templateFromConfigField(config['chat_template']);
  const source: ChatTemplateSource = files.chatTemplate !== undefined ? 'chat_template.json' : fromConfig ? 'tokenizer_config.json' : 'builtin';
  const templateText = files.chatTemplate ?? fromConfig ?? QWEN25VL_CHAT_TEMPLATE;
  const tokenizer = new Tokenizer(files.tokenizerJson, config);
  return new TextTokenizer(tokenizer, new ChatTemplate(templateText, specialTokenVariables(config)), source);
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
    const field = (readJsonFile(jsonPath) as Record<string, unknown>)['chat_template'];
    if (typeof field !== 'string') throw new DataError('expected a string "chat_template"', { file: jsonPath, field: 'chat_template' });
    chatTemplate = field;
    source = 'chat_template.json';
  }
  const built = textTokenizerFromFiles({ tokenizerJson: tokenizerJson as object, tokenizerConfig, ...(chatTemplate !== undefined ? { chatTemplate } : {}) });
  return source ? new TextTokenizer(built.tokenizer, built.chatTemplate, source) : built;
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

