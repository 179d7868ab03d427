import type { Clock } from '../clock.js';
import type { EventHub } from '../events/hub.js';
import type { Loggers } from '../log/index.js';
import type { AppMetrics } from '../metrics/registry.js';
import type { Store } from '../store/index.js';
import type { EngineConnection } from './engine-connection.js';

/** The parts of a Berth that most of its services are built from (createBerth makes each once). */
export interface BerthParts {
  readonly engine: EngineConnection;
  /** Opened on first use. */
  readonly store: () => Store;
  readonly clock: Clock;
  readonly events: () => EventHub;
  readonly loggers: Loggers;
  readonly metrics: AppMetrics;
}
