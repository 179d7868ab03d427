import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { unifiedDiff } from './fix-diff.js';
import { pinTarget } from './fix-pin.js';
import { addNoNewPrivileges, setImage, type YamlEdit } from './fix-yaml.js';
import { reportPath } from './report/context.js';
import type { Finding, Snapshot } from './types.js';

export interface FileEdit {
  readonly kind: 'edit';
  readonly file: string;
  readonly before: string;
  readonly after: string;
  /** One line per fix in this file, e.g. "shop/web: image nginx:1.27.3". */
  readonly what: readonly string[];
}

export interface ModeChange {
  readonly kind: 'mode';
  readonly file: string;
  readonly from: number;
  readonly to: number;
}

export type FixChange = FileEdit | ModeChange;

export interface FixPlan {
  readonly changes: readonly FixChange[];
  /** Automatic fixes that could not be made, and why. */
  readonly notes: readonly string[];
  /** Findings whose fix is a manual change (their fix text is in the report). */
  readonly manual: number;
}

const SAFE_MODE = 0o600;

const label = (f: Finding) => (f.service ? `${f.stack}/${f.service}` : f.stack);

/**
 * The safe fixes for a set of findings, computed but not applied: pins to the image the engine
 * runs, `chmod 600` for readable .env files and `no-new-privileges`. Everything else stays a
 * manual fix. Only files of the audited stacks are touched.
 */
export async function planFixes(snapshot: Snapshot, findings: readonly Finding[]): Promise<FixPlan> {
  const texts = new Map<string, { before: string; after: string; what: string[] }>();
  const modes = new Map<string, ModeChange>();
  const notes: string[] = [];
  let manual = 0;
  const edit = async (f: Finding, change: (text: string) => YamlEdit, what: string) => {
    const stack = snapshot.stacks.find((s) => s.name === f.stack);
    if (!stack?.loaded.sources.includes(f.file)) {
      notes.push(`${f.rule} ${label(f)}: ${f.file} is not a file of the stack; change it by hand`);
      return;
    }
    let entry = texts.get(f.file);
    if (!entry) {
      const before = await readFile(f.file, 'utf8');
      entry = { before, after: before, what: [] };
      texts.set(f.file, entry);
    }
    const result = change(entry.after);
    if (!result.ok) {
      notes.push(`${f.rule} ${label(f)}: ${result.why}`);
      return;
    }
    entry.after = result.text;
    entry.what.push(what);
  };

  for (const f of findings) {
    if (!f.autofix) {
      manual++;
      continue;
    }
    if (f.autofix === 'pin-image') {
      const target = pinTarget(snapshot, f);
      if (!target.ok || !f.service) {
        notes.push(`${f.rule} ${label(f)}: ${target.ok ? 'not a service' : target.why}`);
        continue;
      }
      const service = f.service;
      await edit(f, (t) => setImage(t, service, target.image), `${label(f)}: image ${target.image}`);
    } else if (f.autofix === 'no-new-privileges') {
      const service = f.service;
      if (!service) continue;
      await edit(
        f,
        (t) => addNoNewPrivileges(t, service),
        `${label(f)}: security_opt no-new-privileges:true`,
      );
    } else if (f.autofix === 'chmod-env') {
      const known = snapshot.stacks.some((s) => s.envFiles.some((e) => e.path === f.file));
      if (!known) {
        notes.push(`${f.rule} ${label(f)}: ${f.file} is not an env file of the stack`);
        continue;
      }
      const mode = (await stat(f.file)).mode & 0o777;
      if (mode & 0o077) modes.set(f.file, { kind: 'mode', file: f.file, from: mode, to: SAFE_MODE });
    }
  }
  const changes: FixChange[] = [
    ...[...texts]
      .filter(([, e]) => e.after !== e.before)
      .map(([file, e]): FileEdit => ({ kind: 'edit', file, before: e.before, after: e.after, what: e.what })),
    ...modes.values(),
  ];
  changes.sort((a, b) => a.file.localeCompare(b.file) || a.kind.localeCompare(b.kind));
  return { changes, notes, manual };
}

const octal = (mode: number) => mode.toString(8).padStart(3, '0');

/** The plan as a unified diff; a mode change shows as `mode 644 → 600`. */
export function formatFixDiff(plan: FixPlan, root: string): string {
  return plan.changes
    .map((c) => {
      const path = reportPath(root, c.file);
      return c.kind === 'edit'
        ? unifiedDiff(c.before, c.after, path)
        : `--- a/${path}\n+++ b/${path}\nmode ${octal(c.from)} → ${octal(c.to)}\n`;
    })
    .join('');
}

/**
 * Applies the plan. A file that changed since the plan was made is left alone (and said so), so a
 * concurrent edit is never overwritten. Returns one line per change made or refused.
 */
export async function applyFixes(plan: FixPlan, root: string): Promise<string[]> {
  const done: string[] = [];
  for (const c of plan.changes) {
    const path = reportPath(root, c.file);
    if (c.kind === 'mode') {
      await chmod(c.file, c.to);
      done.push(`${path}: mode ${octal(c.from)} → ${octal(c.to)}`);
      continue;
    }
    const now = await readFile(c.file, 'utf8');
    if (now !== c.before) {
      done.push(`${path}: not changed: the file was modified while the fixes were planned; run again`);
      continue;
    }
    await writeFile(c.file, c.after, 'utf8');
    for (const what of c.what) done.push(`${path}: ${what}`);
  }
  return done;
}
