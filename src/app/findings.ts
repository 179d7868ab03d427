import { relative } from 'node:path';
import type { FindingView } from '../api/findings.js';
import type { Clock } from '../clock.js';
import type { LoadOptions } from '../compose/stack.js';

export interface WorkspaceFindingsOptions {
  readonly workspace: string;
  readonly load: Omit<LoadOptions, 'lenient'>;
  readonly clock: Pick<Clock, 'now'>;
  readonly version: string;
  /** Why the workspace file cannot be read now (thrown: a stack's findings cannot be told). */
  readonly workspaceError?: () => Promise<Error | undefined>;
  /** The workspace's stacks (a stack not in it has no findings to show: 404). */
  readonly listStacks: () => Promise<readonly { readonly name: string }[]>;
  /** How long one audit of the workspace answers for every stack (default 15 s). */
  readonly reuseMs?: number;
}

/**
 * The audit's findings per stack, as `berth audit` finds them in the workspace's files (no live
 * facts). One audit of the whole workspace serves every stack's page for `reuseMs`; callers at the
 * same time share the one run.
 */
export function workspaceFindings(
  options: WorkspaceFindingsOptions,
): (stack: string) => Promise<FindingView[] | undefined> {
  let last: { at: number; run: Promise<Array<{ stack: string; view: FindingView }>> } | undefined;
  const audit = async () => {
    // The audit (its rules, reports and fixes) loads on the first findings request, not at start.
    const { auditPath } = await import('../audit/index.js');
    const run = await auditPath({
      path: options.workspace,
      load: options.load,
      failOn: 'critical',
      date: options.clock.now(),
      version: options.version,
    });
    return run.result.findings.map((f) => ({
      stack: f.stack,
      view: {
        rule: f.rule,
        severity: f.severity,
        category: f.category,
        title: f.title,
        message: f.message,
        ...(f.service !== undefined ? { service: f.service } : {}),
        file: relative(options.workspace, f.file) || f.file,
        line: f.line,
        fix: f.fix,
      },
    }));
  };
  return async (stack) => {
    const unreadable = await options.workspaceError?.();
    if (unreadable) throw unreadable;
    if (!(await options.listStacks()).some((s) => s.name === stack)) return undefined;
    const now = options.clock.now().getTime();
    if (!last || now - last.at > (options.reuseMs ?? 15_000)) {
      const run = audit();
      last = { at: now, run };
      run.catch(() => {
        if (last?.run === run) last = undefined;
      });
    }
    return (await last.run).filter((f) => f.stack === stack).map((f) => f.view);
  };
}
