// A `berth serve` child process for benchmarks: its address read from its own "listening" log line,
// its memory read from /proc/<pid>/status, its output drained (never printed) while it runs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listeningAddress } from '../../test/support/serve-process.js';

export interface ServeProcess {
  readonly pid: number;
  /** e.g. `http://127.0.0.1:40809` */
  readonly url: string;
  /** The last few KiB of its stdout and stderr, for error messages. */
  tail(): string;
  /** SIGINT (a clean shutdown, which also writes a --cpu-prof profile), SIGKILL after the grace time. */
  stop(graceMs?: number): Promise<void>;
}

export interface ProcMemory {
  /** Resident set size now (VmRSS), in KiB. */
  readonly rssKiB: number;
  /** Peak resident set size so far (VmHWM), in KiB. */
  readonly hwmKiB: number;
}

/** VmRSS and VmHWM from the text of /proc/<pid>/status (the kernel writes them in KiB as "kB"). */
export function parseProcStatus(status: string): ProcMemory | undefined {
  const kib = (key: string): number | undefined => {
    const value = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1];
    return value === undefined ? undefined : Number(value);
  };
  const rssKiB = kib('VmRSS');
  const hwmKiB = kib('VmHWM');
  return rssKiB === undefined || hwmKiB === undefined ? undefined : { rssKiB, hwmKiB };
}

export function procMemory(pid: number): ProcMemory {
  const memory = parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (memory === undefined) throw new Error(`no VmRSS/VmHWM in /proc/${pid}/status`);
  return memory;
}

/** USER_HZ: the unit of /proc/<pid>/stat times; 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time in ms from the text of /proc/<pid>/stat (fields 14 and 15, after the `(comm)`). */
export function parseProcStatCpuMs(stat: string): number | undefined {
  const fields = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) return undefined;
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

export function procCpuMs(pid: number): number {
  const cpu = parseProcStatCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (cpu === undefined) throw new Error(`no utime/stime in /proc/${pid}/stat`);
  return cpu;
}

const TAIL_CHARS = 4096;

/**
 * Spawns `node [nodeArgs] <entry> serve --host 127.0.0.1 --port 0` in `repoRoot` with exactly `env`
 * (nothing inherited), and resolves once it logs where it listens. The pid is the node process itself.
 * The entry defaults to the checkout's bin/berth.js (dist/ when built, else the sources through tsx).
 */
export function startServe(options: {
  repoRoot: string;
  env: Record<string, string>;
  entry?: string;
  nodeArgs?: readonly string[];
  timeoutMs?: number;
}): Promise<ServeProcess> {
  const entry = options.entry ?? join(options.repoRoot, 'bin', 'berth.js');
  const args = [...(options.nodeArgs ?? []), entry, 'serve', '--host', '127.0.0.1', '--port', '0'];
  const child = spawn(process.execPath, args, {
    cwd: options.repoRoot,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let pending = '';
  let url: string | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise<ServeProcess>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`berth serve ${why}; its last output:\n${tail.trim()}`));
    };
    const timer = setTimeout(
      () => fail('did not log `berth serve listening` in time'),
      options.timeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-TAIL_CHARS);
      if (url !== undefined) return; // drained: the access log must never fill the pipe
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) url ??= listeningAddress(line.trim());
      if (url === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      const pid = child.pid;
      resolve({
        pid,
        url,
        tail: () => tail,
        stop: async (graceMs = 10_000) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGINT');
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (url === undefined) fail(`exited (${signal ?? `code ${code}`}) before listening`);
    });
  });
}
