import { describe, expect, it } from 'vitest';
import { type Engine, EngineError } from '../engine/model.js';
import { idsInUse, incomplete, keptHint, keptText, removeOrHolders, volumeHolders } from './down-kept.js';

const ID = 'a'.repeat(64);
const ID2 = 'b'.repeat(64);

describe('idsInUse', () => {
  it('reads the container ids of the engine’s "volume is in use" answer', () => {
    expect(idsInUse(`remove shop_data: volume is in use - [${ID}]`)).toEqual([ID]);
    expect(idsInUse(`remove shop_data: volume is in use - [${ID}, ${ID2}]`)).toEqual([ID, ID2]);
  });
  it('reads nothing from another answer', () => {
    expect(idsInUse('remove shop_data: permission denied')).toEqual([]);
    expect(idsInUse('volume is in use - [not-an-id]')).toEqual([]);
  });
});

describe('what down says about what it kept', () => {
  const net = { kind: 'network' as const, name: 'shop_default', holders: ['probe'] };
  const vol = { kind: 'volume' as const, name: 'shop_data', holders: ['copy', 'tar'] };
  it('names each kept object and the containers holding it', () => {
    expect(keptText(net)).toBe(
      "kept network shop_default: container probe (not this stack's) is attached to it",
    );
    expect(keptText(vol)).toBe("kept volume shop_data: containers copy, tar (not this stack's) use it");
  });
  it('says what to do, as commands', () => {
    expect(keptHint([net])).toContain(
      'docker network disconnect shop_default probe; then run berth down again',
    );
    expect(keptHint([vol])).toContain('docker rm -f copy');
  });
  it('is a coded error saying what was removed and what was kept', () => {
    const e = incomplete('shop', { containers: ['shop-web-1'], networks: [], volumes: ['shop_db'] }, [net]);
    expect(e.code).toBe('DEPLOY_DOWN_INCOMPLETE');
    expect(e.message).toBe(
      "shop is only partly down: removed 1 container, 0 networks, 1 volume; kept network shop_default: container probe (not this stack's) is attached to it",
    );
  });
});

describe('holders after a refused removal', () => {
  const engine = (attachedNow: Record<string, { name: string }>, removeError?: Error) =>
    ({
      networks: {
        inspect: async () => ({ containers: attachedNow }),
        remove: async () => {
          if (removeError) throw removeError;
        },
      },
      containers: {
        inspect: async (id: string) => {
          if (id === ID) return { name: 'copy' };
          throw new EngineError('ENGINE_NOT_FOUND', 'gone');
        },
      },
    }) as unknown as Engine;
  const n = { id: 'n1', name: 'shop_default' };

  it('a network someone attached to meanwhile: its holders', async () => {
    const e = new EngineError('ENGINE_FAILED', 'network shop_default id n1 has active endpoints');
    expect(await removeOrHolders(engine({ [ID]: { name: 'probe' } }, e), n)).toEqual(['probe']);
  });
  it('another failure is thrown as it is', async () => {
    const e = new EngineError('ENGINE_FAILED', 'boom');
    await expect(removeOrHolders(engine({ [ID]: { name: 'probe' } }, e), n)).rejects.toBe(e);
    await expect(removeOrHolders(engine({}), n)).resolves.toEqual([]);
  });
  it('a volume in use: the names of its containers (the id of one that cannot be read)', async () => {
    const e = new EngineError('ENGINE_CONFLICT', `remove shop_data: volume is in use - [${ID}, ${ID2}]`);
    expect(await volumeHolders(engine({}), e)).toEqual(['copy', ID2.slice(0, 12)]);
    const other = new EngineError('ENGINE_FAILED', 'disk on fire');
    await expect(volumeHolders(engine({}), other)).rejects.toBe(other);
  });
});
