// What the health benchmark's probes ask: a plain node:http server in the benchmark's own process,
// answering 200 `ok` to every GET, counting requests by their first path segment (`/berth/…`,
// `/peer/…`) so each monitor's runs can be checked from the other side.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Target {
  /** e.g. `http://127.0.0.1:40809` */
  readonly url: string;
  /** Requests answered so far, by first path segment. */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

export function startTarget(): Promise<Target> {
  const counts: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const segment = (req.url ?? '/').split('/')[1] ?? '';
    counts[segment] = (counts[segment] ?? 0) + 1;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  return new Promise<Target>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        counts: () => ({ ...counts }),
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
