import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore } from './db.js';

// Real processes, not two connections in one: this is what the IMMEDIATE transaction in acquire is for.
const PROCESSES = 5;
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const dbModule = new URL('./db.js', import.meta.url).href;

const childScript = `
import { openStore } from ${JSON.stringify(dbModule)};
const [path, pid] = process.argv.slice(2);
const store = openStore({ path, clock: { now: () => new Date() }, isAlive: () => true });
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  let line;
  try {
    const r = store.locks.acquire('web', { owner: { pid: Number(pid), host: 'box', token: 't' + pid } });
    line = r.ok ? 'won' : 'held:' + r.heldBy.owner.pid;
  } catch (error) {
    line = 'error:' + (error.code ?? error.message);
  }
  store.close();
  process.stdout.write(line + '\\n');
  process.exit(0);
});
`;

let temp: ReturnType<typeof makeTempDir>;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(() => {
  temp = makeTempDir();
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
  temp.cleanup();
});

function lines(child: ChildProcessWithoutNullStreams): AsyncIterator<string> {
  let buffer = '';
  const queue: string[] = [];
  const waiting: Array<(v: IteratorResult<string>) => void> = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const resolve = waiting.shift();
      if (resolve) resolve({ value: line, done: false });
      else queue.push(line);
    }
  });
  child.on('exit', () => {
    for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
  });
  return {
    next: () => {
      const line = queue.shift();
      if (line !== undefined) return Promise.resolve({ value: line, done: false });
      if (child.exitCode !== null) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

describe('locks across processes', () => {
  it('lets exactly one of several processes racing for a stack win, the rest see the winner', async () => {
    const path = join(temp.dir, 'state.db');
    // Create and migrate up front so the race is about the lock, not the first migration.
    openStore({ path, clock: fakeClock(), isAlive: () => true }).close();
    const script = join(temp.dir, 'child.mts');
    writeFileSync(script, childScript);

    const readers = [];
    for (let i = 0; i < PROCESSES; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, path, String(1000 + i)], {
        cwd: projectRoot,
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      children.push(child);
      readers.push({ child, next: lines(child), stderr: () => stderr });
    }
    for (const r of readers) {
      const first = await r.next.next();
      expect(first.value, r.stderr()).toBe('ready');
    }
    // Release them together so their acquire calls overlap as much as the OS allows.
    for (const r of readers) r.child.stdin.write('go\n');
    const outcomes = await Promise.all(readers.map(async (r) => (await r.next.next()).value ?? r.stderr()));

    const winners = outcomes.filter((o) => o === 'won');
    expect(winners).toHaveLength(1);
    const winnerPid = 1000 + outcomes.indexOf('won');
    expect(outcomes.filter((o) => o !== 'won')).toEqual(Array(PROCESSES - 1).fill(`held:${winnerPid}`));

    const store = openStore({ path, clock: fakeClock(), isAlive: () => true });
    expect(store.locks.holder('web')?.owner.pid).toBe(winnerPid);
    store.close();
  });
});
