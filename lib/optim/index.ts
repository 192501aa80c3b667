export { AdamW, type AdamWOptions, type ParamStateInfo } from './adamw.js';
