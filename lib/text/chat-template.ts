import { Template } from '@huggingface/jinja';
import { DataError } from '../errors.js';

/** One content part of a multimodal message, in HF's format. */
export type ContentPart = { type: 'text'; text: string } | { type: 'video'; video?: string } | { type: 'image'; image?: string };

export interface TemplateMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

export interface RenderOptions {
  addGenerationPrompt?: boolean;
  /** Qwen2-VL's "Video k: " prefixes; false in RA-RFT and Time-R1. */
  addVisionId?: boolean;
}

/**
 * A parsed Jinja chat template (HF semantics: `messages`, `add_generation_prompt`, special-token variables). A
 * template that does not parse or fails to render is a DataError naming `origin` (the file it came from).
 */
export class ChatTemplate {
  private readonly template: Template;

  constructor(
    readonly source: string,
    private readonly variables: Record<string, unknown> = {},
    readonly origin = 'chat template',
  ) {
    try {
      this.template = new Template(source);
    } catch (e) {
      throw new DataError(`the chat template does not parse: ${(e as Error).message}`, { file: origin });
    }
  }

  render(messages: readonly TemplateMessage[], options: RenderOptions = {}): string {
    try {
      return this.template.render({
        ...this.variables,
        messages,
        add_generation_prompt: options.addGenerationPrompt ?? false,
        add_vision_id: options.addVisionId ?? false,
      });
    } catch (e) {
      throw new DataError(`the chat template failed to render: ${(e as Error).message}`, { file: this.origin });
    }
  }
}
