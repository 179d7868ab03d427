import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../clock.js';
import { builtinXBerthRegistry } from '../composition.js';
import { StackService } from '../deploy/service.js';
import { connectEngine, type Engine } from '../engine/index.js';
import type { Loggers } from '../log/index.js';
import { openStore, processIsAlive, type Store } from '../store/index.js';
import type { BerthClient } from './client.js';
import type { CliConfig } from './config.js';

/**
 * The in-process client (`--local`): loads stacks from the workspace, drives the engine itself and
 * keeps state in its own SQLite file, without a server.
 */
export class LocalClient extends StackService implements BerthClient {
  private engineConnection?: Promise<Engine>;
  private opened?: Store;

  constructor(config: CliConfig, env: Readonly<Record<string, string | undefined>>, loggers?: Loggers) {
    const clock = systemClock();
    super({
      engine: () => {
        this.engineConnection ??= connectEngine({
          ...(config.dockerHost ? { host: config.dockerHost } : {}),
        });
        return this.engineConnection;
      },
      store: () => {
        this.opened ??= openStore({
          path: join(config.stateDir, 'berth.db'),
          clock,
          isAlive: processIsAlive,
        });
        return this.opened;
      },
      clock,
      owner: { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex') },
      workspace: config.workspace,
      env,
      registry: builtinXBerthRegistry(),
      allowPaths: true,
      ...(loggers ? { logger: loggers.for('deploy') } : {}),
    });
  }

  async close(): Promise<void> {
    this.opened?.close();
  }
}
