/** What a deploy reports while it runs: shown live by the CLI, stored with the deployment. */
export type DeployEventType =
  | 'plan'
  | 'resource'
  | 'build'
  | 'container'
  | 'wait'
  | 'gate'
  | 'failure'
  | 'rollback'
  | 'install'
  | 'cleanup'
  | 'done';

export interface DeployEvent {
  readonly type: DeployEventType;
  readonly service?: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type DeployListener = (event: DeployEvent) => void;

/** Why a service failed its deploy: enough for an operator to act without `docker logs`. */
export interface ServiceFailure {
  readonly service: string;
  readonly container?: string;
  readonly reason: string;
  readonly detail: string;
  readonly exitCode?: number;
  readonly logTail: readonly string[];
  readonly healthOutput?: string;
}
