import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../../test/support/http-app.js';
import type { ContainerRow } from '../api/deploy.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { systemClock } from '../clock.js';
import { StackService } from './service.js';

// requireService: a service of the stack's files, or (for logs and exec) of its containers, passes;
// any other name is DEPLOY_SERVICE_NOT_FOUND naming the stack, the name and the services there are.

const workspace = makeWorkspace();
afterAll(() => workspace.cleanup());

/** The stack service over the workspace, its containers a table (no engine, no state file). */
class TableService extends StackService {
  readonly asked: string[] = [];
  constructor(private readonly running: readonly Pick<ContainerRow, 'stack' | 'service'>[]) {
    super({
      engine: () => Promise.reject(new Error('no engine in this test')),
      store: () => {
        throw new Error('no state file in this test');
      },
      clock: systemClock(),
      owner: { pid: process.pid, host: 'test', token: 'require-service-test' },
      workspace: workspace.root,
      env: {},
      registry: builtinXBerthRegistry(),
      allowPaths: false,
    });
  }
  override async ps(stack?: string): Promise<ContainerRow[]> {
    this.asked.push(stack ?? '');
    return this.running.filter((c) => c.stack === stack) as ContainerRow[];
  }
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('StackService.requireService', () => {
  const service = new TableService([
    { stack: 'alpha', service: 'web' },
    { stack: 'alpha', service: 'legacy' },
    { stack: 'delta', service: 'bad' },
  ]);

  it('passes a service of the files without asking the engine', async () => {
    await service.requireService('alpha', 'worker', 'files-or-engine');
    await service.requireService('alpha', 'worker', 'files');
    expect(service.asked).toEqual([]);
  });

  it('refuses any other name, naming the stack, the name and the services of files and engine', async () => {
    expect(await refusal(service.requireService('alpha', 'wbe', 'files-or-engine'))).toMatchObject({
      code: 'DEPLOY_SERVICE_NOT_FOUND',
      message: 'stack alpha has no service wbe; nothing was changed',
      hint: expect.stringContaining('its services: legacy, web, worker'),
    });
    // restart works from the files: a service only the engine has is not one it knows.
    expect(await refusal(service.requireService('alpha', 'legacy', 'files'))).toMatchObject({
      code: 'DEPLOY_SERVICE_NOT_FOUND',
      hint: expect.stringContaining('its services: web, worker;'),
    });
  });

  it('reads what runs of a stack whose files do not load (logs, exec), and says why for restart', async () => {
    await service.requireService('delta', 'bad', 'files-or-engine');
    expect(await refusal(service.requireService('delta', 'bad', 'files'))).toMatchObject({
      code: 'DEPLOY_INVALID_STACK',
    });
  });
});
