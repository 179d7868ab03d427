import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { BackupService } from '../../../src/backup/service.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import type { BackupSettings } from '../../../src/config/backup-settings.js';
import { EventHub } from '../../../src/events/hub.js';
import type { Store } from '../../../src/store/index.js';
import type { DeployHarness } from '../deploy/support.js';

// Shared by the backup integration tests: a directory store and an age key pair in a temp folder,
// and a BackupService over the harness's engine and store.

export const SERVICES = 'local/services:1';

/** The `pg` service of a compose file: PostgreSQL 15 from local/services:1, backed up as postgres. */
export const POSTGRES_SERVICE = `  pg:
    image: ${SERVICES}
    user: postgres
    command: ["/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/15/main", "-c", "config_file=/etc/postgresql/15/main/postgresql.conf", "-c", "listen_addresses=127.0.0.1"]
    volumes: [pg-data:/var/lib/postgresql]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: postgres }
`;

export interface BackupKit {
  readonly settings: BackupSettings;
  readonly root: string;
  readonly storeDir: string;
  readonly identity: string;
  readonly identityFile: string;
  /** A BackupService over the harness; `settings` replaces the kit's (another store, say). */
  service(stacks: () => readonly LoadedStack[], store?: Store, settings?: BackupSettings): BackupService;
  cleanup(): void;
}

export async function backupKit(h: DeployHarness): Promise<BackupKit> {
  const root = mkdtempSync(join(tmpdir(), 'berth-backup-it-'));
  const identity = await generateIdentity();
  const identityFile = join(root, 'identity.txt');
  writeFileSync(identityFile, `# a test key\n${identity}\n`, { mode: 0o600 });
  const storeDir = join(root, 'store');
  const settings: BackupSettings = {
    stores: { local: { type: 'dir', path: storeDir } },
    recipients: [await identityToRecipient(identity)],
    identityFile,
  };
  return {
    settings,
    root,
    storeDir,
    identity,
    identityFile,
    service: (stacks, store = h.store, own = settings) =>
      new BackupService({
        engine: async () => h.engine,
        store: () => store,
        clock: h.clock,
        events: () => new EventHub(store.events),
        stacks: async () => stacks(),
        settings: () => own,
      }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs `argv` in the first running container of a service; fails the test on a non-zero exit. */
export async function execIn(
  h: DeployHarness,
  stack: string,
  service: string,
  argv: string[],
  env?: Record<string, string>,
): Promise<string> {
  const [c] = await h.engine.containers.list({
    'dev.berth.stack': stack,
    'dev.berth.service': service,
    'dev.berth.role': 'current',
  });
  if (!c) throw new Error(`no container of ${stack}/${service}`);
  const r = await h.engine.exec.run(c.id, argv, { ...(env ? { env } : {}), timeoutMs: 300_000 });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}
