export type {
  AlertRecord,
  AlertRoute,
  AlertState,
  AlertStore,
  DeliveryKind,
  DeliveryRecord,
  DeliveryStatus,
  NewAlert,
  NewDelivery,
  StoredSeverity,
} from './alerts.js';
export {
  type AppliedSpec,
  type AppliedSpecInput,
  AppliedSpecInputSchema,
  AppliedSpecSchema,
  type AppliedSpecStore,
} from './applied-specs.js';
export {
  type AuditEntry,
  type AuditEntryInput,
  AuditEntryInputSchema,
  type AuditListOptions,
  type AuditLogStore,
  type AuditPage,
  createAuditLogStore,
} from './audit-log.js';
export type { AttemptRecord, AttemptScope, LoginAttemptStore } from './auth-attempts.js';
export type { SessionRecord, SessionStore } from './auth-sessions.js';
export type { SetupTokenRecord, SetupTokenStore } from './auth-setup.js';
export { type AuthStore, createAuthStore } from './auth-store.js';
export type { ApiTokenRecord, ApiTokenStore } from './auth-tokens.js';
export type { GrantRecord, StoredRole, UserRecord, UserStore } from './auth-users.js';
export type { BackupRecord, BackupStore, BeginBackupInput } from './backups.js';
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  type OpenStoreOptions,
  openMemoryStore,
  openStore,
  type Store,
  type StoreSettings,
} from './db.js';
export {
  type CreateDeploymentInput,
  CreateDeploymentInputSchema,
  type Deployment,
  type DeploymentEvent,
  DeploymentEventSchema,
  type DeploymentPage,
  DeploymentSchema,
  type DeploymentStatus,
  DeploymentStatusSchema,
  type EventInput,
  EventInputSchema,
  type FinishOutcome,
  FinishOutcomeSchema,
  type ListOptions,
  type ServiceOutcome,
  ServiceOutcomeSchema,
  type ServiceResult,
  type ServiceResultInput,
  ServiceResultInputSchema,
  ServiceResultSchema,
} from './deployment-schemas.js';
export type { DeploymentStore, LatestDeployment } from './deployments.js';
export { isStoreError, StoreError, type StoreErrorCode } from './errors.js';
export type { EventCursor, EventCursorStore } from './event-cursors.js';
export {
  EVENT_RETENTION,
  type EventInput as StoreEventInput,
  type EventQuery,
  type EventStore,
} from './events.js';
export type { ImagePullRecord, ImagePullStore } from './image-pulls.js';
export {
  type InstallRecord,
  InstallRecordSchema,
  type InstallStateStore,
  type InstallStatus,
} from './install-state.js';
export type {
  FinishRunInput,
  JobRunStore,
  NotRunInput,
  StartRunInput,
} from './job-runs.js';
export type { JobBudgetStore, JobState, JobStateStore } from './job-state.js';
export type { JsonValue } from './json.js';
export {
  type AcquireInput,
  type AcquireResult,
  type IsAlive,
  type LockHolder,
  type LockOwner,
  LockOwnerSchema,
  type LockStore,
} from './locks.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export {
  type OperationOwner,
  OperationOwnerSchema,
  type OperationStore,
} from './operation-records.js';
export type {
  ProbeFailure,
  ProbeKey,
  ProbeRecord,
  ProbeStore,
  ProbeWrite,
  StoredBucket,
  StoredProbeStatus,
} from './probes.js';
export { processIsAlive } from './process-alive.js';
export { type LastDrill, readLastDrills } from './read-drills.js';
export type { DeploymentOutcome, StackDown, StackDownStore, StackRunFacts } from './stack-downs.js';
export type { StackImageOrigin, StackImageRecord, StackImageStore } from './stack-images.js';
export type { StackRecordStore } from './stack-records.js';
