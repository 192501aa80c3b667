// The judge client warns before sending the API key unencrypted (plain http to a host that is not this machine);
// loopback servers and https are silent (issue 16, point 6).
import { describe, expect, it } from 'vitest';

import { ChatClient, sendsKeyInClear } from '../../lib/judge/chat-client.js';

const warnings = (baseUrl: string, apiKey: string | undefined) => {
  const out: string[] = [];
  new ChatClient({ baseUrl, env: {}, ...(apiKey ? { apiKey } : {}), warn: (l) => out.push(l) });
  return out;
};

describe('API key over plain http', () => {
  it('warns for a remote http host, naming it', () => {
    expect(warnings('http://judge.example.com:8000/v1', 'sk-secret')).toEqual([
      'warning: the judge\'s API key (OPENAI_API_KEY) will be sent unencrypted to http://judge.example.com:8000/v1 (plain http to a host that is not this machine); use https, or unset the key if that server needs none',
    ]);
    expect(warnings('http://10.0.0.5/v1', 'k')).toHaveLength(1);
  });
  it('is silent for https, loopback, or no key', () => {
    expect(warnings('https://judge.example.com/v1', 'k')).toEqual([]);
    expect(warnings('http://127.0.0.1:9000/v1', 'k')).toEqual([]);
    expect(warnings('http://localhost:9000/v1', 'k')).toEqual([]);
    expect(warnings('http://[::1]:9000/v1', 'k')).toEqual([]);
    expect(warnings('http://judge.example.com/v1', undefined)).toEqual([]);
  });
  it('sendsKeyInClear', () => {
    expect(sendsKeyInClear('http://api.internal/v1')).toBe(true);
    expect(sendsKeyInClear('HTTP://API.INTERNAL/v1')).toBe(true);
    expect(sendsKeyInClear('https://api.openai.com/v1')).toBe(false);
    expect(sendsKeyInClear('not a url')).toBe(false);
  });
});
