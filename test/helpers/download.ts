import type { Agent } from './app.js';

// A download as the raw bytes sent (supertest would decode text and hide a BOM), with its status and headers.
export type Download = { status: number; headers: Record<string, string>; body: Buffer };

export async function download(agent: Agent, path: string, lang = 'en'): Promise<Download> {
  const res = await agent
    .get(path)
    .set('Accept-Language', lang)
    .buffer(true)
    .parse((stream, cb) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  const body: unknown = res.body;
  return { status: res.status, headers: res.headers, body: Buffer.isBuffer(body) ? body : Buffer.alloc(0) };
}
