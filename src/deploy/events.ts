import type { DeployEventType } from '../api/deploy.js';

/** What a deploy reports while it runs: shown live by the CLI, stored with the deployment. */
export interface DeployEvent {
  readonly type: DeployEventType;
  readonly service?: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type DeployListener = (event: DeployEvent) => void;
