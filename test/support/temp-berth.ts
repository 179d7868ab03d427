import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type Berth, createBerth } from '../../src/app/berth.js';
import { systemClock } from '../../src/clock.js';
import { quietLoggers } from './quiet-loggers.js';
import { makeTempDir } from './store.js';

export interface TempBerths {
  /** A Berth as `berth serve` makes it: its state and an empty workspace in a new temp folder, quiet. */
  readonly berth: () => Berth;
  /** A new temp folder, removed after the test like the Berths'. */
  readonly tempDir: (prefix: string) => string;
}

/** For a test file: Berths and folders in temp folders, each removed after its test. */
export function useTempBerths(prefix: string): TempBerths {
  const temps: Array<ReturnType<typeof makeTempDir>> = [];
  afterEach(() => {
    for (const t of temps.splice(0)) t.cleanup();
  });
  const tempDir = (p: string) => {
    const temp = makeTempDir(p);
    temps.push(temp);
    return temp.dir;
  };
  const berth = () => {
    const dir = tempDir(prefix);
    const workspace = join(dir, 'ws');
    mkdirSync(workspace);
    return createBerth({
      stateDir: join(dir, 'state'),
      workspace,
      env: {},
      clock: systemClock(),
      loggers: quietLoggers(),
      allowPaths: false,
      process: 'serve',
    });
  };
  return { berth, tempDir };
}
