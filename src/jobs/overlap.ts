import type { JobDefinition } from './xberth.js';

interface Slot {
  running: number;
  queued: boolean;
  idle: Promise<void>;
  release: () => void;
}

/** What overlap says about a new run: go, or why it is skipped. */
export type Admission =
  | { readonly go: true; readonly done: () => void }
  | { readonly go: false; readonly reason: string };

/**
 * The runs going on, per job, and what a job's `overlap` lets a new one do: `skip` while one runs,
 * `queue` one to start when the running one ends (a second waiting one is skipped), `allow` all.
 */
export class OverlapGuard {
  private readonly slots = new Map<string, Slot>();

  isRunning(id: string): boolean {
    return (this.slots.get(id)?.running ?? 0) > 0;
  }

  /** Waits (queue) or answers at once; a run that goes must call `done` when it ends. */
  async admit(id: string, overlap: JobDefinition['overlap']): Promise<Admission> {
    const slot = this.slots.get(id);
    if (slot && slot.running > 0 && overlap !== 'allow') {
      if (overlap === 'skip')
        return { go: false, reason: 'the previous run is still running (overlap: skip)' };
      if (slot.queued)
        return { go: false, reason: 'a run is already waiting for the running one (overlap: queue)' };
      slot.queued = true;
      await slot.idle;
      slot.queued = false;
    }
    return { go: true, done: this.enter(id) };
  }

  private enter(id: string): () => void {
    let slot = this.slots.get(id);
    if (!slot || slot.running === 0) {
      let release = () => {};
      const idle = new Promise<void>((resolve) => {
        release = resolve;
      });
      slot = { running: 0, queued: slot?.queued ?? false, idle, release };
      this.slots.set(id, slot);
    }
    slot.running++;
    const held = slot;
    return () => {
      held.running--;
      if (held.running === 0) held.release();
    };
  }
}
