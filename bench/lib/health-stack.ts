// The stack the health benchmark deploys and the calls it makes to `berth serve`: one sleeping
// busybox service carrying N http probes in `x-berth.probes`, deployed by the CLI in-process,
// then the waits on the server's view (the admin token comes from api-token.ts).
import { setTimeout as delay } from 'node:timers/promises';
import { firstOffset } from '../../src/health/monitor/catalog.js';
import { call } from './api-token.js';
import { timeProcess } from './proc.js';

export const SERVICE = 'target';
/** Every probe's time limit, Berth's and the peer's. */
export const PROBE_TIMEOUT_MS = 2_000;

export const probeName = (i: number): string => `p${String(i).padStart(4, '0')}`;

/** What each probe asks, and when in the interval it first runs: Berth's spread, by its key. */
export function probePlan(
  stack: string,
  n: number,
  intervalMs: number,
): { name: string; path: string; offsetMs: number }[] {
  return Array.from({ length: n }, (_, i) => {
    const name = probeName(i);
    return { name, path: `/${name}`, offsetMs: firstOffset(`${stack}/${SERVICE}/${name}`, intervalMs) };
  });
}

/** The compose file: probes reach `${base}/berth/<probe>` every `intervalS`, 2 s limit, 200 wanted. */
export function composeFile(stack: string, base: string, n: number, intervalS: number): string {
  const probes = probePlan(stack, n, intervalS * 1000).map(
    (p) =>
      `        ${p.name}: { type: http, url: "${base}/berth${p.path}", interval: ${intervalS}s, timeout: ${PROBE_TIMEOUT_MS / 1000}s, conditions: ["[STATUS] == 200"] }`,
  );
  return [
    `name: ${stack}`,
    'services:',
    `  ${SERVICE}:`,
    '    image: local/busybox:1',
    '    command: [sleep, "86400"]',
    '    stop_signal: SIGKILL',
    '    x-berth:',
    '      probes:',
    ...probes,
    '',
  ].join('\n');
}

/** `berth --local -w <ws> up <stack>` with `entry` (a compiled build or bin/berth.js). */
export async function deployLocal(
  entry: string,
  cwd: string,
  ws: string,
  stack: string,
  env: Record<string, string>,
): Promise<number> {
  const run = await timeProcess(process.execPath, [entry, '--local', '-w', ws, 'up', stack], { cwd, env });
  if (run.code !== 0) {
    throw new Error(
      `berth --local up ${stack} exited with ${run.code ?? run.signal}:\n${run.stderr.slice(-2000)}`,
    );
  }
  return run.ms;
}

/** GET /metrics as text. */
export async function scrape(base: string, token: string): Promise<string> {
  const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`GET /metrics: HTTP ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

/** How many of the stack's probes of SERVICE GET /api/v1/health lists as watched. */
export async function watchedProbes(base: string, token: string, stack: string): Promise<number> {
  const { json } = await call(
    `${base}/api/v1/health?stack=${encodeURIComponent(stack)}`,
    { headers: { authorization: `Bearer ${token}` } },
    200,
  );
  const items = Array.isArray(json.items) ? (json.items as { service?: unknown; watched?: unknown }[]) : [];
  return items.filter((p) => p.service === SERVICE && p.watched === true).length;
}

/** Polls GET /api/v1/health once a second until `n` probes are watched; throws after `timeoutMs`. */
export async function waitWatched(
  base: string,
  token: string,
  stack: string,
  n: number,
  timeoutMs: number,
): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const watched = await watchedProbes(base, token, stack);
    if (watched >= n) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) {
      throw new Error(
        `after ${timeoutMs / 1000} s, GET /api/v1/health shows ${watched} of ${n} probes watched`,
      );
    }
    await delay(1_000);
  }
}
