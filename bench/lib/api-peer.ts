// The peer of the api bench: a bare node:http server in its own process that answers every request
// with one fixed JSON body (Berth's own answer to the same request), so the CPU a response costs
// there is what node and the kernel cost, and the difference is Berth's own work.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface PeerProcess {
  readonly pid: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** The peer's program: serves the file at argv[1] as application/json and prints its port. */
export const PEER_SOURCE = [
  "const { createServer } = require('node:http');",
  "const body = require('node:fs').readFileSync(process.argv[1]);",
  'const server = createServer((req, res) => {',
  "  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });",
  '  res.end(body);',
  '});',
  "server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));",
  "process.on('SIGINT', () => server.close(() => process.exit(0)));",
].join('\n');

/** Starts the peer serving `bodyFile` with the node flags Berth runs with; resolves once it listens. */
export function startPeer(bodyFile: string, nodeArgs: readonly string[]): Promise<PeerProcess> {
  return startProgram([...nodeArgs, '-e', PEER_SOURCE, bodyFile], 'the peer');
}

/** Runs node with `argv`; resolves once the program prints the port it listens on (a line). */
export function startProgram(argv: readonly string[], what: string): Promise<PeerProcess> {
  const child = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`${what} exited (${code}) before listening: ${err}${out}`)),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /^(\d+)\n/.exec(out)?.[1];
      if (port === undefined || child.pid === undefined) return;
      resolve({
        pid: child.pid,
        url: `http://127.0.0.1:${port}`,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGINT');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}

/**
 * The node flags of a `#!/usr/bin/env -S node <flags>` line: what `berth` runs with when installed
 * (npm links the bin to bin/berth.js, whose shebang the kernel reads). None for another first line.
 */
export function shebangNodeArgs(source: string): string[] {
  const first = source.split('\n', 1)[0] ?? '';
  const match = /^#!\S*env -S node((?:\s+--?\S+)*)\s*$/.exec(first);
  return match?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

/** The node flags bin/berth.js gives itself. */
export function shippedNodeArgs(binFile: string): string[] {
  return shebangNodeArgs(readFileSync(binFile, 'utf8'));
}
