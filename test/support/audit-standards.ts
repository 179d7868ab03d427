import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import type { MailFacts } from '../../src/audit/mail/facts.js';
import { takeSnapshot } from '../../src/audit/snapshot.js';
import type { Hit, LiveFacts, Rule, Snapshot } from '../../src/audit/types.js';

/*
 * Test support for the rule tests: a real snapshot taken from files written to a temporary folder,
 * so rules are exercised on models the loader produced, never on hand-built ones.
 */

export interface Tree {
  /** Relative path → content. */
  readonly files: Readonly<Record<string, string>>;
  /** Relative path → permission bits, applied after writing (files default to 0600). */
  readonly modes?: Readonly<Record<string, number>>;
  /** Folder (relative) to snapshot; the root by default. */
  readonly at?: string;
  readonly live?: LiveFacts;
  /** What DNS said about the mail domains (as `--dns` or `--live` looks them up). */
  readonly mail?: readonly MailFacts[];
}

export interface Taken {
  readonly root: string;
  readonly snapshot: Snapshot;
}

export async function snapshotOf(tree: Tree): Promise<Taken> {
  const root = await mkdtemp(join(tmpdir(), 'berth-audit-'));
  for (const [path, content] of Object.entries(tree.files)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    await chmod(file, tree.modes?.[path] ?? 0o600);
  }
  const { snapshot, diagnostics } = await takeSnapshot(
    join(root, tree.at ?? '.'),
    { env: {}, registry: builtinXBerthRegistry() },
    tree.live,
  );
  // A stack that fails to load would make every rule look clean: fail the test instead.
  if (snapshot.stacks.length === 0 || diagnostics.length > 0)
    throw new Error(
      `stack not loaded: ${diagnostics
        .slice(0, 3)
        .map((d) => `${d.file}:${d.line}: ${d.message}`)
        .join('; ')}`,
    );
  return { root, snapshot: tree.mail ? { ...snapshot, mail: tree.mail } : snapshot };
}

/** A one-stack snapshot of folder `app`: one compose file, plus extra files (paths relative to `app`). */
export async function stackOf(
  compose: string,
  extra: Readonly<Record<string, string>> = {},
  live?: LiveFacts,
) {
  const files: Record<string, string> = { 'app/compose.yaml': compose, 'app/README.md': '# app\n' };
  for (const [path, content] of Object.entries(extra)) files[`app/${path}`] = content;
  return snapshotOf({
    files,
    at: 'app',
    ...(live ? { live } : {}),
  });
}

/** Runs a rule on the snapshot of one compose file. */
export async function hitsOf(
  rule: Rule,
  compose: string,
  extra?: Readonly<Record<string, string>>,
): Promise<Hit[]> {
  return rule.check((await stackOf(compose, extra)).snapshot);
}

/** Evidence of each hit, prefixed by its service, for compact assertions. */
export function keys(hits: readonly Hit[]): string[] {
  return hits.map((h) => `${h.stack}/${h.service ?? '-'}: ${h.evidence}`);
}
