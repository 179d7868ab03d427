// The peer of the health benchmark: a bare Node script that does the least any HTTP monitor must do,
// one setInterval per probe (first run at the same spread as Berth's), a GET on a fresh connection
// (`agent: false`) with a 2 s limit, and nothing with the result but count it. Its timer lag
// (how late each run starts) is the floor of scheduling lag on this machine at this load.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads its config (argv[2]) and prints `ready`. SIGUSR2 starts the window (counts reset); SIGINT,
 * the end of `maxMs` or its parent going away (stdin closed) prints the window's report as one line
 * of JSON and exits.
 */
export const PEER_SOURCE = `import { get } from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
const { targets, intervalMs, timeoutMs, maxMs } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let w = { from: performance.now(), lags: [], runs: 0, ok: 0, failed: 0 };
function probe(url) {
  let done = false;
  const finish = (good) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (good) w.ok++; else w.failed++;
    req.destroy();
  };
  const req = get(url, { agent: false }, (res) => {
    res.resume();
    res.once('end', () => finish(res.statusCode === 200));
    res.once('error', () => finish(false));
  });
  req.once('error', () => finish(false));
  const timer = setTimeout(() => finish(false), timeoutMs);
}
const t0 = performance.now();
for (const { url, offsetMs } of targets) {
  let due = t0 + offsetMs;
  const tick = () => {
    const now = performance.now();
    w.lags.push(Math.max(0, now - due));
    w.runs++;
    due = now + intervalMs;
    probe(url);
  };
  setTimeout(() => { tick(); setInterval(tick, intervalMs); }, offsetMs);
}
function report() {
  const windowMs = performance.now() - w.from;
  const lagsMs = w.lags.map((l) => Math.round(l * 100) / 100);
  process.stdout.write(JSON.stringify({ windowMs, runs: w.runs, ok: w.ok, failed: w.failed, lagsMs }) + '\\n', () => process.exit(0));
}
process.on('SIGUSR2', () => { w = { from: performance.now(), lags: [], runs: 0, ok: 0, failed: 0 }; });
process.on('SIGINT', report);
setTimeout(report, maxMs).unref();
process.stdin.on('end', report).resume();
process.stdout.write('ready\\n');
`;

export interface PeerReport {
  readonly windowMs: number;
  readonly runs: number;
  readonly ok: number;
  /** Non-200 answers, errors and runs over the time limit. */
  readonly failed: number;
  /** How late each run of the window started, ms (0.01 ms resolution), in run order. */
  readonly lagsMs: readonly number[];
}

export interface PeerProcess {
  readonly pid: number;
  /** Starts the measured window: what ran before is forgotten. */
  mark(): void;
  /** Ends the window: the report, and the process gone. */
  finish(): Promise<PeerReport>;
  kill(): void;
}

export interface PeerConfig {
  readonly targets: readonly { url: string; offsetMs: number }[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** It reports and exits by itself after this long, whatever happens to the benchmark. */
  readonly maxMs: number;
}

/** Writes the script and its config to `dir`, starts it, and resolves once it is ready. */
export function startPeer(
  dir: string,
  config: PeerConfig,
  env: Record<string, string>,
): Promise<PeerProcess> {
  const script = join(dir, 'peer.mjs');
  const configFile = join(dir, 'peer.json');
  writeFileSync(script, PEER_SOURCE);
  writeFileSync(configFile, JSON.stringify(config));
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [script, configFile], {
    env,
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-4096);
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return new Promise<PeerProcess>((resolve, reject) => {
    const onReady = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.startsWith('ready\n') || child.pid === undefined) return;
      out = out.slice('ready\n'.length);
      child.stdout.off('data', onReady);
      child.stdout.on('data', (more: Buffer) => {
        out += more.toString();
      });
      resolve(
        peerProcess(
          child,
          child.pid,
          () => out,
          () => err,
          exited,
        ),
      );
    };
    child.stdout.on('data', onReady);
    child.once('error', reject);
    void exited.then((how) =>
      reject(new Error(`the peer exited (${how}) before it was ready: ${err.trim()}`)),
    );
  });
}

function peerProcess(
  child: ChildProcessWithoutNullStreams,
  pid: number,
  out: () => string,
  err: () => string,
  exited: Promise<number | string | null>,
): PeerProcess {
  return {
    pid,
    mark: () => child.kill('SIGUSR2'),
    finish: async () => {
      child.kill('SIGINT');
      const how = await exited;
      const line = out().split('\n')[0] ?? '';
      if (line === '') throw new Error(`the peer exited (${how}) with no report: ${err().trim()}`);
      return JSON.parse(line) as PeerReport;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
