import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient, JudgeError } from '../../lib/judge/index.js';
import { type Scripted, startScriptedServer, type ScriptedServer } from './scripted-server.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const script = async (replies: Scripted[]) => {
  server = await startScriptedServer((_b, n) => replies[n] ?? { status: 500 });
  const sleeps: number[] = [];
  const client = new ChatClient({
    baseUrl: server.baseUrl,
    model: 'judge-test',
    timeoutMs: 1000, // long enough that a loaded machine still delivers each request before the abort
    env: {},
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { client, sleeps, server };
};

describe('ChatClient against a scripted local server', () => {
  it('survives a timeout and a 500, succeeding on the third try with 1 s, 2 s backoff', async () => {
    const { client, sleeps, server } = await script(['hang', { status: 500 }, "{'classification': 'relevant', 'span': [1.0, 2.5]}"]);
    const content = await client.complete([{ role: 'user', content: 'hi' }]);
    expect(content).toBe("{'classification': 'relevant', 'span': [1.0, 2.5]}");
    expect(client.requestsSent).toBe(3);
    expect(server.requests.length).toBe(3);
    expect(sleeps).toEqual([1000, 2000]);
    expect(server.requests[0]).toMatchObject({ model: 'judge-test', temperature: 0, messages: [{ role: 'user', content: 'hi' }] });
  });

  it('gives up after 5 tries (backoff 1, 2, 4, 8 s) with a clear error', async () => {
    const { client, sleeps } = await script([{ status: 500 }, { status: 502 }, 'hang', { status: 429 }, { status: 503 }]);
    await expect(client.complete([{ role: 'user', content: 'x' }])).rejects.toThrow(/failed after 5 tries: .*HTTP 503/);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
    expect(client.requestsSent).toBe(5);
  });

  it('does not retry a 400', async () => {
    const { client, sleeps } = await script([{ status: 400 }]);
    await expect(client.complete([{ role: 'user', content: 'x' }])).rejects.toThrow(/HTTP 400/);
    expect(sleeps).toEqual([]);
    expect(client.requestsSent).toBe(1);
  });

  it('reads base URL, model and key from the environment, and refuses api.openai.com without a key', async () => {
    const c = new ChatClient({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1/', OPENAI_MODEL: 'm', OPENAI_API_KEY: 'k' } });
    expect([c.baseUrl, c.model, c.temperature, c.timeoutMs, c.maxTries]).toEqual(['http://127.0.0.1:1/v1', 'm', 0, 120_000, 5]);
    expect(new ChatClient({ env: { OPENAI_BASE_URL: 'http://x/v1' } }).model).toBe('gpt-4o-mini');
    expect(() => new ChatClient({ env: {} })).toThrow(JudgeError);
  });
});
