export { type ConditionResult, conditionHolds, type DependsCondition } from './conditions.js';
export {
  clip,
  describeContainer,
  exitCodeText,
  explainExitCode,
  formatAgo,
  lastHealthCheck,
  lastHealthOutput,
  oneLine,
} from './describe.js';
export {
  effectiveTimeout,
  type GateFailure,
  type GateKind,
  type GateObservation,
  type GatePolicy,
  type GateState,
  type GateVerdict,
  type MissingObservation,
  observe,
  startGate,
} from './gate.js';
