export { ChatTemplate, type TemplateMessage, type ContentPart, type RenderOptions } from './chat-template.js';
export { QWEN25VL_CHAT_TEMPLATE } from './qwen25vl-chat-template.js';
export { TextTokenizer, loadTextTokenizer, textTokenizerFromFiles, type ChatTemplateSource, type TokenizerFiles } from './tokenizer.js';
export {
  RARFT_TRAIN_PROMPT,
  RARFT_INFERENCE_PROMPT,
  RARFT_INFERENCE_SYSTEM,
  TIMER1_GROUNDING_PROMPT,
  DEFAULT_SYSTEM,
  PROMPT_TEMPLATES,
  fillPrompt,
  normaliseQuery,
  promptMessages,
  type PromptTemplate,
} from './prompts.js';
export { SPATIAL_MERGE_SIZE, VIDEO_PAD, IMAGE_PAD, expandVideoPads, videoTokenCount, type VideoGrid } from './video-pad.js';
export { buildPrompt, type BuildPromptOptions, type BuiltPrompt } from './build-prompt.js';
