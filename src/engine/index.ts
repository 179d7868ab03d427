// The only module of Berth that talks to the Docker Engine.

export type {
  ContainerClient,
  Engine,
  EventClient,
  EventFilters,
  ExecClient,
  ExecOptions,
  ImageBuildOptions,
  ImageClient,
  LogClient,
  LogOptions,
  NetworkClient,
  SystemClient,
  VolumeClient,
} from './clients.js';
export {
  type ConnectConfig,
  compareApiVersions,
  connectEngine,
  createEngine,
  DEFAULT_SOCKET,
  NEWEST_API_VERSION,
  negotiateApiVersion,
  OLDEST_API_VERSION,
  parseEngineHost,
} from './connect.js';
export { toCreateOptions } from './create-options.js';
export { EngineError, type EngineErrorCode, isEngineError, UNAVAILABLE_HINT } from './errors.js';
export {
  BerthLabel,
  type BerthRole,
  ComposeLabel,
  containerLabels,
  MANAGED_VALUE,
  ownedBy,
  stackResourceLabels,
  stackSelector,
  toLabelFilters,
} from './labels.js';
export { SPEC_DEFAULTS } from './spec-defaults.js';
export type { EngineRequest, Transport } from './transport.js';
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
  ResourcesSpec,
  VolumeCreateSpec,
  VolumeInfo,
} from './types.js';
