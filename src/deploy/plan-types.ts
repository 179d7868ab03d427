import type {
  ContainerSpec,
  ContainerSummary,
  NetworkCreateSpec,
  NetworkInfo,
  VolumeCreateSpec,
  VolumeInfo,
} from '../engine/model.js';
import type { BuildRequest, DesiredStack, Strategy } from './desired.js';
import type { Platform } from './platform.js';

// The planner's vocabulary: its input, the steps it plans and the plan it returns.

export interface ContainerRef {
  readonly id: string;
  readonly name: string;
}

export type Step =
  | { readonly kind: 'create-network'; readonly name: string; readonly spec: NetworkCreateSpec }
  | { readonly kind: 'create-volume'; readonly name: string; readonly spec: VolumeCreateSpec }
  | {
      readonly kind: 'pull';
      /** The reference as the compose file writes it. */
      readonly image: string;
      /** `platform:` of the services that run it (one pull per image and platform). */
      readonly platform?: string;
      /** The services that run it. */
      readonly services: readonly string[];
      /** A failed pull stops the deploy; when false (a periodic refresh of a present image), it goes on with the image it has. */
      readonly required: boolean;
      readonly reasons: string[];
    }
  | {
      readonly kind: 'build';
      readonly service: string;
      readonly request: BuildRequest;
      readonly reasons: string[];
    }
  | {
      readonly kind: 'create';
      readonly service: string;
      readonly replica: number;
      readonly spec: ContainerSpec;
      readonly reasons: string[];
    }
  | {
      readonly kind: 'recreate';
      readonly service: string;
      readonly replica: number;
      readonly spec: ContainerSpec;
      readonly current: ContainerRef;
      readonly strategy: Strategy;
      readonly reasons: string[];
    }
  | {
      readonly kind: 'start';
      readonly service: string;
      readonly replica: number;
      readonly current: ContainerRef;
      readonly reasons: string[];
    }
  | {
      readonly kind: 'remove';
      readonly service: string;
      readonly replica: number;
      readonly current: ContainerRef;
      readonly reasons: string[];
    };

export type ContainerStep = Extract<Step, { kind: 'create' | 'recreate' | 'start' }>;

// Plan and ServicePlan are type aliases, not interfaces: the API's plan schema is an open object, and
// only an alias fits an object type with an index signature.
export type ServicePlan = {
  readonly service: string;
  readonly level: number;
  /** Steps for this service's containers; empty when it is unchanged. */
  readonly steps: readonly ContainerStep[];
};

export type PlanProblemCode =
  | 'NAME_CLASH'
  | 'IMAGE_MISSING'
  | 'IMAGE_PLATFORM'
  | 'BUILD_MISSING'
  | 'EXTERNAL_MISSING';
export interface PlanProblem {
  readonly code: PlanProblemCode;
  readonly message: string;
  readonly hint: string;
  /** `file:line:col` in the stack's files of what the problem is about (a service's `image:`). */
  readonly where?: string;
}

/** A typed plan: applying it converges the engine on the desired stack. Empty when nothing changes. */
export type Plan = {
  readonly stack: string;
  readonly resources: readonly Extract<Step, { kind: 'create-network' | 'create-volume' }>[];
  /** Images to pull before anything changes (`pull_policy`, or not on the engine). */
  readonly pulls: readonly Extract<Step, { kind: 'pull' }>[];
  readonly builds: readonly Extract<Step, { kind: 'build' }>[];
  readonly services: readonly ServicePlan[];
  /** Containers to remove: services gone from the file, replicas scaled away, leftovers of an interrupted deploy. */
  readonly removals: readonly Extract<Step, { kind: 'remove' }>[];
  readonly problems: readonly PlanProblem[];
};

export interface AppliedRecord {
  readonly containerId: string;
  readonly service: string;
  readonly replica: number;
  readonly configHash: string;
  /** As stored: secret values replaced by their fingerprints when `protect` is given. */
  readonly spec: ContainerSpec;
  readonly imageId?: string;
  /** Brings a new spec to the stored form (the same fingerprints), so the two compare. */
  readonly protect?: (spec: ContainerSpec) => ContainerSpec;
  /**
   * Fingerprints of the digests of the `file:` secrets and configs the container mounted
   * (`secret <name>`); absent in records of a Berth that did not track their content.
   */
  readonly files?: Readonly<Record<string, string>>;
  /** Brings new digests to the stored form (the record's salt); given with `files`. */
  readonly protectFiles?: (digests: Readonly<Record<string, string>>) => Record<string, string>;
}

/** A container as the planner sees it: the listing, plus the exit code of an exited one (inspected). */
export interface ObservedContainer extends ContainerSummary {
  /** The engine's `State.ExitCode`; absent for a container that is not exited or could not be inspected. */
  readonly exitCode?: number;
}

export interface PlanInput {
  readonly desired: DesiredStack;
  readonly observed: {
    readonly containers: readonly ObservedContainer[];
    readonly networks: readonly NetworkInfo[];
    readonly volumes: readonly VolumeInfo[];
  };
  readonly applied: readonly AppliedRecord[];
  readonly imageIds: ReadonlyMap<string, string>;
  /** Image reference → the platform of the image the engine has under it (absent: not known, taken to fit). */
  readonly imagePlatforms?: ReadonlyMap<string, Platform>;
  /** The engine's own platform: what a `platform:` naming only the OS means (absent: the OS alone is compared). */
  readonly enginePlatform?: Platform;
  /** Image reference → when a deploy last pulled it (ISO 8601, Berth's record), for the periodic pull policies. */
  readonly lastPulled?: ReadonlyMap<string, string>;
  /** Now, in ms since the epoch (the age of an image under `daily`, `weekly`, `every_…`). */
  readonly now?: number;
  /** Rebuild images of services with `build:` even when the image exists. */
  readonly build?: boolean;
  /** The deploy pulled and built already and plans again with what it got: no pulls, no policy builds. */
  readonly pulled?: boolean;
}
