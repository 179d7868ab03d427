/** Coded deploy errors; the API edge maps them to HTTP, the CLI to exit codes. */
export type DeployErrorCode =
  | 'DEPLOY_IN_PROGRESS'
  | 'DEPLOY_PLAN_REFUSED'
  | 'DEPLOY_BUILD_FAILED'
  | 'DEPLOY_PULL_FAILED'
  | 'DEPLOY_STACK_NOT_FOUND'
  | 'DEPLOY_SERVICE_NOT_FOUND'
  | 'DEPLOY_INVALID_STACK'
  /** What an interrupted deploy left could not be put back: nothing was deployed. */
  | 'DEPLOY_RECOVERY_FAILED'
  /** `down` kept a network or volume a container Berth did not make still uses. */
  | 'DEPLOY_DOWN_INCOMPLETE'
  /** A signal stopped the deploy (Ctrl-C of `berth --local up`): what it changed was put back. */
  | 'DEPLOY_INTERRUPTED';

export class DeployError extends Error {
  readonly code: DeployErrorCode;
  readonly hint: string;

  constructor(code: DeployErrorCode, message: string, hint: string) {
    super(message);
    this.name = 'DeployError';
    this.code = code;
    this.hint = hint;
  }
}

export function isDeployError(error: unknown): error is DeployError {
  return error instanceof DeployError;
}

/**
 * DEPLOY_INTERRUPTED, naming the signal that stopped the deploy (the CLI exits 128 + its number).
 * `berth` is how the operator runs Berth (`berth --local` in-process).
 */
export class DeployInterruptedError extends DeployError {
  readonly signal: string;

  constructor(stack: string, signal: string, berth = 'berth') {
    super(
      'DEPLOY_INTERRUPTED',
      `the deploy of ${stack} was interrupted by ${signal}: what it changed was put back and it is recorded interrupted`,
      `run \`${berth} up ${stack}\` again to deploy it (it first finishes putting back anything that could not be); \`${berth} deployments ${stack}\` shows what was undone`,
    );
    this.signal = signal;
  }
}

/**
 * A service name the stack does not have: names the stack, the name given and the services it has,
 * so a typo is refused before anything is changed (restart, logs, exec) and the right name is at hand.
 */
export function serviceNotFound(stack: string, service: string, services: readonly string[]): DeployError {
  return new DeployError(
    'DEPLOY_SERVICE_NOT_FOUND',
    `stack ${stack} has no service ${service}; nothing was changed`,
    services.length === 0
      ? `${stack} has no services in its compose files nor on the engine; \`berth config ${stack}\` shows what its files define`
      : `its services: ${services.join(', ')}; give one of these (\`berth ps ${stack}\` lists what runs)`,
  );
}
