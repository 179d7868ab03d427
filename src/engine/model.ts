// Berth's model of Engine objects: the types every response is mapped into, the labels and names of
// what Berth creates, spec defaults and coded errors. Pure: importing it never loads dockerode, so
// planners and rules use this, and only code that talks to the engine imports ./index.js.

export { DEFAULT_SOCKET, type EngineAddress, parseEngineHost } from './address.js';
export type {
  ContainerClient,
  Engine,
  EventClient,
  EventFilters,
  ExecClient,
  ExecOptions,
  ImageBuildOptions,
  ImageClient,
  ImagePullOptions,
  LogClient,
  LogOptions,
  NetworkClient,
  RegistryAuth,
  SystemClient,
  VolumeClient,
} from './clients.js';
export { toCreateOptions } from './create-options.js';
export { EngineError, type EngineErrorCode, isEngineError, UNAVAILABLE_HINT } from './errors.js';
export {
  BerthLabel,
  type BerthRole,
  ComposeLabel,
  containerLabels,
  incomingName,
  isOneOff,
  isParked,
  isServiceContainer,
  MANAGED_VALUE,
  type OneOffLabelInput,
  oneOffLabels,
  ownedBy,
  parkedName,
  parkedParts,
  stackResourceLabels,
  stackSelector,
  toLabelFilters,
} from './labels.js';
export { isMissingProgram, runtimeSaysMissing } from './missing-program.js';
export { SPEC_DEFAULTS } from './spec-defaults.js';
export type {
  BuildEvent,
  ContainerEndpoint,
  ContainerHealth,
  ContainerInfo,
  ContainerMount,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  DeviceSpec,
  DiskUsage,
  EngineEvent,
  EngineVersion,
  ExecResult,
  HealthcheckSpec,
  HealthLogEntry,
  HealthStatus,
  ImageInfo,
  LabelSelector,
  LogLine,
  MountSpec,
  NetworkAttachmentSpec,
  NetworkCreateSpec,
  NetworkInfo,
  NetworkIpamConfig,
  PortBinding,
  PortProtocol,
  PortSpec,
  PullEvent,
  ResourcesSpec,
  VolumeCreateSpec,
  VolumeInfo,
} from './types.js';
