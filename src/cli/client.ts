import type { DeployEvent, ServiceFailure } from '../deploy/events.js';
import type { ContainerRow } from '../deploy/operations.js';
import type { Plan } from '../deploy/plan.js';
import type { ExecResult } from '../engine/index.js';
import type { Deployment, ServiceResult } from '../store/index.js';

/**
 * What the commands need from Berth. Today an in-process implementation drives the engine
 * directly; the control-plane issue swaps in an HTTP implementation without touching commands.
 */
export interface BerthClient {
  plan(stack: string, options?: { build?: boolean }): Promise<Plan>;
  up(stack: string, options: { build?: boolean; onEvent?: (e: DeployEvent) => void }): Promise<UpResult>;
  down(
    stack: string,
    options: { volumes?: boolean; dryRun?: boolean; onEvent?: (e: DeployEvent) => void },
  ): Promise<DownResult>;
  ps(stack?: string): Promise<ContainerRow[]>;
  logs(
    stack: string,
    options: { service?: string; follow?: boolean; since?: number; tail?: number; signal?: AbortSignal },
  ): AsyncIterable<LogEntry>;
  restart(
    stack: string,
    options: { service?: string; onEvent?: (e: DeployEvent) => void },
  ): Promise<{ restarted: string[] }>;
  exec(stack: string, service: string, argv: readonly string[]): Promise<ExecResult>;
  deployments(
    stack: string,
    options: { limit: number; before?: number },
  ): Promise<{ items: DeploymentView[]; nextBefore?: number }>;
  close(): Promise<void>;
}

export interface UpResult {
  readonly stack: string;
  readonly deploymentId?: number;
  readonly outcome: 'unchanged' | 'succeeded' | 'failed' | 'rolled-back';
  readonly failure?: ServiceFailure;
  readonly rollbackProblem?: string;
  readonly changedServices: string[];
}

export interface DownResult {
  readonly containers: string[];
  readonly networks: string[];
  readonly volumes: string[];
}

export interface LogEntry {
  readonly container: string;
  readonly service: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface DeploymentView extends Deployment {
  readonly services: ServiceResult[];
}
