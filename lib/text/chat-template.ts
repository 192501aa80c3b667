import { Template } from '@huggingface/jinja';

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

/** A parsed Jinja chat template (HF semantics: `messages`, `add_generation_prompt`, special-token variables). */
export class ChatTemplate {
  private readonly template: Template;

  constructor(
    readonly source: string,
    private readonly variables: Record<string, unknown> = {},
  ) {
    this.template = new Template(source);
  }

  render(messages: readonly TemplateMessage[], options: RenderOptions = {}): string {
    return this.template.render({
      ...this.variables,
      messages,
      add_generation_prompt: options.addGenerationPrompt ?? false,
      add_vision_id: options.addVisionId ?? false,
    });
  }
}
