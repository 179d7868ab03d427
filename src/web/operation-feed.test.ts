import { describe, expect, it } from 'vitest';
import type { OperationView } from '../api/operations.js';
import { readFrame, renderFeed } from './operation-feed.js';
import { formatFrame } from './sse.js';

// The operation page's feed when the API ends the stream because the caller lost access (token or
// session revoked, grant removed): the reason is shown and the page stops, instead of reconnecting.

const op = { id: 'op-1', kind: 'deploy', stack: 'shop', status: 'running' } as unknown as OperationView;
const revoked = {
  event: 'error',
  data: JSON.stringify({ code: 'AUTH_REVOKED', message: 'your session was revoked', hint: 'sign in again' }),
};

const streamOf = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = '';
  const decoder = new TextDecoder();
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) out += decoder.decode(chunk);
  return out;
}

describe('the operation feed when the API ends the stream', () => {
  it('reads the reason as a last line', () => {
    expect(readFrame(revoked, op, 7)).toEqual({
      kind: 'line',
      line: { id: 7, text: 'the stream ended: your session was revoked (sign in again)' },
      ended: true,
    });
  });

  it('sends the reason, then `end`, so the page closes its EventSource', async () => {
    const line = {
      id: 3,
      at: '2026-12-06T00:00:00.000Z',
      kind: 'deploy',
      type: 'gate',
      stack: 'shop',
      message: 'web passed',
    };
    const api = formatFrame({ id: '3', event: 'message', data: JSON.stringify(line) }) + formatFrame(revoked);
    const sent = await readAll(renderFeed(streamOf(api), op));
    expect(sent).toContain('web passed');
    expect(sent).toContain('the stream ended: your session was revoked (sign in again)');
    expect(sent.trimEnd().endsWith('event: end\ndata: end')).toBe(true);
  });
});
