import type { Manifest, RestoreResult } from '../api/backups.js';
import type { Clock } from '../clock.js';
import { dependentsOf } from '../compose/graph.js';
import type { LoadedStack } from '../compose/stack.js';
import { serviceContainers } from '../deploy/containers.js';
import { desiredState } from '../deploy/desired.js';
import { gateContainer } from '../deploy/gatekeeper.js';
import type { Engine } from '../engine/model.js';
import { openArtifact } from './artifact.js';
import { verifyChecksum } from './drill.js';
import { BackupError } from './errors.js';
import { compareFacts } from './facts.js';
import { restoreInto } from './restore-kinds.js';
import { preflightRestore } from './restore-preflight.js';
import { type RestoreStep, restoreStepData } from './restore-trace.js';
import type { ArtifactStore } from './stores/types.js';

/** A backup to restore: where its artifact is and what it holds. */
export interface Restorable {
  readonly id: string;
  readonly artifact: string;
  readonly manifest: Manifest;
  readonly store: ArtifactStore;
}

export interface RestoreInput {
  readonly engine: Engine;
  readonly clock: Clock;
  readonly identities: readonly string[];
  /** The stack restored into, as its files define it now, and the service. */
  readonly loaded: LoadedStack;
  readonly service: string;
  readonly backup: Restorable;
  /** Takes the safety backup of the target (what a failed restore goes back to). */
  readonly safety: () => Promise<Restorable>;
  readonly id: string;
  readonly signal: AbortSignal;
  /** Each step, with (from the safety backup on) what it changes, for the recovery of a dead process. */
  readonly progress?: (step: string, data?: { readonly restore: RestoreStep }) => void;
  /** Verify and say what would happen; change nothing. */
  readonly dryRun?: boolean;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Refuses an artifact that is not the one recorded or does not decrypt, before anything changes: its
 * checksum, then a full pass of decryption and decompression, counted against the plain size.
 */
export async function verifyArtifact(
  backup: Restorable,
  identities: readonly string[],
  signal: AbortSignal,
): Promise<void> {
  const mismatch = await verifyChecksum(backup.store, backup.artifact, backup.manifest, signal);
  if (mismatch)
    throw new BackupError(
      'BACKUP_INTEGRITY',
      `backup ${backup.id}: ${mismatch}`,
      'the artifact was changed or damaged in the store; restore another backup',
    );
  let bytes = 0;
  try {
    const plain = await openArtifact({
      store: backup.store,
      key: backup.artifact,
      identities,
      compression: backup.manifest.artifact.compression,
      signal,
    });
    for await (const chunk of plain) bytes += (chunk as Buffer).length;
  } catch (error: unknown) {
    throw new BackupError(
      'BACKUP_INTEGRITY',
      `backup ${backup.id} does not decrypt: ${message(error)}`,
      'check that `backup.identity` is the key of one of the manifest’s recipients',
    );
  }
  if (bytes !== backup.manifest.artifact.plainSize) {
    throw new BackupError(
      'BACKUP_INTEGRITY',
      `backup ${backup.id} decrypts to ${bytes} bytes, the manifest records ${backup.manifest.artifact.plainSize}`,
      'the artifact is incomplete; restore another backup',
    );
  }
}

/**
 * A restore: the target is checked (its container, the tools the restore and the safety backup run
 * in it; read only, as the dry run does) and the artifact verified, then a safety backup of the
 * target is taken, the services that depend on it stop (furthest first), the backup is restored and
 * compared with its manifest, and everything starts again behind its health gate. If any of that
 * fails, the safety backup is restored the same way and the result says so.
 */
export async function restore(input: RestoreInput): Promise<RestoreResult> {
  const { engine, loaded, service, signal } = input;
  const started = input.clock.now();
  const say = (step: string) => input.progress?.(step);
  // The dry run and the real run check the same things, in the same order, before anything changes.
  say(`checking ${loaded.name}/${service} can take a ${input.backup.manifest.kind} restore`);
  const targetChecks = await preflightRestore({
    engine,
    stack: loaded.name,
    service,
    manifest: input.backup.manifest,
  });
  say(`verifying backup ${input.backup.id}`);
  await verifyArtifact(input.backup, input.identities, signal);
  const verified = [
    `checksum sha256 ${input.backup.manifest.artifact.sha256.slice(0, 12)}…`,
    'decrypts whole',
    ...targetChecks,
  ];
  const dependents = dependentsOf(loaded.graph, service);
  if (input.dryRun) {
    const running: string[] = [];
    for (const name of dependents) {
      if ((await serviceContainers(engine, loaded.name, name)).some((c) => c.state === 'running'))
        running.push(name);
    }
    return {
      backup: input.backup.id,
      stack: loaded.name,
      service,
      outcome: 'dry-run',
      stopped: running,
      checks: verified,
      durationMs: input.clock.now().getTime() - started.getTime(),
    };
  }
  say(`taking a safety backup of ${loaded.name}/${service}`);
  const safety = await input.safety().catch((error: unknown) => {
    const code = error instanceof BackupError ? error.code : 'BACKUP_DUMP_FAILED';
    throw new BackupError(
      code,
      `the safety backup of ${loaded.name}/${service} failed, so nothing was restored: ${message(error)}`,
      'nothing was changed (`berth backup list` shows a failed safety backup as failed, never as one to restore)',
    );
  });
  // Recorded before each change, so that a process that dies midway leaves what it had done.
  const mark = (text: string, step: RestoreStep['step'], stopping?: string) =>
    input.progress?.(
      text,
      restoreStepData({
        stack: loaded.name,
        service,
        source: input.backup.id,
        step,
        safety: safety.id,
        ...(stopping ? { stopping } : {}),
      }),
    );
  mark(`safety backup ${safety.id} of ${loaded.name}/${service} taken`, 'safety-taken');
  const desired = desiredState(loaded, { imageIds: new Map(), installCompleted: () => true });
  const stopped: string[] = [];
  const gateDeps = { engine, clock: input.clock, pollMs: 250, signal };

  const stopDependents = async () => {
    for (const name of dependents) {
      for (const c of await serviceContainers(engine, loaded.name, name)) {
        if (c.state !== 'running') continue;
        mark(`stopping ${c.name}`, 'stopping', name);
        await engine.containers.stop(c.id);
        if (!stopped.includes(name)) stopped.push(name);
      }
    }
  };
  const startAll = async () => {
    for (const name of [service, ...[...stopped].reverse()]) {
      const d = desired.services[name];
      for (const c of await serviceContainers(engine, loaded.name, name)) {
        await engine.containers.start(c.id);
        if (!d) continue;
        const verdict = await gateContainer(gateDeps, d, c.id);
        if (verdict.state !== 'passed')
          throw new Error(`${c.name} did not pass its health gate: ${verdict.detail}`);
        say(`${c.name} ready`);
      }
    }
  };
  const put = async (backup: Restorable) => {
    const [first] = await serviceContainers(engine, loaded.name, service);
    if (!first)
      throw new BackupError(
        'BACKUP_NOT_RUNNING',
        `${loaded.name}/${service} has no container`,
        `\`berth up ${loaded.name}\` creates it`,
      );
    const found = await restoreInto({
      engine,
      container: await engine.containers.inspect(first.id),
      manifest: backup.manifest,
      id: input.id,
      signal,
      open: () =>
        openArtifact({
          store: backup.store,
          key: backup.artifact,
          identities: input.identities,
          compression: backup.manifest.artifact.compression,
          signal,
        }),
    });
    const problems = [...compareFacts(backup.manifest.facts, found.facts), ...found.problems];
    if (problems.length > 0) throw new Error(problems.slice(0, 10).join('; '));
  };

  const result = (outcome: RestoreResult['outcome'], reason?: string): RestoreResult => ({
    backup: input.backup.id,
    stack: loaded.name,
    service,
    outcome,
    safetyBackup: safety.id,
    stopped,
    checks: [...verified, 'content matches the manifest'],
    ...(reason ? { reason } : {}),
    durationMs: input.clock.now().getTime() - started.getTime(),
  });

  try {
    await stopDependents();
    mark(`restoring ${input.backup.id} into ${loaded.name}/${service}`, 'writing');
    await put(input.backup);
    await startAll();
    return result('restored');
  } catch (error: unknown) {
    const reason = message(error);
    mark(`restore failed (${reason}); restoring the safety backup ${safety.id}`, 'writing');
    try {
      await stopDependents();
      await put(safety);
      await startAll();
    } catch (again: unknown) {
      // What is down now, read from the engine: the target itself too (a volume restore stops it).
      const down: string[] = [];
      for (const name of [service, ...dependents]) {
        const containers = await serviceContainers(engine, loaded.name, name).catch(() => []);
        if (containers.some((c) => c.state !== 'running')) down.push(name);
      }
      throw new BackupError(
        'BACKUP_INTEGRITY',
        `restore of ${input.backup.id} failed (${reason}), and so did putting back the safety backup ${safety.id} (${message(again)})`,
        `restore ${safety.id} by hand (README: Disaster recovery); not running now: ${down.join(', ') || 'none'} (\`berth up ${loaded.name}\` starts them once the data is back)`,
      );
    }
    return result('rolled-back', reason);
  }
}
