import { describe, expect, it } from 'vitest';
import {
  type ContainerAlarm,
  type ContainerFacts,
  type ContainerWatch,
  carriedLoopWatch,
  NEW_WATCH,
  watchContainer,
} from './crash-loop.js';

const rule = { restarts: 3, windowMs: 60_000 };
const running = (restartCount: number, extra: Partial<ContainerFacts> = {}): ContainerFacts => ({
  state: 'running',
  restartCount,
  oomKilled: false,
  ...extra,
});

/** Looks at the container at each [seconds, facts]; returns every alarm type with its second. */
function watchOver(looks: Array<[number, ContainerFacts]>, from: ContainerWatch = NEW_WATCH) {
  let watch = from;
  const alarms: Array<[number, ContainerAlarm['type']]> = [];
  for (const [s, facts] of looks) {
    const step = watchContainer(watch, facts, s * 1000, rule);
    watch = step.watch;
    for (const a of step.alarms) alarms.push([s, a.type]);
  }
  return { watch, alarms };
}

describe('crash loops', () => {
  it('raises one alarm at the third restart within the window, with the exit code', () => {
    const step = watchContainer(
      { ...NEW_WATCH, restartCount: 2, restarts: [10_000, 20_000] },
      running(3, { exitCode: 1, state: 'exited' }),
      30_000,
      rule,
    );
    expect(step.alarms).toEqual([{ type: 'crash-loop', restarts: 3, windowMs: 60_000, exitCode: 1 }]);
    const { alarms } = watchOver([
      [0, running(0)],
      [10, running(1)],
      [20, running(2)],
      [30, running(3)],
      [40, running(4)],
    ]);
    expect(alarms).toEqual([[30, 'crash-loop']]);
  });

  it('counts several restarts seen in one inspection, and restarts spread out never loop', () => {
    expect(
      watchOver([
        [0, running(0)],
        [5, running(3)],
      ]).alarms,
    ).toEqual([[5, 'crash-loop']]);
    expect(
      watchOver([
        [0, running(1)],
        [70, running(2)],
        [140, running(3)],
        [210, running(4)],
      ]).alarms,
    ).toEqual([]);
  });

  it('takes the engine’s restarting state as a crash loop once it restarted twice within the window', () => {
    const restarting = (n: number) => running(n, { state: 'restarting' });
    // One crash of a `restart: always` service passes through `restarting`: no alarm, and no flapping.
    expect(
      watchOver([
        [0, running(0)],
        [1, restarting(1)],
        [2, running(1)],
      ]).alarms,
    ).toEqual([]);
    expect(
      watchOver([
        [0, running(0)],
        [1, restarting(1)],
        [2, running(1)],
        [3, restarting(2)],
      ]).alarms,
    ).toEqual([[3, 'crash-loop']]);
  });

  it('does not end while restarts are still within the window, even when it runs between them', () => {
    const { alarms, watch } = watchOver([
      [0, running(0)],
      [1, running(3)],
      [2, running(3)],
      [40, running(3)],
    ]);
    expect(alarms).toEqual([[1, 'crash-loop']]);
    expect(watch.crashLooping).toBe(true);
  });

  it('ends once a window passes without a restart and the container runs, not while it is down', () => {
    const { alarms, watch } = watchOver([
      [0, running(0)],
      [1, running(3)],
      [30, running(3, { state: 'exited' })],
      [70, running(3, { state: 'exited' })],
      [80, running(3)],
      [90, running(3)],
    ]);
    expect(alarms).toEqual([
      [1, 'crash-loop'],
      [80, 'crash-loop-ended'],
    ]);
    expect(watch.crashLooping).toBe(false);
  });

  it('starts counting again for a recreated container (a lower restart count)', () => {
    const { alarms } = watchOver([
      [0, running(5)],
      [100, running(0)],
      [110, running(1)],
      [120, running(2)],
    ]);
    expect(alarms).toEqual([]);
  });

  it('takes the restarts from before the first look as a baseline, not as a crash loop', () => {
    expect(
      watchOver([
        [0, running(50)],
        [10, running(51)],
      ]).alarms,
    ).toEqual([]);
  });

  it('carries a loop whose alert was open over a restart of Berth: it ends by the rule, not at the first look', () => {
    // Berth starts watching at 100 s; the container, up at that moment, keeps restarting.
    const still = watchOver(
      [
        [100, running(9)],
        [130, running(10)],
        [150, running(10)],
      ],
      carriedLoopWatch(100_000),
    );
    expect(still.alarms).toEqual([]);
    expect(still.watch.crashLooping).toBe(true);
    // No restart for a whole window after the last one, and running: it ends, once.
    const ends = watchOver(
      [
        [100, running(9)],
        [159, running(9)],
        [160, running(9)],
        [200, running(9)],
      ],
      carriedLoopWatch(100_000),
    );
    expect(ends.alarms).toEqual([[160, 'crash-loop-ended']]);
  });

  it('reports an OOM kill once per kill', () => {
    const { alarms } = watchOver([
      [0, running(0)],
      [10, running(1, { oomKilled: true })],
      [20, running(1, { oomKilled: true })],
      [200, running(2, { oomKilled: true })],
      [210, running(2, { oomKilled: false })],
    ]);
    expect(alarms).toEqual([
      [10, 'oom-killed'],
      [200, 'oom-killed'],
    ]);
  });
});
