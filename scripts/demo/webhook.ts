import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The demo's alert receiver: a webhook endpoint on 127.0.0.1 that checks Berth's signature
 * (`X-Berth-Signature: sha256=HMAC(secret, "<X-Berth-Timestamp>.<body>")`, at most 5 minutes old)
 * and prints each alert, as a real receiver (a chat bridge, a pager) would take it.
 */
export async function startWebhookReceiver(
  secret: string,
  print: (line: string) => void,
): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const stamp = String(req.headers['x-berth-timestamp'] ?? '');
      const given = Buffer.from(String(req.headers['x-berth-signature'] ?? ''));
      const expected = Buffer.from(
        `sha256=${createHmac('sha256', secret).update(`${stamp}.`).update(body).digest('hex')}`,
      );
      const fresh = Math.abs(Date.now() / 1000 - Number(stamp)) <= 300;
      const valid = fresh && given.length === expected.length && timingSafeEqual(given, expected);
      if (!valid) {
        print('webhook receiver: refused a request with a bad or stale signature');
        res.writeHead(401).end();
        return;
      }
      received++;
      const alert = JSON.parse(body.toString('utf8')) as { kind: string; severity: string; title: string };
      print(`webhook receiver: signature ok — [${alert.severity}] ${alert.kind}: ${alert.title}`);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/berth-alerts`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
