// The probe runners as the monitor uses them: one run of a check, and the exec port over the engine.
export type { CheckContext } from './context.js';
export { type ContainerExec, execInContainer } from './exec.js';
export { runCheck } from './run.js';
