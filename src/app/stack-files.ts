import { formatLocation } from '../compose/diagnostics.js';
import { type LastGood, type UnloadedStack, withLastGood } from '../compose/last-good.js';
import { everySensitiveValue } from '../compose/sensitive.js';
import type { LoadedStack, WorkspaceLoad } from '../compose/stack.js';
import type { EventPublisher } from '../events/hub.js';
import { valueMasker } from '../secrets/mask.js';
import type { StoreEventInput } from '../store/index.js';

/** The alert key of a stack whose files do not load. */
export const stackFilesKey = (stack: string): string => `stack-files:${stack}`;

const STACK_FILES_PREFIX = 'stack-files:';

/** The event of a stack whose files stopped loading, or load again. Pure; `mask` hides its values. */
export function stackFilesEvent(
  change: { readonly unloaded: UnloadedStack } | { readonly loads: string; readonly note?: string },
  mask: (text: string) => string = (t) => t,
): StoreEventInput {
  if ('loads' in change) {
    return {
      kind: 'health',
      type: 'files-valid',
      stack: change.loads,
      message: `the files of stack ${change.loads} ${change.note ?? 'load again: its scheduled jobs, backups and probes follow them again'}`,
      data: { alert: { key: stackFilesKey(change.loads), status: 'resolved', severity: 'info' } },
    };
  }
  const { name, error, kept } = change.unloaded;
  const why = error === undefined ? '' : ` (${formatLocation(error)}: ${mask(error.message)})`;
  const meanwhile = kept
    ? 'its scheduled jobs, backups and probes run on the last version that loaded until they load again'
    : 'they have not loaded since berth serve started, so its scheduled jobs, backups and probes do not run until they load';
  return {
    kind: 'health',
    type: 'files-invalid',
    stack: name,
    message: `the files of stack ${name} do not load${why}; ${meanwhile}. \`berth validate\` shows every error`,
    data: {
      ...(error !== undefined
        ? { file: error.file, line: error.line, column: error.column, code: error.code }
        : {}),
      kept,
      alert: { key: stackFilesKey(name), status: 'open', severity: 'error' },
    },
  };
}

export interface StackFilesDeps {
  readonly load: () => Promise<WorkspaceLoad>;
  readonly events: () => EventPublisher;
  /** The keys of the alerts open now (a stack's files may have been fixed while Berth was stopped). */
  readonly openAlertKeys: () => readonly string[];
  readonly logger?: { warn(obj: object, msg?: string): void };
}

/**
 * The workspace's stacks for the work that runs without a request (jobs, backups, health): the last
 * good version of a stack whose files do not load stands in for it (see compose/last-good.ts), and
 * each change of which stacks do not load becomes one event that opens or resolves an alert.
 */
export class StackFiles {
  private memory: ReadonlyMap<string, LoadedStack> = new Map();
  private seen: { load: WorkspaceLoad; result: LastGood } | undefined;
  /** Each unloaded stack reported, by name, with what was said (kept or not, the error). */
  private readonly reported = new Map<string, string>();
  /** Only `berth serve` reports (from its start): a CLI command in-process says nothing of other stacks. */
  private reporting = false;
  private first = true;

  constructor(private readonly deps: StackFilesDeps) {}

  /** From now on, changes are reported; the next look reports the stacks that do not load now. */
  startReporting(): void {
    this.reporting = true;
    this.seen = undefined;
  }

  async stacks(): Promise<readonly LoadedStack[]> {
    const load = await this.deps.load();
    if (this.seen?.load !== load) {
      const result = withLastGood(load, this.memory);
      this.memory = result.memory;
      this.seen = { load, result };
      if (this.reporting) this.report(load, result);
    }
    return this.seen.result.stacks;
  }

  /** The stacks whose files do not load, as of the last look. */
  unloaded(): readonly UnloadedStack[] {
    return this.seen?.result.unloaded ?? [];
  }

  private report(load: WorkspaceLoad, result: LastGood): void {
    const now = new Map(result.unloaded.map((u) => [u.name, u]));
    const publish = (input: StoreEventInput) => {
      try {
        this.deps.events().publish(input);
      } catch (error: unknown) {
        this.deps.logger?.warn({ err: error }, 'could not record that a stack’s files do not load');
      }
    };
    for (const [name, unloaded] of now) {
      // A new error while someone edits is not news; a stand-in gained or lost is.
      const said = String(unloaded.kept);
      if (this.reported.get(name) === said) continue;
      this.reported.set(name, said);
      const kept = result.stacks.find((s) => s.name === name);
      const mask = valueMasker(kept === undefined ? [] : everySensitiveValue(kept.sensitive));
      publish(stackFilesEvent({ unloaded }, mask));
    }
    const resolve = (name: string) =>
      publish(
        stackFilesEvent(
          load.stacks.some((s) => s.name === name)
            ? { loads: name }
            : { loads: name, note: 'are no longer in the workspace: nothing of it is scheduled' },
        ),
      );
    for (const name of [...this.reported.keys()]) {
      if (now.has(name)) continue;
      this.reported.delete(name);
      resolve(name);
    }
    if (this.first) {
      this.first = false;
      // Alerts left open by an earlier run, for stacks whose files load now (or are gone).
      for (const key of this.deps.openAlertKeys()) {
        const name = key.startsWith(STACK_FILES_PREFIX) ? key.slice(STACK_FILES_PREFIX.length) : undefined;
        if (name !== undefined && !now.has(name)) resolve(name);
      }
    }
  }
}
