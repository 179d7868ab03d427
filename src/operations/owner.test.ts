import { describe, expect, it } from 'vitest';
import type { OperationOwner } from '../store/index.js';
import { ownerGone, ownerText } from './owner.js';

const server: OperationOwner = { pid: 100, host: 'box', token: 'self', process: 'serve' };
const local: OperationOwner = { ...server, token: 'self', process: 'local' };
const other = (o: Partial<OperationOwner>): OperationOwner => ({
  pid: 200,
  host: 'box',
  token: 'other',
  process: 'local',
  ...o,
});
const alive = () => true;
const dead = () => false;

describe('ownerGone: whether an operation left running is interrupted', () => {
  it('takes one recorded before owners for a previous server, at a server start only', () => {
    expect(ownerGone(undefined, server, alive)).toBe(true);
    expect(ownerGone(undefined, local, dead)).toBe(false);
  });

  it('never takes its own for gone', () => {
    expect(ownerGone({ ...server }, server, dead)).toBe(false);
    expect(ownerGone({ ...local }, local, dead)).toBe(false);
  });

  it('takes another server for a previous server process of this state, at a server start', () => {
    // Even when the pid is taken (a server in a container comes back as the same pid 1) or cannot
    // be checked (another hostname).
    expect(ownerGone(other({ process: 'serve' }), server, alive)).toBe(true);
    expect(ownerGone(other({ process: 'serve', host: 'elsewhere' }), server, alive)).toBe(true);
  });

  it("leaves a live --local command's operation alone, and interrupts a dead one's", () => {
    expect(ownerGone(other({}), server, alive)).toBe(false);
    expect(ownerGone(other({}), server, dead)).toBe(true);
    expect(ownerGone(other({}), local, alive)).toBe(false);
    expect(ownerGone(other({}), local, dead)).toBe(true);
  });

  it('asks the liveness check about the owner itself', () => {
    const asked: unknown[] = [];
    const owner = other({ pid: 321, host: 'elsewhere' });
    expect(
      ownerGone(owner, server, (o) => {
        asked.push(o);
        return true;
      }),
    ).toBe(false);
    expect(asked).toEqual([owner]);
  });

  it('checks a server seen by a --local command like any other process', () => {
    expect(ownerGone(other({ process: 'serve' }), local, alive)).toBe(false);
    expect(ownerGone(other({ process: 'serve' }), local, dead)).toBe(true);
  });

  it('takes its own pid under another token for a process that ended (the pid was reused)', () => {
    expect(ownerGone(other({ pid: 100 }), server, alive)).toBe(true);
    expect(ownerGone(other({ pid: 100, host: 'elsewhere' }), server, alive)).toBe(false);
  });
});

describe('ownerText', () => {
  it('names what stopped during the operation', () => {
    expect(ownerText(undefined)).toBe('a previous berth serve process');
    expect(ownerText(other({ process: 'serve' }))).toBe('a previous berth serve process');
    expect(ownerText(other({ pid: 42, host: 'box' }))).toBe('the berth --local process (pid 42 on box)');
  });
});
