/**
 * A local OpenAI-compatible chat-completions server for tests, on 127.0.0.1 and a random port. Each request is
 * answered by `reply(body, n)`: a content string (wrapped as a completion), an HTTP status, or 'hang' (never
 * answer, so the client's timeout fires).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Scripted = string | { status: number } | 'hang';

export interface RequestBody {
  model: string;
  temperature: number;
  messages: { role: string; content: string }[];
}

export interface ScriptedServer {
  baseUrl: string;
  requests: RequestBody[];
  close(): Promise<void>;
}

export async function startScriptedServer(reply: (body: RequestBody, n: number) => Scripted): Promise<ScriptedServer> {
  const requests: RequestBody[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw) as RequestBody;
      requests.push(body);
      const r = reply(body, requests.length - 1);
      if (r === 'hang') {
        hanging.add(res);
        return;
      }
      if (typeof r === 'object') {
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'scripted' } }));
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: r } }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
