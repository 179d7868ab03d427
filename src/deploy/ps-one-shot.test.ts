import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../../test/support/http-app.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { systemClock } from '../clock.js';
import {
  BerthLabel,
  type ContainerInfo,
  type ContainerState,
  type ContainerSummary,
  type Engine,
  MANAGED_VALUE,
} from '../engine/model.js';
import type { DeployStores } from './ports.js';
import { StackService } from './service.js';

// `ps` says of an exited container its exit code and whether its service is a one-shot (another
// service waits for it with `service_completed_successfully`), so the dashboard can show a finished
// migration as completed rather than stopped.

const workspace = makeWorkspace();
afterAll(() => workspace.cleanup());
writeFileSync(
  join(workspace.root, 'alpha', 'compose.yaml'),
  [
    'services:',
    '  web:',
    '    image: nginx:1.27',
    '    depends_on: { worker: { condition: service_completed_successfully } }',
    '  worker:',
    '    image: busybox:1.36',
    '',
  ].join('\n'),
);

const container = (stack: string, service: string, state: ContainerState, exitCode = 0) => {
  const labels = {
    [BerthLabel.Managed]: MANAGED_VALUE,
    [BerthLabel.Stack]: stack,
    [BerthLabel.Service]: service,
    [BerthLabel.Replica]: '1',
  };
  const id = `${stack}-${service}-id-0000`;
  const summary = { id, name: `${stack}-${service}-1`, image: 'i', imageId: 'sha', labels, state } as const;
  const info = {
    ...summary,
    exitCode,
    startedAt: null,
    finishedAt: null,
    restartCount: 0,
    ports: [],
    networks: {},
    networkMode: 'bridge',
    mounts: [],
    env: [],
    tty: false,
    createdAt: '2025-01-01T00:00:00Z',
  } satisfies ContainerInfo;
  return { summary: { ...summary, status: '', networks: [], createdAt: info.createdAt }, info };
};

function serviceOver(list: ReturnType<typeof container>[]) {
  const engine = {
    containers: {
      list: async (): Promise<ContainerSummary[]> => list.map((c) => c.summary),
      inspect: async (id: string): Promise<ContainerInfo> => {
        const found = list.find((c) => c.info.id === id);
        if (!found) throw new Error(`no ${id}`);
        return found.info;
      },
    },
  } as unknown as Engine;
  return new StackService({
    engine: async () => engine,
    store: () => ({}) as DeployStores,
    clock: systemClock(),
    owner: { pid: process.pid, host: 'test', token: 'ps-one-shot-test' },
    workspace: workspace.root,
    env: {},
    registry: builtinXBerthRegistry(),
    allowPaths: false,
  });
}

describe('StackService.ps', () => {
  it('marks an exited one-shot with its exit code, and a service that exited as no one-shot', async () => {
    const service = serviceOver([
      container('alpha', 'web', 'running'),
      container('alpha', 'worker', 'exited', 0),
      container('beta', 'api', 'exited', 137),
      container('gamma', 'db', 'running'),
    ]);
    const rows = await service.ps();
    const by = (stack: string, name: string) => rows.find((r) => r.stack === stack && r.service === name);
    expect(by('alpha', 'worker')).toMatchObject({ state: 'exited', exitCode: 0, oneShot: true });
    expect(by('beta', 'api')).toMatchObject({ state: 'exited', exitCode: 137, oneShot: false });
    // Running containers carry neither: nothing to say, and their stacks' files are not read.
    expect(by('alpha', 'web')).not.toHaveProperty('exitCode');
    expect(by('alpha', 'web')).not.toHaveProperty('oneShot');
    expect(by('gamma', 'db')).not.toHaveProperty('oneShot');
  });

  it('leaves oneShot out when the stack’s files do not load', async () => {
    const [row] = await serviceOver([container('delta', 'bad', 'exited', 0)]).ps();
    expect(row).toMatchObject({ state: 'exited', exitCode: 0 });
    expect(row).not.toHaveProperty('oneShot');
  });
});
