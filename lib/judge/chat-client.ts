/**
 * A minimal OpenAI-compatible chat-completions client on global `fetch`, with the reference's robustness contract:
 * 120 s timeout, up to 5 tries on timeouts, connection errors, 429 and 5xx, with 2^k s backoff between tries
 * (1, 2, 4, 8 s). Unlike the reference, temperature defaults to 0 so the judge is as deterministic as the API allows.
 */
import { JudgeError } from './errors.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatClientOptions {
  /** Default: env OPENAI_BASE_URL, else https://api.openai.com/v1 */
  baseUrl?: string;
  /** Default: env OPENAI_API_KEY; sent as a Bearer token when present. */
  apiKey?: string;
  /** Default: env OPENAI_MODEL, else gpt-4o-mini (the reference's code default). */
  model?: string;
  temperature?: number;
  timeoutMs?: number;
  maxTries?: number;
  /** Injectable so tests do not wait for real backoff. */
  sleep?: (ms: number) => Promise<void>;
  /** Where the plain-http API key warning goes (default: stderr). */
  warn?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

export const DEFAULT_JUDGE_MODEL = 'gpt-4o-mini';

/** Whether a Bearer token sent to `baseUrl` crosses a network in clear text: plain http to a non-loopback host. */
export function sendsKeyInClear(baseUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return false; // fetch will reject it with its own message
  }
  if (url.protocol !== 'http:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return !(host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host));
}
const OPENAI_URL = 'https://api.openai.com/v1';

export class ChatClient {
  readonly baseUrl: string;
  readonly model: string;
  readonly temperature: number;
  readonly timeoutMs: number;
  readonly maxTries: number;
  private readonly apiKey: string | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  /** HTTP requests actually sent (tries included); lets callers and tests see what the cache saved. */
  requestsSent = 0;

  constructor(options: ChatClientOptions = {}) {
    const env = options.env ?? process.env;
    this.baseUrl = (options.baseUrl ?? env.OPENAI_BASE_URL ?? OPENAI_URL).replace(/\/+$/, '');
    this.model = options.model ?? env.OPENAI_MODEL ?? DEFAULT_JUDGE_MODEL;
    this.apiKey = options.apiKey ?? env.OPENAI_API_KEY;
    this.temperature = options.temperature ?? 0;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.maxTries = options.maxTries ?? 5;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    if (!this.apiKey && this.baseUrl === OPENAI_URL) {
      throw new JudgeError('OPENAI_API_KEY is not set (needed for api.openai.com; pass --judge none to score offline)');
    }
    if (this.apiKey && sendsKeyInClear(this.baseUrl)) {
      (options.warn ?? ((l: string) => process.stderr.write(`${l}\n`)))(
        `warning: the judge's API key (OPENAI_API_KEY) will be sent unencrypted to ${this.baseUrl} (plain http to a host that is not this machine); use https, or unset the key if that server needs none`,
      );
    }
  }

  /** The assistant message content of one completion. */
  async complete(messages: ChatMessage[]): Promise<string> {
    let lastError: JudgeError | undefined;
    for (let attempt = 0; attempt < this.maxTries; attempt += 1) {
      if (attempt > 0) await this.sleep(2 ** (attempt - 1) * 1000);
      try {
        return await this.once(messages);
      } catch (e) {
        lastError = e instanceof JudgeError ? e : new JudgeError(String(e));
        if (!lastError.retryable) throw lastError;
      }
    }
    throw new JudgeError(`judge request failed after ${this.maxTries} tries: ${lastError?.message}`);
  }

  private async once(messages: ChatMessage[]): Promise<string> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    this.requestsSent += 1;
    let response: Response;
    let body: string;
    try {
      response = await fetch(`${this.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.model, messages, temperature: this.temperature }),
        signal: controller.signal,
      });
      body = await response.text();
    } catch (e) {
      const reason = controller.signal.aborted ? `timed out after ${this.timeoutMs} ms` : (e as Error).message;
      throw new JudgeError(`${this.baseUrl}/chat/completions: ${reason}`, true);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      const retryable = response.status === 429 || response.status >= 500;
      throw new JudgeError(`${this.baseUrl}/chat/completions: HTTP ${response.status}: ${body.slice(0, 300)}`, retryable);
    }
    let content: unknown;
    try {
      content = (JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    } catch {
      throw new JudgeError(`${this.baseUrl}/chat/completions: response body is not JSON: ${body.slice(0, 200)}`);
    }
    if (typeof content !== 'string') {
      throw new JudgeError(`${this.baseUrl}/chat/completions: response has no choices[0].message.content string`);
    }
    return content;
  }
}
