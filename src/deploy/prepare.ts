import type { ContainerSpec, Engine } from '../engine/model.js';

/*
 * New containers created ahead of time, while their service still waits for its dependencies
 * (created only: nothing runs until the service's step starts it). Each is handed to its service's
 * first step; those never handed over (the deploy failed first) are removed.
 */
export class PreparedContainers {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly engine: Engine) {}

  /** Creates the service's first new container now, once. */
  create(service: string, spec: ContainerSpec): void {
    if (this.pending.has(service)) return;
    const id = this.engine.containers.create(spec).then((c) => c.id);
    // Its error, if any, is the step's to report when it takes it (or nobody's when discarded).
    id.catch(() => undefined);
    this.pending.set(service, id);
  }

  has(service: string): boolean {
    return this.pending.has(service);
  }

  /** The service's prepared container, handed over: the caller owns it from now on. */
  take(service: string): Promise<string> | undefined {
    const id = this.pending.get(service);
    this.pending.delete(service);
    return id;
  }

  /** Removes the prepared containers nobody took. */
  async discard(): Promise<void> {
    const left = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(left.map((id) => remove(this.engine, id)));
  }
}

/** Removes a prepared container that was not handed to a step; one that failed to be created is nothing to remove. */
export async function remove(engine: Engine, id: Promise<string>): Promise<void> {
  await id.then((value) => engine.containers.remove(value, { force: true })).catch(() => undefined);
}
